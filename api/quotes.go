package api

import (
	"errors"
	"net/http"
	"slices"
	"strings"
	"time"

	"github.com/gin-gonic/gin"
	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"

	"karso.ru/prm/db/store"
	"karso.ru/prm/warranty"
)

type quoteRequest struct {
	// Vehicle needs only what the price depends on (year, mileage, power, category; make for
	// eligibility); a VIN, if given, is checked for a live contract.
	Vehicle     warranty.Vehicle `json:"vehicle"`
	TariffCode  string           `json:"tariff_code" validate:"required,max=32"`
	TermMonths  int              `json:"term_months" validate:"required,gte=1,lte=120"`
	Options     []string         `json:"options" validate:"max=20,dive,max=32"`
	DiscountPct float64          `json:"discount_pct"`
	// PartnerID prices the commission of a partner for managers and admins; a dealer's own
	// partner is always used for a dealer.
	PartnerID *int64 `json:"partner_id"`
}

// Quote is the answer to "how much?": the price with every coefficient, the commission,
// whether the tariff accepts the vehicle (with every reason if not) and the risk flags.
type Quote struct {
	TariffCode      string          `json:"tariff_code"`
	TariffName      string          `json:"tariff_name"`
	TariffVersionID int64           `json:"tariff_version_id"`
	Eligible        bool            `json:"eligible"`
	Reasons         []QuoteReason   `json:"reasons"`
	Quote           *warranty.Quote `json:"quote"`
	Flags           []SaleFlag      `json:"flags"`
}

// QuoteReason is one reason the tariff refuses the vehicle.
type QuoteReason struct {
	Field   string `json:"field"`
	Code    string `json:"code"`
	Message string `json:"message"`
}

// eligibilityCodes are the refusals of a tariff, as opposed to input mistakes.
var eligibilityCodes = []string{warranty.CodeAgeOverLimit, warranty.CodeMileageOverLimit,
	warranty.CodeMakeExcluded, warranty.CodeCategoryNotAllowed}

// vehicleFields are the rating's field names that belong to the nested vehicle.
var vehicleFields = []string{"vin", "make", "model", "year", "mileage_km", "engine_power_hp", "engine_volume_cc",
	"category", "sold_on"}

// createQuote rates a warranty without a sale. Input mistakes answer 422; a vehicle the
// tariff refuses answers 200 with eligible false and every reason.
func (s *Server) createQuote(c *gin.Context) {
	var req quoteRequest
	if !bindJSON(c, &req) {
		return
	}
	l := lang(c)
	discountBP, err := warranty.PctToBasisPoints(req.DiscountPct)
	var bad warranty.Violations
	if errors.As(err, &bad) {
		failFields(c, bad.Fields(l))
		return
	}
	snapshot, ok := s.currentTariff(c, req.TariffCode)
	if !ok {
		return
	}
	commission, ok := s.quoteCommission(c, req.PartnerID)
	if !ok {
		return
	}
	if req.Vehicle, ok = s.resolveVehicle(c, req.Vehicle); !ok {
		return
	}
	today := time.Now().In(s.cfg.CompanyTZ)
	q, vs := warranty.Rate(warranty.RateInput{Tariff: snapshot.Tariff, Vehicle: req.Vehicle, TermMonths: req.TermMonths,
		OptionCodes: req.Options, DiscountBP: discountBP, CommissionBP: commission, Today: today, Lang: l})
	answer := Quote{TariffCode: snapshot.Tariff.Code, TariffName: snapshot.Tariff.Name, TariffVersionID: snapshot.VersionID,
		Eligible: len(vs) == 0, Reasons: []QuoteReason{}, Flags: []SaleFlag{}}
	if mistakes := inputMistakes(vs); len(mistakes) > 0 {
		failFields(c, nestVehicleFields(mistakes).Fields(l))
		return
	}
	if len(vs) > 0 {
		for _, v := range nestVehicleFields(vs) {
			answer.Reasons = append(answer.Reasons, QuoteReason{Field: v.Field, Code: v.Code, Message: v.Message(l)})
		}
		c.JSON(http.StatusOK, answer)
		return
	}
	underContract, err := s.vinUnderContract(c, req.Vehicle.VIN)
	if err != nil {
		s.failInternal(c, err)
		return
	}
	answer.Quote = &q
	flags := warranty.AssessRisk(warranty.RiskInput{Vehicle: req.Vehicle,
		Eligibility: snapshot.Tariff.Eligibility, DiscountBP: discountBP, VINUnderContract: underContract,
		Today: today, Thresholds: s.cfg.Risk, Rules: warranty.RiskRulesCurrent}, l)
	answer.Flags = localizedFlags(unnamedVehicleFlagDropped(flags, req.Vehicle), l)
	c.JSON(http.StatusOK, answer)
}

// unnamedVehicleFlagDropped: a quote needs no make or model, so one without them is not a car
// "typed in as other"; the flag stays when the quote names a make or model the catalogue
// does not know.
func unnamedVehicleFlagDropped(flags []warranty.Flag, v warranty.Vehicle) []warranty.Flag {
	if strings.TrimSpace(v.Make) != "" && strings.TrimSpace(v.Model) != "" {
		return flags
	}
	return slices.DeleteFunc(flags, func(f warranty.Flag) bool { return f.Code == warranty.FlagVehicleNotInCatalogue })
}

// quoteCommission is the commission rate the quote uses: a dealer's own partner's, or a
// visible partner's the caller names, or none.
func (s *Server) quoteCommission(c *gin.Context, partnerID *int64) (int64, bool) {
	cl := caller(c)
	if cl.Role == "dealer" {
		partnerID = cl.PartnerID
	}
	if partnerID == nil {
		return 0, true
	}
	role, uid, partner := cl.scope()
	p, err := s.q.GetPartner(c.Request.Context(), store.GetPartnerParams{ID: *partnerID, CallerRole: role,
		CallerID: uid, CallerPartner: partner})
	if errors.Is(err, pgx.ErrNoRows) {
		failFields(c, map[string]string{"partner_id": fieldMessage(lang(c), "not_found")})
		return 0, false
	}
	if err != nil {
		s.failInternal(c, err)
		return 0, false
	}
	return int64(p.CommissionBp), true
}

// vinUnderContract looks a well-formed VIN up among live contracts; no VIN, no flag.
func (s *Server) vinUnderContract(c *gin.Context, vin string) (bool, error) {
	normalized, bad := warranty.NormalizeVIN(vin)
	if bad != nil {
		return false, nil
	}
	return s.q.VINUnderContract(c.Request.Context(), store.VINUnderContractParams{Vin: normalized, SaleID: uuid.Nil})
}

func inputMistakes(vs warranty.Violations) warranty.Violations {
	var out warranty.Violations
	for _, v := range vs {
		if !slices.Contains(eligibilityCodes, v.Code) {
			out = append(out, v)
		}
	}
	return out
}

// nestVehicleFields names vehicle fields as the request nests them: "vehicle.year".
func nestVehicleFields(vs warranty.Violations) warranty.Violations {
	out := make(warranty.Violations, 0, len(vs))
	for _, v := range vs {
		if slices.Contains(vehicleFields, v.Field) {
			v.Field = "vehicle." + v.Field
		}
		out = append(out, v)
	}
	return out
}
