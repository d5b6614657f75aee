// Package payments takes a sale's money: card payments through an acquirer (Stripe, or the
// built-in sandbox with Stripe's test cards), provider webhooks, and the payment records finance
// works with. Each card attempt is an intent created with an idempotency key made from the
// payment and the attempt number, so a retried activity never charges twice.
//
// Errors tell the caller what to do: a *DeclineError is a business outcome for the workflow's
// dunning schedule, an error matching ErrInvalidRequest is a bug no retry can fix, and any
// other error is transient and left to the activity's retry policy.
package payments

import (
	"context"
	"crypto/rand"
	"encoding/base64"
	"fmt"
	"strings"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5/pgxpool"

	"karso.ru/prm/config"
	"karso.ru/prm/warranty"
)

// Provider is the acquirer card payments go through; one per process, chosen by NewProvider.
type Provider interface {
	// Name is stored with each payment ("stripe" or "sandbox").
	Name() string
	// CreateIntent opens the intent of one attempt. Called again with the same payment and
	// attempt it returns the same intent instead of a second one.
	CreateIntent(ctx context.Context, req IntentRequest) (Intent, error)
	// Cancel voids an open intent, so it can no longer be paid.
	Cancel(ctx context.Context, providerRef string) error
	// Refund returns amount of a captured intent; idempotencyKey makes a retried refund
	// return the first refund's reference.
	Refund(ctx context.Context, providerRef string, amount warranty.Kopecks, idempotencyKey string) (refundRef string, err error)
}

// IntentRequest asks for the intent of one payment attempt.
type IntentRequest struct {
	PaymentID     uuid.UUID
	SaleID        uuid.UUID
	Attempt       int
	AmountKopecks warranty.Kopecks
	// Description appears on the customer's statement and in the acquirer's dashboard.
	Description   string
	CustomerEmail string
}

// Intent is an acquirer's intent to collect one attempt's amount.
type Intent struct {
	ProviderRef string
	// Status is in Stripe's words: requires_payment_method until paid, then succeeded.
	Status string
	// ClientSecret lets a Stripe payment page confirm the intent; empty for the sandbox.
	ClientSecret string
}

// Intent statuses the sandbox reports, named as Stripe names them.
const (
	IntentOpen      = "requires_payment_method"
	IntentSucceeded = "succeeded"
	IntentCanceled  = "canceled"
)

// IdempotencyKey is the key of one attempt of a payment: the same on every retry of the
// activity that opens it, different for the next dunning attempt.
func IdempotencyKey(paymentID uuid.UUID, attempt int) string {
	return fmt.Sprintf("karso-payment-%s-attempt-%d", paymentID, attempt)
}

// NewProvider picks the process's acquirer: Stripe when STRIPE_SECRET_KEY is set, otherwise the
// sandbox that keeps its intents in the database.
func NewProvider(cfg config.Config, pool *pgxpool.Pool) Provider {
	if cfg.StripeSecretKey != "" {
		return NewStripe(StripeOptions{SecretKey: cfg.StripeSecretKey, APIBase: cfg.StripeAPIBase})
	}
	return NewSandbox(pool)
}

// OpenAttempt opens attempt n of a card payment and records it: the intent first (idempotent at
// the acquirer), then the attempt row (idempotent by key). It is what the payment activity runs
// for the first attempt and for every dunning retry.
func OpenAttempt(ctx context.Context, p Provider, st *Store, req IntentRequest) (Intent, error) {
	intent, err := p.CreateIntent(ctx, req)
	if err != nil {
		return Intent{}, err
	}
	if _, err := st.AddAttempt(ctx, req.PaymentID, req.Attempt, p.Name(), intent.ProviderRef); err != nil {
		return Intent{}, err
	}
	return intent, nil
}

// AttemptResult is how an attempt ended, as stored in payment_attempts.result.
type AttemptResult string

// The results of an attempt.
const (
	ResultPending   AttemptResult = "pending"
	ResultSucceeded AttemptResult = "succeeded"
	ResultDeclined  AttemptResult = "declined"
	ResultVoided    AttemptResult = "voided"
)

// Outcome is what became of a payment attempt: the fact the sale's workflow is signalled with.
type Outcome struct {
	PaymentID   uuid.UUID     `json:"payment_id"`
	SaleID      uuid.UUID     `json:"sale_id"`
	Attempt     int           `json:"attempt"`
	ProviderRef string        `json:"provider_ref"`
	Result      AttemptResult `json:"result"`
	// DeclineCode is Stripe's: card_declined, insufficient_funds, incorrect_number, expired_card…
	DeclineCode string    `json:"decline_code,omitempty"`
	At          time.Time `json:"at"`
}

// Succeeded says whether the money was taken.
func (o Outcome) Succeeded() bool { return o.Result == ResultSucceeded }

// NewPayToken is the secret in a payment page's address: whoever has the link may pay.
func NewPayToken() string {
	var b [24]byte
	_, _ = rand.Read(b[:])
	return base64.RawURLEncoding.EncodeToString(b[:])
}

// PayURL is the customer's payment page for a token, under the public base URL.
func PayURL(publicURL, token string) string {
	return strings.TrimRight(publicURL, "/") + "/pay/" + token
}

// both acquirers are Providers
var (
	_ Provider = (*Stripe)(nil)
	_ Provider = (*Sandbox)(nil)
)
