package api_test

import (
	"context"
	"os"
	"path/filepath"
	"testing"
	"time"

	historypb "go.temporal.io/api/history/v1"
	"go.temporal.io/api/temporalproto"
	"go.temporal.io/sdk/client"
)

// recordHistories, when KARSO_RECORD_HISTORIES=1, writes the histories the tests drive into
// workflows/testdata/histories, where TestRecordedHistoriesReplay replays them with the
// current workflow code. Re-record only when a GetVersion branch is added (docs/decisions.md):
// the point of the files is that they were made by older code.
var recordHistories = os.Getenv("KARSO_RECORD_HISTORIES") == "1"

// recordHistory exports the workflow's history as it stands, under the shape's name, once the
// workflow has no task in progress (a history cut inside a task would not replay).
func recordHistory(t *testing.T, workflowID, shape string) {
	t.Helper()
	if !recordHistories {
		return
	}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	for {
		d, err := temporal.DescribeWorkflowExecution(ctx, workflowID, "")
		if err != nil {
			t.Fatalf("describe %s: %v", workflowID, err)
		}
		if d.PendingWorkflowTask == nil && len(d.PendingActivities) == 0 {
			break
		}
		select {
		case <-ctx.Done():
			t.Fatalf("%s still has a task in progress", workflowID)
		case <-time.After(100 * time.Millisecond):
		}
	}
	hist := &historypb.History{}
	it := temporal.GetWorkflowHistory(ctx, workflowID, "", false, 0)
	for it.HasNext() {
		e, err := it.Next()
		if err != nil {
			t.Fatalf("history of %s: %v", workflowID, err)
		}
		hist.Events = append(hist.Events, e)
	}
	b, err := temporalproto.CustomJSONMarshalOptions{Indent: "  "}.Marshal(hist)
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join("..", "workflows", "testdata", "histories", shape+".json")
	if err := os.WriteFile(path, b, 0o644); err != nil {
		t.Fatal(err)
	}
	t.Logf("recorded %s (%d events) into %s", workflowID, len(hist.Events), path)
}

// keep the client import used when recording is off
var _ client.Client
