package api

import (
	"encoding/json"
	"time"

	"github.com/gin-gonic/gin"

	"karso.ru/prm/db/store"
)

// AuditEntry is one line of the audit trail: who did what to which record, with the record
// before and after.
type AuditEntry struct {
	ID         int64           `json:"id"`
	ActorID    *int64          `json:"actor_id"`
	ActorEmail string          `json:"actor_email"`
	Action     string          `json:"action"`
	EntityType string          `json:"entity_type"`
	EntityID   string          `json:"entity_id"`
	Before     json.RawMessage `json:"before"`
	After      json.RawMessage `json:"after"`
	At         time.Time       `json:"at"`
	RequestID  string          `json:"request_id"`
	IP         string          `json:"ip"`
}

func (s *Server) listAudit(c *gin.Context) {
	p, ok := paging(c)
	if !ok {
		return
	}
	actor, ok := optInt(c, "actor_id")
	if !ok {
		return
	}
	from, ok := s.optTime(c, "from")
	if !ok {
		return
	}
	to, ok := s.optTime(c, "to")
	if !ok {
		return
	}
	rows, err := s.q.ListAudit(c.Request.Context(), store.ListAuditParams{ActorID: actor,
		EntityType: c.Query("entity_type"), EntityID: c.Query("entity_id"), Action: c.Query("action"),
		FromAt: from, ToAt: to, Lim: p.limit(), Off: p.offset()})
	if err != nil {
		s.failInternal(c, err)
		return
	}
	items := make([]AuditEntry, 0, len(rows))
	var total int64
	for _, r := range rows {
		total = r.Total
		items = append(items, AuditEntry{ID: r.ID, ActorID: r.ActorID, ActorEmail: r.ActorEmail, Action: r.Action,
			EntityType: r.EntityType, EntityID: r.EntityID, Before: r.Before, After: r.After, At: r.At,
			RequestID: r.RequestID, IP: r.Ip})
	}
	p.answer(c, items, total)
}
