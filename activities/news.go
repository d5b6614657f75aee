package activities

import (
	"context"
	"errors"
	"fmt"

	"github.com/jackc/pgx/v5"

	"karso.ru/prm/db/store"
)

// ErrTypeNewsNotFound: the announcement was deleted; there is nobody left to remind.
const ErrTypeNewsNotFound = "NewsNotFound"

// Kinds of announcement notices, also the mail_outbox kind.
const (
	// NoticeNewsPublished tells the audience an announcement is out.
	NoticeNewsPublished = "news_published"
	// NoticeNewsReminder reminds who has not acknowledged an announcement.
	NoticeNewsReminder = "news_reminder"
	// NoticeNewsEscalation tells the managers whose dealers still have not acknowledged.
	NoticeNewsEscalation = "news_escalation"
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
		q := a.q.WithTx(tx)
		for _, p := range people {
			text := newsText(n.Kind, p.locale, st.Title, link, p.pending)
			key := fmt.Sprintf("%s:%d:%d", n.Kind, n.NewsID, p.id)
			if err := q.QueueMail(ctx, store.QueueMailParams{ToAddress: p.email, Subject: text.subject,
				Body: text.body, Kind: n.Kind, DedupKey: &key}); err != nil {
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

// newsText words an announcement notice in the recipient's language.
func newsText(kind, locale, title, link string, pending int64) mailText {
	if locale == "en" {
		switch kind {
		case NoticeNewsReminder:
			return mailText{"Reminder: please acknowledge «" + title + "»",
				"You have not yet acknowledged the announcement «" + title + "».\n\nOpen it and press «Acknowledged»: " + link + "\n"}
		case NoticeNewsEscalation:
			return mailText{fmt.Sprintf("%d of your partners' people have not acknowledged «%s»", pending, title),
				fmt.Sprintf("%d people of the salons you look after have not acknowledged the announcement «%s» after the reminder.\n\nWho has and has not: %s\n", pending, title, link)}
		}
		return mailText{"New announcement: " + title, "A new announcement is published: «" + title + "».\n\nRead it: " + link + "\n"}
	}
	switch kind {
	case NoticeNewsReminder:
		return mailText{"Напоминание: ознакомьтесь с «" + title + "»",
			"Вы ещё не ознакомились с объявлением «" + title + "».\n\nОткройте его и нажмите «Ознакомлен»: " + link + "\n"}
	case NoticeNewsEscalation:
		return mailText{fmt.Sprintf("Не ознакомились с «%s»: %d чел.", title, pending),
			fmt.Sprintf("%d сотрудников салонов, которые вы ведёте, не ознакомились с объявлением «%s» и после напоминания.\n\nКто ознакомился и кто нет: %s\n", pending, title, link)}
	}
	return mailText{"Новое объявление: " + title, "Опубликовано новое объявление: «" + title + "».\n\nПрочитать: " + link + "\n"}
}
