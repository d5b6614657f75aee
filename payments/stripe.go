package payments

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"time"

	"github.com/stripe/stripe-go/v84"

	"karso.ru/prm/warranty"
)

// currencyRUB is the currency of every intent; amounts are kopecks, RUB's minor unit.
const currencyRUB = "rub"

// StripeOptions configure the Stripe provider.
type StripeOptions struct {
	SecretKey string
	// APIBase overrides https://api.stripe.com (stripe-mock in tests).
	APIBase string
	// HTTPClient defaults to one with a 30 s timeout.
	HTTPClient *http.Client
}

// Stripe is the production acquirer, through stripe-go.
type Stripe struct {
	client *stripe.Client
}

// NewStripe builds the provider. stripe-go's own network retries are off: retries belong to the
// activity's retry policy, where they show in the sale's history and share one backoff.
func NewStripe(o StripeOptions) *Stripe {
	hc := o.HTTPClient
	if hc == nil {
		hc = &http.Client{Timeout: 30 * time.Second}
	}
	cfg := &stripe.BackendConfig{
		HTTPClient:        hc,
		MaxNetworkRetries: stripe.Int64(0),
		// errors are returned and logged by the caller; the SDK's own log would duplicate them
		LeveledLogger: &stripe.LeveledLogger{Level: stripe.LevelNull},
	}
	if o.APIBase != "" {
		cfg.URL = stripe.String(o.APIBase)
	}
	return &Stripe{client: stripe.NewClient(o.SecretKey, stripe.WithBackends(stripe.NewBackendsWithConfig(cfg)))}
}

// Name implements Provider.
func (s *Stripe) Name() string { return "stripe" }

// CreateIntent creates a card PaymentIntent in roubles. Its idempotency key makes Stripe answer
// a repeated request (for 24 hours) with the intent it created the first time; the metadata
// lets a webhook find the payment and attempt again.
func (s *Stripe) CreateIntent(ctx context.Context, req IntentRequest) (Intent, error) {
	if req.AmountKopecks <= 0 {
		return Intent{}, invalidRequest("amount %d kopecks is not positive", req.AmountKopecks)
	}
	params := &stripe.PaymentIntentCreateParams{
		Amount:             stripe.Int64(int64(req.AmountKopecks)),
		Currency:           stripe.String(currencyRUB),
		PaymentMethodTypes: []*string{stripe.String("card")},
		Metadata: map[string]string{
			"sale_id":    req.SaleID.String(),
			"payment_id": req.PaymentID.String(),
			"attempt":    strconv.Itoa(req.Attempt),
		},
	}
	if req.Description != "" {
		params.Description = stripe.String(req.Description)
	}
	if req.CustomerEmail != "" {
		params.ReceiptEmail = stripe.String(req.CustomerEmail)
	}
	params.SetIdempotencyKey(IdempotencyKey(req.PaymentID, req.Attempt))
	pi, err := s.client.V1PaymentIntents.Create(ctx, params)
	if err != nil {
		return Intent{}, fmt.Errorf("create payment intent: %w", stripeError(err))
	}
	return Intent{ProviderRef: pi.ID, Status: string(pi.Status), ClientSecret: pi.ClientSecret}, nil
}

// Cancel voids an open PaymentIntent. The key derived from the intent makes a retried cancel
// replay the first answer instead of failing on an intent that is already canceled.
func (s *Stripe) Cancel(ctx context.Context, providerRef string) error {
	params := &stripe.PaymentIntentCancelParams{}
	params.SetIdempotencyKey("karso-cancel-" + providerRef)
	if _, err := s.client.V1PaymentIntents.Cancel(ctx, providerRef, params); err != nil {
		return fmt.Errorf("cancel payment intent %s: %w", providerRef, stripeError(err))
	}
	return nil
}

// Refund returns amount of a captured PaymentIntent.
func (s *Stripe) Refund(ctx context.Context, providerRef string, amount warranty.Kopecks, idempotencyKey string) (string, error) {
	if amount <= 0 {
		return "", invalidRequest("refund amount %d kopecks is not positive", amount)
	}
	params := &stripe.RefundCreateParams{PaymentIntent: stripe.String(providerRef), Amount: stripe.Int64(int64(amount))}
	params.SetIdempotencyKey(idempotencyKey)
	re, err := s.client.V1Refunds.Create(ctx, params)
	if err != nil {
		return "", fmt.Errorf("refund payment intent %s: %w", providerRef, stripeError(err))
	}
	return re.ID, nil
}

// stripeError sorts a stripe-go error into the package's three kinds. Rate limits, lock
// timeouts, a key still in use, 5xx, authentication and network errors stay plain (transient):
// a retry, or an operator fixing the key, makes them pass.
func stripeError(err error) error {
	var se *stripe.Error
	if !errors.As(err, &se) {
		return err
	}
	switch {
	case se.Type == stripe.ErrorTypeCard:
		code := string(se.DeclineCode)
		if code == "" {
			code = string(se.Code)
		}
		return &DeclineError{Code: code, Message: se.Msg}
	case se.HTTPStatusCode == http.StatusTooManyRequests || se.Code == stripe.ErrorCodeLockTimeout ||
		se.Code == stripe.ErrorCodeIdempotencyKeyInUse || // the same request is still running at Stripe
		se.HTTPStatusCode == http.StatusUnauthorized || se.HTTPStatusCode == http.StatusForbidden:
		return err
	case se.Type == stripe.ErrorTypeInvalidRequest || se.Type == stripe.ErrorTypeIdempotency:
		return fmt.Errorf("%w: %s (param %q, request %s)", ErrInvalidRequest, se.Msg, se.Param, se.RequestID)
	default:
		return err
	}
}
