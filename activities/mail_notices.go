package activities

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"

	"karso.ru/prm/db/store"
	"karso.ru/prm/mail"
	"karso.ru/prm/payments"
	"karso.ru/prm/warranty"
)

// The mails a sale's documents and events send, hooked into the activities the workflows
// already run: the customer gets each document as it is issued, the dealer who sold the sale
// hears of the manager's decision and of the money, finance of a payment that failed for good.
// Every mail is keyed by what it tells of (the payment, the change, the revision) and the
// person, so a retried activity mails once. Customers have no account and no chosen
// language: they are written to in Russian.

// saleFacts reads what the mails about a sale say; ok is false when the sale has no row in
// the read model (nothing to tell anyone about).
func saleFacts(ctx context.Context, q *store.Queries, saleID uuid.UUID) (store.SaleMailFactsRow, bool, error) {
	f, err := q.SaleMailFacts(ctx, saleID)
	if errors.Is(err, pgx.ErrNoRows) {
		return f, false, nil
	}
	if err != nil {
		return f, false, fmt.Errorf("sale mail facts: %w", err)
	}
	return f, true, nil
}

func (a *Activities) saleURL(saleID uuid.UUID) string {
	return a.publicURL + "/sales/" + saleID.String()
}

// mailReceipt sends the customer the receipt of a payment received; for the sale's own payment
// the contract goes with it, as the contract is in force from now on.
func (a *Activities) mailReceipt(ctx context.Context, in ReceiptRequest, saleID, receiptID uuid.UUID) error {
	f, ok, err := saleFacts(ctx, a.q, saleID)
	if err != nil || !ok || f.CustomerEmail == "" {
		return err
	}
	kind, attachments := mail.KindUpsellReceipt, []uuid.UUID{receiptID}
	if in.Purpose != payments.PurposeUpsell {
		kind = mail.KindContractPaid
		contract, err := a.q.SaleContractDocument(ctx, &saleID)
		if err != nil && !errors.Is(err, pgx.ErrNoRows) {
			return fmt.Errorf("mail receipt: %w", err)
		}
		if err == nil {
			attachments = []uuid.UUID{contract, receiptID}
		}
	}
	_, err = mail.Queue(ctx, a.pool, mail.Message{Kind: kind, To: f.CustomerEmail, Locale: mail.LocaleRU,
		Data: mail.Paid{CustomerName: f.CustomerName, ContractNumber: in.ContractNumber, Vehicle: f.Make + " " + f.Model,
			VIN: f.Vin, Amount: in.Amount, ReceiptNumber: in.Number},
		Attachments: attachments, SaleID: &saleID, DedupKey: "receipt:" + in.PaymentID})
	return err
}

// mailInvoice sends the invoice to the dealer who sold the sale: the invoice is made out to
// their partner, which pays it by transfer (the customer pays the dealer).
func (a *Activities) mailInvoice(ctx context.Context, in InvoiceRequest, saleID, invoiceID uuid.UUID) error {
	f, ok, err := saleFacts(ctx, a.q, saleID)
	if err != nil || !ok || !f.SellerActive {
		return err
	}
	_, err = mail.Queue(ctx, a.pool, mail.Message{Kind: mail.KindInvoiceIssued, To: f.SellerEmail, UserID: f.SellerID,
		Locale: f.SellerLocale, Data: mail.Invoice{Number: in.Number, ContractNumber: in.ContractNumber,
			CustomerName: f.CustomerName, Amount: in.Amount, DueOn: in.DueOn, Upsell: in.Purpose == payments.PurposeUpsell,
			URL: a.saleURL(saleID)},
		Attachments: []uuid.UUID{invoiceID}, SaleID: &saleID, DedupKey: fmt.Sprintf("invoice:%s:%d", in.PaymentID, f.SellerID)})
	return err
}

// mailAddendum sends the customer the addendum of change N.
func (a *Activities) mailAddendum(ctx context.Context, in AddendumRequest, saleID, addendumID uuid.UUID, tariffName string) error {
	if in.Customer.Email == "" {
		return nil
	}
	_, err := mail.Queue(ctx, a.pool, mail.Message{Kind: mail.KindAddendum, To: in.Customer.Email, Locale: mail.LocaleRU,
		Data: mail.Addendum{CustomerName: in.Customer.FullName, ContractNumber: in.ContractNumber, N: in.N,
			Difference: in.After.Quote.PriceKopecks - in.Before.Quote.PriceKopecks, TariffName: tariffName,
			TermMonths: in.After.TermMonths},
		Attachments: []uuid.UUID{addendumID}, SaleID: &saleID, DedupKey: fmt.Sprintf("addendum:%s:%d", in.SaleID, in.N)})
	return err
}

// mailCancellation sends the customer the cancellation act and what was refunded.
func (a *Activities) mailCancellation(ctx context.Context, in CancellationActRequest, saleID, actID uuid.UUID) error {
	if in.Customer.Email == "" {
		return nil
	}
	_, err := mail.Queue(ctx, a.pool, mail.Message{Kind: mail.KindCancellation, To: in.Customer.Email, Locale: mail.LocaleRU,
		Data: mail.Cancellation{CustomerName: in.Customer.FullName, ContractNumber: in.ContractNumber, Reason: in.Reason,
			Paid: in.Paid, Refunded: in.Refunded},
		Attachments: []uuid.UUID{actID}, SaleID: &saleID, DedupKey: "cancellation:" + in.SaleID})
	return err
}

// mailSaleEventApart queues the event's mail under a savepoint of the projection's
// transaction: a mail that cannot be queued is logged and dropped, never a reason to leave
// the sale's read model behind.
func (a *Activities) mailSaleEventApart(ctx context.Context, tx pgx.Tx, p SaleProjection, saleID uuid.UUID) error {
	sp, err := tx.Begin(ctx)
	if err != nil {
		return err
	}
	if err := a.mailSaleEvent(ctx, sp, p, saleID); err != nil {
		_ = sp.Rollback(ctx)
		a.log.ErrorContext(ctx, "the mail of a sale event was not queued", "sale", p.Sale.ID, "revision", p.Sale.Revision,
			"action", p.Event.Action, "err", err)
		return nil
	}
	return sp.Commit(ctx)
}

// mailSaleEvent mails what a line of a sale's history tells people, in the projection's
// transaction, so the mail exists exactly when the history line does: the dealer hears of the
// manager's decision and of the money; the dealer and finance of a payment that failed for good.
func (a *Activities) mailSaleEvent(ctx context.Context, tx pgx.Tx, p SaleProjection, saleID uuid.UUID) error {
	var kind string
	switch p.Event.Action {
	case "approved":
		kind = mail.KindSaleApproved
	case "changes_requested":
		kind = mail.KindChangesRequested
	case "rejected":
		kind = mail.KindSaleRejected
	case "activated":
		kind = mail.KindPaymentReceived
	case "payment_failed":
		kind = mail.KindPaymentFailed
	default:
		return nil
	}
	q := a.q.WithTx(tx)
	f, ok, err := saleFacts(ctx, q, saleID)
	if err != nil || !ok {
		return err
	}
	data, err := a.saleEventData(ctx, q, kind, p, f)
	if err != nil {
		return err
	}
	people := []recipient{}
	if f.SellerActive {
		people = append(people, recipient{id: f.SellerID, email: f.SellerEmail, locale: f.SellerLocale})
	}
	if kind == mail.KindPaymentFailed {
		finance, err := q.ActiveUsersByRole(ctx, "finance")
		if err != nil {
			return fmt.Errorf("mail %s: %w", kind, err)
		}
		for _, u := range finance {
			people = append(people, recipient{id: u.ID, email: u.Email, locale: u.Locale})
		}
	}
	for _, r := range people {
		key := fmt.Sprintf("%s:%s:%d:%d", kind, p.Sale.ID, p.Sale.Revision, r.id)
		if _, err := mail.Queue(ctx, tx, mail.Message{Kind: kind, To: r.email, UserID: r.id, Locale: r.locale, Data: data,
			SaleID: &saleID, DedupKey: key}); err != nil {
			return err
		}
	}
	return nil
}

// saleEventData is what the mail of an event prints.
func (a *Activities) saleEventData(ctx context.Context, q *store.Queries, kind string, p SaleProjection,
	f store.SaleMailFactsRow) (any, error) {
	notice := mail.SaleNotice{Vehicle: f.Make + " " + f.Model, VIN: f.Vin, Customer: f.CustomerName, Salon: f.SalonName,
		Partner: f.PartnerName, URL: a.saleURL(f.ID)}
	switch kind {
	case mail.KindPaymentReceived:
		d := mail.Paid{CustomerName: f.CustomerName, ContractNumber: f.ContractNumber, Vehicle: notice.Vehicle, VIN: f.Vin,
			URL: notice.URL}
		if p.Sale.Quote != nil {
			d.Amount = p.Sale.Quote.PriceKopecks
		}
		return d, nil
	case mail.KindPaymentFailed:
		d := mail.PaymentFailure{ContractNumber: f.ContractNumber, CustomerName: f.CustomerName, URL: notice.URL,
			DeclineCode: changeText(p.Event.Changes["decline_code"])}
		if id, err := uuid.Parse(changeText(p.Event.Changes["payment_id"])); err == nil {
			pay, err := q.PaymentMailFacts(ctx, id)
			if err != nil && !errors.Is(err, pgx.ErrNoRows) {
				return nil, fmt.Errorf("mail %s: %w", kind, err)
			}
			d.Amount = warranty.Kopecks(pay.AmountKopecks)
		}
		if at, ok := changeTime(p.Event.Changes["cancels_at"]); ok {
			d.CancelsAt = at.In(a.loc).Format("02.01.2006 15:04")
		}
		return d, nil
	}
	return mail.Decision{SaleNotice: notice, Manager: p.Event.ActorName, Comment: p.Event.Comment,
		ContractNumber: f.ContractNumber}, nil
}

// changeText reads a string the workflow put into an event's changes.
func changeText(v any) string {
	if s, ok := v.(string); ok {
		return s
	}
	return ""
}

// changeTime reads a time from an event's changes: a time.Time as the workflow wrote it, or
// its JSON text once it crossed Temporal.
func changeTime(v any) (time.Time, bool) {
	switch t := v.(type) {
	case time.Time:
		return t, true
	case *time.Time:
		if t != nil {
			return *t, true
		}
	case string:
		at, err := time.Parse(time.RFC3339Nano, t)
		return at, err == nil
	}
	return time.Time{}, false
}
