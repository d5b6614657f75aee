package api

// These tests serve the payment routes from a router of their own (package api, to reach
// mountPayments) with a recording outcome callback, so they see exactly what would be
// signalled to the sale's workflow. They need a real database: they create one
// on the cluster the package's TestMain started (api/main_test.go exports its URL as
// DATABASE_URL) and migrate it.

import (
	"context"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/gin-gonic/gin"
	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/stripe/stripe-go/v84"
	"github.com/stripe/stripe-go/v84/webhook"

	"karso.ru/prm/config"
	"karso.ru/prm/db"
	"karso.ru/prm/db/store"
	"karso.ru/prm/payments"
	"karso.ru/prm/payments/paymenttest"
	"karso.ru/prm/warranty"
)

const testWebhookSecret = "whsec_karso_test"

var (
	payDBOnce sync.Once
	payDB     *pgxpool.Pool
	payDBErr  error
)

// paymentsDB is a fresh migrated database for the payment route tests.
func paymentsDB(t *testing.T) *pgxpool.Pool {
	t.Helper()
	payDBOnce.Do(func() {
		base := os.Getenv("DATABASE_URL")
		if base == "" {
			payDBErr = errors.New("DATABASE_URL is not set: run these tests with the package's TestMain (go test ./api)")
			return
		}
		ctx := context.Background()
		conn, err := pgx.Connect(ctx, base)
		if err != nil {
			payDBErr = err
			return
		}
		defer conn.Close(ctx)
		if _, err := conn.Exec(ctx, "CREATE DATABASE api_payments"); err != nil {
			payDBErr = err
			return
		}
		u, _ := url.Parse(base)
		u.Path = "/api_payments"
		if payDBErr = db.Migrate(ctx, u.String(), slog.New(slog.NewTextHandler(io.Discard, nil))); payDBErr != nil {
			return
		}
		payDB, payDBErr = db.Open(ctx, u.String())
	})
	if payDBErr != nil {
		t.Fatalf("payments test database: %v", payDBErr)
	}
	return payDB
}

// outcomes records what the workflow would be told; fail makes telling it fail.
type outcomes struct {
	mu   sync.Mutex
	got  []payments.Outcome
	fail error
}

func (o *outcomes) tell(_ context.Context, paymentID uuid.UUID, out payments.Outcome) error {
	o.mu.Lock()
	defer o.mu.Unlock()
	if o.fail != nil {
		return o.fail
	}
	if paymentID != out.PaymentID {
		return errors.New("payment id and outcome disagree")
	}
	o.got = append(o.got, out)
	return nil
}

func (o *outcomes) list() []payments.Outcome {
	o.mu.Lock()
	defer o.mu.Unlock()
	return append([]payments.Outcome{}, o.got...)
}

// payRouter serves the payment routes with the middleware they rely on.
func payRouter(t *testing.T, told *outcomes) (http.Handler, *pgxpool.Pool) {
	t.Helper()
	pool := paymentsDB(t)
	s := &Server{cfg: config.Config{CompanyTZ: warranty.Moscow(), StripeWebhookSecret: testWebhookSecret},
		log: slog.New(slog.NewTextHandler(io.Discard, nil)), pool: pool, q: store.New(pool)}
	gin.SetMode(gin.ReleaseMode)
	r := gin.New()
	r.Use(requestID(), language(), limitBody())
	s.mountPayments(r, r.Group("/api/v1"), told.tell)
	return r, pool
}

// cardPayment is a sale's card payment with its first attempt open at the sandbox.
func cardPayment(t *testing.T, pool *pgxpool.Pool, amount warranty.Kopecks) (paymenttest.Sale, payments.Payment) {
	t.Helper()
	ctx := context.Background()
	s, err := paymenttest.NewSale(ctx, pool, 0)
	if err != nil {
		t.Fatal(err)
	}
	st := payments.NewStore(pool)
	p, err := st.CreatePayment(ctx, payments.NewPayment{ID: uuid.New(), SaleID: s.ID, PartnerID: s.PartnerID,
		Purpose: payments.PurposeSale, Method: payments.MethodCard, Amount: amount})
	if err != nil {
		t.Fatal(err)
	}
	openAttempt(t, pool, s, p, 1)
	return s, p
}

func openAttempt(t *testing.T, pool *pgxpool.Pool, s paymenttest.Sale, p payments.Payment, n int) payments.Intent {
	t.Helper()
	i, err := payments.OpenAttempt(context.Background(), payments.NewSandbox(pool), payments.NewStore(pool),
		payments.IntentRequest{PaymentID: p.ID, SaleID: s.ID, Attempt: n, AmountKopecks: p.Amount})
	if err != nil {
		t.Fatal(err)
	}
	return i
}

type answer struct {
	Status int
	Header http.Header
	Body   string
}

func serve(h http.Handler, method, path, contentType, lang, body string, header ...string) answer {
	req := httptest.NewRequest(method, path, strings.NewReader(body))
	if contentType != "" {
		req.Header.Set("Content-Type", contentType)
	}
	if lang != "" {
		req.Header.Set("Accept-Language", lang)
	}
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	w := httptest.NewRecorder()
	h.ServeHTTP(w, req)
	return answer{Status: w.Code, Header: w.Header(), Body: w.Body.String()}
}

func payJSON(h http.Handler, token, card string) answer {
	b, _ := json.Marshal(map[string]string{"card_number": card})
	return serve(h, http.MethodPost, "/pay/"+token, "application/json", "", string(b))
}

func payForm(h http.Handler, token, card, lang string) answer {
	return serve(h, http.MethodPost, "/pay/"+token, "application/x-www-form-urlencoded", lang,
		url.Values{"card_number": {card}}.Encode())
}

func decode[T any](t *testing.T, a answer) T {
	t.Helper()
	var v T
	if err := json.Unmarshal([]byte(a.Body), &v); err != nil {
		t.Fatalf("decode %d %s: %v", a.Status, a.Body, err)
	}
	return v
}

type errorBody struct {
	Error Problem `json:"error"`
}

func TestPaymentPageShowsTheContractAndAmountInThePayersLanguage(t *testing.T) {
	h, pool := payRouter(t, &outcomes{})
	s, p := cardPayment(t, pool, 1_234_567_89)

	ru := serve(h, http.MethodGet, "/pay/"+p.PayToken, "", "", "")
	if ru.Status != http.StatusOK || !strings.HasPrefix(ru.Header.Get("Content-Type"), "text/html") {
		t.Fatalf("GET: %d %s", ru.Status, ru.Header.Get("Content-Type"))
	}
	for _, want := range []string{`<html lang="ru">`, "Оплата гарантии", "№ " + s.ContractNumber,
		"1\u00a0234\u00a0567,89\u00a0₽", `<form method="post"`, `name="card_number"`, "Оплатить"} {
		if !strings.Contains(ru.Body, want) {
			t.Errorf("Russian page lacks %q", want)
		}
	}
	// self-contained: nothing is fetched from anywhere, and the token stays on the page
	for _, banned := range []string{"<script", "<link", "src=", "http://", "https://", "url("} {
		if strings.Contains(ru.Body, banned) {
			t.Errorf("page contains %q", banned)
		}
	}
	csp := ru.Header.Get("Content-Security-Policy")
	if css, _, ok := strings.Cut(strings.SplitN(ru.Body, "<style>", 2)[1], "</style>"); !ok {
		t.Error("page has no style")
	} else if sum := sha256.Sum256([]byte(css)); !strings.Contains(csp, base64.StdEncoding.EncodeToString(sum[:])) {
		t.Errorf("the CSP %q does not admit the page's own style", csp)
	}
	if !strings.Contains(csp, "default-src 'none'") || ru.Header.Get("Cache-Control") != "no-store" ||
		ru.Header.Get("Referrer-Policy") != "no-referrer" {
		t.Errorf("headers: CSP %q, Cache-Control %q, Referrer-Policy %q", csp, ru.Header.Get("Cache-Control"), ru.Header.Get("Referrer-Policy"))
	}

	en := serve(h, http.MethodGet, "/pay/"+p.PayToken, "", "en-GB,en;q=0.9", "")
	for _, want := range []string{`<html lang="en">`, "Warranty payment", "RUB 1,234,567.89", "Pay"} {
		if !strings.Contains(en.Body, want) {
			t.Errorf("English page lacks %q", want)
		}
	}

	missing := serve(h, http.MethodGet, "/pay/no-such-token", "", "", "")
	if missing.Status != http.StatusNotFound || !strings.Contains(missing.Body, "Ссылка на оплату не найдена") || strings.Contains(missing.Body, "<form") {
		t.Fatalf("unknown token: %d %s", missing.Status, missing.Body)
	}
}

func TestPayingWithTestCardsOverJSON(t *testing.T) {
	told := &outcomes{}
	h, pool := payRouter(t, told)
	s, p := cardPayment(t, pool, 25_000_00)

	declined := payJSON(h, p.PayToken, "4000 0000 0000 0002")
	res := decode[payResult](t, declined)
	if declined.Status != http.StatusPaymentRequired || res.Status != "declined" || res.DeclineCode != "card_declined" || res.Message == "" {
		t.Fatalf("0002: %d %+v", declined.Status, res)
	}
	again := payJSON(h, p.PayToken, "4242424242424242")
	if again.Status != http.StatusConflict || decode[errorBody](t, again).Error.Code != "no_open_attempt" {
		t.Fatalf("pay again before the next attempt: %d %s", again.Status, again.Body)
	}

	openAttempt(t, pool, s, p, 2) // the dunning retry
	poor := payJSON(h, p.PayToken, "4000-0000-0000-9995")
	if res := decode[payResult](t, poor); poor.Status != http.StatusPaymentRequired || res.DeclineCode != "insufficient_funds" ||
		!strings.Contains(res.Message, "Недостаточно средств") {
		t.Fatalf("9995: %d %+v", poor.Status, res)
	}

	openAttempt(t, pool, s, p, 3)
	paid := payJSON(h, p.PayToken, "4242 4242 4242 4242")
	if res := decode[payResult](t, paid); paid.Status != http.StatusOK || res.Status != "succeeded" || res.DeclineCode != "" {
		t.Fatalf("4242: %d %+v", paid.Status, res)
	}
	twice := payJSON(h, p.PayToken, "4242 4242 4242 4242")
	if e := decode[errorBody](t, twice).Error; twice.Status != http.StatusConflict || e.Code != "already_paid" || e.Message == "" {
		t.Fatalf("pay twice: %d %s", twice.Status, twice.Body)
	}

	got := told.list()
	if len(got) != 3 || got[0].DeclineCode != "card_declined" || got[1].DeclineCode != "insufficient_funds" ||
		!got[2].Succeeded() || got[2].Attempt != 3 || got[2].SaleID != s.ID {
		t.Fatalf("the workflow was told %+v", got)
	}
	if pay, _ := payments.NewStore(pool).Payment(context.Background(), p.ID); pay.Status != payments.StatusSucceeded || len(pay.Attempts) != 3 {
		t.Fatalf("payment %+v", pay)
	}
}

func TestPayingWithTheFormRendersTheResult(t *testing.T) {
	h, pool := payRouter(t, &outcomes{})
	s, p := cardPayment(t, pool, 9_990_00)

	bad := payForm(h, p.PayToken, "4242 42", "")
	if bad.Status != http.StatusUnprocessableEntity || !strings.Contains(bad.Body, "от 12 до 19 цифр") || !strings.Contains(bad.Body, "<form") {
		t.Fatalf("malformed number: %d %s", bad.Status, bad.Body)
	}
	declined := payForm(h, p.PayToken, "4000000000000002", "en")
	if declined.Status != http.StatusPaymentRequired || !strings.Contains(declined.Body, "declined by the bank") || strings.Contains(declined.Body, "<form") {
		t.Fatalf("declined: %d %s", declined.Status, declined.Body)
	}
	openAttempt(t, pool, s, p, 2)
	paid := payForm(h, p.PayToken, "4242 4242 4242 4242", "")
	if paid.Status != http.StatusOK || !strings.Contains(paid.Body, "Оплата прошла успешно") || strings.Contains(paid.Body, "<form") {
		t.Fatalf("paid: %d %s", paid.Status, paid.Body)
	}
	twice := payForm(h, p.PayToken, "4242 4242 4242 4242", "")
	if twice.Status != http.StatusConflict || !strings.Contains(twice.Body, "уже оплачен") {
		t.Fatalf("pay twice: %d %s", twice.Status, twice.Body)
	}
	page := serve(h, http.MethodGet, "/pay/"+p.PayToken, "", "", "")
	if !strings.Contains(page.Body, "уже оплачен") || strings.Contains(page.Body, "<form") {
		t.Fatalf("page of a paid payment: %s", page.Body)
	}
}

func TestPaymentIsNotRecordedWhenTheWorkflowCannotBeTold(t *testing.T) {
	told := &outcomes{fail: errors.New("temporal is down")}
	h, pool := payRouter(t, told)
	_, p := cardPayment(t, pool, 1_000_00)
	down := payJSON(h, p.PayToken, "4242424242424242")
	if down.Status != http.StatusServiceUnavailable || decode[errorBody](t, down).Error.Code != "unavailable" {
		t.Fatalf("workflow unreachable: %d %s", down.Status, down.Body)
	}
	if pay, _ := payments.NewStore(pool).Payment(context.Background(), p.ID); pay.Status != payments.StatusPending {
		t.Fatalf("payment recorded although unannounced: %+v", pay)
	}
	malformed := payJSON(h, p.PayToken, "42")
	if e := decode[errorBody](t, malformed).Error; malformed.Status != http.StatusUnprocessableEntity || e.Fields["card_number"] == "" {
		t.Fatalf("malformed JSON card: %d %s", malformed.Status, malformed.Body)
	}
	told.fail = nil
	if ok := payJSON(h, p.PayToken, "4242424242424242"); ok.Status != http.StatusOK {
		t.Fatalf("after recovery: %d %s", ok.Status, ok.Body)
	}
	if unknown := payJSON(h, "no-such-token", "4242424242424242"); unknown.Status != http.StatusNotFound {
		t.Fatalf("unknown token: %d", unknown.Status)
	}
}

// stripeIntent is a sale's card payment with an attempt open at Stripe.
func stripeIntent(t *testing.T, pool *pgxpool.Pool) (paymenttest.Sale, payments.Payment, string) {
	t.Helper()
	ctx := context.Background()
	s, err := paymenttest.NewSale(ctx, pool, 0)
	if err != nil {
		t.Fatal(err)
	}
	st := payments.NewStore(pool)
	p, err := st.CreatePayment(ctx, payments.NewPayment{ID: uuid.New(), SaleID: s.ID, PartnerID: s.PartnerID,
		Purpose: payments.PurposeSale, Method: payments.MethodCard, Amount: 15_000_00})
	if err != nil {
		t.Fatal(err)
	}
	ref := "pi_" + strings.ReplaceAll(uuid.NewString(), "-", "")[:24]
	if _, err := st.AddAttempt(ctx, p.ID, 1, "stripe", ref); err != nil {
		t.Fatal(err)
	}
	return s, p, ref
}

// stripeEvent is a signed Stripe event about a PaymentIntent.
func stripeEvent(t *testing.T, typ, intent string, p payments.Payment, declineCode string, key string, at time.Time) (body, signature string) {
	t.Helper()
	obj := map[string]any{"id": intent, "object": "payment_intent", "amount": int64(p.Amount), "currency": "rub",
		"metadata": map[string]string{"payment_id": p.ID.String(), "sale_id": p.SaleID.String(), "attempt": "1"}}
	if declineCode != "" {
		obj["last_payment_error"] = map[string]string{"type": "card_error", "code": "card_declined", "decline_code": declineCode}
	}
	b, err := json.Marshal(map[string]any{"id": "evt_" + strings.ReplaceAll(uuid.NewString(), "-", ""), "object": "event",
		"type": typ, "api_version": stripe.APIVersion, "created": at.Unix(), "data": map[string]any{"object": obj}})
	if err != nil {
		t.Fatal(err)
	}
	return string(b), webhook.GenerateTestSignedPayload(&webhook.UnsignedPayload{Payload: b, Secret: key, Timestamp: at}).Header
}

func postWebhook(h http.Handler, body, signature string) answer {
	return serve(h, http.MethodPost, "/api/v1/webhooks/stripe", "application/json", "", body, "Stripe-Signature", signature)
}

func TestStripeWebhookRecordsAValidEventOnce(t *testing.T) {
	told := &outcomes{}
	h, pool := payRouter(t, told)
	s, p, ref := stripeIntent(t, pool)
	body, sig := stripeEvent(t, payments.EventIntentSucceeded, ref, p, "", testWebhookSecret, time.Now())

	first := postWebhook(h, body, sig)
	if first.Status != http.StatusOK || strings.Contains(first.Body, `"duplicate":true`) {
		t.Fatalf("valid event: %d %s", first.Status, first.Body)
	}
	duplicate := postWebhook(h, body, sig)
	if duplicate.Status != http.StatusOK || !strings.Contains(duplicate.Body, `"duplicate":true`) {
		t.Fatalf("duplicate event: %d %s", duplicate.Status, duplicate.Body)
	}
	got := told.list()
	if len(got) != 1 || !got[0].Succeeded() || got[0].PaymentID != p.ID || got[0].SaleID != s.ID || got[0].ProviderRef != ref {
		t.Fatalf("the workflow was told %+v", got)
	}
	pay, _ := payments.NewStore(pool).Payment(context.Background(), p.ID)
	if pay.Status != payments.StatusSucceeded || pay.Attempts[0].Result != payments.ResultSucceeded || pay.Reference != ref {
		t.Fatalf("payment %+v", pay)
	}
}

func TestStripeWebhookRefusesForgedStaleAndUnknownEvents(t *testing.T) {
	told := &outcomes{}
	h, pool := payRouter(t, told)
	_, p, ref := stripeIntent(t, pool)

	forgedBody, forgedSig := stripeEvent(t, payments.EventIntentSucceeded, ref, p, "", "whsec_attacker", time.Now())
	staleBody, staleSig := stripeEvent(t, payments.EventIntentSucceeded, ref, p, "", testWebhookSecret, time.Now().Add(-10*time.Minute))
	unknownBody, unknownSig := stripeEvent(t, payments.EventIntentSucceeded, "pi_never_opened", p, "", testWebhookSecret, time.Now())
	cases := []struct {
		name      string
		body, sig string
		code      string
	}{
		{"forged", forgedBody, forgedSig, "invalid_signature"},
		{"stale", staleBody, staleSig, "invalid_signature"},
		// a replay of the stale event behind a fresh timestamp: stripe-go checks the signature
		// against the last t=, which once let the first one pass the freshness check
		{"stale behind a fresh t=", staleBody, fmt.Sprintf("t=%d,", time.Now().Unix()) + staleSig, "invalid_signature"},
		{"unsigned", forgedBody, "", "invalid_signature"},
		{"unknown intent", unknownBody, unknownSig, "unknown_payment_intent"},
	}
	for _, c := range cases {
		a := postWebhook(h, c.body, c.sig)
		if e := decode[errorBody](t, a).Error; a.Status != http.StatusBadRequest || e.Code != c.code {
			t.Errorf("%s: %d %s, want 400 %s", c.name, a.Status, a.Body, c.code)
		}
	}
	if got := told.list(); len(got) != 0 {
		t.Fatalf("the workflow was told %+v", got)
	}
	if pay, _ := payments.NewStore(pool).Payment(context.Background(), p.ID); pay.Status != payments.StatusPending {
		t.Fatalf("payment moved to %s", pay.Status)
	}

	ignored, ignoredSig := stripeEvent(t, "payment_intent.created", ref, p, "", testWebhookSecret, time.Now())
	if a := postWebhook(h, ignored, ignoredSig); a.Status != http.StatusOK || !strings.Contains(a.Body, `"ignored":true`) {
		t.Fatalf("an event that ends no attempt: %d %s", a.Status, a.Body)
	}

	// a refused event is not remembered: once its intent is known, Stripe's retry is processed
	if _, err := payments.NewStore(pool).AddAttempt(context.Background(), p.ID, 2, "stripe", "pi_never_opened"); err != nil {
		t.Fatal(err)
	}
	if a := postWebhook(h, unknownBody, unknownSig); a.Status != http.StatusOK || strings.Contains(a.Body, `"duplicate":true`) {
		t.Fatalf("retry of the refused event: %d %s", a.Status, a.Body)
	}
	if got := told.list(); len(got) != 1 || got[0].Attempt != 2 || !got[0].Succeeded() {
		t.Fatalf("the workflow was told %+v", got)
	}
}

func TestStripeWebhookTellsTheWorkflowOfADecline(t *testing.T) {
	told := &outcomes{}
	h, pool := payRouter(t, told)
	_, p, ref := stripeIntent(t, pool)
	body, sig := stripeEvent(t, payments.EventIntentFailed, ref, p, "insufficient_funds", testWebhookSecret, time.Now())

	told.fail = errors.New("temporal is down")
	if a := postWebhook(h, body, sig); a.Status != http.StatusInternalServerError {
		t.Fatalf("workflow unreachable: %d %s, want 500 so that Stripe retries", a.Status, a.Body)
	}
	told.fail = nil
	if a := postWebhook(h, body, sig); a.Status != http.StatusOK || strings.Contains(a.Body, `"duplicate":true`) {
		t.Fatalf("Stripe's retry: %d %s", a.Status, a.Body)
	}
	got := told.list()
	if len(got) != 1 || got[0].Result != payments.ResultDeclined || got[0].DeclineCode != "insufficient_funds" {
		t.Fatalf("the workflow was told %+v", got)
	}
	pay, _ := payments.NewStore(pool).Payment(context.Background(), p.ID)
	if a := pay.Attempts[0]; a.Result != payments.ResultDeclined || a.DeclineCode != "insufficient_funds" {
		t.Fatalf("attempt %+v", a)
	}
}
