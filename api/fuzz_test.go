package api_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"karso.ru/prm/db/seed"
	"karso.ru/prm/warranty"
)

// fuzzTarget is one route whose body the fuzzer writes.
type fuzzTarget struct {
	name, method, path, contentType string
}

// FuzzRequestBodies sends whatever bytes the fuzzer makes as the body of each wizard step
// (vehicle, customer, tariff), of the wizard's live quote and of the payment page (JSON and
// form) to the real stack: the API over HTTP, a real draft's workflow on the Temporal dev
// server, a real payment's token. Whatever the bytes, the answer is never 5xx — a panic in a
// handler answers 500, so it fails too — and bad input gets its 4xx before any workflow or
// acquirer sees it.
//
// scripts/test.sh runs it for 30 s: go test -run '^$' -fuzz FuzzRequestBodies -fuzztime 30s
// -fuzzminimizetime 3s ./api/ (minimising each new input for the default minute would leave
// the workers idle for most of the 30 s)
// (its fuzzing processes serve the API on this process's PostgreSQL and Temporal: see TestMain).
func FuzzRequestBodies(f *testing.F) {
	c := newFuzzClient(f)
	draft := c.openDraft(f)
	payPath := c.payablePayment(f)
	targets := []fuzzTarget{
		{"vehicle", "PUT", "/api/v1/sales/" + draft + "/vehicle", "application/json"},
		{"customer", "PUT", "/api/v1/sales/" + draft + "/customer", "application/json"},
		{"tariff", "PUT", "/api/v1/sales/" + draft + "/tariff", "application/json"},
		{"quote", "POST", "/api/v1/quotes", "application/json"},
		{"pay json", "POST", payPath, "application/json"},
		{"pay form", "POST", payPath, "application/x-www-form-urlencoded"},
		{"pay json, unknown token", "POST", "/pay/no-such-token", "application/json"},
	}
	seeds := [][]byte{
		mustJSON(vehicleBody("1HGCM82633A004352", "used")),
		mustJSON(customerBody),
		mustJSON(tariffBody),
		mustJSON(map[string]any{"vehicle": vehicleBody("1HGCM82633A004352", "used"), "tariff_code": "basic", "term_months": 12}),
		[]byte(`{"card_number": "4000 0000 0000 0002"}`),
		[]byte(`card_number=4000000000009995`),
		[]byte(`{"vin": "` + "\x00" + `", "year": 1e308, "mileage_km": -1, "sold_on": "31.02.2025"}`),
		[]byte(`{"full_name": "` + strings.Repeat("я", 3000) + `", "birth_date": "0000-00-00"}`),
		[]byte(`{"tariff_code": "basic", "term_months": 9223372036854775807, "discount_pct": -0.001, "options": [null]}`),
		[]byte(`{"card_number": {"$ne": 1}}`),
		[]byte(`card_number=%ZZ&card_number=4242424242424242`),
		[]byte(`[]`), []byte(`null`), []byte(``), []byte(`{"a":1} {"b":2}`),
	}
	for i, s := range seeds {
		for step := range targets {
			if i < len(targets) && i != step {
				continue // a well-formed body goes to its own route; the malformed ones everywhere
			}
			f.Add(uint8(step), s)
		}
	}
	f.Fuzz(func(t *testing.T, step uint8, body []byte) {
		target := targets[int(step)%len(targets)]
		status, answer := c.send(t, target.method, target.path, target.contentType, body)
		if status >= 500 {
			t.Fatalf("%s with %q answered %d: %s", target.name, body, status, answer)
		}
	})
}

// fuzzClient talks to the stack with a dealer's bearer token (the fuzzing processes have no
// cookie jar and no database handle, only the address).
type fuzzClient struct {
	http  *http.Client
	token string
}

func newFuzzClient(tb testing.TB) *fuzzClient {
	tb.Helper()
	c := &fuzzClient{http: &http.Client{Timeout: 60 * time.Second}}
	status, body := c.send(tb, "POST", "/api/v1/auth/login", "application/json",
		mustJSON(map[string]string{"email": "dealer@karso.test", "password": seed.DemoPassword}))
	var out struct{ Token string }
	if status != http.StatusOK || json.Unmarshal(body, &out) != nil || out.Token == "" {
		tb.Fatalf("sign in: %d %s", status, body)
	}
	c.token = out.Token
	return c
}

func (c *fuzzClient) send(tb testing.TB, method, path, contentType string, body []byte) (int, []byte) {
	tb.Helper()
	req, err := http.NewRequest(method, baseURL+path, bytes.NewReader(body))
	if err != nil {
		tb.Fatal(err)
	}
	if contentType != "" {
		req.Header.Set("Content-Type", contentType)
	}
	if c.token != "" {
		req.Header.Set("Authorization", "Bearer "+c.token)
	}
	resp, err := c.http.Do(req)
	if err != nil {
		tb.Fatalf("%s %s: %v", method, path, err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, b
}

// expect sends a JSON body and decodes the answer, which must have the status wanted.
func (c *fuzzClient) expect(tb testing.TB, method, path string, body any, want int, out any) {
	tb.Helper()
	var raw []byte
	if body != nil {
		raw = mustJSON(body)
	}
	status, answer := c.send(tb, method, path, "application/json", raw)
	if status != want {
		tb.Fatalf("%s %s: %d %s, want %d", method, path, status, answer, want)
	}
	if out != nil {
		if err := json.Unmarshal(answer, out); err != nil {
			tb.Fatalf("%s %s: %v", method, path, err)
		}
	}
}

// openDraft opens a sale in the dealer's first salon: the wizard steps' target.
func (c *fuzzClient) openDraft(tb testing.TB) string {
	tb.Helper()
	var salons listOf[salonJSON]
	c.expect(tb, "GET", "/api/v1/salons", nil, http.StatusOK, &salons)
	if len(salons.Items) == 0 {
		tb.Fatal("the dealer has no salon")
	}
	var sale struct{ ID string }
	c.expect(tb, "POST", "/api/v1/sales", map[string]any{"salon_id": salons.Items[0].ID}, http.StatusCreated, &sale)
	return sale.ID
}

// payablePayment sells a clean warranty and answers its payment page's path, once the
// payment is requested.
func (c *fuzzClient) payablePayment(tb testing.TB) string {
	tb.Helper()
	id := c.openDraft(tb)
	base := "/api/v1/sales/" + id
	vin := fmt.Sprintf("1HGCM8263%dA%06d", time.Now().Unix()%10, time.Now().UnixNano()%1_000_000)
	if digit, ok := warranty.VINCheckDigit(vin); ok {
		vin = vin[:8] + string(digit) + vin[9:]
	}
	c.expect(tb, "PUT", base+"/vehicle", vehicleBody(vin, "used"), http.StatusOK, nil)
	c.expect(tb, "PUT", base+"/customer", customerBody, http.StatusOK, nil)
	c.expect(tb, "PUT", base+"/tariff", tariffBody, http.StatusOK, nil)
	var sale struct {
		Status  string
		Payment *struct{ URL string } `json:"payment"`
	}
	c.expect(tb, "POST", base+"/submit", nil, http.StatusOK, &sale)
	deadline := time.Now().Add(30 * time.Second)
	for sale.Payment == nil || sale.Payment.URL == "" {
		if time.Now().After(deadline) {
			tb.Fatalf("the sale's payment was not requested: %+v", sale)
		}
		time.Sleep(100 * time.Millisecond)
		c.expect(tb, "GET", base, nil, http.StatusOK, &sale)
	}
	u, err := url.Parse(sale.Payment.URL) // on the public address, which a fuzzing process's is not
	if err != nil {
		tb.Fatal(err)
	}
	return u.Path
}

func mustJSON(v any) []byte {
	b, err := json.Marshal(v)
	if err != nil {
		panic(err)
	}
	return b
}
