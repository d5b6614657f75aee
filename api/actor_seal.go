package api

import "karso.ru/prm/workflows"

// sealed seals the actor inside an update's argument for the sale it goes to: the workflow's
// validators accept only actors the API sealed (workflows/actor_seal.go), so a Temporal client
// other than the API cannot act as someone else. Every update argument that names an actor is
// listed here; TestEveryUpdateArgumentIsSealed keeps the list whole.
func sealed(saleID string, arg any) any {
	seal := func(a workflows.Actor) workflows.Actor { return workflows.SealActor(saleID, a) }
	switch a := arg.(type) {
	case workflows.Actor:
		return seal(a)
	case workflows.VehicleStep:
		a.Actor = seal(a.Actor)
		return a
	case workflows.CustomerStep:
		a.Actor = seal(a.Actor)
		return a
	case workflows.TariffStep:
		a.Actor = seal(a.Actor)
		return a
	case workflows.Decision:
		a.Actor = seal(a.Actor)
		return a
	case workflows.UpsellRequest:
		a.Actor = seal(a.Actor)
		return a
	case workflows.TariffChangeRequest:
		a.Actor = seal(a.Actor)
		return a
	case workflows.CancelRequest:
		a.Actor = seal(a.Actor)
		return a
	case workflows.MarkPaidInput:
		a.Actor = seal(a.Actor)
		return a
	case workflows.RetryPaymentInput:
		a.Actor = seal(a.Actor)
		return a
	}
	return arg
}
