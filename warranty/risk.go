package warranty

import (
	"strings"
	"time"
)

// Codes of risk flags. A flag does not refuse a sale; it sends it to a manager for
// approval. A sale with no flags needs no manager.
const (
	// FlagAgeNearLimit: the vehicle's age is within the near-limit share of the tariff's maximum.
	FlagAgeNearLimit = "age_near_limit"
	// FlagMileageNearLimit: the mileage is within the near-limit share of the tariff's maximum.
	FlagMileageNearLimit = "mileage_near_limit"
	// FlagDiscountHigh: the dealer's discount is above the threshold.
	FlagDiscountHigh = "discount_high"
	// FlagParallelImport: the vehicle came by parallel import.
	FlagParallelImport = "parallel_import"
	// FlagVINUnderContract: the VIN already has an active or awaiting-payment contract.
	FlagVINUnderContract = "vin_under_contract"
	// FlagVINCheckDigit: the VIN's ISO 3779 check digit does not match (rules v1, any VIN).
	FlagVINCheckDigit = "vin_check_digit"
	// FlagVINCheckDigitNorthAmerica: a North-American VIN (WMI 1–5), where the check digit
	// is mandatory, has a wrong one (rules v2).
	FlagVINCheckDigitNorthAmerica = "vin_check_digit_north_america"
	// FlagVINPreviouslyRejected: a manager rejected another sale of this VIN; Args[0] is the
	// rejection's comment (rules v2).
	FlagVINPreviouslyRejected = "vin_previously_rejected"
	// FlagVehicleNotInCatalogue: the make or the model is not in the catalogue, typed in as
	// "other"; Args are the make and the model as typed (rules v2).
	FlagVehicleNotInCatalogue = "vehicle_not_in_catalogue"
	// FlagMileageHighForNew: a new vehicle has more than the configured mileage (rules v2).
	FlagMileageHighForNew = "mileage_high_for_new"
	// FlagMileageImplausibleForAge: a used vehicle's mileage is outside the yearly range for
	// its age (rules v2).
	FlagMileageImplausibleForAge = "mileage_implausible_for_age"
)

// Versions of the risk rules. A sale keeps the version it started with (the workflow
// chooses it once, behind GetVersion), so a rule changed later never re-decides a sale
// already under way, and a recorded history replays with the rules it was made with.
const (
	// RiskRulesV1: the check digit flagged on every VIN; no rejection or mileage rules.
	RiskRulesV1 = 1
	// RiskRulesV2: the check digit only for North-American VINs; a VIN a manager rejected
	// is flagged with the comment; mileage plausible for the category and age.
	RiskRulesV2 = 2
	// RiskRulesCurrent is the version a new sale (or a quote) uses.
	RiskRulesCurrent = RiskRulesV2
)

// Flag is one reason a manager should look at a sale before its contract is issued.
// Message is rendered in the language asked for; Args keep the numbers so the flag can
// be shown again in another language with Localized.
type Flag struct {
	Code    string `json:"code"`
	Message string `json:"message"`
	Args    []any  `json:"args,omitempty"`
}

// flagVINPreviouslyRejectedForSeller is the rejection flag as the seller reads it: the
// manager's comment was about another salon's sale, so only approvers read it.
const flagVINPreviouslyRejectedForSeller = "vin_previously_rejected_for_seller"

// ForSeller returns the flag as a dealer may read it: the rejection's comment withheld.
func (f Flag) ForSeller(lang string) Flag {
	if f.Code != FlagVINPreviouslyRejected {
		return f.Localized(lang)
	}
	return Flag{Code: f.Code, Message: render(flagVINPreviouslyRejectedForSeller, nil, lang)}
}

// Localized returns the flag with its message in lang.
func (f Flag) Localized(lang string) Flag {
	f.Message = render(f.Code, f.Args, lang)
	return f
}

// RiskThresholds are the configurable limits of the risk check, in basis points.
type RiskThresholds struct {
	// NearLimitBP flags a vehicle whose age or mileage is within this share of the
	// tariff's maximum: 1000 flags 180,000 km and above on a 200,000 km tariff.
	NearLimitBP int64 `json:"near_limit_bp"`
	// DiscountBP flags a discount strictly above it.
	DiscountBP int64 `json:"discount_bp"`
	// NewMaxMileageKm flags a new vehicle with more mileage (rules v2; 0 means the default).
	NewMaxMileageKm int `json:"new_max_mileage_km,omitempty"`
	// UsedMinKmPerYear and UsedMaxKmPerYear bound a used vehicle's plausible mileage per
	// year of age (rules v2; 0 means the default).
	UsedMinKmPerYear int `json:"used_min_km_per_year,omitempty"`
	UsedMaxKmPerYear int `json:"used_max_km_per_year,omitempty"`
}

// Defaults of the mileage plausibility rules: a new car leaves the dealer with test drives
// and transport only; a used car in Russia runs about 17 000 km a year, so under 1 000 or
// over 50 000 a year is more often a rolled-back odometer or a typo than a real car.
const (
	DefaultNewMaxMileageKm  = 1000
	DefaultUsedMinKmPerYear = 1000
	DefaultUsedMaxKmPerYear = 50_000
)

// DefaultRiskThresholds are the company's rules unless configured otherwise: within
// 10% of a limit, and a discount above 10%. The mileage limits are left zero (their
// defaults apply), so a sale's input written before they existed reads the same.
func DefaultRiskThresholds() RiskThresholds {
	return RiskThresholds{NearLimitBP: 1000, DiscountBP: 1000}
}

// withDefaults fills the zero mileage limits with their defaults.
func (th RiskThresholds) withDefaults() RiskThresholds {
	if th.NewMaxMileageKm <= 0 {
		th.NewMaxMileageKm = DefaultNewMaxMileageKm
	}
	if th.UsedMinKmPerYear <= 0 {
		th.UsedMinKmPerYear = DefaultUsedMinKmPerYear
	}
	if th.UsedMaxKmPerYear <= 0 {
		th.UsedMaxKmPerYear = DefaultUsedMaxKmPerYear
	}
	return th
}

// VINRejection is a manager's rejection of another sale of the same VIN.
type VINRejection struct {
	Comment string `json:"comment"`
}

// RiskInput is what the risk check looks at. VINUnderContract is a fact the caller
// looks up in the database (an active or awaiting-payment contract on the same VIN,
// other than this sale's), since this package does no I/O.
type RiskInput struct {
	Vehicle          Vehicle
	Eligibility      Eligibility
	DiscountBP       int64
	VINUnderContract bool
	// PreviouslyRejected is the latest rejection of another sale of the VIN, if any (v2).
	PreviouslyRejected *VINRejection
	Today              time.Time
	Thresholds         RiskThresholds
	// Rules is the version of the rules (RiskRulesV1, RiskRulesV2); 0 reads as v1, the
	// rules every sale recorded before the versions existed was assessed with.
	Rules int
}

// AssessRisk lists the risk flags of a sale, always in the same order (age, mileage,
// discount, parallel import, VIN under contract, VIN check digit; then, in v2, VIN
// previously rejected, a make or model not in the catalogue and mileage plausibility), with messages in lang. No flags means the
// contract may be issued without a manager.
func AssessRisk(in RiskInput, lang string) []Flag {
	if in.Rules >= RiskRulesV2 {
		return assessRiskV2(in, lang)
	}
	return assessRiskV1(in, lang)
}

// assessRiskV2: the check digit only where it is mandatory, a rejected VIN, plausible mileage.
func assessRiskV2(in RiskInput, lang string) []Flag {
	var flags []Flag
	raise := func(code string, args ...any) {
		flags = append(flags, Flag{Code: code, Message: render(code, args, lang), Args: args})
	}
	v, e, th := in.Vehicle, in.Eligibility, in.Thresholds.withDefaults()
	age := v.AgeYears(in.Today)
	if nearLimit(age, e.MaxAgeYears, th.NearLimitBP) {
		raise(FlagAgeNearLimit, age, e.MaxAgeYears)
	}
	if nearLimit(v.MileageKm, e.MaxMileageKm, th.NearLimitBP) {
		raise(FlagMileageNearLimit, v.MileageKm, e.MaxMileageKm)
	}
	if in.DiscountBP > th.DiscountBP {
		raise(FlagDiscountHigh, in.DiscountBP, th.DiscountBP)
	}
	category := VehicleCategory(strings.ToLower(strings.TrimSpace(string(v.Category))))
	if category == CategoryParallelImport {
		raise(FlagParallelImport)
	}
	if in.VINUnderContract {
		raise(FlagVINUnderContract)
	}
	if vin, bad := NormalizeVIN(v.VIN); bad == nil && VINCheckDigitMandatory(vin) && !VINCheckDigitOK(vin) {
		raise(FlagVINCheckDigitNorthAmerica)
	}
	if r := in.PreviouslyRejected; r != nil {
		raise(FlagVINPreviouslyRejected, r.Comment)
	}
	if v.MakeID == 0 || v.ModelID == 0 {
		raise(FlagVehicleNotInCatalogue, v.Make, v.Model)
	}
	switch category {
	case CategoryNew:
		if v.MileageKm > th.NewMaxMileageKm {
			raise(FlagMileageHighForNew, v.MileageKm, th.NewMaxMileageKm)
		}
	case CategoryUsed, CategoryParallelImport:
		if lo, hi := plausibleMileage(age, th); v.MileageKm < lo || v.MileageKm > hi {
			raise(FlagMileageImplausibleForAge, v.MileageKm, age, lo, hi)
		}
	}
	return flags
}

// plausibleMileage is the range a used vehicle of age years may have run. A vehicle of
// this or next model year (age 0) may have run anything from zero to a year's maximum;
// its lower bound is zero.
func plausibleMileage(age int, th RiskThresholds) (lo, hi int) {
	if age <= 0 {
		return 0, th.UsedMaxKmPerYear
	}
	return age * th.UsedMinKmPerYear, age * th.UsedMaxKmPerYear
}

// assessRiskV1 is the first version of the rules, kept for the sales assessed with it.
func assessRiskV1(in RiskInput, lang string) []Flag {
	var flags []Flag
	raise := func(code string, args ...any) {
		flags = append(flags, Flag{Code: code, Message: render(code, args, lang), Args: args})
	}
	v, e, th := in.Vehicle, in.Eligibility, in.Thresholds

	if age := v.AgeYears(in.Today); nearLimit(age, e.MaxAgeYears, th.NearLimitBP) {
		raise(FlagAgeNearLimit, age, e.MaxAgeYears)
	}
	if nearLimit(v.MileageKm, e.MaxMileageKm, th.NearLimitBP) {
		raise(FlagMileageNearLimit, v.MileageKm, e.MaxMileageKm)
	}
	if in.DiscountBP > th.DiscountBP {
		raise(FlagDiscountHigh, in.DiscountBP, th.DiscountBP)
	}
	if VehicleCategory(strings.ToLower(strings.TrimSpace(string(v.Category)))) == CategoryParallelImport {
		raise(FlagParallelImport)
	}
	if in.VINUnderContract {
		raise(FlagVINUnderContract)
	}
	if vin, bad := NormalizeVIN(v.VIN); bad == nil && !VINCheckDigitOK(vin) {
		raise(FlagVINCheckDigit)
	}
	return flags
}

// nearLimit reports whether value lies within shareBP of limit, up to the limit itself
// (beyond it, eligibility refuses the sale). A zero limit means no limit, never near.
func nearLimit(value, limit int, shareBP int64) bool {
	if limit <= 0 || value > limit {
		return false
	}
	// value ≥ limit × (1 − share), in integers: value × 10000 ≥ limit × (10000 − share).
	return int64(value)*BasisPointsPerUnit >= int64(limit)*(BasisPointsPerUnit-shareBP)
}
