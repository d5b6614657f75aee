package workflows_test

import (
	"errors"
	"testing"
	"time"

	"go.temporal.io/sdk/converter"
	"go.temporal.io/sdk/workflow"

	"karso.ru/prm/activities"
	"karso.ru/prm/payments"
	"karso.ru/prm/warranty"
	"karso.ru/prm/workflows"
)

// overdueFrom is when the invoice of a sale sold at start (14 days' deferral) is overdue.
var overdueFrom = time.Date(2026, time.March, 25, 0, 0, 0, 0, warranty.Moscow())

func invoiceHarness(t *testing.T) *harness {
	h := newHarness(t)
	h.terms = activities.PaymentTerms{Method: payments.MethodInvoice, DeferralDays: 14, CreditLimit: 500_000_00}
	return h
}

func TestOverdueRemindersStopAtTheLimitAndFinanceTakesOver(t *testing.T) {
	h := invoiceHarness(t)
	h.sell()
	h.end(overdueFrom.Add(60 * 24 * time.Hour).Sub(start))
	in := saleInput()
	in.OverdueReminderLimit = 3
	h.runWith(in)

	if len(h.reminders) != 3 {
		t.Fatalf("%d reminders in 60 days, want the limit of 3", len(h.reminders))
	}
	for i, r := range h.reminders {
		if r.N != i+1 || r.Final != (i == 2) {
			t.Errorf("reminder %d: %+v", i+1, r)
		}
	}
	var handed int
	for _, p := range h.projections {
		if p.Event.Action == "invoice_overdue" && p.Event.Changes["handed_to_finance"] == true {
			handed++
		}
	}
	if handed != 1 {
		t.Errorf("%d history lines hand the invoice to finance, want 1", handed)
	}
	if p := h.final.Payment; !p.Overdue || p.Status != payments.StatusPending {
		t.Errorf("the invoice stays open and overdue for finance: %+v", p)
	}
}

// An invoice nobody pays used to remind for ever and grow its history without bound. When
// Temporal suggests it (or the history reaches the limit) the sale continues as new, and the
// new run carries on: it answers the query with the same state, counts reminders on, and
// takes finance's update.
func TestALongUnpaidInvoiceContinuesAsNewAndCarriesOn(t *testing.T) {
	h := invoiceHarness(t)
	h.sell()
	var before *workflows.SaleState
	// a hundred days of reminders every three days, then Temporal says the history is long
	h.env.RegisterDelayedCallback(func() {
		before = h.query()
		h.env.SetContinueAsNewSuggested(true)
	}, overdueFrom.Add(100*24*time.Hour).Sub(start))
	in := saleInput()
	in.OverdueReminderLimit = 1000
	h.env.ExecuteWorkflow(workflows.Sale, in)

	var can *workflow.ContinueAsNewError
	if err := h.env.GetWorkflowError(); !errors.As(err, &can) {
		t.Fatalf("the sale did not continue as new: %v", err)
	}
	var next workflows.SaleInput
	if err := converter.GetDefaultDataConverter().FromPayloads(can.Input, &next); err != nil {
		t.Fatal(err)
	}
	reminded := len(h.reminders)
	if reminded < 30 || next.Continued == nil || next.Continued.Runs != 1 || next.SaleID != in.SaleID {
		t.Fatalf("after %d reminders the next run starts with %+v", reminded, next.Continued)
	}

	// the next run, three days later
	h2 := invoiceHarness(t)
	h2.env.SetStartTime(h.env.Now())
	var resumed *workflows.SaleState
	h2.snapshot(time.Minute, &resumed)
	paidOn := h.env.Now().Add(5 * 24 * time.Hour)
	h2.env.RegisterDelayedCallback(func() {
		h2.at(0, "mark paid", workflows.UpdateMarkPaid, workflows.MarkPaidInput{PaymentID: resumed.Payment.ID,
			PaidAt: paidOn, Reference: "п/п 9001", Actor: finance})
	}, 5*24*time.Hour)
	h2.env.RegisterDelayedCallback(func() { h2.final = h2.query(); h2.env.CancelWorkflow() }, 6*24*time.Hour)
	h2.runWith(next)

	if resumed.Status != warranty.StatusAwaitingPayment || resumed.Revision < before.Revision ||
		resumed.ContractNumber != before.ContractNumber || resumed.Payment.ID != before.Payment.ID || !resumed.Payment.Overdue {
		t.Errorf("the new run answers %+v, the old one answered %+v", resumed, before)
	}
	if len(h2.reminders) == 0 || h2.reminders[0].N != reminded+1 {
		t.Errorf("the new run's first reminder is %+v, want number %d", h2.reminders, reminded+1)
	}
	h2.ok("mark paid")
	if h2.final.Status != warranty.StatusActive || len(h2.salePostings) != 1 {
		t.Errorf("after the transfer the continued sale is %s with %d postings", h2.final.Status, len(h2.salePostings))
	}
}
