package workflows_test

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"reflect"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/mock"
	"go.temporal.io/sdk/temporal"
	"go.temporal.io/sdk/testsuite"

	"karso.ru/prm/activities"
	"karso.ru/prm/warranty"
	"karso.ru/prm/workflows"
)

// firstOfApril is the monthly schedule's fire time for March: 03:00 on 1 April, Moscow time.
var firstOfApril = time.Date(2026, time.April, 1, 3, 0, 0, 0, warranty.Moscow())

// books is what the closing activities leave behind, kept the way the real ones keep it: a
// document per partner, month and file, a mail and a task per dedup key, a register row per
// month and partner. It outlives one workflow run, so a second run shows what it added.
type books struct {
	// mu serialises the mocked activities: partners close concurrently
	mu         sync.Mutex
	partners   map[string][]int64
	mismatches map[int64][]activities.LedgerMismatch
	// failing partners' documents never issue
	failing map[int64]bool
	// issueFailures is how many document issues fail (an unreachable blob store) before one works.
	issueFailures int

	documents map[string]string
	mails     map[string]bool
	tasks     map[string]bool
	register  map[string]string
}

func newBooks() *books {
	return &books{partners: map[string][]int64{}, mismatches: map[int64][]activities.LedgerMismatch{},
		failing: map[int64]bool{}, documents: map[string]string{}, mails: map[string]bool{}, tasks: map[string]bool{},
		register: map[string]string{}}
}

// closingRun is one closing workflow run over the books, with what its activities were asked.
type closingRun struct {
	t        *testing.T
	env      *testsuite.TestWorkflowEnvironment
	b        *books
	listed   []activities.ClosingPeriod
	issued   []activities.PartnerClosing
	attempts int
	alerts   []activities.MismatchAlert
	notices  []activities.ClosingNotice
	finishes []activities.ClosingFinish
}

func newClosingRun(t *testing.T, b *books, at time.Time) *closingRun {
	var suite testsuite.WorkflowTestSuite
	r := &closingRun{t: t, env: suite.NewTestWorkflowEnvironment(), b: b}
	r.env.SetStartTime(at)
	r.env.RegisterWorkflow(workflows.ClosingWorkflow)
	r.env.RegisterWorkflow(workflows.PartnerClosingWorkflow)
	r.env.RegisterActivity(&activities.Activities{})
	r.env.OnActivity(acts.ClosingPartners, mock.Anything, mock.Anything).Return(
		func(_ context.Context, p activities.ClosingPeriod) ([]int64, error) {
			b.mu.Lock()
			defer b.mu.Unlock()
			r.listed = append(r.listed, p)
			return b.partners[p.Month], nil
		})
	r.env.OnActivity(acts.StartPartnerClosing, mock.Anything, mock.Anything).Return(
		func(_ context.Context, c activities.PartnerClosing) error {
			b.mu.Lock()
			defer b.mu.Unlock()
			b.register[registerKey(c)] = activities.ClosingInProgress
			return nil
		})
	r.env.OnActivity(acts.IssueClosingDocuments, mock.Anything, mock.Anything).Return(r.issueDocuments)
	r.env.OnActivity(acts.ReconcileClosing, mock.Anything, mock.Anything).Return(
		func(_ context.Context, c activities.PartnerClosing) (activities.Reconciliation, error) {
			b.mu.Lock()
			defer b.mu.Unlock()
			rec := activities.Reconciliation{Sales: 2, SalesTotal: 100_000_00, LedgerTotal: 100_000_00,
				MismatchCount: len(b.mismatches[c.PartnerID]), Mismatches: slices.Clone(b.mismatches[c.PartnerID])}
			if rec.Mismatches == nil {
				rec.Mismatches = []activities.LedgerMismatch{}
			}
			for _, m := range rec.Mismatches {
				rec.LedgerTotal += m.LedgerPrice - m.ExpectedPrice
			}
			return rec, nil
		})
	r.env.OnActivity(acts.AlertLedgerMismatch, mock.Anything, mock.Anything).Return(
		func(_ context.Context, a activities.MismatchAlert) error {
			b.mu.Lock()
			defer b.mu.Unlock()
			r.alerts = append(r.alerts, a)
			key := fmt.Sprintf("mismatch:%s:%d:%v", a.Month, a.PartnerID, a.Mismatches)
			b.mails[key], b.tasks[key] = true, true
			return nil
		})
	r.env.OnActivity(acts.NotifyClosing, mock.Anything, mock.Anything).Return(
		func(_ context.Context, n activities.ClosingNotice) error {
			b.mu.Lock()
			defer b.mu.Unlock()
			r.notices = append(r.notices, n)
			b.mails[fmt.Sprintf("closed:%s:%d", n.Month, n.PartnerID)] = true
			return nil
		})
	r.env.OnActivity(acts.FinishPartnerClosing, mock.Anything, mock.Anything).Return(
		func(_ context.Context, f activities.ClosingFinish) error {
			b.mu.Lock()
			defer b.mu.Unlock()
			r.finishes = append(r.finishes, f)
			b.register[registerKey(f.PartnerClosing)] = f.Status
			return nil
		})
	return r
}

// issueDocuments archives the four files of a partner's month once, as documents.Service does.
func (r *closingRun) issueDocuments(_ context.Context, c activities.PartnerClosing) (activities.ClosingDocuments, error) {
	r.b.mu.Lock()
	defer r.b.mu.Unlock()
	r.attempts++
	if r.b.failing[c.PartnerID] {
		return activities.ClosingDocuments{}, temporal.NewNonRetryableApplicationError("partner gone", activities.ErrTypePartnerNotFound, nil)
	}
	if r.b.issueFailures > 0 {
		r.b.issueFailures--
		return activities.ClosingDocuments{}, errors.New("blob storage is not answering")
	}
	r.issued = append(r.issued, c)
	out := activities.ClosingDocuments{SalesCount: 2, TotalPrice: 100_000_00, TotalCommission: 10_000_00}
	for _, file := range []string{"commission-statement-" + c.Month + ".pdf", "commission-statement-" + c.Month + ".xlsx",
		"act-" + c.Month + ".pdf", "act-" + c.Month + ".xlsx"} {
		key := fmt.Sprintf("%d/%s", c.PartnerID, file)
		if _, ok := r.b.documents[key]; !ok {
			r.b.documents[key] = fmt.Sprintf("doc-%d", len(r.b.documents)+1)
		}
		out.DocumentIDs = append(out.DocumentIDs, r.b.documents[key])
	}
	return out, nil
}

// byPartner orders what the run asked for by partner: partners close concurrently.
func (r *closingRun) byPartner() {
	slices.SortFunc(r.issued, func(a, b activities.PartnerClosing) int { return cmp.Compare(a.PartnerID, b.PartnerID) })
	slices.SortFunc(r.alerts, func(a, b activities.MismatchAlert) int { return cmp.Compare(a.PartnerID, b.PartnerID) })
	slices.SortFunc(r.notices, func(a, b activities.ClosingNotice) int { return cmp.Compare(a.PartnerID, b.PartnerID) })
}

func registerKey(c activities.PartnerClosing) string {
	return fmt.Sprintf("%s/%d", c.Month, c.PartnerID)
}

// close runs the closing of month ("" as the schedule sends it) to its end.
func (r *closingRun) close(month string) (workflows.ClosingResult, error) {
	r.t.Helper()
	r.env.ExecuteWorkflow(workflows.ClosingWorkflow, workflows.ClosingInput{Month: month, TimeZone: "Europe/Moscow"})
	if !r.env.IsWorkflowCompleted() {
		r.t.Fatal("the closing did not complete")
	}
	var out workflows.ClosingResult
	err := r.env.GetWorkflowError()
	if err == nil {
		err = r.env.GetWorkflowResult(&out)
	}
	return out, err
}

func TestScheduledClosingClosesTheMonthJustEndedForAPartnerWithSales(t *testing.T) {
	b := newBooks()
	b.partners["2026-03"] = []int64{2}
	b.issueFailures = 2 // retried with backoff: time skips over it
	r := newClosingRun(t, b, firstOfApril)
	out, err := r.close("")
	if err != nil {
		t.Fatal(err)
	}
	march := activities.ClosingPeriod{Month: "2026-03", TimeZone: "Europe/Moscow"}
	if len(r.listed) != 1 || r.listed[0] != march {
		t.Fatalf("partners listed for %+v, want March", r.listed)
	}
	if r.attempts != 3 || len(r.issued) != 1 || r.issued[0] != (activities.PartnerClosing{ClosingPeriod: march, PartnerID: 2}) {
		t.Errorf("documents issued %+v in %d attempts", r.issued, r.attempts)
	}
	if len(b.documents) != 4 || len(r.alerts) != 0 {
		t.Errorf("documents %v, alerts %+v", b.documents, r.alerts)
	}
	if len(r.notices) != 1 || !r.notices[0].Matched || r.notices[0].Documents.SalesCount != 2 ||
		len(r.notices[0].Documents.DocumentIDs) != 4 {
		t.Errorf("notices %+v", r.notices)
	}
	if b.register["2026-03/2"] != activities.ClosingClosed || len(r.finishes) != 1 || r.finishes[0].At.Before(firstOfApril) {
		t.Errorf("register %v, finishes %+v", b.register, r.finishes)
	}
	want := workflows.PartnerClosingResult{PartnerID: 2, Status: activities.ClosingClosed,
		DocumentIDs: []string{"doc-1", "doc-2", "doc-3", "doc-4"}}
	if out.Month != "2026-03" || out.AlreadyRunning || len(out.Partners) != 1 || !reflect.DeepEqual(out.Partners[0], want) {
		t.Errorf("result %+v", out)
	}
}

func TestClosingAlertsFinanceToTheSalesWhoseLedgerDiffers(t *testing.T) {
	b := newBooks()
	b.partners["2026-03"] = []int64{2, 5}
	wrong := activities.LedgerMismatch{SaleID: "0195f3a2-7c1e-7b9a-9d41-5c2b8e6f1a07", ContractNumber: "KR-2026-000042",
		Status: "active", ExpectedPrice: 58_805_00, LedgerPrice: 52_790_00, ExpectedCommission: 5_880_50, LedgerCommission: 5_279_00}
	b.mismatches[5] = []activities.LedgerMismatch{wrong}
	r := newClosingRun(t, b, time.Date(2026, time.April, 15, 12, 0, 0, 0, warranty.Moscow()))
	out, err := r.close("2026-03")
	if err != nil {
		t.Fatal(err)
	}
	if len(r.alerts) != 1 || r.alerts[0].PartnerID != 5 || r.alerts[0].Month != "2026-03" || r.alerts[0].Count != 1 ||
		!reflect.DeepEqual(r.alerts[0].Mismatches, []activities.LedgerMismatch{wrong}) {
		t.Fatalf("alerts %+v", r.alerts)
	}
	if b.register["2026-03/5"] != activities.ClosingMismatch || b.register["2026-03/2"] != activities.ClosingClosed {
		t.Errorf("register %v", b.register)
	}
	// the partner is told all the same, and finance learns the ledger differs
	matched := map[int64]bool{}
	for _, n := range r.notices {
		matched[n.PartnerID] = n.Matched
	}
	if len(r.notices) != 2 || !matched[2] || matched[5] {
		t.Errorf("notices %+v", r.notices)
	}
	if len(out.Partners) != 2 || out.Partners[0].PartnerID != 2 || out.Partners[1].PartnerID != 5 ||
		out.Partners[1].Status != activities.ClosingMismatch || out.Partners[1].Mismatches != 1 || out.Partners[0].Mismatches != 0 {
		t.Errorf("result %+v", out)
	}
}

func TestClosingAMonthAgainProducesNothingNew(t *testing.T) {
	b := newBooks()
	b.partners["2026-03"] = []int64{2, 5}
	b.mismatches[5] = []activities.LedgerMismatch{{SaleID: "0195f3a2-7c1e-7b9a-9d41-5c2b8e6f1a07", Status: "active",
		ExpectedPrice: 58_805_00}}
	first := newClosingRun(t, b, firstOfApril)
	firstOut, err := first.close("")
	if err != nil {
		t.Fatal(err)
	}
	docs, mails, tasks := len(b.documents), len(b.mails), len(b.tasks)

	// an admin runs March again three weeks later
	again := newClosingRun(t, b, time.Date(2026, time.April, 22, 16, 30, 0, 0, warranty.Moscow()))
	againOut, err := again.close("2026-03")
	if err != nil {
		t.Fatal(err)
	}
	if len(b.documents) != docs || len(b.mails) != mails || len(b.tasks) != tasks || docs != 8 {
		t.Errorf("documents %d→%d, mails %d→%d, tasks %d→%d", docs, len(b.documents), mails, len(b.mails), tasks, len(b.tasks))
	}
	// the same effects were asked for, so every key the real activities use is the same (the
	// partners close side by side, so their order is the partners')
	for _, r := range []*closingRun{first, again} {
		r.byPartner()
	}
	if !reflect.DeepEqual(first.issued, again.issued) || !reflect.DeepEqual(first.alerts, again.alerts) ||
		!reflect.DeepEqual(first.notices, again.notices) {
		t.Errorf("the second run asked for other effects:\n%+v\n%+v", first.issued, again.issued)
	}
	if !reflect.DeepEqual(firstOut, againOut) {
		t.Errorf("results differ:\n%+v\n%+v", firstOut, againOut)
	}
	if len(b.register) != 2 || b.register["2026-03/2"] != activities.ClosingClosed {
		t.Errorf("register %v", b.register)
	}
}

func TestClosingFinishesOtherPartnersWhenOneFails(t *testing.T) {
	b := newBooks()
	b.partners["2025-12"] = []int64{2, 3, 4}
	b.failing[3] = true
	r := newClosingRun(t, b, time.Date(2026, time.January, 1, 3, 0, 0, 0, warranty.Moscow()))
	_, err := r.close("")
	var app *temporal.ApplicationError
	if !errors.As(err, &app) || app.Type() != workflows.ErrTypeClosingIncomplete {
		t.Fatalf("err %v, want %s", err, workflows.ErrTypeClosingIncomplete)
	}
	var failed []int64
	if err := app.Details(&failed); err != nil || !slices.Equal(failed, []int64{3}) {
		t.Errorf("failed partners %v (%v)", failed, err)
	}
	if b.register["2025-12/2"] != activities.ClosingClosed || b.register["2025-12/4"] != activities.ClosingClosed ||
		b.register["2025-12/3"] != activities.ClosingInProgress {
		t.Errorf("register %v", b.register)
	}
}

func TestClosingRefusesAMalformedMonth(t *testing.T) {
	r := newClosingRun(t, newBooks(), firstOfApril)
	_, err := r.close("2026-13")
	var app *temporal.ApplicationError
	if !errors.As(err, &app) || app.Type() != workflows.ErrTypeBadClosingInput || len(r.listed) != 0 {
		t.Fatalf("err %v, listed %v", err, r.listed)
	}
}

func TestMonthBeforeIsTheMonthJustClosedInTheCompanyZone(t *testing.T) {
	moscow := warranty.Moscow()
	for _, c := range []struct {
		at   time.Time
		want string
	}{
		{firstOfApril, "2026-03"},
		{time.Date(2026, time.January, 1, 3, 0, 0, 0, moscow), "2025-12"},
		// 00:30 on 1 April in Moscow is still 31 March in UTC
		{time.Date(2026, time.March, 31, 21, 30, 0, 0, time.UTC), "2026-03"},
		{time.Date(2026, time.March, 31, 20, 59, 0, 0, time.UTC), "2026-02"},
	} {
		if got := workflows.MonthBefore(c.at, moscow); got != c.want {
			t.Errorf("MonthBefore(%s) = %s, want %s", c.at, got, c.want)
		}
	}
}
