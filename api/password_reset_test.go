package api_test

import (
	"context"
	"crypto/sha256"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"regexp"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/prometheus/client_golang/prometheus"

	"karso.ru/prm/api"
	"karso.ru/prm/web"
)

// clientIPs hands every test client an address of its own (TEST-NET-3), sent as
// X-Forwarded-For, which the API trusts from a proxy on this host: the reset throttles count
// per client IP, and one test's requests must not spend another's.
var clientIPs atomic.Int32

func nextIP() string { return fmt.Sprintf("203.0.113.%d", clientIPs.Add(1)%250+1) }

type forwardedFor struct{ ip string }

func (f forwardedFor) RoundTrip(r *http.Request) (*http.Response, error) {
	r = r.Clone(r.Context())
	r.Header.Set("X-Forwarded-For", f.ip)
	return http.DefaultTransport.RoundTrip(r)
}

// visitor is a signed-out client coming from an address of its own.
func visitor(t *testing.T) *session {
	jar, _ := cookiejar.New(nil)
	return &session{t: t, client: &http.Client{Jar: jar, Timeout: 30 * time.Second, Transport: forwardedFor{ip: nextIP()}}}
}

// accountWithPassword makes a finance user with a password of its own, so a reset changes
// nobody else's.
func accountWithPassword(t *testing.T, email, password string) int64 {
	t.Helper()
	r := login(t, "admin@karso.test").do("POST", "/api/v1/users", map[string]any{"email": email, "password": password,
		"role": "finance", "full_name": "Забывчивый Пользователь"})
	expectStatus(t, r, http.StatusCreated)
	var u userJSON
	r.json(t, &u)
	return u.ID
}

func signIn(t *testing.T, email, password string) (*session, response) {
	t.Helper()
	s := visitor(t)
	r := s.do("POST", "/api/v1/auth/login", map[string]string{"email": email, "password": password})
	if r.Status == http.StatusOK {
		var out struct{ Token string }
		r.json(t, &out)
		s.token = out.Token
	}
	return s, r
}

var resetLink = regexp.MustCompile(`(https?://\S+)/reset-password\?token=([A-Za-z0-9_-]+)`)

// mailedResetToken reads the newest reset link mailed to the address, as its owner would.
// TODO(issue 11): read it from the SMTP server (Mailpit) once delivery is merged.
func mailedResetToken(t *testing.T, email string) (token string, mails int) {
	t.Helper()
	var body string
	err := pool.QueryRow(context.Background(), `SELECT body, count(*) OVER () FROM mail_outbox
		WHERE to_address = $1 AND kind = 'password_reset' ORDER BY id DESC LIMIT 1`, email).Scan(&body, &mails)
	if errors.Is(err, pgx.ErrNoRows) {
		return "", 0
	}
	if err != nil {
		t.Fatal(err)
	}
	m := resetLink.FindStringSubmatch(body)
	if m == nil {
		t.Fatalf("no reset link in the mail: %s", body)
	}
	if m[1] != testCfg.PublicURL {
		t.Errorf("the link points at %s, not PUBLIC_URL %s", m[1], testCfg.PublicURL)
	}
	return m[2], mails
}

func askReset(t *testing.T, email string) response {
	t.Helper()
	return visitor(t).do("POST", "/api/v1/auth/password-reset", map[string]string{"email": email})
}

func confirmReset(t *testing.T, token, password string) response {
	t.Helper()
	return visitor(t).do("POST", "/api/v1/auth/password-reset/confirm", map[string]string{"token": token,
		"new_password": password})
}

func TestForgottenPasswordIsResetFromTheMailedLink(t *testing.T) {
	const email = "forgetful@karso.test"
	uid := accountWithPassword(t, email, "old-password-1")
	cookie, r := signIn(t, email, "old-password-1")
	expectStatus(t, r, http.StatusOK)
	bearer := cookie.bearer()

	r = askReset(t, "  Forgetful@Karso.TEST ")
	expectStatus(t, r, http.StatusAccepted)
	token, mails := mailedResetToken(t, email)
	if mails != 1 || len(token) < 43 {
		t.Fatalf("%d reset mails, token %q", mails, token)
	}
	// only the token's SHA-256 is stored, and the link works for an hour
	sum := sha256.Sum256([]byte(token))
	var lifetime time.Duration
	if err := pool.QueryRow(context.Background(), `SELECT expires_at - created_at FROM password_reset_tokens
		WHERE token_hash = $1 AND user_id = $2 AND used_at IS NULL`, sum[:], uid).Scan(&lifetime); err != nil {
		t.Fatalf("no live token stored under its hash: %v", err)
	}
	if lifetime != time.Hour {
		t.Errorf("the link lives %s, want 1h", lifetime)
	}
	if n := countRows(t, `SELECT count(*) FROM password_reset_tokens WHERE position($1::bytea IN token_hash) > 0`,
		[]byte(token)); n != 0 {
		t.Error("the token itself is stored")
	}

	// the new password follows the rules of every password; a refused one spends nothing
	r = confirmReset(t, token, "short")
	expectStatus(t, r, http.StatusUnprocessableEntity)
	if r.problem(t).Fields["new_password"] == "" {
		t.Errorf("no new_password error: %s", r.Body)
	}
	expectStatus(t, confirmReset(t, token, "new-password-2"), http.StatusNoContent)

	// every session of the user is ended, the old password no longer opens the account
	expectStatus(t, cookie.do("GET", "/api/v1/me", nil), http.StatusUnauthorized)
	expectStatus(t, bearer.do("GET", "/api/v1/me", nil), http.StatusUnauthorized)
	_, r = signIn(t, email, "old-password-1")
	expectStatus(t, r, http.StatusUnauthorized)
	fresh, r := signIn(t, email, "new-password-2")
	expectStatus(t, r, http.StatusOK)
	// the reset link is a mail, not a notice: it is not in the bell
	if l := notificationsOf(t, fresh, ""); l.Total != 0 {
		t.Errorf("the bell holds %+v", l.Items)
	}

	// the link works once
	r = confirmReset(t, token, "third-password-3")
	expectStatus(t, r, http.StatusBadRequest)
	if p := r.problem(t); p.Code != "reset_link_invalid" || p.Message == "" {
		t.Errorf("a spent link answers %+v", p)
	}
	_, r = signIn(t, email, "third-password-3")
	expectStatus(t, r, http.StatusUnauthorized)

	for _, action := range []string{"user.password_reset_requested", "user.password_reset"} {
		if n := countRows(t, `SELECT count(*) FROM audit_log WHERE action = $1 AND entity_id = $2 AND actor_id = $2::bigint`,
			action, fmt.Sprint(uid)); n != 1 {
			t.Errorf("%d audit entries %s", n, action)
		}
	}
}

func TestResetLinkExpiresAfterAnHourAndANewerLinkReplacesIt(t *testing.T) {
	const email = "expiring@karso.test"
	accountWithPassword(t, email, "old-password-1")

	expectStatus(t, askReset(t, email), http.StatusAccepted)
	expired, _ := mailedResetToken(t, email)
	sum := sha256.Sum256([]byte(expired))
	// the hour is over
	if _, err := pool.Exec(context.Background(), `UPDATE password_reset_tokens
		SET created_at = created_at - interval '61 minutes', expires_at = expires_at - interval '61 minutes'
		WHERE token_hash = $1`, sum[:]); err != nil {
		t.Fatal(err)
	}
	expectStatus(t, confirmReset(t, expired, "new-password-2"), http.StatusBadRequest)

	// of two links asked for, only the newer one works
	expectStatus(t, askReset(t, email), http.StatusAccepted)
	older, _ := mailedResetToken(t, email)
	expectStatus(t, askReset(t, email), http.StatusAccepted)
	newer, mails := mailedResetToken(t, email)
	if mails != 3 || older == newer {
		t.Fatalf("%d mails; tokens %q and %q", mails, older, newer)
	}
	expectStatus(t, confirmReset(t, older, "new-password-2"), http.StatusBadRequest)
	_, r := signIn(t, email, "old-password-1")
	expectStatus(t, r, http.StatusOK)
	expectStatus(t, confirmReset(t, newer, "new-password-2"), http.StatusNoContent)

	// a made-up token is refused the same way
	r = confirmReset(t, "bm90LWEtcmVhbC10b2tlbi1hdC1hbGwtbm90LWEtcmVhbC10b2tlbg", "new-password-3")
	expectStatus(t, r, http.StatusBadRequest)
}

func TestResetAnswersAlikeWhetherOrNotTheAddressIsKnown(t *testing.T) {
	accountWithPassword(t, "known.address@karso.test", "old-password-1")
	retired := accountWithPassword(t, "retired.address@karso.test", "old-password-1")
	expectStatus(t, login(t, "admin@karso.test").do("PATCH", fmt.Sprintf("/api/v1/users/%d", retired),
		map[string]any{"active": false}), http.StatusOK)

	for _, lang := range []string{"ru", "en"} {
		var answers []response
		for _, email := range []string{"known.address@karso.test", "nobody.here@karso.test", "retired.address@karso.test"} {
			s := visitor(t)
			s.lang = lang
			answers = append(answers, s.do("POST", "/api/v1/auth/password-reset", map[string]string{"email": email}))
		}
		for i, a := range answers {
			if a.Status != http.StatusAccepted || string(a.Body) != string(answers[0].Body) {
				t.Errorf("%s: answer %d is %d %s, the known address got %d %s", lang, i, a.Status, a.Body,
					answers[0].Status, answers[0].Body)
			}
		}
	}
	if _, n := mailedResetToken(t, "known.address@karso.test"); n != 2 {
		t.Errorf("the known address got %d mails, want 2", n)
	}
	for _, email := range []string{"nobody.here@karso.test", "retired.address@karso.test"} {
		if _, n := mailedResetToken(t, email); n != 0 {
			t.Errorf("%s got %d reset mails", email, n)
		}
	}

	// what is not an e-mail address is a field error, for anyone
	r := askReset(t, "not an address")
	expectStatus(t, r, http.StatusUnprocessableEntity)
	if r.problem(t).Fields["email"] == "" {
		t.Errorf("no email field error: %s", r.Body)
	}
}

func TestResetRequestsAreThrottledPerAddressAndPerIP(t *testing.T) {
	accountWithPassword(t, "throttled@karso.test", "old-password-1")
	cfg := testCfg
	cfg.PasswordResetsPerAddress, cfg.PasswordResetsPerIP = 2, 3
	reg := prometheus.NewRegistry()
	hs := httptest.NewServer(api.New(api.Deps{Config: cfg, Log: slog.New(slog.NewTextHandler(io.Discard, nil)),
		Pool: pool, Temporal: temporal, Registry: reg, Gatherer: reg, Web: web.Assets()}).Handler())
	defer hs.Close()
	ask := func(ip, email string) int {
		req, _ := http.NewRequest("POST", hs.URL+"/api/v1/auth/password-reset",
			strings.NewReader(fmt.Sprintf(`{"email": %q}`, email)))
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("X-Forwarded-For", ip)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		return resp.StatusCode
	}

	// per address, counted alike for an address with an account and one without
	for _, email := range []string{"throttled@karso.test", "no.account@karso.test"} {
		for i := range 2 {
			if st := ask(nextIP(), email); st != http.StatusAccepted {
				t.Fatalf("%s: request %d answered %d", email, i+1, st)
			}
		}
		if st := ask(nextIP(), strings.ToUpper(email)); st != http.StatusTooManyRequests {
			t.Errorf("%s: the third request within the hour answered %d, want 429", email, st)
		}
	}
	if _, n := mailedResetToken(t, "throttled@karso.test"); n != 2 {
		t.Errorf("%d mails reached the throttled address, want 2", n)
	}

	// per IP, whatever the addresses
	ip := nextIP()
	for i := range 3 {
		if st := ask(ip, fmt.Sprintf("someone%d@karso.test", i)); st != http.StatusAccepted {
			t.Fatalf("request %d from one IP answered %d", i+1, st)
		}
	}
	if st := ask(ip, "someone-else@karso.test"); st != http.StatusTooManyRequests {
		t.Errorf("the fourth request from one IP answered %d, want 429", st)
	}
	if st := ask(nextIP(), "someone-else@karso.test"); st != http.StatusAccepted {
		t.Errorf("another IP is refused too: %d", st)
	}
}
