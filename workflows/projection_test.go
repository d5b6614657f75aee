package workflows_test

import (
	"testing"
	"time"

	"karso.ru/prm/payments"
	"karso.ru/prm/warranty"
	"karso.ru/prm/workflows"
)

// A projection PostgreSQL refuses for good used to fail its step after retrying for ever: a
// mark-paid stayed "busy" and nothing, not even an admin's cancel, could move the sale. Now
// the sale goes on, says its read model is behind, and takes the next action.
func TestARefusedProjectionLeavesTheSaleUsable(t *testing.T) {
	h := invoiceHarness(t)
	h.sell()
	paidOn := start.Add(2 * 24 * time.Hour)
	var paymentID string
	h.env.RegisterDelayedCallback(func() {
		paymentID = h.query().Payment.ID
		h.refuseProjections = true
		h.at(0, "mark paid", workflows.UpdateMarkPaid, workflows.MarkPaidInput{PaymentID: paymentID, PaidAt: paidOn,
			Reference: "п/п 13", Actor: finance})
	}, 24*time.Hour)
	var lagging *workflows.SaleState
	h.snapshot(36*time.Hour, &lagging)
	admin := workflows.Actor{ID: 1, Name: "Админ", Role: workflows.RoleAdmin, Lang: "ru"}
	h.at(48*time.Hour, "cancel", workflows.UpdateCancel, workflows.CancelRequest{Reason: "Ошибка оформления", Actor: admin})
	h.end(72 * time.Hour)
	h.run()

	h.ok("mark paid")
	if lagging.Busy || lagging.Status != warranty.StatusActive || lagging.ProjectionError == "" {
		t.Errorf("after a refused projection the sale is busy=%v %s, projection error %q",
			lagging.Busy, lagging.Status, lagging.ProjectionError)
	}
	cancelled := h.ok("cancel")
	if cancelled.Status != warranty.StatusCancelled || cancelled.Payment == nil || cancelled.Payment.Status != payments.StatusRefunded {
		t.Errorf("the admin's cancel answered %s, payment %+v", cancelled.Status, cancelled.Payment)
	}
}
