package activities

import (
	"context"
	"errors"
	"fmt"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"

	"karso.ru/prm/db/store"
	"karso.ru/prm/mail"
	"karso.ru/prm/warranty"
)

// NoticeInvoiceOverdue is the reminder of an unpaid invoice past its due date: a mail to the
// dealer who sold the sale and to finance, and a task for the salon's managers.
const NoticeInvoiceOverdue = mail.KindInvoiceOverdue

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

// RemindOverdueInvoice mails the dealer who sold the sale and every active finance user, and
// gives each of the salon's managers a task. Each mail and task is keyed by the payment, the
// reminder and the person, so a retry writes nothing twice.
func (a *Activities) RemindOverdueInvoice(ctx context.Context, in OverdueReminder) error {
	saleID, err := uuid.Parse(in.SaleID)
	if err != nil {
		return businessError(ErrTypeSaleNotFound, "bad sale id", err)
	}
	var mailed []recipient
	seller, err := a.q.UserContact(ctx, in.SellerID)
	if err != nil && !errors.Is(err, pgx.ErrNoRows) {
		return fmt.Errorf("remind overdue invoice: %w", err)
	}
	if seller.Email != "" {
		mailed = append(mailed, recipient{id: in.SellerID, email: seller.Email, locale: seller.Locale})
	}
	finance, err := a.q.ActiveUsersByRole(ctx, "finance")
	if err != nil {
		return fmt.Errorf("remind overdue invoice: %w", err)
	}
	for _, f := range finance {
		mailed = append(mailed, recipient{id: f.ID, email: f.Email, locale: f.Locale})
	}
	managers, err := a.q.SalonApprovers(ctx, in.SalonID)
	if err != nil {
		return fmt.Errorf("remind overdue invoice: %w", err)
	}
	data := mail.OverdueInvoice{ContractNumber: in.ContractNumber, Amount: in.Amount, DueOn: in.DueOn, N: in.N,
		URL: a.publicURL + "/sales/" + in.SaleID}
	paymentID, err := uuid.Parse(in.PaymentID)
	if err != nil {
		return businessError(ErrTypeSaleNotFound, "bad payment id", err)
	}
	err = pgx.BeginFunc(ctx, a.pool, func(tx pgx.Tx) error {
		q := a.q.WithTx(tx)
		for _, p := range mailed {
			key := fmt.Sprintf("%s:%s:%d:%d", NoticeInvoiceOverdue, in.PaymentID, in.N, p.id)
			if _, err := mail.Queue(ctx, tx, mail.Message{Kind: mail.KindInvoiceOverdue, To: p.email, UserID: p.id,
				Locale: p.locale, Data: data, SaleID: &saleID, DedupKey: key}); err != nil {
				return err
			}
		}
		if in.Final {
			title, err := mail.Render(mail.KindInvoiceOverdue, mail.LocaleRU, data)
			if err != nil {
				return err
			}
			key := fmt.Sprintf("%s:%s:finance", NoticeInvoiceOverdue, in.PaymentID)
			if err := q.CreateTask(ctx, store.CreateTaskParams{Role: "finance", Kind: NoticeInvoiceOverdue,
				SaleID: &saleID, PaymentID: &paymentID, Link: salePage(in.SaleID), Title: title.Subject, DedupKey: &key}); err != nil {
				return err
			}
		}
		for _, m := range managers {
			title, err := mail.Render(mail.KindInvoiceOverdue, m.Locale, data)
			if err != nil {
				return err
			}
			key := fmt.Sprintf("%s:%s:%d:%d", NoticeInvoiceOverdue, in.PaymentID, in.N, m.ID)
			assignee := m.ID
			if err := q.CreateTask(ctx, store.CreateTaskParams{AssigneeID: &assignee, Role: "manager",
				Kind: NoticeInvoiceOverdue, SaleID: &saleID, PaymentID: &paymentID, Link: salePage(in.SaleID),
				Title: title.Subject, DedupKey: &key}); err != nil {
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
