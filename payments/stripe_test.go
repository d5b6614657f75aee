package payments_test

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"

	"github.com/google/uuid"

	"karso.ru/prm/payments"
	"karso.ru/prm/testenv"
)

// recorder keeps every request the provider sends and the answer it gets, on the wire.
type recorder struct {
	mu    sync.Mutex
	calls []call
}

type call struct {
	Method, Path string
	Form         url.Values
	Header       http.Header
	Status       int
	RespHeader   http.Header
}

func (r *recorder) RoundTrip(req *http.Request) (*http.Response, error) {
	var body []byte
	if req.Body != nil {
		body, _ = io.ReadAll(req.Body)
		req.Body = io.NopCloser(bytes.NewReader(body))
	}
	resp, err := http.DefaultTransport.RoundTrip(req)
	if err != nil {
		return nil, err
	}
	form, _ := url.ParseQuery(string(body))
	r.mu.Lock()
	r.calls = append(r.calls, call{Method: req.Method, Path: req.URL.Path, Form: form, Header: req.Header.Clone(),
		Status: resp.StatusCode, RespHeader: resp.Header.Clone()})
	r.mu.Unlock()
	return resp, nil
}

func (r *recorder) last(t *testing.T) call {
	t.Helper()
	r.mu.Lock()
	defer r.mu.Unlock()
	if len(r.calls) == 0 {
		t.Fatal("no request reached stripe-mock")
	}
	return r.calls[len(r.calls)-1]
}

func stripeProvider(t *testing.T, key, base string) (*payments.Stripe, *recorder) {
	t.Helper()
	rec := &recorder{}
	return payments.NewStripe(payments.StripeOptions{SecretKey: key, APIBase: base,
		HTTPClient: &http.Client{Transport: rec}}), rec
}

func TestStripeCreateIntentAsksForRoublesWithMetadataAndTheAttemptsKey(t *testing.T) {
	ctx := context.Background()
	p, rec := stripeProvider(t, "sk_test_123", stripeMockURL)
	req := payments.IntentRequest{PaymentID: uuid.New(), SaleID: uuid.New(), Attempt: 2, AmountKopecks: 45_678_90,
		Description: "Гарантия KR-2026-000042", CustomerEmail: "ivanov@example.ru"}
	intent, err := p.CreateIntent(ctx, req)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(intent.ProviderRef, "pi_") || intent.Status != payments.IntentOpen || intent.ClientSecret == "" {
		t.Fatalf("intent %+v", intent)
	}
	c := rec.last(t)
	want := map[string]string{
		"amount": "4567890", "currency": "rub", "payment_method_types[0]": "card",
		"description": req.Description, "receipt_email": req.CustomerEmail,
		"metadata[sale_id]": req.SaleID.String(), "metadata[payment_id]": req.PaymentID.String(), "metadata[attempt]": "2",
	}
	if c.Method != http.MethodPost || c.Path != "/v1/payment_intents" || c.Status != http.StatusOK {
		t.Fatalf("%s %s answered %d", c.Method, c.Path, c.Status)
	}
	for k, v := range want {
		if got := c.Form.Get(k); got != v {
			t.Errorf("%s = %q, want %q (form %v)", k, got, v, c.Form)
		}
	}
	key := payments.IdempotencyKey(req.PaymentID, 2)
	if c.Header.Get("Idempotency-Key") != key || c.RespHeader.Get("Idempotency-Key") != key {
		t.Fatalf("idempotency key sent %q, echoed %q; want %q", c.Header.Get("Idempotency-Key"), c.RespHeader.Get("Idempotency-Key"), key)
	}

	// A retried activity repeats the request with the same key (Stripe then replays the first
	// intent; stripe-mock keeps no state, so the key on the wire is what can be checked here);
	// the next dunning attempt uses a new one.
	if _, err := p.CreateIntent(ctx, req); err != nil {
		t.Fatal(err)
	}
	if got := rec.last(t).Header.Get("Idempotency-Key"); got != key {
		t.Fatalf("retry sent key %q, want %q", got, key)
	}
	req.Attempt = 3
	if _, err := p.CreateIntent(ctx, req); err != nil {
		t.Fatal(err)
	}
	if got := rec.last(t).Header.Get("Idempotency-Key"); got == key || got != payments.IdempotencyKey(req.PaymentID, 3) {
		t.Fatalf("next attempt sent key %q", got)
	}
}

func TestStripeCancelVoidsTheIntentAndRefundReturnsMoney(t *testing.T) {
	ctx := context.Background()
	p, rec := stripeProvider(t, "sk_test_123", stripeMockURL)
	if err := p.Cancel(ctx, "pi_123"); err != nil {
		t.Fatal(err)
	}
	c := rec.last(t)
	if c.Path != "/v1/payment_intents/pi_123/cancel" || c.Status != http.StatusOK || c.Header.Get("Idempotency-Key") == "" {
		t.Fatalf("cancel: %s answered %d, key %q", c.Path, c.Status, c.Header.Get("Idempotency-Key"))
	}
	ref, err := p.Refund(ctx, "pi_123", 1_000_00, "refund-of-upsell-1")
	if err != nil {
		t.Fatal(err)
	}
	c = rec.last(t)
	if !strings.HasPrefix(ref, "re_") || c.Path != "/v1/refunds" || c.Form.Get("payment_intent") != "pi_123" ||
		c.Form.Get("amount") != "100000" || c.Header.Get("Idempotency-Key") != "refund-of-upsell-1" {
		t.Fatalf("refund %q: %s %v key %q", ref, c.Path, c.Form, c.Header.Get("Idempotency-Key"))
	}
}

func TestStripeRejectionsStopButOutagesRetry(t *testing.T) {
	ctx := context.Background()
	req := payments.IntentRequest{PaymentID: uuid.New(), SaleID: uuid.New(), Attempt: 1, AmountKopecks: 100_00}

	// stripe-mock refuses what Stripe would: a malformed intent reference is an invalid request
	p, rec := stripeProvider(t, "sk_test_123", stripeMockURL)
	err := p.Cancel(ctx, "pi_1/../../bogus")
	if c := rec.last(t); c.Status < 400 || c.Status >= 500 {
		t.Fatalf("stripe-mock answered %d to %s", c.Status, c.Path)
	}
	if !payments.IsInvalidRequest(err) || payments.IsRetryable(err) || payments.IsDecline(err) {
		t.Fatalf("malformed reference: %v, want a non-retryable invalid request", err)
	}
	if _, err := p.CreateIntent(ctx, payments.IntentRequest{PaymentID: uuid.New(), Attempt: 1}); !payments.IsInvalidRequest(err) {
		t.Fatalf("zero amount: %v, want an invalid request", err)
	}

	// a key stripe-mock does not accept is answered 401: an operator's fix, so keep retrying
	bad, _ := stripeProvider(t, "not-a-key", stripeMockURL)
	if _, err := bad.CreateIntent(ctx, req); err == nil || !payments.IsRetryable(err) {
		t.Fatalf("bad key: %v, want a retryable error", err)
	}

	// nobody listening: a network error, retryable
	port, _ := testenv.FreePort()
	down, _ := stripeProvider(t, "sk_test_123", fmt.Sprintf("http://127.0.0.1:%d", port))
	if _, err := down.CreateIntent(ctx, req); err == nil || !payments.IsRetryable(err) {
		t.Fatalf("network error: %v, want a retryable error", err)
	}
}

// Declines, rate limits and outages cannot be produced by stripe-mock; these are Stripe's
// documented error bodies, served as Stripe serves them.
func TestStripeErrorsAreSortedIntoDeclinesInvalidRequestsAndTransientOnes(t *testing.T) {
	cases := []struct {
		name      string
		status    int
		body      string
		decline   string
		invalid   bool
		retryable bool
	}{
		{"generic decline", 402, `{"error":{"type":"card_error","code":"card_declined","decline_code":"generic_decline","message":"Your card was declined."}}`, "generic_decline", false, false},
		{"insufficient funds", 402, `{"error":{"type":"card_error","code":"card_declined","decline_code":"insufficient_funds","message":"Your card has insufficient funds."}}`, "insufficient_funds", false, false},
		{"expired card", 402, `{"error":{"type":"card_error","code":"expired_card","message":"Your card has expired."}}`, "expired_card", false, false},
		{"bad parameter", 400, `{"error":{"type":"invalid_request_error","code":"parameter_invalid_integer","param":"amount","message":"Invalid integer"}}`, "", true, false},
		{"key reused", 400, `{"error":{"type":"idempotency_error","message":"Keys for idempotent requests can only be used with the same parameters they were first used with."}}`, "", true, false},
		{"key in use", 409, `{"error":{"type":"invalid_request_error","code":"idempotency_key_in_use","message":"There is currently another in-progress request using this Idempotent Key."}}`, "", false, true},
		{"rate limited", 429, `{"error":{"type":"invalid_request_error","code":"rate_limit","message":"Too many requests"}}`, "", false, true},
		{"lock timeout", 400, `{"error":{"type":"invalid_request_error","code":"lock_timeout","message":"This object cannot be accessed right now"}}`, "", false, true},
		{"stripe down", 500, `{"error":{"type":"api_error","message":"An unknown error occurred"}}`, "", false, true},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				w.Header().Set("Content-Type", "application/json")
				w.WriteHeader(c.status)
				_, _ = io.WriteString(w, c.body)
			}))
			defer srv.Close()
			p, _ := stripeProvider(t, "sk_test_123", srv.URL)
			_, err := p.CreateIntent(context.Background(), payments.IntentRequest{PaymentID: uuid.New(), Attempt: 1, AmountKopecks: 100})
			if got := payments.DeclineCode(err); got != c.decline || payments.IsDecline(err) != (c.decline != "") {
				t.Errorf("decline code %q, want %q (%v)", got, c.decline, err)
			}
			if payments.IsInvalidRequest(err) != c.invalid || payments.IsRetryable(err) != c.retryable {
				t.Errorf("invalid %v retryable %v, want %v %v (%v)", payments.IsInvalidRequest(err), payments.IsRetryable(err), c.invalid, c.retryable, err)
			}
		})
	}
}
