package activities

import (
	"context"
	"errors"
	"fmt"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"

	"karso.ru/prm/db/store"
	"karso.ru/prm/payments"
)

// OutcomeCheck is a payment outcome the sale's workflow was signalled, to be confirmed.
type OutcomeCheck struct {
	PaymentID string                 `json:"payment_id"`
	Attempt   int                    `json:"attempt"`
	Result    payments.AttemptResult `json:"result"`
}

// ConfirmPaymentOutcome says whether PostgreSQL holds the same result for the attempt. A signal
// can come from anyone who reaches Temporal; the money's facts are what the pay page and the
// verified provider webhook recorded, so a success nobody recorded activates nothing.
func (a *Activities) ConfirmPaymentOutcome(ctx context.Context, in OutcomeCheck) (bool, error) {
	id, err := uuid.Parse(in.PaymentID)
	if err != nil {
		return false, nil
	}
	result, err := a.q.AttemptResult(ctx, store.AttemptResultParams{PaymentID: id, N: int32(in.Attempt)})
	if errors.Is(err, pgx.ErrNoRows) {
		return false, nil
	}
	if err != nil {
		return false, fmt.Errorf("confirm payment outcome: %w", err)
	}
	if result == string(payments.ResultPending) && in.Result != payments.ResultPending {
		// the pay page signals inside the transaction that records the result: a moment
		// later it is there; the workflow's retries wait for it, then give up
		return false, ErrOutcomeNotRecordedYet
	}
	return result == string(in.Result), nil
}

// ErrOutcomeNotRecordedYet: the attempt is still pending in PostgreSQL; retried.
var ErrOutcomeNotRecordedYet = errors.New("confirm payment outcome: the attempt's result is not recorded yet")
