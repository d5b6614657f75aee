package payments_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/stripe/stripe-go/v84"
	"github.com/stripe/stripe-go/v84/webhook"

	"karso.ru/prm/payments"
)

const secret = "whsec_test_secret"

// intentEvent is a Stripe event about a PaymentIntent, as Stripe sends it.
func intentEvent(t *testing.T, id, typ, intent string, metadata map[string]string, lastError map[string]string) []byte {
	t.Helper()
	obj := map[string]any{"id": intent, "object": "payment_intent", "amount": 100, "currency": "rub", "metadata": metadata}
	if lastError != nil {
		obj["last_payment_error"] = lastError
	}
	b, err := json.Marshal(map[string]any{"id": id, "object": "event", "type": typ, "api_version": stripe.APIVersion,
		"created": time.Now().Unix(), "data": map[string]any{"object": obj}})
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func sign(payload []byte, key string, at time.Time) string {
	return webhook.GenerateTestSignedPayload(&webhook.UnsignedPayload{Payload: payload, Secret: key, Timestamp: at}).Header
}

func TestVerifyStripeEventAcceptsOnlyFreshEventsSignedWithOurSecret(t *testing.T) {
	now := time.Now()
	payload := intentEvent(t, "evt_1", payments.EventIntentSucceeded, "pi_1", nil, nil)
	ev, err := payments.VerifyStripeEvent(payload, sign(payload, secret, now.Add(-time.Minute)), secret, now)
	if err != nil || ev.ID != "evt_1" || string(ev.Type) != payments.EventIntentSucceeded {
		t.Fatalf("valid event: %+v %v", ev, err)
	}
	refused := []struct {
		name   string
		header string
		secret string
		want   error
	}{
		{"forged", sign(payload, "whsec_someone_else", now), secret, payments.ErrInvalidSignature},
		{"unsigned", "", secret, payments.ErrInvalidSignature},
		{"garbage header", "t=abc,v1", secret, payments.ErrInvalidSignature},
		{"stale", sign(payload, secret, now.Add(-6*time.Minute)), secret, payments.ErrStaleEvent},
		{"from the future", sign(payload, secret, now.Add(6*time.Minute)), secret, payments.ErrStaleEvent},
		{"no secret configured", sign(payload, "", now), "", payments.ErrWebhookSecretMissing},
		// a replay of an old event with a fresh t= in front of its own: stripe-go checks the
		// signature against the last t=, so the first must not pass for its freshness
		{"replay behind a fresh timestamp", fmt.Sprintf("t=%d,", now.Unix()) + sign(payload, secret, now.Add(-time.Hour)),
			secret, payments.ErrInvalidSignature},
		{"fresh timestamp after the signed one", sign(payload, secret, now.Add(-time.Hour)) + fmt.Sprintf(",t=%d", now.Unix()),
			secret, payments.ErrInvalidSignature},
	}
	for _, c := range refused {
		if _, err := payments.VerifyStripeEvent(payload, c.header, c.secret, now); !errors.Is(err, c.want) {
			t.Errorf("%s: %v, want %v", c.name, err, c.want)
		}
	}
	tampered := append([]byte{}, payload...)
	tampered[len(tampered)-2] = ' '
	if _, err := payments.VerifyStripeEvent(tampered, sign(payload, secret, now), secret, now); !errors.Is(err, payments.ErrInvalidSignature) {
		t.Errorf("tampered body: %v", err)
	}
}

func TestRecordWebhookEventSeesEachEventOnce(t *testing.T) {
	ctx := context.Background()
	id := "evt_" + uuid.NewString()
	for i, want := range []bool{true, false} {
		fresh, err := payments.RecordWebhookEvent(ctx, pool, id, "stripe", payments.EventIntentSucceeded)
		if err != nil || fresh != want {
			t.Fatalf("delivery %d: fresh %v err %v", i+1, fresh, err)
		}
	}
}

func TestIntentEventsResolveToTheirAttempt(t *testing.T) {
	ctx := context.Background()
	st := payments.NewStore(pool)
	s := newSale(t, 0)
	p := newPayment(t, s, payments.MethodCard, 100)
	if _, err := st.AddAttempt(ctx, p.ID, 1, "stripe", "pi_a1_"+p.ID.String()[:8]); err != nil {
		t.Fatal(err)
	}
	pi2 := "pi_a2_" + p.ID.String()[:8]
	if _, err := st.AddAttempt(ctx, p.ID, 2, "stripe", pi2); err != nil {
		t.Fatal(err)
	}
	meta := map[string]string{"payment_id": p.ID.String(), "sale_id": s.ID.String(), "attempt": "1"}

	ev := event(t, intentEvent(t, "evt_f", payments.EventIntentFailed, "pi_a1_"+p.ID.String()[:8], meta,
		map[string]string{"type": "card_error", "code": "card_declined", "decline_code": "insufficient_funds"}))
	e, ok, err := payments.ParseIntentEvent(ev)
	if err != nil || !ok {
		t.Fatalf("parse: %v %v", ok, err)
	}
	o, err := st.ResolveIntentEvent(ctx, e)
	if err != nil || o.Attempt != 1 || o.Result != payments.ResultDeclined || o.DeclineCode != "insufficient_funds" || o.SaleID != s.ID {
		t.Fatalf("failed event: %+v %v", o, err)
	}

	// without our metadata the intent is found as the payment's current one
	e, _, _ = payments.ParseIntentEvent(event(t, intentEvent(t, "evt_s", payments.EventIntentSucceeded, pi2, nil, nil)))
	if o, err := st.ResolveIntentEvent(ctx, e); err != nil || o.Attempt != 2 || !o.Succeeded() {
		t.Fatalf("succeeded event: %+v %v", o, err)
	}

	e, _, _ = payments.ParseIntentEvent(event(t, intentEvent(t, "evt_u", payments.EventIntentSucceeded, "pi_never_opened", meta, nil)))
	if _, err := st.ResolveIntentEvent(ctx, e); !errors.Is(err, payments.ErrPaymentNotFound) {
		t.Fatalf("unknown intent: %v", err)
	}
	if _, ok, err := payments.ParseIntentEvent(event(t, intentEvent(t, "evt_c", "payment_intent.created", pi2, meta, nil))); ok || err != nil {
		t.Fatalf("an event that ends no attempt: %v %v", ok, err)
	}
}

func event(t *testing.T, payload []byte) stripe.Event {
	t.Helper()
	ev, err := payments.VerifyStripeEvent(payload, sign(payload, secret, time.Now()), secret, time.Now())
	if err != nil {
		t.Fatal(err)
	}
	return ev
}
