package warranty

import (
	"slices"
	"testing"
	"time"
)

// today is the fixed "now" of the tests: a Monday afternoon in Moscow.
var today = time.Date(2026, time.November, 23, 15, 0, 0, 0, Moscow())

// at returns a Moscow wall-clock time.
func at(year int, month time.Month, day, hour, minute, second int) time.Time {
	return time.Date(year, month, day, hour, minute, second, 0, Moscow())
}

// validVehicle is a used Volkswagen that every standard tariff's rules accept as input.
func validVehicle() Vehicle {
	return Vehicle{
		VIN:            "1M8GDM9AXKP042788",
		Make:           "Volkswagen",
		Model:          "Tiguan",
		Year:           2024,
		MileageKm:      15_000,
		EnginePowerHP:  150,
		EngineVolumeCC: 1984,
		Category:       CategoryUsed,
		SoldOn:         "2026-11-20",
	}
}

func validCustomer() Customer {
	return Customer{
		FullName:       "Иванов Иван Иванович",
		Phone:          "8 (916) 123-45-67",
		Email:          "Ivanov@Mail.RU",
		BirthDate:      "1985-04-12",
		PassportSeries: "45 06",
		PassportNumber: "123456",
	}
}

func tariffByCode(t testing.TB, code string) Tariff {
	t.Helper()
	for _, tr := range StandardTariffs() {
		if tr.Code == code {
			return tr
		}
	}
	t.Fatalf("no standard tariff %q", code)
	return Tariff{}
}

// wantViolation checks that v is nil when wantCode is empty, or has field and code.
func wantViolation(t *testing.T, v *Violation, field, wantCode string) {
	t.Helper()
	switch {
	case wantCode == "" && v != nil:
		t.Fatalf("unexpected violation %+v (%s)", *v, v.Message("ru"))
	case wantCode != "" && v == nil:
		t.Fatalf("no violation, want %s on %s", wantCode, field)
	case wantCode != "" && (v.Code != wantCode || v.Field != field):
		t.Fatalf("violation %s on %s, want %s on %s", v.Code, v.Field, wantCode, field)
	}
}

// wantCodes compares the codes of vs with want, in order.
func wantCodes(t *testing.T, vs Violations, want ...string) {
	t.Helper()
	if got := vs.Codes(); !slices.Equal(got, want) && !(len(got) == 0 && len(want) == 0) {
		t.Fatalf("codes %v, want %v (%v)", got, want, vs.Fields("en"))
	}
}
