package payments

import (
	"errors"
	"fmt"
)

// DeclineError is a card the acquirer refused. It is a business outcome, not a failure: the
// workflow's dunning schedule retries it later as a new attempt; retrying the call at once
// would only be declined again.
type DeclineError struct {
	// Code is Stripe's decline code: card_declined, insufficient_funds, incorrect_number,
	// expired_card, …
	Code    string
	Message string
}

// Error says which decline it was.
func (e *DeclineError) Error() string {
	if e.Message == "" {
		return "card declined: " + e.Code
	}
	return fmt.Sprintf("card declined: %s: %s", e.Code, e.Message)
}

// ErrInvalidRequest is matched (errors.Is) by requests the acquirer can never accept as sent
// (a bad parameter, an unknown intent, an idempotency key reused with other parameters). It is
// a bug or a state mismatch: the activity should fail without retrying.
var ErrInvalidRequest = errors.New("invalid payment request")

// Errors of the payment page and the sandbox acquirer.
var (
	// ErrPaymentNotFound: no payment has this token or reference.
	ErrPaymentNotFound = errors.New("payment not found")
	// ErrAlreadyPaid: the payment succeeded before; nothing more is charged.
	ErrAlreadyPaid = errors.New("payment already paid")
	// ErrNoOpenAttempt: no attempt is waiting for a card — the last one was declined and the
	// next is not open yet, or the payment was voided or goes through another acquirer.
	ErrNoOpenAttempt = errors.New("no payment attempt is open")
	// ErrMalformedCard: the card number is not 12 to 19 digits; it is refused before any
	// attempt is spent.
	ErrMalformedCard = errors.New("card number is malformed")
)

// IsDecline says whether err is a card decline (see DeclineError).
func IsDecline(err error) bool {
	var d *DeclineError
	return errors.As(err, &d)
}

// DeclineCode is the decline code of a decline error, or "".
func DeclineCode(err error) string {
	var d *DeclineError
	if errors.As(err, &d) {
		return d.Code
	}
	return ""
}

// IsInvalidRequest says whether err is a request the acquirer will never accept.
func IsInvalidRequest(err error) bool { return errors.Is(err, ErrInvalidRequest) }

// IsRetryable says whether the activity's retry policy should try err again: transient
// network, rate-limit and acquirer errors are; declines and invalid requests are not.
func IsRetryable(err error) bool {
	return err != nil && !IsDecline(err) && !IsInvalidRequest(err)
}

func invalidRequest(format string, args ...any) error {
	return fmt.Errorf("%w: %s", ErrInvalidRequest, fmt.Sprintf(format, args...))
}
