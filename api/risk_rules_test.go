package api_test

import (
	"context"
	"net/http"
	"strings"
	"testing"

	"karso.ru/prm/warranty"
)

func TestVehicleMileageIsRequired(t *testing.T) {
	dealer := login(t, "dealer@karso.test")
	salon := salonsOf(t, dealer)[0]
	created := dealer.sale("POST", "/api/v1/sales", map[string]any{"salon_id": salon.ID}, http.StatusCreated)
	base := "/api/v1/sales/" + created.ID

	for _, tc := range []struct {
		lang, want string
		mileage    any // nil: the field is absent
		absent     bool
	}{
		{"ru", "Заполните это поле", nil, true},
		{"en", "This field is required", nil, false}, // "mileage_km": null, as the wizard sends a cleared field
	} {
		body := vehicleBody(newVIN(t), "used")
		body["year"] = 1970 // a second mistake is named in the same answer
		if tc.absent {
			delete(body, "mileage_km")
		} else {
			body["mileage_km"] = tc.mileage
		}
		dealer.lang = tc.lang
		r := dealer.do("PUT", base+"/vehicle", body)
		expectStatus(t, r, http.StatusUnprocessableEntity)
		p := r.problem(t)
		if !strings.Contains(p.Fields["mileage_km"], tc.want) || p.Fields["year"] == "" {
			t.Errorf("%s: fields %v, want mileage_km %q and year", tc.lang, p.Fields, tc.want)
		}
	}
	dealer.lang = ""
	body := vehicleBody(newVIN(t), "used")
	body["mileage_km"] = 0
	if v := dealer.sale("PUT", base+"/vehicle", body, http.StatusOK).Vehicle; v == nil || v.MileageKm != 0 {
		t.Errorf("an explicit 0 km is a mileage: %+v", v)
	}
}

// A VIN a manager rejected is flagged when it is sold again, in another sale: the approver
// reads the rejection's comment, the dealer reads that there was one.
func TestRejectedVINIsFlaggedForTheNextApprover(t *testing.T) {
	dealer := login(t, "dealer@karso.test")
	manager := login(t, "manager@karso.test")
	vin := newVIN(t)
	first := draftSale(t, dealer, vin, "parallel_import")
	dealer.sale("POST", "/api/v1/sales/"+first.ID+"/submit", nil, http.StatusOK)
	const reason = "Кузов после ДТП, пробег скручен"
	manager.sale("POST", "/api/v1/sales/"+first.ID+"/reject", map[string]string{"comment": reason}, http.StatusOK)
	eventually(t, "the rejection reaches the read model", func() bool {
		var n int
		err := pool.QueryRow(context.Background(), `SELECT count(*) FROM sale_events e JOIN sales s ON s.id = e.sale_id
			WHERE e.sale_id = $1 AND e.action = 'rejected' AND s.status = 'rejected'`, first.ID).Scan(&n)
		return err == nil && n == 1
	})

	second := draftSale(t, dealer, vin, "used")
	if len(second.Flags) != 0 {
		t.Errorf("flags before submit (the look-up is at submit): %+v", second.Flags)
	}
	base := "/api/v1/sales/" + second.ID
	submitted := dealer.sale("POST", base+"/submit", nil, http.StatusOK)
	if submitted.Status != "pending_approval" || len(submitted.Flags) != 1 ||
		submitted.Flags[0].Code != warranty.FlagVINPreviouslyRejected {
		t.Fatalf("resold rejected VIN: status %s flags %+v", submitted.Status, submitted.Flags)
	}
	if strings.Contains(submitted.Flags[0].Message, "ДТП") {
		t.Errorf("the dealer reads another sale's rejection: %q", submitted.Flags[0].Message)
	}
	seen := manager.sale("GET", base, nil, http.StatusOK)
	if len(seen.Flags) != 1 || !strings.Contains(seen.Flags[0].Message, "«"+reason+"»") {
		t.Errorf("the approver reads %+v, want the comment %q", seen.Flags, reason)
	}
	manager.lang = "en"
	defer func() { manager.lang = "" }()
	if en := manager.sale("GET", base, nil, http.StatusOK); len(en.Flags) != 1 ||
		en.Flags[0].Message != "A manager already rejected a sale of this VIN: “"+reason+"”" {
		t.Errorf("in English %+v", en.Flags)
	}
	recordHistory(t, "sale-"+second.ID, "vin_previously_rejected_pending")
}

// A Russian VIN has no North-American check digit: it is no longer a flag.
func TestLadaVINIsNotFlaggedForItsCheckDigit(t *testing.T) {
	dealer := login(t, "dealer@karso.test")
	vin := []byte(newVIN(t))
	copy(vin, "XTA")
	vin[8] = 'K' // a 9th character no check digit would be
	sale := draftSale(t, dealer, string(vin), "used")
	submitted := dealer.sale("POST", "/api/v1/sales/"+sale.ID+"/submit", nil, http.StatusOK)
	if submitted.Status != "awaiting_payment" || len(submitted.Flags) != 0 {
		t.Errorf("Lada sale: status %s flags %+v", submitted.Status, submitted.Flags)
	}
}
