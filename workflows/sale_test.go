package workflows_test

import (
	"context"
	"errors"
	"slices"
	"testing"
	"time"

	"github.com/stretchr/testify/mock"
	"go.temporal.io/sdk/temporal"
	"go.temporal.io/sdk/testsuite"

	"karso.ru/prm/activities"
	"karso.ru/prm/warranty"
	"karso.ru/prm/workflows"
)

var acts *activities.Activities

// start is 10 March 2026, 10:00 Moscow time: a plain working day.
var start = time.Date(2026, time.March, 10, 10, 0, 0, 0, warranty.Moscow())

var (
	dealer  = workflows.Actor{ID: 4, Name: "Дмитрий Продавцов", Role: workflows.RoleDealer, Lang: "ru"}
	manager = workflows.Actor{ID: 2, Name: "Михаил Кураторов", Role: workflows.RoleManager, Lang: "ru"}
)

// harness runs one sale workflow with mocked activities and records what they were asked.
type harness struct {
	t           *testing.T
	env         *testsuite.TestWorkflowEnvironment
	projections []activities.SaleProjection
	notices     []activities.ApprovalNotice
	allocations []activities.ContractNumberRequest
	contracts   []activities.ContractRequest
	vinTaken    bool
	// vinRejected is the rejection VINHistory finds (risk rules v2).
	vinRejected *activities.VINRejection
	// issueFailures is how many IssueContract calls fail before one succeeds.
	issueFailures int
	results       map[string]updateResult
	// outcomesForged: PostgreSQL has no record of the outcomes signalled.
	outcomesForged bool
	// refuseProjections makes PostgreSQL refuse every projection from then on.
	refuseProjections bool
	final             *workflows.SaleState

	// the payment stage (see payment_test.go)
	terms        activities.PaymentTerms
	cardAttempts []activities.CardAttemptRequest
	statuses     []activities.PaymentStatusChange
	invoices     []activities.InvoiceRequest
	transfers    []activities.Transfer
	voids        []activities.PaymentVoid
	reminders    []activities.OverdueReminder
	salePostings []activities.SalePosting
	adjustments  []activities.AdjustmentPosting
	refunds      []activities.RefundRequest
	receipts     []activities.ReceiptRequest
	addenda      []activities.AddendumRequest
	acts         []activities.CancellationActRequest
	voidedDocs   []string
	reversals    int
	// ledger holds the posting keys, as the real ledger does: a key posts once.
	ledger map[string]bool
	// postFailuresAfterCommit makes PostSalePaid fail that many times after it posted, as a
	// worker dying between the commit and its report.
	postFailuresAfterCommit int
}

type updateResult struct {
	sale     workflows.SaleState
	rejected error
	err      error
}

func newHarness(t *testing.T) *harness { return newHarnessAt(t, start) }

// newHarnessAt starts the workflow clock at from.
func newHarnessAt(t *testing.T, from time.Time) *harness {
	var suite testsuite.WorkflowTestSuite
	h := &harness{t: t, env: suite.NewTestWorkflowEnvironment(), results: map[string]updateResult{},
		terms: activities.PaymentTerms{Method: "card"}, ledger: map[string]bool{}}
	h.env.SetStartTime(from)
	h.env.RegisterWorkflow(workflows.Sale)
	h.env.RegisterActivity(&activities.Activities{})
	h.env.OnActivity(acts.ProjectSale, mock.Anything, mock.Anything).Return(
		func(_ context.Context, p activities.SaleProjection) error {
			if h.refuseProjections {
				return temporal.NewNonRetryableApplicationError("invalid byte sequence for encoding \"UTF8\": 0x00",
					activities.ErrTypeProjectionRefused, nil)
			}
			h.projections = append(h.projections, p)
			return nil
		})
	h.env.OnActivity(acts.VINUnderContract, mock.Anything, mock.Anything).Return(
		func(context.Context, activities.VINCheck) (bool, error) { return h.vinTaken, nil })
	h.env.OnActivity(acts.VINHistory, mock.Anything, mock.Anything).Return(
		func(context.Context, activities.VINCheck) (activities.VINRecord, error) {
			return activities.VINRecord{UnderContract: h.vinTaken, Rejected: h.vinRejected}, nil
		})
	h.env.OnActivity(acts.NotifyApprovers, mock.Anything, mock.Anything).Return(
		func(_ context.Context, n activities.ApprovalNotice) error {
			h.notices = append(h.notices, n)
			return nil
		})
	h.env.OnActivity(acts.AllocateContractNumber, mock.Anything, mock.Anything).Return(
		func(_ context.Context, r activities.ContractNumberRequest) (string, error) {
			h.allocations = append(h.allocations, r)
			return warranty.FormatContractNumber(r.Year, int64(len(h.allocations))), nil
		})
	h.env.OnActivity(acts.IssueContract, mock.Anything, mock.Anything).Return(
		func(_ context.Context, r activities.ContractRequest) (activities.ContractDocument, error) {
			h.contracts = append(h.contracts, r)
			if h.issueFailures > 0 {
				h.issueFailures--
				return activities.ContractDocument{}, errors.New("blob storage is not answering")
			}
			return activities.ContractDocument{ID: "doc-" + r.ContractNumber}, nil
		})
	h.mockPaymentStage()
	return h
}

// at sends an update when the workflow clock has moved by d from the start.
func (h *harness) at(d time.Duration, label, update string, arg any) {
	h.env.RegisterDelayedCallback(func() {
		h.env.UpdateWorkflow(update, label, &testsuite.TestUpdateCallback{
			OnAccept: func() {},
			OnReject: func(err error) { h.results[label] = updateResult{rejected: err} },
			OnComplete: func(v any, err error) {
				r := updateResult{err: err}
				if s, ok := v.(workflows.SaleState); ok {
					r.sale = s
				}
				h.results[label] = r
			},
		}, arg)
	}, d)
}

// end queries the state at d and cancels the workflow (a sale awaiting payment waits for
// the next stage forever).
func (h *harness) end(d time.Duration) {
	h.env.RegisterDelayedCallback(func() {
		h.final = h.query()
		h.env.CancelWorkflow()
	}, d)
}

func (h *harness) query() *workflows.SaleState {
	h.t.Helper()
	v, err := h.env.QueryWorkflow(workflows.QuerySale)
	if err != nil {
		h.t.Fatalf("query: %v", err)
	}
	var s workflows.SaleState
	if err := v.Get(&s); err != nil {
		h.t.Fatalf("decode query: %v", err)
	}
	return &s
}

// saleInput is the sale every harness runs unless a test names another.
func saleInput() workflows.SaleInput {
	return workflows.SaleInput{SaleID: "0195f3a2-7c1e-7b9a-9d41-5c2b8e6f1a07",
		SalonID: 1, PartnerID: 2, City: "Москва", Seller: dealer, TimeZone: "Europe/Moscow",
		Risk: warranty.DefaultRiskThresholds()}
}

func (h *harness) run() { h.runWith(saleInput()) }

func (h *harness) runWith(in workflows.SaleInput) {
	h.env.ExecuteWorkflow(workflows.Sale, in)
	if !h.env.IsWorkflowCompleted() {
		h.t.Fatal("workflow did not complete")
	}
	// ended by itself, or by end's cancel; never by a panic or a deadlock
	if err := h.env.GetWorkflowError(); err != nil && !temporal.IsCanceledError(err) {
		h.t.Fatalf("workflow failed: %v", err)
	}
}

// ok returns the result of an update that must have succeeded.
func (h *harness) ok(label string) workflows.SaleState {
	h.t.Helper()
	r, found := h.results[label]
	switch {
	case !found:
		h.t.Fatalf("update %s never answered", label)
	case r.rejected != nil:
		h.t.Fatalf("update %s rejected: %v", label, r.rejected)
	case r.err != nil:
		h.t.Fatalf("update %s failed: %v", label, r.err)
	}
	return r.sale
}

func (h *harness) actions() []string {
	var out []string
	for _, p := range h.projections {
		out = append(out, p.Event.Action)
	}
	return out
}

// lastStatus is what the read model last received.
func (h *harness) lastStatus() warranty.SaleStatus {
	h.t.Helper()
	if len(h.projections) == 0 {
		h.t.Fatal("nothing projected")
	}
	return h.projections[len(h.projections)-1].Sale.Status
}

func vehicle(category warranty.VehicleCategory) workflows.VehicleStep {
	return workflows.VehicleStep{Actor: dealer, Vehicle: warranty.Vehicle{VIN: " 1hgcm82633a004352 ", Make: "Honda",
		Model: "Accord", Year: 2022, MileageKm: 30_000, EnginePowerHP: 180, EngineVolumeCC: 2400,
		Category: category, SoldOn: "2025-06-01", MakeID: 20, ModelID: 201}} // in the catalogue
}

func customer() workflows.CustomerStep {
	return workflows.CustomerStep{Actor: dealer, Customer: warranty.Customer{FullName: "Иванов Сергей Петрович",
		Phone: "8 (916) 123-45-67", Email: "s.ivanov@example.ru", BirthDate: "1985-07-21"}}
}

func tariff(discountBP int64) workflows.TariffStep {
	basic := warranty.StandardTariffs()[0]
	return workflows.TariffStep{Actor: dealer,
		Choice:   workflows.TariffChoice{TariffCode: basic.Code, TermMonths: 24, Options: []string{"roadside"}, DiscountBP: discountBP},
		Snapshot: workflows.TariffSnapshot{VersionID: 7, Tariff: basic, CommissionBP: 1000}}
}

// fill opens the sale and fills the three steps a minute apart, starting at from.
func (h *harness) fill(from time.Duration, category warranty.VehicleCategory) {
	h.at(from, "open", workflows.UpdateOpen, dealer)
	h.at(from+time.Minute, "vehicle", workflows.UpdateVehicle, vehicle(category))
	h.at(from+2*time.Minute, "customer", workflows.UpdateCustomer, customer())
	h.at(from+3*time.Minute, "tariff", workflows.UpdateTariff, tariff(500))
}

func decision(a workflows.Actor, comment string) workflows.Decision {
	return workflows.Decision{Actor: a, Comment: comment}
}

func TestUnflaggedSaleGetsItsContract(t *testing.T) {
	h := newHarness(t)
	h.fill(0, warranty.CategoryUsed)
	h.at(5*time.Minute, "submit", workflows.UpdateSubmit, dealer)
	h.end(time.Hour)
	h.run()

	if s := h.ok("open"); s.Status != warranty.StatusDraft || s.Revision != 1 {
		t.Errorf("open answered %+v", s)
	}
	if v := h.ok("vehicle").Vehicle; v == nil || v.VIN != "1HGCM82633A004352" {
		t.Errorf("vehicle not normalized: %+v", v)
	}
	if c := h.ok("customer").Customer; c == nil || c.Phone != "+79161234567" {
		t.Errorf("customer not normalized: %+v", c)
	}
	if q := h.ok("tariff").Quote; q == nil || q.PriceKopecks <= 0 || q.CommissionKopecks <= 0 {
		t.Errorf("tariff step gave no quote: %+v", q)
	}
	s := h.ok("submit")
	if s.Status != warranty.StatusAwaitingPayment || s.ContractNumber != "KR-2026-000001" || len(s.Flags) != 0 {
		t.Fatalf("submit answered status %s number %q flags %v", s.Status, s.ContractNumber, s.Flags)
	}
	if s.ContractDocumentID != "doc-KR-2026-000001" || s.Busy || s.ContractPending {
		t.Errorf("contract state %+v", s)
	}
	if len(h.notices) != 0 {
		t.Errorf("an unflagged sale bothered managers: %+v", h.notices)
	}
	// then the payment stage asks for the money (payment_test.go)
	want := []string{"created", "vehicle_saved", "customer_saved", "tariff_saved", "submitted", "contract_issued",
		"payment_requested"}
	if got := h.actions(); !slices.Equal(got, want) {
		t.Errorf("history %v, want %v", got, want)
	}
	for i, p := range h.projections {
		if p.Sale.Revision != int64(i+1) {
			t.Errorf("projection %d has revision %d", i, p.Sale.Revision)
		}
	}
	last := h.projections[len(h.projections)-1].Sale
	if last.Status != warranty.StatusAwaitingPayment || last.ContractNumber != s.ContractNumber || last.SaleMonth != "2026-03" ||
		last.TariffVersionID != 7 || last.Quote == nil || last.Quote.PriceKopecks != s.Quote.PriceKopecks {
		t.Errorf("read model got %+v", last)
	}
	if h.final == nil || h.final.Status != warranty.StatusAwaitingPayment {
		t.Errorf("the sale should wait for payment, state %+v", h.final)
	}
}

func TestBadInputIsRejectedWithoutHistory(t *testing.T) {
	h := newHarness(t)
	h.at(0, "open", workflows.UpdateOpen, dealer)
	bad := vehicle(warranty.CategoryUsed)
	bad.Vehicle.VIN = "123"
	h.at(time.Minute, "bad vin", workflows.UpdateVehicle, bad)
	h.at(2*time.Minute, "tariff first", workflows.UpdateTariff, tariff(0))
	h.at(3*time.Minute, "early submit", workflows.UpdateSubmit, dealer)
	manager := vehicle(warranty.CategoryUsed)
	manager.Actor = workflows.Actor{ID: 9, Role: workflows.RoleManager}
	h.at(4*time.Minute, "manager edits", workflows.UpdateVehicle, manager)
	h.end(time.Hour)
	h.run()

	fields := func(label string) warranty.Violations {
		t.Helper()
		var app *temporal.ApplicationError
		r := h.results[label]
		if !errors.As(r.rejected, &app) || app.Type() != workflows.ErrTypeValidation {
			t.Fatalf("%s: want a validation rejection, got %+v", label, r)
		}
		var vs warranty.Violations
		if err := app.Details(&vs); err != nil {
			t.Fatalf("%s details: %v", label, err)
		}
		return vs
	}
	if vs := fields("bad vin"); !vs.Has("vin") {
		t.Errorf("bad vin: %v", vs)
	}
	if vs := fields("tariff first"); !vs.Has("vehicle") {
		t.Errorf("tariff before vehicle: %v", vs)
	}
	if vs := fields("early submit"); !vs.Has("vehicle") || !vs.Has("customer") || !vs.Has("tariff") {
		t.Errorf("submit of an empty draft names %v", vs)
	}
	var app *temporal.ApplicationError
	if r := h.results["manager edits"]; !errors.As(r.rejected, &app) || app.Type() != workflows.ErrTypeForbidden {
		t.Errorf("a manager filled the wizard: %+v", r)
	}
	if got := h.actions(); !slices.Equal(got, []string{"created"}) {
		t.Errorf("rejected updates left history: %v", got)
	}
}

func TestFlaggedSaleIsApproved(t *testing.T) {
	h := newHarness(t)
	h.fill(0, warranty.CategoryParallelImport)
	h.at(5*time.Minute, "submit", workflows.UpdateSubmit, dealer)
	h.at(2*time.Hour, "approve", workflows.UpdateApprove, decision(manager, "Проверено"))
	h.end(3 * time.Hour)
	h.run()

	s := h.ok("submit")
	if s.Status != warranty.StatusPendingApproval || s.ContractNumber != "" || s.Busy || s.Revision != 5 {
		t.Fatalf("flagged submit: status %s number %q busy %v revision %d", s.Status, s.ContractNumber, s.Busy, s.Revision)
	}
	if codes := flagCodes(s.Flags); !slices.Equal(codes, []string{warranty.FlagParallelImport}) {
		t.Errorf("flags %v", codes)
	}
	if len(h.notices) != 1 || h.notices[0].Kind != activities.NoticeApprovalRequested || h.notices[0].SalonID != 1 {
		t.Errorf("managers told %+v", h.notices)
	}
	a := h.ok("approve")
	if a.Status != warranty.StatusAwaitingPayment || a.ContractNumber == "" || a.ApprovedAt == nil {
		t.Errorf("approve answered %+v", a)
	}
	if len(a.Comments) != 1 || a.Comments[0].Text != "Проверено" || a.Comments[0].Kind != "approve" {
		t.Errorf("comments %+v", a.Comments)
	}
	want := []string{"created", "vehicle_saved", "customer_saved", "tariff_saved", "submitted", "approved", "contract_issued",
		"payment_requested"}
	if got := h.actions(); !slices.Equal(got, want) {
		t.Errorf("history %v, want %v", got, want)
	}
}

func TestChangesRequestedThenResubmitted(t *testing.T) {
	h := newHarness(t)
	h.fill(0, warranty.CategoryUsed)
	h.at(4*time.Minute, "high discount", workflows.UpdateTariff, tariff(1500))
	h.at(5*time.Minute, "submit", workflows.UpdateSubmit, dealer)
	h.at(time.Hour, "no reason", workflows.UpdateRequestChanges, decision(manager, "  "))
	h.at(61*time.Minute, "request changes", workflows.UpdateRequestChanges, decision(manager, "Скидка слишком большая"))
	h.at(2*time.Hour, "lower discount", workflows.UpdateTariff, tariff(500))
	h.at(121*time.Minute, "resubmit", workflows.UpdateSubmit, dealer)
	h.at(3*time.Hour, "approve", workflows.UpdateApprove, decision(manager, ""))
	h.end(4 * time.Hour)
	h.run()

	if s := h.ok("submit"); s.Status != warranty.StatusPendingApproval ||
		!slices.Contains(flagCodes(s.Flags), warranty.FlagDiscountHigh) {
		t.Fatalf("high discount submit: %s %v", s.Status, flagCodes(s.Flags))
	}
	var app *temporal.ApplicationError
	if r := h.results["no reason"]; !errors.As(r.rejected, &app) || app.Type() != workflows.ErrTypeValidation {
		t.Errorf("changes requested without a comment: %+v", r)
	}
	back := h.ok("request changes")
	if back.Status != warranty.StatusDraft || !back.ReturnedForChanges || back.Busy ||
		len(back.Comments) != 1 || back.Comments[0].Text != "Скидка слишком большая" {
		t.Errorf("request changes answered %+v", back)
	}
	// the manager who asked for changes sees the result, although it has no flags now
	re := h.ok("resubmit")
	if re.Status != warranty.StatusPendingApproval || len(re.Flags) != 0 {
		t.Errorf("resubmit: %s %v", re.Status, flagCodes(re.Flags))
	}
	if len(h.notices) != 2 || h.notices[1].Submission != 2 {
		t.Errorf("notices %+v", h.notices)
	}
	if s := h.ok("approve"); s.Status != warranty.StatusAwaitingPayment {
		t.Errorf("approve after resubmit: %s", s.Status)
	}
	want := []string{"created", "vehicle_saved", "customer_saved", "tariff_saved", "tariff_saved", "submitted",
		"changes_requested", "tariff_saved", "submitted", "approved", "contract_issued", "payment_requested"}
	if got := h.actions(); !slices.Equal(got, want) {
		t.Errorf("history %v, want %v", got, want)
	}
}

func TestRejectedSaleEnds(t *testing.T) {
	h := newHarness(t)
	h.fill(0, warranty.CategoryParallelImport)
	h.at(5*time.Minute, "submit", workflows.UpdateSubmit, dealer)
	h.at(time.Hour, "reject", workflows.UpdateReject, decision(manager, "Автомобиль без документов"))
	h.run() // a rejected sale is final: the workflow ends by itself

	if err := h.env.GetWorkflowError(); err != nil {
		t.Fatalf("workflow error: %v", err)
	}
	if s := h.ok("reject"); s.Status != warranty.StatusRejected || s.Comments[0].Kind != "reject" {
		t.Errorf("reject answered %+v", s)
	}
	if h.lastStatus() != warranty.StatusRejected || len(h.allocations) != 0 {
		t.Errorf("read model %s, numbers allocated %d", h.lastStatus(), len(h.allocations))
	}
}

func TestApproversAreRemindedThenAdminsAlerted(t *testing.T) {
	h := newHarness(t)
	h.fill(0, warranty.CategoryParallelImport)
	h.at(5*time.Minute, "submit", workflows.UpdateSubmit, dealer)
	var at23h, at25h []string
	h.env.RegisterDelayedCallback(func() { at23h = noticeKinds(h.notices) }, 23*time.Hour)
	h.env.RegisterDelayedCallback(func() { at25h = noticeKinds(h.notices) }, 25*time.Hour)
	h.at(50*time.Hour, "approve", workflows.UpdateApprove, decision(manager, ""))
	h.end(51 * time.Hour)
	h.run()

	if !slices.Equal(at23h, []string{activities.NoticeApprovalRequested}) {
		t.Errorf("before 24 h: %v", at23h)
	}
	if !slices.Equal(at25h, []string{activities.NoticeApprovalRequested, activities.NoticeApprovalReminder}) {
		t.Errorf("after 24 h: %v", at25h)
	}
	want := []string{activities.NoticeApprovalRequested, activities.NoticeApprovalReminder, activities.NoticeApprovalAlert}
	if got := noticeKinds(h.notices); !slices.Equal(got, want) {
		t.Errorf("notices %v, want %v", got, want)
	}
	var reminderAt, alertAt time.Time
	for _, p := range h.projections {
		switch p.Event.Action {
		case "approval_reminder":
			reminderAt = p.Event.At
		case "approval_alert":
			alertAt = p.Event.At
		}
	}
	submitted := start.Add(5 * time.Minute)
	if d := reminderAt.Sub(submitted); d < 24*time.Hour || d > 24*time.Hour+time.Minute {
		t.Errorf("reminder in history %v after submit", d)
	}
	if d := alertAt.Sub(submitted); d < 48*time.Hour || d > 48*time.Hour+time.Minute {
		t.Errorf("alert in history %v after submit", d)
	}
	if s := h.ok("approve"); s.Status != warranty.StatusAwaitingPayment {
		t.Errorf("approve after the alert: %s", s.Status)
	}
}

func TestUntouchedDraftExpires(t *testing.T) {
	h := newHarness(t)
	h.at(0, "open", workflows.UpdateOpen, dealer)
	h.at(20*24*time.Hour, "vehicle", workflows.UpdateVehicle, vehicle(warranty.CategoryUsed))
	var at49d warranty.SaleStatus
	h.env.RegisterDelayedCallback(func() { at49d = h.query().Status }, 49*24*time.Hour)
	h.run()

	if at49d != warranty.StatusDraft {
		t.Errorf("a draft touched on day 20 is %s on day 49", at49d)
	}
	last := h.projections[len(h.projections)-1]
	if last.Event.Action != "expired" || last.Sale.Status != warranty.StatusExpired {
		t.Fatalf("last projection %+v", last.Event)
	}
	if d := last.Event.At.Sub(start); d < 50*24*time.Hour || d > 50*24*time.Hour+time.Minute {
		t.Errorf("expired %v after start, want 30 days after the last touch", d)
	}
}

func TestRetriedContractKeepsItsNumber(t *testing.T) {
	h := newHarness(t)
	h.issueFailures = 1
	h.fill(0, warranty.CategoryUsed)
	h.at(5*time.Minute, "submit", workflows.UpdateSubmit, dealer)
	h.end(time.Hour)
	h.run()

	s := h.ok("submit")
	if s.Status != warranty.StatusAwaitingPayment {
		t.Fatalf("status %s (%s)", s.Status, s.ContractError)
	}
	if len(h.allocations) != 1 {
		t.Errorf("numbers allocated %d times, want once", len(h.allocations))
	}
	if len(h.contracts) != 2 || h.contracts[0].ContractNumber != h.contracts[1].ContractNumber ||
		h.contracts[1].ContractNumber != s.ContractNumber || !h.contracts[0].IssuedAt.Equal(h.contracts[1].IssuedAt) {
		t.Errorf("contract attempts %+v, sale number %s", h.contracts, s.ContractNumber)
	}
}

func TestContractFailingForLongIsRetriedByTheWorkflow(t *testing.T) {
	h := newHarness(t)
	h.issueFailures = 6 // more than the activity's own five attempts
	h.fill(0, warranty.CategoryUsed)
	h.at(5*time.Minute, "submit", workflows.UpdateSubmit, dealer)
	h.end(2 * time.Hour)
	h.run()

	if s := h.ok("submit"); s.Status != warranty.StatusDraft || !s.ContractPending || s.ContractError == "" {
		t.Errorf("submit while the contract fails: %s pending=%v error=%q", s.Status, s.ContractPending, s.ContractError)
	}
	if h.final.Status != warranty.StatusAwaitingPayment || h.final.ContractNumber != "KR-2026-000001" {
		t.Errorf("after the pause the contract should be issued: %+v", h.final)
	}
	if len(h.allocations) != 1 {
		t.Errorf("numbers allocated %d times", len(h.allocations))
	}
	if got := h.actions(); !slices.Contains(got, "contract_failed") || got[len(got)-2] != "contract_issued" {
		t.Errorf("history %v", got)
	}
}

func flagCodes(flags []warranty.Flag) []string {
	var out []string
	for _, f := range flags {
		out = append(out, f.Code)
	}
	return out
}

func noticeKinds(ns []activities.ApprovalNotice) []string {
	var out []string
	for _, n := range ns {
		out = append(out, n.Kind)
	}
	return out
}

func TestConcurrentDecisionsCannotBothWin(t *testing.T) {
	h := newHarness(t)
	h.fill(0, warranty.CategoryParallelImport)
	h.at(5*time.Minute, "submit", workflows.UpdateSubmit, dealer)
	h.env.RegisterDelayedCallback(func() {
		for _, u := range []struct{ label, name string }{{"approve", workflows.UpdateApprove}, {"reject", workflows.UpdateReject}} {
			label := u.label
			h.env.UpdateWorkflow(u.name, label, &testsuite.TestUpdateCallback{
				OnAccept:   func() {},
				OnReject:   func(err error) { h.results[label] = updateResult{rejected: err} },
				OnComplete: func(v any, err error) { h.results[label] = updateResult{err: err, sale: v.(workflows.SaleState)} },
			}, decision(manager, "решение"))
		}
	}, time.Hour)
	h.end(2 * time.Hour)
	h.run()

	if s := h.ok("approve"); s.Status != warranty.StatusAwaitingPayment {
		t.Errorf("approve: %s", s.Status)
	}
	var app *temporal.ApplicationError
	if r := h.results["reject"]; !errors.As(r.rejected, &app) ||
		(app.Type() != workflows.ErrTypeBusy && app.Type() != workflows.ErrTypeWrongStatus) {
		t.Errorf("the second decision: %+v", r)
	}
	if h.final.Status != warranty.StatusAwaitingPayment {
		t.Errorf("final %s", h.final.Status)
	}
}
