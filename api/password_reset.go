package api

import (
	"errors"
	"fmt"
	"net/http"
	"strings"
	"time"

	"github.com/gin-gonic/gin"
	"github.com/jackc/pgx/v5"

	"karso.ru/prm/db/store"
)

// resetLinkTTL is how long a password-reset link works.
const resetLinkTTL = time.Hour

// mountPasswordReset adds the two public steps of a forgotten password: ask for a link by
// e-mail, and set a new password with the token the link carries.
func (s *Server) mountPasswordReset(v1 *gin.RouterGroup) {
	v1.POST("/auth/password-reset", s.requestPasswordReset)
	v1.POST("/auth/password-reset/confirm", s.confirmPasswordReset)
}

type resetRequest struct {
	Email string `json:"email" validate:"required,email,max=254"`
}

// requestPasswordReset mails a single-use link to the address when it belongs to an active
// user. The answer is the same whether or not it does, and so is the work: one statement runs
// either way (RequestPasswordReset), so neither the body nor the time tells who has an
// account. Requests are throttled per client IP and per address; the address throttle counts
// unknown addresses too, so a 429 tells nothing either.
func (s *Server) requestPasswordReset(c *gin.Context) {
	if !s.resetIPLimiter.take(c.ClientIP()) {
		fail(c, http.StatusTooManyRequests, "too_many_reset_requests")
		return
	}
	var req resetRequest
	if !decodeJSON(c, &req) {
		return
	}
	req.Email = strings.ToLower(strings.TrimSpace(req.Email))
	if !validStruct(c, &req) {
		return
	}
	email := req.Email
	if !s.resetAddressLimiter.take(email) {
		fail(c, http.StatusTooManyRequests, "too_many_reset_requests")
		return
	}
	token := newToken()
	link := s.cfg.PublicURL + "/reset-password?token=" + token
	ru, en := resetMailText("ru", link), resetMailText("en", link)
	_, err := s.q.RequestPasswordReset(c.Request.Context(), store.RequestPasswordResetParams{Email: email,
		TokenHash: hashToken(token), Ip: c.ClientIP(), TtlSeconds: int32(resetLinkTTL / time.Second),
		SubjectRu: ru.subject, BodyRu: ru.body, SubjectEn: en.subject, BodyEn: en.body,
		RequestID: c.GetString(ctxRequestID)})
	if err != nil {
		s.failInternal(c, err)
		return
	}
	c.JSON(http.StatusAccepted, gin.H{"message": message(lang(c), "reset_link_sent")})
}

type resetConfirm struct {
	Token       string `json:"token" validate:"required,max=100"`
	NewPassword string `json:"new_password" validate:"required,min=8,max=200"`
}

// confirmPasswordReset spends the token and sets the new password (the rules of every other
// password), then ends every session of the user: whoever was signed in with the old password
// is signed out, and the person signs in afresh. A token that is unknown, used or expired
// answers 400 and counts as a wrong password for the client IP's throttle.
func (s *Server) confirmPasswordReset(c *gin.Context) {
	ip := c.ClientIP()
	if s.loginLimiter.exhausted(ip) {
		fail(c, http.StatusTooManyRequests, "too_many_requests")
		return
	}
	var req resetConfirm
	if !bindJSON(c, &req) {
		return
	}
	ctx := c.Request.Context()
	var user store.SpendPasswordResetRow
	var ended int64
	err := s.inTx(c, func(q *store.Queries) error {
		var err error
		if user, err = q.SpendPasswordReset(ctx, hashToken(strings.TrimSpace(req.Token))); err != nil {
			return err
		}
		hash, err := s.hashPassword(req.NewPassword)
		if err != nil {
			return err
		}
		if err := q.SetPassword(ctx, store.SetPasswordParams{ID: user.ID, PasswordHash: hash}); err != nil {
			return err
		}
		if err := q.SpendUserPasswordResets(ctx, user.ID); err != nil {
			return err
		}
		if ended, err = q.RevokeUserSessions(ctx, user.ID); err != nil {
			return err
		}
		return q.InsertAudit(ctx, store.InsertAuditParams{ActorID: &user.ID, ActorEmail: user.Email,
			Action: "user.password_reset", EntityType: "user", EntityID: id(user.ID),
			After: jsonOrNil(gin.H{"sessions_ended": ended}), RequestID: c.GetString(ctxRequestID), Ip: ip})
	})
	if errors.Is(err, pgx.ErrNoRows) {
		s.loginLimiter.failed(ip)
		fail(c, http.StatusBadRequest, "reset_link_invalid")
		return
	}
	if err != nil {
		s.failInternal(c, err)
		return
	}
	c.Status(http.StatusNoContent)
}

type resetMail struct{ subject, body string }

// resetMailText words the reset mail; the statement picks the recipient's language.
func resetMailText(locale, link string) resetMail {
	hours := int(resetLinkTTL / time.Hour)
	if locale == "en" {
		return resetMail{subject: "Karso PRM: reset your password", body: fmt.Sprintf(
			"Hello!\n\nSomeone (we hope it was you) asked to reset the password of your Karso PRM account.\n"+
				"To choose a new password, open this link within %d hour:\n%s\n\n"+
				"The link works once. If you did not ask for it, ignore this mail: your password stays as it is.\n",
			hours, link)}
	}
	return resetMail{subject: "Karso PRM: восстановление пароля", body: fmt.Sprintf(
		"Здравствуйте!\n\nКто-то (надеемся, вы) запросил восстановление пароля к вашей учётной записи Karso PRM.\n"+
			"Чтобы задать новый пароль, откройте ссылку в течение %d часа:\n%s\n\n"+
			"Ссылка сработает один раз. Если вы не запрашивали восстановление, просто не открывайте её — пароль останется прежним.\n",
		hours, link)}
}
