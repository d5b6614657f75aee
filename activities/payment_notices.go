package activities

import (
	"context"
	"errors"
	"fmt"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"

	"karso.ru/prm/db/store"
	"karso.ru/prm/warranty"
)

// NoticeInvoiceOverdue is the reminder of an unpaid invoice past its due date: a notice to the
// dealer who sold the sale and a task for the salon's managers.
const NoticeInvoiceOverdue = "invoice_overdue"

// NoticePaymentFailed is a card payment declined on every retry: a notice to the dealer who
// sold the sale and to every finance user, and one task for finance (whoever takes it).
const NoticePaymentFailed = "payment_failed"

// OverdueReminder is reminder N of an invoice not paid by its due date.
type OverdueReminder struct {
	SaleID         string
	PaymentID      string
	SalonID        int64
	SellerID       int64
	N              int
	ContractNumber string
	// DueOn is the invoice's due date, YYYY-MM-DD.
	DueOn  string
	Amount warranty.Kopecks
}

// RemindOverdueInvoice tells the dealer (the bell, and mail by their preferences) and gives
// each of the salon's managers a task, done by itself once the invoice is paid or voided. The
// notice and each task are keyed by the payment, the reminder and the person, so a retry
// writes nothing twice.
func (a *Activities) RemindOverdueInvoice(ctx context.Context, in OverdueReminder) error {
	saleID, err := uuid.Parse(in.SaleID)
	if err != nil {
		return businessError(ErrTypeSaleNotFound, "bad sale id", err)
	}
	seller, err := a.q.UserContact(ctx, in.SellerID)
	if err != nil && !errors.Is(err, pgx.ErrNoRows) {
		return fmt.Errorf("remind overdue invoice: %w", err)
	}
	managers, err := a.q.SalonApprovers(ctx, in.SalonID)
	if err != nil {
		return fmt.Errorf("remind overdue invoice: %w", err)
	}
	paymentID, err := uuid.Parse(in.PaymentID)
	if err != nil {
		return businessError(ErrTypeSaleNotFound, "bad payment id", err)
	}
	page := salePage(in.SaleID)
	link := a.publicURL + page
	err = pgx.BeginFunc(ctx, a.pool, func(tx pgx.Tx) error {
		q := a.q.WithTx(tx)
		if seller.Email != "" {
			text := overdueText(seller.Locale, in, link)
			key := fmt.Sprintf("%s:%s:%d:%d", NoticeInvoiceOverdue, in.PaymentID, in.N, in.SellerID)
			if err := q.NotifyUser(ctx, store.NotifyUserParams{UserID: in.SellerID, Kind: NoticeInvoiceOverdue,
				Title: text.subject, Body: text.body, Link: page, SaleID: &saleID, PaymentID: &paymentID,
				DedupKey: key}); err != nil {
				return err
			}
		}
		for _, m := range managers {
			text := overdueText(m.Locale, in, link)
			key := fmt.Sprintf("%s:%s:%d:%d", NoticeInvoiceOverdue, in.PaymentID, in.N, m.ID)
			assignee := m.ID
			if err := q.CreateTask(ctx, store.CreateTaskParams{AssigneeID: &assignee, Role: "manager",
				Kind: NoticeInvoiceOverdue, SaleID: &saleID, PaymentID: &paymentID, Link: page, Title: text.subject,
				DedupKey: &key}); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("remind overdue invoice: %w", err)
	}
	return nil
}

func overdueText(locale string, in OverdueReminder, link string) mailText {
	if locale == "en" {
		subject := fmt.Sprintf("Overdue invoice for contract %s: %s was due on %s", in.ContractNumber,
			warranty.FormatRUB(in.Amount), in.DueOn)
		return mailText{subject: subject, body: subject + ".\n\nThe contract takes effect once it is paid.\nOpen the sale: " + link + "\n"}
	}
	subject := fmt.Sprintf("Просрочен счёт по договору %s: %s к оплате до %s", in.ContractNumber,
		warranty.FormatRUB(in.Amount), in.DueOn)
	return mailText{subject: subject, body: subject + ".\n\nДоговор вступит в силу после оплаты.\nОткрыть продажу: " + link + "\n"}
}

// notifyPaymentFailed tells the seller and every active finance user that a payment failed for
// good, and opens one finance task for it, done by itself once the payment is paid, voided or
// refunded. Keys name the payment (and the person), so a retried activity tells nobody twice.
func (a *Activities) notifyPaymentFailed(ctx context.Context, paymentID uuid.UUID) error {
	f, err := a.q.FailedPaymentFacts(ctx, paymentID)
	if errors.Is(err, pgx.ErrNoRows) {
		return businessError(ErrTypeSaleNotFound, "payment "+paymentID.String()+" has no projected sale", err)
	}
	if err != nil {
		return fmt.Errorf("notify payment failed: %w", err)
	}
	finance, err := a.q.ActiveUsersByRole(ctx, "finance")
	if err != nil {
		return fmt.Errorf("notify payment failed: %w", err)
	}
	seller, err := a.q.UserContact(ctx, f.SellerID)
	if err != nil && !errors.Is(err, pgx.ErrNoRows) {
		return fmt.Errorf("notify payment failed: %w", err)
	}
	people := []recipient{{id: f.SellerID, email: seller.Email, locale: seller.Locale}}
	for _, u := range finance {
		people = append(people, recipient{id: u.ID, email: u.Email, locale: u.Locale})
	}
	page := salePage(f.SaleID.String())
	err = pgx.BeginFunc(ctx, a.pool, func(tx pgx.Tx) error {
		q := a.q.WithTx(tx)
		for _, p := range people {
			text := paymentFailedText(p.locale, f, a.publicURL+page)
			key := fmt.Sprintf("%s:%s:%d", NoticePaymentFailed, paymentID, p.id)
			if err := q.NotifyUser(ctx, store.NotifyUserParams{UserID: p.id, Kind: NoticePaymentFailed, Title: text.subject,
				Body: text.body, Link: page, SaleID: &f.SaleID, PaymentID: &paymentID, DedupKey: key}); err != nil {
				return err
			}
		}
		// one task for the role: the first finance user to deal with it closes it for all
		key := fmt.Sprintf("%s:%s", NoticePaymentFailed, paymentID)
		return q.CreateTask(ctx, store.CreateTaskParams{Role: "finance", Kind: NoticePaymentFailed, SaleID: &f.SaleID,
			PaymentID: &paymentID, Link: page, Title: paymentFailedText("ru", f, "").subject, DedupKey: &key})
	})
	if err != nil {
		return fmt.Errorf("notify payment failed: %w", err)
	}
	return nil
}

func paymentFailedText(locale string, f store.FailedPaymentFactsRow, link string) mailText {
	name := f.ContractNumber
	if name == "" {
		name = f.SaleID.String()
	}
	amount := warranty.FormatRUB(warranty.Kopecks(f.AmountKopecks))
	car := fmt.Sprintf("%s %s, VIN %s", f.Make, f.Model, f.Vin)
	if locale == "en" {
		what := "Payment"
		if f.Purpose == "upsell" {
			what = "Additional payment"
		}
		subject := fmt.Sprintf("%s for contract %s failed: no retries left", what, name)
		return mailText{subject: subject, body: fmt.Sprintf(
			"%s.\n\nThe customer %s did not pay %s by card: the bank declined every attempt (%d).\n\n"+
				"Vehicle: %s\nPartner: %s\n\nOpen the sale: %s\n", subject, f.CustomerName, amount, f.Attempts, car, f.PartnerName, link)}
	}
	what := "Оплата"
	if f.Purpose == "upsell" {
		what = "Доплата"
	}
	subject := fmt.Sprintf("%s по договору %s не прошла: попытки исчерпаны", what, name)
	return mailText{subject: subject, body: fmt.Sprintf(
		"%s.\n\nКлиент %s не оплатил %s картой: банк отклонил все попытки (%d).\n\n"+
			"Автомобиль: %s\nПартнёр: %s\n\nОткрыть продажу: %s\n", subject, f.CustomerName, amount, f.Attempts, car, f.PartnerName, link)}
}
