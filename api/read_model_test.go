package api_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"reflect"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	commonpb "go.temporal.io/api/common/v1"
	"go.temporal.io/api/serviceerror"
	"go.temporal.io/api/workflowservice/v1"
	"go.temporal.io/sdk/client"
	sdkworker "go.temporal.io/sdk/worker"

	"karso.ru/prm/api"
	"karso.ru/prm/config"
	"karso.ru/prm/documents"
	"karso.ru/prm/payments"
	"karso.ru/prm/testenv"
	"karso.ru/prm/web"
	"karso.ru/prm/worker"
	"karso.ru/prm/workflows"
)

// The read model stands on its own (issue 9): the sale pages, lists and statistics answer from
// PostgreSQL while the worker is down or Temporal does not answer, and a final sale shows in
// full after its workflow is gone from Temporal.

// stack is a second API server, for the tests that take a part away without disturbing the
// other tests: with a worker of its own on a task queue of its own (which the test may stop),
// or with a Temporal client that reaches nothing.
type stack struct {
	t      *testing.T
	server *httptest.Server
	worker sdkworker.Worker
	stop   sync.Once
}

// liveQueryTimeout keeps the stacks' stale answers quick.
const liveQueryTimeout = time.Second

// startStack serves the API against tc; with a task queue it also runs a worker on that queue,
// and the sales it opens run there.
func startStack(t *testing.T, tc client.Client, taskQueue string) *stack {
	t.Helper()
	ctx := context.Background()
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	cfg := testCfg
	cfg.LiveQueryTimeout = liveQueryTimeout
	if taskQueue != "" {
		cfg.TemporalTaskQueue = taskQueue
	}
	bucket, err := documents.OpenBucket(ctx, cfg.BlobURL)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = bucket.Close() })
	docs := documents.New(pool, bucket, cfg.CompanyTZ)
	st := &stack{t: t}
	if taskQueue != "" {
		st.worker = startWorker(t, tc, cfg, docs)
	}
	reg := prometheus.NewRegistry()
	st.server = httptest.NewServer(api.New(api.Deps{Config: cfg, Log: log, Pool: pool, Temporal: tc, Registry: reg,
		Gatherer: reg, Web: web.Assets(), Documents: docs}).Handler())
	t.Cleanup(func() {
		st.server.Close()
		st.stopWorker()
	})
	return st
}

func startWorker(t *testing.T, tc client.Client, cfg config.Config, docs *documents.Service) sdkworker.Worker {
	t.Helper()
	w, err := worker.New(tc, worker.Deps{Config: cfg, Log: slog.New(slog.NewTextHandler(io.Discard, nil)),
		Pool: pool, Documents: docs, Payments: payments.NewSandbox(pool), BuildID: testBuildID})
	if err != nil {
		t.Fatal(err)
	}
	if err := w.Start(); err != nil {
		t.Fatal(err)
	}
	return w
}

// stopWorker kills the stack's worker: its sales' workflows have nobody to run them.
func (st *stack) stopWorker() {
	if st.worker != nil {
		st.stop.Do(st.worker.Stop)
	}
}

// as is the signed-in session s talking to this stack instead of the suite's server.
func (st *stack) as(s *session) *session {
	other := anonymous(s.t)
	other.lang = s.lang
	other.client.Transport = redirect{host: strings.TrimPrefix(st.server.URL, "http://"), token: s.token}
	return other
}

// redirect sends a session's requests to another server, authenticated by the session's token.
type redirect struct{ host, token string }

func (r redirect) RoundTrip(req *http.Request) (*http.Response, error) {
	req = req.Clone(req.Context())
	req.URL.Host, req.Host = r.host, r.host
	req.Header.Set("Authorization", "Bearer "+r.token)
	return http.DefaultTransport.RoundTrip(req)
}

// unreachableTemporal is a client of a Temporal that is not there.
func unreachableTemporal(t *testing.T) client.Client {
	t.Helper()
	port, err := testenv.FreePort()
	if err != nil {
		t.Fatal(err)
	}
	c, err := client.NewLazyClient(client.Options{HostPort: fmt.Sprintf("127.0.0.1:%d", port), Namespace: "default",
		Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(c.Close)
	return c
}

// page is a sale's page as raw JSON fields, to compare whole answers.
type page map[string]json.RawMessage

func pageOf(t *testing.T, s *session, saleID string) page {
	t.Helper()
	r := s.do("GET", "/api/v1/sales/"+saleID, nil)
	expectStatus(t, r, http.StatusOK)
	var p page
	r.json(t, &p)
	return p
}

func (p page) stale(t *testing.T) bool {
	t.Helper()
	var stale bool
	if err := json.Unmarshal(p["stale"], &stale); err != nil {
		t.Fatalf("the page has no stale marker: %v", err)
	}
	return stale
}

func (p page) actions(t *testing.T) []string {
	t.Helper()
	var actions []string
	if err := json.Unmarshal(p["allowed_actions"], &actions); err != nil {
		t.Fatal(err)
	}
	return actions
}

// expectSamePage fails unless the stored page shows what the live page showed; only the stale
// marker and the actions (a stale page offers none) may differ.
func expectSamePage(t *testing.T, what string, live, stored page) {
	t.Helper()
	for k, v := range live {
		if k == "stale" || k == "allowed_actions" {
			continue
		}
		if !jsonEqual(v, stored[k]) {
			t.Errorf("%s: %s is %s from the read model, %s live", what, k, stored[k], v)
		}
	}
	for k := range stored {
		if _, ok := live[k]; !ok {
			t.Errorf("%s: the stored page has %s, the live one not", what, k)
		}
	}
}

func jsonEqual(a, b json.RawMessage) bool {
	var x, y any
	return json.Unmarshal(a, &x) == nil && json.Unmarshal(b, &y) == nil && reflect.DeepEqual(x, y)
}

// liveState asks the sale's workflow, as the API does.
func liveState(t *testing.T, saleID string) (workflows.SaleState, error) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	var st workflows.SaleState
	v, err := temporal.QueryWorkflow(ctx, workflows.WorkflowID(saleID), "", workflows.QuerySale)
	if err == nil {
		err = v.Get(&st)
	}
	return st, err
}

// storedState is the state the projection wrote into sale_states.
func storedState(t *testing.T, saleID string) (workflows.SaleState, bool) {
	t.Helper()
	var raw []byte
	var st workflows.SaleState
	err := pool.QueryRow(context.Background(), `SELECT state FROM sale_states WHERE sale_id = $1`, saleID).Scan(&raw)
	if err != nil {
		return st, false
	}
	if err := json.Unmarshal(raw, &st); err != nil {
		t.Fatalf("stored state of %s: %v", saleID, err)
	}
	return st, true
}

// expectStoredMatchesLive waits until the sale's workflow is at rest with everything
// projected, then compares the stored state with the live one field by field. Busy is the one
// field left out: it says that an action was under way while its step was being recorded (a
// submit holds it across its own record); the live state drops it when the action ends
// without a new revision, and a stored state offers no action anyway.
func expectStoredMatchesLive(t *testing.T, saleID, step string) {
	t.Helper()
	var live, stored workflows.SaleState
	eventually(t, step+": the workflow at rest and projected", func() bool {
		var err error
		live, err = liveState(t, saleID)
		if err != nil {
			t.Fatalf("%s: query: %v", step, err)
		}
		var found bool
		stored, found = storedState(t, saleID)
		return found && !live.Busy && !live.ContractPending && stored.Revision == live.Revision
	})
	stored.Busy = live.Busy
	if !reflect.DeepEqual(stored, live) {
		a, _ := json.Marshal(stored)
		b, _ := json.Marshal(live)
		t.Errorf("%s: the stored state differs from the live one\nstored %s\nlive   %s", step, a, b)
	}
}

func TestStoredStateMatchesTheLiveQuery(t *testing.T) {
	dealer := login(t, "dealer@karso.test")
	// the same sale through an API whose Temporal does not answer: its page from PostgreSQL
	dark := startStack(t, unreachableTemporal(t), "").as(dealer)
	salon := salonsOf(t, dealer)[0]
	sale := dealer.sale("POST", "/api/v1/sales", map[string]any{"salon_id": salon.ID}, http.StatusCreated)
	base := "/api/v1/sales/" + sale.ID
	check := func(step string) {
		t.Helper()
		expectStoredMatchesLive(t, sale.ID, step)
		live := pageOf(t, dealer, sale.ID)
		stored := pageOf(t, dark, sale.ID)
		if live.stale(t) || !stored.stale(t) {
			t.Fatalf("%s: stale %v live, %v without Temporal", step, live.stale(t), stored.stale(t))
		}
		expectSamePage(t, step, live, stored)
		if a := stored.actions(t); slices.ContainsFunc(a, func(s string) bool { return s != "download_contract" }) {
			t.Errorf("%s: a stale page offers %v", step, a)
		}
	}
	check("opened")
	dealer.sale("PUT", base+"/vehicle", vehicleBody(newVIN(t), "used"), http.StatusOK)
	check("vehicle")
	dealer.sale("PUT", base+"/customer", customerBody, http.StatusOK)
	check("customer")
	dealer.sale("PUT", base+"/tariff", tariffBody, http.StatusOK)
	check("tariff")
	dealer.sale("POST", base+"/submit", nil, http.StatusOK)
	var awaiting paidSaleJSON
	eventually(t, "the payment is requested", func() bool {
		awaiting = dealer.paidSale("GET", base, nil, http.StatusOK)
		return awaiting.Payment != nil && awaiting.Payment.URL != ""
	})
	check("awaiting payment")
	payByCard(t, awaiting.Payment.URL, "4242 4242 4242 4242", http.StatusOK)
	eventually(t, "the sale is active", func() bool {
		return dealer.paidSale("GET", base, nil, http.StatusOK).Status == "active"
	})
	check("active")
	if a := pageOf(t, dark, sale.ID).actions(t); !slices.Equal(a, []string{"download_contract"}) {
		t.Errorf("a stale active sale offers %v, want only the contract's download", a)
	}
	dealer.paidSale("POST", base+"/upsell", map[string]any{"options": []string{"tyres"}}, http.StatusOK)
	check("upsell awaiting payment")
}

func TestPagesListsAndStatisticsAnswerWhileTheWorkerIsDown(t *testing.T) {
	st := startStack(t, temporal, "karso-worker-down")
	dealer := login(t, "dealer@karso.test")
	seller := st.as(dealer)
	// a paid sale and a draft, run by the stack's worker
	active := saleAwaitingPayment(t, seller)
	payByCard(t, active.Payment.URL, "4242 4242 4242 4242", http.StatusOK)
	eventually(t, "the sale is active", func() bool {
		return seller.paidSale("GET", "/api/v1/sales/"+active.ID, nil, http.StatusOK).Status == "active"
	})
	salon := salonsOf(t, dealer)[0]
	draft := seller.sale("POST", "/api/v1/sales", map[string]any{"salon_id": salon.ID}, http.StatusCreated)
	vin := newVIN(t)
	seller.sale("PUT", "/api/v1/sales/"+draft.ID+"/vehicle", vehicleBody(vin, "used"), http.StatusOK)
	expectStoredMatchesLive(t, active.ID, "active")
	expectStoredMatchesLive(t, draft.ID, "draft")
	before := map[string]page{active.ID: pageOf(t, seller, active.ID), draft.ID: pageOf(t, seller, draft.ID)}
	history := seller.do("GET", "/api/v1/sales/"+active.ID+"/history", nil)
	expectStatus(t, history, http.StatusOK)

	st.stopWorker()

	for id, live := range before {
		began := time.Now()
		stored := pageOf(t, seller, id)
		if !stored.stale(t) {
			t.Errorf("sale %s without a worker is not marked stale", id)
		}
		if took := time.Since(began); took > liveQueryTimeout+5*time.Second {
			t.Errorf("the stale page took %s", took)
		}
		expectSamePage(t, "worker down", live, stored)
	}
	if a := pageOf(t, seller, draft.ID).actions(t); len(a) != 0 {
		t.Errorf("a stale draft offers %v", a)
	}
	if a := pageOf(t, seller, active.ID).actions(t); !slices.Equal(a, []string{"download_contract"}) {
		t.Errorf("a stale active sale offers %v", a)
	}
	if h := seller.do("GET", "/api/v1/sales/"+active.ID+"/history", nil); h.Status != http.StatusOK || !bytes.Equal(h.Body, history.Body) {
		t.Errorf("history without a worker: %d %s, want %s", h.Status, h.Body, history.Body)
	}
	expectListedAndCounted(t, seller, vin, draft.ID)

	// an action needs the workflow: a clear 503, in the caller's language
	r := seller.do("POST", "/api/v1/sales/"+active.ID+"/upsell", map[string]any{"options": []string{"tyres"}})
	expectStatus(t, r, http.StatusServiceUnavailable)
	if p := r.problem(t); p.Code != "temporal_unavailable" || !strings.Contains(p.Message, "Обработка продаж") {
		t.Errorf("upsell without a worker: %+v", p)
	}

	// the same with no Temporal at all
	dark := startStack(t, unreachableTemporal(t), "").as(dealer)
	dark.lang = "en"
	for id, live := range before {
		stored := pageOf(t, dark, id)
		if !stored.stale(t) {
			t.Errorf("sale %s without Temporal is not marked stale", id)
		}
		expectSamePage(t, "Temporal down", live, stored)
	}
	expectListedAndCounted(t, dark, vin, draft.ID)
	r = dark.do("POST", "/api/v1/sales/"+active.ID+"/upsell", map[string]any{"options": []string{"tyres"}})
	expectStatus(t, r, http.StatusServiceUnavailable)
	if p := r.problem(t); p.Code != "temporal_unavailable" || !strings.Contains(p.Message, "Sale processing") {
		t.Errorf("upsell without Temporal: %+v", p)
	}
	var ready struct {
		Ready    bool `json:"ready"`
		Degraded bool `json:"degraded"`
	}
	r = dark.do("GET", "/readyz", nil)
	expectStatus(t, r, http.StatusOK)
	if r.json(t, &ready); !ready.Ready || !ready.Degraded {
		t.Errorf("readyz without Temporal: %s", r.Body)
	}
}

// expectListedAndCounted checks that the sales list finds the draft by its VIN and that the
// statistics answer, both from PostgreSQL alone.
func expectListedAndCounted(t *testing.T, s *session, vin, saleID string) {
	t.Helper()
	var list struct {
		Items []struct {
			ID string `json:"id"`
		} `json:"items"`
	}
	r := s.do("GET", "/api/v1/sales?q="+vin, nil)
	expectStatus(t, r, http.StatusOK)
	if r.json(t, &list); len(list.Items) != 1 || list.Items[0].ID != saleID {
		t.Errorf("the list by VIN %s: %s", vin, r.Body)
	}
	today := time.Now().In(testCfg.CompanyTZ).Format("2006-01-02")
	r = s.do("GET", "/api/v1/stats?from="+today+"&to="+today, nil)
	expectStatus(t, r, http.StatusOK)
}

func TestAFinalSaleShowsInFullAfterItsWorkflowIsDeleted(t *testing.T) {
	ctx := context.Background()
	dealer := login(t, "dealer@karso.test")
	manager := login(t, "manager@karso.test")
	finance := login(t, "finance@karso.test")
	sale := saleAwaitingPayment(t, dealer)
	base := "/api/v1/sales/" + sale.ID
	payByCard(t, sale.Payment.URL, "4242 4242 4242 4242", http.StatusOK)
	eventually(t, "the sale is active", func() bool {
		return dealer.paidSale("GET", base, nil, http.StatusOK).Status == "active"
	})
	manager.paidSale("POST", base+"/cancel", map[string]string{"reason": "Клиент отказался"}, http.StatusOK)
	wfID := workflows.WorkflowID(sale.ID)
	waitCtx, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()
	if err := temporal.GetWorkflow(waitCtx, wfID, "").Get(waitCtx, nil); err != nil {
		t.Fatalf("the cancelled sale's workflow: %v", err)
	}
	// the stored state of the ended sale is its last live state
	expectStoredMatchesLive(t, sale.ID, "cancelled")

	// what a user sees of the sale: its page, its history, the contract link, the archive's
	// list of its documents and every document's file
	type shown struct {
		page, history, documents, files []byte
		contract                        int
		kinds                           []string
	}
	show := func() (out shown) {
		t.Helper()
		r := dealer.do("GET", base, nil)
		expectStatus(t, r, http.StatusOK)
		out.page = r.Body
		r = dealer.do("GET", base+"/history", nil)
		expectStatus(t, r, http.StatusOK)
		out.history = r.Body
		out.contract = dealer.do("GET", base+"/contract.pdf", nil).Status
		r = finance.do("GET", "/api/v1/documents?sale_id="+sale.ID, nil)
		expectStatus(t, r, http.StatusOK)
		out.documents = r.Body
		var docs listOf[documentJSON]
		r.json(t, &docs)
		for _, d := range docs.Items {
			f := finance.do("GET", d.DownloadURL, nil)
			expectStatus(t, f, http.StatusOK)
			out.files = append(out.files, f.Body...)
			out.kinds = append(out.kinds, d.Kind)
		}
		return out
	}
	before := show()
	var p page
	if err := json.Unmarshal(before.page, &p); err != nil || p.stale(t) {
		t.Fatalf("the cancelled sale's page %s", before.page)
	}
	if !slices.Contains(before.kinds, "cancellation_act") || !slices.Contains(before.kinds, "receipt") {
		t.Fatalf("the cancelled sale's documents: %v", before.kinds)
	}

	_, err := temporal.WorkflowService().DeleteWorkflowExecution(ctx, &workflowservice.DeleteWorkflowExecutionRequest{
		Namespace: "default", WorkflowExecution: &commonpb.WorkflowExecution{WorkflowId: wfID}})
	if err != nil {
		t.Fatal(err)
	}
	eventually(t, "Temporal forgets the workflow", func() bool {
		_, err := temporal.DescribeWorkflowExecution(ctx, wfID, "")
		var notFound *serviceerror.NotFound
		return errors.As(err, &notFound)
	})

	after := show()
	// in full: the customer, the vehicle, the price, every payment, the reason, the history
	var full struct {
		saleJSON
		Payments []struct {
			Purpose string `json:"purpose"`
			Status  string `json:"status"`
		} `json:"payments"`
		CancelReason string `json:"cancel_reason"`
	}
	if err := json.Unmarshal(after.page, &full); err != nil {
		t.Fatal(err)
	}
	if full.Status != "cancelled" || full.Customer == nil || full.Customer.FullName == "" || full.Vehicle == nil ||
		full.Quote == nil || full.Quote.PriceKopecks <= 0 || len(full.Payments) != 1 || full.Payments[0].Status != "refunded" || full.CancelReason != "Клиент отказался" {
		t.Errorf("the deleted sale's page is not whole: %s", after.page)
	}
	if h := historyOf(t, dealer, sale.ID); len(h) == 0 || h[len(h)-1] != "cancelled" {
		t.Errorf("the deleted sale's history %v", h)
	}
	for what, pair := range map[string][2][]byte{"page": {before.page, after.page}, "history": {before.history, after.history},
		"documents": {before.documents, after.documents}, "document files": {before.files, after.files}} {
		if !bytes.Equal(pair[0], pair[1]) {
			t.Errorf("the %s changed when the workflow was deleted:\nbefore %.400s\nafter  %.400s", what, pair[0], pair[1])
		}
	}
	if after.contract != before.contract {
		t.Errorf("the contract link answers %d after the deletion, %d before", after.contract, before.contract)
	}
}
