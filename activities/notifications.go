package activities

import (
	"context"
	"errors"
	"fmt"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"

	"karso.ru/prm/db/store"
)

// Kinds of approval notices.
const (
	// NoticeApprovalRequested tells the salon's managers a sale waits for them.
	NoticeApprovalRequested = "approval_requested"
	// NoticeApprovalReminder reminds the salon's managers after a day of waiting.
	NoticeApprovalReminder = "approval_reminder"
	// NoticeApprovalAlert alerts the admins after two days of waiting.
	NoticeApprovalAlert = "approval_alert"
)

// ApprovalNotice asks to tell the people who decide on a sale that it waits for them.
type ApprovalNotice struct {
	SaleID  string `json:"SaleID"`
	SalonID int64  `json:"SalonID"`
	Kind    string `json:"Kind"`
	// Submission numbers the sale's submissions: a resubmitted sale is notified again.
	Submission int `json:"Submission"`
}

type recipient struct {
	id            int64
	email, locale string
}

// NotifyApprovers writes the notice into the mail outbox (which is also the recipient's
// notification in the bell) and a task for each recipient, done by itself once the sale
// leaves the approval queue. The salon's managers get the request and the reminder, the admins
// the alert. Each mail and task has a key made of the notice, the sale, the submission and the
// person, so a retry writes nothing twice.
func (a *Activities) NotifyApprovers(ctx context.Context, n ApprovalNotice) error {
	saleID, err := uuid.Parse(n.SaleID)
	if err != nil {
		return businessError(ErrTypeSaleNotFound, "bad sale id", err)
	}
	facts, err := a.q.SaleNoticeFacts(ctx, saleID)
	if errors.Is(err, pgx.ErrNoRows) {
		return businessError(ErrTypeSaleNotFound, "sale "+n.SaleID+" is not projected", err)
	}
	if err != nil {
		return fmt.Errorf("notify approvers: %w", err)
	}
	people, err := a.approvers(ctx, n)
	if err != nil {
		return fmt.Errorf("notify approvers: %w", err)
	}
	link := a.publicURL + "/sales/" + n.SaleID
	err = pgx.BeginFunc(ctx, a.pool, func(tx pgx.Tx) error {
		q := a.q.WithTx(tx)
		for _, p := range people {
			text := approvalText(n.Kind, p.locale, facts, link)
			key := fmt.Sprintf("%s:%s:%d:%d", n.Kind, n.SaleID, n.Submission, p.id)
			if err := q.QueueMail(ctx, store.QueueMailParams{ToAddress: p.email, Subject: text.subject,
				Body: text.body, Kind: n.Kind, SaleID: &saleID, DedupKey: &key}); err != nil {
				return err
			}
			assignee := p.id
			if err := q.CreateTask(ctx, store.CreateTaskParams{AssigneeID: &assignee, Role: roleOf(n.Kind),
				Kind: n.Kind, SaleID: &saleID, Link: salePage(n.SaleID), Title: text.subject, DedupKey: &key}); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("notify approvers: %w", err)
	}
	return nil
}

func (a *Activities) approvers(ctx context.Context, n ApprovalNotice) ([]recipient, error) {
	var out []recipient
	if n.Kind == NoticeApprovalAlert {
		rows, err := a.q.ActiveUsersByRole(ctx, "admin")
		for _, r := range rows {
			out = append(out, recipient{id: r.ID, email: r.Email, locale: r.Locale})
		}
		return out, err
	}
	rows, err := a.q.SalonApprovers(ctx, n.SalonID)
	for _, r := range rows {
		out = append(out, recipient{id: r.ID, email: r.Email, locale: r.Locale})
	}
	return out, err
}

// salePage is the cabinets' page of a sale, where a task about it is worked on.
func salePage(saleID string) string { return "/sales/" + saleID }

func roleOf(kind string) string {
	if kind == NoticeApprovalAlert {
		return "admin"
	}
	return "manager"
}

type mailText struct{ subject, body string }

// approvalText words a notice in the recipient's language.
func approvalText(kind, locale string, f store.SaleNoticeFactsRow, link string) mailText {
	car := fmt.Sprintf("%s %s, VIN %s", f.Make, f.Model, f.Vin)
	if locale == "en" {
		subject := map[string]string{
			NoticeApprovalRequested: "A sale waits for your approval",
			NoticeApprovalReminder:  "Reminder: a sale has waited for approval for 24 hours",
			NoticeApprovalAlert:     "Alert: a sale has waited for approval for 48 hours",
		}[kind]
		return mailText{subject: subject + ": " + car, body: fmt.Sprintf(
			"%s.\n\nSalon: %s (%s)\nVehicle: %s\nCustomer: %s\n\nOpen the sale: %s\n",
			subject, f.SalonName, f.PartnerName, car, f.CustomerName, link)}
	}
	subject := map[string]string{
		NoticeApprovalRequested: "Продажа ждёт вашего согласования",
		NoticeApprovalReminder:  "Напоминание: продажа ждёт согласования 24 часа",
		NoticeApprovalAlert:     "Внимание: продажа ждёт согласования 48 часов",
	}[kind]
	return mailText{subject: subject + ": " + car, body: fmt.Sprintf(
		"%s.\n\nСалон: %s (%s)\nАвтомобиль: %s\nКлиент: %s\n\nОткрыть продажу: %s\n",
		subject, f.SalonName, f.PartnerName, car, f.CustomerName, link)}
}
