package worker_test

import (
	"context"
	"fmt"
	"os"
	"testing"
	"time"

	"go.temporal.io/sdk/client"
	sdkworker "go.temporal.io/sdk/worker"
	"go.temporal.io/sdk/workflow"

	"karso.ru/prm/config"
	"karso.ru/prm/testenv"
	"karso.ru/prm/worker"
)

var temporal client.Client

func TestMain(m *testing.M) {
	dev, err := testenv.StartTemporal(context.Background())
	if err != nil {
		fmt.Fprintln(os.Stderr, "start temporal:", err)
		os.Exit(1)
	}
	temporal = dev.Client()
	code := m.Run()
	_ = dev.Stop()
	os.Exit(code)
}

func probe(ctx workflow.Context) (string, error) {
	var s string
	workflow.GetSignalChannel(ctx, "go").Receive(ctx, &s)
	return s, nil
}

func TestVersioningProbe(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	cfg := config.Config{TemporalTaskQueue: "probe", TemporalWorkerVersioning: true, TemporalDeploymentName: "karso-probe"}
	opts, err := worker.Options(cfg, "b1")
	if err != nil {
		t.Fatal(err)
	}
	w := sdkworker.New(temporal, cfg.TemporalTaskQueue, opts)
	w.RegisterWorkflow(probe)
	if err := w.Start(); err != nil {
		t.Fatal(err)
	}
	defer w.Stop()
	if err := worker.SetCurrentVersion(ctx, temporal, cfg, "b1"); err != nil {
		t.Fatal(err)
	}
	run, err := temporal.ExecuteWorkflow(ctx, client.StartWorkflowOptions{TaskQueue: "probe"}, probe)
	if err != nil {
		t.Fatal(err)
	}
	time.Sleep(2 * time.Second)
	d, err := temporal.DescribeWorkflowExecution(ctx, run.GetID(), "")
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("versioning info: %v", d.WorkflowExecutionInfo.VersioningInfo)
	if err := temporal.SignalWorkflow(ctx, run.GetID(), "", "go", "x"); err != nil {
		t.Fatal(err)
	}
	var out string
	if err := run.Get(ctx, &out); err != nil {
		t.Fatal(err)
	}
	t.Log("done", out)
}
