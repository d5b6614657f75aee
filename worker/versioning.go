package worker

import (
	"context"
	"errors"
	"fmt"
	"time"

	"go.temporal.io/sdk/client"
	sdkworker "go.temporal.io/sdk/worker"
	"go.temporal.io/sdk/workflow"

	"karso.ru/prm/config"
)

// DefaultVersioningBehavior is how a sale behaves when a new build becomes current: it moves
// to the new build at its next workflow task. A sale lives until the end of its month (an
// unpaid invoice longer), so pinning it to the build it started on would keep every old build
// running for a month after each release; instead every change to a running workflow goes
// behind workflow.GetVersion and the replay tests prove the new build replays old histories
// (docs/decisions.md, "Changing running workflows").
const DefaultVersioningBehavior = workflow.VersioningBehaviorAutoUpgrade

// deploymentOptions opt the worker into worker deployment versioning when the configuration
// says so: it polls as build buildID of the deployment, and takes only tasks of workflows the
// deployment routes to that build (new workflows go to the current version).
func deploymentOptions(cfg config.Config, buildID string) (sdkworker.DeploymentOptions, error) {
	if !cfg.TemporalWorkerVersioning {
		return sdkworker.DeploymentOptions{}, nil
	}
	if buildID == "" || cfg.TemporalDeploymentName == "" {
		return sdkworker.DeploymentOptions{}, errors.New("TEMPORAL_WORKER_VERSIONING: needs a build id (karso version) and TEMPORAL_DEPLOYMENT_NAME")
	}
	return sdkworker.DeploymentOptions{
		UseVersioning:             true,
		Version:                   Version(cfg, buildID),
		DefaultVersioningBehavior: DefaultVersioningBehavior,
	}, nil
}

// Version is the worker deployment version a build polls as.
func Version(cfg config.Config, buildID string) sdkworker.WorkerDeploymentVersion {
	return sdkworker.WorkerDeploymentVersion{DeploymentName: cfg.TemporalDeploymentName, BuildID: buildID}
}

// SetCurrentVersion makes buildID the deployment's current version, so new workflows (and,
// with AutoUpgrade, running ones at their next task) go to it. Temporal knows a version only
// once one of its workers has polled, so a started worker calls this and it retries until the
// version exists or ctx ends.
func SetCurrentVersion(ctx context.Context, c client.Client, cfg config.Config, buildID string) error {
	handle := c.WorkerDeploymentClient().GetHandle(cfg.TemporalDeploymentName)
	for {
		// setting the version that is already current succeeds and changes nothing, so a
		// restart of the same build is harmless
		_, err := handle.SetCurrentVersion(ctx, client.WorkerDeploymentSetCurrentVersionOptions{BuildID: buildID})
		if err == nil {
			return nil
		}
		select {
		case <-ctx.Done():
			return fmt.Errorf("set %s/%s as the current version: %w", cfg.TemporalDeploymentName, buildID, err)
		case <-time.After(500 * time.Millisecond):
		}
	}
}
