package workflows_test

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/stretchr/testify/mock"
	"go.temporal.io/sdk/temporal"

	"karso.ru/prm/activities"
	"karso.ru/prm/payments"
	"karso.ru/prm/warranty"
	"karso.ru/prm/workflows"
)

var finance = workflows.Actor{ID: 6, Name: "Фаина Бухгалтерова", Role: workflows.RoleFinance, Lang: "ru"}

// mockPaymentStage answers the payment stage's activities and records what they were asked.
func (h *harness) mockPaymentStage() {
	h.env.OnActivity(acts.PaymentTerms, mock.Anything, mock.Anything).Return(
		func(context.Context, int64) (activities.PaymentTerms, error) { return h.terms, nil })
	h.env.OnActivity(acts.OpenCardAttempt, mock.Anything, mock.Anything).Return(
		func(_ context.Context, r activities.CardAttemptRequest) (activities.CardAttempt, error) {
			h.cardAttempts = append(h.cardAttempts, r)
			return activities.CardAttempt{URL: "https://karso.test/pay/token-" + r.PaymentID[:8],
				ProviderRef: fmt.Sprintf("pi_%s_%d", r.PaymentID[:8], r.Attempt)}, nil
		})
	h.env.OnActivity(acts.SetPaymentStatus, mock.Anything, mock.Anything).Return(
		func(_ context.Context, c activities.PaymentStatusChange) error {
			h.statuses = append(h.statuses, c)
			return nil
		})
	h.env.OnActivity(acts.IssueInvoice, mock.Anything, mock.Anything).Return(
		func(_ context.Context, r activities.InvoiceRequest) (activities.IssuedDocument, error) {
			h.invoices = append(h.invoices, r)
			return activities.IssuedDocument{ID: "invoice-" + r.Number}, nil
		})
	h.env.OnActivity(acts.RecordTransfer, mock.Anything, mock.Anything).Return(
		func(_ context.Context, t activities.Transfer) error {
			h.transfers = append(h.transfers, t)
			return nil
		})
	h.env.OnActivity(acts.VoidPayment, mock.Anything, mock.Anything).Return(
		func(_ context.Context, v activities.PaymentVoid) error {
			h.voids = append(h.voids, v)
			return nil
		})
	h.env.OnActivity(acts.ConfirmPaymentOutcome, mock.Anything, mock.Anything).Return(
		func(_ context.Context, c activities.OutcomeCheck) (bool, error) { return !h.outcomesForged, nil })
	h.env.OnActivity(acts.RemindOverdueInvoice, mock.Anything, mock.Anything).Return(
		func(_ context.Context, r activities.OverdueReminder) error {
			h.reminders = append(h.reminders, r)
			return nil
		})
	h.env.OnActivity(acts.PostSalePaid, mock.Anything, mock.Anything).Return(
		func(_ context.Context, p activities.SalePosting) (string, error) {
			h.salePostings = append(h.salePostings, p)
			h.ledger["sale_paid:"+p.SaleID] = true // committed, whatever happens next
			if h.postFailuresAfterCommit > 0 {
				h.postFailuresAfterCommit--
				return "", errors.New("worker lost before reporting the posting")
			}
			return "posting-" + p.SaleID[:8], nil
		})
	h.env.OnActivity(acts.PostAdjustment, mock.Anything, mock.Anything).Return(
		func(_ context.Context, p activities.AdjustmentPosting) (string, error) {
			h.adjustments = append(h.adjustments, p)
			h.ledger["adjustment:"+p.Ref] = true
			return "posting-" + p.Ref, nil
		})
	h.env.OnActivity(acts.RefundPayment, mock.Anything, mock.Anything).Return(
		func(_ context.Context, r activities.RefundRequest) (activities.Refund, error) {
			h.refunds = append(h.refunds, r)
			return activities.Refund{Ref: "re_" + r.Key}, nil
		})
	h.env.OnActivity(acts.ArchiveReceipt, mock.Anything, mock.Anything).Return(
		func(_ context.Context, r activities.ReceiptRequest) (activities.IssuedDocument, error) {
			h.receipts = append(h.receipts, r)
			return activities.IssuedDocument{ID: "receipt-" + r.Number}, nil
		})
	h.env.OnActivity(acts.IssueAddendum, mock.Anything, mock.Anything).Return(
		func(_ context.Context, r activities.AddendumRequest) (activities.IssuedDocument, error) {
			h.addenda = append(h.addenda, r)
			return activities.IssuedDocument{ID: fmt.Sprintf("addendum-%d", r.N)}, nil
		})
	h.env.OnActivity(acts.ArchiveCancellationAct, mock.Anything, mock.Anything).Return(
		func(_ context.Context, r activities.CancellationActRequest) (activities.IssuedDocument, error) {
			h.acts = append(h.acts, r)
			return activities.IssuedDocument{ID: "act-" + r.ContractNumber}, nil
		})
	h.env.OnActivity(acts.VoidDocuments, mock.Anything, mock.Anything).Return(
		func(_ context.Context, ids []string) error {
			h.voidedDocs = append(h.voidedDocs, ids...)
			return nil
		})
	h.env.OnActivity(acts.ReverseSalePostings, mock.Anything, mock.Anything).Return(
		func(context.Context, string) (int, error) {
			h.reversals++
			return len(h.ledger), nil
		})
}

// sell fills and submits a clean sale: its contract is issued and its payment requested five
// minutes after the start.
func (h *harness) sell() {
	h.fill(0, warranty.CategoryUsed)
	h.at(5*time.Minute, "submit", workflows.UpdateSubmit, dealer)
}

// outcome signals, at d, how the current attempt of the payment in progress ended.
func (h *harness) outcome(d time.Duration, result payments.AttemptResult, declineCode string) {
	h.env.RegisterDelayedCallback(func() {
		p := h.query().Payment
		if p == nil || len(p.Attempts) == 0 {
			h.t.Fatalf("no attempt to pay at %v", d)
		}
		h.signal(p.ID, p.Attempts[len(p.Attempts)-1].N, result, declineCode)
	}, d)
}

func (h *harness) signal(paymentID string, attempt int, result payments.AttemptResult, declineCode string) {
	h.env.SignalWorkflow(workflows.SignalPaymentOutcome, payments.Outcome{PaymentID: uuid.MustParse(paymentID),
		Attempt: attempt, Result: result, DeclineCode: declineCode, ProviderRef: fmt.Sprintf("pi_%d", attempt),
		At: h.env.Now()})
}

// snapshot queries the state at d into *into.
func (h *harness) snapshot(d time.Duration, into **workflows.SaleState) {
	h.env.RegisterDelayedCallback(func() { *into = h.query() }, d)
}

// count is how many times the history holds action.
func (h *harness) count(action string) int {
	n := 0
	for _, a := range h.actions() {
		if a == action {
			n++
		}
	}
	return n
}

// eventAt is when the history first holds action.
func (h *harness) eventAt(action string) time.Time {
	for _, p := range h.projections {
		if p.Event.Action == action {
			return p.Event.At
		}
	}
	h.t.Fatalf("no %s in history %v", action, h.actions())
	return time.Time{}
}

func results(p *workflows.PaymentState) []string {
	var out []string
	for _, a := range p.Attempts {
		out = append(out, string(a.Result)+"/"+a.DeclineCode)
	}
	return out
}

func errorType(err error) string {
	var app *temporal.ApplicationError
	if errors.As(err, &app) {
		return app.Type()
	}
	return ""
}

func TestCardDeclinedTwiceThenPaid(t *testing.T) {
	h := newHarness(t)
	h.sell()
	var afterFirst, afterSecond *workflows.SaleState
	h.outcome(10*time.Minute, payments.ResultDeclined, "card_declined")
	h.snapshot(11*time.Minute, &afterFirst)
	// the retry opens an hour after the decline; the customer is declined again
	h.outcome(2*time.Hour, payments.ResultDeclined, "insufficient_funds")
	h.snapshot(2*time.Hour+time.Minute, &afterSecond)
	// a day later the third attempt opens, and it pays; the page's signal is delivered twice
	h.outcome(27*time.Hour, payments.ResultSucceeded, "")
	h.outcome(27*time.Hour+time.Minute, payments.ResultSucceeded, "")
	h.end(28 * time.Hour)
	h.run()

	if p := afterFirst.Payment; p.Status != payments.StatusRetrying || p.NextRetryAt == nil ||
		!p.NextRetryAt.Equal(start.Add(10*time.Minute+time.Hour)) || !slices.Equal(results(p), []string{"declined/card_declined"}) {
		t.Errorf("after the first decline: %+v", p)
	}
	if p := afterSecond.Payment; p.Status != payments.StatusRetrying || !p.NextRetryAt.Equal(start.Add(26*time.Hour)) ||
		!slices.Equal(results(p), []string{"declined/card_declined", "declined/insufficient_funds"}) {
		t.Errorf("after the second decline: %+v next %v", results(p), p.NextRetryAt)
	}
	if len(h.cardAttempts) != 3 {
		t.Fatalf("%d attempts opened, want 3", len(h.cardAttempts))
	}
	for i, a := range h.cardAttempts {
		if a.Attempt != i+1 || a.PaymentID != h.cardAttempts[0].PaymentID || a.Customer.Email != "s.ivanov@example.ru" {
			t.Errorf("attempt %d asked %+v", i+1, a)
		}
		if wantPrev := i > 0; (a.PreviousRef != "") != wantPrev {
			t.Errorf("attempt %d cancels %q", i+1, a.PreviousRef)
		}
	}
	if got := h.eventAt("payment_retried"); !got.Equal(start.Add(70 * time.Minute)) {
		t.Errorf("the first retry opened at %v", got)
	}
	final := h.final
	if final.Status != warranty.StatusActive || final.Payment.Status != payments.StatusSucceeded ||
		!slices.Equal(results(final.Payment), []string{"declined/card_declined", "declined/insufficient_funds", "succeeded/"}) {
		t.Fatalf("final %s, payment %+v", final.Status, final.Payment)
	}
	if h.count("activated") != 1 || len(h.salePostings) != 1 || len(h.ledger) != 1 || len(h.receipts) != 1 {
		t.Errorf("activated %d times, %d postings, %d receipts", h.count("activated"), len(h.salePostings), len(h.receipts))
	}
	if p := h.salePostings[0]; p.Price != final.Quote.PriceKopecks || p.Commission != final.Quote.CommissionKopecks ||
		p.Method != payments.MethodCard || p.PaymentID != final.Payment.ID {
		t.Errorf("posting %+v", p)
	}
	closes := time.Date(2026, time.April, 1, 0, 0, 0, 0, warranty.Moscow())
	if final.UpsellWindowClosesAt == nil || !final.UpsellWindowClosesAt.Equal(closes) || final.ActivatedAt == nil {
		t.Errorf("window closes %v", final.UpsellWindowClosesAt)
	}
	if last := h.projections[len(h.projections)-1].Sale; last.Status != warranty.StatusActive || last.ActivatedAt == nil {
		t.Errorf("read model %s activated %v", last.Status, last.ActivatedAt)
	}
	want := []string{"payment_requested", "payment_declined", "payment_retried", "payment_declined", "payment_retried",
		"payment_succeeded", "activated"}
	if got := h.actions()[6:]; !slices.Equal(got, want) {
		t.Errorf("history %v, want %v", got, want)
	}
}

func TestFailedPaymentCancelsTheSaleAfterAWeek(t *testing.T) {
	h := newHarness(t)
	h.sell()
	// four attempts: the first and the three of the dunning schedule (+1 h, +24 h, +72 h)
	declines := []time.Duration{10 * time.Minute, 80 * time.Minute, 25*time.Hour + 30*time.Minute, 97*time.Hour + 40*time.Minute}
	for _, d := range declines {
		h.outcome(d, payments.ResultDeclined, "card_declined")
	}
	failedAt := start.Add(declines[3])
	var sixDaysLater *workflows.SaleState
	h.snapshot(declines[3]+6*24*time.Hour, &sixDaysLater)
	h.run() // the cancellation ends the workflow by itself

	if len(h.cardAttempts) != 4 {
		t.Errorf("%d attempts, want 4", len(h.cardAttempts))
	}
	p := sixDaysLater.Payment
	if sixDaysLater.Status != warranty.StatusAwaitingPayment || p.Status != payments.StatusFailed ||
		p.ExpiresAt == nil || !p.ExpiresAt.Equal(failedAt.Add(7*24*time.Hour)) || p.NextRetryAt != nil {
		t.Fatalf("six days after the last failure: %s %+v", sixDaysLater.Status, p)
	}
	if last := h.statuses[len(h.statuses)-1]; last.Status != payments.StatusFailed || last.NextRetryAt != nil {
		t.Errorf("finance's list told %+v", last)
	}
	if got := h.eventAt("cancelled"); !got.Equal(failedAt.Add(7 * 24 * time.Hour)) {
		t.Errorf("cancelled at %v, want a week after %v", got, failedAt)
	}
	if h.lastStatus() != warranty.StatusCancelled {
		t.Errorf("read model %s", h.lastStatus())
	}
	if len(h.voids) != 1 || h.voids[0].OpenRef != "" || len(h.refunds) != 0 || h.reversals != 0 ||
		!slices.Equal(h.voidedDocs, []string{"doc-KR-2026-000001"}) || len(h.acts) != 1 {
		t.Errorf("compensations: voids %+v refunds %d reversals %d docs %v acts %d", h.voids, len(h.refunds), h.reversals,
			h.voidedDocs, len(h.acts))
	}
	got := h.actions()
	want := []string{"payment_failed", "payment_voided", "contract_voided", "cancellation_act_archived", "cancelled"}
	if tail := got[len(got)-len(want):]; !slices.Equal(tail, want) {
		t.Errorf("history ends %v, want %v", tail, want)
	}
}

func TestFinanceRetriesAFailedPaymentThenRecordsIt(t *testing.T) {
	h := newHarness(t)
	h.sell()
	for _, d := range []time.Duration{10 * time.Minute, 80 * time.Minute, 26 * time.Hour, 99 * time.Hour} {
		h.outcome(d, payments.ResultDeclined, "card_declined")
	}
	var paymentID string
	h.env.RegisterDelayedCallback(func() { paymentID = h.query().Payment.ID }, 99*time.Hour)
	day := 24 * time.Hour
	h.env.RegisterDelayedCallback(func() {
		h.at(0, "dealer retries", workflows.UpdateRetryPayment, workflows.RetryPaymentInput{PaymentID: paymentID, Actor: dealer})
		h.at(0, "retry", workflows.UpdateRetryPayment, workflows.RetryPaymentInput{PaymentID: paymentID, Actor: finance})
	}, 5*day)
	h.outcome(5*day+time.Hour, payments.ResultDeclined, "card_declined")
	h.env.RegisterDelayedCallback(func() {
		h.at(0, "unknown", workflows.UpdateMarkPaid, workflows.MarkPaidInput{PaymentID: uuid.NewString(),
			PaidAt: h.env.Now(), Actor: finance})
		h.at(0, "mark paid", workflows.UpdateMarkPaid, workflows.MarkPaidInput{PaymentID: paymentID,
			PaidAt: h.env.Now().Add(-time.Hour), Reference: "п/п 123", Actor: finance})
	}, 10*day)
	h.end(20 * day) // past the week after the last failure: not cancelled
	h.run()

	if r := h.results["dealer retries"]; errorType(r.rejected) != workflows.ErrTypeForbidden {
		t.Errorf("a dealer retried a payment: %+v", r)
	}
	if s := h.ok("retry"); s.Payment.Status != payments.StatusRetrying || len(s.Payment.Attempts) != 5 ||
		s.Payment.ExpiresAt != nil {
		t.Errorf("finance's retry answered %+v", s.Payment)
	}
	if r := h.results["unknown"]; errorType(r.rejected) != workflows.ErrTypePaymentNotOpen {
		t.Errorf("an unknown payment marked paid: %+v", r)
	}
	s := h.ok("mark paid")
	if s.Status != warranty.StatusActive || s.Payment.Status != payments.StatusSucceeded || s.Payment.Reference != "п/п 123" {
		t.Fatalf("mark paid answered %s %+v", s.Status, s.Payment)
	}
	if len(h.transfers) != 1 || h.transfers[0].PaymentID != paymentID || h.transfers[0].OpenRef != "" {
		t.Errorf("transfers %+v", h.transfers)
	}
	if h.final.Status != warranty.StatusActive || len(h.salePostings) != 1 || h.count("cancelled") != 0 {
		t.Errorf("final %s, postings %d", h.final.Status, len(h.salePostings))
	}
	if h.projections[len(h.projections)-1].Event.Action != "activated" {
		t.Errorf("history %v", h.actions())
	}
}

func TestInvoiceOverdueRemindersUntilPaid(t *testing.T) {
	h := newHarness(t)
	h.terms = activities.PaymentTerms{Method: payments.MethodInvoice, DeferralDays: 14, CreditLimit: 500_000_00}
	h.sell()
	// submitted on 10 March: due on 24 March, overdue from 00:00 on 25 March
	overdueFrom := time.Date(2026, time.March, 25, 0, 0, 0, 0, warranty.Moscow())
	var beforeDue *workflows.SaleState
	remindedBeforeDue := -1
	h.env.RegisterDelayedCallback(func() { beforeDue, remindedBeforeDue = h.query(), len(h.reminders) },
		overdueFrom.Add(-time.Minute).Sub(start))
	paidOn := time.Date(2026, time.April, 4, 12, 0, 0, 0, warranty.Moscow())
	var paymentID string
	h.env.RegisterDelayedCallback(func() {
		paymentID = h.query().Payment.ID
		h.at(0, "dealer marks", workflows.UpdateMarkPaid, workflows.MarkPaidInput{PaymentID: paymentID, PaidAt: paidOn, Actor: dealer})
		h.at(0, "mark paid", workflows.UpdateMarkPaid, workflows.MarkPaidInput{PaymentID: paymentID, PaidAt: paidOn,
			Reference: "п/п 77", Actor: finance})
	}, paidOn.Sub(start))
	h.end(paidOn.Add(10 * 24 * time.Hour).Sub(start))
	h.run()

	if len(h.invoices) != 1 || h.invoices[0].DueOn != "2026-03-24" || h.invoices[0].Number != "KR-2026-000001-1" ||
		len(h.cardAttempts) != 0 {
		t.Fatalf("invoices %+v, card attempts %d", h.invoices, len(h.cardAttempts))
	}
	if p := beforeDue.Payment; p.Method != payments.MethodInvoice || p.Status != payments.StatusPending || p.Overdue ||
		p.DueOn != "2026-03-24" || p.InvoiceDocumentID != "invoice-KR-2026-000001-1" || remindedBeforeDue != 0 {
		t.Errorf("before the due date: %+v, reminders %d", p, remindedBeforeDue)
	}
	// 25 and 28 March, 31 March and 3 April; paid on 4 April
	if len(h.reminders) != 4 {
		t.Fatalf("%d reminders, want 4: %+v", len(h.reminders), h.reminders)
	}
	var at []time.Time
	for _, p := range h.projections {
		if p.Event.Action == "invoice_overdue" {
			at = append(at, p.Event.At)
		}
	}
	for i, r := range h.reminders {
		want := overdueFrom.Add(time.Duration(i) * 3 * 24 * time.Hour)
		if r.N != i+1 || r.PaymentID != paymentID || r.SalonID != 1 || r.SellerID != dealer.ID || !at[i].Equal(want) {
			t.Errorf("reminder %d: %+v at %v, want %v", i+1, r, at[i], want)
		}
	}
	if r := h.results["dealer marks"]; errorType(r.rejected) != workflows.ErrTypeForbidden {
		t.Errorf("a dealer recorded a transfer: %+v", r)
	}
	s := h.ok("mark paid")
	if s.Status != warranty.StatusActive || !s.Payment.Overdue || s.Payment.Status != payments.StatusSucceeded ||
		!s.ActivatedAt.Equal(paidOn) || !s.UpsellWindowClosesAt.Equal(time.Date(2026, time.May, 1, 0, 0, 0, 0, warranty.Moscow())) {
		t.Errorf("mark paid answered %s %+v activated %v", s.Status, s.Payment, s.ActivatedAt)
	}
	if len(h.salePostings) != 1 || h.salePostings[0].Method != payments.MethodInvoice || len(h.receipts) != 1 ||
		h.receipts[0].Reference != "п/п 77" {
		t.Errorf("postings %+v receipts %+v", h.salePostings, h.receipts)
	}
}

func TestWorkerLostAfterPostingPostsOnce(t *testing.T) {
	h := newHarness(t)
	h.postFailuresAfterCommit = 1
	h.sell()
	h.outcome(10*time.Minute, payments.ResultSucceeded, "")
	h.end(time.Hour)
	h.run()

	if len(h.salePostings) != 2 {
		t.Errorf("the posting ran %d times, want a retry after the lost report", len(h.salePostings))
	}
	if len(h.ledger) != 1 || h.count("activated") != 1 || h.final.Status != warranty.StatusActive {
		t.Errorf("ledger %v, activated %d, status %s", h.ledger, h.count("activated"), h.final.Status)
	}
}

// Anyone who reaches Temporal's frontend can signal "succeeded". The workflow believes only
// what PostgreSQL recorded: a forged success activates nothing and is left in the history.
func TestAForgedPaymentSuccessActivatesNothing(t *testing.T) {
	h := newHarness(t)
	h.outcomesForged = true
	h.sell()
	h.outcome(10*time.Minute, payments.ResultSucceeded, "")
	h.end(time.Hour)
	h.run()

	if h.final.Status != warranty.StatusAwaitingPayment || h.final.Payment.Status != payments.StatusPending ||
		len(h.salePostings) != 0 || len(h.receipts) != 0 {
		t.Fatalf("after a forged success: %s, payment %s, %d postings", h.final.Status, h.final.Payment.Status, len(h.salePostings))
	}
	if h.count("payment_outcome_unconfirmed") != 1 || h.count("payment_succeeded") != 0 {
		t.Errorf("history %v", h.actions())
	}
}
