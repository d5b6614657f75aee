package api

import (
	"errors"
	"net/http"

	"github.com/gin-gonic/gin"
	"github.com/jackc/pgx/v5"

	"karso.ru/prm/db/store"
)

// findManager loads the manager named by :id. An admin may look at any manager, a manager
// only at themselves; anyone else, or a user who is not a manager, gets 404.
func (s *Server) findManager(c *gin.Context) (int64, bool) {
	mid, ok := pathID(c)
	if !ok {
		return 0, false
	}
	cl := caller(c)
	if cl.Role != "admin" && cl.ID != mid {
		fail(c, http.StatusNotFound, "not_found")
		return 0, false
	}
	u, err := s.q.GetUser(c.Request.Context(), mid)
	if errors.Is(err, pgx.ErrNoRows) || (err == nil && u.Role != "manager") {
		fail(c, http.StatusNotFound, "not_found")
		return 0, false
	}
	if err != nil {
		s.failInternal(c, err)
		return 0, false
	}
	return mid, true
}

func (s *Server) managerSalons(c *gin.Context, managerID int64) ([]Salon, error) {
	rows, err := s.q.ListManagerSalons(c.Request.Context(), managerID)
	if err != nil {
		return nil, err
	}
	items := make([]Salon, 0, len(rows))
	for _, r := range rows {
		items = append(items, salonFromRow(store.Salon{ID: r.ID, PartnerID: r.PartnerID, Name: r.Name, City: r.City,
			Region: r.Region, Address: r.Address, Active: r.Active, CreatedAt: r.CreatedAt}, r.PartnerName))
	}
	return items, nil
}

func (s *Server) listManagerSalons(c *gin.Context) {
	mid, ok := s.findManager(c)
	if !ok {
		return
	}
	items, err := s.managerSalons(c, mid)
	if err != nil {
		s.failInternal(c, err)
		return
	}
	c.JSON(http.StatusOK, gin.H{"items": items})
}

type assignmentInput struct {
	SalonIDs []int64 `json:"salon_ids" validate:"max=10000,dive,gt=0"`
}

// assignManagerSalons replaces the set of salons a manager curates.
func (s *Server) assignManagerSalons(c *gin.Context) {
	mid, ok := s.findManager(c)
	if !ok {
		return
	}
	var in assignmentInput
	if !bindJSON(c, &in) {
		return
	}
	if in.SalonIDs == nil {
		in.SalonIDs = []int64{}
	}
	ctx := c.Request.Context()
	n, err := s.q.CountExistingSalons(ctx, in.SalonIDs)
	if err != nil {
		s.failInternal(c, err)
		return
	}
	if n != int64(len(uniq(in.SalonIDs))) {
		failFields(c, map[string]string{"salon_ids": fieldMessage(lang(c), "not_found")})
		return
	}
	before, err := s.managerSalons(c, mid)
	if err != nil {
		s.failInternal(c, err)
		return
	}
	beforeIDs := make([]int64, 0, len(before))
	for _, b := range before {
		beforeIDs = append(beforeIDs, b.ID)
	}
	err = s.inTx(c, func(q *store.Queries) error {
		if err := q.UnassignManagerSalons(ctx, mid); err != nil {
			return err
		}
		if err := q.AssignManagerSalons(ctx, store.AssignManagerSalonsParams{ManagerID: mid, SalonIds: in.SalonIDs}); err != nil {
			return err
		}
		return s.auditTx(c, q, "manager.assign_salons", "user", id(mid), gin.H{"salon_ids": beforeIDs}, gin.H{"salon_ids": in.SalonIDs})
	})
	if err != nil {
		s.failInternal(c, err)
		return
	}
	s.listManagerSalons(c)
}

func uniq(ids []int64) map[int64]struct{} {
	m := make(map[int64]struct{}, len(ids))
	for _, v := range ids {
		m[v] = struct{}{}
	}
	return m
}
