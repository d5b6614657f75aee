package workflows

import (
	"go.temporal.io/sdk/workflow"
)

// job is an update's work that the main loop carries out between its own steps, so that an
// update never runs effects concurrently with the payment it changes (a cancel voiding an
// intent while the loop opens the next attempt would leave a payable intent behind).
type job struct {
	run  func(ctx workflow.Context) error
	done bool
	err  error
}

// perform queues run for the main loop and answers the state once it ran.
func (s *sale) perform(ctx workflow.Context, run func(ctx workflow.Context) error) (SaleState, error) {
	j := &job{run: run}
	s.jobs = append(s.jobs, j)
	if err := workflow.Await(ctx, func() bool { return j.done }); err != nil {
		return SaleState{}, err
	}
	if j.err != nil {
		return SaleState{}, j.err
	}
	return s.view(), nil
}

// runJob runs the oldest queued job; it reports whether there was one.
func (s *sale) runJob(ctx workflow.Context) bool {
	if len(s.jobs) == 0 {
		return false
	}
	j := s.jobs[0]
	s.jobs = s.jobs[1:]
	s.working = true
	j.err = j.run(ctx)
	s.working = false
	j.done = true
	return true
}

// refuseJobs answers the jobs still queued when the sale ended: its status allows nothing.
func (s *sale) refuseJobs() {
	for _, j := range s.jobs {
		j.err, j.done = wrongStatus(s.Status), true
	}
	s.jobs = nil
}
