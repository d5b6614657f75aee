package api_test

import (
	"context"
	"errors"
	"net/http"
	"slices"
	"testing"
	"time"

	"github.com/google/uuid"
	"go.temporal.io/sdk/client"
	temporalsdk "go.temporal.io/sdk/temporal"

	"karso.ru/prm/payments"
	"karso.ru/prm/workflows"
)

// Issue 10, finding 1: a payment_outcome signal sent straight to Temporal (anyone who reaches
// its frontend can) used to activate the sale and post the ledger with no money. The workflow
// now confirms an outcome against what the pay page recorded; the real payment still works.
func TestAForgedPaymentSignalDoesNotActivateTheSale(t *testing.T) {
	dealer := login(t, "dealer@karso.test")
	sale := saleAwaitingPayment(t, dealer)
	base := "/api/v1/sales/" + sale.ID
	p := sale.Payment
	forged := payments.Outcome{PaymentID: uuid.MustParse(p.ID), SaleID: uuid.MustParse(sale.ID), Attempt: p.Attempts[0].N,
		ProviderRef: "forged", Result: payments.ResultSucceeded, At: time.Now()}
	if err := temporal.SignalWorkflow(context.Background(), workflows.WorkflowID(sale.ID), "", workflows.SignalPaymentOutcome, forged); err != nil {
		t.Fatal(err)
	}
	eventually(t, "the forged outcome is written into the history and ignored", func() bool {
		return slices.Contains(historyOf(t, dealer, sale.ID), "payment_outcome_unconfirmed")
	})
	if s := dealer.paidSale("GET", base, nil, http.StatusOK); s.Status != "awaiting_payment" || s.Payment.Status != "pending" {
		t.Fatalf("after a forged success the sale is %s, payment %s", s.Status, s.Payment.Status)
	}
	if n := countRows(t, `SELECT count(*) FROM ledger_postings WHERE sale_id = $1`, sale.ID); n != 0 {
		t.Errorf("%d postings after a forged success", n)
	}
	payByCard(t, p.URL, "4242 4242 4242 4242", http.StatusOK)
	eventually(t, "the real payment activates the sale", func() bool {
		return dealer.paidSale("GET", base, nil, http.StatusOK).Status == "active"
	})
}

// Issue 10, finding 1: the workflow's role checks read the actor the caller writes into the
// update, so any Temporal client could cancel a sale as an admin. The API now seals each actor
// for its sale; an actor without the seal, or sealed for another sale, is refused.
func TestAnUpdateWithAForgedActorIsRefused(t *testing.T) {
	dealer := login(t, "dealer@karso.test")
	sale := draftSale(t, dealer, newVIN(t), "used")
	other := draftSale(t, dealer, newVIN(t), "used")
	admin := workflows.Actor{ID: 1, Name: "Администратор", Role: workflows.RoleAdmin, Lang: "ru"}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	for name, a := range map[string]workflows.Actor{
		"unsealed":                admin,
		"sealed for another sale": workflows.SealActor(other.ID, admin),
	} {
		h, err := temporal.UpdateWorkflow(ctx, client.UpdateWorkflowOptions{WorkflowID: workflows.WorkflowID(sale.ID),
			UpdateName: workflows.UpdateCancel, Args: []any{workflows.CancelRequest{Reason: "подделка", Actor: a}},
			WaitForStage: client.WorkflowUpdateStageCompleted})
		if err == nil {
			err = h.Get(ctx, nil)
		}
		var app *temporalsdk.ApplicationError
		if !errors.As(err, &app) || app.Type() != workflows.ErrTypeForbidden {
			t.Errorf("a cancel by an %s admin answered %v", name, err)
		}
	}
	if s := dealer.sale("GET", "/api/v1/sales/"+sale.ID, nil, http.StatusOK); s.Status != "draft" {
		t.Fatalf("after forged cancels the sale is %s", s.Status)
	}
	// the dealer's own cancel, sealed by the API, goes through
	dealer.sale("POST", "/api/v1/sales/"+sale.ID+"/cancel", map[string]string{"reason": "Клиент передумал"}, http.StatusOK)
}
