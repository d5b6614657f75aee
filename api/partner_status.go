package api

import (
	"net/http"
	"slices"

	"github.com/gin-gonic/gin"
)

// partnerStatusLabels name a partner's status in the caller's language.
var partnerStatusLabels = map[string][2]string{
	"onboarding": {"на подключении", "onboarding"},
	"active":     {"действует", "active"},
	"suspended":  {"приостановлен", "suspended"},
}

// refuseInactivePartner enforces that only an active partner sells: a new sale, a submit and
// a quote of a partner that is onboarding or suspended answer 409 partner_not_active, naming
// the partner and its status, before any workflow is asked. The partners checked are the
// sale's (its salon's) and the dealer's own, which differ for a distributor selling through
// a dealer below it. Sales already submitted carry on: payments, contracts, upsells and
// cancellations are not refused. It answers and returns true when it refuses.
func (s *Server) refuseInactivePartner(c *gin.Context, partnerIDs ...int64) bool {
	if p := caller(c).PartnerID; p != nil {
		partnerIDs = append(partnerIDs, *p)
	}
	slices.Sort(partnerIDs)
	partnerIDs = slices.Compact(partnerIDs)
	if len(partnerIDs) == 0 {
		return false
	}
	rows, err := s.q.PartnerStatuses(c.Request.Context(), partnerIDs)
	if err != nil {
		s.failInternal(c, err)
		return true
	}
	for _, p := range rows {
		if p.Status != "active" {
			failSale(c, http.StatusConflict, "partner_not_active", p.Name, pick(partnerStatusLabels, p.Status, lang(c)))
			return true
		}
	}
	return false
}
