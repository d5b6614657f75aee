package activities

import (
	"context"
	"errors"
	"fmt"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"

	"karso.ru/prm/ledger"
	"karso.ru/prm/payments"
	"karso.ru/prm/warranty"
)

// KindInvoiceSettled is the posting that moves a paid invoice from receivable to cash.
const KindInvoiceSettled ledger.Kind = "invoice_settled"

// SalePosting is the accounting of a sale whose payment succeeded.
type SalePosting struct {
	SaleID     string           `json:"SaleID"`
	PartnerID  int64            `json:"PartnerID"`
	PaymentID  string           `json:"PaymentID"`
	Method     string           `json:"Method"`
	Price      warranty.Kopecks `json:"Price"`
	Commission warranty.Kopecks `json:"Commission"`
}

// PostSalePaid posts the sale's revenue, VAT and the dealer's commission once per sale (the
// key is the sale), and for an invoice also its settlement; both in one transaction, so a
// worker that dies at any point and is retried leaves exactly one of each.
func (a *Activities) PostSalePaid(ctx context.Context, in SalePosting) (string, error) {
	paymentID, saleID, err := parseIDs(in.PaymentID, in.SaleID)
	if err != nil {
		return "", err
	}
	posting := ledger.SalePaid(ledger.SaleMoney{SaleID: saleID, PartnerID: in.PartnerID, Method: ledgerMethod(in.Method),
		Price: in.Price, Commission: in.Commission, VATBP: a.vatBP})
	id, err := a.postPaid(ctx, posting, in.Method, saleID, in.PartnerID, paymentID, in.Price)
	if err != nil {
		return "", err
	}
	return id.String(), nil
}

// AdjustmentPosting is the accounting of an upsell or a tariff change: the change of price
// and commission (negative for a downgrade).
type AdjustmentPosting struct {
	SaleID    string `json:"SaleID"`
	PartnerID int64  `json:"PartnerID"`
	// Ref names the change, so that it posts once.
	Ref string `json:"Ref"`
	// PaymentID is the payment that collected an increase (empty for a decrease).
	PaymentID       string           `json:"PaymentID"`
	Method          string           `json:"Method"`
	PriceDelta      warranty.Kopecks `json:"PriceDelta"`
	CommissionDelta warranty.Kopecks `json:"CommissionDelta"`
}

// PostAdjustment posts the re-pricing of a sale once per change; an increase paid by invoice
// is settled in the same transaction. A change that moves no money posts nothing.
func (a *Activities) PostAdjustment(ctx context.Context, in AdjustmentPosting) (string, error) {
	saleID, err := uuid.Parse(in.SaleID)
	if err != nil {
		return "", businessError(ErrTypeSaleNotFound, "bad sale id", err)
	}
	if in.PriceDelta == 0 && in.CommissionDelta == 0 {
		return "", nil
	}
	posting := ledger.Adjustment(in.Ref, ledger.SaleMoney{SaleID: saleID, PartnerID: in.PartnerID,
		Method: ledgerMethod(in.Method), Price: in.PriceDelta, Commission: in.CommissionDelta, VATBP: a.vatBP})
	var paymentID uuid.UUID
	if in.PaymentID != "" && in.PriceDelta > 0 {
		if paymentID, err = uuid.Parse(in.PaymentID); err != nil {
			return "", businessError(ErrTypeSaleNotFound, "bad payment id", err)
		}
	}
	id, err := a.postPaid(ctx, posting, in.Method, saleID, in.PartnerID, paymentID, in.PriceDelta)
	if err != nil {
		return "", err
	}
	return id.String(), nil
}

// postPaid posts p and, for money received by invoice, the invoice's settlement, in one
// transaction.
func (a *Activities) postPaid(ctx context.Context, p ledger.Posting, method string, saleID uuid.UUID, partnerID int64,
	paymentID uuid.UUID, amount warranty.Kopecks) (uuid.UUID, error) {
	var id uuid.UUID
	err := pgx.BeginFunc(ctx, a.pool, func(tx pgx.Tx) error {
		var err error
		if id, err = ledger.Post(ctx, tx, p); err != nil {
			return err
		}
		if method != payments.MethodInvoice || paymentID == uuid.Nil || amount <= 0 {
			return nil
		}
		_, err = ledger.Post(ctx, tx, invoiceSettled(saleID, partnerID, paymentID, amount))
		return err
	})
	if err != nil {
		return uuid.Nil, ledgerError(err)
	}
	return id, nil
}

// invoiceSettled moves an invoice's amount from what the partner owes to cash once the
// transfer is recorded; keyed by the payment, so it posts once.
func invoiceSettled(saleID uuid.UUID, partnerID int64, paymentID uuid.UUID, amount warranty.Kopecks) ledger.Posting {
	return ledger.Posting{IdempotencyKey: "invoice_settled:" + paymentID.String(), SaleID: saleID, PartnerID: partnerID,
		Kind: KindInvoiceSettled, Memo: "invoice paid by bank transfer",
		Entries: []ledger.Entry{{Account: ledger.Cash, Amount: amount}, {Account: ledger.Receivable, Amount: -amount}}}
}

// ReverseSalePostings reverses, once each, every posting of a cancelled sale, so that every
// account nets to zero for it. It answers how many postings the sale had.
func (a *Activities) ReverseSalePostings(ctx context.Context, saleID string) (int, error) {
	id, err := uuid.Parse(saleID)
	if err != nil {
		return 0, businessError(ErrTypeSaleNotFound, "bad sale id", err)
	}
	ids, err := a.q.SalePostingIDs(ctx, &id)
	if err != nil {
		return 0, fmt.Errorf("sale postings: %w", err)
	}
	for _, p := range ids {
		if _, err := ledger.Reverse(ctx, a.pool, p, "sale cancelled"); err != nil {
			return 0, ledgerError(err)
		}
	}
	return len(ids), nil
}

func ledgerMethod(method string) string {
	if method == payments.MethodInvoice {
		return ledger.MethodInvoice
	}
	return ledger.MethodCard
}

// ledgerError makes a posting the ledger refuses non-retryable: it is a bug, not an outage.
func ledgerError(err error) error {
	for _, bad := range []error{ledger.ErrUnbalanced, ledger.ErrNoEntries, ledger.ErrNoIdempotencyKey, ledger.ErrPostingNotFound} {
		if errors.Is(err, bad) {
			return businessError(ErrTypeLedgerInvalid, err.Error(), err)
		}
	}
	return fmt.Errorf("ledger: %w", err)
}
