package api_test

import (
	"context"
	"fmt"
	"math/rand/v2"
	"net/http"
	"testing"
	"time"

	"github.com/google/uuid"
	enumspb "go.temporal.io/api/enums/v1"
	"go.temporal.io/sdk/client"

	"karso.ru/prm/api"
	"karso.ru/prm/ledger"
	"karso.ru/prm/warranty"
	"karso.ru/prm/worker"
	"karso.ru/prm/workflows"
)

// lastMonth is the month before the current one in the company's calendar, and a moment in it.
func lastMonth() (string, time.Time) {
	now := time.Now().In(testCfg.CompanyTZ)
	mid := time.Date(now.Year(), now.Month()-1, 15, 12, 0, 0, 0, testCfg.CompanyTZ)
	return mid.Format("2006-01"), mid
}

// activatedSale puts into the read model a contract of the demo dealer activated at, with its
// ledger posting, as the sale workflow leaves a paid sale.
func activatedSale(t *testing.T, at time.Time, price, commission warranty.Kopecks) (saleID uuid.UUID, partnerID int64) {
	t.Helper()
	ctx := context.Background()
	var sellerID, salonID int64
	err := pool.QueryRow(ctx, `SELECT u.id, u.partner_id, sa.id FROM users u JOIN salons sa ON sa.partner_id = u.partner_id
		WHERE u.email = 'dealer@karso.test' ORDER BY sa.id LIMIT 1`).Scan(&sellerID, &partnerID, &salonID)
	if err != nil {
		t.Fatal(err)
	}
	saleID = uuid.New()
	number := fmt.Sprintf("KR-%d-9%05d", at.Year(), rand.IntN(100_000))
	_, err = pool.Exec(ctx, `INSERT INTO sales (id, workflow_id, revision, status, contract_number, partner_id, salon_id,
		seller_id, city, customer_name, tariff_code, term_months, price_kopecks, commission_kopecks, sale_month, created_at,
		updated_at, activated_at)
		VALUES ($1, $2, 5, 'active', $3, $4, $5, $6, 'Москва', 'Закрытов Захар', 'basic', 24, $7, $8, $9, $10, $10, $10)`,
		saleID, "sale-"+saleID.String(), number, partnerID, salonID, sellerID, int64(price), int64(commission),
		time.Date(at.Year(), at.Month(), 1, 0, 0, 0, 0, time.UTC), at)
	if err != nil {
		t.Fatal(err)
	}
	_, err = ledger.Post(ctx, pool, ledger.SalePaid(ledger.SaleMoney{SaleID: saleID, PartnerID: partnerID,
		Method: ledger.MethodCard, Price: price, Commission: commission, VATBP: testCfg.VATBP}))
	if err != nil {
		t.Fatal(err)
	}
	return saleID, partnerID
}

type closingsPage struct {
	Items []api.Closing `json:"items"`
	Total int64         `json:"total"`
}

// waitForClosing polls the register as finance until the partner's closing of month has
// finished, or fails at the deadline.
func waitForClosing(t *testing.T, finance *session, month string, partnerID int64) api.Closing {
	t.Helper()
	deadline := time.Now().Add(60 * time.Second)
	for {
		r := finance.do("GET", "/api/v1/closings?month="+month, nil)
		expectStatus(t, r, http.StatusOK)
		var page closingsPage
		r.json(t, &page)
		for _, c := range page.Items {
			if c.PartnerID == partnerID && c.FinishedAt != nil {
				return c
			}
		}
		if time.Now().After(deadline) {
			t.Fatalf("the closing of %s did not finish for partner %d: %s", month, partnerID, r.Body)
		}
		time.Sleep(200 * time.Millisecond)
	}
}

func TestAdminClosesLastMonthAndFinanceReadsTheRegister(t *testing.T) {
	ctx := context.Background()
	month, mid := lastMonth()
	_, partnerID := activatedSale(t, mid, 52_790_00, 5_279_00)
	admin, finance, dealer := login(t, "admin@karso.test"), login(t, "finance@karso.test"), login(t, "dealer@karso.test")

	r := admin.do("POST", "/api/v1/closings", map[string]string{"month": month})
	expectStatus(t, r, http.StatusAccepted)
	var started api.ClosingStarted
	r.json(t, &started)
	if started.WorkflowID != "closing-"+month || started.Month != month || started.RunID == "" {
		t.Fatalf("started %+v", started)
	}
	closed := waitForClosing(t, finance, month, partnerID)
	if closed.Status != "closed" || closed.SalesTotalKopecks != 52_790_00 || closed.LedgerTotalKopecks != 52_790_00 ||
		closed.Month != month || closed.PartnerName == "" {
		t.Errorf("closing %+v", closed)
	}

	// the dealer finds the statement and the act, as PDF and Excel, in the partner's archive
	archive := func() int {
		r := dealer.do("GET", fmt.Sprintf("/api/v1/documents?month=%s&per_page=100", month), nil)
		expectStatus(t, r, http.StatusOK)
		var page struct {
			Items []struct{ Kind, FileName string }
		}
		r.json(t, &page)
		n := 0
		for _, d := range page.Items {
			if d.Kind == "commission_statement" || d.Kind == "act" {
				n++
			}
		}
		return n
	}
	if n := archive(); n != 4 {
		t.Errorf("the dealer sees %d closing documents, want 4", n)
	}
	mails := countRows(t, `SELECT count(*) FROM mail_outbox WHERE kind = 'month_closed' AND dedup_key LIKE $1`,
		fmt.Sprintf("month_closed:%s:%d:%%", month, partnerID))
	if mails < 2 {
		t.Errorf("%d month-closed mails, want the dealer's and finance's", mails)
	}

	// closing the month again repeats nothing. The first run (or a scheduled run another test
	// triggered for the same month) may still be finishing after its partner row is closed: a
	// start during it answers 409, so wait for the running closing and start again.
	waitCtx, cancel := context.WithTimeout(ctx, 60*time.Second)
	defer cancel()
	for {
		r = admin.do("POST", "/api/v1/closings", map[string]string{"month": month})
		if r.Status != http.StatusConflict {
			break
		}
		if err := temporal.GetWorkflow(waitCtx, "closing-"+month, "").Get(waitCtx, nil); err != nil && waitCtx.Err() != nil {
			t.Fatalf("the running closing did not finish: %v", err)
		}
	}
	expectStatus(t, r, http.StatusAccepted)
	r.json(t, &started)
	if err := temporal.GetWorkflow(waitCtx, started.WorkflowID, started.RunID).Get(waitCtx, nil); err != nil {
		t.Fatalf("the second closing: %v", err)
	}
	if n := archive(); n != 4 {
		t.Errorf("after a re-run the dealer sees %d closing documents, want 4", n)
	}
	if n := countRows(t, `SELECT count(*) FROM mail_outbox WHERE kind = 'month_closed' AND dedup_key LIKE $1`,
		fmt.Sprintf("month_closed:%s:%d:%%", month, partnerID)); n != mails {
		t.Errorf("after a re-run %d month-closed mails, want %d", n, mails)
	}
	if n := countRows(t, `SELECT count(*) FROM closings WHERE month = to_date($1, 'YYYY-MM') AND partner_id = $2`,
		month, partnerID); n != 1 {
		t.Errorf("%d register rows", n)
	}
	if n := countRows(t, `SELECT count(*) FROM audit_log WHERE action = 'closing.start' AND entity_id = $1`, month); n != 2 {
		t.Errorf("%d audit entries for the two starts", n)
	}
	recordHistory(t, started.WorkflowID, "closing_month")
	recordHistory(t, fmt.Sprintf("closing-%s-partner-%d", month, partnerID), "closing_partner")
	// finance reads the whole register too
	r = finance.do("GET", "/api/v1/closings", nil)
	expectStatus(t, r, http.StatusOK)
	var all closingsPage
	r.json(t, &all)
	if all.Total < 1 || len(all.Items) == 0 {
		t.Errorf("register %s", r.Body)
	}
}

func TestClosingAMonthWhoseClosingRunsAnswersConflict(t *testing.T) {
	ctx := context.Background()
	// a closing of January 2020 that no worker can run stays running
	const month = "2020-01"
	run, err := temporal.ExecuteWorkflow(ctx, client.StartWorkflowOptions{ID: workflows.ClosingWorkflowID(month),
		TaskQueue: testCfg.TemporalTaskQueue + "-nobody"}, "ClosingWorkflow", workflows.ClosingInput{Month: month})
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = temporal.TerminateWorkflow(ctx, run.GetID(), run.GetRunID(), "test over") }()
	r := login(t, "admin@karso.test").do("POST", "/api/v1/closings", map[string]string{"month": month})
	expectStatus(t, r, http.StatusConflict)
	if p := r.problem(t); p.Code != "closing_running" {
		t.Errorf("problem %+v", p)
	}
}

func TestOnlyAdminsCloseMonthsAndOnlyFinanceAndAdminsReadTheRegister(t *testing.T) {
	month, _ := lastMonth()
	dealer, manager := login(t, "dealer@karso.test"), login(t, "manager@karso.test")
	expectStatus(t, dealer.do("POST", "/api/v1/closings", map[string]string{"month": month}), http.StatusForbidden)
	expectStatus(t, login(t, "finance@karso.test").do("POST", "/api/v1/closings", map[string]string{"month": month}),
		http.StatusForbidden)
	expectStatus(t, dealer.do("GET", "/api/v1/closings", nil), http.StatusForbidden)
	expectStatus(t, manager.do("GET", "/api/v1/closings", nil), http.StatusForbidden)
	expectStatus(t, anonymous(t).do("POST", "/api/v1/closings", map[string]string{"month": month}), http.StatusUnauthorized)
}

func TestClosingRefusesAMonthThatIsMalformedOrNotOver(t *testing.T) {
	admin := login(t, "admin@karso.test")
	now := time.Now().In(testCfg.CompanyTZ)
	for _, body := range []any{
		map[string]string{"month": "2026-13"},
		map[string]string{"month": "2026-3"},
		map[string]string{"month": "March"},
		map[string]string{"month": ""},
		map[string]any{"month": 202603},
		map[string]string{"month": now.Format("2006-01")},
		map[string]string{"month": now.AddDate(0, 2, 0).Format("2006-01")},
	} {
		r := admin.do("POST", "/api/v1/closings", body)
		expectStatus(t, r, http.StatusUnprocessableEntity)
		if p := r.problem(t); p.Fields["month"] == "" {
			t.Errorf("%v: problem %+v does not name month", body, p)
		}
	}
	expectStatus(t, login(t, "finance@karso.test").do("GET", "/api/v1/closings?month=2026-3", nil), http.StatusBadRequest)
}

func TestWorkerSchedulesTheMonthlyClosingOnce(t *testing.T) {
	ctx := context.Background()
	for range 2 { // every worker start ensures it; the second finds it and updates it
		if err := worker.EnsureClosingSchedule(ctx, temporal, testCfg); err != nil {
			t.Fatal(err)
		}
	}
	h := temporal.ScheduleClient().GetHandle(ctx, worker.ClosingScheduleID)
	defer func() { _ = h.Delete(ctx) }()
	d, err := h.Describe(ctx)
	if err != nil {
		t.Fatal(err)
	}
	spec := d.Schedule.Spec
	if spec.TimeZoneName != testCfg.CompanyTZ.String() || len(spec.Calendars) != 1 {
		t.Fatalf("spec %+v", spec)
	}
	cal := spec.Calendars[0]
	if len(cal.Hour) != 1 || cal.Hour[0].Start != 3 || len(cal.DayOfMonth) != 1 || cal.DayOfMonth[0].Start != 1 {
		t.Errorf("calendar %+v", cal)
	}
	if d.Schedule.Policy.Overlap != enumspb.SCHEDULE_OVERLAP_POLICY_SKIP {
		t.Errorf("overlap %s", d.Schedule.Policy.Overlap)
	}
	// the next run is at 03:00 on the 1st of next month, company time
	now := time.Now().In(testCfg.CompanyTZ)
	want := time.Date(now.Year(), now.Month()+1, 1, 3, 0, 0, 0, testCfg.CompanyTZ)
	if len(d.Info.NextActionTimes) == 0 || !d.Info.NextActionTimes[0].Equal(want) {
		t.Errorf("next runs %v, want %s first", d.Info.NextActionTimes, want)
	}
	if a, ok := d.Schedule.Action.(*client.ScheduleWorkflowAction); !ok || a.Workflow != "ClosingWorkflow" ||
		a.TaskQueue != testCfg.TemporalTaskQueue {
		t.Errorf("action %+v", d.Schedule.Action)
	}

	// a run of the schedule closes the month before it, on the real worker
	if err := h.Trigger(ctx, client.ScheduleTriggerOptions{}); err != nil {
		t.Fatal(err)
	}
	var scheduled string
	for deadline := time.Now().Add(30 * time.Second); scheduled == ""; time.Sleep(100 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatal("the triggered schedule started nothing")
		}
		if d, err = h.Describe(ctx); err == nil && len(d.Info.RecentActions) > 0 {
			scheduled = d.Info.RecentActions[0].StartWorkflowResult.WorkflowID
		}
	}
	waitCtx, cancel := context.WithTimeout(ctx, 60*time.Second)
	defer cancel()
	var out workflows.ClosingResult
	if err := temporal.GetWorkflow(waitCtx, scheduled, "").Get(waitCtx, &out); err != nil {
		t.Fatalf("the scheduled closing %s: %v", scheduled, err)
	}
	if month, _ := lastMonth(); out.Month != month || out.AlreadyRunning {
		t.Errorf("the scheduled closing closed %+v, want %s", out, month)
	}
}

func countRows(t *testing.T, query string, args ...any) int {
	t.Helper()
	var n int
	if err := pool.QueryRow(context.Background(), query, args...).Scan(&n); err != nil {
		t.Fatalf("%s: %v", query, err)
	}
	return n
}
