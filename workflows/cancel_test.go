package workflows_test

import (
	"slices"
	"testing"
	"time"

	"karso.ru/prm/activities"
	"karso.ru/prm/payments"
	"karso.ru/prm/warranty"
	"karso.ru/prm/workflows"
)

func cancelBy(a workflows.Actor, reason string) workflows.CancelRequest {
	return workflows.CancelRequest{Actor: a, Reason: reason}
}

// TestCancelAtEveryStatus cancels a sale in each status it can be cancelled in and checks
// the compensations that status needs, in order, each in the history.
func TestCancelAtEveryStatus(t *testing.T) {
	cases := []struct {
		name string
		// prepare brings the sale to the status by the 2-hour mark.
		prepare func(h *harness)
		// refused are cancellations refused before the one that succeeds, with their error type.
		refused map[string]workflows.CancelRequest
		want    map[string]string
		by      workflows.Actor
		// history is how the history ends.
		history []string
		check   func(t *testing.T, h *harness)
	}{
		{
			name:    "draft",
			prepare: func(h *harness) { h.fill(0, warranty.CategoryUsed) },
			refused: map[string]workflows.CancelRequest{"no reason": cancelBy(dealer, " "), "finance": cancelBy(finance, "x")},
			want:    map[string]string{"no reason": workflows.ErrTypeValidation, "finance": workflows.ErrTypeForbidden},
			by:      dealer,
			history: []string{"tariff_saved", "cancelled"},
		},
		{
			name: "pending_approval",
			prepare: func(h *harness) {
				h.fill(0, warranty.CategoryParallelImport)
				h.at(5*time.Minute, "submit", workflows.UpdateSubmit, dealer)
			},
			by:      manager,
			history: []string{"submitted", "cancelled"},
		},
		{
			name:    "awaiting_payment by card",
			prepare: func(h *harness) { h.sell() },
			by:      dealer,
			history: []string{"payment_requested", "payment_voided", "contract_voided", "cancellation_act_archived", "cancelled"},
			check: func(t *testing.T, h *harness) {
				if len(h.voids) != 1 || h.voids[0].OpenRef != "pi_"+h.cardAttempts[0].PaymentID[:8]+"_1" {
					t.Errorf("the open intent was not cancelled: %+v", h.voids)
				}
				if len(h.refunds) != 0 || h.reversals != 0 || h.acts[0].Paid != 0 {
					t.Errorf("refunds %d reversals %d act %+v", len(h.refunds), h.reversals, h.acts[0])
				}
			},
		},
		{
			name: "awaiting_payment by invoice",
			prepare: func(h *harness) {
				h.terms = activities.PaymentTerms{Method: payments.MethodInvoice, DeferralDays: 30}
				h.sell()
			},
			by:      manager,
			history: []string{"invoice_issued", "payment_voided", "contract_voided", "cancellation_act_archived", "cancelled"},
			check: func(t *testing.T, h *harness) {
				if len(h.voids) != 1 || h.voids[0].InvoiceDocumentID != "invoice-KR-2026-000001-1" || h.voids[0].OpenRef != "" {
					t.Errorf("the invoice was not voided: %+v", h.voids)
				}
			},
		},
		{
			name: "active",
			prepare: func(h *harness) {
				h.sell()
				h.outcome(10*time.Minute, payments.ResultSucceeded, "")
			},
			refused: map[string]workflows.CancelRequest{"dealer after payment": cancelBy(dealer, "Клиент передумал")},
			want:    map[string]string{"dealer after payment": workflows.ErrTypeForbidden},
			by:      manager,
			history: []string{"activated", "payment_refunded", "contract_voided", "ledger_reversed", "cancellation_act_archived", "cancelled"},
			check: func(t *testing.T, h *harness) {
				price := h.salePostings[0].Price
				if len(h.refunds) != 1 || h.refunds[0].Amount != price || !h.refunds[0].Full || h.refunds[0].PostRefundPaid {
					t.Errorf("refunds %+v of %d", h.refunds, price)
				}
				if h.reversals != 1 || len(h.voids) != 0 {
					t.Errorf("reversals %d voids %d", h.reversals, len(h.voids))
				}
				if a := h.acts[0]; a.Paid != price || a.Refunded != price || a.Reason != "Клиент отказался от договора" {
					t.Errorf("act %+v", a)
				}
			},
		},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			h := newHarness(t)
			tc.prepare(h)
			for label, req := range tc.refused {
				h.at(time.Hour, label, workflows.UpdateCancel, req)
			}
			h.at(2*time.Hour, "cancel", workflows.UpdateCancel, cancelBy(tc.by, " Клиент отказался от договора "))
			h.run() // a cancelled sale is final: the workflow ends by itself

			for label, want := range tc.want {
				if got := errorType(h.results[label].rejected); got != want {
					t.Errorf("%s: rejected with %q, want %q", label, got, want)
				}
			}
			s := h.ok("cancel")
			if s.Status != warranty.StatusCancelled || s.CancelReason != "Клиент отказался от договора" || s.CancelledAt == nil {
				t.Errorf("cancel answered %s %q", s.Status, s.CancelReason)
			}
			last := h.projections[len(h.projections)-1]
			if last.Sale.Status != warranty.StatusCancelled || last.Sale.CancelledAt == nil ||
				last.Event.ActorID != tc.by.ID || last.Event.Comment != "Клиент отказался от договора" {
				t.Errorf("read model %s, last event %+v", last.Sale.Status, last.Event)
			}
			got := h.actions()
			if len(got) < len(tc.history) || !slices.Equal(got[len(got)-len(tc.history):], tc.history) {
				t.Errorf("history %v, want it to end %v", got, tc.history)
			}
			if tc.check != nil {
				tc.check(t, h)
			}
			contracted := len(h.contracts) > 0
			if contracted != (len(h.acts) == 1) || contracted != slices.Equal(h.voidedDocs, []string{"doc-KR-2026-000001"}) {
				t.Errorf("contract issued %v: acts %d, voided %v", contracted, len(h.acts), h.voidedDocs)
			}
		})
	}
}
