package api

import (
	"encoding/json"
	"errors"
	"net/http"
	"strconv"
	"time"

	"github.com/gin-gonic/gin"
	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"

	"karso.ru/prm/db/store"
)

// page is a validated ?page=&per_page= pair.
type page struct {
	Page, PerPage int32
}

func (p page) limit() int32  { return p.PerPage }
func (p page) offset() int32 { return (p.Page - 1) * p.PerPage }

// answer writes the list envelope every list endpoint shares.
func (p page) answer(c *gin.Context, items any, total int64) {
	c.JSON(http.StatusOK, gin.H{"items": items, "total": total, "page": p.Page, "per_page": p.PerPage})
}

// paging reads page (1-based) and per_page (default 20, at most 100).
func paging(c *gin.Context) (page, bool) {
	p := page{Page: 1, PerPage: 20}
	fields := map[string]string{}
	if v := c.Query("page"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 || n > 1_000_000 {
			fields["page"] = fieldMessage(lang(c), "gte", "1")
		} else {
			p.Page = int32(n)
		}
	}
	if v := c.Query("per_page"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 || n > 100 {
			fields["per_page"] = fieldMessage(lang(c), "lte", "100")
		} else {
			p.PerPage = int32(n)
		}
	}
	if len(fields) > 0 {
		badQuery(c, fields)
		return p, false
	}
	return p, true
}

func badQuery(c *gin.Context, fields map[string]string) {
	c.AbortWithStatusJSON(http.StatusBadRequest, gin.H{"error": Problem{Code: "invalid_query",
		Message: message(lang(c), "invalid_query"), Fields: fields}})
}

func optBool(c *gin.Context, name string) (*bool, bool) {
	v := c.Query(name)
	if v == "" {
		return nil, true
	}
	b, err := strconv.ParseBool(v)
	if err != nil {
		badQuery(c, map[string]string{name: fieldMessage(lang(c), "oneof", "true, false")})
		return nil, false
	}
	return &b, true
}

func optInt(c *gin.Context, name string) (*int64, bool) {
	v := c.Query(name)
	if v == "" {
		return nil, true
	}
	n, err := strconv.ParseInt(v, 10, 64)
	if err != nil {
		badQuery(c, map[string]string{name: fieldMessage(lang(c), "integer")})
		return nil, false
	}
	return &n, true
}

// optTime reads a query time as YYYY-MM-DD (midnight in the company's zone) or RFC 3339.
func (s *Server) optTime(c *gin.Context, name string) (*time.Time, bool) {
	v := c.Query(name)
	if v == "" {
		return nil, true
	}
	if t, err := time.ParseInLocation("2006-01-02", v, s.cfg.CompanyTZ); err == nil {
		return &t, true
	}
	if t, err := time.Parse(time.RFC3339, v); err == nil {
		return &t, true
	}
	badQuery(c, map[string]string{name: fieldMessage(lang(c), "date")})
	return nil, false
}

// pathID reads the numeric :id; anything else cannot name a record, so it is a 404.
func pathID(c *gin.Context) (int64, bool) {
	n, err := strconv.ParseInt(c.Param("id"), 10, 64)
	if err != nil || n <= 0 {
		fail(c, http.StatusNotFound, "not_found")
		return 0, false
	}
	return n, true
}

func id(n int64) string { return strconv.FormatInt(n, 10) }

// inTx runs fn against queries bound to one transaction.
func (s *Server) inTx(c *gin.Context, fn func(q *store.Queries) error) error {
	return pgx.BeginFunc(c.Request.Context(), s.pool, func(tx pgx.Tx) error {
		return fn(s.q.WithTx(tx))
	})
}

// auditTx records who changed what inside the change's own transaction, so a change and its
// audit entry land together or not at all.
func (s *Server) auditTx(c *gin.Context, q *store.Queries, action, entityType, entityID string, before, after any) error {
	cl := caller(c)
	var actor *int64
	if cl.ID != 0 {
		actor = &cl.ID
	}
	return q.InsertAudit(c.Request.Context(), store.InsertAuditParams{ActorID: actor, ActorEmail: cl.Email,
		Action: action, EntityType: entityType, EntityID: entityID, Before: jsonOrNil(before),
		After: jsonOrNil(after), RequestID: c.GetString(ctxRequestID), Ip: c.ClientIP()})
}

// writeAudit records an event that is not part of a larger transaction (a lock-out, say).
func (s *Server) writeAudit(c *gin.Context, actorID *int64, actorEmail, action, entityType, entityID string, before, after any) {
	err := s.q.InsertAudit(c.Request.Context(), store.InsertAuditParams{ActorID: actorID, ActorEmail: actorEmail,
		Action: action, EntityType: entityType, EntityID: entityID, Before: jsonOrNil(before),
		After: jsonOrNil(after), RequestID: c.GetString(ctxRequestID), Ip: c.ClientIP()})
	if err != nil {
		s.log.ErrorContext(c.Request.Context(), "write audit", "err", err, "action", action)
	}
}

func jsonOrNil(v any) json.RawMessage {
	if v == nil {
		return nil
	}
	b, err := json.Marshal(v)
	if err != nil {
		return nil
	}
	return b
}

func isUniqueViolation(err error, constraint string) bool {
	var pg *pgconn.PgError
	return errors.As(err, &pg) && pg.Code == "23505" && (constraint == "" || pg.ConstraintName == constraint)
}
