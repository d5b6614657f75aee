package api

import (
	"errors"
	"net/http"
	"strings"
	"time"

	"github.com/gin-gonic/gin"
	"github.com/jackc/pgx/v5"

	"karso.ru/prm/db/store"
)

// Salon is a point of sale of a partner.
type Salon struct {
	ID          int64     `json:"id"`
	PartnerID   int64     `json:"partner_id"`
	PartnerName string    `json:"partner_name"`
	Name        string    `json:"name"`
	City        string    `json:"city"`
	Region      string    `json:"region"`
	Address     string    `json:"address"`
	Active      bool      `json:"active"`
	CreatedAt   time.Time `json:"created_at"`
}

func salonFromRow(s store.Salon, partnerName string) Salon {
	return Salon{ID: s.ID, PartnerID: s.PartnerID, PartnerName: partnerName, Name: s.Name, City: s.City,
		Region: s.Region, Address: s.Address, Active: s.Active, CreatedAt: s.CreatedAt}
}

func (s *Server) listSalons(c *gin.Context) {
	p, ok := paging(c)
	if !ok {
		return
	}
	partnerID, ok := optInt(c, "partner_id")
	if !ok {
		return
	}
	active, ok := optBool(c, "active")
	if !ok {
		return
	}
	role, uid, partner := caller(c).scope()
	rows, err := s.q.ListSalons(c.Request.Context(), store.ListSalonsParams{CallerRole: role, CallerID: uid,
		CallerPartner: partner, Q: strings.TrimSpace(c.Query("q")), PartnerID: partnerID,
		City: strings.TrimSpace(c.Query("city")), Active: active, Lim: p.limit(), Off: p.offset()})
	if err != nil {
		s.failInternal(c, err)
		return
	}
	items := make([]Salon, 0, len(rows))
	var total int64
	for _, r := range rows {
		total = r.Total
		items = append(items, salonFromRow(store.Salon{ID: r.ID, PartnerID: r.PartnerID, Name: r.Name, City: r.City,
			Region: r.Region, Address: r.Address, Active: r.Active, CreatedAt: r.CreatedAt}, r.PartnerName))
	}
	p.answer(c, items, total)
}

// FindSalon loads a salon the caller may see; a salon outside the caller's scope answers
// pgx.ErrNoRows, exactly as one that does not exist.
func (s *Server) findSalon(c *gin.Context, salonID int64) (Salon, error) {
	role, uid, partner := caller(c).scope()
	r, err := s.q.GetSalon(c.Request.Context(), store.GetSalonParams{ID: salonID, CallerRole: role, CallerID: uid,
		CallerPartner: partner})
	if err != nil {
		return Salon{}, err
	}
	return salonFromRow(store.Salon{ID: r.ID, PartnerID: r.PartnerID, Name: r.Name, City: r.City, Region: r.Region,
		Address: r.Address, Active: r.Active, CreatedAt: r.CreatedAt}, r.PartnerName), nil
}

func (s *Server) getSalon(c *gin.Context) {
	sid, ok := pathID(c)
	if !ok {
		return
	}
	salon, err := s.findSalon(c, sid)
	if errors.Is(err, pgx.ErrNoRows) {
		fail(c, http.StatusNotFound, "not_found")
		return
	}
	if err != nil {
		s.failInternal(c, err)
		return
	}
	c.JSON(http.StatusOK, salon)
}

type salonInput struct {
	PartnerID int64  `json:"partner_id" validate:"required,gt=0"`
	Name      string `json:"name" validate:"required,max=200"`
	City      string `json:"city" validate:"required,max=100"`
	Region    string `json:"region" validate:"max=100"`
	Address   string `json:"address" validate:"max=500"`
	Active    bool   `json:"active"`
}

func (s *Server) checkSalonPartner(c *gin.Context, in salonInput) bool {
	_, err := s.q.GetPartner(c.Request.Context(), store.GetPartnerParams{ID: in.PartnerID, CallerRole: "admin"})
	if errors.Is(err, pgx.ErrNoRows) {
		failFields(c, map[string]string{"partner_id": fieldMessage(lang(c), "not_found")})
		return false
	}
	if err != nil {
		s.failInternal(c, err)
		return false
	}
	return true
}

func (s *Server) createSalon(c *gin.Context) {
	in := salonInput{Active: true}
	if !bindJSON(c, &in) || !s.checkSalonPartner(c, in) {
		return
	}
	ctx := c.Request.Context()
	var newID int64
	err := s.inTx(c, func(q *store.Queries) error {
		var err error
		newID, err = q.CreateSalon(ctx, store.CreateSalonParams{PartnerID: in.PartnerID, Name: strings.TrimSpace(in.Name),
			City: strings.TrimSpace(in.City), Region: strings.TrimSpace(in.Region),
			Address: strings.TrimSpace(in.Address), Active: in.Active})
		if err != nil {
			return err
		}
		return s.auditTx(c, q, "salon.create", "salon", id(newID), nil, in)
	})
	if err != nil {
		s.failInternal(c, err)
		return
	}
	salon, err := s.findSalon(c, newID)
	if err != nil {
		s.failInternal(c, err)
		return
	}
	c.JSON(http.StatusCreated, salon)
}

func (s *Server) updateSalon(c *gin.Context) {
	sid, ok := pathID(c)
	if !ok {
		return
	}
	before, err := s.findSalon(c, sid)
	if errors.Is(err, pgx.ErrNoRows) {
		fail(c, http.StatusNotFound, "not_found")
		return
	}
	if err != nil {
		s.failInternal(c, err)
		return
	}
	in := salonInput{PartnerID: before.PartnerID, Name: before.Name, City: before.City, Region: before.Region,
		Address: before.Address, Active: before.Active}
	if !bindJSON(c, &in) || !s.checkSalonPartner(c, in) {
		return
	}
	ctx := c.Request.Context()
	err = s.inTx(c, func(q *store.Queries) error {
		if err := q.UpdateSalon(ctx, store.UpdateSalonParams{ID: sid, PartnerID: in.PartnerID,
			Name: strings.TrimSpace(in.Name), City: strings.TrimSpace(in.City), Region: strings.TrimSpace(in.Region),
			Address: strings.TrimSpace(in.Address), Active: in.Active}); err != nil {
			return err
		}
		return s.auditTx(c, q, "salon.update", "salon", id(sid), before, in)
	})
	if err != nil {
		s.failInternal(c, err)
		return
	}
	salon, err := s.findSalon(c, sid)
	if err != nil {
		s.failInternal(c, err)
		return
	}
	c.JSON(http.StatusOK, salon)
}
