package warranty

import (
	"encoding/json"
	"errors"
	"strings"
	"testing"
)

// allCodes lists every violation and flag code the package emits; each must read well
// in both languages.
var allCodes = []string{
	CodeRequired, CodeTooLong, CodeVINLength, CodeVINChar, CodeYearRange, CodeMileageRange,
	CodePowerRange, CodeVolumeRange, CodeCategoryInvalid, CodeDateFormat, CodeDateInFuture,
	CodeSoldBeforeModelYear, CodeFullNameWords, CodeFullNameChars, CodePhoneFormat,
	CodeEmailFormat, CodeUnderage, CodeBirthDateRange, CodePassportSeries, CodePassportNumber,
	CodeINNFormat, CodeINNRegion, CodeINNChecksum, CodeKPPFormat, CodeOGRNFormat,
	CodeOGRNChecksum, CodeBIKFormat, CodeAccountFormat, CodeAccountChecksum,
	CodeDiscountNegative, CodeDiscountPrecision, CodeDiscountRange, CodeDiscountOverMax,
	CodeTermNotOffered, CodeUnknownOption, CodeCommissionRange, CodeBandMissing,
	CodePriceOutOfRange, CodeAgeOverLimit, CodeMileageOverLimit, CodeMakeExcluded,
	CodeCategoryNotAllowed, CodeTariffCodeFormat, CodeTermInvalid, CodeBasePriceMissing,
	CodeBasePriceRange, CodeBandsOrder, CodeBandsCoverage, CodeCoefficientRange,
	CodeOptionDuplicate, CodeOptionPrice, CodeMaxDiscountRange, CodeLimitNegative,
	FlagAgeNearLimit, FlagMileageNearLimit, FlagDiscountHigh, FlagParallelImport,
	FlagVINUnderContract, FlagVINCheckDigit, FlagVINCheckDigitNorthAmerica, FlagVINPreviouslyRejected,
	FlagMileageHighForNew, FlagMileageImplausibleForAge, flagVINPreviouslyRejectedForSeller,
	FlagVehicleNotInCatalogue, CodeCatalogSpellingTaken,
}

func TestCatalogHasEveryCodeInBothLanguages(t *testing.T) {
	if len(catalog) != len(allCodes) {
		t.Errorf("catalog has %d codes, the test lists %d", len(catalog), len(allCodes))
	}
	args := []any{1, 2, 3, 4}
	for _, code := range allCodes {
		m, ok := catalog[code]
		if !ok {
			t.Errorf("%s: no message", code)
			continue
		}
		if m.ru == "" || m.en == "" || m.ru == m.en {
			t.Errorf("%s: ru %q, en %q", code, m.ru, m.en)
		}
		if strings.Count(m.ru, "{") != strings.Count(m.en, "{") {
			t.Errorf("%s: ru and en use different placeholders", code)
		}
		for _, lang := range []string{"ru", "en"} {
			msg := render(code, args, lang)
			if strings.ContainsAny(msg, "{}…") {
				t.Errorf("%s/%s: unresolved placeholder in %q", code, lang, msg)
			}
		}
		if !strings.ContainsFunc(m.ru, func(r rune) bool { return r >= 'а' && r <= 'я' }) {
			t.Errorf("%s: Russian text %q has no Russian", code, m.ru)
		}
	}
}

func TestViolationMessage(t *testing.T) {
	for _, tc := range []struct {
		v    Violation
		lang string
		want string
	}{
		{Violation{"vin", CodeVINLength, []any{16}}, "ru",
			"VIN должен содержать 17 символов: латинские буквы, кроме I, O, Q, и цифры (сейчас 16\u00a0символов)"},
		{Violation{"vin", CodeVINLength, []any{1}}, "", // Russian is the default
			"VIN должен содержать 17 символов: латинские буквы, кроме I, O, Q, и цифры (сейчас 1\u00a0символ)"},
		{Violation{"vin", CodeVINLength, []any{16}}, "en-GB",
			"The VIN must be 17 characters: Latin letters except I, O, Q, and digits (got 16 characters)"},
		{Violation{"year", CodeAgeOverLimit, []any{12, 10}}, "ru",
			"Автомобилю 12\u00a0лет, а по этому тарифу принимаются автомобили не старше 10\u00a0лет"},
		{Violation{"year", CodeAgeOverLimit, []any{22, 21}}, "ru",
			"Автомобилю 22\u00a0года, а по этому тарифу принимаются автомобили не старше 21\u00a0года"},
		{Violation{"year", CodeAgeOverLimit, []any{1, 1}}, "en",
			"The vehicle is 1 year old; this plan covers vehicles up to 1 year old"},
		{Violation{"mileage_km", CodeMileageOverLimit, []any{250000, 200000}}, "ru",
			"Пробег 250\u00a0000\u00a0км больше допустимого по этому тарифу — 200\u00a0000\u00a0км"},
		{Violation{"mileage_km", CodeMileageOverLimit, []any{250000, 200000}}, "en",
			"The mileage of 250,000 km exceeds this plan's limit of 200,000 km"},
		{Violation{"discount_pct", CodeDiscountOverMax, []any{int64(1750), int64(1500)}}, "ru",
			"Скидка 17,5\u00a0% больше максимальной по этому тарифу — 15\u00a0%"},
		{Violation{"discount_pct", CodeDiscountOverMax, []any{int64(1750), int64(1500)}}, "en",
			"The discount of 17.5% exceeds this plan's maximum of 15%"},
		{Violation{"category", CodeCategoryNotAllowed, []any{"parallel_import"}}, "ru",
			"Автомобили категории «параллельный импорт» по этому тарифу не принимаются"},
		{Violation{"term_months", CodeTermNotOffered, []any{18, "12, 24, 36"}}, "ru",
			"На срок 18\u00a0месяцев этот тариф не оформляется; доступные сроки: 12, 24, 36 мес."},
		{Violation{"term_months", CodeTermNotOffered, []any{1, "12"}}, "en",
			"This plan is not sold for 1 month; available terms: 12 months"},
		{Violation{"make", CodeTooLong, []any{64}}, "ru", "Слишком длинно: не больше 64\u00a0символов"},
		{Violation{"make", CodeTooLong, []any{21}}, "ru", "Слишком длинно: не больше 21\u00a0символа"},
		{Violation{"x", "no_such_code", nil}, "ru", "no_such_code"},
		{Violation{"x", CodeYearRange, nil}, "en", "The model year must be between … and …"},
	} {
		if got := tc.v.Message(tc.lang); got != tc.want {
			t.Errorf("%s/%s:\n got %q\nwant %q", tc.v.Code, tc.lang, got, tc.want)
		}
	}
}

func TestRussianPlural(t *testing.T) {
	forms := [3]string{"год", "года", "лет"}
	for n, want := range map[int64]string{
		0: "лет", 1: "год", 2: "года", 4: "года", 5: "лет", 11: "лет", 12: "лет", 14: "лет",
		21: "год", 22: "года", 25: "лет", 101: "год", 111: "лет", 112: "лет", 1000: "лет", -1: "год",
	} {
		if got := russianPlural(n, forms); got != want {
			t.Errorf("russianPlural(%d) = %q, want %q", n, got, want)
		}
	}
}

func TestMessageSurvivesJSONRoundTrip(t *testing.T) {
	vs := Violations{
		{Field: "mileage_km", Code: CodeMileageOverLimit, Args: []any{250000, 200000}},
		{Field: "discount_pct", Code: CodeDiscountOverMax, Args: []any{int64(2000), int64(1500)}},
		{Field: "vin", Code: CodeVINChar, Args: []any{"O"}},
	}
	raw, err := json.Marshal(vs)
	if err != nil {
		t.Fatal(err)
	}
	var back Violations
	if err := json.Unmarshal(raw, &back); err != nil {
		t.Fatal(err)
	}
	for i := range vs {
		for _, lang := range []string{"ru", "en"} {
			if got, want := back[i].Message(lang), vs[i].Message(lang); got != want {
				t.Errorf("after JSON %q, before %q", got, want)
			}
		}
	}
}

func TestViolations(t *testing.T) {
	vs := Violations{
		{Field: "vin", Code: CodeVINLength, Args: []any{3}},
		{Field: "year", Code: CodeYearRange, Args: []any{1980, 2027}},
		{Field: "vin", Code: CodeRequired},
	}
	fields := vs.Fields("ru")
	if len(fields) != 2 {
		t.Fatalf("Fields = %v, want 2 fields", fields)
	}
	if want := vs[0].Message("ru"); fields["vin"] != want {
		t.Errorf("first message per field: got %q, want %q", fields["vin"], want)
	}
	if fields["year"] != "Год выпуска должен быть от 1980 до 2027" {
		t.Errorf("year: %q", fields["year"])
	}
	if en := vs.Fields("en"); en["year"] != "The model year must be between 1980 and 2027" {
		t.Errorf("year en: %q", en["year"])
	}
	if !vs.Has("vin") || !vs.Has("year") || vs.Has("make") {
		t.Error("Has is wrong")
	}
	if got := vs.Error(); got != "invalid input: vin: vin_length, year: year_range, vin: required" {
		t.Errorf("Error() = %q", got)
	}
	var target Violations
	if err := vs.Err(); !errors.As(err, &target) || len(target) != 3 {
		t.Errorf("Err() = %v", err)
	}
	if err := Violations(nil).Err(); err != nil {
		t.Errorf("empty Err() = %v, want nil", err)
	}
	if got := vs.WithPrefix("vehicle.").Fields("en"); got["vehicle.vin"] == "" || vs[0].Field != "vin" {
		t.Errorf("WithPrefix: %v, original changed: %v", got, vs[0].Field)
	}
}

func TestLanguage(t *testing.T) {
	for in, want := range map[string]string{
		"": "ru", "ru": "ru", "ru-RU": "ru", "en": "en", "EN-us": "en", "en-US,en;q=0.9": "en", "de": "ru",
	} {
		if got := Language(in); got != want {
			t.Errorf("Language(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestFormatPlaceholderKinds(t *testing.T) {
	for _, tc := range []struct {
		spec string
		arg  any
		en   bool
		want string
	}{
		{"0:rub", Kopecks(1234567), false, "12\u00a0345,67\u00a0₽"},
		{"0:num", json.Number("-1500000"), false, "-1\u00a0500\u00a0000"},
		{"0:num", int32(1500), true, "1,500"},
		{"0:km", float64(1e6), true, "1,000,000 km"}, // a JSON number prints without an exponent
		{"0", float64(2027), false, "2027"},
		{"0", 1.5, false, "1.5"},
		{"0:pct", int64(1234), false, "12,34\u00a0%"},
		{"0:years", "five", false, "five"},
		{"0:unknown", 7, false, "7"},
		{"x", 7, false, "…"},
	} {
		if got := formatPlaceholder(tc.spec, []any{tc.arg}, tc.en); got != tc.want {
			t.Errorf("{%s} with %#v: %q, want %q", tc.spec, tc.arg, got, tc.want)
		}
	}
}
