package activities

import (
	"context"
	"errors"
	"fmt"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"

	"karso.ru/prm/db/store"
	"karso.ru/prm/mail"
)

// Kinds of approval notices (mail kinds and task kinds).
const (
	// NoticeApprovalRequested tells the salon's managers a sale waits for them.
	NoticeApprovalRequested = mail.KindApprovalRequested
	// NoticeApprovalReminder reminds the salon's managers after a day of waiting.
	NoticeApprovalReminder = mail.KindApprovalReminder
	// NoticeApprovalAlert alerts the admins after two days of waiting.
	NoticeApprovalAlert = mail.KindApprovalAlert
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
	notice := mail.SaleNotice{Vehicle: facts.Make + " " + facts.Model, VIN: facts.Vin, Customer: facts.CustomerName,
		Salon: facts.SalonName, Partner: facts.PartnerName, URL: a.publicURL + "/sales/" + n.SaleID}
	err = pgx.BeginFunc(ctx, a.pool, func(tx pgx.Tx) error {
		q := a.q.WithTx(tx)
		for _, p := range people {
			key := fmt.Sprintf("%s:%s:%d:%d", n.Kind, n.SaleID, n.Submission, p.id)
			if _, err := mail.Queue(ctx, tx, mail.Message{Kind: n.Kind, To: p.email, UserID: p.id, Locale: p.locale,
				Data: notice, SaleID: &saleID, DedupKey: key}); err != nil {
				return err
			}
			title, err := mail.Render(n.Kind, p.locale, notice)
			if err != nil {
				return err
			}
			assignee := p.id
			if err := q.CreateTask(ctx, store.CreateTaskParams{AssigneeID: &assignee, Role: roleOf(n.Kind),
				Kind: n.Kind, SaleID: &saleID, Link: salePage(n.SaleID), Title: title.Subject, DedupKey: &key}); err != nil {
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
