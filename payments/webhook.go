package payments

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/google/uuid"
	"github.com/stripe/stripe-go/v84"
	"github.com/stripe/stripe-go/v84/webhook"

	"karso.ru/prm/db/store"
)

// WebhookTolerance is how old a signed event may be: an older one may be a replay.
const WebhookTolerance = 5 * time.Minute

// Webhook errors; each is answered 400, except ErrWebhookSecretMissing (a configuration fault).
var (
	// ErrInvalidSignature: the Stripe-Signature header is absent, malformed, or not made with
	// our secret.
	ErrInvalidSignature = errors.New("webhook signature is invalid")
	// ErrStaleEvent: the signature's timestamp is outside WebhookTolerance of now.
	ErrStaleEvent = errors.New("webhook event is too old")
	// ErrWebhookSecretMissing: STRIPE_WEBHOOK_SECRET is not set; with an empty secret anyone
	// could sign, so nothing is accepted.
	ErrWebhookSecretMissing = errors.New("STRIPE_WEBHOOK_SECRET is not set")
)

// VerifyStripeEvent checks the Stripe-Signature header of a webhook with the endpoint's secret
// and returns the event. now is the receiver's clock: a signature more than WebhookTolerance
// away from it is ErrStaleEvent.
func VerifyStripeEvent(payload []byte, sigHeader, secret string, now time.Time) (stripe.Event, error) {
	if secret == "" {
		return stripe.Event{}, ErrWebhookSecretMissing
	}
	// The tolerance is checked here against now rather than by stripe-go against the wall clock,
	// so the caller's clock decides. The event's API version may differ from stripe-go's: only
	// id, type and the intent's id, status, metadata and last error are read, which are stable.
	ev, err := webhook.ConstructEventWithOptions(payload, sigHeader, secret,
		webhook.ConstructEventOptions{IgnoreTolerance: true, IgnoreAPIVersionMismatch: true})
	switch {
	case errors.Is(err, webhook.ErrNotSigned), errors.Is(err, webhook.ErrInvalidHeader), errors.Is(err, webhook.ErrNoValidSignature):
		return stripe.Event{}, fmt.Errorf("%w: %v", ErrInvalidSignature, err)
	case err != nil:
		return stripe.Event{}, fmt.Errorf("%w: signed, but not an event: %v", ErrInvalidRequest, err)
	}
	signedAt, err := signatureTime(sigHeader)
	if err != nil {
		return stripe.Event{}, err
	}
	if age := now.Sub(signedAt); age > WebhookTolerance || age < -WebhookTolerance {
		return stripe.Event{}, fmt.Errorf("%w: signed at %s", ErrStaleEvent, signedAt.UTC().Format(time.RFC3339))
	}
	return ev, nil
}

// signatureTime reads t= of a Stripe-Signature header ("t=1495999758,v1=…") the way stripe-go
// reads it when it checks the signature (pairs split on "," then "="), and refuses a header
// with more than one t=: stripe-go signs with the last one, so a fresh t= put in front of a
// replayed event's own would otherwise pass the freshness check with the old signature.
func signatureTime(header string) (time.Time, error) {
	var at time.Time
	seen := 0
	for _, pair := range strings.Split(header, ",") {
		parts := strings.Split(pair, "=")
		if len(parts) != 2 || parts[0] != "t" {
			continue
		}
		sec, err := strconv.ParseInt(parts[1], 10, 64)
		if err != nil {
			return time.Time{}, fmt.Errorf("%w: malformed timestamp", ErrInvalidSignature)
		}
		at, seen = time.Unix(sec, 0), seen+1
	}
	switch seen {
	case 0:
		return time.Time{}, fmt.Errorf("%w: no timestamp", ErrInvalidSignature)
	case 1:
		return at, nil
	default:
		return time.Time{}, fmt.Errorf("%w: %d timestamps", ErrInvalidSignature, seen)
	}
}

// RecordWebhookEvent remembers a provider's event id and reports whether it is new; a
// duplicate delivery reports false and should change nothing. In the transaction that acts on
// the event, a concurrent duplicate waits for it and then reports false.
func RecordWebhookEvent(ctx context.Context, db store.DBTX, eventID, provider, eventType string) (bool, error) {
	n, err := store.New(db).InsertWebhookEvent(ctx, store.InsertWebhookEventParams{EventID: eventID, Provider: provider, Type: eventType})
	if err != nil {
		return false, fmt.Errorf("record webhook event %s: %w", eventID, err)
	}
	return n == 1, nil
}

// IntentEvent is what a PaymentIntent webhook says about an attempt.
type IntentEvent struct {
	IntentID string
	// PaymentID comes from the intent's metadata; uuid.Nil when it has none.
	PaymentID   uuid.UUID
	Result      AttemptResult
	DeclineCode string
	// At is when Stripe created the event.
	At time.Time
}

// The PaymentIntent events that end an attempt.
const (
	EventIntentSucceeded = "payment_intent.succeeded"
	EventIntentFailed    = "payment_intent.payment_failed"
)

// ParseIntentEvent reads a payment_intent.succeeded or .payment_failed event. ok is false for
// the event types that do not end an attempt (the webhook acknowledges and ignores them).
func ParseIntentEvent(ev stripe.Event) (e IntentEvent, ok bool, err error) {
	switch string(ev.Type) {
	case EventIntentSucceeded:
		e.Result = ResultSucceeded
	case EventIntentFailed:
		e.Result = ResultDeclined
	default:
		return IntentEvent{}, false, nil
	}
	var pi stripe.PaymentIntent
	if ev.Data == nil || json.Unmarshal(ev.Data.Raw, &pi) != nil || pi.ID == "" {
		return IntentEvent{}, false, fmt.Errorf("%w: event %s carries no payment intent", ErrInvalidRequest, ev.ID)
	}
	e.IntentID, e.At = pi.ID, time.Unix(ev.Created, 0)
	if id, err := uuid.Parse(pi.Metadata["payment_id"]); err == nil {
		e.PaymentID = id
	}
	if e.Result == ResultDeclined {
		e.DeclineCode = "card_declined"
		if le := pi.LastPaymentError; le != nil && le.DeclineCode != "" {
			e.DeclineCode = string(le.DeclineCode)
		} else if le != nil && le.Code != "" {
			e.DeclineCode = string(le.Code)
		}
	}
	return e, true, nil
}

// ResolveIntentEvent finds the attempt an intent event is about and returns its outcome. It
// answers ErrPaymentNotFound for an intent we never opened: by the metadata's payment when the
// intent has it, else by the payment whose current intent it is.
func (s *Store) ResolveIntentEvent(ctx context.Context, e IntentEvent) (Outcome, error) {
	paymentID := e.PaymentID
	if paymentID == uuid.Nil {
		p, err := s.PaymentByProviderRef(ctx, e.IntentID)
		if err != nil {
			return Outcome{}, err
		}
		paymentID = p.ID
	}
	p, err := s.Payment(ctx, paymentID)
	if err != nil {
		return Outcome{}, err
	}
	a, err := s.AttemptByRef(ctx, paymentID, e.IntentID)
	if err != nil {
		return Outcome{}, err
	}
	return Outcome{PaymentID: p.ID, SaleID: p.SaleID, Attempt: a.N, ProviderRef: e.IntentID,
		Result: e.Result, DeclineCode: e.DeclineCode, At: e.At}, nil
}
