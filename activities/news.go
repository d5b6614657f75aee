package activities

import (
	"context"
	"errors"
	"fmt"

	"github.com/jackc/pgx/v5"

	"karso.ru/prm/mail"
)

// ErrTypeNewsNotFound: the announcement was deleted; there is nobody left to remind.
const ErrTypeNewsNotFound = "NewsNotFound"

// Kinds of announcement notices: the mail kinds (mail/templates/news_*.tmpl), each also the
// recipient's notice in the bell.
const (
	NoticeNewsPublished  = mail.KindNewsPublished
	NoticeNewsReminder   = mail.KindNewsReminder
	NoticeNewsEscalation = mail.KindNewsEscalation
)

// NewsAckState is what the announcement workflow decides on.
type NewsAckState struct {
	// Live is false once the announcement is archived (or gone): nothing more is sent.
	Live bool `json:"live"`
	// Pending is how many addressed people have not acknowledged it.
	Pending int64 `json:"pending"`
}

// NewsNotice asks to send one kind of notice about an announcement.
type NewsNotice struct {
	NewsID int64  `json:"news_id"`
	Kind   string `json:"kind"`
}

// NewsAckStatus reads whether an announcement is still live and how many have not acknowledged.
func (a *Activities) NewsAckStatus(ctx context.Context, newsID int64) (NewsAckState, error) {
	r, err := a.q.NewsAckState(ctx, newsID)
	if errors.Is(err, pgx.ErrNoRows) {
		return NewsAckState{}, nil
	}
	if err != nil {
		return NewsAckState{}, fmt.Errorf("news ack status: %w", err)
	}
	return NewsAckState{Live: r.Status == "published", Pending: r.Pending}, nil
}

// NotifyNewsAudience queues the notice's mail: for a publication to everyone addressed, for a
// reminder to everyone who has not acknowledged, for an escalation to the managers of the
// salons of the dealers who have not. Each mail has a key of the kind, the announcement and
// the person, so a retry sends nothing twice. It answers how many mails it queued.
func (a *Activities) NotifyNewsAudience(ctx context.Context, n NewsNotice) (int, error) {
	st, err := a.q.NewsAckState(ctx, n.NewsID)
	if errors.Is(err, pgx.ErrNoRows) {
		return 0, businessError(ErrTypeNewsNotFound, fmt.Sprintf("news %d is gone", n.NewsID), err)
	}
	if err != nil {
		return 0, fmt.Errorf("notify news audience: %w", err)
	}
	people, err := a.newsRecipients(ctx, n)
	if err != nil {
		return 0, fmt.Errorf("notify news audience: %w", err)
	}
	link := fmt.Sprintf("%s/news/%d", a.publicURL, n.NewsID)
	err = pgx.BeginFunc(ctx, a.pool, func(tx pgx.Tx) error {
		for _, p := range people {
			key := fmt.Sprintf("%s:%d:%d", n.Kind, n.NewsID, p.id)
			if _, err := mail.Queue(ctx, tx, mail.Message{Kind: n.Kind, To: p.email, UserID: p.id, Locale: p.locale,
				Data:     mail.NewsNotice{Title: st.Title, RequiresAck: st.RequiresAck, Pending: p.pending, URL: link},
				DedupKey: key}); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return 0, fmt.Errorf("notify news audience: %w", err)
	}
	return len(people), nil
}

type newsRecipient struct {
	recipient
	pending int64
}

func (a *Activities) newsRecipients(ctx context.Context, n NewsNotice) ([]newsRecipient, error) {
	var out []newsRecipient
	switch n.Kind {
	case NoticeNewsEscalation:
		rows, err := a.q.NewsPendingManagers(ctx, n.NewsID)
		for _, r := range rows {
			out = append(out, newsRecipient{recipient{id: r.ID, email: r.Email, locale: r.Locale}, r.Pending})
		}
		return out, err
	case NoticeNewsReminder:
		rows, err := a.q.NewsPendingReaders(ctx, n.NewsID)
		for _, r := range rows {
			out = append(out, newsRecipient{recipient: recipient{id: r.ID, email: r.Email, locale: r.Locale}})
		}
		return out, err
	case NoticeNewsPublished:
		rows, err := a.q.NewsAudienceContacts(ctx, n.NewsID)
		for _, r := range rows {
			out = append(out, newsRecipient{recipient: recipient{id: r.ID, email: r.Email, locale: r.Locale}})
		}
		return out, err
	}
	return nil, businessError(ErrTypeNewsNotFound, "unknown news notice "+n.Kind, nil)
}
