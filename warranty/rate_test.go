package warranty

import (
	"encoding/json"
	"reflect"
	"strings"
	"testing"
)

// baselineVehicle sits in the first band of every factor of every standard tariff and
// has category coefficient ×1.00, so a test can move one factor at a time.
func baselineVehicle() Vehicle {
	return Vehicle{Make: "Kia", Model: "Rio", Year: 2026, MileageKm: 0, EnginePowerHP: 100, Category: CategoryUsed}
}

func TestRateEveryBandBoundary(t *testing.T) {
	type row struct {
		value int
		coef  int64
		label string
	}
	power := []row{
		{1, 10000, "до 150_л._с."}, {150, 10000, "до 150_л._с."},
		{151, 12000, "от 151 до 250_л._с."}, {250, 12000, "от 151 до 250_л._с."},
		{251, 14000, "от 251 до 350_л._с."}, {350, 14000, "от 251 до 350_л._с."},
		{351, 17000, "свыше 350_л._с."}, {2000, 17000, "свыше 350_л._с."},
	}
	for _, tc := range []struct {
		tariff string
		factor string
		rows   []row
	}{
		{"basic", FactorAge, []row{
			{0, 10000, "до 3_лет"}, {3, 10000, "до 3_лет"},
			{4, 11000, "от 4 до 5_лет"}, {5, 11000, "от 4 до 5_лет"},
			{6, 12500, "от 6 до 7_лет"}, {7, 12500, "от 6 до 7_лет"},
			{8, 14500, "от 8 до 10_лет"}, {10, 14500, "от 8 до 10_лет"},
		}},
		{"basic", FactorMileage, []row{
			{0, 10000, "до 50_000_км"}, {50_000, 10000, "до 50_000_км"},
			{50_001, 11000, "от 50_001 до 100_000_км"}, {100_000, 11000, "от 50_001 до 100_000_км"},
			{100_001, 12500, "от 100_001 до 150_000_км"}, {150_000, 12500, "от 100_001 до 150_000_км"},
			{150_001, 14500, "от 150_001 до 200_000_км"}, {200_000, 14500, "от 150_001 до 200_000_км"},
		}},
		{"basic", FactorPower, power},
		{"optimal", FactorAge, []row{
			{0, 10000, "до 2_лет"}, {2, 10000, "до 2_лет"},
			{3, 11000, "от 3 до 4_лет"}, {4, 11000, "от 3 до 4_лет"},
			{5, 12500, "от 5 до 7_лет"}, {7, 12500, "от 5 до 7_лет"},
		}},
		{"optimal", FactorMileage, []row{
			{0, 10000, "до 30_000_км"}, {30_000, 10000, "до 30_000_км"},
			{30_001, 11000, "от 30_001 до 60_000_км"}, {60_000, 11000, "от 30_001 до 60_000_км"},
			{60_001, 12000, "от 60_001 до 100_000_км"}, {100_000, 12000, "от 60_001 до 100_000_км"},
			{100_001, 13500, "от 100_001 до 150_000_км"}, {150_000, 13500, "от 100_001 до 150_000_км"},
		}},
		{"optimal", FactorPower, power},
		{"premium", FactorAge, []row{
			{0, 10000, "до 1_года"}, {1, 10000, "до 1_года"},
			{2, 11000, "от 2 до 3_лет"}, {3, 11000, "от 2 до 3_лет"},
			{4, 12000, "от 4 до 5_лет"}, {5, 12000, "от 4 до 5_лет"},
		}},
		{"premium", FactorMileage, []row{
			{0, 10000, "до 20_000_км"}, {20_000, 10000, "до 20_000_км"},
			{20_001, 11000, "от 20_001 до 50_000_км"}, {50_000, 11000, "от 20_001 до 50_000_км"},
			{50_001, 12500, "от 50_001 до 100_000_км"}, {100_000, 12500, "от 50_001 до 100_000_км"},
		}},
		{"premium", FactorPower, power},
	} {
		tr := tariffByCode(t, tc.tariff)
		for _, r := range tc.rows {
			v := baselineVehicle()
			switch tc.factor {
			case FactorAge:
				v.Year = today.Year() - r.value
			case FactorMileage:
				v.MileageKm = r.value
			case FactorPower:
				v.EnginePowerHP = r.value
			}
			q, vs := Rate(RateInput{Tariff: tr, Vehicle: v, TermMonths: 12, Today: today})
			if len(vs) != 0 {
				t.Errorf("%s %s %d: %v", tc.tariff, tc.factor, r.value, vs)
				continue
			}
			var got AppliedCoefficient
			for _, c := range q.Coefficients {
				if c.Factor == tc.factor {
					got = c
				} else if c.Coefficient != 10000 {
					t.Errorf("%s %s %d: %s should stay ×1.00, is %d", tc.tariff, tc.factor, r.value, c.Factor, c.Coefficient)
				}
			}
			if want := (AppliedCoefficient{tc.factor, nb(r.label), r.coef}); got != want {
				t.Errorf("%s %s %d: %+v, want %+v", tc.tariff, tc.factor, r.value, got, want)
			}
			// The only non-unit factor multiplies the 12-month base price.
			base := tr.Rules.BasePrices[12]
			if want := RoundToRoubles(base * Kopecks(r.coef) / 10000); q.PriceKopecks != want {
				t.Errorf("%s %s %d: price %s, want %s", tc.tariff, tc.factor, r.value, FormatRUB(q.PriceKopecks), FormatRUB(want))
			}
		}
	}
}

func TestRateCategoryCoefficients(t *testing.T) {
	for _, tc := range []struct {
		tariff   string
		category VehicleCategory
		coef     int64
		label    string
		price    Kopecks
	}{
		{"basic", CategoryNew, 9000, "новый", 22_410_00},
		{"basic", CategoryUsed, 10000, "с пробегом", 24_900_00},
		{"basic", CategoryParallelImport, 12000, "параллельный импорт", 29_880_00},
		{"optimal", CategoryNew, 9000, "новый", 31_410_00},
		{"optimal", CategoryUsed, 10000, "с пробегом", 34_900_00},
		{"optimal", CategoryParallelImport, 12000, "параллельный импорт", 41_880_00},
		{"premium", CategoryNew, 9000, "новый", 43_110_00},
		{"premium", CategoryUsed, 10000, "с пробегом", 47_900_00},
	} {
		v := baselineVehicle()
		v.Category = tc.category
		q, vs := Rate(RateInput{Tariff: tariffByCode(t, tc.tariff), Vehicle: v, TermMonths: 12, Today: today})
		if len(vs) != 0 {
			t.Fatalf("%s %s: %v", tc.tariff, tc.category, vs)
		}
		last := q.Coefficients[len(q.Coefficients)-1]
		if want := (AppliedCoefficient{FactorCategory, tc.label, tc.coef}); last != want || q.PriceKopecks != tc.price {
			t.Errorf("%s %s: %+v, %s; want %+v, %s", tc.tariff, tc.category, last, FormatRUB(q.PriceKopecks), want, FormatRUB(tc.price))
		}
	}
}

func TestRateWorkedExample(t *testing.T) {
	v := validVehicle()
	v.Year, v.MileageKm, v.EnginePowerHP = 2022, 120_000, 180 // 4 years, 120 000 km, 180 hp
	q, vs := Rate(RateInput{
		Tariff: tariffByCode(t, "basic"), Vehicle: v, TermMonths: 24,
		OptionCodes: []string{"tyres", "roadside"}, DiscountBP: 500, CommissionBP: 1000, Today: today,
	})
	if len(vs) != 0 {
		t.Fatal(vs)
	}
	// 39 900 × 1.10 × 1.25 × 1.20 × 1.00 = 65 835.00; + 2 900 + 4 900 = 73 635.00;
	// − 5% (3 681.75) = 69 953.25 → 69 953 ₽; commission 10% = 6 995.30 ₽.
	want := Quote{
		TariffCode:  "basic",
		TermMonths:  24,
		BaseKopecks: 39_900_00,
		Coefficients: []AppliedCoefficient{
			{FactorAge, nb("от 4 до 5_лет"), 11000},
			{FactorMileage, nb("от 100_001 до 150_000_км"), 12500},
			{FactorPower, nb("от 151 до 250_л._с."), 12000},
			{FactorCategory, "с пробегом", 10000},
		},
		OptionsKopecks: 7_800_00,
		Options: []QuoteOption{ // in the tariff's order, not the order picked
			{"roadside", "Помощь на дороге", "Roadside assistance", 2_900_00},
			{"tyres", "Шины и диски", "Tyres and wheels", 4_900_00},
		},
		GrossKopecks:      73_635_00,
		DiscountBP:        500,
		DiscountKopecks:   3_681_75,
		RoundingKopecks:   -25,
		PriceKopecks:      69_953_00,
		CommissionBP:      1000,
		CommissionKopecks: 6_995_30,
	}
	if !reflect.DeepEqual(q, want) {
		t.Errorf("quote\n got %+v\nwant %+v", q, want)
	}
	if q.GrossKopecks-q.DiscountKopecks+q.RoundingKopecks != q.PriceKopecks {
		t.Error("the quote's lines do not add up")
	}
}

func TestRateEnglishLabels(t *testing.T) {
	v := baselineVehicle()
	v.Year, v.MileageKm, v.EnginePowerHP, v.Category = 2025, 60_000, 400, CategoryParallelImport
	q, vs := Rate(RateInput{Tariff: tariffByCode(t, "optimal"), Vehicle: v, TermMonths: 36, Today: today, Lang: "en"})
	if len(vs) != 0 {
		t.Fatal(vs)
	}
	var labels []string
	for _, c := range q.Coefficients {
		labels = append(labels, c.Band)
	}
	if want := []string{"up to 2 years", "30,001–60,000 km", "over 350 hp", "parallel import"}; !reflect.DeepEqual(labels, want) {
		t.Errorf("labels %q, want %q", labels, want)
	}
}

// singleFactorTariff prices by the base price and one age coefficient only.
func singleFactorTariff(base Kopecks, coefficient int64, maxDiscountBP int64) Tariff {
	return Tariff{
		Code: "test", Name: "Тест", Terms: []int{12},
		Rules: PriceRules{
			BasePrices:    map[int]Kopecks{12: base},
			AgeBands:      []Band{{UpTo: 100, Coefficient: coefficient}},
			MaxDiscountBP: maxDiscountBP,
		},
	}
}

func TestRateRoundsToRoublesOnceAtTheEnd(t *testing.T) {
	for _, tc := range []struct {
		name        string
		base        Kopecks
		coefficient int64
		discountBP  int64
		gross       Kopecks
		discount    Kopecks
		price       Kopecks
	}{
		// 2 000,99 × 0.5 = 1 000,495: rounding to kopecks first would give 1 000,50 → 1 001 ₽.
		{"no double rounding", 200099, 5000, 0, 100050, 0, 100000},
		{"half a rouble goes up", 100050, 10000, 0, 100050, 0, 100100},
		{"just under half goes down", 100049, 10000, 0, 100049, 0, 100000},
		{"a kopeck over half goes up", 100051, 10000, 0, 100051, 0, 100100},
		// 1 000,00 × 1.0001 = 1 000,10; − 12.34% = 876,6012… → 877 ₽
		{"discount at full precision", 100000, 10001, 1234, 100010, 12341, 87700},
		// 999,99 − 0.01% = 999,890001 → 1 000 ₽
		{"tiny discount", 99999, 10000, 1, 99999, 10, 100000},
		{"full discount", 99999, 10000, 10000, 99999, 99999, 0},
	} {
		t.Run(tc.name, func(t *testing.T) {
			q, vs := Rate(RateInput{
				Tariff:  singleFactorTariff(tc.base, tc.coefficient, 10000),
				Vehicle: baselineVehicle(), TermMonths: 12, DiscountBP: tc.discountBP, Today: today,
			})
			if len(vs) != 0 {
				t.Fatal(vs)
			}
			if q.GrossKopecks != tc.gross || q.DiscountKopecks != tc.discount || q.PriceKopecks != tc.price {
				t.Errorf("gross %d, discount %d, price %d; want %d, %d, %d",
					q.GrossKopecks, q.DiscountKopecks, q.PriceKopecks, tc.gross, tc.discount, tc.price)
			}
			if q.PriceKopecks%100 != 0 || q.GrossKopecks-q.DiscountKopecks+q.RoundingKopecks != q.PriceKopecks {
				t.Errorf("inconsistent quote %+v", q)
			}
		})
	}
}

func TestRateDoesNotOverflow(t *testing.T) {
	// 10 million roubles × 5⁴ = 6.25 billion roubles: far beyond int64 in the
	// intermediate product base × Π coefficients (1e9 × 5e4⁴), exact in the result.
	tr := Tariff{
		Code: "huge", Name: "Огромный", Terms: []int{12},
		Rules: PriceRules{
			BasePrices:           map[int]Kopecks{12: MaxTariffPrice},
			AgeBands:             []Band{{UpTo: 100, Coefficient: MaxCoefficient}},
			MileageBands:         []Band{{UpTo: MaxMileageKm, Coefficient: MaxCoefficient}},
			PowerBands:           []Band{{UpTo: MaxEnginePowerHP, Coefficient: MaxCoefficient}},
			CategoryCoefficients: map[VehicleCategory]Coefficient{CategoryUsed: MaxCoefficient},
			Options:              []Option{{Code: "gold", Name: "Золото", PriceKopecks: MaxTariffPrice}},
			MaxDiscountBP:        1500,
		},
	}
	q, vs := Rate(RateInput{
		Tariff: tr, Vehicle: baselineVehicle(), TermMonths: 12, OptionCodes: []string{"gold"},
		DiscountBP: 1, CommissionBP: 10000, Today: today,
	})
	if len(vs) != 0 {
		t.Fatal(vs)
	}
	gross := Kopecks(625)*MaxTariffPrice + MaxTariffPrice // 626 × 10 million roubles
	if q.GrossKopecks != gross || q.DiscountKopecks != gross/10000 || q.PriceKopecks != gross-gross/10000 ||
		q.CommissionKopecks != q.PriceKopecks {
		t.Errorf("quote %+v", q)
	}
}

func TestRateListsEveryReasonAtOnce(t *testing.T) {
	q, vs := Rate(RateInput{
		Tariff:      tariffByCode(t, "premium"),
		Vehicle:     Vehicle{Make: "Ferrari", Year: 2018, MileageKm: 150_000, EnginePowerHP: 600, Category: CategoryParallelImport},
		TermMonths:  18,
		OptionCodes: []string{"roadside", "helicopter", "helicopter", "tyres"},
		DiscountBP:  2000,
		Today:       today,
	})
	wantCodes(t, vs, CodeAgeOverLimit, CodeMileageOverLimit, CodeMakeExcluded, CodeCategoryNotAllowed,
		CodeTermNotOffered, CodeUnknownOption, CodeDiscountOverMax)
	if !reflect.DeepEqual(q, Quote{}) {
		t.Errorf("a refused quote has a price: %+v", q)
	}
	want := map[string]string{
		"year":         nb("Автомобилю 8_лет, а по этому тарифу принимаются автомобили не старше 5_лет"),
		"mileage_km":   nb("Пробег 150_000_км больше допустимого по этому тарифу — 100_000_км"),
		"make":         "Автомобили марки Ferrari по этому тарифу не принимаются",
		"category":     "Автомобили категории «параллельный импорт» по этому тарифу не принимаются",
		"term_months":  nb("На срок 18_месяцев этот тариф не оформляется; доступные сроки: 12, 24, 36 мес."),
		"options":      "Опции «helicopter» нет в этом тарифе",
		"discount_pct": nb("Скидка 20_% больше максимальной по этому тарифу — 15_%"),
	}
	if got := vs.Fields("ru"); !reflect.DeepEqual(got, want) {
		t.Errorf("messages\n got %q\nwant %q", got, want)
	}
}

func TestRateInputChecks(t *testing.T) {
	for _, tc := range []struct {
		name   string
		change func(*RateInput)
		field  string
		code   string
	}{
		{"valid", func(*RateInput) {}, "", ""},
		{"no VIN, no sale date: a quote before the sale", func(in *RateInput) { in.Vehicle.VIN, in.Vehicle.SoldOn = "", "" }, "", ""},
		{"term 36", func(in *RateInput) { in.TermMonths = 36 }, "", ""},
		{"term 0", func(in *RateInput) { in.TermMonths = 0 }, "term_months", CodeTermNotOffered},
		{"term 48", func(in *RateInput) { in.TermMonths = 48 }, "term_months", CodeTermNotOffered},
		{"term listed without price", func(in *RateInput) {
			in.Tariff.Terms = append(in.Tariff.Terms, 48)
			in.TermMonths = 48
		}, "price_rules.base_prices_kopecks", CodeBasePriceMissing},
		{"option repeated", func(in *RateInput) { in.OptionCodes = []string{"roadside", "roadside"} }, "", ""},
		{"option of another tariff", func(in *RateInput) { in.OptionCodes = []string{"replacement_car"} }, "options", CodeUnknownOption},
		{"option in capitals", func(in *RateInput) { in.OptionCodes = []string{"ROADSIDE"} }, "options", CodeUnknownOption},
		{"discount at max", func(in *RateInput) { in.DiscountBP = 1500 }, "", ""},
		{"discount over max", func(in *RateInput) { in.DiscountBP = 1501 }, "discount_pct", CodeDiscountOverMax},
		{"discount negative", func(in *RateInput) { in.DiscountBP = -1 }, "discount_pct", CodeDiscountNegative},
		{"commission 0", func(in *RateInput) { in.CommissionBP = 0 }, "", ""},
		{"commission 100%", func(in *RateInput) { in.CommissionBP = 10000 }, "", ""},
		{"commission over 100%", func(in *RateInput) { in.CommissionBP = 10001 }, "commission_bp", CodeCommissionRange},
		{"commission negative", func(in *RateInput) { in.CommissionBP = -1 }, "commission_bp", CodeCommissionRange},
		// A value out of range is reported once, not again as an eligibility refusal.
		{"year 1900", func(in *RateInput) { in.Vehicle.Year = 1900 }, "year", CodeYearRange},
		{"mileage negative", func(in *RateInput) { in.Vehicle.MileageKm = -1 }, "mileage_km", CodeMileageRange},
		{"mileage 2 million", func(in *RateInput) { in.Vehicle.MileageKm = 2_000_000 }, "mileage_km", CodeMileageRange},
		{"power 0", func(in *RateInput) { in.Vehicle.EnginePowerHP = 0 }, "engine_power_hp", CodePowerRange},
		{"category missing", func(in *RateInput) { in.Vehicle.Category = "" }, "category", CodeRequired},
		{"category in capitals", func(in *RateInput) { in.Vehicle.Category = " NEW " }, "", ""},
		{"invalid tariff", func(in *RateInput) { in.Tariff.Rules.AgeBands[0].Coefficient = 0 }, "price_rules.age_bands", CodeCoefficientRange},
	} {
		t.Run(tc.name, func(t *testing.T) {
			in := RateInput{
				Tariff: tariffByCode(t, "basic"), Vehicle: validVehicle(), TermMonths: 12,
				OptionCodes: []string{"roadside"}, DiscountBP: 500, CommissionBP: 1200, Today: today,
			}
			tc.change(&in)
			q, vs := Rate(in)
			if tc.code == "" {
				wantCodes(t, vs)
				if q.PriceKopecks <= 0 {
					t.Errorf("price %d", q.PriceKopecks)
				}
				return
			}
			if len(vs) != 1 || vs[0].Field != tc.field || vs[0].Code != tc.code {
				t.Fatalf("violations %+v, want only %s on %s", vs, tc.code, tc.field)
			}
		})
	}
}

func TestRateIsDeterministic(t *testing.T) {
	in := RateInput{
		Tariff: tariffByCode(t, "optimal"), Vehicle: validVehicle(), TermMonths: 36,
		OptionCodes: []string{"tyres", "replacement_car", "roadside"}, DiscountBP: 777, CommissionBP: 1234, Today: today,
	}
	first, _ := Rate(in)
	firstJSON, _ := json.Marshal(first)
	for range 50 {
		q, _ := Rate(in)
		raw, _ := json.Marshal(q)
		if string(raw) != string(firstJSON) {
			t.Fatalf("Rate changed its answer:\n%s\n%s", firstJSON, raw)
		}
	}
	var factors []string
	for _, c := range first.Coefficients {
		factors = append(factors, c.Factor)
	}
	if !reflect.DeepEqual(factors, []string{"age", "mileage", "power", "category"}) {
		t.Errorf("factors %v", factors)
	}
}

func TestRatePriceNeverIncreasesWithDiscount(t *testing.T) {
	for _, tr := range StandardTariffs() {
		prev := Kopecks(-1)
		for bp := tr.Rules.MaxDiscountBP; bp >= 0; bp-- {
			q, vs := Rate(RateInput{Tariff: tr, Vehicle: validVehicle(), TermMonths: 36, OptionCodes: []string{"roadside"}, DiscountBP: bp, Today: today})
			if len(vs) != 0 {
				t.Fatal(vs)
			}
			if prev >= 0 && q.PriceKopecks < prev {
				t.Fatalf("%s: discount %d bp gives %d, more than %d at %d bp", tr.Code, bp, prev, q.PriceKopecks, bp+1)
			}
			prev = q.PriceKopecks
		}
	}
}

func TestQuoteJSON(t *testing.T) {
	typ := reflect.TypeFor[Quote]()
	for i := range typ.NumField() {
		f := typ.Field(i)
		tag := f.Tag.Get("json")
		if tag == "" || tag != strings.ToLower(tag) {
			t.Errorf("%s: json tag %q is not snake_case", f.Name, tag)
		}
		if f.Type == reflect.TypeFor[Kopecks]() && !strings.HasSuffix(tag, "_kopecks") {
			t.Errorf("money field %s is %q, must end in _kopecks", f.Name, tag)
		}
	}
	q, _ := Rate(RateInput{Tariff: tariffByCode(t, "basic"), Vehicle: baselineVehicle(), TermMonths: 12, Today: today})
	raw, _ := json.Marshal(q)
	for _, key := range []string{`"price_kopecks":2490000`, `"commission_kopecks":0`, `"options":[]`,
		nb(`"coefficients":[{"factor":"age","band":"до 3_лет","coefficient":10000}`)} {
		if !strings.Contains(string(raw), key) {
			t.Errorf("quote JSON lacks %s:\n%s", key, raw)
		}
	}
}

func TestBandLabel(t *testing.T) {
	bands := []Band{{UpTo: 0}, {UpTo: 1}, {UpTo: 4}, {UpTo: 21}, {UpTo: 22}, {UpTo: 100}}
	for _, tc := range []struct {
		factor string
		bands  []Band
		i      int
		ru, en string
	}{
		{FactorAge, bands, 0, "до 0_лет", "up to 0 years"},
		{FactorAge, bands, 1, "1_год", "1 year"},
		{FactorAge, bands, 2, "от 2 до 4_лет", "2–4 years"},
		{FactorAge, bands, 3, "от 5 до 21_года", "5–21 years"},
		{FactorAge, bands, 4, "22_года", "22 years"},
		{FactorAge, bands, 5, "свыше 22_лет", "over 22 years"},
		{FactorAge, []Band{{UpTo: 1}, {UpTo: 101}}, 1, "свыше 1_года", "over 1 year"},
		{FactorAge, []Band{{UpTo: 99}, {UpTo: 100}}, 1, "свыше 99_лет", "over 99 years"}, // open: 100 and above
		{FactorAge, []Band{{UpTo: 150}}, 0, "любой", "any"},
		{FactorMileage, []Band{{UpTo: 999_998}, {UpTo: 999_999}}, 1, "999_999_км", "999,999 km"},
		{FactorMileage, []Band{{UpTo: 50_000}, {UpTo: 1_000_000}}, 1, "свыше 50_000_км", "over 50,000 km"},
		{FactorPower, []Band{{UpTo: 150}, {UpTo: 5000}}, 0, "до 150_л._с.", "up to 150 hp"},
	} {
		for _, en := range []bool{false, true} {
			want := nb(tc.ru)
			if en {
				want = tc.en
			}
			if got := bandLabel(tc.factor, tc.bands, tc.i, en); got != want {
				t.Errorf("%s band %d (en=%v): %q, want %q", tc.factor, tc.i, en, got, want)
			}
		}
	}
	if _, ok := bandIndex([]Band{{UpTo: 3}}, 4); ok {
		t.Error("a value above the last band found a band")
	}
	if i, ok := bandIndex([]Band{{UpTo: 3}, {UpTo: 5}}, 4); !ok || i != 1 {
		t.Error("value 4 must fall into the band up to 5")
	}
}

func TestFormatCoefficient(t *testing.T) {
	for _, tc := range []struct {
		c      Coefficient
		ru, en string
	}{
		{10000, "×1,00", "×1.00"},
		{11500, "×1,15", "×1.15"},
		{11525, "×1,1525", "×1.1525"},
		{9000, "×0,90", "×0.90"},
		{100, "×0,01", "×0.01"},
		{50000, "×5,00", "×5.00"},
		{10001, "×1,0001", "×1.0001"},
	} {
		if got := FormatCoefficient(tc.c, "ru"); got != tc.ru {
			t.Errorf("FormatCoefficient(%d, ru) = %q, want %q", tc.c, got, tc.ru)
		}
		if got := FormatCoefficient(tc.c, "en"); got != tc.en {
			t.Errorf("FormatCoefficient(%d, en) = %q, want %q", tc.c, got, tc.en)
		}
	}
}
