package api_test

import (
	"context"
	"net/http"
	"slices"
	"testing"
	"time"

	"github.com/google/uuid"

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
