package payments

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"karso.ru/prm/db/store"
	"karso.ru/prm/warranty"
)

// testCards are the sandbox's cards, Stripe's test numbers with Stripe's outcomes: the decline
// code, or "" for a card that pays. Any other well-formed number is declined incorrect_number.
var testCards = map[string]string{
	"4242424242424242": "",
	"5555555555554444": "",
	"4000000000000002": "card_declined",
	"4000000000009995": "insufficient_funds",
	"4000000000000069": "expired_card",
}

// Sandbox is the built-in acquirer for `make run` and tests. Its intents are the payment and
// attempt rows in PostgreSQL, so an intent opened before a restart can be paid after it; the
// customer pays on the payment page, which calls Charge.
type Sandbox struct {
	pool *pgxpool.Pool
	now  func() time.Time
}

// NewSandbox builds the sandbox acquirer on the application's database.
func NewSandbox(pool *pgxpool.Pool) *Sandbox {
	return &Sandbox{pool: pool, now: time.Now}
}

// Name implements Provider.
func (s *Sandbox) Name() string { return "sandbox" }

// CreateIntent opens the attempt's intent: an attempt row keyed by the attempt's idempotency
// key, whose reference is derived from that key, so a retry finds the same intent.
func (s *Sandbox) CreateIntent(ctx context.Context, req IntentRequest) (Intent, error) {
	st := NewStore(s.pool)
	p, err := st.Payment(ctx, req.PaymentID)
	if errors.Is(err, ErrPaymentNotFound) {
		return Intent{}, invalidRequest("payment %s does not exist", req.PaymentID)
	}
	if err != nil {
		return Intent{}, err
	}
	if req.AmountKopecks <= 0 || req.AmountKopecks != p.Amount {
		return Intent{}, invalidRequest("amount %d kopecks does not match payment %s of %d", req.AmountKopecks, p.ID, p.Amount)
	}
	if req.Attempt < 1 {
		return Intent{}, invalidRequest("attempt %d is not positive", req.Attempt)
	}
	ref := sandboxRef("pi_sbx_", IdempotencyKey(req.PaymentID, req.Attempt))
	a, err := st.AddAttempt(ctx, req.PaymentID, req.Attempt, s.Name(), ref)
	if err != nil {
		return Intent{}, err
	}
	return Intent{ProviderRef: a.ProviderRef, Status: intentStatus(a.Result)}, nil
}

// Cancel voids the open attempt of an intent. Cancelling it again, or after a decline, does
// nothing; cancelling a paid intent is refused, as Stripe refuses it.
func (s *Sandbox) Cancel(ctx context.Context, providerRef string) error {
	n, err := store.New(s.pool).VoidOpenAttempt(ctx, providerRef)
	if err != nil {
		return fmt.Errorf("void sandbox intent: %w", err)
	}
	if n > 0 {
		return nil
	}
	a, err := s.attempt(ctx, providerRef)
	if err != nil {
		return err
	}
	if a.Result == ResultSucceeded {
		return invalidRequest("intent %s succeeded and cannot be canceled; refund it", providerRef)
	}
	return nil
}

// Refund accepts a refund of a paid intent up to its amount; the refund's reference is derived
// from the idempotency key, so a retry returns the same one.
func (s *Sandbox) Refund(ctx context.Context, providerRef string, amount warranty.Kopecks, idempotencyKey string) (string, error) {
	p, err := NewStore(s.pool).PaymentByProviderRef(ctx, providerRef)
	if errors.Is(err, ErrPaymentNotFound) {
		return "", invalidRequest("no sandbox intent %s", providerRef)
	}
	if err != nil {
		return "", err
	}
	if p.Status != StatusSucceeded && p.Status != StatusRefunded {
		return "", invalidRequest("intent %s is not paid (%s)", providerRef, p.Status)
	}
	if amount <= 0 || amount > p.Amount {
		return "", invalidRequest("refund of %d kopecks outside 1..%d", amount, p.Amount)
	}
	if idempotencyKey == "" {
		return "", invalidRequest("refund without an idempotency key")
	}
	return sandboxRef("re_sbx_", idempotencyKey), nil
}

// Charge pays the open attempt of the payment page's token with a test card and records the
// result (see ChargeAndNotify).
func (s *Sandbox) Charge(ctx context.Context, token, cardNumber string) (Outcome, error) {
	return s.ChargeAndNotify(ctx, token, cardNumber, nil)
}

// ChargeAndNotify charges like Charge and calls notify with the outcome before the result is
// committed: when notify fails nothing is recorded and the customer may pay again, so the
// workflow hears of every recorded outcome at least once.
//
// It answers ErrMalformedCard (nothing spent), ErrPaymentNotFound, ErrAlreadyPaid, or
// ErrNoOpenAttempt; a declined card is not an error but an Outcome with a decline code.
func (s *Sandbox) ChargeAndNotify(ctx context.Context, token, cardNumber string, notify func(context.Context, Outcome) error) (Outcome, error) {
	number, ok := NormalizeCardNumber(cardNumber)
	if !ok {
		return Outcome{}, ErrMalformedCard
	}
	var o Outcome
	err := pgx.BeginFunc(ctx, s.pool, func(tx pgx.Tx) error {
		var err error
		if o, err = s.openAttempt(ctx, store.New(tx), token); err != nil {
			return err
		}
		o.Result, o.DeclineCode, o.At = ResultSucceeded, "", s.now()
		if code, known := testCards[number]; !known {
			o.Result, o.DeclineCode = ResultDeclined, "incorrect_number"
		} else if code != "" {
			o.Result, o.DeclineCode = ResultDeclined, code
		}
		if _, err := NewStore(tx).RecordOutcome(ctx, o); err != nil {
			return err
		}
		if notify != nil {
			return notify(ctx, o)
		}
		return nil
	})
	if err != nil {
		return Outcome{}, fmt.Errorf("charge: %w", err)
	}
	return o, nil
}

// openAttempt locks the token's payment and finds the attempt waiting for a card.
func (s *Sandbox) openAttempt(ctx context.Context, q *store.Queries, token string) (Outcome, error) {
	p, err := q.LockPaymentByToken(ctx, &token)
	if errors.Is(err, pgx.ErrNoRows) {
		return Outcome{}, ErrPaymentNotFound
	}
	if err != nil {
		return Outcome{}, err
	}
	switch {
	case p.Status == StatusSucceeded:
		return Outcome{}, ErrAlreadyPaid
	case p.Status == StatusRefunded || p.Status == StatusVoided || p.Provider != s.Name():
		return Outcome{}, ErrNoOpenAttempt
	}
	a, err := q.GetLatestAttempt(ctx, p.ID)
	if errors.Is(err, pgx.ErrNoRows) || err == nil && a.Result != string(ResultPending) {
		return Outcome{}, ErrNoOpenAttempt
	}
	if err != nil {
		return Outcome{}, err
	}
	return Outcome{PaymentID: p.ID, SaleID: p.SaleID, Attempt: int(a.N), ProviderRef: a.ProviderRef}, nil
}

// attempt finds the attempt behind a sandbox intent reference.
func (s *Sandbox) attempt(ctx context.Context, providerRef string) (Attempt, error) {
	st := NewStore(s.pool)
	p, err := st.PaymentByProviderRef(ctx, providerRef)
	if err == nil {
		var a Attempt
		if a, err = st.AttemptByRef(ctx, p.ID, providerRef); err == nil {
			return a, nil
		}
	}
	if errors.Is(err, ErrPaymentNotFound) {
		return Attempt{}, invalidRequest("no sandbox intent %s", providerRef)
	}
	return Attempt{}, err
}

// NormalizeCardNumber strips the spaces and dashes people type and checks that 12 to 19 digits
// remain.
func NormalizeCardNumber(s string) (string, bool) {
	var b strings.Builder
	for _, r := range s {
		switch {
		case r >= '0' && r <= '9':
			b.WriteRune(r)
		case r == ' ' || r == '-' || r == '\u00a0':
		default:
			return "", false
		}
	}
	n := b.String()
	return n, len(n) >= 12 && len(n) <= 19
}

func intentStatus(r AttemptResult) string {
	switch r {
	case ResultSucceeded:
		return IntentSucceeded
	case ResultVoided:
		return IntentCanceled
	default:
		return IntentOpen
	}
}

// sandboxRef derives a Stripe-looking reference from an idempotency key.
func sandboxRef(prefix, key string) string {
	sum := sha256.Sum256([]byte(key))
	return prefix + hex.EncodeToString(sum[:12])
}
