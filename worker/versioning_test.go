package worker_test

import (
	"context"
	"fmt"
	"os"
	"strings"
	"testing"
	"time"

	"go.temporal.io/api/enums/v1"
	"go.temporal.io/api/operatorservice/v1"
	"go.temporal.io/sdk/client"
	"go.temporal.io/sdk/temporal"
	sdkworker "go.temporal.io/sdk/worker"
	"go.temporal.io/sdk/workflow"

	"karso.ru/prm/config"
	"karso.ru/prm/testenv"
	"karso.ru/prm/worker"
	"karso.ru/prm/workflows"
)

// The tests run against the pinned Temporal dev server, the one `make run` starts.
var temporalClient client.Client

func TestMain(m *testing.M) {
	dev, err := testenv.StartTemporal(context.Background())
	if err != nil {
		fmt.Fprintln(os.Stderr, "start temporal:", err)
		os.Exit(1)
	}
	temporalClient = dev.Client()
	code := m.Run()
	_ = dev.Stop()
	os.Exit(code)
}

// releaseWorkflow stands for the sale in a rollout: it waits for a signal, then answers the
// build that ran its last task. Each build registers its own copy under one name; the copies
// issue the same commands, as a release made by the GetVersion policy does.
func releaseWorkflow(build string) func(ctx workflow.Context) (string, error) {
	return func(ctx workflow.Context) (string, error) {
		workflow.GetSignalChannel(ctx, "go").Receive(ctx, nil)
		return build, nil
	}
}

const releaseWorkflowName = "release"

// startBuild runs a worker of one build on the task queue (versioned when buildID is set).
func startBuild(t *testing.T, cfg config.Config, buildID string) sdkworker.Worker {
	t.Helper()
	cfg.TemporalWorkerVersioning = buildID != ""
	opts, err := worker.Options(cfg, buildID)
	if err != nil {
		t.Fatal(err)
	}
	w := sdkworker.New(temporalClient, cfg.TemporalTaskQueue, opts)
	name := buildID
	if name == "" {
		name = "unversioned"
	}
	w.RegisterWorkflowWithOptions(releaseWorkflow(name), workflow.RegisterOptions{Name: releaseWorkflowName})
	if err := w.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(w.Stop)
	return w
}

func startRelease(ctx context.Context, t *testing.T, cfg config.Config) client.WorkflowRun {
	t.Helper()
	run, err := temporalClient.ExecuteWorkflow(ctx, client.StartWorkflowOptions{TaskQueue: cfg.TemporalTaskQueue}, releaseWorkflowName)
	if err != nil {
		t.Fatal(err)
	}
	// the first workflow task has run once its completion is in the history
	deadline := time.Now().Add(20 * time.Second)
	for !firstTaskDone(ctx, t, run) {
		if time.Now().After(deadline) {
			t.Fatalf("workflow %s: no worker ran its first task", run.GetID())
		}
		time.Sleep(50 * time.Millisecond)
	}
	return run
}

func firstTaskDone(ctx context.Context, t *testing.T, run client.WorkflowRun) bool {
	it := temporalClient.GetWorkflowHistory(ctx, run.GetID(), run.GetRunID(), false, enums.HISTORY_EVENT_FILTER_TYPE_ALL_EVENT)
	for it.HasNext() {
		e, err := it.Next()
		if err != nil {
			t.Fatal(err)
		}
		if e.EventType == enums.EVENT_TYPE_WORKFLOW_TASK_COMPLETED {
			return true
		}
	}
	return false
}

// finishedOn signals a waiting release workflow and answers the build that finished it.
func finishedOn(ctx context.Context, t *testing.T, run client.WorkflowRun) string {
	t.Helper()
	if err := temporalClient.SignalWorkflow(ctx, run.GetID(), run.GetRunID(), "go", nil); err != nil {
		t.Fatal(err)
	}
	var build string
	if err := run.Get(ctx, &build); err != nil {
		t.Fatal(err)
	}
	return build
}

// TestVersionedRollout is a release with sales in flight, on the pinned dev server: workflows
// started before versioning was turned on move to the first versioned build once it is current;
// a new build made current takes new workflows and, by AutoUpgrade, the running ones at their
// next task; making the old build current again rolls back.
func TestVersionedRollout(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	cfg := config.Config{TemporalTaskQueue: "rollout", TemporalDeploymentName: "karso-rollout"}

	unversioned := startBuild(t, cfg, "")
	beforeVersioning := startRelease(ctx, t, cfg)
	unversioned.Stop()

	startBuild(t, cfg, "b1")
	if err := worker.SetCurrentVersion(ctx, temporalClient, cfg, "b1"); err != nil {
		t.Fatal(err)
	}
	if got := finishedOn(ctx, t, beforeVersioning); got != "b1" {
		t.Errorf("a workflow started unversioned finished on %q, want b1 (the current version)", got)
	}
	inFlight := startRelease(ctx, t, cfg)
	if d := describe(ctx, t, inFlight); d.build != "b1" || d.behavior != enums.VERSIONING_BEHAVIOR_AUTO_UPGRADE {
		t.Errorf("a new workflow runs on %+v, want b1 with AutoUpgrade", d)
	}

	startBuild(t, cfg, "b2")
	if err := worker.SetCurrentVersion(ctx, temporalClient, cfg, "b2"); err != nil {
		t.Fatal(err)
	}
	// setting the version that is current again is harmless (a restarted worker does it)
	if err := worker.SetCurrentVersion(ctx, temporalClient, cfg, "b2"); err != nil {
		t.Fatalf("setting the current version twice: %v", err)
	}
	fresh := startRelease(ctx, t, cfg)
	if d := describe(ctx, t, fresh); d.build != "b2" {
		t.Errorf("a workflow started after the release runs on %+v, want b2", d)
	}
	if got := finishedOn(ctx, t, inFlight); got != "b2" {
		t.Errorf("the in-flight workflow finished on %q, want b2 (AutoUpgrade)", got)
	}

	// roll back: b1's workers still run, so making b1 current sends everything back to them
	if err := worker.SetCurrentVersion(ctx, temporalClient, cfg, "b1"); err != nil {
		t.Fatal(err)
	}
	if got := finishedOn(ctx, t, fresh); got != "b1" {
		t.Errorf("after the rollback a running workflow finished on %q, want b1", got)
	}
}

type versioning struct {
	build    string
	behavior enums.VersioningBehavior
}

func describe(ctx context.Context, t *testing.T, run client.WorkflowRun) versioning {
	t.Helper()
	d, err := temporalClient.DescribeWorkflowExecution(ctx, run.GetID(), run.GetRunID())
	if err != nil {
		t.Fatal(err)
	}
	info := d.GetWorkflowExecutionInfo().GetVersioningInfo()
	return versioning{build: info.GetDeploymentVersion().GetBuildId(), behavior: info.GetBehavior()}
}

// TestVersioningNeedsABuildID: a versioned worker without a build id would route nothing.
func TestVersioningNeedsABuildID(t *testing.T) {
	cfg := config.Config{TemporalWorkerVersioning: true, TemporalDeploymentName: "karso"}
	if _, err := worker.Options(cfg, ""); err == nil || !strings.Contains(err.Error(), "TEMPORAL_WORKER_VERSIONING") {
		t.Errorf("no build id: %v", err)
	}
	opts, err := worker.Options(cfg, "1.4.0")
	if err != nil || !opts.DeploymentOptions.UseVersioning || opts.DeploymentOptions.Version.BuildID != "1.4.0" ||
		opts.DeploymentOptions.DefaultVersioningBehavior != workflow.VersioningBehaviorAutoUpgrade {
		t.Errorf("versioned options %+v, %v", opts.DeploymentOptions, err)
	}
	if opts, _ := worker.Options(config.Config{}, "1.4.0"); opts.DeploymentOptions.UseVersioning {
		t.Error("versioning on while TEMPORAL_WORKER_VERSIONING is off")
	}
}

// TestSearchAttributesAreRegistered: the dev server the tests and `make run` start knows the
// search attributes the workflows set, with the types of their keys; scripts/lib.sh registers
// the same ones.
func TestSearchAttributesAreRegistered(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	resp, err := temporalClient.OperatorService().ListSearchAttributes(ctx,
		&operatorservice.ListSearchAttributesRequest{Namespace: "default"})
	if err != nil {
		t.Fatal(err)
	}
	script, err := os.ReadFile("../scripts/lib.sh")
	if err != nil {
		t.Fatal(err)
	}
	for _, key := range []temporal.SearchAttributeKey{workflows.ContractNumberKey, workflows.PartnerIDKey, workflows.SaleStatusKey} {
		got, ok := resp.CustomAttributes[key.GetName()]
		if !ok || got != key.GetValueType() {
			t.Errorf("%s: registered as %v (%v), the workflows set it as %v", key.GetName(), got, ok, key.GetValueType())
		}
		flag := "--search-attribute " + key.GetName() + "=" + cliType[key.GetValueType()]
		if !strings.Contains(string(script), flag) {
			t.Errorf("scripts/lib.sh does not pass %q to the dev server", flag)
		}
	}
}

// cliType names an indexed value type as the dev server's --search-attribute flag takes it.
var cliType = map[enums.IndexedValueType]string{
	enums.INDEXED_VALUE_TYPE_KEYWORD: "Keyword",
	enums.INDEXED_VALUE_TYPE_INT:     "Int",
}
