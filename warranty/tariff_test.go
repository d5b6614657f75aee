package warranty

import (
	"encoding/json"
	"reflect"
	"slices"
	"strings"
	"testing"
)

// nb writes labels readably in tests: "_" stands for a no-break space.
func nb(s string) string { return strings.ReplaceAll(s, "_", "\u00a0") }

func TestStandardTariffs(t *testing.T) {
	tariffs := StandardTariffs()
	var codes []string
	for _, tr := range tariffs {
		codes = append(codes, tr.Code)
		if vs := tr.Validate(); len(vs) != 0 {
			t.Errorf("%s fails validation: %v", tr.Code, vs)
		}
		if !slices.Equal(tr.Terms, []int{12, 24, 36}) {
			t.Errorf("%s terms %v", tr.Code, tr.Terms)
		}
		if tr.Rules.MaxDiscountBP != 1500 {
			t.Errorf("%s max discount %d, want 15%%", tr.Code, tr.Rules.MaxDiscountBP)
		}
		if n := len(tr.Rules.Options); n < 2 || n > 3 {
			t.Errorf("%s has %d options", tr.Code, n)
		}
		if len(tr.Coverage) != len(tr.CoverageEN) {
			t.Errorf("%s coverage lists differ in length", tr.Code)
		}
		for _, term := range tr.Terms {
			price := tr.Rules.BasePrices[term]
			if price < 10_000_00 || price > 150_000_00 {
				t.Errorf("%s %d months: %s is not a realistic price", tr.Code, term, FormatRUB(price))
			}
		}
		if tr.Rules.BasePrices[12] >= tr.Rules.BasePrices[24] || tr.Rules.BasePrices[24] >= tr.Rules.BasePrices[36] {
			t.Errorf("%s: a longer term must cost more", tr.Code)
		}
	}
	if !slices.Equal(codes, []string{"basic", "optimal", "premium"}) {
		t.Fatalf("codes %v", codes)
	}
	basic, optimal, premium := tariffs[0], tariffs[1], tariffs[2]
	for _, tc := range []struct {
		tr               Tariff
		name             string
		maxAge, maxKm    int
		categories       int
		coverage         int
		twelveMonthPrice Kopecks
	}{
		{basic, "Базовый", 10, 200_000, 3, 2, 24_900_00},
		{optimal, "Оптимальный", 7, 150_000, 3, 5, 34_900_00},
		{premium, "Премиум", 5, 100_000, 2, 9, 47_900_00},
	} {
		e := tc.tr.Eligibility
		if tc.tr.Name != tc.name || e.MaxAgeYears != tc.maxAge || e.MaxMileageKm != tc.maxKm ||
			len(e.AllowedCategories) != tc.categories || len(tc.tr.Coverage) != tc.coverage ||
			tc.tr.Rules.BasePrices[12] != tc.twelveMonthPrice {
			t.Errorf("%s: %+v", tc.tr.Code, tc.tr)
		}
	}
	for i, c := range basic.Coverage {
		if optimal.Coverage[i] != c {
			t.Errorf("optimal does not cover %s", c)
		}
	}
	for i, c := range optimal.Coverage {
		if premium.Coverage[i] != c {
			t.Errorf("premium does not cover %s", c)
		}
	}
	if slices.Contains(premium.Eligibility.AllowedCategories, CategoryParallelImport) {
		t.Error("premium must refuse parallel imports")
	}
	// Fresh values: changing one result does not leak into the next call.
	tariffs[0].Rules.BasePrices[12] = 1
	tariffs[0].Rules.AgeBands[0].Coefficient = 1
	if again := StandardTariffs()[0]; again.Rules.BasePrices[12] != 24_900_00 || again.Rules.AgeBands[0].Coefficient != 10000 {
		t.Error("StandardTariffs shares state between calls")
	}
}

func TestTariffJSONRoundTrip(t *testing.T) {
	for _, tr := range StandardTariffs() {
		raw, err := json.Marshal(tr)
		if err != nil {
			t.Fatal(err)
		}
		again, _ := json.Marshal(tr)
		if string(raw) != string(again) {
			t.Errorf("%s: JSON is not deterministic", tr.Code)
		}
		var back Tariff
		if err := json.Unmarshal(raw, &back); err != nil {
			t.Fatal(err)
		}
		if !reflect.DeepEqual(back, tr) {
			t.Errorf("%s changed in a JSON round trip:\n%+v\n%+v", tr.Code, back, tr)
		}
	}
	raw, _ := json.Marshal(StandardTariffs()[0].Rules)
	for _, key := range []string{
		`"base_prices_kopecks":{"12":2490000,"24":3990000,"36":5290000}`,
		`"age_bands":[{"up_to":3,"coefficient":10000}`, `"mileage_bands":`, `"power_bands":`,
		`"category_coefficients":{"new":9000,"parallel_import":12000,"used":10000}`,
		`"options":[{"code":"roadside","name":"Помощь на дороге","name_en":"Roadside assistance","price_kopecks":290000}`,
		`"max_discount_bp":1500`,
	} {
		if !strings.Contains(string(raw), key) {
			t.Errorf("price_rules JSON lacks %s:\n%s", key, raw)
		}
	}
	raw, _ = json.Marshal(StandardTariffs()[2].Eligibility)
	if want := `{"max_age_years":5,"max_mileage_km":100000,"excluded_makes":["Aston Martin","Bentley","Ferrari","Lamborghini","Maserati","McLaren","Rolls-Royce"],"allowed_categories":["new","used"]}`; string(raw) != want {
		t.Errorf("eligibility JSON\n got %s\nwant %s", raw, want)
	}
}

func TestTariffValidate(t *testing.T) {
	for _, tc := range []struct {
		name   string
		change func(*Tariff)
		field  string
		codes  []string
	}{
		{"standard", func(*Tariff) {}, "", nil},
		{"code empty", func(tr *Tariff) { tr.Code = "" }, "code", []string{CodeRequired}},
		{"code upper", func(tr *Tariff) { tr.Code = "Basic" }, "code", []string{CodeTariffCodeFormat}},
		{"code digit first", func(tr *Tariff) { tr.Code = "1basic" }, "code", []string{CodeTariffCodeFormat}},
		{"code hyphen", func(tr *Tariff) { tr.Code = "basic-plus" }, "code", []string{CodeTariffCodeFormat}},
		{"code 33 chars", func(tr *Tariff) { tr.Code = strings.Repeat("a", 33) }, "code", []string{CodeTariffCodeFormat}},
		{"code snake", func(tr *Tariff) { tr.Code = "basic_2026" }, "", nil},
		{"name empty", func(tr *Tariff) { tr.Name = " " }, "name", []string{CodeRequired}},
		{"no terms", func(tr *Tariff) { tr.Terms = nil }, "terms", []string{CodeRequired}},
		{"term twice", func(tr *Tariff) { tr.Terms = []int{12, 12} }, "terms", []string{CodeTermInvalid}},
		{"term zero", func(tr *Tariff) { tr.Terms = []int{0}; tr.Rules.BasePrices[0] = 100 }, "terms", []string{CodeTermInvalid}},
		{"term 120", func(tr *Tariff) { tr.Terms = []int{120}; tr.Rules.BasePrices[120] = 100 }, "", nil},
		{"term 121", func(tr *Tariff) { tr.Terms = []int{121}; tr.Rules.BasePrices[121] = 100 }, "terms", []string{CodeTermInvalid}},
		{"no base price", func(tr *Tariff) { tr.Terms = append(tr.Terms, 48) }, "price_rules.base_prices_kopecks", []string{CodeBasePriceMissing}},
		{"base price 0", func(tr *Tariff) { tr.Rules.BasePrices[24] = 0 }, "price_rules.base_prices_kopecks", []string{CodeBasePriceRange}},
		{"base price max", func(tr *Tariff) { tr.Rules.BasePrices[24] = MaxTariffPrice }, "", nil},
		{"base price over max", func(tr *Tariff) { tr.Rules.BasePrices[24] = MaxTariffPrice + 1 }, "price_rules.base_prices_kopecks", []string{CodeBasePriceRange}},
		{"bands repeat", func(tr *Tariff) { tr.Rules.AgeBands[1].UpTo = 3 }, "price_rules.age_bands", []string{CodeBandsOrder}},
		{"bands negative", func(tr *Tariff) { tr.Rules.AgeBands[0].UpTo = -1 }, "price_rules.age_bands", []string{CodeBandsOrder}},
		{"coefficient ×0.01", func(tr *Tariff) { tr.Rules.AgeBands[0].Coefficient = 100 }, "", nil},
		{"coefficient ×0.0099", func(tr *Tariff) { tr.Rules.AgeBands[0].Coefficient = 99 }, "price_rules.age_bands", []string{CodeCoefficientRange}},
		{"coefficient ×5", func(tr *Tariff) { tr.Rules.MileageBands[0].Coefficient = 50000 }, "", nil},
		{"coefficient over ×5", func(tr *Tariff) { tr.Rules.MileageBands[0].Coefficient = 50001 }, "price_rules.mileage_bands", []string{CodeCoefficientRange}},
		{"age bands short of the limit", func(tr *Tariff) { tr.Rules.AgeBands[3].UpTo = 9 }, "price_rules.age_bands", []string{CodeBandsCoverage}},
		{"mileage bands short without a limit", func(tr *Tariff) { tr.Eligibility.MaxMileageKm = 0 }, "price_rules.mileage_bands", []string{CodeBandsCoverage}},
		{"power bands short", func(tr *Tariff) { tr.Rules.PowerBands[3].UpTo = 1999 }, "price_rules.power_bands", []string{CodeBandsCoverage}},
		{"no bands at all", func(tr *Tariff) { tr.Rules.AgeBands, tr.Rules.MileageBands, tr.Rules.PowerBands = nil, nil, nil }, "", nil},
		{"category unknown", func(tr *Tariff) { tr.Rules.CategoryCoefficients["demo"] = 10000 }, "price_rules.category_coefficients", []string{CodeCategoryInvalid}},
		{"category zero", func(tr *Tariff) { tr.Rules.CategoryCoefficients[CategoryNew] = 0 }, "price_rules.category_coefficients", []string{CodeCoefficientRange}},
		{"option code empty", func(tr *Tariff) { tr.Rules.Options[0].Code = "" }, "price_rules.options", []string{CodeRequired}},
		{"option code upper", func(tr *Tariff) { tr.Rules.Options[0].Code = "Tyres" }, "price_rules.options", []string{CodeTariffCodeFormat}},
		{"option twice", func(tr *Tariff) { tr.Rules.Options[1].Code = "roadside" }, "price_rules.options", []string{CodeOptionDuplicate}},
		{"option name empty", func(tr *Tariff) { tr.Rules.Options[0].Name = "" }, "price_rules.options", []string{CodeRequired}},
		{"option free", func(tr *Tariff) { tr.Rules.Options[0].PriceKopecks = 0 }, "", nil},
		{"option negative", func(tr *Tariff) { tr.Rules.Options[0].PriceKopecks = -1 }, "price_rules.options", []string{CodeOptionPrice}},
		{"max discount 100%", func(tr *Tariff) { tr.Rules.MaxDiscountBP = 10000 }, "", nil},
		{"max discount over 100%", func(tr *Tariff) { tr.Rules.MaxDiscountBP = 10001 }, "price_rules.max_discount_bp", []string{CodeMaxDiscountRange}},
		{"max discount negative", func(tr *Tariff) { tr.Rules.MaxDiscountBP = -1 }, "price_rules.max_discount_bp", []string{CodeMaxDiscountRange}},
		{"age limit negative", func(tr *Tariff) { tr.Eligibility.MaxAgeYears = -1 }, "price_rules.age_bands", []string{CodeBandsCoverage, CodeLimitNegative}},
		{"mileage limit negative", func(tr *Tariff) { tr.Eligibility.MaxMileageKm = -1 }, "price_rules.mileage_bands", []string{CodeBandsCoverage, CodeLimitNegative}},
		{"allowed category unknown", func(tr *Tariff) { tr.Eligibility.AllowedCategories = []VehicleCategory{"demo"} }, "eligibility.allowed_categories", []string{CodeCategoryInvalid}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			tr := tariffByCode(t, "basic")
			tc.change(&tr)
			vs := tr.Validate()
			wantCodes(t, vs, tc.codes...)
			if len(vs) > 0 && vs[0].Field != tc.field {
				t.Errorf("field %s, want %s", vs[0].Field, tc.field)
			}
		})
	}
}

func TestEligibilityCheck(t *testing.T) {
	premium := tariffByCode(t, "premium").Eligibility
	for _, tc := range []struct {
		name   string
		change func(*Vehicle)
		field  string
		code   string
		args   []any
	}{
		{"eligible", func(*Vehicle) {}, "", "", nil},
		{"age at the limit", func(v *Vehicle) { v.Year = 2021 }, "", "", nil},
		{"age over the limit", func(v *Vehicle) { v.Year = 2020 }, "year", CodeAgeOverLimit, []any{6, 5}},
		{"mileage at the limit", func(v *Vehicle) { v.MileageKm = 100_000 }, "", "", nil},
		{"mileage over the limit", func(v *Vehicle) { v.MileageKm = 100_001 }, "mileage_km", CodeMileageOverLimit, []any{100_001, 100_000}},
		{"excluded make", func(v *Vehicle) { v.Make = "Ferrari" }, "make", CodeMakeExcluded, []any{"Ferrari"}},
		{"excluded make in lower case", func(v *Vehicle) { v.Make = "ferrari" }, "make", CodeMakeExcluded, []any{"ferrari"}},
		{"excluded make with spaces", func(v *Vehicle) { v.Make = "  Aston   Martin " }, "make", CodeMakeExcluded, []any{"Aston Martin"}},
		{"similar make", func(v *Vehicle) { v.Make = "Ferrari Motors" }, "", "", nil},
		{"Lada", func(v *Vehicle) { v.Make = "Lada" }, "", "", nil},
		{"new", func(v *Vehicle) { v.Category = CategoryNew }, "", "", nil},
		{"parallel import", func(v *Vehicle) { v.Category = CategoryParallelImport }, "category", CodeCategoryNotAllowed, []any{"parallel_import"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			v := validVehicle()
			tc.change(&v)
			vs := premium.Check(v, today)
			if tc.code == "" {
				wantCodes(t, vs)
				return
			}
			if len(vs) != 1 || vs[0].Field != tc.field || vs[0].Code != tc.code || !reflect.DeepEqual(vs[0].Args, tc.args) {
				t.Fatalf("violations %+v, want only %s on %s with %v", vs, tc.code, tc.field, tc.args)
			}
		})
	}

	t.Run("every reason at once", func(t *testing.T) {
		v := Vehicle{Make: "Rolls-Royce", Year: 2015, MileageKm: 250_000, Category: CategoryParallelImport}
		vs := premium.Check(v, today)
		wantCodes(t, vs, CodeAgeOverLimit, CodeMileageOverLimit, CodeMakeExcluded, CodeCategoryNotAllowed)
		want := map[string]string{
			"year":       nb("Автомобилю 11_лет, а по этому тарифу принимаются автомобили не старше 5_лет"),
			"mileage_km": nb("Пробег 250_000_км больше допустимого по этому тарифу — 100_000_км"),
			"make":       "Автомобили марки Rolls-Royce по этому тарифу не принимаются",
			"category":   "Автомобили категории «параллельный импорт» по этому тарифу не принимаются",
		}
		if got := vs.Fields("ru"); !reflect.DeepEqual(got, want) {
			t.Errorf("messages\n got %v\nwant %v", got, want)
		}
	})

	t.Run("no restrictions", func(t *testing.T) {
		v := Vehicle{Make: "Ferrari", Year: 1980, MileageKm: 1_000_000, Category: CategoryParallelImport}
		wantCodes(t, Eligibility{}.Check(v, today))
	})
}
