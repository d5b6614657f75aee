package api_test

import (
	"context"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"karso.ru/prm/db/seed"
)

// publicSaleJSON is a direct sale as the website reads it.
type publicSaleJSON struct {
	ID             string  `json:"id"`
	Status         string  `json:"status"`
	ContractNumber *string `json:"contract_number"`
	PriceKopecks   int64   `json:"price_kopecks"`
	Flagged        bool    `json:"flagged"`
	PaymentURL     *string `json:"payment_url"`
}

// post sends a public POST with its Idempotency-Key.
func (s *session) post(path, idem string, body any) response {
	s.t.Helper()
	s.client.Transport = idemTransport{next: s.client.Transport, key: idem}
	defer func() { s.client.Transport = s.client.Transport.(idemTransport).next }()
	return s.do("POST", path, body)
}

type idemTransport struct {
	next http.RoundTripper
	key  string
}

func (t idemTransport) RoundTrip(r *http.Request) (*http.Response, error) {
	r = r.Clone(r.Context())
	r.Header.Set("Idempotency-Key", t.key)
	return t.next.RoundTrip(r)
}

func websiteSale(vin, category string) map[string]any {
	return map[string]any{"vehicle": vehicleBody(vin, category), "customer": customerBody,
		"tariff_code": "basic", "term_months": 24, "options": []string{"roadside"},
		"consent": map[string]any{"accepted": true, "text_version": "pd-2026-11", "ip": "203.0.113.7",
			"accepted_at": time.Now().Add(-time.Minute).UTC().Format(time.RFC3339)}}
}

func countSales(t *testing.T, vin string) int {
	t.Helper()
	var n int
	if err := pool.QueryRow(context.Background(), `SELECT count(*) FROM sales WHERE vin = $1`, vin).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

func TestWebsiteSellsAWarrantyFromQuoteToPaid(t *testing.T) {
	ctx := context.Background()
	admin := login(t, "admin@karso.test")
	key := createKey(t, admin, "Сайт karso.ru", 100, "quotes", "sales:create", "sales:read")
	site := withKey(t, key.Secret)
	vin := newVIN(t)

	// the quote the website shows: basic is offered for 24 months, without commission
	car := map[string]any{"vehicle": vehicleBody(vin, "used"), "term_months": 24}
	r := site.do("POST", "/api/v1/public/quotes", car)
	expectStatus(t, r, http.StatusOK)
	if !strings.Contains(string(r.Body), `"tariff_code":"basic","tariff_name"`) || !strings.Contains(string(r.Body), `"commission_kopecks":0`) {
		t.Fatalf("quote: %s", r.Body)
	}

	// the sale, sent twice with one Idempotency-Key: one sale, the same answer
	body := websiteSale(vin, "used")
	first := site.post("/api/v1/public/sales", "order-"+vin, body)
	expectStatus(t, first, http.StatusCreated)
	var sale publicSaleJSON
	first.json(t, &sale)
	if sale.Status != "awaiting_payment" || sale.Flagged || sale.PaymentURL == nil || sale.ContractNumber == nil ||
		!contractNumber.MatchString(*sale.ContractNumber) || sale.PriceKopecks <= 0 {
		t.Fatalf("direct sale: %s", first.Body)
	}
	again := site.post("/api/v1/public/sales", "order-"+vin, body)
	expectStatus(t, again, http.StatusCreated)
	if string(again.Body) != string(first.Body) || again.Header.Get("Idempotent-Replayed") != "true" ||
		again.Header.Get("Location") != first.Header.Get("Location") || countSales(t, strings.ToUpper(vin)) != 1 {
		t.Errorf("retry: %s (replayed %q), %d sales", again.Body, again.Header.Get("Idempotent-Replayed"), countSales(t, strings.ToUpper(vin)))
	}
	// the same key with another body is refused, and creates nothing
	other := websiteSale(vin, "used")
	other["term_months"] = 12
	if r := site.post("/api/v1/public/sales", "order-"+vin, other); r.Status != http.StatusUnprocessableEntity || r.problem(t).Fields["Idempotency-Key"] == "" {
		t.Errorf("key reused with another body: %d %s", r.Status, r.Body)
	}

	// the sale is the company's own: «Karso online», no commission, the system seller
	var partner, seller, channel string
	var commission int64
	err := pool.QueryRow(ctx, `SELECT p.name, p.channel, u.email, s.commission_kopecks
	                             FROM sales s JOIN partners p ON p.id = s.partner_id JOIN users u ON u.id = s.seller_id
	                            WHERE s.id = $1`, sale.ID).Scan(&partner, &channel, &seller, &commission)
	if err != nil || partner != "Karso online" || channel != "direct" || seller != "online@karso.system" || commission != 0 {
		t.Errorf("direct sale row: %q %q %q %d %v", partner, channel, seller, commission, err)
	}
	// the customer's separate consent is recorded: text version, time, address
	var version, customerIP string
	var consentedAt time.Time
	err = pool.QueryRow(ctx, `SELECT text_version, customer_ip, consented_at FROM personal_data_consents c
	                           JOIN api_keys k ON k.id = c.api_key_id WHERE c.sale_id = $1 AND k.id = $2`, sale.ID, key.Key.ID).
		Scan(&version, &customerIP, &consentedAt)
	if err != nil || version != "pd-2026-11" || customerIP != "203.0.113.7" || time.Since(consentedAt) > 10*time.Minute {
		t.Errorf("consent %q %q %v %v", version, customerIP, consentedAt, err)
	}
	// the key's call is audited with the sale it made
	var audited int
	if err := pool.QueryRow(ctx, `SELECT count(*) FROM audit_log WHERE action = 'api_key.call' AND entity_id = $1
	                              AND after->'entity'->>'sale_id' = $2 AND (after->>'status')::int = 201`,
		strconv.FormatInt(key.Key.ID, 10), sale.ID).Scan(&audited); err != nil || audited < 1 {
		t.Errorf("audited %d %v", audited, err)
	}

	// the customer pays on the same payment page; the website reads the sale become active
	payByCard(t, *sale.PaymentURL, "4242 4242 4242 4242", http.StatusOK)
	eventually(t, "the direct sale is active", func() bool {
		r := site.do("GET", "/api/v1/public/sales/"+sale.ID, nil)
		var now publicSaleJSON
		r.json(t, &now)
		return r.Status == http.StatusOK && now.Status == "active"
	})
	// the contract and receipt go to the customer's mail
	eventually(t, "the customer is mailed", func() bool {
		var n int
		err := pool.QueryRow(ctx, `SELECT count(*) FROM mail_outbox WHERE sale_id = $1 AND to_address = 's.ivanov@example.ru'`, sale.ID).Scan(&n)
		return err == nil && n > 0
	})

	// another key does not see this key's sale
	stranger := withKey(t, createKey(t, admin, "чужой", 100, "sales:read").Secret)
	expectStatus(t, stranger.do("GET", "/api/v1/public/sales/"+sale.ID, nil), http.StatusNotFound)
	// a key without sales:create may not sell
	expectStatus(t, withKey(t, createKey(t, admin, "только расчёт", 100, "quotes").Secret).post("/api/v1/public/sales", "x-"+vin, body), http.StatusForbidden)
}

func TestFlaggedWebsiteSaleWaitsInTheDirectManagersQueue(t *testing.T) {
	admin := login(t, "admin@karso.test")
	site := withKey(t, createKey(t, admin, "сайт", 100, "sales:create", "sales:read").Secret)
	r := site.post("/api/v1/public/sales", "flagged-"+newVIN(t), websiteSale(newVIN(t), "parallel_import"))
	expectStatus(t, r, http.StatusCreated)
	var sale publicSaleJSON
	r.json(t, &sale)
	if sale.Status != "pending_approval" || !sale.Flagged || sale.PaymentURL != nil {
		t.Fatalf("flagged direct sale: %s", r.Body)
	}
	// the manager who curates the direct channel's salon decides it (manager2 in the seed; a
	// manager of its own here, as another test reassigns manager2); manager neither sees nor
	// decides it
	manager := login(t, "manager@karso.test")
	expectStatus(t, manager.do("GET", "/api/v1/sales/"+sale.ID, nil), http.StatusNotFound)
	expectStatus(t, manager.do("POST", "/api/v1/sales/"+sale.ID+"/approve", map[string]string{}), http.StatusNotFound)
	var directSalon int64
	if err := pool.QueryRow(context.Background(), `SELECT s.id FROM salons s JOIN partners p ON p.id = s.partner_id
	                                                WHERE p.channel = 'direct'`).Scan(&directSalon); err != nil {
		t.Fatal(err)
	}
	email := "online-manager@karso.test"
	r = admin.do("POST", "/api/v1/users", map[string]any{"email": email, "password": seed.DemoPassword,
		"role": "manager", "full_name": "Онлайнова Ольга"})
	if r.Status != http.StatusCreated && r.Status != http.StatusConflict {
		t.Fatalf("create manager: %d %s", r.Status, r.Body)
	}
	var managers listOf[userJSON]
	admin.do("GET", "/api/v1/users?q=online-manager", nil).json(t, &managers)
	expectStatus(t, admin.do("PUT", "/api/v1/managers/"+strconv.FormatInt(managers.Items[0].ID, 10)+"/salons",
		map[string]any{"salon_ids": []int64{directSalon}}), http.StatusOK)
	manager2 := login(t, email)
	if !slices.Contains(approvalIDs(t, manager2), sale.ID) {
		t.Errorf("the flagged direct sale is not in its manager's queue")
	}
	approved := manager2.do("POST", "/api/v1/sales/"+sale.ID+"/approve", map[string]string{"comment": "проверено"})
	expectStatus(t, approved, http.StatusOK)
	// approved, the sale gets its contract and the website reads the payment page
	eventually(t, "the payment page opens", func() bool {
		var now publicSaleJSON
		site.do("GET", "/api/v1/public/sales/"+sale.ID, nil).json(t, &now)
		return now.Status == "awaiting_payment" && now.PaymentURL != nil && now.ContractNumber != nil
	})
}

func TestWebsiteSaleBadInputLeavesNothingBehind(t *testing.T) {
	admin := login(t, "admin@karso.test")
	site := withKey(t, createKey(t, admin, "сайт", 100, "sales:create").Secret)
	vin := newVIN(t)
	cases := map[string]struct {
		edit  func(b map[string]any)
		field string
	}{
		"no consent":    {func(b map[string]any) { b["consent"].(map[string]any)["accepted"] = false }, "consent.accepted"},
		"consent IP":    {func(b map[string]any) { b["consent"].(map[string]any)["ip"] = "somewhere" }, "consent.ip"},
		"malformed VIN": {func(b map[string]any) { b["vehicle"].(map[string]any)["vin"] = "XTA2109907123456O" }, "vehicle.vin"},
		"wrong type":    {func(b map[string]any) { b["term_months"] = "24" }, "term_months"},
		"no e-mail": {func(b map[string]any) {
			b["customer"] = map[string]any{"full_name": "Иванов Сергей", "phone": "+79161234567"}
		}, "customer.email"},
		"ineligible car": {func(b map[string]any) {
			b["tariff_code"] = "premium"
			b["vehicle"].(map[string]any)["category"] = "parallel_import"
		}, "vehicle.category"},
	}
	for name, c := range cases {
		body := websiteSale(vin, "used")
		body["vehicle"] = vehicleBody(vin, "used")
		body["consent"] = map[string]any{"accepted": true, "text_version": "pd-2026-11", "ip": "203.0.113.7"}
		c.edit(body)
		r := site.post("/api/v1/public/sales", name+vin, body)
		if r.Status != http.StatusUnprocessableEntity || r.problem(t).Fields[c.field] == "" {
			t.Errorf("%s: %d %s", name, r.Status, r.Body)
		}
	}
	if n := countSales(t, vin); n != 0 {
		t.Errorf("%d sales left behind", n)
	}
	// no Idempotency-Key: 422 naming the header; a body over 64 KiB: 413
	if r := site.do("POST", "/api/v1/public/sales", websiteSale(vin, "used")); r.Status != http.StatusUnprocessableEntity || r.problem(t).Fields["Idempotency-Key"] == "" {
		t.Errorf("no Idempotency-Key: %d %s", r.Status, r.Body)
	}
	big := websiteSale(vin, "used")
	big["options"] = []string{strings.Repeat("x", 70<<10)}
	if r := site.post("/api/v1/public/sales", "big-"+vin, big); r.Status != http.StatusRequestEntityTooLarge || r.problem(t).Code != "public_body_too_large" {
		t.Errorf("a body over 64 KiB: %d %s", r.Status, r.Body)
	}
	if n := countSales(t, vin); n != 0 {
		t.Errorf("%d sales left behind", n)
	}
}
