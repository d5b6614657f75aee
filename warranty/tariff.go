package warranty

import (
	"maps"
	"math/big"
	"slices"
	"strconv"
	"strings"
	"time"
)

// Coefficient is a price multiplier in basis points of 1.0: 10000 is ×1.00, 11500 is
// ×1.15. It is an alias of int64 so that bands, category coefficients and quotes all
// hold plain integers in JSON and in Go.
type Coefficient = int64

// Bounds that keep every tariff's arithmetic exact and every price plausible.
const (
	// MinCoefficient is ×0.01, the smallest multiplier a tariff may use.
	MinCoefficient Coefficient = 100
	// MaxCoefficient is ×5.00, the largest multiplier a tariff may use.
	MaxCoefficient Coefficient = 50000
	// MaxTariffPrice is 10 million roubles, the most a base price or an option may cost.
	MaxTariffPrice Kopecks = 10_000_000_00
	// MaxTermMonths is the longest warranty term a tariff may offer.
	MaxTermMonths = 120
)

// Band is one step of a coefficient scale: values from the previous band's UpTo + 1
// (from 0 for the first band) up to UpTo inclusive get Coefficient. The last band may
// use a large UpTo to mean "and above".
type Band struct {
	UpTo        int   `json:"up_to"`
	Coefficient int64 `json:"coefficient"`
}

// Option is an add-on a customer may buy with the warranty for a fixed price.
type Option struct {
	Code         string  `json:"code"`
	Name         string  `json:"name"`
	NameEN       string  `json:"name_en"`
	PriceKopecks Kopecks `json:"price_kopecks"`
}

// PriceRules are how a tariff version prices a warranty; they are stored as JSONB in
// tariff_versions.price_rules, so a sale can always be re-priced with the version it
// was sold under.
type PriceRules struct {
	// BasePrices is the price for each term, in months, before coefficients.
	BasePrices map[int]Kopecks `json:"base_prices_kopecks"`
	// AgeBands are by vehicle age in years (today's year minus the model year).
	AgeBands []Band `json:"age_bands"`
	// MileageBands are by odometer reading in km.
	MileageBands []Band `json:"mileage_bands"`
	// PowerBands are by engine power in hp.
	PowerBands []Band `json:"power_bands"`
	// CategoryCoefficients are by vehicle category; a missing category is ×1.00.
	CategoryCoefficients map[VehicleCategory]Coefficient `json:"category_coefficients"`
	// Options are the add-ons, in the order the wizard shows them.
	Options []Option `json:"options"`
	// MaxDiscountBP is the largest discount a dealer may give, in basis points.
	MaxDiscountBP int64 `json:"max_discount_bp"`
}

// Eligibility is which vehicles a tariff version covers at all; it is stored as JSONB
// in tariff_versions.eligibility. Zero limits and empty lists mean "no restriction".
type Eligibility struct {
	MaxAgeYears       int               `json:"max_age_years"`
	MaxMileageKm      int               `json:"max_mileage_km"`
	ExcludedMakes     []string          `json:"excluded_makes"`
	AllowedCategories []VehicleCategory `json:"allowed_categories"`
}

// Tariff is one version of a warranty plan: what it covers, for how long, which
// vehicles it accepts and how it is priced.
type Tariff struct {
	Code        string      `json:"code"`
	Name        string      `json:"name"`
	NameEN      string      `json:"name_en"`
	Coverage    []string    `json:"coverage"`
	CoverageEN  []string    `json:"coverage_en"`
	Terms       []int       `json:"terms"`
	Rules       PriceRules  `json:"price_rules"`
	Eligibility Eligibility `json:"eligibility"`
}

// OffersTerm reports whether the tariff is sold for the given number of months: the
// term is listed and has a base price.
func (t Tariff) OffersTerm(months int) bool {
	price, ok := t.Rules.BasePrices[months]
	return ok && price > 0 && slices.Contains(t.Terms, months)
}

// Option finds the add-on with the given code.
func (t Tariff) Option(code string) (Option, bool) {
	for _, o := range t.Rules.Options {
		if o.Code == code {
			return o, true
		}
	}
	return Option{}, false
}

// Check lists every reason the tariff refuses the vehicle — age, mileage, make,
// category — so the dealer sees them all at once; nil means the vehicle is eligible.
// Each reason is on the vehicle field it is about.
func (e Eligibility) Check(v Vehicle, today time.Time) Violations {
	var vs Violations
	if age := v.AgeYears(today); e.MaxAgeYears > 0 && age > e.MaxAgeYears {
		vs.add(violation("year", CodeAgeOverLimit, age, e.MaxAgeYears))
	}
	if e.MaxMileageKm > 0 && v.MileageKm > e.MaxMileageKm {
		vs.add(violation("mileage_km", CodeMileageOverLimit, v.MileageKm, e.MaxMileageKm))
	}
	if brand := collapseSpaces(v.Make); brand != "" {
		for _, excluded := range e.ExcludedMakes {
			if strings.EqualFold(collapseSpaces(excluded), brand) {
				vs.add(violation("make", CodeMakeExcluded, brand))
				break
			}
		}
	}
	if len(e.AllowedCategories) > 0 && !slices.Contains(e.AllowedCategories, v.Category) {
		vs.add(violation("category", CodeCategoryNotAllowed, string(v.Category)))
	}
	return vs
}

// Validate lists what is wrong with a tariff an admin is about to save: a code of
// lower-case Latin letters, digits and '_'; a name; terms of 1..120 months each with a
// base price of up to 10 million roubles; bands in increasing order that reach the
// eligibility limit (or, without a limit, any plausible value); coefficients between
// ×0.01 and ×5.00; unique options with sane prices; a maximum discount within 0..100%.
// Rate refuses a tariff that fails these checks, which keeps its arithmetic exact.
func (t Tariff) Validate() Violations {
	var vs Violations
	vs.add(checkCode("code", t.Code))
	if strings.TrimSpace(t.Name) == "" {
		vs.add(violation("name", CodeRequired))
	}
	r, e := t.Rules, t.Eligibility

	if len(t.Terms) == 0 {
		vs.add(violation("terms", CodeRequired))
	}
	seen := map[int]bool{}
	for _, term := range t.Terms {
		if term < 1 || term > MaxTermMonths || seen[term] {
			vs.add(violation("terms", CodeTermInvalid))
			break
		}
		seen[term] = true
	}
	for _, term := range t.Terms {
		if _, ok := r.BasePrices[term]; !ok {
			vs.add(violation("price_rules.base_prices_kopecks", CodeBasePriceMissing))
			break
		}
	}
	for _, term := range slices.Sorted(maps.Keys(r.BasePrices)) {
		if p := r.BasePrices[term]; p <= 0 || p > MaxTariffPrice {
			vs.add(violation("price_rules.base_prices_kopecks", CodeBasePriceRange))
			break
		}
	}

	vs.add(checkBands("price_rules.age_bands", r.AgeBands, e.MaxAgeYears, openAgeYears))
	vs.add(checkBands("price_rules.mileage_bands", r.MileageBands, e.MaxMileageKm, MaxMileageKm))
	vs.add(checkBands("price_rules.power_bands", r.PowerBands, 0, MaxEnginePowerHP))
	for _, c := range slices.Sorted(maps.Keys(r.CategoryCoefficients)) {
		if !c.Valid() {
			vs.add(violation("price_rules.category_coefficients", CodeCategoryInvalid))
		} else if k := r.CategoryCoefficients[c]; k < MinCoefficient || k > MaxCoefficient {
			vs.add(violation("price_rules.category_coefficients", CodeCoefficientRange))
		}
	}

	codes := map[string]bool{}
	for _, o := range r.Options {
		switch {
		case checkCode("price_rules.options", o.Code) != nil:
			vs.add(checkCode("price_rules.options", o.Code))
		case codes[o.Code]:
			vs.add(violation("price_rules.options", CodeOptionDuplicate, o.Code))
		case strings.TrimSpace(o.Name) == "":
			vs.add(violation("price_rules.options", CodeRequired))
		case o.PriceKopecks < 0 || o.PriceKopecks > MaxTariffPrice:
			vs.add(violation("price_rules.options", CodeOptionPrice))
		}
		codes[o.Code] = true
	}
	if r.MaxDiscountBP < 0 || r.MaxDiscountBP > BasisPointsPerUnit {
		vs.add(violation("price_rules.max_discount_bp", CodeMaxDiscountRange))
	}

	if e.MaxAgeYears < 0 {
		vs.add(violation("eligibility.max_age_years", CodeLimitNegative))
	}
	if e.MaxMileageKm < 0 {
		vs.add(violation("eligibility.max_mileage_km", CodeLimitNegative))
	}
	for _, c := range e.AllowedCategories {
		if !c.Valid() {
			vs.add(violation("eligibility.allowed_categories", CodeCategoryInvalid))
			break
		}
	}
	return vs
}

// openAgeYears is the age a last age band must reach when the tariff has no age limit:
// older than any car with a 17-character VIN.
const openAgeYears = 100

// checkCode requires 1..32 characters: a lower-case Latin letter, then letters, digits
// or '_' — codes appear in URLs, JSON and the database.
func checkCode(field, code string) *Violation {
	if code == "" {
		return violation(field, CodeRequired)
	}
	if len(code) > 32 || code[0] < 'a' || code[0] > 'z' {
		return violation(field, CodeTariffCodeFormat)
	}
	for _, c := range []byte(code) {
		if !(c >= 'a' && c <= 'z') && !(c >= '0' && c <= '9') && c != '_' {
			return violation(field, CodeTariffCodeFormat)
		}
	}
	return nil
}

// checkBands requires increasing non-negative bounds, coefficients within range, and a
// last band reaching limit (or open, when there is no limit). An empty scale is
// allowed: the factor is then not applied.
func checkBands(field string, bands []Band, limit, open int) *Violation {
	if len(bands) == 0 {
		return nil
	}
	for i, b := range bands {
		if b.UpTo < 0 || (i > 0 && b.UpTo <= bands[i-1].UpTo) {
			return violation(field, CodeBandsOrder)
		}
		if b.Coefficient < MinCoefficient || b.Coefficient > MaxCoefficient {
			return violation(field, CodeCoefficientRange)
		}
	}
	reach := limit
	if reach <= 0 {
		reach = open
	}
	if bands[len(bands)-1].UpTo < reach {
		return violation(field, CodeBandsCoverage, reach)
	}
	return nil
}

// The rating factors, as AppliedCoefficient.Factor names them.
const (
	// FactorAge is the vehicle-age coefficient.
	FactorAge = "age"
	// FactorMileage is the mileage coefficient.
	FactorMileage = "mileage"
	// FactorPower is the engine-power coefficient.
	FactorPower = "power"
	// FactorCategory is the vehicle-category coefficient.
	FactorCategory = "category"
)

// RateInput is everything a price depends on; nothing else is read, so the same input
// always gives the same quote.
type RateInput struct {
	Tariff     Tariff
	Vehicle    Vehicle
	TermMonths int
	// OptionCodes are the add-ons chosen; repeats count once.
	OptionCodes []string
	// DiscountBP is the dealer's discount in basis points (see PctToBasisPoints).
	DiscountBP int64
	// CommissionBP is the partner's commission rate in basis points.
	CommissionBP int64
	// Today is the company's current date; the vehicle's age is Today's year minus the
	// model year.
	Today time.Time
	// Lang selects the language of the band labels in the quote ("ru" by default).
	Lang string
}

// AppliedCoefficient shows one factor of the price: which band the vehicle fell into
// and the multiplier it brought, so the dealer and the customer see why the price is
// what it is.
type AppliedCoefficient struct {
	Factor      string `json:"factor"`
	Band        string `json:"band"`
	Coefficient int64  `json:"coefficient"`
}

// QuoteOption is a chosen add-on with the price it adds.
type QuoteOption struct {
	Code         string  `json:"code"`
	Name         string  `json:"name"`
	NameEN       string  `json:"name_en"`
	PriceKopecks Kopecks `json:"price_kopecks"`
}

// Quote is a priced warranty. The amounts add up as the contract shows them:
// GrossKopecks = BaseKopecks × coefficients + OptionsKopecks (to the kopeck), and
// PriceKopecks = GrossKopecks − DiscountKopecks + RoundingKopecks, where the price is
// computed at full precision and rounded to whole roubles once, and RoundingKopecks
// (less than a rouble either way) is that rounding made visible.
type Quote struct {
	TariffCode        string               `json:"tariff_code"`
	TermMonths        int                  `json:"term_months"`
	BaseKopecks       Kopecks              `json:"base_kopecks"`
	Coefficients      []AppliedCoefficient `json:"coefficients"`
	OptionsKopecks    Kopecks              `json:"options_kopecks"`
	Options           []QuoteOption        `json:"options"`
	GrossKopecks      Kopecks              `json:"gross_kopecks"`
	DiscountBP        int64                `json:"discount_bp"`
	DiscountKopecks   Kopecks              `json:"discount_kopecks"`
	RoundingKopecks   Kopecks              `json:"rounding_kopecks"`
	PriceKopecks      Kopecks              `json:"price_kopecks"`
	CommissionBP      int64                `json:"commission_bp"`
	CommissionKopecks Kopecks              `json:"commission_kopecks"`
}

// Rate prices a warranty. It first lists every reason there can be no price — a tariff
// that fails Validate, the vehicle's year, mileage, power or category out of range,
// eligibility (age_over_limit, mileage_over_limit, make_excluded,
// category_not_allowed), term_not_offered, unknown_option, a negative discount or
// discount_over_max, a commission rate outside 0..100% — and returns them all. Only the
// vehicle facts that rating needs are checked, so a dealer can ask "how much?" before
// knowing the VIN. Otherwise the price is the term's base price × the age, mileage,
// power and category coefficients, plus the options, minus the discount, computed
// exactly and rounded to whole roubles once at the end; the commission is the
// partner's rate of that price, rounded to the kopeck.
func Rate(in RateInput) (Quote, Violations) {
	t, r := in.Tariff, in.Tariff.Rules
	if vs := t.Validate(); len(vs) > 0 {
		return Quote{}, vs
	}
	v := in.Vehicle
	v.Category = VehicleCategory(strings.ToLower(strings.TrimSpace(string(v.Category))))

	var vs Violations
	vs.add(checkModelYear(v.Year, in.Today))
	vs.add(checkMileage(v.MileageKm))
	vs.add(checkEnginePower(v.EnginePowerHP))
	vs.add(checkCategory(v.Category))
	for _, refusal := range t.Eligibility.Check(v, in.Today) {
		if !vs.Has(refusal.Field) { // a value out of range is reported once
			vs = append(vs, refusal)
		}
	}
	if !t.OffersTerm(in.TermMonths) {
		vs.add(violation("term_months", CodeTermNotOffered, in.TermMonths, termList(t.Terms)))
	}
	chosen := map[string]bool{}
	for _, code := range in.OptionCodes {
		if chosen[code] {
			continue
		}
		chosen[code] = true
		if _, ok := t.Option(code); !ok {
			vs.add(violation("options", CodeUnknownOption, code))
		}
	}
	switch {
	case in.DiscountBP < 0:
		vs.add(violation("discount_pct", CodeDiscountNegative))
	case in.DiscountBP > r.MaxDiscountBP:
		vs.add(violation("discount_pct", CodeDiscountOverMax, in.DiscountBP, r.MaxDiscountBP))
	}
	if in.CommissionBP < 0 || in.CommissionBP > BasisPointsPerUnit {
		vs.add(violation("commission_bp", CodeCommissionRange))
	}
	if len(vs) > 0 {
		return Quote{}, vs
	}

	en := isEnglish(in.Lang)
	var coefficients []AppliedCoefficient
	for _, f := range []struct {
		factor, field string
		bands         []Band
		value         int
	}{
		{FactorAge, "year", r.AgeBands, v.AgeYears(in.Today)},
		{FactorMileage, "mileage_km", r.MileageBands, v.MileageKm},
		{FactorPower, "engine_power_hp", r.PowerBands, v.EnginePowerHP},
	} {
		if len(f.bands) == 0 {
			continue
		}
		i, ok := bandIndex(f.bands, f.value)
		if !ok {
			vs.add(violation(f.field, CodeBandMissing))
			continue
		}
		coefficients = append(coefficients, AppliedCoefficient{
			Factor:      f.factor,
			Band:        bandLabel(f.factor, f.bands, i, en),
			Coefficient: f.bands[i].Coefficient,
		})
	}
	if len(vs) > 0 {
		return Quote{}, vs
	}
	categoryCoefficient, ok := r.CategoryCoefficients[v.Category]
	if !ok {
		categoryCoefficient = BasisPointsPerUnit
	}
	coefficients = append(coefficients, AppliedCoefficient{
		Factor: FactorCategory, Band: categoryLabel(v.Category, en), Coefficient: categoryCoefficient,
	})

	q := Quote{
		TariffCode:   t.Code,
		TermMonths:   in.TermMonths,
		BaseKopecks:  r.BasePrices[in.TermMonths],
		Coefficients: coefficients,
		Options:      []QuoteOption{},
		DiscountBP:   in.DiscountBP,
		CommissionBP: in.CommissionBP,
	}
	for _, o := range r.Options { // the tariff's order, whatever order they were picked in
		if chosen[o.Code] {
			q.Options = append(q.Options, QuoteOption(o))
			q.OptionsKopecks += o.PriceKopecks
		}
	}
	if bad := q.price(); bad != nil {
		return Quote{}, Violations{*bad}
	}
	return q, nil
}

// price fills the amounts of q from its base, coefficients, options and rates. The
// exact gross is base × Πcoefficients / 10000ⁿ + options; all of it stays a fraction
// of big integers until the single rounding of each shown amount.
func (q *Quote) price() *Violation {
	unit := big.NewInt(BasisPointsPerUnit)
	num := big.NewInt(int64(q.BaseKopecks))
	den := big.NewInt(1)
	for _, c := range q.Coefficients {
		num.Mul(num, big.NewInt(c.Coefficient))
		den.Mul(den, unit)
	}
	gross := num.Add(num, new(big.Int).Mul(big.NewInt(int64(q.OptionsKopecks)), den))

	discountDen := new(big.Int).Mul(den, unit)
	discount := new(big.Int).Mul(gross, big.NewInt(q.DiscountBP))
	net := new(big.Int).Mul(gross, big.NewInt(BasisPointsPerUnit-q.DiscountBP))

	grossKopecks, discountKopecks := roundQuo(gross, den), roundQuo(discount, discountDen)
	if !grossKopecks.IsInt64() || !discountKopecks.IsInt64() {
		return violation("term_months", CodePriceOutOfRange)
	}
	q.GrossKopecks = Kopecks(grossKopecks.Int64())
	q.DiscountKopecks = Kopecks(discountKopecks.Int64())
	q.PriceKopecks = roundToRoubles(net, discountDen)
	q.RoundingKopecks = q.PriceKopecks - q.GrossKopecks + q.DiscountKopecks
	q.CommissionKopecks = PercentOf(q.PriceKopecks, q.CommissionBP)
	return nil
}

// bandIndex finds the band holding value: the first whose UpTo is at least value.
func bandIndex(bands []Band, value int) (int, bool) {
	for i, b := range bands {
		if value <= b.UpTo {
			return i, true
		}
	}
	return 0, false
}

// termList writes the terms for a message: "12, 24, 36".
func termList(terms []int) string {
	parts := make([]string, len(terms))
	for i, t := range slices.Sorted(slices.Values(terms)) {
		parts[i] = strconv.Itoa(t)
	}
	return strings.Join(parts, ", ")
}
