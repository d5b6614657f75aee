package api

import (
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"errors"
	"net/http"
	"strings"
	"time"

	"github.com/gin-gonic/gin"
	"github.com/jackc/pgx/v5"
	"golang.org/x/crypto/bcrypt"

	"karso.ru/prm/db/store"
)

const (
	sessionCookie = "karso_session"
	// maxLoginFailures wrong passwords in a row lock an account for lockPeriod.
	maxLoginFailures = 5
	lockPeriod       = 15 * time.Minute
)

// Caller is the signed-in user a request acts for; every scoped query takes its role, id
// and partner.
type Caller struct {
	ID        int64
	Email     string
	Role      string
	PartnerID *int64
	FullName  string
	SessionID int64
}

// scope returns the three arguments of the visible_salons / visible_partners SQL functions.
func (c Caller) scope() (role string, id int64, partner int64) {
	if c.PartnerID != nil {
		partner = *c.PartnerID
	}
	return c.Role, c.ID, partner
}

func caller(c *gin.Context) Caller {
	v, _ := c.Get(ctxCaller)
	cl, _ := v.(Caller)
	return cl
}

func hashToken(token string) []byte {
	sum := sha256.Sum256([]byte(token))
	return sum[:]
}

func newToken() string {
	var b [32]byte
	_, _ = rand.Read(b[:])
	return base64.RawURLEncoding.EncodeToString(b[:])
}

// bearerOrCookie finds the session token: the Authorization header for API clients, the
// HttpOnly cookie for the cabinets.
func bearerOrCookie(c *gin.Context) string {
	if t := bearerToken(c); t != "" {
		return t
	}
	t, _ := c.Cookie(sessionCookie)
	return t
}

// bearerToken is the token of an "Authorization: Bearer" header, or "".
func bearerToken(c *gin.Context) string {
	if t, ok := strings.CutPrefix(c.GetHeader("Authorization"), "Bearer "); ok {
		return strings.TrimSpace(t)
	}
	return ""
}

// authenticate resolves the session and stops the request with 401 when there is none.
func (s *Server) authenticate() gin.HandlerFunc {
	return func(c *gin.Context) {
		token := bearerOrCookie(c)
		if token == "" {
			fail(c, http.StatusUnauthorized, "unauthenticated")
			return
		}
		ctx := c.Request.Context()
		row, err := s.q.GetSessionUser(ctx, hashToken(token))
		if errors.Is(err, pgx.ErrNoRows) {
			fail(c, http.StatusUnauthorized, "unauthenticated")
			return
		}
		if err != nil {
			s.failInternal(c, err)
			return
		}
		// sliding expiry, written at most once a minute per session
		if time.Since(row.LastSeenAt) > time.Minute {
			if err := s.q.TouchSession(ctx, store.TouchSessionParams{ID: row.SessionID, ExpiresAt: time.Now().Add(s.cfg.SessionTTL)}); err != nil {
				s.log.WarnContext(ctx, "touch session", "err", err)
			}
		}
		c.Set(ctxCaller, Caller{ID: row.ID, Email: row.Email, Role: row.Role, PartnerID: row.PartnerID,
			FullName: row.FullName, SessionID: row.SessionID})
		c.Next()
	}
}

// allow lets only the named roles through; others get 403.
func allow(roles ...string) gin.HandlerFunc {
	return func(c *gin.Context) {
		r := caller(c).Role
		for _, want := range roles {
			if r == want {
				c.Next()
				return
			}
		}
		fail(c, http.StatusForbidden, "forbidden")
	}
}

type loginRequest struct {
	Email    string `json:"email" validate:"required,max=254"`
	Password string `json:"password" validate:"required,maxbytes=72"`
}

// login checks the password under the shared limits (see checkPassword: per IP, per account,
// five wrong in a row lock it for 15 minutes) and opens a server-side session returned both
// as a token and a cookie. A locked account answers exactly like a wrong password.
func (s *Server) login(c *gin.Context) {
	var req loginRequest
	if !bindJSON(c, &req) {
		return
	}
	ctx := c.Request.Context()
	u, err := s.userByEmail(ctx, strings.TrimSpace(req.Email))
	if err != nil {
		s.failInternal(c, err)
		return
	}
	verdict, err := s.checkPassword(c, u, req.Password)
	if err != nil {
		s.failInternal(c, err)
		return
	}
	switch verdict {
	case passwordThrottled:
		fail(c, http.StatusTooManyRequests, "too_many_requests")
		return
	case passwordWrong:
		fail(c, http.StatusUnauthorized, "invalid_credentials")
		return
	}
	recorded, err := s.q.RecordLoginSuccess(ctx, u.ID)
	if err != nil {
		s.failInternal(c, err)
		return
	}
	if recorded == 0 { // locked by guesses that failed while this one was checked
		fail(c, http.StatusUnauthorized, "invalid_credentials")
		return
	}
	if !u.Active {
		fail(c, http.StatusForbidden, "account_disabled")
		return
	}
	token := newToken()
	err = s.q.CreateSession(ctx, store.CreateSessionParams{TokenHash: hashToken(token), UserID: u.ID,
		Ip: c.ClientIP(), UserAgent: truncate(c.Request.UserAgent(), 300), ExpiresAt: time.Now().Add(s.cfg.SessionTTL)})
	if err != nil {
		s.failInternal(c, err)
		return
	}
	s.setSessionCookie(c, token, int(s.cfg.SessionTTL/time.Second))
	user, err := s.loadUser(c, u.ID)
	if err != nil {
		s.failInternal(c, err)
		return
	}
	c.JSON(http.StatusOK, gin.H{"token": token, "user": user})
}

func (s *Server) setSessionCookie(c *gin.Context, token string, maxAge int) {
	http.SetCookie(c.Writer, &http.Cookie{Name: sessionCookie, Value: token, Path: "/", MaxAge: maxAge,
		HttpOnly: true, Secure: s.cfg.CookieSecure, SameSite: http.SameSiteStrictMode})
}

// logout revokes the session the request came with.
func (s *Server) logout(c *gin.Context) {
	if err := s.q.RevokeSession(c.Request.Context(), hashToken(bearerOrCookie(c))); err != nil {
		s.failInternal(c, err)
		return
	}
	s.setSessionCookie(c, "", -1)
	c.Status(http.StatusNoContent)
}

func (s *Server) me(c *gin.Context) {
	user, err := s.loadUser(c, caller(c).ID)
	if err != nil {
		s.failInternal(c, err)
		return
	}
	c.JSON(http.StatusOK, user)
}

type profileRequest struct {
	FullName string `json:"full_name" validate:"required,max=200"`
	Phone    string `json:"phone" validate:"max=32"`
	Locale   string `json:"locale" validate:"required,oneof=ru en"`
}

func (s *Server) updateProfile(c *gin.Context) {
	var req profileRequest
	if !bindJSON(c, &req) {
		return
	}
	cl := caller(c)
	before, err := s.loadUser(c, cl.ID)
	if err != nil {
		s.failInternal(c, err)
		return
	}
	err = s.q.UpdateProfile(c.Request.Context(), store.UpdateProfileParams{ID: cl.ID,
		FullName: strings.TrimSpace(req.FullName), Phone: strings.TrimSpace(req.Phone), Locale: req.Locale})
	if err != nil {
		s.failInternal(c, err)
		return
	}
	after, err := s.loadUser(c, cl.ID)
	if err != nil {
		s.failInternal(c, err)
		return
	}
	s.writeAudit(c, &cl.ID, cl.Email, "user.profile", "user", id(cl.ID), before, after)
	c.JSON(http.StatusOK, after)
}

type passwordRequest struct {
	CurrentPassword string `json:"current_password" validate:"required,maxbytes=72"`
	NewPassword     string `json:"new_password" validate:"required,min=8,maxbytes=72"`
}

// changePassword checks the current password under the limits sign-in has (whoever holds a
// session must not guess their way to the account), stores the new one and ends the user's
// other sessions: whoever knew the old password is signed out.
func (s *Server) changePassword(c *gin.Context) {
	var req passwordRequest
	if !bindJSON(c, &req) {
		return
	}
	cl := caller(c)
	ctx := c.Request.Context()
	u, err := s.q.GetUserByEmail(ctx, cl.Email)
	if err != nil {
		s.failInternal(c, err)
		return
	}
	verdict, err := s.checkPassword(c, &u, req.CurrentPassword)
	if err != nil {
		s.failInternal(c, err)
		return
	}
	switch verdict {
	case passwordThrottled:
		fail(c, http.StatusTooManyRequests, "too_many_requests")
		return
	case passwordWrong:
		failFields(c, map[string]string{"current_password": message(lang(c), "wrong_password")})
		return
	}
	hash, err := s.hashPassword(req.NewPassword)
	if err != nil {
		s.failInternal(c, err)
		return
	}
	changed, err := s.q.ChangeOwnPassword(ctx, store.ChangeOwnPasswordParams{ID: cl.ID, PasswordHash: hash})
	if err != nil {
		s.failInternal(c, err)
		return
	}
	if changed == 0 { // locked by guesses that failed while this one was checked
		failFields(c, map[string]string{"current_password": message(lang(c), "wrong_password")})
		return
	}
	if _, err = s.q.RevokeOtherSessions(ctx, store.RevokeOtherSessionsParams{UserID: cl.ID, ID: cl.SessionID}); err != nil {
		s.failInternal(c, err)
		return
	}
	s.writeAudit(c, &cl.ID, cl.Email, "user.password", "user", id(cl.ID), nil, nil)
	c.Status(http.StatusNoContent)
}

func (s *Server) hashPassword(pw string) (string, error) {
	h, err := bcrypt.GenerateFromPassword([]byte(pw), s.cfg.BcryptCost)
	return string(h), err
}

func (s *Server) formatTime(t time.Time) string {
	return t.In(s.cfg.CompanyTZ).Format("02.01.2006 15:04")
}

func truncate(s string, n int) string {
	if len(s) > n {
		return s[:n]
	}
	return s
}
