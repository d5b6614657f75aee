package warranty

import (
	"strings"
	"time"
	"unicode/utf8"
)

// VehicleCategory is how the vehicle came to its owner; it changes the price and the
// risk, and some tariffs refuse some categories.
type VehicleCategory string

// The vehicle categories, exact strings of the API.
const (
	// CategoryNew is a new vehicle sold by an official dealer.
	CategoryNew VehicleCategory = "new"
	// CategoryUsed is a vehicle with a previous owner.
	CategoryUsed VehicleCategory = "used"
	// CategoryParallelImport is a vehicle brought into Russia outside the maker's
	// official network: parts and maker support are harder to get, so it is riskier.
	CategoryParallelImport VehicleCategory = "parallel_import"
)

// VehicleCategories lists every category in display order.
func VehicleCategories() []VehicleCategory {
	return []VehicleCategory{CategoryNew, CategoryUsed, CategoryParallelImport}
}

// Valid reports whether c is a known category.
func (c VehicleCategory) Valid() bool {
	return c == CategoryNew || c == CategoryUsed || c == CategoryParallelImport
}

// Label is the category's name for people, in lang.
func (c VehicleCategory) Label(lang string) string {
	return categoryLabel(c, isEnglish(lang))
}

func categoryLabel(c VehicleCategory, en bool) string {
	labels := map[VehicleCategory][2]string{
		CategoryNew:            {"новый", "new"},
		CategoryUsed:           {"с пробегом", "used"},
		CategoryParallelImport: {"параллельный импорт", "parallel import"},
	}
	l, ok := labels[c]
	if !ok {
		return string(c)
	}
	if en {
		return l[1]
	}
	return l[0]
}

// Limits of a plausible vehicle; beyond them the input is a typo, not a car.
const (
	// MinModelYear is the oldest model year accepted: 17-character VINs start in 1981.
	MinModelYear = 1980
	// MaxMileageKm is the highest odometer reading accepted.
	MaxMileageKm = 1_000_000
	// MaxEnginePowerHP is the most powerful engine accepted, in horsepower.
	MaxEnginePowerHP = 2000
	// MaxEngineVolumeCC is the largest engine accepted, in cubic centimetres.
	MaxEngineVolumeCC = 10000
	// MaxNameLength is the longest make or model name accepted, in characters.
	MaxNameLength = 64
)

// Vehicle is the car a warranty covers, as the dealer enters it in the first wizard
// step and as the contract shows it.
type Vehicle struct {
	VIN            string          `json:"vin"`
	Make           string          `json:"make"`
	Model          string          `json:"model"`
	Year           int             `json:"year"`
	MileageKm      int             `json:"mileage_km"`
	EnginePowerHP  int             `json:"engine_power_hp"`
	EngineVolumeCC int             `json:"engine_volume_cc"`
	Category       VehicleCategory `json:"category"`
	SoldOn         string          `json:"sold_on"` // YYYY-MM-DD: the vehicle's sale to the customer
	// MakeID and ModelID are the catalogue entries the make and model resolved to
	// (MakeCatalog.Resolve); zero is "other", free text the risk rules v2 flag.
	MakeID  int64 `json:"make_id,omitempty"`
	ModelID int64 `json:"model_id,omitempty"`
}

// Normalize returns the vehicle cleaned up (VIN upper-cased, spaces trimmed and
// collapsed) together with every rule it breaks, so the dealer sees all field errors
// at once. today is the company's current date (pass the time in the company's zone):
// it bounds the model year (up to next year) and the sale date (not in the future). A
// VIN check-digit mismatch is not a violation; AssessRisk flags it.
func (v Vehicle) Normalize(today time.Time) (Vehicle, Violations) {
	var vs Violations
	out := v

	vin, bad := NormalizeVIN(v.VIN)
	vs.add(bad)
	if bad == nil {
		out.VIN = vin
	}
	out.Make = collapseSpaces(v.Make)
	vs.add(checkName("make", out.Make))
	out.Model = collapseSpaces(v.Model)
	vs.add(checkName("model", out.Model))

	vs.add(checkModelYear(v.Year, today))
	vs.add(checkMileage(v.MileageKm))
	vs.add(checkEnginePower(v.EnginePowerHP))
	if v.EngineVolumeCC < 0 || v.EngineVolumeCC > MaxEngineVolumeCC {
		vs.add(violation("engine_volume_cc", CodeVolumeRange, 0, MaxEngineVolumeCC))
	}
	out.Category = VehicleCategory(strings.ToLower(strings.TrimSpace(string(v.Category))))
	vs.add(checkCategory(out.Category))

	out.SoldOn = strings.TrimSpace(v.SoldOn)
	vs.add(checkSoldOn(out.SoldOn, v.Year, today, !vs.Has("year")))
	return out, vs
}

// AgeYears is the vehicle's age as tariffs count it: the calendar year of today minus
// the model year, never negative (next year's models are 0).
func (v Vehicle) AgeYears(today time.Time) int {
	return max(0, today.Year()-v.Year)
}

// checkName requires a make or model name of at most MaxNameLength characters.
func checkName(field, s string) *Violation {
	switch {
	case s == "":
		return violation(field, CodeRequired)
	case utf8.RuneCountInString(s) > MaxNameLength:
		return violation(field, CodeTooLong, MaxNameLength)
	}
	return nil
}

// checkModelYear accepts MinModelYear up to next year, when next year's models are
// already on sale.
func checkModelYear(year int, today time.Time) *Violation {
	if year < MinModelYear || year > today.Year()+1 {
		return violation("year", CodeYearRange, MinModelYear, today.Year()+1)
	}
	return nil
}

func checkMileage(km int) *Violation {
	if km < 0 || km > MaxMileageKm {
		return violation("mileage_km", CodeMileageRange, 0, MaxMileageKm)
	}
	return nil
}

func checkEnginePower(hp int) *Violation {
	if hp < 1 || hp > MaxEnginePowerHP {
		return violation("engine_power_hp", CodePowerRange, 1, MaxEnginePowerHP)
	}
	return nil
}

func checkCategory(c VehicleCategory) *Violation {
	if c == "" {
		return violation("category", CodeRequired)
	}
	if !c.Valid() {
		return violation("category", CodeCategoryInvalid)
	}
	return nil
}

// checkSoldOn requires a real date, not after today and — when the model year is known
// to be valid — not before the year preceding the model year (a 2025 model may be sold
// from 2024).
func checkSoldOn(s string, modelYear int, today time.Time, yearValid bool) *Violation {
	const field = "sold_on"
	d, bad := parseDate(field, s)
	switch {
	case bad != nil:
		return bad
	case d.After(calendarDay(today)):
		return violation(field, CodeDateInFuture)
	case yearValid && d.Year() < modelYear-1:
		return violation(field, CodeSoldBeforeModelYear, modelYear-1)
	}
	return nil
}

// collapseSpaces trims s and reduces every run of white space inside it to one space.
func collapseSpaces(s string) string {
	return strings.Join(strings.Fields(s), " ")
}
