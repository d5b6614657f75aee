package workflows

import (
	"fmt"
	"time"

	"go.temporal.io/sdk/temporal"
	"go.temporal.io/sdk/workflow"

	"karso.ru/prm/activities"
)

// Error types of the monthly closing.
const (
	// ErrTypeBadClosingInput: the month or the time zone to close in cannot be read.
	ErrTypeBadClosingInput = "BadClosingInput"
	// ErrTypeClosingIncomplete: some partners' closings failed; the details list them. Running
	// the month again finishes them and repeats nothing the others did.
	ErrTypeClosingIncomplete = "ClosingIncomplete"
)

// closingParallelism bounds how many partners close at once, so a month of a thousand partners
// does not flood the documents service and the database.
const closingParallelism = 8

// ClosingInput asks to close a month.
type ClosingInput struct {
	// Month is the month to close, "2026-03". Empty means the month before the one the run was
	// scheduled in: what the monthly schedule sends.
	Month string `json:"month,omitempty"`
	// TimeZone is the company's zone, whose calendar the months are.
	TimeZone string `json:"time_zone"`
}

// ClosingResult is what a month's closing did.
type ClosingResult struct {
	Month string `json:"month"`
	// AlreadyRunning is set when the scheduled run found the month's closing under way (an
	// admin started it) and left it to finish.
	AlreadyRunning bool                   `json:"already_running,omitempty"`
	Partners       []PartnerClosingResult `json:"partners"`
}

// PartnerClosingResult is how one partner's closing ended.
type PartnerClosingResult struct {
	PartnerID int64 `json:"partner_id"`
	// Status is activities.ClosingClosed or activities.ClosingMismatch.
	Status      string   `json:"status"`
	DocumentIDs []string `json:"document_ids"`
	// Mismatches is how many sales' ledger differs; finance was alerted with the list. Only the
	// count is carried, so a month of a thousand partners keeps a small history.
	Mismatches int `json:"mismatches"`
}

// ClosingWorkflowID is the id of a month's closing: one at a time per month, whoever starts it.
func ClosingWorkflowID(month string) string { return "closing-" + month }

// PartnerClosingWorkflowID is the id of one partner's closing of a month.
func PartnerClosingWorkflowID(month string, partnerID int64) string {
	return fmt.Sprintf("closing-%s-partner-%d", month, partnerID)
}

// ClosingWorkflow closes a month: for each partner with activity in it, in the order of their
// ids, a PartnerClosingWorkflow archives the commission statement and the act (PDF and Excel),
// checks the ledger against the sales, alerts finance to any difference and tells the
// partner's dealers and finance. Every effect is keyed by the month, so running a month again
// archives, records and mails nothing twice.
//
// Without a month (the monthly schedule) it closes the month before the one it was scheduled
// in, as the child workflow ClosingWorkflowID(month), so that a scheduled run and an admin's
// run of the same month never overlap.
func ClosingWorkflow(ctx workflow.Context, in ClosingInput) (ClosingResult, error) {
	loc, err := time.LoadLocation(in.TimeZone)
	if err != nil {
		return ClosingResult{}, temporal.NewNonRetryableApplicationError("unknown time zone "+in.TimeZone, ErrTypeBadClosingInput, err)
	}
	if in.Month == "" {
		return closeScheduledMonth(ctx, in, loc)
	}
	if _, err := time.Parse(MonthLayout, in.Month); err != nil {
		return ClosingResult{}, temporal.NewNonRetryableApplicationError("bad month "+in.Month, ErrTypeBadClosingInput, err)
	}
	return closeMonth(ctx, in)
}

// MonthLayout is how a month is written: "2026-03".
const MonthLayout = "2006-01"

// MonthBefore is the month before the one t falls in, in loc: the month a closing run at t
// closes.
func MonthBefore(t time.Time, loc *time.Location) string {
	t = t.In(loc)
	return time.Date(t.Year(), t.Month()-1, 1, 0, 0, 0, 0, loc).Format(MonthLayout)
}

// scheduledStartTime is the search attribute a schedule sets on the runs it starts.
var scheduledStartTime = temporal.NewSearchAttributeKeyTime("TemporalScheduledStartTime")

// firedAt is when the schedule meant the run to start, or now for a run not started by a
// schedule. A run the schedule catches up on late still closes the month it was meant for.
func firedAt(ctx workflow.Context) time.Time {
	if t, ok := workflow.GetTypedSearchAttributes(ctx).GetTime(scheduledStartTime); ok && !t.IsZero() {
		return t
	}
	return workflow.Now(ctx)
}

// closeScheduledMonth runs the closing of the month just closed as its own workflow, named by
// the month.
func closeScheduledMonth(ctx workflow.Context, in ClosingInput, loc *time.Location) (ClosingResult, error) {
	month := MonthBefore(firedAt(ctx), loc)
	child := workflow.WithChildOptions(ctx, workflow.ChildWorkflowOptions{WorkflowID: ClosingWorkflowID(month)})
	var out ClosingResult
	err := workflow.ExecuteChildWorkflow(child, ClosingWorkflow, ClosingInput{Month: month, TimeZone: in.TimeZone}).Get(ctx, &out)
	if temporal.IsWorkflowExecutionAlreadyStartedError(err) {
		workflow.GetLogger(ctx).Info("the month's closing is already running", "month", month)
		return ClosingResult{Month: month, AlreadyRunning: true, Partners: []PartnerClosingResult{}}, nil
	}
	return out, err
}

// closeMonth closes each partner of the month, a few at a time, and reports the partners whose
// closing failed once every other partner is done.
func closeMonth(ctx workflow.Context, in ClosingInput) (ClosingResult, error) {
	var partners []int64
	period := activities.ClosingPeriod{Month: in.Month, TimeZone: in.TimeZone}
	if err := workflow.ExecuteActivity(closingQuickOptions(ctx), acts.ClosingPartners, period).Get(ctx, &partners); err != nil {
		return ClosingResult{}, err
	}
	out := ClosingResult{Month: in.Month, Partners: make([]PartnerClosingResult, 0, len(partners))}
	var failed []int64
	for from := 0; from < len(partners); from += closingParallelism {
		batch := partners[from:min(from+closingParallelism, len(partners))]
		futures := make([]workflow.ChildWorkflowFuture, len(batch))
		for i, id := range batch {
			child := workflow.WithChildOptions(ctx, workflow.ChildWorkflowOptions{
				WorkflowID: PartnerClosingWorkflowID(in.Month, id),
				// one partner's closing is a few quick steps; a stuck one must not hold the month
				WorkflowExecutionTimeout: 2 * time.Hour,
			})
			futures[i] = workflow.ExecuteChildWorkflow(child, PartnerClosingWorkflow,
				activities.PartnerClosing{ClosingPeriod: period, PartnerID: id})
		}
		for i, f := range futures {
			var r PartnerClosingResult
			if err := f.Get(ctx, &r); err != nil {
				workflow.GetLogger(ctx).Error("partner closing failed", "month", in.Month, "partner", batch[i], "err", err)
				failed = append(failed, batch[i])
				continue
			}
			out.Partners = append(out.Partners, r)
		}
	}
	if len(failed) > 0 {
		return out, temporal.NewNonRetryableApplicationError(
			fmt.Sprintf("the closing of %s failed for %d partners", in.Month, len(failed)), ErrTypeClosingIncomplete, nil, failed)
	}
	return out, nil
}

// PartnerClosingWorkflow closes one partner's month, recording each step in the closings
// register: the documents archived, the ledger checked against the sales (a difference alerts
// finance with the sales involved), the partner's dealers and finance told, the closing
// finished. Each activity is idempotent by the month and the partner.
func PartnerClosingWorkflow(ctx workflow.Context, c activities.PartnerClosing) (PartnerClosingResult, error) {
	quick, docs := closingQuickOptions(ctx), closingDocumentOptions(ctx)
	if err := workflow.ExecuteActivity(quick, acts.StartPartnerClosing, c).Get(ctx, nil); err != nil {
		return PartnerClosingResult{}, err
	}
	var issued activities.ClosingDocuments
	if err := workflow.ExecuteActivity(docs, acts.IssueClosingDocuments, c).Get(ctx, &issued); err != nil {
		return PartnerClosingResult{}, err
	}
	var rec activities.Reconciliation
	if err := workflow.ExecuteActivity(quick, acts.ReconcileClosing, c).Get(ctx, &rec); err != nil {
		return PartnerClosingResult{}, err
	}
	status := activities.ClosingClosed
	if !rec.Matched() {
		status = activities.ClosingMismatch
		alert := activities.MismatchAlert{PartnerClosing: c, Count: rec.MismatchCount, Mismatches: rec.Mismatches}
		if err := workflow.ExecuteActivity(quick, acts.AlertLedgerMismatch, alert).Get(ctx, nil); err != nil {
			return PartnerClosingResult{}, err
		}
	}
	notice := activities.ClosingNotice{PartnerClosing: c, Documents: issued, Matched: rec.Matched()}
	if err := workflow.ExecuteActivity(quick, acts.NotifyClosing, notice).Get(ctx, nil); err != nil {
		return PartnerClosingResult{}, err
	}
	finish := activities.ClosingFinish{PartnerClosing: c, Status: status, At: workflow.Now(ctx)}
	if err := workflow.ExecuteActivity(quick, acts.FinishPartnerClosing, finish).Get(ctx, nil); err != nil {
		return PartnerClosingResult{}, err
	}
	return PartnerClosingResult{PartnerID: c.PartnerID, Status: status, DocumentIDs: issued.DocumentIDs,
		Mismatches: rec.MismatchCount}, nil
}

// closingQuickOptions: database reads and writes and the mail outbox. Bounded: a closing that
// cannot reach the database for a quarter of an hour fails and is run again.
func closingQuickOptions(ctx workflow.Context) workflow.Context {
	return workflow.WithActivityOptions(ctx, workflow.ActivityOptions{
		StartToCloseTimeout: time.Minute,
		RetryPolicy: &temporal.RetryPolicy{InitialInterval: 2 * time.Second, BackoffCoefficient: 2,
			MaximumInterval: 2 * time.Minute, MaximumAttempts: 10},
	})
}

// closingDocumentOptions: rendering a month of sales into four files and storing them.
func closingDocumentOptions(ctx workflow.Context) workflow.Context {
	return workflow.WithActivityOptions(ctx, workflow.ActivityOptions{
		StartToCloseTimeout: 5 * time.Minute,
		RetryPolicy: &temporal.RetryPolicy{InitialInterval: 5 * time.Second, BackoffCoefficient: 2,
			MaximumInterval: 2 * time.Minute, MaximumAttempts: 8},
	})
}
