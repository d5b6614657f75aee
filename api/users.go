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

// User is how the API shows an account.
type User struct {
	ID          int64      `json:"id"`
	Email       string     `json:"email"`
	Role        string     `json:"role"`
	PartnerID   *int64     `json:"partner_id"`
	PartnerName *string    `json:"partner_name"`
	FullName    string     `json:"full_name"`
	Phone       string     `json:"phone"`
	Locale      string     `json:"locale"`
	Active      bool       `json:"active"`
	LastLoginAt *time.Time `json:"last_login_at"`
	LockedUntil *time.Time `json:"locked_until"`
	CreatedAt   time.Time  `json:"created_at"`
}

func userFromRow(u store.User, partnerName *string) User {
	return User{ID: u.ID, Email: u.Email, Role: u.Role, PartnerID: u.PartnerID, PartnerName: partnerName,
		FullName: u.FullName, Phone: u.Phone, Locale: u.Locale, Active: u.Active, LastLoginAt: u.LastLoginAt,
		LockedUntil: u.LockedUntil, CreatedAt: u.CreatedAt}
}

func (s *Server) loadUser(c *gin.Context, userID int64) (User, error) {
	r, err := s.q.GetUser(c.Request.Context(), userID)
	if err != nil {
		return User{}, err
	}
	return userFromRow(store.User{ID: r.ID, Email: r.Email, Role: r.Role, PartnerID: r.PartnerID,
		FullName: r.FullName, Phone: r.Phone, Locale: r.Locale, Active: r.Active, LastLoginAt: r.LastLoginAt,
		LockedUntil: r.LockedUntil, CreatedAt: r.CreatedAt}, r.PartnerName), nil
}

func (s *Server) listUsers(c *gin.Context) {
	p, ok := paging(c)
	if !ok {
		return
	}
	active, ok := optBool(c, "active")
	if !ok {
		return
	}
	partnerID, ok := optInt(c, "partner_id")
	if !ok {
		return
	}
	if r := c.Query("role"); r != "" && !validRole(r) {
		badQuery(c, map[string]string{"role": fieldMessage(lang(c), "oneof", "admin, manager, dealer, finance")})
		return
	}
	rows, err := s.q.ListUsers(c.Request.Context(), store.ListUsersParams{Q: strings.TrimSpace(c.Query("q")),
		Role: c.Query("role"), Active: active, PartnerID: partnerID, Lim: p.limit(), Off: p.offset()})
	if err != nil {
		s.failInternal(c, err)
		return
	}
	items := make([]User, 0, len(rows))
	var total int64
	for _, r := range rows {
		total = r.Total
		items = append(items, userFromRow(store.User{ID: r.ID, Email: r.Email, Role: r.Role, PartnerID: r.PartnerID,
			FullName: r.FullName, Phone: r.Phone, Locale: r.Locale, Active: r.Active, LastLoginAt: r.LastLoginAt,
			LockedUntil: r.LockedUntil, CreatedAt: r.CreatedAt}, r.PartnerName))
	}
	p.answer(c, items, total)
}

func (s *Server) getUser(c *gin.Context) {
	uid, ok := pathID(c)
	if !ok {
		return
	}
	u, err := s.loadUser(c, uid)
	if errors.Is(err, pgx.ErrNoRows) {
		fail(c, http.StatusNotFound, "not_found")
		return
	}
	if err != nil {
		s.failInternal(c, err)
		return
	}
	c.JSON(http.StatusOK, u)
}

func validRole(r string) bool {
	switch r {
	case "admin", "manager", "dealer", "finance":
		return true
	}
	return false
}

// userInput is the editable part of an account. A PATCH decodes onto the current values,
// so absent fields keep what was saved.
type userInput struct {
	Email     string `json:"email" validate:"required,email,max=254"`
	Password  string `json:"password,omitempty" validate:"omitempty,min=8,maxbytes=72"`
	Role      string `json:"role" validate:"required,oneof=admin manager dealer finance"`
	PartnerID *int64 `json:"partner_id"`
	FullName  string `json:"full_name" validate:"required,max=200"`
	Phone     string `json:"phone" validate:"max=32"`
	Locale    string `json:"locale" validate:"required,oneof=ru en"`
	Active    bool   `json:"active"`
}

// checkUserPartner enforces that dealers, and only dealers, belong to an existing partner.
func (s *Server) checkUserPartner(c *gin.Context, in userInput) bool {
	if (in.Role == "dealer") != (in.PartnerID != nil) {
		failFields(c, map[string]string{"partner_id": fieldMessage(lang(c), "dealer_partner")})
		return false
	}
	if in.PartnerID == nil {
		return true
	}
	if _, err := s.q.GetPartner(c.Request.Context(), store.GetPartnerParams{ID: *in.PartnerID, CallerRole: "admin"}); err != nil {
		if errors.Is(err, pgx.ErrNoRows) {
			failFields(c, map[string]string{"partner_id": fieldMessage(lang(c), "not_found")})
		} else {
			s.failInternal(c, err)
		}
		return false
	}
	return true
}

func (s *Server) createUser(c *gin.Context) {
	in := userInput{Locale: "ru", Active: true}
	if !bindJSON(c, &in) {
		return
	}
	if in.Password == "" {
		failFields(c, map[string]string{"password": fieldMessage(lang(c), "required")})
		return
	}
	if !s.checkUserPartner(c, in) {
		return
	}
	hash, err := s.hashPassword(in.Password)
	if err != nil {
		s.failInternal(c, err)
		return
	}
	var newID int64
	err = s.inTx(c, func(q *store.Queries) error {
		newID, err = q.CreateUser(c.Request.Context(), store.CreateUserParams{Email: in.Email, PasswordHash: hash,
			Role: in.Role, PartnerID: in.PartnerID, FullName: strings.TrimSpace(in.FullName),
			Phone: strings.TrimSpace(in.Phone), Locale: in.Locale, Active: in.Active})
		if err != nil {
			return err
		}
		in.Password = ""
		return s.auditTx(c, q, "user.create", "user", id(newID), nil, in)
	})
	if isUniqueViolation(err, "users_email_key") {
		c.AbortWithStatusJSON(http.StatusConflict, gin.H{"error": Problem{Code: "email_taken",
			Message: message(lang(c), "email_taken"), Fields: map[string]string{"email": message(lang(c), "email_taken")}}})
		return
	}
	if err != nil {
		s.failInternal(c, err)
		return
	}
	u, err := s.loadUser(c, newID)
	if err != nil {
		s.failInternal(c, err)
		return
	}
	c.JSON(http.StatusCreated, u)
}

// updateUser edits an account; deactivating it ends every session it has.
func (s *Server) updateUser(c *gin.Context) {
	uid, ok := pathID(c)
	if !ok {
		return
	}
	before, err := s.loadUser(c, uid)
	if errors.Is(err, pgx.ErrNoRows) {
		fail(c, http.StatusNotFound, "not_found")
		return
	}
	if err != nil {
		s.failInternal(c, err)
		return
	}
	in := userInput{Email: before.Email, Role: before.Role, PartnerID: before.PartnerID, FullName: before.FullName,
		Phone: before.Phone, Locale: before.Locale, Active: before.Active}
	if !bindJSON(c, &in) {
		return
	}
	if in.Email != before.Email {
		failFields(c, map[string]string{"email": fieldMessage(lang(c), "invalid")})
		return
	}
	if !in.Active && uid == caller(c).ID {
		fail(c, http.StatusConflict, "cannot_deactivate_me")
		return
	}
	if !s.checkUserPartner(c, in) {
		return
	}
	ctx := c.Request.Context()
	err = s.inTx(c, func(q *store.Queries) error {
		if err := q.UpdateUser(ctx, store.UpdateUserParams{ID: uid, FullName: strings.TrimSpace(in.FullName),
			Phone: strings.TrimSpace(in.Phone), Role: in.Role, PartnerID: in.PartnerID, Locale: in.Locale,
			Active: in.Active}); err != nil {
			return err
		}
		if in.Password != "" {
			hash, err := s.hashPassword(in.Password)
			if err != nil {
				return err
			}
			if err := q.SetPassword(ctx, store.SetPasswordParams{ID: uid, PasswordHash: hash}); err != nil {
				return err
			}
		}
		if !in.Active || in.Password != "" {
			if _, err := q.RevokeUserSessions(ctx, uid); err != nil {
				return err
			}
		}
		in.Password = ""
		return s.auditTx(c, q, "user.update", "user", id(uid), before, in)
	})
	if err != nil {
		s.failInternal(c, err)
		return
	}
	u, err := s.loadUser(c, uid)
	if err != nil {
		s.failInternal(c, err)
		return
	}
	c.JSON(http.StatusOK, u)
}
