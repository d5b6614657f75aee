// Package worker builds the Temporal worker: the task queue it polls, the workflows and
// activities it runs, and their options.
package worker

import (
	"time"

	"log/slog"

	"github.com/jackc/pgx/v5/pgxpool"
	"go.temporal.io/sdk/client"
	sdkworker "go.temporal.io/sdk/worker"

	"karso.ru/prm/activities"
	"karso.ru/prm/config"
	"karso.ru/prm/documents"
	"karso.ru/prm/payments"
	"karso.ru/prm/workflows"
)

// Deps are the resources the activities use.
type Deps struct {
	Config config.Config
	Log    *slog.Logger
	Pool   *pgxpool.Pool
	// Documents renders, stores and records the PDFs the sales issue.
	Documents *documents.Service
	// Payments is the acquirer card payments go through; nil picks it from the
	// configuration (payments.NewProvider: Stripe with STRIPE_SECRET_KEY, else the sandbox).
	Payments payments.Provider
	// BuildID is this binary's version (`karso version`): the worker's deployment version
	// when TEMPORAL_WORKER_VERSIONING is on.
	BuildID string
}

// New builds a worker on the configured task queue with every workflow and activity
// registered. Start it with Start and stop it with Stop (it finishes running tasks first).
func New(c client.Client, d Deps) (sdkworker.Worker, error) {
	opts, err := Options(d.Config, d.BuildID)
	if err != nil {
		return nil, err
	}
	w := sdkworker.New(c, d.Config.TemporalTaskQueue, opts)
	if err := register(w, d); err != nil {
		return nil, err
	}
	return w, nil
}

// Options are the worker's options: the stop timeout, and the deployment version when
// versioning is on (see versioning.go).
func Options(cfg config.Config, buildID string) (sdkworker.Options, error) {
	opts := sdkworker.Options{
		// a stopping worker gives running activities this long to finish
		WorkerStopTimeout: 20 * time.Second,
	}
	var err error
	opts.DeploymentOptions, err = deploymentOptions(cfg, buildID)
	return opts, err
}

// register lists what this worker runs; every workflow and activity is named here.
func register(w sdkworker.Registry, d Deps) error {
	w.RegisterWorkflow(workflows.Sale)
	w.RegisterWorkflow(workflows.ClosingWorkflow)
	w.RegisterWorkflow(workflows.PartnerClosingWorkflow)
	w.RegisterWorkflow(workflows.NewsWorkflow)
	provider := d.Payments
	if provider == nil {
		provider = payments.NewProvider(d.Config, d.Pool)
	}
	w.RegisterActivity(activities.New(activities.Deps{Pool: d.Pool, Log: d.Log, PublicURL: d.Config.PublicURL,
		Contracts: d.Documents, Documents: d.Documents, Payments: provider, VATBP: d.Config.VATBP,
		TimeZone: d.Config.CompanyTZ}))
	return nil
}
