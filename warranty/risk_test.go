package warranty

import (
	"encoding/json"
	"reflect"
	"strings"
	"testing"
)

// quietSale is a sale with no risk at all under the basic tariff.
func quietSale(t *testing.T) RiskInput {
	return RiskInput{
		Vehicle:     validVehicle(), // 2 years, 15 000 km, used, valid check digit
		Eligibility: tariffByCode(t, "basic").Eligibility,
		DiscountBP:  500,
		Today:       today,
		Thresholds:  DefaultRiskThresholds(),
	}
}

func TestDefaultRiskThresholds(t *testing.T) {
	if got := DefaultRiskThresholds(); got != (RiskThresholds{NearLimitBP: 1000, DiscountBP: 1000}) {
		t.Errorf("DefaultRiskThresholds() = %+v", got)
	}
}

func TestAssessRiskEachFlagOnAndOff(t *testing.T) {
	for _, tc := range []struct {
		name   string
		change func(*RiskInput)
		flag   string // "" for no flag
		args   []any
	}{
		{"quiet sale", func(*RiskInput) {}, "", nil},
		// basic: at most 10 years; within 10% means 9 and 10.
		{"age 8 of 10", func(in *RiskInput) { in.Vehicle.Year = 2018 }, "", nil},
		{"age 9 of 10", func(in *RiskInput) { in.Vehicle.Year = 2017 }, FlagAgeNearLimit, []any{9, 10}},
		{"age 10 of 10", func(in *RiskInput) { in.Vehicle.Year = 2016 }, FlagAgeNearLimit, []any{10, 10}},
		{"age 11 of 10 is refused, not flagged", func(in *RiskInput) { in.Vehicle.Year = 2015 }, "", nil},
		{"age without a limit", func(in *RiskInput) { in.Vehicle.Year, in.Eligibility.MaxAgeYears = 1990, 0 }, "", nil},
		{"age 8 of 10 with a 20% threshold", func(in *RiskInput) {
			in.Vehicle.Year = 2018
			in.Thresholds.NearLimitBP = 2000
		}, FlagAgeNearLimit, []any{8, 10}},
		// basic: at most 200 000 km; within 10% means 180 000 and above.
		{"mileage 179 999", func(in *RiskInput) { in.Vehicle.MileageKm = 179_999 }, "", nil},
		{"mileage 180 000", func(in *RiskInput) { in.Vehicle.MileageKm = 180_000 }, FlagMileageNearLimit, []any{180_000, 200_000}},
		{"mileage 200 000", func(in *RiskInput) { in.Vehicle.MileageKm = 200_000 }, FlagMileageNearLimit, []any{200_000, 200_000}},
		{"mileage 200 001 is refused, not flagged", func(in *RiskInput) { in.Vehicle.MileageKm = 200_001 }, "", nil},
		{"mileage without a limit", func(in *RiskInput) { in.Vehicle.MileageKm, in.Eligibility.MaxMileageKm = 900_000, 0 }, "", nil},
		{"discount 10%", func(in *RiskInput) { in.DiscountBP = 1000 }, "", nil},
		{"discount 10.01%", func(in *RiskInput) { in.DiscountBP = 1001 }, FlagDiscountHigh, []any{int64(1001), int64(1000)}},
		{"discount 15%", func(in *RiskInput) { in.DiscountBP = 1500 }, FlagDiscountHigh, []any{int64(1500), int64(1000)}},
		{"discount 5% with a 3% threshold", func(in *RiskInput) { in.Thresholds.DiscountBP = 300 }, FlagDiscountHigh, []any{int64(500), int64(300)}},
		{"new", func(in *RiskInput) { in.Vehicle.Category = CategoryNew }, "", nil},
		{"parallel import", func(in *RiskInput) { in.Vehicle.Category = CategoryParallelImport }, FlagParallelImport, nil},
		{"parallel import as typed", func(in *RiskInput) { in.Vehicle.Category = " Parallel_Import" }, FlagParallelImport, nil},
		{"VIN free", func(in *RiskInput) { in.VINUnderContract = false }, "", nil},
		{"VIN under contract", func(in *RiskInput) { in.VINUnderContract = true }, FlagVINUnderContract, nil},
		{"VIN check digit valid in lower case", func(in *RiskInput) { in.Vehicle.VIN = "1m8gdm9axkp042788" }, "", nil},
		{"VIN check digit mismatch", func(in *RiskInput) { in.Vehicle.VIN = "WVWZZZ1JZXW000001" }, FlagVINCheckDigit, nil},
		{"malformed VIN is a validation error, not a flag", func(in *RiskInput) { in.Vehicle.VIN = "WVWZZZ1JZXW0000" }, "", nil},
		{"no VIN yet", func(in *RiskInput) { in.Vehicle.VIN = "" }, "", nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			in := quietSale(t)
			tc.change(&in)
			flags := AssessRisk(in, "ru")
			if tc.flag == "" {
				if len(flags) != 0 {
					t.Fatalf("flags %+v, want none", flags)
				}
				return
			}
			if len(flags) != 1 || flags[0].Code != tc.flag || !reflect.DeepEqual(flags[0].Args, tc.args) {
				t.Fatalf("flags %+v, want only %s with %v", flags, tc.flag, tc.args)
			}
			if flags[0].Message == "" || flags[0].Message == tc.flag {
				t.Errorf("no message for %s", tc.flag)
			}
		})
	}
}

func TestAssessRiskEveryFlagInOrder(t *testing.T) {
	in := quietSale(t)
	in.Vehicle.VIN = "WVWZZZ1JZXW000001"
	in.Vehicle.Year, in.Vehicle.MileageKm, in.Vehicle.Category = 2017, 190_000, CategoryParallelImport
	in.DiscountBP = 1500
	in.VINUnderContract = true

	ru := AssessRisk(in, "ru")
	want := []Flag{
		{FlagAgeNearLimit, nb("Автомобилю 9_лет — это близко к пределу тарифа (10_лет)"), []any{9, 10}},
		{FlagMileageNearLimit, nb("Пробег 190_000_км близок к пределу тарифа (200_000_км)"), []any{190_000, 200_000}},
		{FlagDiscountHigh, nb("Скидка 15_% превышает 10_%"), []any{int64(1500), int64(1000)}},
		{FlagParallelImport, "Автомобиль ввезён по параллельному импорту", nil},
		{FlagVINUnderContract, "На этот VIN уже есть действующий договор или договор, ожидающий оплаты", nil},
		{FlagVINCheckDigit, "Не сходится контрольный символ VIN (9-й знак) — сверьте VIN с ПТС", nil},
	}
	if !reflect.DeepEqual(ru, want) {
		t.Errorf("flags\n got %+v\nwant %+v", ru, want)
	}
	en := AssessRisk(in, "en")
	wantEN := []string{
		"The vehicle is 9 years old, close to the plan's limit of 10 years",
		"The mileage of 190,000 km is close to the plan's limit of 200,000 km",
		"The discount of 15% is above 10%",
		"The vehicle was brought in by parallel import",
		"This VIN already has an active contract or one awaiting payment",
		"The VIN check digit (9th character) does not match; compare the VIN with the vehicle's title",
	}
	for i, f := range en {
		if f.Message != wantEN[i] {
			t.Errorf("en %s: %q, want %q", f.Code, f.Message, wantEN[i])
		}
	}
	// A flag stored as JSON (in the workflow or the read model) can be shown in the other language.
	raw, _ := json.Marshal(ru)
	var stored []Flag
	if err := json.Unmarshal(raw, &stored); err != nil {
		t.Fatal(err)
	}
	for i, f := range stored {
		if got := f.Localized("en").Message; got != wantEN[i] {
			t.Errorf("stored %s in en: %q, want %q", f.Code, got, wantEN[i])
		}
	}
	if !strings.HasPrefix(string(raw), `[{"code":"age_near_limit","message":"Автомобилю 9`) {
		t.Errorf("flag JSON %s", raw)
	}
}
