package workflows

import (
	"fmt"
	"time"

	"go.temporal.io/sdk/temporal"
	"go.temporal.io/sdk/workflow"

	"karso.ru/prm/activities"
)

// Outcomes of an announcement's workflow.
const (
	// NewsOutcomeNotified: the audience was told; nothing to acknowledge.
	NewsOutcomeNotified = "notified"
	// NewsOutcomeAcknowledged: everyone addressed acknowledged before the reminders ran out.
	NewsOutcomeAcknowledged = "acknowledged"
	// NewsOutcomeArchived: the announcement was archived (or deleted) before the end.
	NewsOutcomeArchived = "archived"
	// NewsOutcomeEscalated: the reminder and the managers' notice both went out.
	NewsOutcomeEscalated = "escalated"
)

// NewsInput is a published announcement as its workflow needs it.
type NewsInput struct {
	NewsID int64 `json:"news_id"`
	// PublishAt is when the announcement shows; the audience is told then.
	PublishAt   time.Time `json:"publish_at"`
	RequiresAck bool      `json:"requires_ack"`
	// RemindAfterDays after publication, who has not acknowledged is reminded; their managers
	// are told EscalateAfterDays after the reminder.
	RemindAfterDays   int `json:"remind_after_days"`
	EscalateAfterDays int `json:"escalate_after_days"`
}

// NewsResult is how an announcement's workflow ended.
type NewsResult struct {
	Outcome string `json:"outcome"`
	// Pending is how many had not acknowledged at the last check.
	Pending int64 `json:"pending"`
}

// NewsWorkflowID is the id of an announcement's workflow: one per announcement.
func NewsWorkflowID(newsID int64) string { return fmt.Sprintf("news-%d", newsID) }

// NewsWorkflow tells an announcement's audience when it is published and, for one that
// requires acknowledgement, reminds who has not acknowledged after RemindAfterDays and tells
// their managers after EscalateAfterDays more. The API cancels it when the announcement is
// archived or the last person acknowledges; it also checks before every notice, so a cancel
// that did not arrive sends nothing wrong.
func NewsWorkflow(ctx workflow.Context, in NewsInput) (NewsResult, error) {
	ctx = newsActivityOptions(ctx)
	if wait := in.PublishAt.Sub(workflow.Now(ctx)); wait > 0 {
		if err := workflow.Sleep(ctx, wait); err != nil {
			return NewsResult{Outcome: NewsOutcomeArchived}, err
		}
	}
	st, err := newsState(ctx, in.NewsID)
	if err != nil || !st.Live {
		return NewsResult{Outcome: NewsOutcomeArchived, Pending: st.Pending}, err
	}
	if err := notifyNews(ctx, in.NewsID, activities.NoticeNewsPublished); err != nil {
		return NewsResult{}, err
	}
	if !in.RequiresAck {
		return NewsResult{Outcome: NewsOutcomeNotified, Pending: st.Pending}, nil
	}
	rounds := []struct {
		days int
		kind string
	}{{in.RemindAfterDays, activities.NoticeNewsReminder}, {in.EscalateAfterDays, activities.NoticeNewsEscalation}}
	for _, r := range rounds {
		if err := workflow.Sleep(ctx, time.Duration(max(r.days, 1))*24*time.Hour); err != nil {
			return NewsResult{Outcome: NewsOutcomeArchived, Pending: st.Pending}, err
		}
		if st, err = newsState(ctx, in.NewsID); err != nil {
			return NewsResult{}, err
		}
		if !st.Live {
			return NewsResult{Outcome: NewsOutcomeArchived, Pending: st.Pending}, nil
		}
		if st.Pending == 0 {
			return NewsResult{Outcome: NewsOutcomeAcknowledged}, nil
		}
		if err := notifyNews(ctx, in.NewsID, r.kind); err != nil {
			return NewsResult{}, err
		}
	}
	return NewsResult{Outcome: NewsOutcomeEscalated, Pending: st.Pending}, nil
}

func newsState(ctx workflow.Context, newsID int64) (activities.NewsAckState, error) {
	var st activities.NewsAckState
	err := workflow.ExecuteActivity(ctx, acts.NewsAckStatus, newsID).Get(ctx, &st)
	return st, err
}

func notifyNews(ctx workflow.Context, newsID int64, kind string) error {
	var sent int
	return workflow.ExecuteActivity(ctx, acts.NotifyNewsAudience, activities.NewsNotice{NewsID: newsID, Kind: kind}).Get(ctx, &sent)
}

// newsActivityOptions: short database reads and mail queueing, retried for a while.
func newsActivityOptions(ctx workflow.Context) workflow.Context {
	return workflow.WithActivityOptions(ctx, workflow.ActivityOptions{
		StartToCloseTimeout: time.Minute,
		RetryPolicy: &temporal.RetryPolicy{InitialInterval: 2 * time.Second, BackoffCoefficient: 2,
			MaximumInterval: 5 * time.Minute, MaximumAttempts: 20},
	})
}
