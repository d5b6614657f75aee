package api

import (
	"context"
	"errors"
	"time"

	"github.com/gin-gonic/gin"
	"github.com/jackc/pgx/v5"
	"golang.org/x/crypto/bcrypt"

	"karso.ru/prm/db/store"
)

// passwordVerdict is how a guarded password check ended.
type passwordVerdict int

const (
	// passwordRight: the password matches and the account was not locked.
	passwordRight passwordVerdict = iota
	// passwordWrong: a wrong password, an unknown e-mail or a locked account — told apart to
	// no one, so that neither the answer nor its timing says which.
	passwordWrong
	// passwordThrottled: the client IP has spent its checks; nothing was checked.
	passwordThrottled
)

// checkPassword checks a password under the limits sign-in and a password change share.
// In this order, so that guesses sent at once meet the same limits as guesses sent one by one:
//  1. the client IP spends a token before bcrypt runs (passwordThrottled when it has none);
//  2. the account's failure slot is taken in one UPDATE … RETURNING before bcrypt runs: at
//     most maxLoginFailures checks can be under way or failed in a row, and a locked account
//     gets no slot;
//  3. bcrypt compares, always at the configured cost — against a dummy hash for an unknown
//     e-mail or a locked account, so every answer costs the same;
//  4. a wrong password locks the account once maxLoginFailures are counted; a right one
//     gives the IP its token back.
//
// The caller records a right password with a statement that refuses when a lock was set
// meanwhile (RecordLoginSuccess, ChangeOwnPassword), so a success never clears a lock.
// u is nil for an unknown e-mail.
func (s *Server) checkPassword(c *gin.Context, u *store.User, password string) (passwordVerdict, error) {
	ip := c.ClientIP()
	if !s.loginLimiter.take(ip) {
		return passwordThrottled, nil
	}
	if u == nil {
		s.equalCost(password)
		return passwordWrong, nil
	}
	ctx := c.Request.Context()
	_, err := s.q.TakeLoginSlot(ctx, store.TakeLoginSlotParams{ID: u.ID, MaxFailures: maxLoginFailures})
	if errors.Is(err, pgx.ErrNoRows) { // locked, or as many checks under way as a lock allows
		s.equalCost(password)
		return passwordWrong, nil
	}
	if err != nil {
		return passwordWrong, err
	}
	if bcrypt.CompareHashAndPassword([]byte(u.PasswordHash), []byte(password)) == nil {
		s.loginLimiter.refund(ip)
		return passwordRight, nil
	}
	return passwordWrong, s.lockAfterFailure(c, u)
}

// lockAfterFailure locks the account when this failure is the maxLoginFailures-th in a row,
// and writes the lock to the audit log.
func (s *Server) lockAfterFailure(c *gin.Context, u *store.User) error {
	lockedUntil, err := s.q.LockAfterFailedLogin(c.Request.Context(), store.LockAfterFailedLoginParams{ID: u.ID,
		MaxFailures: maxLoginFailures, LockSeconds: int32(lockPeriod / time.Second)})
	if errors.Is(err, pgx.ErrNoRows) {
		return nil
	}
	if err != nil {
		return err
	}
	s.writeAudit(c, &u.ID, u.Email, "user.locked", "user", id(u.ID), nil, gin.H{"locked_until": lockedUntil})
	return nil
}

// equalCost spends what a real check spends, for answers that must not be faster than one.
func (s *Server) equalCost(password string) {
	_ = bcrypt.CompareHashAndPassword(s.dummyHash, []byte(password))
}

// newDummyHash is a hash at the configured cost: a login for an unknown e-mail costs what one
// for a known e-mail costs (a hash at another cost would be measurably faster or slower).
func newDummyHash(cost int) []byte {
	h, err := bcrypt.GenerateFromPassword([]byte("karso-timing-equaliser"), cost)
	if err != nil { // an out-of-range cost; config.Load refuses one, so only a test gets here
		h, _ = bcrypt.GenerateFromPassword([]byte("karso-timing-equaliser"), bcrypt.DefaultCost)
	}
	return h
}

// userByEmail is the account of an e-mail, or nil when there is none.
func (s *Server) userByEmail(ctx context.Context, email string) (*store.User, error) {
	u, err := s.q.GetUserByEmail(ctx, email)
	if errors.Is(err, pgx.ErrNoRows) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	return &u, nil
}
