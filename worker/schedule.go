package worker

import (
	"context"
	"errors"
	"fmt"
	"time"

	enumspb "go.temporal.io/api/enums/v1"
	"go.temporal.io/sdk/client"
	"go.temporal.io/sdk/temporal"

	"karso.ru/prm/config"
	"karso.ru/prm/workflows"
)

// ClosingScheduleID is the Temporal Schedule that closes every month.
const ClosingScheduleID = "monthly-closing"

// closingCatchupWindow is how late a missed monthly run still starts (a Temporal outage over the
// 1st); later than that, an admin starts the month's closing by hand.
const closingCatchupWindow = 7 * 24 * time.Hour

// EnsureClosingSchedule makes sure the monthly closing is scheduled: ClosingWorkflow at 03:00 on
// the 1st of every month in the company's zone, on the configured task queue, skipping a run
// while the previous one still runs. Every worker calls it when it starts; whoever comes second
// finds the schedule and brings its spec and action up to date with the configuration (a
// changed COMPANY_TZ or task queue), leaving its state — paused by an operator, say — alone.
func EnsureClosingSchedule(ctx context.Context, c client.Client, cfg config.Config) error {
	opts := closingSchedule(cfg)
	_, err := c.ScheduleClient().Create(ctx, opts)
	if err == nil {
		return nil
	}
	if !errors.Is(err, temporal.ErrScheduleAlreadyRunning) {
		return fmt.Errorf("create closing schedule: %w", err)
	}
	err = c.ScheduleClient().GetHandle(ctx, ClosingScheduleID).Update(ctx, client.ScheduleUpdateOptions{
		DoUpdate: func(in client.ScheduleUpdateInput) (*client.ScheduleUpdate, error) {
			s := in.Description.Schedule
			s.Spec, s.Action = &opts.Spec, opts.Action
			s.Policy = &client.SchedulePolicies{Overlap: opts.Overlap, CatchupWindow: opts.CatchupWindow}
			return &client.ScheduleUpdate{Schedule: &s}, nil
		},
	})
	if err != nil {
		return fmt.Errorf("update closing schedule: %w", err)
	}
	return nil
}

// closingSchedule is the schedule as the configuration wants it. The workflow gets no month:
// it closes the month before the one it was scheduled in.
func closingSchedule(cfg config.Config) client.ScheduleOptions {
	return client.ScheduleOptions{
		ID: ClosingScheduleID,
		Spec: client.ScheduleSpec{
			Calendars: []client.ScheduleCalendarSpec{{
				Second: []client.ScheduleRange{{Start: 0}}, Minute: []client.ScheduleRange{{Start: 0}},
				Hour: []client.ScheduleRange{{Start: 3}}, DayOfMonth: []client.ScheduleRange{{Start: 1}},
				Comment: "monthly closing: 03:00 on the 1st, company time",
			}},
			TimeZoneName: cfg.CompanyTZ.String(),
		},
		Action: &client.ScheduleWorkflowAction{
			ID:        ClosingScheduleID,
			Workflow:  workflows.ClosingWorkflow,
			Args:      []any{workflows.ClosingInput{TimeZone: cfg.CompanyTZ.String()}},
			TaskQueue: cfg.TemporalTaskQueue,
		},
		Overlap:       enumspb.SCHEDULE_OVERLAP_POLICY_SKIP,
		CatchupWindow: closingCatchupWindow,
	}
}
