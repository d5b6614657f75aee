package workflows

import (
	"strings"

	"go.temporal.io/sdk/workflow"

	"karso.ru/prm/activities"
	"karso.ru/prm/payments"
	"karso.ru/prm/warranty"
)

// CancelRequest cancels a sale: a dealer's before it is paid, a manager's or an admin's any
// time before it is closed.
type CancelRequest struct {
	Reason string `json:"reason"`
	Actor  Actor  `json:"actor"`
}

// reasonPaymentFailed is the reason of the cancellation the workflow makes itself when a
// failed payment was neither retried nor recorded in time.
const reasonPaymentFailed = "Оплата не поступила: последняя попытка не прошла, и за 7 дней платёж не был повторён или зачислен"

// beforePayment are the statuses a dealer may still cancel in.
func beforePayment(st warranty.SaleStatus) bool {
	return st == warranty.StatusDraft || st == warranty.StatusPendingApproval || st == warranty.StatusAwaitingPayment
}

func (s *sale) validateCancel(r CancelRequest) error {
	if err := s.checkActor(r.Actor); err != nil {
		return err
	}
	switch r.Actor.Role {
	case RoleDealer:
		if !beforePayment(s.Status) && !s.Status.IsFinal() {
			return forbidden()
		}
	case RoleManager, RoleAdmin:
	default:
		return forbidden()
	}
	if s.Status.IsFinal() {
		return wrongStatus(s.Status)
	}
	if s.busy() {
		return busyError()
	}
	if strings.TrimSpace(r.Reason) == "" {
		return validationError(warranty.Violations{{Field: "reason", Code: warranty.CodeRequired}})
	}
	if len(r.Reason) > 2000 {
		return validationError(warranty.Violations{{Field: "reason", Code: warranty.CodeTooLong, Args: []any{2000}}})
	}
	return nil
}

// cancelSale cancels the sale. A draft or a sale waiting for approval has nothing to undo;
// from the contract on, the compensations run in the main loop (see cancel).
func (s *sale) cancelSale(ctx workflow.Context, r CancelRequest) (SaleState, error) {
	if s.Status == warranty.StatusDraft || s.Status == warranty.StatusPendingApproval {
		release := s.exclusive()
		defer release()
		s.markCancelled(ctx, strings.TrimSpace(r.Reason))
		err := s.record(ctx, r.Actor, "cancelled", s.CancelReason, map[string]any{"status": s.Status})
		release()
		return s.answer(err)
	}
	return s.perform(ctx, func(ctx workflow.Context) error {
		if s.Status.IsFinal() {
			return wrongStatus(s.Status)
		}
		s.cancel(ctx, r)
		return nil
	})
}

func (s *sale) markCancelled(ctx workflow.Context, reason string) {
	now := workflow.Now(ctx)
	s.Status, s.CancelledAt, s.CancelReason = warranty.StatusCancelled, &now, reason
}

// cancel undoes a sale that has a contract, in order, each step in the history: void the
// open payments (intent or invoice), refund what was captured, void the contract and its
// addenda, reverse the ledger, archive a cancellation act. A step that fails for good is
// recorded and the next one still runs: a cancellation must end the sale.
func (s *sale) cancel(ctx workflow.Context, r CancelRequest) {
	reason := strings.TrimSpace(r.Reason)
	for _, p := range s.payments {
		if !p.open() {
			continue
		}
		if captured := s.voidPayment(ctx, p); captured {
			_ = s.record(ctx, Actor{}, "payment_captured", "", map[string]any{"payment_id": p.ID})
			continue
		}
		if ch := s.change(p.ChangeN); ch != nil && p.Purpose == payments.PurposeUpsell {
			ch.Status = ChangeCancelled
		}
		_ = s.record(ctx, Actor{}, "payment_voided", "", map[string]any{"payment_id": p.ID, "method": p.Method})
	}

	var paid, refunded warranty.Kopecks
	for i := len(s.payments) - 1; i >= 0; i-- {
		p := s.payments[i]
		if p.Purpose == payments.PurposeRefund || p.PaidAt == nil {
			continue
		}
		paid += p.AmountKopecks
		amount := p.refundable()
		if amount <= 0 {
			continue
		}
		if ref, err := s.refund(ctx, p, amount, "cancel", false); err == nil {
			refunded += amount
			_ = s.record(ctx, Actor{}, "payment_refunded", "", map[string]any{"payment_id": p.ID,
				"amount_kopecks": amount, "refund_ref": ref})
		}
	}

	if docs := s.contractDocuments(); len(docs) > 0 {
		if err := workflow.ExecuteActivity(s.mustOptions(ctx), acts.VoidDocuments, docs).Get(ctx, nil); err != nil {
			workflow.GetLogger(ctx).Error("void contract", "err", err)
			_ = s.record(ctx, Actor{}, "contract_void_failed", errorMessage(err), nil)
		} else {
			_ = s.record(ctx, Actor{}, "contract_voided", "", map[string]any{"contract_number": s.ContractNumber,
				"document_ids": docs})
		}
	}

	if s.ActivatedAt != nil {
		var reversed int
		err := workflow.ExecuteActivity(s.mustOptions(ctx), acts.ReverseSalePostings, s.ID).Get(ctx, &reversed)
		if err != nil {
			workflow.GetLogger(ctx).Error("reverse ledger", "err", err)
			_ = s.record(ctx, Actor{}, "ledger_reversal_failed", errorMessage(err), nil)
		} else {
			_ = s.record(ctx, Actor{}, "ledger_reversed", "", map[string]any{"postings": reversed})
		}
	}

	if doc := s.archiveCancellationAct(ctx, reason, paid, refunded); doc != "" {
		_ = s.record(ctx, Actor{}, "cancellation_act_archived", "", map[string]any{"document_id": doc})
	}

	s.markCancelled(ctx, reason)
	_ = s.record(ctx, r.Actor, "cancelled", reason, map[string]any{"status": s.Status,
		"paid_kopecks": paid, "refunded_kopecks": refunded})
}

// contractDocuments are the documents a cancellation voids: the contract and its addenda.
func (s *sale) contractDocuments() []string {
	var ids []string
	if s.ContractDocumentID != "" {
		ids = append(ids, s.ContractDocumentID)
	}
	for _, c := range s.changes {
		if c.AddendumDocumentID != "" {
			ids = append(ids, c.AddendumDocumentID)
		}
	}
	return ids
}

func (s *sale) archiveCancellationAct(ctx workflow.Context, reason string, paid, refunded warranty.Kopecks) string {
	req := activities.CancellationActRequest{SaleID: s.ID, SalonID: s.SalonID, ContractNumber: s.ContractNumber,
		IssuedAt: workflow.Now(ctx), TimeZone: s.in.TimeZone, Reason: reason, Paid: paid, Refunded: refunded}
	if s.ContractIssuedAt != nil {
		req.ContractDate = *s.ContractIssuedAt
	}
	if s.Customer != nil {
		req.Customer = *s.Customer
	}
	if s.Vehicle != nil {
		req.Vehicle = *s.Vehicle
	}
	var doc activities.IssuedDocument
	if err := workflow.ExecuteActivity(s.documentOptions(ctx), acts.ArchiveCancellationAct, req).Get(ctx, &doc); err != nil {
		workflow.GetLogger(ctx).Error("archive cancellation act", "err", err)
		_ = s.record(ctx, Actor{}, "cancellation_act_failed", errorMessage(err), nil)
		return ""
	}
	return doc.ID
}
