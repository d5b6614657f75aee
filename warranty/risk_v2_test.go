package warranty

import (
	"reflect"
	"testing"
)

// The rules v1 and v2 side by side: each case names the flags of both versions, so a change
// of v2 cannot leak into v1 (the rules of the sales recorded before v2).
func TestAssessRiskByRulesVersion(t *testing.T) {
	for _, tc := range []struct {
		name   string
		change func(*RiskInput)
		v1, v2 []string
	}{
		{"quiet sale", func(*RiskInput) {}, nil, nil},
		{"Lada VIN without a check digit", func(in *RiskInput) { in.Vehicle.VIN = "XTA219010K0123456" },
			[]string{FlagVINCheckDigit}, nil},
		{"European VIN without a check digit", func(in *RiskInput) { in.Vehicle.VIN = "WVWZZZ1JZXW000001" },
			[]string{FlagVINCheckDigit}, nil},
		{"North-American VIN with a wrong check digit", func(in *RiskInput) { in.Vehicle.VIN = "1M8GDM9A1KP042788" },
			[]string{FlagVINCheckDigit}, []string{FlagVINCheckDigitNorthAmerica}},
		{"Canadian VIN with a wrong check digit", func(in *RiskInput) { in.Vehicle.VIN = "2M8GDM9A1KP042788" },
			[]string{FlagVINCheckDigit}, []string{FlagVINCheckDigitNorthAmerica}},
		{"North-American VIN with a right check digit", func(in *RiskInput) { in.Vehicle.VIN = "1M8GDM9AXKP042788" }, nil, nil},
		{"VIN rejected before", func(in *RiskInput) { in.PreviouslyRejected = &VINRejection{Comment: "битый кузов"} },
			nil, []string{FlagVINPreviouslyRejected}},
		// 2 years, used: 2 000 .. 100 000 km plausible
		{"used 2 years 15 000 km", func(in *RiskInput) { in.Vehicle.MileageKm = 15_000 }, nil, nil},
		{"used 2 years 2 000 km", func(in *RiskInput) { in.Vehicle.MileageKm = 2000 }, nil, nil},
		{"used 2 years 1 999 km", func(in *RiskInput) { in.Vehicle.MileageKm = 1999 }, nil, []string{FlagMileageImplausibleForAge}},
		{"used 2 years 0 km", func(in *RiskInput) { in.Vehicle.MileageKm = 0 }, nil, []string{FlagMileageImplausibleForAge}},
		{"used 2 years 100 000 km", func(in *RiskInput) { in.Vehicle.MileageKm = 100_000 }, nil, nil},
		{"used 2 years 100 001 km", func(in *RiskInput) { in.Vehicle.MileageKm = 100_001 }, nil, []string{FlagMileageImplausibleForAge}},
		{"used of this year 0 km", func(in *RiskInput) { in.Vehicle.Year, in.Vehicle.MileageKm = 2026, 0 }, nil, nil},
		{"used of this year 50 001 km", func(in *RiskInput) { in.Vehicle.Year, in.Vehicle.MileageKm = 2026, 50_001 },
			nil, []string{FlagMileageImplausibleForAge}},
		{"parallel import 2 years 500 km", func(in *RiskInput) {
			in.Vehicle.Category, in.Vehicle.MileageKm = CategoryParallelImport, 500
		}, []string{FlagParallelImport}, []string{FlagParallelImport, FlagMileageImplausibleForAge}},
		{"make typed in as other", func(in *RiskInput) { in.Vehicle.Make, in.Vehicle.MakeID, in.Vehicle.ModelID = "Zotye", 0, 0 },
			nil, []string{FlagVehicleNotInCatalogue}},
		{"model typed in as other", func(in *RiskInput) { in.Vehicle.ModelID = 0 }, nil, []string{FlagVehicleNotInCatalogue}},
		{"new 1 000 km", func(in *RiskInput) { in.Vehicle.Category, in.Vehicle.MileageKm = CategoryNew, 1000 }, nil, nil},
		{"new 1 001 km", func(in *RiskInput) { in.Vehicle.Category, in.Vehicle.MileageKm = CategoryNew, 1001 },
			nil, []string{FlagMileageHighForNew}},
		{"new 150 000 km", func(in *RiskInput) { in.Vehicle.Category, in.Vehicle.MileageKm = CategoryNew, 150_000 },
			nil, []string{FlagMileageHighForNew}},
		{"new 1 500 km with a 2 000 km limit", func(in *RiskInput) {
			in.Vehicle.Category, in.Vehicle.MileageKm, in.Thresholds.NewMaxMileageKm = CategoryNew, 1500, 2000
		}, nil, nil},
		{"used 2 years 1 500 km with 500 km a year", func(in *RiskInput) {
			in.Vehicle.MileageKm, in.Thresholds.UsedMinKmPerYear = 1500, 500
		}, nil, nil},
		{"used 2 years 70 000 km with 30 000 a year", func(in *RiskInput) {
			in.Vehicle.MileageKm, in.Thresholds.UsedMaxKmPerYear = 70_000, 30_000
		}, nil, []string{FlagMileageImplausibleForAge}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			for _, rules := range []int{0, RiskRulesV1, RiskRulesV2} {
				in := catalogued(quietSale(t))
				in.Rules = rules
				tc.change(&in)
				want := tc.v1
				if rules == RiskRulesV2 {
					want = tc.v2
				}
				if got := codesOf(AssessRisk(in, "ru")); !reflect.DeepEqual(got, want) {
					t.Errorf("rules %d: flags %v, want %v", rules, got, want)
				}
			}
		})
	}
}

func TestAssessRiskV2Messages(t *testing.T) {
	in := catalogued(quietSale(t))
	in.Rules = RiskRulesV2
	in.Vehicle.VIN, in.Vehicle.MileageKm = "1M8GDM9A1KP042788", 500
	in.PreviouslyRejected = &VINRejection{Comment: "пробег скручен"}
	ru := AssessRisk(in, "ru")
	want := []Flag{
		{FlagVINCheckDigitNorthAmerica, "Не сходится контрольный символ VIN (9-й знак), обязательный для автомобилей " +
			"из Северной Америки (VIN начинается с 1–5), — сверьте VIN с ПТС", nil},
		{FlagVINPreviouslyRejected, "Продажу на этот VIN уже отклонял менеджер: «пробег скручен»", []any{"пробег скручен"}},
		{FlagMileageImplausibleForAge, nb("Пробег 500_км неправдоподобен для автомобиля возрастом 2_года: ожидается от 2_000_км до 100_000_км"),
			[]any{500, 2, 2000, 100_000}},
	}
	if !reflect.DeepEqual(ru, want) {
		t.Errorf("flags\n got %+v\nwant %+v", ru, want)
	}
	en := AssessRisk(in, "en")
	if got := en[1].Message; got != "A manager already rejected a sale of this VIN: “пробег скручен”" {
		t.Errorf("en rejection %q", got)
	}
	if got := en[2].Message; got != "A mileage of 500 km is implausible for a vehicle 2 years old: expected 2,000 km to 100,000 km" {
		t.Errorf("en mileage %q", got)
	}
	in.Vehicle.Category, in.Vehicle.MileageKm = CategoryNew, 150_000
	got := AssessRisk(in, "ru")
	if last := got[len(got)-1]; last.Message != nb("У нового автомобиля пробег 150_000_км — больше 1_000_км; проверьте категорию и пробег") {
		t.Errorf("new car mileage %q", last.Message)
	}
}

func TestVINCheckDigitMandatory(t *testing.T) {
	for vin, want := range map[string]bool{"1M8GDM9AXKP042788": true, "2T1BR32E": true, "3VW": true,
		"4T1": true, "5YJ": true, "XTA219010K0123456": false, "WVWZZZ1JZXW000001": false,
		"JTD": false, "LVS": false, "6F": false, "": false} {
		if got := VINCheckDigitMandatory(vin); got != want {
			t.Errorf("VINCheckDigitMandatory(%q) = %v, want %v", vin, got, want)
		}
	}
}

func codesOf(flags []Flag) []string {
	var codes []string
	for _, f := range flags {
		codes = append(codes, f.Code)
	}
	return codes
}

func TestRejectionCommentIsWithheldFromTheSeller(t *testing.T) {
	in := catalogued(quietSale(t))
	in.Rules = RiskRulesV2
	in.PreviouslyRejected = &VINRejection{Comment: "скрученный пробег"}
	in.DiscountBP = 1500
	flags := AssessRisk(in, "ru")
	seller := flags[1].ForSeller("en")
	if seller.Code != FlagVINPreviouslyRejected || seller.Args != nil ||
		seller.Message != "A manager already rejected a sale of this VIN; the approver will see why" {
		t.Errorf("seller reads %+v", seller)
	}
	if other := flags[0].ForSeller("en"); other.Message != "The discount of 15% is above 10%" {
		t.Errorf("another flag changed for the seller: %+v", other)
	}
}

// catalogued is the sale with its make and model found in the catalogue.
func catalogued(in RiskInput) RiskInput {
	in.Vehicle.MakeID, in.Vehicle.ModelID = 11, 12
	return in
}

func TestVehicleNotInCatalogueMessage(t *testing.T) {
	in := quietSale(t)
	in.Rules = RiskRulesV2
	in.Vehicle.Make, in.Vehicle.Model = "Zotye", "T600"
	flags := AssessRisk(in, "ru")
	if len(flags) != 1 || flags[0].Message != "Марки или модели «Zotye T600» нет в справочнике — введена вручную («другая»)" {
		t.Errorf("flags %+v", flags)
	}
}
