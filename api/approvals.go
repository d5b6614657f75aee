package api

import (
	"encoding/json"
	"time"

	"github.com/gin-gonic/gin"
	"github.com/google/uuid"

	"karso.ru/prm/db/store"
	"karso.ru/prm/warranty"
)

// Approval is a flagged sale waiting for a manager, with the reasons it was flagged.
type Approval struct {
	ID              uuid.UUID  `json:"id"`
	Status          string     `json:"status"`
	SalonID         int64      `json:"salon_id"`
	SalonName       string     `json:"salon_name"`
	PartnerID       int64      `json:"partner_id"`
	PartnerName     string     `json:"partner_name"`
	SellerID        int64      `json:"seller_id"`
	SellerName      string     `json:"seller_name"`
	VIN             string     `json:"vin"`
	Make            string     `json:"make"`
	Model           string     `json:"model"`
	VehicleCategory string     `json:"vehicle_category"`
	CustomerName    string     `json:"customer_name"`
	TariffCode      string     `json:"tariff_code"`
	TermMonths      *int32     `json:"term_months"`
	PriceKopecks    int64      `json:"price_kopecks"`
	DiscountPct     float64    `json:"discount_pct"`
	Flags           []SaleFlag `json:"flags"`
	SubmittedAt     *time.Time `json:"submitted_at"`
	// WaitingHours is how long the sale has waited since it was submitted.
	WaitingHours int       `json:"waiting_hours"`
	CreatedAt    time.Time `json:"created_at"`
}

// listApprovals lists the sales waiting for the caller: a manager's assigned salons, every
// salon for an admin; the longest-waiting first.
func (s *Server) listApprovals(c *gin.Context) {
	p, ok := paging(c)
	if !ok {
		return
	}
	role, uid, partner := caller(c).scope()
	rows, err := s.q.ListApprovals(c.Request.Context(), store.ListApprovalsParams{CallerRole: role, CallerID: uid,
		CallerPartner: partner, Lim: p.limit(), Off: p.offset()})
	if err != nil {
		s.failInternal(c, err)
		return
	}
	l := lang(c)
	items := make([]Approval, 0, len(rows))
	var total int64
	for _, r := range rows {
		total = r.Total
		var flags []warranty.Flag
		_ = json.Unmarshal(r.Flags, &flags) // the projection writes them; nothing else does
		a := Approval{ID: r.ID, Status: r.Status, SalonID: r.SalonID, SalonName: r.SalonName, PartnerID: r.PartnerID,
			PartnerName: r.PartnerName, SellerID: r.SellerID, SellerName: r.SellerName, VIN: r.Vin, Make: r.Make,
			Model: r.Model, VehicleCategory: r.VehicleCategory, CustomerName: r.CustomerName, TariffCode: r.TariffCode,
			TermMonths: r.TermMonths, PriceKopecks: r.PriceKopecks, DiscountPct: float64(r.DiscountBp) / 100,
			Flags: localizedFlags(flags, l), SubmittedAt: r.SubmittedAt, CreatedAt: r.CreatedAt}
		if r.SubmittedAt != nil {
			a.WaitingHours = int(time.Since(*r.SubmittedAt).Hours())
		}
		items = append(items, a)
	}
	p.answer(c, items, total)
}
