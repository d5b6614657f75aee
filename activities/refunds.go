package activities

import (
	"context"
	"time"

	"github.com/google/uuid"

	"karso.ru/prm/ledger"
	"karso.ru/prm/payments"
	"karso.ru/prm/warranty"
)

// RefundRequest returns part or all of a payment that was captured.
type RefundRequest struct {
	SaleID    string           `json:"SaleID"`
	PartnerID int64            `json:"PartnerID"`
	PaymentID string           `json:"PaymentID"`
	Method    string           `json:"Method"`
	Amount    warranty.Kopecks `json:"Amount"`
	// Key makes the refund happen once: the acquirer's idempotency key, and for a bank
	// transfer the id of the refund payment.
	Key string `json:"Key"`
	// Full ends the payment as refunded.
	Full bool `json:"Full"`
	// PostRefundPaid posts the refund leaving the company (a downgrade); a cancellation's
	// refund is accounted by reversing the sale's postings instead.
	PostRefundPaid bool `json:"PostRefundPaid"`
}

// Refund names a refund made.
type Refund struct {
	Ref string `json:"Ref"`
}

// RefundPayment refunds a card payment at the acquirer, or records the bank transfer back to
// the partner of an invoice payment as a refund payment in finance's list. Retried, it
// refunds once.
func (a *Activities) RefundPayment(ctx context.Context, in RefundRequest) (Refund, error) {
	paymentID, saleID, err := parseIDs(in.PaymentID, in.SaleID)
	if err != nil {
		return Refund{}, err
	}
	if in.Key == "" || in.Amount <= 0 {
		return Refund{}, businessError(ErrTypePaymentRejected, "a refund needs a key and a positive amount", nil)
	}
	st := payments.NewStore(a.pool)
	var ref string
	if in.Method == payments.MethodInvoice {
		ref, err = a.recordTransferBack(ctx, st, in, saleID)
	} else {
		ref, err = a.refundCard(ctx, st, in, paymentID)
	}
	if err != nil {
		return Refund{}, err
	}
	if in.Full {
		if err := st.SetStatus(ctx, paymentID, payments.StatusRefunded, nil); err != nil {
			return Refund{}, statusError(err)
		}
	}
	if in.PostRefundPaid {
		if _, err := ledger.Post(ctx, a.pool, ledger.RefundPaid(saleID, in.PartnerID, ref, in.Amount)); err != nil {
			return Refund{}, ledgerError(err)
		}
	}
	return Refund{Ref: ref}, nil
}

func (a *Activities) refundCard(ctx context.Context, st *payments.Store, in RefundRequest, paymentID uuid.UUID) (string, error) {
	p, err := st.Payment(ctx, paymentID)
	if err != nil {
		return "", statusError(err)
	}
	ref, err := a.payments.Refund(ctx, p.ProviderRef, in.Amount, in.Key)
	if err != nil {
		return "", acquirerError("refund", err)
	}
	return ref, nil
}

// recordTransferBack records the money finance transfers back to the partner: a refund
// payment, paid at once, so that it shows in finance's list with its amount.
func (a *Activities) recordTransferBack(ctx context.Context, st *payments.Store, in RefundRequest, saleID uuid.UUID) (string, error) {
	id := RefundPaymentID(in.Key)
	_, err := st.CreatePayment(ctx, payments.NewPayment{ID: id, SaleID: saleID, PartnerID: in.PartnerID,
		Purpose: payments.PurposeRefund, Method: payments.MethodInvoice, Amount: in.Amount})
	if err != nil {
		return "", err
	}
	if err := st.MarkPaid(ctx, id, time.Now(), "refund of payment "+in.PaymentID); err != nil {
		return "", statusError(err)
	}
	return id.String(), nil
}

// RefundPaymentID is the id of the refund payment a refund key records.
func RefundPaymentID(key string) uuid.UUID {
	return uuid.NewSHA1(uuid.NameSpaceURL, []byte("karso:refund:"+key))
}
