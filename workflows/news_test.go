package workflows_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/stretchr/testify/mock"
	"go.temporal.io/sdk/temporal"
	"go.temporal.io/sdk/testsuite"

	"karso.ru/prm/activities"
	"karso.ru/prm/warranty"
	"karso.ru/prm/workflows"
)

// newsBoard is what the announcement activities see: whether it is live and who is pending,
// changed by the test as time passes, and the notices sent with the time they went out.
type newsBoard struct {
	env     *testsuite.TestWorkflowEnvironment
	live    bool
	pending int64
	sent    []sentNotice
}

type sentNotice struct {
	kind string
	at   time.Time
}

func newNewsRun(t *testing.T, pending int64) (*testsuite.TestWorkflowEnvironment, *newsBoard) {
	t.Helper()
	var suite testsuite.WorkflowTestSuite
	env := suite.NewTestWorkflowEnvironment()
	b := &newsBoard{env: env, live: true, pending: pending}
	env.RegisterWorkflow(workflows.NewsWorkflow)
	env.RegisterActivity(acts.NewsAckStatus)
	env.RegisterActivity(acts.NotifyNewsAudience)
	env.OnActivity(acts.NewsAckStatus, mock.Anything, int64(7)).Return(
		func(context.Context, int64) (activities.NewsAckState, error) {
			return activities.NewsAckState{Live: b.live, Pending: b.pending}, nil
		})
	env.OnActivity(acts.NotifyNewsAudience, mock.Anything, mock.Anything).Return(
		func(_ context.Context, n activities.NewsNotice) (int, error) {
			b.sent = append(b.sent, sentNotice{n.Kind, env.Now()})
			return 1, nil
		})
	return env, b
}

var newsStart = time.Date(2026, time.March, 2, 10, 0, 0, 0, warranty.Moscow())

func newsInput(requiresAck bool) workflows.NewsInput {
	return workflows.NewsInput{NewsID: 7, PublishAt: newsStart, RequiresAck: requiresAck, RemindAfterDays: 3, EscalateAfterDays: 2}
}

func newsResult(t *testing.T, env *testsuite.TestWorkflowEnvironment) workflows.NewsResult {
	t.Helper()
	if !env.IsWorkflowCompleted() {
		t.Fatal("the announcement's workflow did not finish")
	}
	if err := env.GetWorkflowError(); err != nil {
		t.Fatalf("workflow failed: %v", err)
	}
	var r workflows.NewsResult
	if err := env.GetWorkflowResult(&r); err != nil {
		t.Fatal(err)
	}
	return r
}

func TestNewsNobodyAcknowledgesIsRemindedThenEscalated(t *testing.T) {
	env, b := newNewsRun(t, 5)
	env.SetStartTime(newsStart)
	env.ExecuteWorkflow(workflows.NewsWorkflow, newsInput(true))
	r := newsResult(t, env)
	if r.Outcome != workflows.NewsOutcomeEscalated || r.Pending != 5 {
		t.Fatalf("result %+v, want escalated with 5 pending", r)
	}
	want := []sentNotice{
		{activities.NoticeNewsPublished, newsStart},
		{activities.NoticeNewsReminder, newsStart.Add(3 * 24 * time.Hour)},
		{activities.NoticeNewsEscalation, newsStart.Add(5 * 24 * time.Hour)},
	}
	assertNotices(t, b.sent, want)
}

func TestNewsEveryoneAcknowledgesAfterTheReminder(t *testing.T) {
	env, b := newNewsRun(t, 2)
	env.SetStartTime(newsStart)
	// the last two acknowledge a day after the reminder
	env.RegisterDelayedCallback(func() { b.pending = 0 }, 4*24*time.Hour)
	env.ExecuteWorkflow(workflows.NewsWorkflow, newsInput(true))
	if r := newsResult(t, env); r.Outcome != workflows.NewsOutcomeAcknowledged {
		t.Fatalf("result %+v, want acknowledged", r)
	}
	assertNotices(t, b.sent, []sentNotice{
		{activities.NoticeNewsPublished, newsStart},
		{activities.NoticeNewsReminder, newsStart.Add(3 * 24 * time.Hour)},
	})
}

func TestNewsScheduledIsToldAtItsTime(t *testing.T) {
	env, b := newNewsRun(t, 3)
	env.SetStartTime(newsStart.Add(-36 * time.Hour))
	env.ExecuteWorkflow(workflows.NewsWorkflow, newsInput(false))
	if r := newsResult(t, env); r.Outcome != workflows.NewsOutcomeNotified {
		t.Fatalf("result %+v, want notified", r)
	}
	assertNotices(t, b.sent, []sentNotice{{activities.NoticeNewsPublished, newsStart}})
}

func TestNewsArchivedBeforeTheReminderSendsNoMore(t *testing.T) {
	env, b := newNewsRun(t, 4)
	env.SetStartTime(newsStart)
	// archived a day in; the API's cancel is lost, so only the check before the reminder stops it
	env.RegisterDelayedCallback(func() { b.live = false }, 24*time.Hour)
	env.ExecuteWorkflow(workflows.NewsWorkflow, newsInput(true))
	if r := newsResult(t, env); r.Outcome != workflows.NewsOutcomeArchived {
		t.Fatalf("result %+v, want archived", r)
	}
	assertNotices(t, b.sent, []sentNotice{{activities.NoticeNewsPublished, newsStart}})
}

func TestNewsCancelledStopsTheTimers(t *testing.T) {
	env, b := newNewsRun(t, 4)
	env.SetStartTime(newsStart)
	env.RegisterDelayedCallback(env.CancelWorkflow, 2*24*time.Hour)
	env.ExecuteWorkflow(workflows.NewsWorkflow, newsInput(true))
	if !env.IsWorkflowCompleted() {
		t.Fatal("not finished")
	}
	var canceled *temporal.CanceledError
	if err := env.GetWorkflowError(); !errors.As(err, &canceled) {
		t.Fatalf("error %v, want cancelled", err)
	}
	assertNotices(t, b.sent, []sentNotice{{activities.NoticeNewsPublished, newsStart}})
}

func assertNotices(t *testing.T, got, want []sentNotice) {
	t.Helper()
	if len(got) != len(want) {
		t.Fatalf("notices %+v, want %+v", got, want)
	}
	for i := range want {
		if got[i].kind != want[i].kind || !got[i].at.Equal(want[i].at) {
			t.Errorf("notice %d: %s at %s, want %s at %s", i, got[i].kind, got[i].at, want[i].kind, want[i].at)
		}
	}
}
