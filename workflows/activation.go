package workflows

import (
	"time"

	"go.temporal.io/sdk/workflow"

	"karso.ru/prm/activities"
	"karso.ru/prm/payments"
	"karso.ru/prm/warranty"
)

// tend drives a sale from awaiting_payment to closed: the updates' work first, then the
// payment outcomes, then whatever timer fell due; otherwise it waits for the next of them.
func (s *sale) tend(ctx workflow.Context) {
	if s.runJob(ctx) || s.takeOutcome(ctx) {
		return
	}
	if s.Status == warranty.StatusAwaitingPayment && s.salePayment() == nil {
		s.requestSalePayment(ctx)
		return
	}
	if s.advancePayments(ctx) || s.closeWindowIfDue(ctx) {
		return
	}
	status := s.Status
	ready := func() bool {
		return len(s.jobs) > 0 || len(s.outcomes) > 0 || s.Status != status || s.contractDue
	}
	wake, ok := s.nextWake()
	if !ok {
		_ = workflow.Await(ctx, ready)
		return
	}
	if d := wake.Sub(workflow.Now(ctx)); d > 0 {
		_, _ = workflow.AwaitWithTimeout(ctx, d, ready)
	}
}

// activate makes a paid sale active: the ledger posting (once per sale, whatever retries
// happen), the payment receipt in the partner's archive, and the upsell window until 00:00
// of the next month's first day, counted from the moment the money arrived.
func (s *sale) activate(ctx workflow.Context, p *payment) {
	now := workflow.Now(ctx)
	closes := warranty.UpsellWindowCloses(now, s.loc)
	changes := map[string]any{"payment_id": p.ID, "method": p.Method, "amount_kopecks": p.AmountKopecks,
		"upsell_window_closes_at": closes}

	var postingID string
	err := workflow.ExecuteActivity(s.mustOptions(ctx), acts.PostSalePaid, activities.SalePosting{SaleID: s.ID,
		PartnerID: s.PartnerID, PaymentID: p.ID, Method: p.Method, Price: s.Quote.PriceKopecks,
		Commission: s.Quote.CommissionKopecks}).Get(ctx, &postingID)
	if err != nil {
		// a refused posting is a bug for finance to fix; the customer has paid all the same
		workflow.GetLogger(ctx).Error("post sale paid", "err", err)
		changes["ledger_error"] = errorMessage(err)
	} else {
		changes["ledger_posting_id"] = postingID
	}
	if doc := s.archiveReceipt(ctx, p); doc != "" {
		changes["receipt_document_id"] = doc
	}
	s.Status, s.ActivatedAt, s.UpsellWindowClosesAt = warranty.StatusActive, &now, &closes
	changes["status"] = s.Status
	_ = s.record(ctx, Actor{}, "activated", "", changes)
}

// archiveReceipt issues the receipt of a payment received; "" when it could not be issued
// (the payment stands; the failure is logged).
func (s *sale) archiveReceipt(ctx workflow.Context, p *payment) string {
	customer := ""
	if s.Customer != nil {
		customer = s.Customer.FullName
	}
	paidAt := workflow.Now(ctx)
	if p.PaidAt != nil {
		paidAt = *p.PaidAt
	}
	var doc activities.IssuedDocument
	err := workflow.ExecuteActivity(s.documentOptions(ctx), acts.ArchiveReceipt, activities.ReceiptRequest{
		SaleID: s.ID, PaymentID: p.ID, SalonID: s.SalonID, Number: s.documentNumber(p), ContractNumber: s.ContractNumber,
		CustomerName: customer, Purpose: p.Purpose, Method: p.Method, Reference: p.Reference,
		Amount: p.AmountKopecks, PaidAt: paidAt}).Get(ctx, &doc)
	if err != nil {
		workflow.GetLogger(ctx).Error("archive receipt", "payment", p.ID, "err", err)
		return ""
	}
	p.ReceiptDocumentID = doc.ID
	return doc.ID
}

// closeWindowIfDue closes the upsell window at its boundary; it reports whether it did.
func (s *sale) closeWindowIfDue(ctx workflow.Context) bool {
	if s.Status != warranty.StatusActive || s.UpsellWindowClosesAt == nil ||
		workflow.Now(ctx).Before(*s.UpsellWindowClosesAt) {
		return false
	}
	s.closeWindow(ctx)
	return true
}

// closeWindow makes the sale final: a change still waiting for its payment lapses (its
// payment is voided), and the sale is closed as of the boundary.
func (s *sale) closeWindow(ctx workflow.Context) {
	for _, p := range s.payments {
		if !p.open() || p.Purpose != payments.PurposeUpsell {
			continue
		}
		ch := s.change(p.ChangeN)
		if captured := s.voidPayment(ctx, p); captured {
			// the customer paid before the boundary; the outcome is on its way
			s.paid(ctx, p)
			continue
		}
		if ch != nil {
			ch.Status = ChangeLapsed
		}
		_ = s.record(ctx, Actor{}, "upsell_lapsed", "", map[string]any{"payment_id": p.ID, "change": p.ChangeN})
	}
	closedAt := *s.UpsellWindowClosesAt
	s.Status, s.ClosedAt = warranty.StatusClosed, &closedAt
	_ = s.record(ctx, Actor{}, "closed", "", map[string]any{"status": s.Status, "upsell_window_closed_at": closedAt})
}

// voidPayment ends an open payment unpaid: its intent cancelled, its invoice voided. It
// reports true when the money had already been captured (the payment then stands, to be
// refunded or applied).
func (s *sale) voidPayment(ctx workflow.Context, p *payment) (captured bool) {
	v := activities.PaymentVoid{PaymentID: p.ID, InvoiceDocumentID: p.InvoiceDocumentID}
	if a := p.pendingAttempt(); a != nil {
		v.OpenRef = a.ProviderRef
	}
	err := workflow.ExecuteActivity(s.mustOptions(ctx), acts.VoidPayment, v).Get(ctx, nil)
	if isErrorType(err, activities.ErrTypePaymentCaptured) {
		now := workflow.Now(ctx)
		p.Status, p.PaidAt, p.NextRetryAt, p.ExpiresAt = payments.StatusSucceeded, &now, nil, nil
		if a := p.pendingAttempt(); a != nil {
			a.Result, a.At = payments.ResultSucceeded, now
		}
		return true
	}
	if err != nil {
		workflow.GetLogger(ctx).Error("void payment", "payment", p.ID, "err", err)
	}
	if a := p.pendingAttempt(); a != nil {
		a.Result, a.At = payments.ResultVoided, workflow.Now(ctx)
	}
	p.Status, p.NextRetryAt, p.ExpiresAt = payments.StatusVoided, nil, nil
	return false
}

// windowClosesIn is how long the upsell window stays open; zero or less once it closed.
func (s *sale) windowClosesIn(ctx workflow.Context) time.Duration {
	if s.UpsellWindowClosesAt == nil {
		return 0
	}
	return s.UpsellWindowClosesAt.Sub(workflow.Now(ctx))
}
