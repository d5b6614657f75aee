package activities_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/google/uuid"

	"karso.ru/prm/activities"
	"karso.ru/prm/warranty"
)

// rejectedSale projects a sale of vin that a manager rejected at at with comment.
func rejectedSale(t *testing.T, vin, comment string, at time.Time) string {
	t.Helper()
	ctx := context.Background()
	base := newSale(t) // the demo dealer's salon and seller
	id := uuid.NewString()
	v := base.Vehicle
	v.VIN = vin
	a := newActivities(0)
	for rev, ev := range []activities.SaleEvent{{At: at.Add(-time.Hour), Action: "created"},
		{At: at, ActorName: "Мария Менеджер", Action: "rejected", Comment: comment}} {
		status := warranty.StatusPendingApproval
		if ev.Action == "rejected" {
			status = warranty.StatusRejected
		}
		err := a.ProjectSale(ctx, activities.SaleProjection{Sale: activities.SaleRecord{ID: id, WorkflowID: "sale-" + id,
			Revision: int64(rev + 1), Status: status, PartnerID: base.PartnerID, SalonID: base.SalonID,
			SellerID: base.SellerID, City: "Москва", Vehicle: &v, SaleMonth: warranty.SaleMonth(at, nil),
			CreatedAt: at, UpdatedAt: at}, Event: ev})
		if err != nil {
			t.Fatal(err)
		}
	}
	return id
}

func TestVINHistoryFindsTheLatestRejectionOfAnotherSale(t *testing.T) {
	ctx := context.Background()
	vin := fmt.Sprintf("XTA21901%09d", time.Now().UnixNano()%1_000_000_000)
	now := time.Now()
	older := rejectedSale(t, vin, "Документы не сходятся", now.Add(-48*time.Hour))
	latest := rejectedSale(t, vin, "Кузов после ДТП", now.Add(-time.Hour))
	a := newActivities(0)

	rec, err := a.VINHistory(ctx, activities.VINCheck{SaleID: uuid.NewString(), VIN: vin})
	if err != nil {
		t.Fatal(err)
	}
	if rec.UnderContract || rec.Rejected == nil || rec.Rejected.SaleID != latest ||
		rec.Rejected.Comment != "Кузов после ДТП" || rec.Rejected.By != "Мария Менеджер" {
		t.Fatalf("VINHistory = %+v, want the latest rejection (%s)", rec, latest)
	}
	// the rejected sale itself is not "previously rejected" by its own rejection
	rec, err = a.VINHistory(ctx, activities.VINCheck{SaleID: latest, VIN: vin})
	if err != nil || rec.Rejected == nil || rec.Rejected.SaleID != older {
		t.Errorf("for the latest sale itself: %+v, %v (want the older rejection)", rec, err)
	}
	rec, err = a.VINHistory(ctx, activities.VINCheck{SaleID: uuid.NewString(), VIN: "XTA219010K0999999"})
	if err != nil || rec.Rejected != nil || rec.UnderContract {
		t.Errorf("a VIN nobody rejected: %+v, %v", rec, err)
	}
	if _, err := a.VINHistory(ctx, activities.VINCheck{SaleID: "not-a-uuid", VIN: vin}); err == nil {
		t.Error("a bad sale id answered")
	}
}
