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

// NoticeInvoiceOverdue is the reminder of an unpaid invoice past its due date: a mail to the
// dealer who sold the sale and a task for the salon's managers.
const NoticeInvoiceOverdue = "invoice_overdue"

// NoticePaymentFailed is a card payment declined on every retry: one task for finance, whoever
// of them takes it.
const NoticePaymentFailed = "payment_failed"

// OverdueReminder is reminder N of an invoice not paid by its due date.
type OverdueReminder struct {
	SaleID         string `json:"SaleID"`
	PaymentID      string `json:"PaymentID"`
	SalonID        int64  `json:"SalonID"`
	SellerID       int64  `json:"SellerID"`
	N              int    `json:"N"`
	ContractNumber string `json:"ContractNumber"`
	// DueOn is the invoice's due date, YYYY-MM-DD.
	DueOn  string           `json:"DueOn"`
	Amount warranty.Kopecks `json:"Amount"`
	// Final is the last reminder: the invoice is handed to finance, who get a task for it.
	Final bool `json:"final,omitempty"`
}

// RemindOverdueInvoice mails the dealer and gives each of the salon's managers a task, done by
// itself once the invoice is paid or voided. The mail and each task are keyed by the payment,
// the reminder and the person, so a retry writes nothing twice.
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
	link := a.publicURL + "/sales/" + in.SaleID
	err = pgx.BeginFunc(ctx, a.pool, func(tx pgx.Tx) error {
		q := a.q.WithTx(tx)
		if seller.Email != "" {
			text := overdueText(seller.Locale, in, link)
			key := fmt.Sprintf("%s:%s:%d:%d", NoticeInvoiceOverdue, in.PaymentID, in.N, in.SellerID)
			if err := q.QueueMail(ctx, store.QueueMailParams{ToAddress: seller.Email, Subject: text.subject,
				Body: text.body, Kind: NoticeInvoiceOverdue, SaleID: &saleID, DedupKey: &key}); err != nil {
				return err
			}
		}
		if in.Final {
			text := overdueText("ru", in, link)
			key := fmt.Sprintf("%s:%s:finance", NoticeInvoiceOverdue, in.PaymentID)
			if err := q.CreateTask(ctx, store.CreateTaskParams{Role: "finance", Kind: NoticeInvoiceOverdue,
				SaleID: &saleID, Title: text.subject, DedupKey: &key}); err != nil {
				return err
			}
		}
		for _, m := range managers {
			text := overdueText(m.Locale, in, link)
			key := fmt.Sprintf("%s:%s:%d:%d", NoticeInvoiceOverdue, in.PaymentID, in.N, m.ID)
			assignee := m.ID
			if err := q.CreateTask(ctx, store.CreateTaskParams{AssigneeID: &assignee, Role: "manager",
				Kind: NoticeInvoiceOverdue, SaleID: &saleID, PaymentID: &paymentID, Link: salePage(in.SaleID),
				Title: text.subject, DedupKey: &key}); err != nil {
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

// taskPaymentFailed leaves finance one task for a card payment that failed for good, done by
// itself once the payment is paid, voided or refunded (or the sale is cancelled). Keyed by the
// payment, so a retried activity opens it once. The people concerned are told by mail (and so
// in the bell) where the sale's history records the failure.
func (a *Activities) taskPaymentFailed(ctx context.Context, paymentID uuid.UUID) error {
	f, err := a.q.PaymentTaskFacts(ctx, paymentID)
	if errors.Is(err, pgx.ErrNoRows) {
		return businessError(ErrTypeSaleNotFound, "payment "+paymentID.String()+" has no projected sale", err)
	}
	if err != nil {
		return fmt.Errorf("task payment failed: %w", err)
	}
	name := f.ContractNumber
	if name == "" {
		name = f.SaleID.String()
	}
	// finance works in Russian; the title is the task's name in their list
	title := fmt.Sprintf("Оплата картой по договору %s не прошла после всех попыток (%s)", name, f.CustomerName)
	if f.Purpose == "upsell" {
		title = fmt.Sprintf("Доплата картой по договору %s не прошла после всех попыток (%s)", name, f.CustomerName)
	}
	key := fmt.Sprintf("%s:%s", NoticePaymentFailed, paymentID)
	err = a.q.CreateTask(ctx, store.CreateTaskParams{Role: "finance", Kind: NoticePaymentFailed, SaleID: &f.SaleID,
		PaymentID: &paymentID, Link: salePage(f.SaleID.String()), Title: title, DedupKey: &key})
	if err != nil {
		return fmt.Errorf("task payment failed: %w", err)
	}
	return nil
}
