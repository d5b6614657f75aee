package api_test

// The attacks of the hardening review (issue 10), each against the real stack — PostgreSQL,
// the Temporal dev server, the worker and the API over HTTP — and each now refused. The
// role × route matrix is walked in openapi_test.go, the decoding fuzzed in fuzz_test.go, the
// configuration ranges in config/, the template bounds in documents/, a replayed Stripe
// signature in payments/ and pay_test.go.

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/prometheus/client_golang/prometheus"

	"karso.ru/prm/api"
	"karso.ru/prm/db/seed"
	"karso.ru/prm/web"
)

// raw sends a request with exactly the body and headers given, as a browser or an attacker
// would; the session's cookie goes with it.
func (s *session) raw(method, path, contentType, body string, header ...string) response {
	s.t.Helper()
	req, err := http.NewRequest(method, baseURL+path, strings.NewReader(body))
	if err != nil {
		s.t.Fatal(err)
	}
	if contentType != "" {
		req.Header.Set("Content-Type", contentType)
	}
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	resp, err := s.client.Do(req)
	if err != nil {
		s.t.Fatalf("%s %s: %v", method, path, err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return response{Status: resp.StatusCode, Body: b, Header: resp.Header}
}

func expectProblem(t *testing.T, r response, status int, code string) {
	t.Helper()
	expectStatus(t, r, status)
	if p := r.problem(t); p.Code != code || p.Message == "" {
		t.Fatalf("problem %+v, want %s", p, code)
	}
}

// --- cross-site requests -------------------------------------------------------------------

// TestCrossSiteRequestsAreRefused is the attack of a page on another origin — another port of
// the same host, like the Temporal UI's — that makes the signed-in dealer's or admin's browser
// post with their cookie.
func TestCrossSiteRequestsAreRefused(t *testing.T) {
	dealer := login(t, "dealer@karso.test")
	draft := dealer.sale("POST", "/api/v1/sales", map[string]any{"salon_id": salonsOf(t, dealer)[0].ID}, http.StatusCreated)
	base := "/api/v1/sales/" + draft.ID
	foreign := "http://127.0.0.1:8233" // same site, other origin

	// a form can post its body with no Content-Type or as text/plain; a JSON route refuses both
	for _, ct := range []string{"", "text/plain", "application/x-www-form-urlencoded"} {
		expectProblem(t, dealer.raw("POST", base+"/cancel", ct, `{"reason":"csrf"}`), http.StatusUnsupportedMediaType, "unsupported_media")
	}
	// a bodyless action from another origin, by a browser that sends Sec-Fetch-Site …
	expectProblem(t, dealer.raw("POST", base+"/submit", "", "", "Sec-Fetch-Site", "same-site", "Origin", foreign),
		http.StatusForbidden, "cross_origin")
	// … and by an older one that sends only Origin
	expectProblem(t, dealer.raw("POST", base+"/cancel", "application/json", `{"reason":"csrf"}`, "Origin", foreign),
		http.StatusForbidden, "cross_origin")
	// an admin made to create an admin from a foreign site
	admin := login(t, "admin@karso.test")
	evil := `{"email": "csrf-admin@karso.test", "password": "attacker-pass", "role": "admin", "full_name": "Злоумышленник"}`
	expectProblem(t, admin.raw("POST", "/api/v1/users", "application/json", evil, "Sec-Fetch-Site", "cross-site",
		"Origin", "https://evil.example"), http.StatusForbidden, "cross_origin")
	var found listOf[userJSON]
	admin.do("GET", "/api/v1/users?q=csrf-admin", nil).json(t, &found)
	if found.Total != 0 {
		t.Fatalf("the cross-site request created %+v", found.Items)
	}
	if st := dealer.sale("GET", base, nil, http.StatusOK).Status; st != "draft" {
		t.Fatalf("the refused requests changed the sale: %s", st)
	}

	// the cabinet's own requests go through
	cancelled := dealer.raw("POST", base+"/cancel", "application/json", `{"reason": "Клиент передумал"}`,
		"Sec-Fetch-Site", "same-origin", "Origin", baseURL)
	expectStatus(t, cancelled, http.StatusOK)
	// a bearer token is not a browser's ambient credential: a client sending one is not checked
	b := login(t, "finance@karso.test").bearer()
	expectStatus(t, b.raw("POST", "/api/v1/auth/logout", "", "", "Sec-Fetch-Site", "cross-site", "Origin", "https://evil.example"),
		http.StatusNoContent)

	// the session cookie is never sent by a cross-site request at all
	r := anonymous(t).do("POST", "/api/v1/auth/login", map[string]string{"email": "dealer@karso.test", "password": seed.DemoPassword})
	expectStatus(t, r, http.StatusOK)
	if c := r.Header.Get("Set-Cookie"); !strings.Contains(c, "SameSite=Strict") || !strings.Contains(c, "HttpOnly") {
		t.Errorf("session cookie %q", c)
	}
}

// TestThePaymentPageTakesAFormFromAnywhere: the payer's page is token-authenticated, not
// cookie-authenticated, so the cross-origin rule does not apply to it — a bank's page or a
// mail client may post it.
func TestThePaymentPageTakesAFormFromAnywhere(t *testing.T) {
	sale := saleAwaitingPayment(t, login(t, "dealer@karso.test"))
	path := strings.TrimPrefix(sale.Payment.URL, baseURL)
	r := anonymous(t).raw("POST", path, "application/x-www-form-urlencoded", "card_number=4242+4242+4242+4242",
		"Sec-Fetch-Site", "cross-site", "Origin", "null")
	expectStatus(t, r, http.StatusOK)
	if !strings.Contains(string(r.Body), "Оплата прошла успешно") {
		t.Errorf("the form's answer: %s", r.Body)
	}
}

// --- sign-in and password limits -------------------------------------------------------------

var securitySerial atomic.Int64

// newAccount creates a finance account with a password of the test's own.
func newAccount(t *testing.T, password string) string {
	t.Helper()
	email := fmt.Sprintf("sec-%d-%d@karso.test", securitySerial.Add(1), time.Now().UnixNano()%1_000_000)
	r := login(t, "admin@karso.test").do("POST", "/api/v1/users", map[string]any{"email": email, "password": password,
		"role": "finance", "full_name": "Проверка Лимитов"})
	expectStatus(t, r, http.StatusCreated)
	return email
}

// clientIP is an address of the test's own: the API trusts X-Forwarded-For from loopback, so
// each test's guesses spend their own IP's tokens and not the other tests'.
func clientIP() string {
	n := securitySerial.Add(1)
	return fmt.Sprintf("198.51.%d.%d", n/250%250, n%250+1)
}

func loginFrom(t *testing.T, ip, email, password string) response {
	t.Helper()
	return anonymous(t).raw("POST", "/api/v1/auth/login", "application/json",
		fmt.Sprintf(`{"email": %q, "password": %q}`, email, password), "X-Forwarded-For", ip)
}

// concurrently sends n requests at once and counts their statuses.
func concurrently(n int, send func(i int) int) map[int]int {
	var mu sync.Mutex
	var start, done sync.WaitGroup
	counts := map[int]int{}
	start.Add(1)
	for i := range n {
		done.Add(1)
		go func() {
			defer done.Done()
			start.Wait()
			st := send(i)
			mu.Lock()
			counts[st]++
			mu.Unlock()
		}()
	}
	start.Done()
	done.Wait()
	return counts
}

// TestGuessesSentAtOnceMeetTheLimits is the race that let 20 concurrent guesses through an
// IP with 10 failures allowed, and then accepted the right password on the "locked" account.
func TestGuessesSentAtOnceMeetTheLimits(t *testing.T) {
	email := newAccount(t, "right-password-1")
	ip := clientIP()
	counts := concurrently(20, func(i int) int { return loginFrom(t, ip, email, fmt.Sprintf("guess-%d", i)).Status })
	// LOGIN_FAILURE_BURST is 10: the other ten are refused before bcrypt (one token may refill
	// while the test runs)
	if counts[http.StatusTooManyRequests] < 9 || counts[http.StatusTooManyRequests]+counts[http.StatusUnauthorized] != 20 {
		t.Errorf("20 guesses at once from one IP answered %v, want ≥ 9 × 429 and the rest 401", counts)
	}
	// five of them failed: the account is locked, and the right password, from anywhere, is
	// refused with the answer of a wrong one
	wrong := loginFrom(t, clientIP(), email, "one-more-guess")
	right := loginFrom(t, clientIP(), email, "right-password-1")
	expectProblem(t, right, http.StatusUnauthorized, "invalid_credentials")
	if right.problem(t).Message != wrong.problem(t).Message {
		t.Errorf("a locked account answers %s, a wrong password %s", right.Body, wrong.Body)
	}

	// guesses from as many IPs as there are guesses: the account's slots are taken atomically,
	// so at most five are checked before the lock holds
	email = newAccount(t, "right-password-2")
	counts = concurrently(20, func(i int) int { return loginFrom(t, clientIP(), email, fmt.Sprintf("guess-%d", i)).Status })
	if counts[http.StatusUnauthorized] != 20 {
		t.Errorf("20 guesses from 20 IPs answered %v, want 20 × 401", counts)
	}
	var lockedUntil *time.Time
	if err := pool.QueryRow(context.Background(), `SELECT locked_until FROM users WHERE email = $1`, email).Scan(&lockedUntil); err != nil {
		t.Fatal(err)
	}
	if lockedUntil == nil || time.Until(*lockedUntil) < 14*time.Minute {
		t.Errorf("after 20 failed guesses the account is locked until %v", lockedUntil)
	}
	expectProblem(t, loginFrom(t, clientIP(), email, "right-password-2"), http.StatusUnauthorized, "invalid_credentials")
}

// TestChangingThePasswordMeetsTheSignInLimits: a stolen session must not guess its way to the
// account through POST /me/password, which had no limit.
func TestChangingThePasswordMeetsTheSignInLimits(t *testing.T) {
	email := newAccount(t, "current-pass-1")
	s := anonymous(t)
	expectStatus(t, s.do("POST", "/api/v1/auth/login", map[string]string{"email": email, "password": "current-pass-1"}), http.StatusOK)
	ip := clientIP()
	change := func(current string) response {
		return s.raw("POST", "/api/v1/me/password", "application/json",
			fmt.Sprintf(`{"current_password": %q, "new_password": "taken-over-1"}`, current), "X-Forwarded-For", ip)
	}
	for i := range 5 {
		r := change(fmt.Sprintf("guess-%d", i))
		expectStatus(t, r, http.StatusUnprocessableEntity)
		if r.problem(t).Fields["current_password"] == "" {
			t.Fatalf("guess %d: %s", i, r.Body)
		}
	}
	// five wrong guesses locked the account: the right current password no longer changes it …
	expectStatus(t, change("current-pass-1"), http.StatusUnprocessableEntity)
	// … nor signs in
	expectProblem(t, loginFrom(t, clientIP(), email, "current-pass-1"), http.StatusUnauthorized, "invalid_credentials")
	expectProblem(t, loginFrom(t, clientIP(), email, "taken-over-1"), http.StatusUnauthorized, "invalid_credentials")

	// and the IP's tokens run out across accounts, as for sign-in
	other := newAccount(t, "current-pass-2")
	s2 := anonymous(t)
	expectStatus(t, s2.do("POST", "/api/v1/auth/login", map[string]string{"email": other, "password": "current-pass-2"}), http.StatusOK)
	statuses := []int{}
	for i := range 6 {
		statuses = append(statuses, s2.raw("POST", "/api/v1/me/password", "application/json",
			fmt.Sprintf(`{"current_password": "guess-%d", "new_password": "taken-over-2"}`, i), "X-Forwarded-For", ip).Status)
	}
	if !slices.Contains(statuses, http.StatusTooManyRequests) {
		t.Errorf("an IP that spent its ten checks answered %v, want a 429", statuses)
	}
}

// TestPasswordsOver72BytesAreRefused: bcrypt reads 72 bytes; longer passwords answered 500.
func TestPasswordsOver72BytesAreRefused(t *testing.T) {
	admin := login(t, "admin@karso.test")
	long := strings.Repeat("пароль", 7) // 42 characters, 84 bytes
	r := admin.do("POST", "/api/v1/users", map[string]any{"email": "long-pass@karso.test", "password": long,
		"role": "finance", "full_name": "Длинный Пароль"})
	expectStatus(t, r, http.StatusUnprocessableEntity)
	if msg := r.problem(t).Fields["password"]; !strings.Contains(msg, "72") {
		t.Errorf("the field says %q", msg)
	}
	expectStatus(t, admin.do("POST", "/api/v1/users", map[string]any{"email": "long-pass@karso.test",
		"password": strings.Repeat("p", 72), "role": "finance", "full_name": "Длинный Пароль"}), http.StatusCreated)
	expectStatus(t, anonymous(t).do("POST", "/api/v1/auth/login", map[string]string{"email": "long-pass@karso.test",
		"password": strings.Repeat("p", 72)}), http.StatusOK)
	expectStatus(t, anonymous(t).do("POST", "/api/v1/auth/login", map[string]string{"email": "long-pass@karso.test",
		"password": long}), http.StatusUnprocessableEntity)
	s := anonymous(t)
	expectStatus(t, s.do("POST", "/api/v1/auth/login", map[string]string{"email": "long-pass@karso.test",
		"password": strings.Repeat("p", 72)}), http.StatusOK)
	r = s.do("POST", "/api/v1/me/password", map[string]string{"current_password": strings.Repeat("p", 72), "new_password": long})
	expectStatus(t, r, http.StatusUnprocessableEntity)
	if r.problem(t).Fields["new_password"] == "" {
		t.Errorf("new_password not named: %s", r.Body)
	}
}

// --- server limits -------------------------------------------------------------------------

// TestSlowClientsAreCutOff: with only a header timeout, a client that sent its headers and
// then dribbled its body held a connection and a goroutine for as long as it liked.
func TestSlowClientsAreCutOff(t *testing.T) {
	cfg := testCfg
	cfg.HTTPReadTimeout = 500 * time.Millisecond
	reg := prometheus.NewRegistry()
	srv := api.NewHTTPServer(cfg, "127.0.0.1:0", api.New(api.Deps{Config: cfg, Log: slog.New(slog.NewTextHandler(io.Discard, nil)),
		Pool: pool, Temporal: temporal, Registry: reg, Gatherer: reg, Web: web.Assets()}).Handler())
	if srv.WriteTimeout == 0 || srv.IdleTimeout == 0 || srv.ReadHeaderTimeout == 0 || srv.MaxHeaderBytes == 0 {
		t.Fatalf("server limits %+v", srv)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	go func() { _ = srv.Serve(ln) }()
	defer srv.Close()

	conn, err := net.Dial("tcp", ln.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	fmt.Fprintf(conn, "POST /api/v1/auth/login HTTP/1.1\r\nHost: %s\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n\r\n{\"email\":", ln.Addr())
	_ = conn.SetReadDeadline(time.Now().Add(10 * time.Second))
	start := time.Now()
	_, err = io.ReadAll(conn) // the server answers or closes; it does not wait for the rest
	var netErr net.Error
	if errors.As(err, &netErr) && netErr.Timeout() {
		t.Fatalf("the server still holds the connection of a client that stopped sending after %s", time.Since(start))
	}
}

// --- partner status ------------------------------------------------------------------------

var innSerial atomic.Int64

// newINN is a valid 10-digit INN (checksum included) no other test uses.
func newINN() string {
	body := fmt.Sprintf("5029%05d", innSerial.Add(1)+int64(time.Now().Unix()%50000))
	weights := []int{2, 4, 10, 3, 5, 9, 4, 6, 8}
	sum := 0
	for i, w := range weights {
		sum += int(body[i]-'0') * w
	}
	return body + strconv.Itoa(sum%11%10)
}

// TestOnlyActivePartnersSell: the dealers of an onboarding or suspended partner opened,
// submitted and priced sales.
func TestOnlyActivePartnersSell(t *testing.T) {
	admin := login(t, "admin@karso.test")
	r := admin.do("POST", "/api/v1/partners", map[string]any{"name": "Тверь Авто", "inn": newINN(), "commission_bp": 1000})
	expectStatus(t, r, http.StatusCreated)
	var partner struct {
		ID     int64  `json:"id"`
		Status string `json:"status"`
	}
	r.json(t, &partner)
	expectStatus(t, admin.do("POST", "/api/v1/salons", map[string]any{"partner_id": partner.ID, "name": "Тверь Авто на Волоколамском",
		"city": "Тверь", "active": true}), http.StatusCreated)
	email := fmt.Sprintf("tver-%d@karso.test", securitySerial.Add(1))
	expectStatus(t, admin.do("POST", "/api/v1/users", map[string]any{"email": email, "password": seed.DemoPassword, "role": "dealer",
		"partner_id": partner.ID, "full_name": "Дилер Тверской"}), http.StatusCreated)
	dealer := login(t, email)
	salon := salonsOf(t, dealer)[0]
	quote := map[string]any{"vehicle": map[string]any{"make": "Honda", "year": 2022, "mileage_km": 30000,
		"engine_power_hp": 180, "category": "used"}, "tariff_code": "basic", "term_months": 12}

	// onboarding: no sale, no quote — for the dealer, nor for an admin pricing for the partner
	if partner.Status != "onboarding" {
		t.Fatalf("a new partner is %s", partner.Status)
	}
	r = dealer.do("POST", "/api/v1/sales", map[string]any{"salon_id": salon.ID})
	expectProblem(t, r, http.StatusConflict, "partner_not_active")
	if msg := r.problem(t).Message; !strings.Contains(msg, "Тверь Авто") || !strings.Contains(msg, "на подключении") {
		t.Errorf("the refusal says %q", msg)
	}
	expectProblem(t, dealer.do("POST", "/api/v1/quotes", quote), http.StatusConflict, "partner_not_active")
	quote["partner_id"] = partner.ID
	expectProblem(t, admin.do("POST", "/api/v1/quotes", quote), http.StatusConflict, "partner_not_active")
	delete(quote, "partner_id")

	// active: the dealer sells
	expectStatus(t, admin.do("PATCH", fmt.Sprintf("/api/v1/partners/%d", partner.ID), map[string]any{"status": "active"}), http.StatusOK)
	expectStatus(t, dealer.do("POST", "/api/v1/quotes", quote), http.StatusOK)
	running := draftSale(t, dealer, newVIN(t), "used")
	running = dealer.sale("POST", "/api/v1/sales/"+running.ID+"/submit", nil, http.StatusOK)
	waiting := draftSale(t, dealer, newVIN(t), "used")

	// suspended: no submit, no new sale; what is running carries on
	expectStatus(t, admin.do("PATCH", fmt.Sprintf("/api/v1/partners/%d", partner.ID), map[string]any{"status": "suspended"}), http.StatusOK)
	dealer.lang = "en"
	r = dealer.do("POST", "/api/v1/sales/"+waiting.ID+"/submit", nil)
	expectProblem(t, r, http.StatusConflict, "partner_not_active")
	if msg := r.problem(t).Message; !strings.Contains(msg, "suspended") {
		t.Errorf("the refusal says %q", msg)
	}
	dealer.lang = ""
	expectProblem(t, dealer.do("POST", "/api/v1/sales", map[string]any{"salon_id": salon.ID}), http.StatusConflict, "partner_not_active")
	if st := dealer.sale("GET", "/api/v1/sales/"+waiting.ID, nil, http.StatusOK).Status; st != "draft" {
		t.Errorf("the refused submit moved the draft to %s", st)
	}
	if st := dealer.sale("GET", "/api/v1/sales/"+running.ID, nil, http.StatusOK).Status; st != "awaiting_payment" {
		t.Errorf("the submitted sale is %s", st)
	}
	cancelled := dealer.sale("POST", "/api/v1/sales/"+running.ID+"/cancel", map[string]string{"reason": "Партнёр приостановлен"}, http.StatusOK)
	if cancelled.Status != "cancelled" {
		t.Errorf("the running sale could not be cancelled: %s", cancelled.Status)
	}
}

// --- smaller leaks -------------------------------------------------------------------------

// TestQuotesDoNotTellDealersOfOtherPartnersContracts: POST /quotes told any dealer whether a
// VIN has a live contract at another partner.
func TestQuotesDoNotTellDealersOfOtherPartnersContracts(t *testing.T) {
	insured := submittedSale(t, login(t, "dealer@karso.test")) // Автомир's, awaiting payment
	vin := insured.Vehicle.VIN
	quote := map[string]any{"vehicle": vehicleBody(vin, "used"), "tariff_code": "basic", "term_months": 12}
	flags := func(s *session) []string {
		t.Helper()
		r := s.do("POST", "/api/v1/quotes", quote)
		expectStatus(t, r, http.StatusOK)
		var q struct {
			Flags []struct{ Code string } `json:"flags"`
		}
		r.json(t, &q)
		var codes []string
		for _, f := range q.Flags {
			codes = append(codes, f.Code)
		}
		return codes
	}
	rival := login(t, "dealer2@karso.test")
	if codes := flags(rival); slices.Contains(codes, "vin_under_contract") {
		t.Errorf("a rival dealer's quote shows %v", codes)
	}
	if codes := flags(login(t, "manager@karso.test")); !slices.Contains(codes, "vin_under_contract") {
		t.Errorf("a manager's quote shows %v, want the live contract", codes)
	}
	// the flag still reaches the manager's review when the rival submits
	draft := draftSale(t, rival, vin, "used")
	submitted := rival.sale("POST", "/api/v1/sales/"+draft.ID+"/submit", nil, http.StatusOK)
	if submitted.Status != "pending_approval" {
		t.Errorf("a sale of an insured VIN is %s, want pending_approval", submitted.Status)
	}
}

// TestMetricsAndReadinessTellOutsidersNothing: /metrics was public and /readyz answered
// PostgreSQL's and Temporal's error texts (addresses, drivers) to anyone.
func TestMetricsAndReadinessTellOutsidersNothing(t *testing.T) {
	if r := anonymous(t).do("GET", "/metrics", nil); strings.Contains(string(r.Body), "karso_") {
		t.Errorf("the public address serves metrics")
	}
	dead, err := pgxpool.New(context.Background(), "postgres://karso@127.0.0.1:1/karso?connect_timeout=1")
	if err != nil {
		t.Fatal(err)
	}
	defer dead.Close()
	reg := prometheus.NewRegistry()
	hs := httptest.NewServer(api.New(api.Deps{Config: testCfg, Log: slog.New(slog.NewTextHandler(io.Discard, nil)),
		Pool: dead, Registry: reg, Gatherer: reg, Web: web.Assets()}).Handler())
	defer hs.Close()
	resp, err := http.Get(hs.URL + "/readyz")
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != http.StatusServiceUnavailable || !strings.Contains(string(body), `"postgres":"unavailable"`) {
		t.Fatalf("readyz with PostgreSQL down: %d %s", resp.StatusCode, body)
	}
	for _, secret := range []string{"127.0.0.1", "dial", "refused", "karso@", "SQLSTATE"} {
		if strings.Contains(string(body), secret) {
			t.Errorf("readyz tells %q: %s", secret, body)
		}
	}
}

// TestACreatedUserCanBeInactive: POST /users ignored "active": false.
func TestACreatedUserCanBeInactive(t *testing.T) {
	admin := login(t, "admin@karso.test")
	r := admin.do("POST", "/api/v1/users", map[string]any{"email": "inactive-start@karso.test", "password": "inactive-pass",
		"role": "finance", "full_name": "Пока Неактивный", "active": false})
	expectStatus(t, r, http.StatusCreated)
	var u struct {
		ID     int64 `json:"id"`
		Active bool  `json:"active"`
	}
	r.json(t, &u)
	if u.Active {
		t.Fatalf("created active: %s", r.Body)
	}
	expectProblem(t, anonymous(t).do("POST", "/api/v1/auth/login", map[string]string{"email": "inactive-start@karso.test",
		"password": "inactive-pass"}), http.StatusForbidden, "account_disabled")
}

// TestDatesOutsidePlausibleRangesAreRefused: a transfer paid in 1900 and a tariff version
// valid from year 0 were accepted.
func TestDatesOutsidePlausibleRangesAreRefused(t *testing.T) {
	sale := submittedSale(t, login(t, "dealer2@karso.test")) // Северный Авто pays by invoice
	var paymentID string
	eventually(t, "the sale's invoice is opened", func() bool {
		err := pool.QueryRow(context.Background(), `SELECT id::text FROM payments WHERE sale_id = $1 AND purpose = 'sale'`, sale.ID).Scan(&paymentID)
		return err == nil
	})
	finance := login(t, "finance@karso.test")
	for _, day := range []string{"1900-01-01", companyDay(-1).Format(time.DateOnly)} {
		r := finance.do("POST", "/api/v1/payments/"+paymentID+"/mark-paid", map[string]string{"paid_at": day, "reference": "п/п 1"})
		expectStatus(t, r, http.StatusUnprocessableEntity)
		if msg := r.problem(t).Fields["paid_at"]; !strings.Contains(msg, "раньше выставления счёта") {
			t.Errorf("paid_at %s: %q", day, msg)
		}
	}

	admin := login(t, "admin@karso.test")
	for _, from := range []string{"0000-01-01T00:00:00Z", "9999-12-31T00:00:00Z"} {
		_, body := newTariffBody(t)
		body["valid_from"] = from
		r := admin.do("POST", "/api/v1/tariffs", body)
		expectStatus(t, r, http.StatusUnprocessableEntity)
		if f := r.problem(t).Fields; len(f) != 1 || f["valid_from"] == "" {
			t.Errorf("valid_from %s: %v", from, f)
		}
	}
	_, body := newTariffBody(t)
	body["valid_from"] = time.Now().AddDate(0, 1, 0).UTC().Format(time.RFC3339)
	expectStatus(t, admin.do("POST", "/api/v1/tariffs", body), http.StatusCreated)
}

// TestARunawayTemplateStopsQuickly: an admin's document template ran with no time or output
// limit, in the API's preview and in the worker.
func TestARunawayTemplateStopsQuickly(t *testing.T) {
	admin := login(t, "admin@karso.test")
	start := time.Now()
	r := admin.do("POST", "/api/v1/templates/contract/preview.pdf", map[string]string{"title": "Договор",
		"body": `{{range 1000000}}{{range 1000000}}{{end}}{{end}}`})
	expectStatus(t, r, http.StatusUnprocessableEntity)
	if msg := r.problem(t).Fields["body"]; !strings.Contains(msg, "слишком долго") {
		t.Errorf("the field says %q", msg)
	}
	if took := time.Since(start); took > 15*time.Second {
		t.Errorf("the preview took %s", took)
	}
	r = admin.do("POST", "/api/v1/templates/contract/versions", map[string]string{"title": "Договор",
		"body": `{{range 100000000}}длинная строка договора{{end}}`})
	expectStatus(t, r, http.StatusUnprocessableEntity)
	if msg := r.problem(t).Fields["body"]; !strings.Contains(msg, "МиБ") {
		t.Errorf("the field says %q", msg)
	}
}

// TestTheCabinetsCarryTheHeadersTheirCSPCanKeep: the cabinets had no CSP and could be framed.
// The CSP forbids inline scripts, so the built app must have none (the browser suite fails on
// any CSP violation at run time, scripts/e2e.sh).
func TestTheCabinetsCarryTheHeadersTheirCSPCanKeep(t *testing.T) {
	for _, path := range []string{"/", "/sales/some-deep-link"} {
		r := anonymous(t).do("GET", path, nil)
		csp := r.Header.Get("Content-Security-Policy")
		if !strings.Contains(csp, "script-src 'self';") || !strings.Contains(csp, "frame-ancestors 'none'") ||
			r.Header.Get("X-Frame-Options") != "DENY" || r.Header.Get("X-Content-Type-Options") != "nosniff" {
			t.Errorf("GET %s: %v", path, r.Header)
		}
	}
	index, err := fs.ReadFile(web.Assets(), "index.html")
	if err != nil {
		t.Logf("the cabinets are not built here (make test builds them first): %v", err)
		return
	}
	for _, m := range regexp.MustCompile(`(?is)<script\b([^>]*)>(.*?)</script>`).FindAllStringSubmatch(string(index), -1) {
		if !strings.Contains(m[1], "src=") || strings.TrimSpace(m[2]) != "" {
			t.Errorf("index.html has an inline script the CSP would block: %.120s", m[0])
		}
	}
	if regexp.MustCompile(`(?i)\son[a-z]+=`).Match(index) {
		t.Errorf("index.html has an inline event handler the CSP would block")
	}
}
