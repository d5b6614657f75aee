package activities

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"

	"karso.ru/prm/documents"
	"karso.ru/prm/ledger"
	"karso.ru/prm/mail"
	"karso.ru/prm/payments"
	"karso.ru/prm/warranty"
)

// PaymentTerms are how a partner pays for its sales: by card before the contract takes
// effect, or by invoice with a deferral, within a credit limit.
type PaymentTerms struct {
	Method       string           `json:"Method"`
	DeferralDays int              `json:"DeferralDays"`
	CreditLimit  warranty.Kopecks `json:"CreditLimit"`
}

// PaymentTerms reads the partner's payment terms; the sale's payment is collected by them.
func (a *Activities) PaymentTerms(ctx context.Context, partnerID int64) (PaymentTerms, error) {
	row, err := a.q.PartnerPaymentTerms(ctx, partnerID)
	if errors.Is(err, pgx.ErrNoRows) {
		return PaymentTerms{}, businessError(ErrTypePartnerNotFound, fmt.Sprintf("partner %d is gone", partnerID), err)
	}
	if err != nil {
		return PaymentTerms{}, fmt.Errorf("payment terms: %w", err)
	}
	return PaymentTerms{Method: row.PaymentMethod, DeferralDays: int(row.DeferralDays),
		CreditLimit: warranty.Kopecks(row.CreditLimitKopecks)}, nil
}

// CardAttemptRequest opens attempt Attempt of a card payment; the first attempt also creates
// the payment.
type CardAttemptRequest struct {
	PaymentID string `json:"PaymentID"`
	SaleID    string `json:"SaleID"`
	PartnerID int64  `json:"PartnerID"`
	// Purpose is payments.PurposeSale or payments.PurposeUpsell.
	Purpose string           `json:"Purpose"`
	Amount  warranty.Kopecks `json:"Amount"`
	Attempt int              `json:"Attempt"`
	// PreviousRef is the intent of the attempt before, cancelled first so that only the new
	// attempt can be paid.
	PreviousRef    string            `json:"PreviousRef"`
	ContractNumber string            `json:"ContractNumber"`
	Customer       warranty.Customer `json:"Customer"`
}

// CardAttempt is an open attempt: the customer pays it on URL.
type CardAttempt struct {
	URL         string `json:"URL"`
	ProviderRef string `json:"ProviderRef"`
}

// OpenCardAttempt creates the payment (once), cancels the previous attempt's intent, opens
// the attempt's intent at the acquirer with the attempt's idempotency key, and mails the
// customer the payment link. Every step is idempotent, so a retried activity — or a worker
// that died half-way — opens the same intent and sends one mail.
func (a *Activities) OpenCardAttempt(ctx context.Context, in CardAttemptRequest) (CardAttempt, error) {
	paymentID, saleID, err := parseIDs(in.PaymentID, in.SaleID)
	if err != nil {
		return CardAttempt{}, err
	}
	st := payments.NewStore(a.pool)
	p, err := st.CreatePayment(ctx, payments.NewPayment{ID: paymentID, SaleID: saleID, PartnerID: in.PartnerID,
		Purpose: in.Purpose, Method: payments.MethodCard, Amount: in.Amount})
	if err != nil {
		return CardAttempt{}, err
	}
	if in.PreviousRef != "" {
		if err := a.payments.Cancel(ctx, in.PreviousRef); err != nil && !payments.IsInvalidRequest(err) {
			return CardAttempt{}, fmt.Errorf("cancel previous intent: %w", err)
		} else if err != nil {
			// a declined intent that cannot be cancelled cannot be paid either
			a.log.WarnContext(ctx, "previous intent not cancelled", "payment", in.PaymentID, "err", err)
		}
	}
	intent, err := payments.OpenAttempt(ctx, a.payments, st, payments.IntentRequest{PaymentID: paymentID,
		SaleID: saleID, Attempt: in.Attempt, AmountKopecks: in.Amount, CustomerEmail: in.Customer.Email,
		Description: paymentDescription(in.Purpose, in.ContractNumber)})
	if err != nil {
		return CardAttempt{}, acquirerError("open payment attempt", err)
	}
	if in.Attempt > 1 {
		if err := st.SetStatus(ctx, paymentID, payments.StatusRetrying, nil); err != nil {
			return CardAttempt{}, statusError(err)
		}
	}
	url := payments.PayURL(a.publicURL, p.PayToken)
	if err := a.mailPaymentLink(ctx, in, saleID, url); err != nil {
		return CardAttempt{}, err
	}
	return CardAttempt{URL: url, ProviderRef: intent.ProviderRef}, nil
}

func paymentDescription(purpose, contract string) string {
	if purpose == payments.PurposeUpsell {
		return "Доплата по договору гарантии " + contract
	}
	return "Оплата по договору гарантии " + contract
}

// mailPaymentLink tells the customer where to pay; the first attempt invites, a later one
// (a decline notice, a dunning reminder) says the previous payment did not go through.
// Customers have no account and no chosen language: they are written to in Russian.
func (a *Activities) mailPaymentLink(ctx context.Context, in CardAttemptRequest, saleID uuid.UUID, url string) error {
	if in.Customer.Email == "" {
		return nil
	}
	kind := mail.KindPaymentLink
	if in.Attempt > 1 {
		kind = mail.KindPaymentRetry
	}
	key := fmt.Sprintf("payment_link:%s:%d", in.PaymentID, in.Attempt)
	_, err := mail.Queue(ctx, a.pool, mail.Message{Kind: kind, To: in.Customer.Email, Locale: mail.LocaleRU,
		Data: mail.PaymentLink{CustomerName: in.Customer.FullName, ContractNumber: in.ContractNumber, Amount: in.Amount,
			Upsell: in.Purpose == payments.PurposeUpsell, Attempt: in.Attempt, PayURL: url},
		SaleID: &saleID, DedupKey: key})
	if err != nil {
		return fmt.Errorf("queue payment link: %w", err)
	}
	return nil
}

// PaymentStatusChange moves a payment on: retrying with the time of the next attempt, or
// failed.
type PaymentStatusChange struct {
	PaymentID   string     `json:"PaymentID"`
	Status      string     `json:"Status"`
	NextRetryAt *time.Time `json:"NextRetryAt"`
}

// SetPaymentStatus records the workflow's dunning decision on the payment, which finance's
// list and the payment page show; a payment failed for good also leaves finance a task.
func (a *Activities) SetPaymentStatus(ctx context.Context, in PaymentStatusChange) error {
	id, err := uuid.Parse(in.PaymentID)
	if err != nil {
		return businessError(ErrTypeSaleNotFound, "bad payment id", err)
	}
	if err := payments.NewStore(a.pool).SetStatus(ctx, id, in.Status, in.NextRetryAt); err != nil {
		return statusError(err)
	}
	if in.Status == payments.StatusFailed {
		return a.taskPaymentFailed(ctx, id)
	}
	return nil
}

// InvoiceRequest invoices the partner for a sale or an upsell paid by bank transfer.
type InvoiceRequest struct {
	PaymentID      string           `json:"PaymentID"`
	SaleID         string           `json:"SaleID"`
	PartnerID      int64            `json:"PartnerID"`
	SalonID        int64            `json:"SalonID"`
	Purpose        string           `json:"Purpose"`
	Amount         warranty.Kopecks `json:"Amount"`
	Number         string           `json:"Number"`
	ContractNumber string           `json:"ContractNumber"`
	CustomerName   string           `json:"CustomerName"`
	IssuedAt       time.Time        `json:"IssuedAt"`
	// DueOn is the last day to pay, YYYY-MM-DD.
	DueOn string `json:"DueOn"`
}

// IssuedDocument names a document of the archive.
type IssuedDocument struct {
	ID string `json:"ID"`
}

// IssueInvoice creates the invoice payment (once), issues the invoice PDF into the partner's
// archive and mails it to the dealer who sold the sale.
func (a *Activities) IssueInvoice(ctx context.Context, in InvoiceRequest) (IssuedDocument, error) {
	paymentID, saleID, err := parseIDs(in.PaymentID, in.SaleID)
	if err != nil {
		return IssuedDocument{}, err
	}
	due, err := time.Parse(warranty.DateLayout, in.DueOn)
	if err != nil {
		return IssuedDocument{}, businessError(ErrTypeContractData, "bad due date "+in.DueOn, err)
	}
	_, err = payments.NewStore(a.pool).CreatePayment(ctx, payments.NewPayment{ID: paymentID, SaleID: saleID,
		PartnerID: in.PartnerID, Purpose: in.Purpose, Method: payments.MethodInvoice, Amount: in.Amount, DueOn: &due})
	if err != nil {
		return IssuedDocument{}, err
	}
	partner, _, err := a.parties(ctx, in.SalonID)
	if err != nil {
		return IssuedDocument{}, err
	}
	data := documents.InvoiceData{Number: in.Number, IssuedAt: in.IssuedAt, DueOn: due, SaleID: saleID,
		ContractNumber: in.ContractNumber, Partner: partner, Customer: in.CustomerName,
		Lines:        []documents.InvoiceLine{{Name: paymentDescription(in.Purpose, in.ContractNumber), Quantity: 1, AmountKopecks: in.Amount}},
		TotalKopecks: in.Amount, VATKopecks: ledger.VATIncluded(in.Amount, a.vatBP)}
	ref, err := a.archive.Issue(ctx, documents.KindInvoice, partner.ID, &saleID, "invoice-"+in.Number+".pdf", data)
	if err != nil {
		return IssuedDocument{}, err
	}
	if err := a.mailInvoice(ctx, in, saleID, ref.ID); err != nil {
		return IssuedDocument{}, err
	}
	return IssuedDocument{ID: ref.ID.String()}, nil
}

// Transfer is a payment finance recorded: a bank transfer against an invoice, or a card
// payment collected some other way.
type Transfer struct {
	PaymentID string    `json:"PaymentID"`
	PaidAt    time.Time `json:"PaidAt"`
	Reference string    `json:"Reference"`
	// OpenRef is the card attempt still waiting for the customer; it is cancelled so that
	// the customer cannot pay twice.
	OpenRef string `json:"OpenRef"`
}

// RecordTransfer marks the payment paid as finance entered it; the first record stands.
func (a *Activities) RecordTransfer(ctx context.Context, in Transfer) error {
	id, err := uuid.Parse(in.PaymentID)
	if err != nil {
		return businessError(ErrTypeSaleNotFound, "bad payment id", err)
	}
	if in.OpenRef != "" {
		if err := a.payments.Cancel(ctx, in.OpenRef); err != nil && !payments.IsInvalidRequest(err) {
			return fmt.Errorf("cancel open intent: %w", err)
		}
	}
	if err := payments.NewStore(a.pool).MarkPaid(ctx, id, in.PaidAt, in.Reference); err != nil {
		return statusError(err)
	}
	return nil
}

// PaymentVoid is an open payment a cancellation (or a closing upsell window) ends unpaid.
type PaymentVoid struct {
	PaymentID string `json:"PaymentID"`
	// OpenRef is the card attempt waiting for the customer, if any.
	OpenRef string `json:"OpenRef"`
	// InvoiceDocumentID is the invoice to void, if the payment was invoiced.
	InvoiceDocumentID string `json:"InvoiceDocumentID"`
}

// VoidPayment cancels the open intent at the acquirer, voids the invoice and ends the
// payment as voided. A payment that was paid meanwhile is ErrTypePaymentCaptured: the
// workflow refunds it instead.
func (a *Activities) VoidPayment(ctx context.Context, in PaymentVoid) error {
	id, err := uuid.Parse(in.PaymentID)
	if err != nil {
		return businessError(ErrTypeSaleNotFound, "bad payment id", err)
	}
	if in.OpenRef != "" {
		err := a.payments.Cancel(ctx, in.OpenRef)
		if payments.IsInvalidRequest(err) {
			return businessError(ErrTypePaymentCaptured, "the payment was captured; refund it", err)
		}
		if err != nil {
			return fmt.Errorf("cancel intent: %w", err)
		}
	}
	err = payments.NewStore(a.pool).SetStatus(ctx, id, payments.StatusVoided, nil)
	if errors.Is(err, payments.ErrStatusFinal) {
		return businessError(ErrTypePaymentCaptured, err.Error(), err)
	}
	if err != nil {
		return err
	}
	if in.InvoiceDocumentID != "" {
		return a.voidDocument(ctx, in.InvoiceDocumentID)
	}
	return nil
}

// acquirerError makes a request the acquirer will never accept non-retryable; anything
// else is left to the activity's retry policy.
func acquirerError(op string, err error) error {
	if payments.IsInvalidRequest(err) {
		return businessError(ErrTypePaymentRejected, op+": "+err.Error(), err)
	}
	return fmt.Errorf("%s: %w", op, err)
}

func statusError(err error) error {
	if errors.Is(err, payments.ErrStatusFinal) {
		return businessError(ErrTypePaymentStatusFinal, err.Error(), err)
	}
	if errors.Is(err, payments.ErrPaymentNotFound) {
		return businessError(ErrTypeSaleNotFound, err.Error(), err)
	}
	return err
}

func parseIDs(paymentID, saleID string) (uuid.UUID, uuid.UUID, error) {
	p, err := uuid.Parse(paymentID)
	if err != nil {
		return uuid.Nil, uuid.Nil, businessError(ErrTypeSaleNotFound, "bad payment id", err)
	}
	s, err := uuid.Parse(saleID)
	if err != nil {
		return uuid.Nil, uuid.Nil, businessError(ErrTypeSaleNotFound, "bad sale id", err)
	}
	return p, s, nil
}
