package api

import (
	"encoding/json"
	"errors"
	"net/http"
	"time"

	"github.com/gin-gonic/gin"

	"karso.ru/prm/db/store"
	"karso.ru/prm/warranty"
)

// mountPublic adds the website's integration API under /api/v1/public; every route needs a
// live API key (authenticateKey) holding the route's scope.
func (s *Server) mountPublic(r *gin.RouterGroup) {
	r.Use(limitPublicBody())
	r.POST("/quotes", requireScope(ScopeQuotes), s.idempotent(false), s.publicQuote)
	r.POST("/sales", requireScope(ScopeSalesCreate), s.idempotent(true), s.createPublicSale)
	r.GET("/sales/:id", requireScope(ScopeSalesRead), s.getPublicSale)
}

type publicQuoteRequest struct {
	// Vehicle needs what the price depends on: year, mileage, power, category (make and model
	// for eligibility); a VIN, when given, must be well formed.
	Vehicle warranty.Vehicle `json:"vehicle"`
	// TermMonths prices one term; without it every term each tariff offers is priced.
	TermMonths int `json:"term_months" validate:"omitempty,gte=1,lte=120"`
}

// PublicTariffQuote is one published tariff for the website's car: whether it accepts the
// car (with every reason if not), and the price of each term with its breakdown. The direct
// channel pays no commission, so the commission fields are zero.
type PublicTariffQuote struct {
	TariffCode      string           `json:"tariff_code"`
	TariffName      string           `json:"tariff_name"`
	TariffVersionID int64            `json:"tariff_version_id"`
	Eligible        bool             `json:"eligible"`
	Reasons         []QuoteReason    `json:"reasons"`
	Offers          []warranty.Quote `json:"offers"`
	// MemoURL is the tariff's public memo for the customer; null until memo pages exist.
	MemoURL *string `json:"memo_url"`
}

// publicQuote prices the car against every published tariff. Input mistakes (a malformed
// VIN, a year in the future) answer 422 naming the field; a tariff that refuses the car is
// listed with eligible false and its reasons.
func (s *Server) publicQuote(c *gin.Context) {
	var req publicQuoteRequest
	if !bindJSON(c, &req) {
		return
	}
	var ok bool
	if req.Vehicle, ok = s.resolveVehicle(c, req.Vehicle); !ok {
		return
	}
	l := lang(c)
	if req.Vehicle.VIN != "" {
		if _, bad := warranty.NormalizeVIN(req.Vehicle.VIN); bad != nil {
			failFields(c, nestVehicleFields(warranty.Violations{*bad}).Fields(l))
			return
		}
	}
	rows, err := s.q.ListCurrentTariffVersions(c.Request.Context())
	if err != nil {
		s.failInternal(c, err)
		return
	}
	today := time.Now().In(s.cfg.CompanyTZ)
	items := make([]PublicTariffQuote, 0, len(rows))
	for _, row := range rows {
		t, err := tariffOfVersion(row)
		if err != nil {
			s.failInternal(c, err)
			return
		}
		item, mistakes := rateEveryTerm(t, req, today, l)
		if len(mistakes) > 0 {
			failFields(c, nestVehicleFields(mistakes).Fields(l))
			return
		}
		item.TariffVersionID = row.ID
		items = append(items, item)
	}
	c.JSON(http.StatusOK, gin.H{"items": items})
}

// rateEveryTerm rates the car for the requested term, or for each term the tariff offers.
func rateEveryTerm(t warranty.Tariff, req publicQuoteRequest, today time.Time, l string) (PublicTariffQuote, warranty.Violations) {
	out := PublicTariffQuote{TariffCode: t.Code, TariffName: t.Name, Reasons: []QuoteReason{}, Offers: []warranty.Quote{}}
	terms := t.Terms
	if req.TermMonths != 0 {
		terms = []int{req.TermMonths}
	}
	for _, term := range terms {
		q, vs := warranty.Rate(warranty.RateInput{Tariff: t, Vehicle: req.Vehicle, TermMonths: term, Today: today, Lang: l})
		if len(vs) == 0 {
			out.Offers = append(out.Offers, q)
			continue
		}
		// a term the tariff does not offer refuses the car like an eligibility rule does
		if mistakes := inputMistakes(withoutCode(vs, warranty.CodeTermNotOffered)); len(mistakes) > 0 {
			return out, mistakes
		}
		if len(out.Reasons) == 0 {
			for _, v := range nestVehicleFields(vs) {
				out.Reasons = append(out.Reasons, QuoteReason{Field: v.Field, Code: v.Code, Message: v.Message(l)})
			}
		}
	}
	out.Eligible = len(out.Offers) > 0
	if out.Eligible {
		out.Reasons = []QuoteReason{}
	}
	return out, nil
}

func withoutCode(vs warranty.Violations, code string) warranty.Violations {
	var out warranty.Violations
	for _, v := range vs {
		if v.Code != code {
			out = append(out, v)
		}
	}
	return out
}

// tariffOfVersion decodes a published tariff version's rules.
func tariffOfVersion(row store.ListCurrentTariffVersionsRow) (warranty.Tariff, error) {
	t := warranty.Tariff{Code: row.Code, Name: row.Name}
	err := errors.Join(json.Unmarshal(row.Coverage, &t.Coverage), json.Unmarshal(row.PriceRules, &t.Rules),
		json.Unmarshal(row.Eligibility, &t.Eligibility))
	for _, m := range row.Terms {
		t.Terms = append(t.Terms, int(m))
	}
	return t, err
}
