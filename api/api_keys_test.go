package api_test

import (
	"context"
	"crypto/sha256"
	"net/http"
	"strconv"
	"strings"
	"testing"
)

// apiKeyAnswer is a key with its one-time secret, as creating or rotating answers it.
type apiKeyAnswer struct {
	Key struct {
		ID            int64    `json:"id"`
		Name          string   `json:"name"`
		Prefix        string   `json:"prefix"`
		Scopes        []string `json:"scopes"`
		RatePerMinute int      `json:"rate_per_minute"`
		LastUsedAt    *string  `json:"last_used_at"`
		RevokedAt     *string  `json:"revoked_at"`
	} `json:"key"`
	Secret string `json:"secret"`
}

// createKey makes a key as the admin and returns it with its secret.
func createKey(t testing.TB, admin *session, name string, rate int, scopes ...string) apiKeyAnswer {
	t.Helper()
	r := admin.do("POST", "/api/v1/api-keys", map[string]any{"name": name, "scopes": scopes, "rate_per_minute": rate})
	expectStatus(t, r, http.StatusCreated)
	var k apiKeyAnswer
	r.json(t, &k)
	return k
}

// withKey is a client that sends the API key as its bearer token.
func withKey(t testing.TB, secret string) *session {
	s := anonymous(t)
	s.client.Transport = tokenTransport{token: secret}
	return s
}

var websiteCar = map[string]any{"vehicle": map[string]any{"vin": "XTA21099071234567", "make": "Honda", "model": "CR-V",
	"year": 2022, "mileage_km": 30000, "engine_power_hp": 180, "category": "used"}}

func TestAPIKeyLifecycle(t *testing.T) {
	admin := login(t, "admin@karso.test")
	ctx := context.Background()
	k := createKey(t, admin, "Сайт karso.ru", 0, "quotes", "sales:read", "quotes")
	if !strings.HasPrefix(k.Secret, "ksk_live_") || k.Key.Prefix != k.Secret[:17] || k.Key.RatePerMinute != 120 ||
		strings.Join(k.Key.Scopes, ",") != "quotes,sales:read" {
		t.Fatalf("created key %+v", k)
	}
	// stored only as a hash: the secret is nowhere in the table, and the list never shows it
	var stored []byte
	var rowText string
	if err := pool.QueryRow(ctx, `SELECT secret_hash, row_to_json(k)::text FROM api_keys k WHERE id = $1`, k.Key.ID).Scan(&stored, &rowText); err != nil {
		t.Fatal(err)
	}
	if sum := sha256.Sum256([]byte(k.Secret)); string(stored) != string(sum[:]) || strings.Contains(rowText, k.Secret) {
		t.Errorf("stored key %s", rowText)
	}
	list := admin.do("GET", "/api/v1/api-keys", nil)
	expectStatus(t, list, http.StatusOK)
	if strings.Contains(string(list.Body), k.Secret) || strings.Contains(string(list.Body), "secret") || !strings.Contains(string(list.Body), k.Key.Prefix) {
		t.Errorf("key list %s", list.Body)
	}

	// a quote with the key: every published tariff, and the key's last use recorded
	site := withKey(t, k.Secret)
	r := site.do("POST", "/api/v1/public/quotes", websiteCar)
	expectStatus(t, r, http.StatusOK)
	var quotes struct {
		Items []struct {
			TariffCode string `json:"tariff_code"`
			Eligible   bool   `json:"eligible"`
			Offers     []struct {
				TermMonths        int   `json:"term_months"`
				PriceKopecks      int64 `json:"price_kopecks"`
				CommissionKopecks int64 `json:"commission_kopecks"`
			} `json:"offers"`
		} `json:"items"`
	}
	r.json(t, &quotes)
	var published int
	if err := pool.QueryRow(ctx, `SELECT count(DISTINCT tariff_id) FROM tariff_versions WHERE published_at IS NOT NULL AND valid_from <= now()`).Scan(&published); err != nil {
		t.Fatal(err)
	}
	if len(quotes.Items) != published || published == 0 {
		t.Fatalf("%d tariffs quoted, %d published: %s", len(quotes.Items), published, r.Body)
	}
	for _, q := range quotes.Items {
		if q.Eligible && (len(q.Offers) == 0 || q.Offers[0].PriceKopecks <= 0 || q.Offers[0].CommissionKopecks != 0) {
			t.Errorf("offer of %s: %+v", q.TariffCode, q)
		}
	}
	var lastUsed *string
	if err := pool.QueryRow(ctx, `SELECT last_used_at::text FROM api_keys WHERE id = $1`, k.Key.ID).Scan(&lastUsed); err != nil || lastUsed == nil {
		t.Errorf("last used %v %v", lastUsed, err)
	}

	// rename and rescope: the change is audited with the key before and after
	r = admin.do("PATCH", "/api/v1/api-keys/"+strconv.FormatInt(k.Key.ID, 10), map[string]any{"name": "Сайт", "scopes": []string{"quotes"}, "rate_per_minute": 60})
	expectStatus(t, r, http.StatusOK)
	r = admin.do("PATCH", "/api/v1/api-keys/"+strconv.FormatInt(k.Key.ID, 10), map[string]any{"name": "Сайт", "scopes": []string{"everything"}})
	expectStatus(t, r, http.StatusUnprocessableEntity)
	if p := r.problem(t); p.Fields["scopes"] == "" {
		t.Errorf("unknown scope: %+v", p)
	}

	// rotation: the old secret answers 401 at once, the new one works, the key keeps its id
	r = admin.do("POST", "/api/v1/api-keys/"+strconv.FormatInt(k.Key.ID, 10)+"/rotate", nil)
	expectStatus(t, r, http.StatusOK)
	var rotated apiKeyAnswer
	r.json(t, &rotated)
	if rotated.Key.ID != k.Key.ID || rotated.Secret == k.Secret || rotated.Key.Prefix != rotated.Secret[:17] {
		t.Fatalf("rotated %+v", rotated)
	}
	if r := site.do("POST", "/api/v1/public/quotes", websiteCar); r.Status != http.StatusUnauthorized || r.problem(t).Code != "api_key_invalid" {
		t.Errorf("old secret after rotation: %d %s", r.Status, r.Body)
	}
	site = withKey(t, rotated.Secret)
	expectStatus(t, site.do("POST", "/api/v1/public/quotes", websiteCar), http.StatusOK)

	// revocation: 401 from then on, and a revoked key cannot be revoked or rotated again
	path := "/api/v1/api-keys/" + strconv.FormatInt(k.Key.ID, 10)
	expectStatus(t, admin.do("POST", path+"/revoke", nil), http.StatusOK)
	expectStatus(t, site.do("POST", "/api/v1/public/quotes", websiteCar), http.StatusUnauthorized)
	expectStatus(t, admin.do("POST", path+"/rotate", nil), http.StatusNotFound)
	expectStatus(t, admin.do("POST", path+"/revoke", nil), http.StatusNotFound)

	// every change by the admin is in the audit trail, without the secret
	var actions string
	var leaked bool
	err := pool.QueryRow(ctx, `SELECT string_agg(action, ',' ORDER BY id), bool_or(coalesce(after::text, '') LIKE '%'||$2||'%')
	                             FROM audit_log WHERE entity_type = 'api_key' AND entity_id = $1 AND action <> 'api_key.call'`,
		strconv.FormatInt(k.Key.ID, 10), rotated.Secret[9:]).Scan(&actions, &leaked)
	if err != nil || actions != "api_key.create,api_key.update,api_key.rotate,api_key.revoke" || leaked {
		t.Errorf("audit %q leaked=%v %v", actions, leaked, err)
	}

	// only admins manage keys
	for _, role := range []string{"dealer", "manager", "finance"} {
		expectStatus(t, login(t, role+"@karso.test").do("GET", "/api/v1/api-keys", nil), http.StatusForbidden)
	}
}

func TestAPIKeyRefusals(t *testing.T) {
	admin := login(t, "admin@karso.test")
	ctx := context.Background()
	// no key, an unknown key, a session token in place of a key: 401
	for name, s := range map[string]*session{
		"no key":        anonymous(t),
		"unknown key":   withKey(t, "ksk_live_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"),
		"session token": login(t, "admin@karso.test").bearer(),
	} {
		if r := s.do("POST", "/api/v1/public/quotes", websiteCar); r.Status != http.StatusUnauthorized || r.problem(t).Code != "api_key_invalid" {
			t.Errorf("%s: %d %s", name, r.Status, r.Body)
		}
	}
	// a key cannot open the cabinets' routes
	reader := createKey(t, admin, "только чтение", 100, "sales:read")
	expectStatus(t, withKey(t, reader.Secret).do("GET", "/api/v1/me", nil), http.StatusUnauthorized)
	// a key without the scope: 403 naming the scope, audited as the key's call
	r := withKey(t, reader.Secret).do("POST", "/api/v1/public/quotes", websiteCar)
	if r.Status != http.StatusForbidden || r.problem(t).Code != "api_key_scope" || !strings.Contains(r.problem(t).Message, "quotes") {
		t.Errorf("missing scope: %d %s", r.Status, r.Body)
	}

	// the key's own rate limit: three a minute, the fourth answers 429 with Retry-After
	limited := createKey(t, admin, "лимит", 3, "quotes")
	site := withKey(t, limited.Secret)
	for i := range 3 {
		if r := site.do("POST", "/api/v1/public/quotes", websiteCar); r.Status != http.StatusOK {
			t.Fatalf("call %d: %d %s", i+1, r.Status, r.Body)
		}
	}
	r = site.do("POST", "/api/v1/public/quotes", websiteCar)
	if r.Status != http.StatusTooManyRequests || r.problem(t).Code != "api_key_rate_limited" {
		t.Fatalf("over the limit: %d %s", r.Status, r.Body)
	}
	if secs, err := strconv.Atoi(r.Header.Get("Retry-After")); err != nil || secs < 1 || secs > 20 {
		t.Errorf("Retry-After %q", r.Header.Get("Retry-After"))
	}
	// another key is not slowed by this one
	expectStatus(t, withKey(t, createKey(t, admin, "другой", 3, "quotes").Secret).do("POST", "/api/v1/public/quotes", websiteCar), http.StatusOK)

	// every call is audited: the key as actor, the route and the answer
	rows, err := pool.Query(ctx, `SELECT actor_id IS NULL, actor_email, after->>'route', (after->>'status')::int
	                                FROM audit_log WHERE action = 'api_key.call' AND entity_id = $1 ORDER BY id`,
		strconv.FormatInt(limited.Key.ID, 10))
	if err != nil {
		t.Fatal(err)
	}
	var statuses []int
	for rows.Next() {
		var noUser bool
		var actor, route string
		var status int
		if err := rows.Scan(&noUser, &actor, &route, &status); err != nil {
			t.Fatal(err)
		}
		if !noUser || actor != "api_key:"+limited.Key.Prefix || route != "/api/v1/public/quotes" {
			t.Errorf("audit row %v %q %q", noUser, actor, route)
		}
		statuses = append(statuses, status)
	}
	if rows.Err() != nil || len(statuses) != 4 || statuses[3] != http.StatusTooManyRequests {
		t.Errorf("audited statuses %v %v", statuses, rows.Err())
	}
	var scopeRefusal int
	if err := pool.QueryRow(ctx, `SELECT count(*) FROM audit_log WHERE action = 'api_key.call' AND entity_id = $1 AND (after->>'status')::int = 403`,
		strconv.FormatInt(reader.Key.ID, 10)).Scan(&scopeRefusal); err != nil || scopeRefusal != 1 {
		t.Errorf("403 audited %d times %v", scopeRefusal, err)
	}
}

func TestPublicQuoteBadInput(t *testing.T) {
	admin := login(t, "admin@karso.test")
	site := withKey(t, createKey(t, admin, "сайт", 100, "quotes").Secret)
	for name, c := range map[string]struct {
		body  any
		field string
	}{
		"malformed VIN": {map[string]any{"vehicle": map[string]any{"vin": "XTA2109907123456O", "year": 2022, "mileage_km": 1, "engine_power_hp": 100, "category": "used"}}, "vehicle.vin"},
		"wrong type":    {map[string]any{"vehicle": map[string]any{"year": "2022"}}, "vehicle.year"},
		"future year":   {map[string]any{"vehicle": map[string]any{"year": 2100, "mileage_km": 1, "engine_power_hp": 100, "category": "used"}}, "vehicle.year"},
	} {
		r := site.do("POST", "/api/v1/public/quotes", c.body)
		if r.Status != http.StatusUnprocessableEntity || r.problem(t).Fields[c.field] == "" {
			t.Errorf("%s: %d %s", name, r.Status, r.Body)
		}
	}
	// a car no tariff takes is an answer, not an error: every tariff says why
	r := site.do("POST", "/api/v1/public/quotes", map[string]any{"vehicle": map[string]any{"year": 2001, "mileage_km": 900000,
		"engine_power_hp": 100, "category": "used"}})
	expectStatus(t, r, http.StatusOK)
	if strings.Contains(string(r.Body), `"eligible":true`) || !strings.Contains(string(r.Body), `"reasons":[{`) {
		t.Errorf("an old car: %s", r.Body)
	}
}
