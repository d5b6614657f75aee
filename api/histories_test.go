package api_test

import (
	"context"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"testing"
	"time"

	historypb "go.temporal.io/api/history/v1"
	"go.temporal.io/api/temporalproto"
	"go.temporal.io/api/workflowservice/v1"
)

// historySet, when KARSO_RECORD_HISTORIES names one (v2, v3 …), makes the tests write the
// histories they drive into workflows/testdata/histories/<shape>.<set>.json, where
// TestRecordedHistoriesReplay replays them with the current workflow code. Record a new set
// only when a GetVersion branch is added, next to the old sets (docs/decisions.md): the old
// files are the proof that sales started by older code still replay.
var historySet = os.Getenv("KARSO_RECORD_HISTORIES")

// recordHistory exports the workflow's history as it stands, under the shape's name, once the
// workflow has no task in progress (a history cut inside a task would not replay).
func recordHistory(t *testing.T, workflowID, shape string) {
	t.Helper()
	if historySet == "" {
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
	path := filepath.Join("..", "workflows", "testdata", "histories", shape+"."+historySet+".json")
	if err := os.WriteFile(path, b, 0o644); err != nil {
		t.Fatal(err)
	}
	t.Logf("recorded %s (%d events) into %s", workflowID, len(hist.Events), path)
}

// The one change made behind GetVersion to prove the policy (docs/decisions.md): new sales keep
// search attributes, so an operator finds a sale in the Temporal UI by its contract number,
// while the histories recorded before the change replay without them
// (workflows.TestRecordedHistoriesReplay).
func TestOperatorsFindASaleByItsContractNumber(t *testing.T) {
	dealer := login(t, "dealer@karso.test")
	paid := saleAwaitingPayment(t, dealer)
	sale := dealer.sale("GET", "/api/v1/sales/"+paid.ID, nil, http.StatusOK)
	number := sale.number()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	d, err := temporal.DescribeWorkflowExecution(ctx, "sale-"+sale.ID, "")
	if err != nil {
		t.Fatal(err)
	}
	fields := d.WorkflowExecutionInfo.GetSearchAttributes().GetIndexedFields()
	for name, want := range map[string]string{"ContractNumber": `"` + number + `"`, "SaleStatus": `"awaiting_payment"`} {
		if got := string(fields[name].GetData()); got != want {
			t.Errorf("search attribute %s = %s, want %s", name, got, want)
		}
	}
	eventually(t, "the visibility store finds the sale by its contract number", func() bool {
		r, err := temporal.ListWorkflow(ctx, &workflowservice.ListWorkflowExecutionsRequest{
			Query: fmt.Sprintf("ContractNumber = %q", number)})
		return err == nil && len(r.Executions) == 1 && r.Executions[0].Execution.WorkflowId == "sale-"+sale.ID
	})
}
