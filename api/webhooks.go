package api

import (
	"errors"
	"net/http"

	"github.com/gin-gonic/gin"
	"github.com/jackc/pgx/v5"

	"karso.ru/prm/payments"
)

// stripeWebhook receives Stripe's events: it checks the signature, acknowledges events that end
// no attempt, refuses (400) an intent we never opened, and records each attempt's outcome once
// per event id, telling the workflow in the same transaction. Stripe retries any non-2xx answer,
// so a failure to tell the workflow answers 500 and records nothing.
func (h *payHandlers) stripeWebhook(c *gin.Context) {
	ctx := c.Request.Context()
	payload, err := c.GetRawData()
	if err != nil {
		fail(c, http.StatusRequestEntityTooLarge, "body_too_large")
		return
	}
	ev, err := payments.VerifyStripeEvent(payload, c.GetHeader("Stripe-Signature"), h.cfg.StripeWebhookSecret, h.now())
	switch {
	case errors.Is(err, payments.ErrWebhookSecretMissing):
		h.log.ErrorContext(ctx, "stripe webhook refused: STRIPE_WEBHOOK_SECRET is not set")
		failPay(c, http.StatusServiceUnavailable, "webhooks_not_configured")
		return
	case errors.Is(err, payments.ErrInvalidSignature), errors.Is(err, payments.ErrStaleEvent):
		h.log.WarnContext(ctx, "stripe webhook refused", "err", err, "ip", c.ClientIP())
		failPay(c, http.StatusBadRequest, "invalid_signature")
		return
	case err != nil:
		failPay(c, http.StatusBadRequest, "malformed_event")
		return
	}
	e, ends, err := payments.ParseIntentEvent(ev)
	if err != nil {
		failPay(c, http.StatusBadRequest, "malformed_event")
		return
	}
	if !ends {
		c.JSON(http.StatusOK, gin.H{"received": true, "ignored": true})
		return
	}

	var duplicate bool
	err = pgx.BeginFunc(ctx, h.pool, func(tx pgx.Tx) error {
		st := payments.NewStore(tx)
		o, err := st.ResolveIntentEvent(ctx, e)
		if err != nil {
			return err
		}
		fresh, err := payments.RecordWebhookEvent(ctx, tx, ev.ID, "stripe", string(ev.Type))
		if err != nil {
			return err
		}
		if !fresh {
			duplicate = true
			return nil
		}
		changed, err := st.RecordOutcome(ctx, o)
		if err != nil || !changed {
			return err
		}
		return h.onOutcome(ctx, o.PaymentID, o)
	})
	switch {
	case errors.Is(err, payments.ErrPaymentNotFound):
		h.log.WarnContext(ctx, "stripe webhook for an unknown payment intent", "event", ev.ID, "intent", e.IntentID)
		failPay(c, http.StatusBadRequest, "unknown_payment_intent")
	case err != nil:
		h.failInternal(c, err)
	default:
		c.JSON(http.StatusOK, gin.H{"received": true, "duplicate": duplicate})
	}
}
