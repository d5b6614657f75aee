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
	// FlagVINCheckDigit: the VIN's ISO 3779 check digit does not match.
	FlagVINCheckDigit = "vin_check_digit"
)

// Flag is one reason a manager should look at a sale before its contract is issued.
// Message is rendered in the language asked for; Args keep the numbers so the flag can
// be shown again in another language with Localized.
type Flag struct {
	Code    string `json:"code"`
	Message string `json:"message"`
	Args    []any  `json:"args,omitempty"`
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
}

// DefaultRiskThresholds are the company's rules unless configured otherwise: within
// 10% of a limit, and a discount above 10%.
func DefaultRiskThresholds() RiskThresholds {
	return RiskThresholds{NearLimitBP: 1000, DiscountBP: 1000}
}

// RiskInput is what the risk check looks at. VINUnderContract is a fact the caller
// looks up in the database (an active or awaiting-payment contract on the same VIN,
// other than this sale's), since this package does no I/O.
type RiskInput struct {
	Vehicle          Vehicle
	Eligibility      Eligibility
	DiscountBP       int64
	VINUnderContract bool
	Today            time.Time
	Thresholds       RiskThresholds
}

// AssessRisk lists the risk flags of a sale, always in the same order (age, mileage,
// discount, parallel import, VIN under contract, VIN check digit), with messages in
// lang. No flags means the contract may be issued without a manager.
func AssessRisk(in RiskInput, lang string) []Flag {
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
