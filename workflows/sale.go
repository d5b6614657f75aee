package workflows

import (
	"encoding/json"
	"errors"
	"reflect"
	"slices"
	"strings"
	"time"
	_ "time/tzdata" // the sale's zone must load the same on every worker host

	"go.temporal.io/sdk/temporal"
	"go.temporal.io/sdk/workflow"

	"karso.ru/prm/activities"
	"karso.ru/prm/payments"
	"karso.ru/prm/warranty"
)

// acts names the activities; the worker registers the real ones.
var acts *activities.Activities

// Sale is the workflow of one warranty sale: the wizard (draft), the risk check, a
// manager's approval when flagged, the contract, payment capture with dunning or an invoice
// (payment.go), activation and the upsell window (activation.go, upsell.go), and
// cancellation with its compensations (cancel.go). It ends when the sale reaches a final
// status: rejected, expired, closed or cancelled.
func Sale(ctx workflow.Context, in SaleInput) error {
	s, err := newSale(ctx, in)
	if err != nil {
		return err
	}
	s.chooseRiskRules(ctx)
	if err := s.registerHandlers(ctx); err != nil {
		return err
	}
	for !s.Status.IsFinal() {
		if err := ctx.Err(); err != nil {
			// cancelled from outside Temporal's API (an operator); the business cancel is
			// the cancel update
			return err
		}
		if s.shouldContinueAsNew(ctx) {
			return s.continueAsNew(ctx)
		}
		switch {
		case s.contractDue:
			s.issueContract(ctx)
		case s.Status == warranty.StatusDraft:
			s.waitInDraft(ctx)
		case s.Status == warranty.StatusPendingApproval:
			s.waitForDecision(ctx)
		case s.Status == warranty.StatusAwaitingPayment, s.Status == warranty.StatusActive:
			s.tend(ctx)
		default:
			// a status this version does not drive: wait for a handler to move it on
			status := s.Status
			_ = workflow.Await(ctx, func() bool { return s.Status != status || s.contractDue })
		}
	}
	s.refuseJobs()
	// let a decision that ended the sale answer its caller before the workflow closes
	return workflow.Await(ctx, func() bool { return workflow.AllHandlersFinished(ctx) })
}

// sale is the workflow's state: the SaleState the query shows plus what only the workflow needs.
type sale struct {
	SaleState
	in          SaleInput
	loc         *time.Location
	tariff      *TariffSnapshot
	touchedAt   time.Time
	submissions int
	// processing is set while an update runs activities (the submit look-up).
	processing bool
	// contractDue is set by submit or approve; the main loop issues the contract.
	contractDue      bool
	contractAttempts int
	remindedFor      int
	alertedFor       int
	// payments are every payment of the sale, oldest first (payment.go).
	payments []*payment
	// outcomes are payment outcomes signalled and not yet applied.
	outcomes []payments.Outcome
	// jobs are updates' work queued for the main loop; working is set while one runs.
	jobs    []*job
	working bool
	// changes are the upsells and tariff changes (upsell.go).
	changes []*change
	// outcomeCh is where payment outcomes are signalled.
	outcomeCh workflow.ReceiveChannel
	// runs counts the runs before this one (continuation.go); versions are the GetVersion
	// branches this sale took, kept across runs.
	runs     int
	versions map[string]workflow.Version
	// indexed is what the search attributes last said (status, contract number).
	indexed string
}

func newSale(ctx workflow.Context, in SaleInput) (*sale, error) {
	loc, err := time.LoadLocation(in.TimeZone)
	if err != nil {
		return nil, temporal.NewNonRetryableApplicationError("unknown time zone "+in.TimeZone, "BadInput", err)
	}
	now := workflow.Now(ctx)
	s := &sale{in: in, loc: loc, touchedAt: now}
	s.SaleState = SaleState{ID: in.SaleID, Status: warranty.StatusDraft, SalonID: in.SalonID, PartnerID: in.PartnerID,
		Seller: in.Seller, CreatedAt: now, UpdatedAt: now, Flags: []warranty.Flag{}, Comments: []Comment{}}
	if in.Continued != nil {
		s.resume(in.Continued)
	}
	return s, nil
}

func (s *sale) registerHandlers(ctx workflow.Context) error {
	if err := workflow.SetQueryHandler(ctx, QuerySale, func() (SaleState, error) { return s.view(), nil }); err != nil {
		return err
	}
	updates := []struct {
		name      string
		handler   any
		validator any
	}{
		{UpdateOpen, s.open, nil},
		{UpdateVehicle, s.saveVehicle, s.validateVehicle},
		{UpdateCustomer, s.saveCustomer, s.validateCustomer},
		{UpdateTariff, s.saveTariff, s.validateTariff},
		{UpdateSubmit, s.submit, s.validateSubmit},
		{UpdateApprove, s.approve, s.validateApprove},
		{UpdateRequestChanges, s.requestChanges, s.validateDecisionWithReason},
		{UpdateReject, s.reject, s.validateDecisionWithReason},
		{UpdateMarkPaid, s.markPaid, s.validateMarkPaid},
		{UpdateRetryPayment, s.retryPayment, s.validateRetryPayment},
		{UpdateUpsell, s.upsell, s.validateUpsell},
		{UpdateChangeTariff, s.changeTariff, s.validateChangeTariff},
		{UpdateCancel, s.cancelSale, s.validateCancel},
	}
	for _, u := range updates {
		if err := workflow.SetUpdateHandlerWithOptions(ctx, u.name, u.handler,
			workflow.UpdateHandlerOptions{Validator: u.validator}); err != nil {
			return err
		}
	}
	s.receiveOutcomes(ctx)
	return nil
}

// view is the state the query answers.
func (s *sale) view() SaleState {
	v := s.SaleState
	v.Busy = s.busy()
	v.ContractPending = s.contractDue
	v.Flags = slices.Clone(s.Flags)
	v.Comments = slices.Clone(s.Comments)
	v.Payments = make([]PaymentState, 0, len(s.payments))
	for _, p := range s.payments {
		v.Payments = append(v.Payments, p.view())
	}
	if p := s.currentPayment(); p != nil {
		current := p.view()
		v.Payment = &current
	}
	v.Changes = make([]SaleChange, 0, len(s.changes))
	for _, c := range s.changes {
		v.Changes = append(v.Changes, c.SaleChange)
	}
	return v
}

// busy is true while an action is under way; other actions wait their turn.
func (s *sale) busy() bool { return s.processing || s.contractDue || s.working || len(s.jobs) > 0 }

// exclusive marks the sale busy until the returned func runs. A handler that blocks (on the
// projection, a look-up) must not let a second decision in meanwhile: an approve and a reject
// accepted together would leave one of them waiting for ever.
func (s *sale) exclusive() func() {
	s.processing = true
	return func() { s.processing = false }
}

func (s *sale) today(ctx workflow.Context) time.Time { return workflow.Now(ctx).In(s.loc) }

// --- the wizard ---------------------------------------------------------------------------

// open records the new draft; repeated (update-with-start reusing the workflow), it only
// answers the state.
func (s *sale) open(ctx workflow.Context, actor Actor) (SaleState, error) {
	if s.Revision == 0 {
		if err := s.record(ctx, actor, "created", "", map[string]any{"status": s.Status}); err != nil {
			return SaleState{}, err
		}
	}
	return s.view(), nil
}

func (s *sale) validateVehicle(ctx workflow.Context, step VehicleStep) error {
	if err := s.checkEditable(step.Actor); err != nil {
		return err
	}
	_, vs := step.Vehicle.Normalize(s.today(ctx))
	return validationError(vs)
}

func (s *sale) saveVehicle(ctx workflow.Context, step VehicleStep) (SaleState, error) {
	v, _ := step.Vehicle.Normalize(s.today(ctx))
	changes := diff("vehicle", s.Vehicle, &v)
	s.Vehicle = &v
	s.reprice(ctx, step.Actor.Lang)
	return s.saveStep(ctx, step.Actor, "vehicle_saved", changes)
}

func (s *sale) validateCustomer(ctx workflow.Context, step CustomerStep) error {
	if err := s.checkEditable(step.Actor); err != nil {
		return err
	}
	_, vs := step.Customer.Normalize(s.today(ctx))
	return validationError(vs)
}

func (s *sale) saveCustomer(ctx workflow.Context, step CustomerStep) (SaleState, error) {
	c, _ := step.Customer.Normalize(s.today(ctx))
	changes := diff("customer", s.Customer, &c)
	s.Customer = &c
	return s.saveStep(ctx, step.Actor, "customer_saved", changes)
}

func (s *sale) validateTariff(ctx workflow.Context, step TariffStep) error {
	if err := s.checkEditable(step.Actor); err != nil {
		return err
	}
	if s.Vehicle == nil {
		// rating needs the vehicle's age, mileage, power and category
		return validationError(warranty.Violations{{Field: "vehicle", Code: warranty.CodeRequired}})
	}
	if step.Snapshot.Tariff.Code != step.Choice.TariffCode {
		return validationError(warranty.Violations{{Field: "tariff_code", Code: warranty.CodeRequired}})
	}
	_, vs := s.rate(ctx, &step.Snapshot, &step.Choice, step.Actor.Lang)
	return validationError(vs)
}

func (s *sale) saveTariff(ctx workflow.Context, step TariffStep) (SaleState, error) {
	choice := step.Choice
	choice.Options = uniqueOptions(choice.Options)
	changes := diff("tariff", s.Tariff, &choice)
	if s.TariffVersionID != step.Snapshot.VersionID {
		changes["tariff_version_id"] = map[string]any{"from": s.TariffVersionID, "to": step.Snapshot.VersionID}
	}
	snapshot := step.Snapshot
	s.tariff, s.Tariff, s.TariffVersionID = &snapshot, &choice, snapshot.VersionID
	s.reprice(ctx, step.Actor.Lang)
	if s.Quote != nil {
		changes["price_kopecks"] = s.Quote.PriceKopecks
	}
	return s.saveStep(ctx, step.Actor, "tariff_saved", changes)
}

// saveStep records a wizard step; a step that changes nothing leaves no history.
func (s *sale) saveStep(ctx workflow.Context, actor Actor, action string, changes map[string]any) (SaleState, error) {
	s.touchedAt = workflow.Now(ctx)
	if len(changes) == 0 {
		return s.view(), nil
	}
	return s.answer(s.record(ctx, actor, action, "", changes))
}

// answer is an update's reply once its change is recorded (the view taken after the record,
// so it carries the new revision).
func (s *sale) answer(err error) (SaleState, error) {
	if err != nil {
		return SaleState{}, err
	}
	return s.view(), nil
}

// checkEditable allows wizard steps on a draft, by a dealer, when nothing else is running.
func (s *sale) checkEditable(actor Actor) error {
	if err := s.checkActor(actor); err != nil {
		return err
	}
	if actor.Role != RoleDealer {
		return forbidden()
	}
	if s.Status != warranty.StatusDraft {
		return wrongStatus(s.Status)
	}
	if s.busy() {
		return busyError()
	}
	return nil
}

// rate prices the chosen tariff for the current vehicle at today's date.
func (s *sale) rate(ctx workflow.Context, t *TariffSnapshot, choice *TariffChoice, lang string) (warranty.Quote, warranty.Violations) {
	return warranty.Rate(warranty.RateInput{Tariff: t.Tariff, Vehicle: *s.Vehicle, TermMonths: choice.TermMonths,
		OptionCodes: choice.Options, DiscountBP: choice.DiscountBP, CommissionBP: t.CommissionBP,
		Today: s.today(ctx), Lang: lang})
}

// reprice keeps the quote and the preliminary flags in step with the vehicle and the
// tariff. A vehicle the chosen tariff no longer accepts drops the quote; submit then names
// every reason.
func (s *sale) reprice(ctx workflow.Context, lang string) {
	if s.Vehicle == nil || s.tariff == nil || s.Tariff == nil {
		return
	}
	q, vs := s.rate(ctx, s.tariff, s.Tariff, lang)
	if len(vs) > 0 {
		s.Quote, s.Flags = nil, []warranty.Flag{}
		return
	}
	s.Quote = &q
	s.Flags = s.assessRisk(ctx, activities.VINRecord{}, lang)
}

// assessRisk flags the sale with the rules it started with; vin is what the submit's look-up
// found (nothing before submit).
func (s *sale) assessRisk(ctx workflow.Context, vin activities.VINRecord, lang string) []warranty.Flag {
	var rejected *warranty.VINRejection
	if vin.Rejected != nil {
		rejected = &warranty.VINRejection{Comment: vin.Rejected.Comment}
	}
	flags := warranty.AssessRisk(warranty.RiskInput{Vehicle: *s.Vehicle, Eligibility: s.tariff.Tariff.Eligibility,
		DiscountBP: s.Tariff.DiscountBP, VINUnderContract: vin.UnderContract, PreviouslyRejected: rejected,
		Today: s.today(ctx), Thresholds: s.in.Risk, Rules: s.riskRules()}, lang)
	if flags == nil {
		flags = []warranty.Flag{}
	}
	return flags
}

// --- submit -------------------------------------------------------------------------------

func (s *sale) validateSubmit(ctx workflow.Context, actor Actor) error {
	if err := s.checkEditable(actor); err != nil {
		return err
	}
	if vs := s.missingSteps(); len(vs) > 0 {
		return validationError(vs)
	}
	_, vs := s.rate(ctx, s.tariff, s.Tariff, actor.Lang)
	return validationError(vs)
}

// missingSteps names each wizard step not filled in yet.
func (s *sale) missingSteps() warranty.Violations {
	var vs warranty.Violations
	if s.Vehicle == nil {
		vs = append(vs, warranty.Violation{Field: "vehicle", Code: warranty.CodeRequired})
	}
	if s.Customer == nil {
		vs = append(vs, warranty.Violation{Field: "customer", Code: warranty.CodeRequired})
	}
	if s.Tariff == nil || s.tariff == nil {
		vs = append(vs, warranty.Violation{Field: "tariff", Code: warranty.CodeRequired})
	}
	return vs
}

// submit rates the sale at today's date, looks up the VIN, and assesses the risk. A sale
// without flags gets its contract at once; a flagged one, or one a manager sent back for
// changes, waits for a manager. It answers once the sale has moved on.
func (s *sale) submit(ctx workflow.Context, actor Actor) (SaleState, error) {
	release := s.exclusive()
	defer release()
	s.touchedAt = workflow.Now(ctx)

	vin, err := s.lookUpVIN(ctx)
	if err != nil {
		return SaleState{}, temporal.NewApplicationErrorWithCause("the VIN check is unavailable, try again", ErrTypeUnavailable, err)
	}
	q, vs := s.rate(ctx, s.tariff, s.Tariff, actor.Lang)
	if len(vs) > 0 { // the validator rated the same input a moment ago; kept for safety
		return SaleState{}, validationError(vs)
	}
	now := workflow.Now(ctx)
	s.Quote, s.Flags = &q, s.assessRisk(ctx, vin, actor.Lang)
	s.SubmittedAt, s.ApprovedAt = &now, nil
	s.submissions++
	changes := map[string]any{"price_kopecks": q.PriceKopecks, "flags": flagCodes(s.Flags)}

	if len(s.Flags) > 0 || s.ReturnedForChanges {
		s.Status = warranty.StatusPendingApproval
		changes["status"] = s.Status
		err := s.record(ctx, actor, "submitted", "", changes)
		release()
		return s.answer(err)
	}
	if err := s.record(ctx, actor, "submitted", "", changes); err != nil {
		return SaleState{}, err
	}
	release() // the due contract keeps the sale busy from here
	return s.awaitContract(ctx), nil
}

// lookUpVIN asks what other sales say about the VIN: with the rules v2 the live contract and
// the latest rejection (VINHistory), with v1 the live contract only (VINUnderContract, the
// activity the recorded histories hold).
func (s *sale) lookUpVIN(ctx workflow.Context) (activities.VINRecord, error) {
	ctx = workflow.WithActivityOptions(ctx, workflow.ActivityOptions{
		StartToCloseTimeout: 10 * time.Second,
		RetryPolicy:         &temporal.RetryPolicy{InitialInterval: time.Second, MaximumAttempts: 5},
	})
	check := activities.VINCheck{SaleID: s.ID, VIN: s.Vehicle.VIN}
	var rec activities.VINRecord
	if s.riskRules() >= warranty.RiskRulesV2 {
		err := workflow.ExecuteActivity(ctx, acts.VINHistory, check).Get(ctx, &rec)
		return rec, err
	}
	err := workflow.ExecuteActivity(ctx, acts.VINUnderContract, check).Get(ctx, &rec.UnderContract)
	return rec, err
}

// --- approval -----------------------------------------------------------------------------

func (s *sale) checkDecidable(actor Actor) error {
	if err := s.checkActor(actor); err != nil {
		return err
	}
	if actor.Role != RoleManager && actor.Role != RoleAdmin {
		return forbidden()
	}
	if s.Status != warranty.StatusPendingApproval {
		return wrongStatus(s.Status)
	}
	if s.busy() {
		return busyError()
	}
	return nil
}

func (s *sale) validateApprove(d Decision) error { return s.checkDecidable(d.Actor) }

// validateDecisionWithReason requires the comment: the dealer must learn what to change or
// why the sale is refused.
func (s *sale) validateDecisionWithReason(d Decision) error {
	if err := s.checkDecidable(d.Actor); err != nil {
		return err
	}
	if strings.TrimSpace(d.Comment) == "" {
		return validationError(warranty.Violations{{Field: "comment", Code: warranty.CodeRequired}})
	}
	return nil
}

// approve accepts a flagged sale; the contract is issued and the update answers after it.
func (s *sale) approve(ctx workflow.Context, d Decision) (SaleState, error) {
	release := s.exclusive()
	defer release()
	now := workflow.Now(ctx)
	s.ApprovedAt = &now
	s.addComment(ctx, d, "approve")
	if err := s.record(ctx, d.Actor, "approved", strings.TrimSpace(d.Comment), nil); err != nil {
		return SaleState{}, err
	}
	release() // the due contract keeps the sale busy from here
	return s.awaitContract(ctx), nil
}

// requestChanges sends the sale back to the dealer's draft with the manager's comment.
func (s *sale) requestChanges(ctx workflow.Context, d Decision) (SaleState, error) {
	release := s.exclusive()
	defer release()
	s.Status, s.ReturnedForChanges = warranty.StatusDraft, true
	s.touchedAt = workflow.Now(ctx)
	s.addComment(ctx, d, "request_changes")
	err := s.record(ctx, d.Actor, "changes_requested", strings.TrimSpace(d.Comment), map[string]any{"status": s.Status})
	release()
	return s.answer(err)
}

// reject refuses the sale for good.
func (s *sale) reject(ctx workflow.Context, d Decision) (SaleState, error) {
	release := s.exclusive()
	defer release()
	s.Status = warranty.StatusRejected
	s.addComment(ctx, d, "reject")
	err := s.record(ctx, d.Actor, "rejected", strings.TrimSpace(d.Comment), map[string]any{"status": s.Status})
	release()
	return s.answer(err)
}

func (s *sale) addComment(ctx workflow.Context, d Decision, kind string) {
	text := strings.TrimSpace(d.Comment)
	if text == "" {
		return
	}
	s.Comments = append(s.Comments, Comment{Author: d.Actor.Name, Role: d.Actor.Role, Text: text,
		At: workflow.Now(ctx), Kind: kind})
}

// waitForDecision keeps a submitted sale in the managers' queue: it tells them at once,
// reminds them after a day and alerts the admins after two, until someone decides.
func (s *sale) waitForDecision(ctx workflow.Context) {
	submission := s.submissions
	decided := func() bool {
		return s.Status != warranty.StatusPendingApproval || s.contractDue || s.submissions != submission
	}
	s.notifyApprovers(ctx, activities.NoticeApprovalRequested, submission)
	nudges := []struct {
		after time.Duration
		kind  string
		done  *int
	}{
		{ApprovalReminderAfter, activities.NoticeApprovalReminder, &s.remindedFor},
		{ApprovalAlertAfter, activities.NoticeApprovalAlert, &s.alertedFor},
	}
	for _, n := range nudges {
		if wait := s.SubmittedAt.Add(n.after).Sub(workflow.Now(ctx)); wait > 0 {
			if ok, _ := workflow.AwaitWithTimeout(ctx, wait, decided); ok {
				return
			}
		}
		if decided() || ctx.Err() != nil {
			return
		}
		if *n.done != submission {
			*n.done = submission
			s.nudgeApprovers(ctx, n.kind, n.after, submission)
		}
	}
	_ = workflow.Await(ctx, decided)
}

// nudgeApprovers sends a reminder or an alert and writes it into the sale's history.
func (s *sale) nudgeApprovers(ctx workflow.Context, kind string, waited time.Duration, submission int) {
	s.notifyApprovers(ctx, kind, submission)
	action := map[string]string{activities.NoticeApprovalReminder: "approval_reminder",
		activities.NoticeApprovalAlert: "approval_alert"}[kind]
	_ = s.record(ctx, Actor{}, action, "", map[string]any{"waiting_hours": int(waited.Hours())})
}

func (s *sale) notifyApprovers(ctx workflow.Context, kind string, submission int) {
	ctx = workflow.WithActivityOptions(ctx, workflow.ActivityOptions{
		StartToCloseTimeout: 30 * time.Second,
		RetryPolicy:         &temporal.RetryPolicy{InitialInterval: 5 * time.Second, MaximumInterval: 5 * time.Minute, MaximumAttempts: 20},
	})
	err := workflow.ExecuteActivity(ctx, acts.NotifyApprovers, activities.ApprovalNotice{SaleID: s.ID,
		SalonID: s.SalonID, Kind: kind, Submission: submission}).Get(ctx, nil)
	if err != nil {
		// a lost notice must not hold the sale: the approvals list still shows it
		workflow.GetLogger(ctx).Error("notify approvers", "kind", kind, "err", err)
	}
}

// --- the contract -------------------------------------------------------------------------

// awaitContract asks the main loop for the contract and waits until it is issued or the
// attempt failed (the loop keeps trying; the state then says why).
func (s *sale) awaitContract(ctx workflow.Context) SaleState {
	attempts := s.contractAttempts
	s.contractDue = true
	_ = workflow.Await(ctx, func() bool { return s.contractAttempts > attempts })
	return s.view()
}

// issueContract numbers the contract, renders and stores its PDF and moves the sale to
// awaiting_payment. A failed attempt is recorded once and retried after a pause, keeping
// the number it already got.
func (s *sale) issueContract(ctx workflow.Context) {
	failedBefore := false
	for s.contractDue && ctx.Err() == nil {
		err := s.tryIssueContract(ctx)
		s.contractAttempts++
		if err == nil {
			return
		}
		s.ContractError = errorMessage(err)
		if !failedBefore {
			failedBefore = true
			_ = s.record(ctx, Actor{}, "contract_failed", s.ContractError, nil)
		}
		_ = workflow.Sleep(ctx, ContractRetryDelay)
	}
}

func (s *sale) tryIssueContract(ctx workflow.Context) error {
	if s.ContractIssuedAt == nil {
		// the contract's date is fixed at the first attempt, so a retry renders the same text
		now := workflow.Now(ctx)
		s.ContractIssuedAt = &now
	}
	if s.ContractNumber == "" {
		var number string
		err := workflow.ExecuteActivity(s.contractOptions(ctx), acts.AllocateContractNumber,
			activities.ContractNumberRequest{SaleID: s.ID, Year: s.ContractIssuedAt.In(s.loc).Year()}).Get(ctx, &number)
		if err != nil {
			return err
		}
		s.ContractNumber = number
	}
	var doc activities.ContractDocument
	err := workflow.ExecuteActivity(s.contractOptions(ctx), acts.IssueContract, activities.ContractRequest{
		SaleID: s.ID, ContractNumber: s.ContractNumber, SalonID: s.SalonID, TariffVersionID: s.TariffVersionID,
		Vehicle: *s.Vehicle, Customer: *s.Customer, TermMonths: s.Tariff.TermMonths, Quote: *s.Quote,
		IssuedAt: *s.ContractIssuedAt, TimeZone: s.in.TimeZone}).Get(ctx, &doc)
	if err != nil {
		return err
	}
	s.ContractDocumentID, s.ContractError = doc.ID, ""
	s.Status, s.contractDue = warranty.StatusAwaitingPayment, false
	return s.record(ctx, Actor{}, "contract_issued", "", map[string]any{"status": s.Status,
		"contract_number": s.ContractNumber})
}

// contractOptions: rendering a PDF takes a moment; a transient failure is retried a few
// times here, then by issueContract after a pause.
func (s *sale) contractOptions(ctx workflow.Context) workflow.Context {
	return workflow.WithActivityOptions(ctx, workflow.ActivityOptions{
		StartToCloseTimeout: time.Minute,
		RetryPolicy: &temporal.RetryPolicy{InitialInterval: 2 * time.Second, BackoffCoefficient: 2,
			MaximumInterval: 30 * time.Second, MaximumAttempts: 5},
	})
}

// --- the draft's lifetime -----------------------------------------------------------------

// waitInDraft expires a draft nobody touched for DraftLifetime; any step restarts the
// count.
func (s *sale) waitInDraft(ctx workflow.Context) {
	for s.Status == warranty.StatusDraft && !s.contractDue && ctx.Err() == nil {
		touched := s.touchedAt
		wait := touched.Add(DraftLifetime).Sub(workflow.Now(ctx))
		if wait <= 0 && !s.busy() {
			s.expire(ctx)
			return
		}
		moved := func() bool {
			return s.Status != warranty.StatusDraft || s.contractDue || !s.touchedAt.Equal(touched)
		}
		if wait <= 0 { // a submit is running: let it finish first
			_ = workflow.Await(ctx, func() bool { return !s.busy() || moved() })
			continue
		}
		_, _ = workflow.AwaitWithTimeout(ctx, wait, moved)
	}
}

func (s *sale) expire(ctx workflow.Context) {
	s.Status = warranty.StatusExpired
	_ = s.record(ctx, Actor{}, "expired", "", map[string]any{"status": s.Status,
		"untouched_days": int(DraftLifetime.Hours() / 24)})
}

// --- projection ---------------------------------------------------------------------------

// record moves the revision on and projects the sale with one history line, by a local
// activity that retries until PostgreSQL takes it.
func (s *sale) record(ctx workflow.Context, actor Actor, action, comment string, changes map[string]any) error {
	now := workflow.Now(ctx)
	s.Revision++
	s.UpdatedAt = now
	s.index(ctx)
	// the whole view goes along, so the read model shows the page without the workflow (a
	// view that cannot be encoded goes without; the row still moves on). json of plain values
	// is the same on every replay, and a replay does not compare a local activity's input.
	state, _ := json.Marshal(s.view()) //workflowcheck:ignore
	p := activities.SaleProjection{Sale: s.projection(), Event: activities.SaleEvent{At: now, ActorID: actor.ID,
		ActorName: actor.Name, Action: action, Comment: comment, Changes: changes}, State: state}
	ctx = workflow.WithLocalActivityOptions(ctx, workflow.LocalActivityOptions{
		StartToCloseTimeout: 10 * time.Second,
		// the sale must not wait for ever on its read model: after this long (PostgreSQL
		// down) the workflow goes on and the next record catches the read model up
		ScheduleToCloseTimeout: ProjectionPatience,
		RetryPolicy:            &temporal.RetryPolicy{InitialInterval: time.Second, BackoffCoefficient: 2, MaximumInterval: time.Minute},
	})
	err := workflow.ExecuteLocalActivity(ctx, acts.ProjectSale, p).Get(ctx, nil)
	return s.projected(ctx, err)
}

// projected notes how the projection went. A projection PostgreSQL refuses (or that waited
// past ProjectionPatience) no longer fails the step that made it: the workflow holds the
// state, the sale stays usable, the state says the read model is behind (ProjectionError,
// counted by the stuck-sales check) until a later record succeeds with the whole state.
func (s *sale) projected(ctx workflow.Context, err error) error {
	if err == nil {
		s.ProjectionError = ""
		return nil
	}
	// versioned: a history recorded before kept the error and failed the step
	if s.version(ctx, versionProjectionLag, 1) < 1 {
		return err
	}
	s.ProjectionError = errorMessage(err)
	workflow.GetLogger(ctx).Error("project sale", "revision", s.Revision, "err", err)
	return nil
}

func (s *sale) projection() activities.SaleRecord {
	r := activities.SaleRecord{ID: s.ID, WorkflowID: WorkflowID(s.ID), Revision: s.Revision, Status: s.Status,
		ContractNumber: s.ContractNumber, PartnerID: s.PartnerID, SalonID: s.SalonID, SellerID: s.Seller.ID,
		City: s.in.City, Vehicle: s.Vehicle, Customer: s.Customer, TariffVersionID: s.TariffVersionID,
		Quote: s.Quote, Flags: s.Flags, SaleMonth: warranty.SaleMonth(s.CreatedAt, s.loc),
		CreatedAt: s.CreatedAt, UpdatedAt: s.UpdatedAt, SubmittedAt: s.SubmittedAt, ApprovedAt: s.ApprovedAt,
		ActivatedAt: s.ActivatedAt, ClosedAt: s.ClosedAt, CancelledAt: s.CancelledAt, UpsellKopecks: s.UpsellKopecks}
	if t := s.Tariff; t != nil {
		r.TariffCode, r.TermMonths, r.Options, r.DiscountBP = t.TariffCode, t.TermMonths, t.Options, t.DiscountBP
	}
	return r
}

// --- helpers ------------------------------------------------------------------------------

func validationError(vs warranty.Violations) error {
	if len(vs) == 0 {
		return nil
	}
	return temporal.NewApplicationErrorWithOptions(vs.Error(), ErrTypeValidation,
		temporal.ApplicationErrorOptions{NonRetryable: true, Details: []any{vs}})
}

func wrongStatus(status warranty.SaleStatus) error {
	return temporal.NewApplicationErrorWithOptions("the sale is "+string(status), ErrTypeWrongStatus,
		temporal.ApplicationErrorOptions{NonRetryable: true, Details: []any{status}})
}

func busyError() error {
	return temporal.NewNonRetryableApplicationError("the sale is being processed", ErrTypeBusy, nil)
}

func forbidden() error {
	return temporal.NewNonRetryableApplicationError("not allowed for this role", ErrTypeForbidden, nil)
}

// isErrorType says whether err is an application error of type t (an activity's business
// failure).
func isErrorType(err error, t string) bool {
	var app *temporal.ApplicationError
	return errors.As(err, &app) && app.Type() == t
}

// errorMessage is the reason an activity gave, without Temporal's wrapping.
func errorMessage(err error) string {
	var app *temporal.ApplicationError
	if errors.As(err, &app) {
		return app.Message()
	}
	return err.Error()
}

func flagCodes(flags []warranty.Flag) []string {
	codes := make([]string, 0, len(flags))
	for _, f := range flags {
		codes = append(codes, f.Code)
	}
	return codes
}

func uniqueOptions(codes []string) []string {
	out := make([]string, 0, len(codes))
	for _, c := range codes {
		if !slices.Contains(out, c) {
			out = append(out, c)
		}
	}
	return out
}

// diff lists what a step changed, field by field: {"vehicle.vin": {"from": …, "to": …}}.
// The result is a map but is only ever serialized (sorted keys), so it stays deterministic.
func diff[T any](prefix string, before, after *T) map[string]any {
	from, to := fieldsOf(before), fieldsOf(after)
	changes := map[string]any{}
	for k, v := range to {
		if old, ok := from[k]; !ok || !reflect.DeepEqual(old, v) {
			changes[prefix+"."+k] = map[string]any{"from": from[k], "to": v}
		}
	}
	return changes
}

func fieldsOf(v any) map[string]any {
	m := map[string]any{}
	if b, err := json.Marshal(v); err == nil {
		_ = json.Unmarshal(b, &m)
	}
	return m
}
