package workflows

import (
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"go.temporal.io/sdk/log"
	"go.temporal.io/sdk/worker"
	"go.temporal.io/sdk/workflow"

	"karso.ru/prm/testenv"
)

// The recorded histories are real sales and closings that the integration tests drove on a
// Temporal dev server with older code (api/histories_test.go writes them when
// KARSO_RECORD_HISTORIES=1). Every one must replay with the workflow code of today: a change
// that would break a sale in flight fails here, before a deploy. See docs/decisions.md
// ("Changing a workflow that is running").

// quiet keeps the replayer's task logs (a deliberate non-determinism panics loudly) out of the test output.
var quiet = log.NewStructuredLogger(slog.New(slog.NewTextHandler(io.Discard, nil)))

func recordedHistories(t *testing.T) []string {
	t.Helper()
	files, err := filepath.Glob(filepath.Join("testdata", "histories", "*.json"))
	if err != nil {
		t.Fatal(err)
	}
	if len(files) == 0 {
		t.Fatal("no recorded histories in testdata/histories: record them with KARSO_RECORD_HISTORIES=1 go test ./api/")
	}
	return files
}

func newReplayer(t *testing.T) worker.WorkflowReplayer {
	t.Helper()
	r, err := worker.NewWorkflowReplayerWithOptions(worker.WorkflowReplayerOptions{DataConverter: replayDataConverter(t),
		FailureConverter: testenv.FailureConverter()})
	if err != nil {
		t.Fatal(err)
	}
	r.RegisterWorkflow(Sale)
	r.RegisterWorkflow(ClosingWorkflow)
	r.RegisterWorkflow(PartnerClosingWorkflow)
	return r
}

func TestRecordedHistoriesReplay(t *testing.T) {
	for _, path := range recordedHistories(t) {
		t.Run(strings.TrimSuffix(filepath.Base(path), ".json"), func(t *testing.T) {
			if err := newReplayer(t).ReplayWorkflowHistoryFromJSONFile(quiet, path); err != nil {
				t.Fatalf("%s does not replay with today's code: %v", path, err)
			}
		})
	}
}

// TestReplayCatchesAnUnversionedChange shows the replay test can fail: a sale workflow that
// waits one second more before it starts — the smallest change of commands, made without
// GetVersion — must not replay any recorded sale.
func TestReplayCatchesAnUnversionedChange(t *testing.T) {
	changed := func(ctx workflow.Context, in SaleInput) error {
		if err := workflow.Sleep(ctx, time.Second); err != nil {
			return err
		}
		return Sale(ctx, in)
	}
	replayed := 0
	for _, path := range recordedHistories(t) {
		if !strings.Contains(readHead(t, path), `"workflowType": {`) || !isSaleHistory(t, path) {
			continue
		}
		r := newReplayer(t)
		r.RegisterWorkflowWithOptions(changed, workflow.RegisterOptions{Name: "Sale", DisableAlreadyRegisteredCheck: true})
		if err := r.ReplayWorkflowHistoryFromJSONFile(quiet, path); err == nil {
			t.Errorf("%s replayed with a changed workflow: the replay test would not catch a break", path)
		}
		replayed++
	}
	if replayed == 0 {
		t.Fatal("no recorded sale history")
	}
}

func readHead(t *testing.T, path string) string {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if len(b) > 4096 {
		b = b[:4096]
	}
	return string(b)
}

func isSaleHistory(t *testing.T, path string) bool {
	return strings.Contains(readHead(t, path), `"name": "Sale"`)
}
