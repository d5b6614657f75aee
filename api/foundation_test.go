package api_test

import (
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/prometheus/client_golang/prometheus"

	"karso.ru/prm/api"
	"karso.ru/prm/db/seed"
	"karso.ru/prm/web"
)

type listOf[T any] struct {
	Items   []T   `json:"items"`
	Total   int64 `json:"total"`
	Page    int   `json:"page"`
	PerPage int   `json:"per_page"`
}

type salonJSON struct {
	ID          int64  `json:"id"`
	PartnerName string `json:"partner_name"`
	City        string `json:"city"`
	Name        string `json:"name"`
}

type userJSON struct {
	ID        int64  `json:"id"`
	Email     string `json:"email"`
	Role      string `json:"role"`
	PartnerID *int64 `json:"partner_id"`
}

func salonsOf(t *testing.T, s *session) []salonJSON {
	t.Helper()
	r := s.do("GET", "/api/v1/salons?per_page=100", nil)
	expectStatus(t, r, http.StatusOK)
	var l listOf[salonJSON]
	r.json(t, &l)
	return l.Items
}

func salonOfPartner(t *testing.T, partner string) salonJSON {
	t.Helper()
	for _, s := range salonsOf(t, login(t, "admin@karso.test")) {
		if s.PartnerName == partner {
			return s
		}
	}
	t.Fatalf("no salon of %s", partner)
	return salonJSON{}
}

func TestEveryDemoLoginWorks(t *testing.T) {
	for _, l := range seed.DemoLogins {
		s := login(t, l.Email)
		r := s.do("GET", "/api/v1/me", nil)
		expectStatus(t, r, http.StatusOK)
		var u userJSON
		r.json(t, &u)
		if u.Email != l.Email || u.Role != l.Role {
			t.Errorf("%s: me = %+v", l.Email, u)
		}
	}
}

func TestBearerTokenAndLogout(t *testing.T) {
	s := login(t, "finance@karso.test")
	b := s.bearer()
	expectStatus(t, b.do("GET", "/api/v1/me", nil), http.StatusOK)
	expectStatus(t, b.do("POST", "/api/v1/auth/logout", nil), http.StatusNoContent)
	// the session is revoked server-side: neither the token nor the cookie opens it now
	expectStatus(t, b.do("GET", "/api/v1/me", nil), http.StatusUnauthorized)
	expectStatus(t, s.do("GET", "/api/v1/me", nil), http.StatusUnauthorized)
	expectStatus(t, anonymous(t).do("GET", "/api/v1/me", nil), http.StatusUnauthorized)
}

func TestFiveWrongPasswordsLockTheAccount(t *testing.T) {
	admin := login(t, "admin@karso.test")
	email := "lockme@karso.test"
	expectStatus(t, admin.do("POST", "/api/v1/users", map[string]any{"email": email, "password": "right-password",
		"role": "finance", "full_name": "Лок Тестов"}), http.StatusCreated)

	s := anonymous(t)
	for i := 1; i <= 4; i++ {
		r := s.do("POST", "/api/v1/auth/login", map[string]string{"email": email, "password": "wrong"})
		expectStatus(t, r, http.StatusUnauthorized)
	}
	r := s.do("POST", "/api/v1/auth/login", map[string]string{"email": email, "password": "wrong"})
	expectStatus(t, r, http.StatusLocked)
	if p := r.problem(t); p.Code != "account_locked" || !strings.Contains(p.Message, "заблокирована") {
		t.Errorf("lock problem = %+v", p)
	}
	// even the right password is refused while the lock lasts
	r = s.do("POST", "/api/v1/auth/login", map[string]string{"email": email, "password": "right-password"})
	expectStatus(t, r, http.StatusLocked)
}

func TestDealerSeesOnlyTheirNetwork(t *testing.T) {
	dealer := login(t, "dealer@karso.test")
	salons := salonsOf(t, dealer)
	if len(salons) != 2 {
		t.Fatalf("dealer sees %d salons, want the 2 of Автомир: %+v", len(salons), salons)
	}
	for _, s := range salons {
		if s.PartnerName != "Автомир" || s.City != "Москва" {
			t.Errorf("dealer sees a foreign salon %+v", s)
		}
	}
	north := salonOfPartner(t, "Северный Авто")
	r := dealer.do("GET", fmt.Sprintf("/api/v1/salons/%d", north.ID), nil)
	expectStatus(t, r, http.StatusNotFound)
	expectStatus(t, dealer.do("GET", "/api/v1/users", nil), http.StatusForbidden)
	expectStatus(t, dealer.do("GET", "/api/v1/audit", nil), http.StatusForbidden)
	expectStatus(t, dealer.do("POST", "/api/v1/salons", map[string]any{"partner_id": 1, "name": "x", "city": "y"}), http.StatusForbidden)

	var partners listOf[struct{ Name string }]
	r = dealer.do("GET", "/api/v1/partners", nil)
	expectStatus(t, r, http.StatusOK)
	r.json(t, &partners)
	if partners.Total != 1 || partners.Items[0].Name != "Автомир" {
		t.Errorf("dealer partners = %+v", partners)
	}
}

func TestDistributorDealerSeesChildPartnersSalons(t *testing.T) {
	admin := login(t, "admin@karso.test")
	var parts listOf[struct {
		ID       int64  `json:"id"`
		ParentID *int64 `json:"parent_id"`
	}]
	admin.do("GET", "/api/v1/partners?per_page=100", nil).json(t, &parts)
	var distributor int64
	for _, p := range parts.Items {
		if p.ParentID == nil {
			distributor = p.ID
		}
	}
	expectStatus(t, admin.do("POST", "/api/v1/users", map[string]any{"email": "distr@karso.test", "password": seed.DemoPassword,
		"role": "dealer", "partner_id": distributor, "full_name": "Дистрибьютор Сетевой"}), http.StatusCreated)
	if n := len(salonsOf(t, login(t, "distr@karso.test"))); n != 4 {
		t.Errorf("distributor dealer sees %d salons, want all 4 of its network", n)
	}
}

func TestManagerSeesAssignedSalonsOnly(t *testing.T) {
	// manager2 also curates the website's direct channel (the «Karso online» salon)
	for email, want := range map[string]int{"manager@karso.test": 2, "manager2@karso.test": 3} {
		salons := salonsOf(t, login(t, email))
		if len(salons) != want {
			t.Errorf("%s sees %d salons, want %d", email, len(salons), want)
		}
		for _, s := range salons {
			if email == "manager@karso.test" && s.PartnerName != "Автомир" || email == "manager2@karso.test" && s.PartnerName == "Автомир" {
				t.Errorf("%s sees %+v", email, s)
			}
		}
	}
	m := login(t, "manager@karso.test")
	expectStatus(t, m.do("GET", fmt.Sprintf("/api/v1/salons/%d", salonOfPartner(t, "Казань Моторс").ID), nil), http.StatusNotFound)
}

func TestAdminPartnerValidationAndAudit(t *testing.T) {
	admin := login(t, "admin@karso.test")
	r := admin.do("POST", "/api/v1/partners", map[string]any{"name": "Плохой ИНН", "inn": "7707083894"})
	expectStatus(t, r, http.StatusUnprocessableEntity)
	if p := r.problem(t); p.Fields["inn"] == "" {
		t.Fatalf("no inn field error: %+v", p)
	}
	admin.lang = "en"
	r = admin.do("POST", "/api/v1/partners", map[string]any{"name": "Bad", "inn": "1234", "commission_bp": 20000})
	p := r.problem(t)
	if p.Fields["inn"] == "" || p.Fields["commission_bp"] == "" || !strings.Contains(strings.ToLower(p.Message), "field") {
		t.Errorf("english field errors = %+v", p)
	}
	admin.lang = ""

	r = admin.do("POST", "/api/v1/partners", map[string]any{"name": "Сбер Авто", "inn": "7707083893",
		"payment_method": "invoice", "deferral_days": 10, "credit_limit_kopecks": 1000000})
	expectStatus(t, r, http.StatusCreated)
	var created struct {
		ID     int64  `json:"id"`
		Status string `json:"status"`
	}
	r.json(t, &created)
	if created.Status != "onboarding" {
		t.Errorf("new partner status %q", created.Status)
	}
	expectStatus(t, admin.do("POST", "/api/v1/partners", map[string]any{"name": "Дубль", "inn": "7707083893"}), http.StatusConflict)

	// a PATCH changes what it names and keeps the rest
	r = admin.do("PATCH", fmt.Sprintf("/api/v1/partners/%d", created.ID), map[string]any{"status": "active"})
	expectStatus(t, r, http.StatusOK)
	var after struct {
		Status       string `json:"status"`
		DeferralDays int    `json:"deferral_days"`
	}
	r.json(t, &after)
	if after.Status != "active" || after.DeferralDays != 10 {
		t.Errorf("after patch %+v", after)
	}
	// a partner cannot be put under its own network
	r = admin.do("PATCH", fmt.Sprintf("/api/v1/partners/%d", created.ID), map[string]any{"parent_id": created.ID})
	expectStatus(t, r, http.StatusUnprocessableEntity)

	var audit listOf[struct {
		Action     string `json:"action"`
		ActorEmail string `json:"actor_email"`
		Before     any    `json:"before"`
		After      any    `json:"after"`
	}]
	r = admin.do("GET", fmt.Sprintf("/api/v1/audit?entity_type=partner&entity_id=%d", created.ID), nil)
	expectStatus(t, r, http.StatusOK)
	r.json(t, &audit)
	if audit.Total != 2 || audit.Items[0].Action != "partner.update" || audit.Items[0].ActorEmail != "admin@karso.test" ||
		audit.Items[0].Before == nil || audit.Items[1].Action != "partner.create" {
		t.Errorf("audit = %+v", audit)
	}
}

func TestDeactivatingAUserEndsTheirSessions(t *testing.T) {
	admin := login(t, "admin@karso.test")
	r := admin.do("POST", "/api/v1/users", map[string]any{"email": "Temp.User@Karso.test", "password": "temp-pass-1",
		"role": "finance", "full_name": "Временный Пользователь"})
	expectStatus(t, r, http.StatusCreated)
	var u userJSON
	r.json(t, &u)
	if u.Email != "temp.user@karso.test" {
		t.Errorf("email not normalised: %q", u.Email)
	}
	// the same e-mail in another case is the same account
	expectStatus(t, admin.do("POST", "/api/v1/users", map[string]any{"email": "TEMP.USER@karso.test", "password": "temp-pass-1",
		"role": "finance", "full_name": "Дубль"}), http.StatusConflict)

	s := anonymous(t)
	expectStatus(t, s.do("POST", "/api/v1/auth/login", map[string]string{"email": "temp.user@karso.test", "password": "temp-pass-1"}), http.StatusOK)
	expectStatus(t, s.do("GET", "/api/v1/me", nil), http.StatusOK)
	expectStatus(t, admin.do("PATCH", fmt.Sprintf("/api/v1/users/%d", u.ID), map[string]any{"active": false}), http.StatusOK)
	expectStatus(t, s.do("GET", "/api/v1/me", nil), http.StatusUnauthorized)
	expectStatus(t, anonymous(t).do("POST", "/api/v1/auth/login", map[string]string{"email": "temp.user@karso.test", "password": "temp-pass-1"}), http.StatusForbidden)
}

func TestUserRules(t *testing.T) {
	admin := login(t, "admin@karso.test")
	r := admin.do("POST", "/api/v1/users", map[string]any{"email": "nopartner@karso.test", "password": "12345678",
		"role": "dealer", "full_name": "Без Партнёра"})
	expectStatus(t, r, http.StatusUnprocessableEntity)
	if r.problem(t).Fields["partner_id"] == "" {
		t.Errorf("dealer without partner: %s", r.Body)
	}
	r = admin.do("POST", "/api/v1/users", map[string]any{"email": "not-an-email", "password": "1", "role": "boss"})
	expectStatus(t, r, http.StatusUnprocessableEntity)
	f := r.problem(t).Fields
	for _, name := range []string{"email", "password", "role", "full_name"} {
		if f[name] == "" {
			t.Errorf("no error for %s: %v", name, f)
		}
	}
	var me userJSON
	admin.do("GET", "/api/v1/me", nil).json(t, &me)
	expectStatus(t, admin.do("PATCH", fmt.Sprintf("/api/v1/users/%d", me.ID), map[string]any{"active": false}), http.StatusConflict)
	expectStatus(t, admin.do("GET", "/api/v1/users/999999", nil), http.StatusNotFound)

	var users listOf[userJSON]
	r = admin.do("GET", "/api/v1/users?role=manager&per_page=1", nil)
	expectStatus(t, r, http.StatusOK)
	r.json(t, &users)
	if users.Total != 2 || len(users.Items) != 1 || users.PerPage != 1 {
		t.Errorf("paged managers = %+v", users)
	}
}

func TestManagerAssignments(t *testing.T) {
	admin := login(t, "admin@karso.test")
	var managers listOf[userJSON]
	admin.do("GET", "/api/v1/users?q=manager2", nil).json(t, &managers)
	m2 := managers.Items[0].ID
	kazan := salonOfPartner(t, "Казань Моторс")
	north := salonOfPartner(t, "Северный Авто")

	r := admin.do("PUT", fmt.Sprintf("/api/v1/managers/%d/salons", m2), map[string]any{"salon_ids": []int64{north.ID}})
	expectStatus(t, r, http.StatusOK)
	if n := len(salonsOf(t, login(t, "manager2@karso.test"))); n != 1 {
		t.Errorf("manager2 after reassignment sees %d salons", n)
	}
	expectStatus(t, admin.do("PUT", fmt.Sprintf("/api/v1/managers/%d/salons", m2), map[string]any{"salon_ids": []int64{424242}}), http.StatusUnprocessableEntity)
	expectStatus(t, admin.do("PUT", fmt.Sprintf("/api/v1/managers/%d/salons", m2), map[string]any{"salon_ids": []int64{north.ID, kazan.ID}}), http.StatusOK)
	// a dealer is not a manager
	var dealers listOf[userJSON]
	admin.do("GET", "/api/v1/users?role=dealer&q=dealer2", nil).json(t, &dealers)
	expectStatus(t, admin.do("GET", fmt.Sprintf("/api/v1/managers/%d/salons", dealers.Items[0].ID), nil), http.StatusNotFound)
	// a manager may read their own assignments, not another's
	m1 := login(t, "manager@karso.test")
	expectStatus(t, m1.do("GET", fmt.Sprintf("/api/v1/managers/%d/salons", m2), nil), http.StatusNotFound)
}

func TestBadInputNeverFails500(t *testing.T) {
	admin := login(t, "admin@karso.test")
	cases := []struct {
		name, method, path string
		body               any
		status             int
		code               string
	}{
		{"malformed json", "POST", "/api/v1/partners", `{"name": `, 400, "malformed_json"},
		{"empty body", "POST", "/api/v1/partners", ``, 400, "empty_body"},
		{"unknown field", "POST", "/api/v1/salons", `{"partner_id": 1, "name": "a", "city": "b", "colour": "red"}`, 422, "validation_failed"},
		{"wrong type", "POST", "/api/v1/salons", `{"partner_id": "one", "name": "a", "city": "b"}`, 422, "validation_failed"},
		{"trailing data", "POST", "/api/v1/salons", `{"partner_id": 1} {}`, 400, "malformed_json"},
		{"too large", "POST", "/api/v1/partners", `{"name": "` + strings.Repeat("а", 1<<20) + `"}`, 413, "body_too_large"},
		{"unknown route", "GET", "/api/v1/no-such-thing", nil, 404, "route_not_found"},
		{"wrong method", "DELETE", "/api/v1/me", nil, 405, "method_not_allowed"},
		{"bad page", "GET", "/api/v1/users?page=0", nil, 400, "invalid_query"},
		{"bad role filter", "GET", "/api/v1/users?role=boss", nil, 400, "invalid_query"},
		{"bad id", "GET", "/api/v1/users/abc", nil, 404, "not_found"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			var body any
			if c.body != nil {
				body = c.body
			}
			r := admin.do(c.method, c.path, body)
			expectStatus(t, r, c.status)
			p := r.problem(t)
			if p.Code != c.code || p.Message == "" {
				t.Errorf("problem = %+v", p)
			}
		})
	}
	r := admin.do("POST", "/api/v1/salons", `{"partner_id": 1, "name": "a", "city": "b", "colour": "red"}`)
	if f := r.problem(t).Fields; f["colour"] == "" {
		t.Errorf("unknown field not named: %v", f)
	}
}

func TestPasswordChange(t *testing.T) {
	admin := login(t, "admin@karso.test")
	expectStatus(t, admin.do("POST", "/api/v1/users", map[string]any{"email": "pw@karso.test", "password": "first-pass",
		"role": "finance", "full_name": "Пароль Менятель"}), http.StatusCreated)
	s := anonymous(t)
	expectStatus(t, s.do("POST", "/api/v1/auth/login", map[string]string{"email": "pw@karso.test", "password": "first-pass"}), http.StatusOK)
	r := s.do("POST", "/api/v1/me/password", map[string]string{"current_password": "nope", "new_password": "second-pass"})
	expectStatus(t, r, http.StatusUnprocessableEntity)
	if r.problem(t).Fields["current_password"] == "" {
		t.Errorf("no current_password error: %s", r.Body)
	}
	expectStatus(t, s.do("POST", "/api/v1/me/password", map[string]string{"current_password": "first-pass", "new_password": "second-pass"}), http.StatusNoContent)
	expectStatus(t, anonymous(t).do("POST", "/api/v1/auth/login", map[string]string{"email": "pw@karso.test", "password": "first-pass"}), http.StatusUnauthorized)
	expectStatus(t, anonymous(t).do("POST", "/api/v1/auth/login", map[string]string{"email": "pw@karso.test", "password": "second-pass"}), http.StatusOK)
}

func TestProbesAndMetrics(t *testing.T) {
	s := anonymous(t)
	expectStatus(t, s.do("GET", "/healthz", nil), http.StatusOK)
	r := s.do("GET", "/readyz", nil)
	expectStatus(t, r, http.StatusOK)
	r = s.do("GET", "/metrics", nil)
	expectStatus(t, r, http.StatusOK)
	if !strings.Contains(string(r.Body), "karso_http_requests_total") {
		t.Errorf("metrics lack the request counter")
	}
	if r.Header.Get("X-Request-ID") == "" {
		t.Errorf("no request id header")
	}
}

func TestWrongPasswordsAreThrottledPerIP(t *testing.T) {
	cfg := testCfg
	cfg.LoginFailuresPerMinute, cfg.LoginFailureBurst = 1, 3
	reg := prometheus.NewRegistry()
	hs := httptest.NewServer(api.New(api.Deps{Config: cfg, Log: slog.New(slog.NewTextHandler(io.Discard, nil)),
		Pool: pool, Temporal: temporal, Registry: reg, Gatherer: reg, Web: web.Assets()}).Handler())
	defer hs.Close()
	post := func(email, password string) int {
		resp, err := http.Post(hs.URL+"/api/v1/auth/login", "application/json",
			strings.NewReader(fmt.Sprintf(`{"email": %q, "password": %q}`, email, password)))
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		return resp.StatusCode
	}
	for i := 0; i < 3; i++ {
		if st := post(fmt.Sprintf("nobody%d@karso.test", i), "guess"); st != http.StatusUnauthorized {
			t.Fatalf("failure %d answered %d", i, st)
		}
	}
	if st := post("finance@karso.test", seed.DemoPassword); st != http.StatusTooManyRequests {
		t.Errorf("after the burst of failures the IP answered %d, want 429", st)
	}
}
