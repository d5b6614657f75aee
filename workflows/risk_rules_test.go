package workflows_test

import (
	"slices"
	"testing"
	"time"

	"go.temporal.io/sdk/workflow"

	"karso.ru/prm/activities"
	"karso.ru/prm/warranty"
	"karso.ru/prm/workflows"
)

// ladaVehicle is a Russian VIN: no North-American check digit, 9th character arbitrary.
func ladaVehicle() workflows.VehicleStep {
	v := vehicle(warranty.CategoryUsed)
	v.Vehicle.VIN, v.Vehicle.Make, v.Vehicle.Model = "XTA219010K0123456", "Lada", "Granta"
	return v
}

// fillWith is fill with another vehicle.
func (h *harness) fillWith(v workflows.VehicleStep) {
	h.at(0, "open", workflows.UpdateOpen, dealer)
	h.at(time.Minute, "vehicle", workflows.UpdateVehicle, v)
	h.at(2*time.Minute, "customer", workflows.UpdateCustomer, customer())
	h.at(3*time.Minute, "tariff", workflows.UpdateTariff, tariff(500))
}

func TestNewSaleUsesRiskRulesV2(t *testing.T) {
	h := newHarness(t)
	h.vinRejected = &activities.VINRejection{SaleID: "0195f3a2-0000-7000-8000-000000000001",
		Comment: "Кузов после ДТП, скрыто", By: "Мария Менеджер", At: start}
	h.fillWith(ladaVehicle())
	h.at(5*time.Minute, "submit", workflows.UpdateSubmit, dealer)
	h.end(time.Hour)
	h.run()

	if flags := h.ok("tariff").Flags; len(flags) != 0 {
		t.Errorf("a Lada VIN is flagged before submit: %v", flags)
	}
	s := h.ok("submit")
	if s.Status != warranty.StatusPendingApproval {
		t.Fatalf("a previously rejected VIN went to status %s", s.Status)
	}
	if len(s.Flags) != 1 || s.Flags[0].Code != warranty.FlagVINPreviouslyRejected ||
		s.Flags[0].Message != "Продажу на этот VIN уже отклонял менеджер: «Кузов после ДТП, скрыто»" {
		t.Errorf("flags %+v, want only the rejection with its comment", s.Flags)
	}
	if len(h.notices) != 1 {
		t.Errorf("managers told %+v", h.notices)
	}
}

func TestNewCarWithHighMileageGoesToAManager(t *testing.T) {
	h := newHarness(t)
	v := vehicle(warranty.CategoryNew)
	v.Vehicle.Year, v.Vehicle.SoldOn, v.Vehicle.MileageKm = 2026, "2026-02-20", 150_000
	h.fillWith(v)
	h.at(5*time.Minute, "submit", workflows.UpdateSubmit, dealer)
	h.end(time.Hour)
	h.run()

	s := h.ok("submit")
	if codes := flagCodes(s.Flags); s.Status != warranty.StatusPendingApproval ||
		!slices.Equal(codes, []string{warranty.FlagMileageHighForNew}) {
		t.Errorf("status %s flags %v, want pending approval with %s", s.Status, codes, warranty.FlagMileageHighForNew)
	}
}

// A sale that started before the rules v2 (GetVersion answers the default version, as in a
// history recorded then) keeps v1 to its end: the Lada VIN is flagged by the check digit,
// the look-up is the old VINUnderContract and no rejection is asked for.
func TestSaleStartedBeforeV2KeepsRiskRulesV1(t *testing.T) {
	h := newHarness(t)
	h.env.OnGetVersion("risk-rules-v2", workflow.DefaultVersion, workflow.Version(1)).Return(workflow.DefaultVersion)
	h.vinRejected = &activities.VINRejection{Comment: "не должно попасть во флаги v1"}
	h.fillWith(ladaVehicle())
	h.at(5*time.Minute, "submit", workflows.UpdateSubmit, dealer)
	h.end(time.Hour)
	h.run()

	s := h.ok("submit")
	if codes := flagCodes(s.Flags); s.Status != warranty.StatusPendingApproval ||
		!slices.Equal(codes, []string{warranty.FlagVINCheckDigit}) {
		t.Errorf("status %s flags %v, want pending approval with only %s", s.Status, codes, warranty.FlagVINCheckDigit)
	}
}
