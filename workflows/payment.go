package workflows

import (
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/google/uuid"
	"go.temporal.io/sdk/temporal"
	"go.temporal.io/sdk/workflow"

	"karso.ru/prm/activities"
	"karso.ru/prm/payments"
	"karso.ru/prm/warranty"
)

// Timing of payments.
const (
	// FailedPaymentGrace is how long a sale whose card payment finally failed waits for
	// finance (a retry, a payment recorded) before it is cancelled.
	FailedPaymentGrace = 7 * 24 * time.Hour
	// OverdueReminderEvery is the pause between reminders of an overdue invoice.
	OverdueReminderEvery = 3 * 24 * time.Hour
	// DefaultOverdueReminderLimit is how many reminders an overdue invoice gets (a month
	// of them) before it is left to finance's attention list.
	DefaultOverdueReminderLimit = 10
	// PaymentRetryDelay is the pause before the workflow tries again to open a payment the
	// acquirer or the database refused (its activity has already retried transient errors).
	PaymentRetryDelay = 10 * time.Minute
)

// DefaultDunningSchedule are the delays after a declined card before each retry: +1 h,
// +24 h, +72 h.
var DefaultDunningSchedule = []time.Duration{time.Hour, 24 * time.Hour, 72 * time.Hour}

// RoleFinance is the accountant who records transfers and retries failed payments.
const RoleFinance = "finance"

// ErrTypePaymentNotOpen: the payment named is not one of the sale's, or it no longer waits
// for money (paid, voided); the first detail is its status ("" when unknown).
const ErrTypePaymentNotOpen = "PaymentNotOpen"

// PaymentState is one payment of a sale as the cabinets show it.
type PaymentState struct {
	ID string `json:"id"`
	// Purpose is payments.PurposeSale, PurposeUpsell or PurposeRefund.
	Purpose string `json:"purpose"`
	// Method is payments.MethodCard or MethodInvoice.
	Method string `json:"method"`
	// Status is pending, retrying, succeeded, failed, refunded or voided.
	Status string `json:"status"`
	// URL is the customer's payment page of a card payment.
	URL           string           `json:"url"`
	AmountKopecks warranty.Kopecks `json:"amount_kopecks"`
	Attempts      []PaymentAttempt `json:"attempts"`
	// NextRetryAt is when the next dunning attempt opens.
	NextRetryAt *time.Time `json:"next_retry_at"`
	// ExpiresAt is when a sale whose payment failed is cancelled unless finance acts.
	ExpiresAt *time.Time `json:"expires_at,omitempty"`
	// DueOn is an invoice's last day to pay (YYYY-MM-DD); Overdue is set once it passed.
	DueOn             string           `json:"due_on,omitempty"`
	Overdue           bool             `json:"overdue"`
	PaidAt            *time.Time       `json:"paid_at"`
	Reference         string           `json:"reference,omitempty"`
	RefundedKopecks   warranty.Kopecks `json:"refunded_kopecks"`
	InvoiceDocumentID string           `json:"invoice_document_id,omitempty"`
	ReceiptDocumentID string           `json:"receipt_document_id,omitempty"`
	// ChangeN is the upsell or tariff change an upsell payment pays for.
	ChangeN int `json:"change_n,omitempty"`
	// Error says why the payment could not be opened; the workflow keeps trying.
	Error string `json:"error,omitempty"`
}

// PaymentAttempt is one try to collect a card payment.
type PaymentAttempt struct {
	N           int                    `json:"n"`
	At          time.Time              `json:"at"`
	Result      payments.AttemptResult `json:"result"`
	DeclineCode string                 `json:"decline_code"`
	ProviderRef string                 `json:"provider_ref,omitempty"`
}

// payment is a PaymentState with what only the workflow needs to drive it.
type payment struct {
	PaymentState
	// seq numbers the sale's payments from 1; it makes the payment's id, invoice and
	// receipt numbers.
	seq int
	// due: the payment is to be opened (its first attempt, or its invoice) at dueAt — at
	// once, or after a pause when opening failed.
	due   bool
	dueAt time.Time
	// retriesUsed counts the dunning schedule's retries already spent.
	retriesUsed int
	reminders   int
	troubled    bool
	// escalated: the overdue invoice had its last reminder and waits for finance alone.
	escalated bool
}

// open reports whether the payment still waits for money.
func (p *payment) open() bool {
	switch p.Status {
	case payments.StatusPending, payments.StatusRetrying, payments.StatusFailed:
		return p.Purpose != payments.PurposeRefund
	}
	return false
}

// pendingAttempt is the attempt waiting for the customer, if any.
func (p *payment) pendingAttempt() *PaymentAttempt {
	if n := len(p.Attempts); n > 0 && p.Attempts[n-1].Result == payments.ResultPending {
		return &p.Attempts[n-1]
	}
	return nil
}

func (p *payment) attempt(n int) *PaymentAttempt {
	for i := range p.Attempts {
		if p.Attempts[i].N == n {
			return &p.Attempts[i]
		}
	}
	return nil
}

func (p *payment) refundable() warranty.Kopecks {
	if p.Status != payments.StatusSucceeded || p.Purpose == payments.PurposeRefund {
		return 0
	}
	return p.AmountKopecks - p.RefundedKopecks
}

func (p *payment) view() PaymentState {
	v := p.PaymentState
	v.Attempts = slices.Clone(p.Attempts)
	if v.Attempts == nil {
		v.Attempts = []PaymentAttempt{}
	}
	return v
}

// paymentUUID derives the id of the sale's payment seq, so that a replay or a retried
// activity names the same payment.
func paymentUUID(saleID string, seq int) string {
	return uuid.NewSHA1(uuid.NameSpaceURL, fmt.Appendf(nil, "karso:sale:%s:payment:%d", saleID, seq)).String()
}

// newPayment adds a payment to collect; the main loop opens it.
func (s *sale) newPayment(ctx workflow.Context, purpose, method string, amount warranty.Kopecks) *payment {
	seq := len(s.payments) + 1
	p := &payment{seq: seq, due: true, dueAt: workflow.Now(ctx), PaymentState: PaymentState{
		ID: paymentUUID(s.ID, seq), Purpose: purpose, Method: method, Status: payments.StatusPending,
		AmountKopecks: amount, Attempts: []PaymentAttempt{}}}
	s.payments = append(s.payments, p)
	return p
}

func (s *sale) salePayment() *payment {
	for _, p := range s.payments {
		if p.Purpose == payments.PurposeSale {
			return p
		}
	}
	return nil
}

func (s *sale) paymentByID(id string) *payment {
	for _, p := range s.payments {
		if p.ID == id {
			return p
		}
	}
	return nil
}

// currentPayment is the payment the sale's page shows: one in progress, newest first,
// otherwise the sale's own.
func (s *sale) currentPayment() *payment {
	for i := len(s.payments) - 1; i >= 0; i-- {
		if s.payments[i].open() {
			return s.payments[i]
		}
	}
	return s.salePayment()
}

func (s *sale) dunningSchedule() []time.Duration {
	if len(s.in.DunningSchedule) > 0 {
		return s.in.DunningSchedule
	}
	return DefaultDunningSchedule
}

// --- starting the sale's payment ----------------------------------------------------------

// requestSalePayment looks up how the partner pays and opens the sale's payment: a card
// payment's first attempt, or an invoice due the partner's deferral days after submit.
func (s *sale) requestSalePayment(ctx workflow.Context) {
	var terms activities.PaymentTerms
	err := workflow.ExecuteActivity(s.quickOptions(ctx), acts.PaymentTerms, s.PartnerID).Get(ctx, &terms)
	if err != nil {
		workflow.GetLogger(ctx).Error("payment terms", "err", err)
		_, _ = workflow.AwaitWithTimeout(ctx, PaymentRetryDelay, func() bool { return len(s.jobs) > 0 })
		return
	}
	method := payments.MethodCard
	if terms.Method == payments.MethodInvoice {
		method = payments.MethodInvoice
	}
	p := s.newPayment(ctx, payments.PurposeSale, method, s.Quote.PriceKopecks)
	if method == payments.MethodInvoice {
		submitted := workflow.Now(ctx)
		if s.SubmittedAt != nil {
			submitted = *s.SubmittedAt
		}
		p.DueOn = submitted.In(s.loc).AddDate(0, 0, terms.DeferralDays).Format(warranty.DateLayout)
	}
	s.startCollecting(ctx, p)
}

// startCollecting opens a payment: the first attempt of a card payment, or the invoice.
func (s *sale) startCollecting(ctx workflow.Context, p *payment) {
	if p.Method == payments.MethodInvoice {
		s.issueInvoice(ctx, p)
		return
	}
	s.openAttempt(ctx, p)
}

// openAttempt opens the next attempt of a card payment; the customer is mailed its link.
func (s *sale) openAttempt(ctx workflow.Context, p *payment) {
	n := len(p.Attempts) + 1
	req := activities.CardAttemptRequest{PaymentID: p.ID, SaleID: s.ID, PartnerID: s.PartnerID, Purpose: p.Purpose,
		Amount: p.AmountKopecks, Attempt: n, ContractNumber: s.ContractNumber}
	if s.Customer != nil {
		req.Customer = *s.Customer
	}
	if n > 1 {
		req.PreviousRef = p.Attempts[n-2].ProviderRef
	}
	var opened activities.CardAttempt
	if err := workflow.ExecuteActivity(s.quickOptions(ctx), acts.OpenCardAttempt, req).Get(ctx, &opened); err != nil {
		s.paymentTrouble(ctx, p, err)
		return
	}
	p.URL = opened.URL
	p.Attempts = append(p.Attempts, PaymentAttempt{N: n, At: workflow.Now(ctx), Result: payments.ResultPending,
		ProviderRef: opened.ProviderRef})
	p.due, p.NextRetryAt, p.ExpiresAt, p.Error, p.troubled = false, nil, nil, "", false
	action := "payment_requested"
	if n > 1 {
		p.Status, action = payments.StatusRetrying, "payment_retried"
	}
	_ = s.record(ctx, Actor{}, action, "", map[string]any{"payment_id": p.ID, "purpose": p.Purpose,
		"method": p.Method, "amount_kopecks": p.AmountKopecks, "attempt": n})
}

// issueInvoice issues the invoice of an invoice payment into the partner's archive.
func (s *sale) issueInvoice(ctx workflow.Context, p *payment) {
	customer := ""
	if s.Customer != nil {
		customer = s.Customer.FullName
	}
	var doc activities.IssuedDocument
	err := workflow.ExecuteActivity(s.documentOptions(ctx), acts.IssueInvoice, activities.InvoiceRequest{
		PaymentID: p.ID, SaleID: s.ID, PartnerID: s.PartnerID, SalonID: s.SalonID, Purpose: p.Purpose,
		Amount: p.AmountKopecks, Number: s.documentNumber(p), ContractNumber: s.ContractNumber, CustomerName: customer,
		IssuedAt: workflow.Now(ctx), DueOn: p.DueOn}).Get(ctx, &doc)
	if err != nil {
		s.paymentTrouble(ctx, p, err)
		return
	}
	p.InvoiceDocumentID, p.due, p.Error, p.troubled = doc.ID, false, "", false
	_ = s.record(ctx, Actor{}, "invoice_issued", "", map[string]any{"payment_id": p.ID, "purpose": p.Purpose,
		"amount_kopecks": p.AmountKopecks, "due_on": p.DueOn, "invoice_document_id": doc.ID})
}

// paymentTrouble keeps a payment that could not be opened due again after a pause, and
// says why in its state and, once, in the history.
func (s *sale) paymentTrouble(ctx workflow.Context, p *payment, err error) {
	p.Error = errorMessage(err)
	p.due, p.dueAt, p.NextRetryAt = true, workflow.Now(ctx).Add(PaymentRetryDelay), nil
	if !p.troubled {
		p.troubled = true
		_ = s.record(ctx, Actor{}, "payment_trouble", p.Error, map[string]any{"payment_id": p.ID})
	}
}

// documentNumber numbers the invoice and the receipt of a payment after the contract:
// KR-2026-000042-1 for the sale's payment, -2 for the first upsell…
func (s *sale) documentNumber(p *payment) string {
	return fmt.Sprintf("%s-%d", s.ContractNumber, p.seq)
}

// --- outcomes ------------------------------------------------------------------------------

// receiveOutcomes queues the payment outcomes the pay page and the webhook signal; the main
// loop takes them in order.
func (s *sale) receiveOutcomes(ctx workflow.Context) {
	ch := workflow.GetSignalChannel(ctx, SignalPaymentOutcome)
	s.outcomeCh = ch
	workflow.Go(ctx, func(ctx workflow.Context) {
		for {
			var o payments.Outcome
			if more := ch.Receive(ctx, &o); !more {
				return
			}
			s.outcomes = append(s.outcomes, o)
		}
	})
}

// drainOutcomes queues the outcomes signalled but not yet received, so that a run about to
// hand over does not leave one behind.
func (s *sale) drainOutcomes() {
	for {
		var o payments.Outcome
		if ok := s.outcomeCh.ReceiveAsync(&o); !ok {
			return
		}
		s.outcomes = append(s.outcomes, o)
	}
}

// takeOutcome applies the oldest outcome received; it reports whether there was one.
func (s *sale) takeOutcome(ctx workflow.Context) bool {
	if len(s.outcomes) == 0 {
		return false
	}
	o := s.outcomes[0]
	s.outcomes = s.outcomes[1:]
	s.applyOutcome(ctx, o)
	return true
}

// applyOutcome records how an attempt ended. An attempt already decided, or one the sale
// does not know, changes nothing: the pay page and Stripe deliver at least once.
func (s *sale) applyOutcome(ctx workflow.Context, o payments.Outcome) {
	p := s.paymentByID(o.PaymentID.String())
	if p == nil {
		workflow.GetLogger(ctx).Warn("outcome of an unknown payment", "payment", o.PaymentID)
		return
	}
	a := p.attempt(o.Attempt)
	if a == nil || a.Result != payments.ResultPending {
		if o.Succeeded() && p.Status == payments.StatusVoided && s.outcomeRecorded(ctx, o) {
			s.refundLateMoney(ctx, p, o)
		}
		return
	}
	if !s.outcomeRecorded(ctx, o) {
		return
	}
	a.Result, a.DeclineCode, a.At = o.Result, o.DeclineCode, o.At
	if !o.Succeeded() {
		s.declined(ctx, p, a)
		return
	}
	paidAt := o.At
	p.Status, p.PaidAt, p.Reference, p.NextRetryAt, p.ExpiresAt = payments.StatusSucceeded, &paidAt, o.ProviderRef, nil, nil
	_ = s.record(ctx, Actor{}, "payment_succeeded", "", map[string]any{"payment_id": p.ID, "attempt": a.N,
		"amount_kopecks": p.AmountKopecks})
	s.paid(ctx, p)
}

// outcomeRecorded confirms a signalled outcome against what the pay page or the verified
// webhook recorded in PostgreSQL. Anyone who reaches Temporal's frontend can send a signal;
// only a recorded fact moves money or activates a sale. An outcome found nowhere is written
// into the history (payment_outcome_unconfirmed) for operators and otherwise ignored.
// Versioned: a history recorded before believed every signal.
func (s *sale) outcomeRecorded(ctx workflow.Context, o payments.Outcome) bool {
	if s.version(ctx, versionConfirmOutcome, 1) < 1 {
		return true
	}
	ctx = workflow.WithActivityOptions(ctx, workflow.ActivityOptions{
		StartToCloseTimeout: 10 * time.Second,
		// the pay page commits its record a moment after it signals: eight seconds of
		// retries cover that, and a forged signal holds the sale's outcomes no longer
		RetryPolicy: &temporal.RetryPolicy{InitialInterval: 500 * time.Millisecond, BackoffCoefficient: 1.6,
			MaximumInterval: 5 * time.Second, MaximumAttempts: 6},
	})
	var recorded bool
	err := workflow.ExecuteActivity(ctx, acts.ConfirmPaymentOutcome, activities.OutcomeCheck{PaymentID: o.PaymentID.String(),
		Attempt: o.Attempt, Result: o.Result}).Get(ctx, &recorded)
	if err == nil && recorded {
		return true
	}
	changes := map[string]any{"payment_id": o.PaymentID.String(), "attempt": o.Attempt, "result": o.Result}
	if err != nil {
		changes["error"] = errorMessage(err)
	}
	workflow.GetLogger(ctx).Warn("payment outcome not recorded", "payment", o.PaymentID, "attempt", o.Attempt, "err", err)
	_ = s.record(ctx, Actor{}, "payment_outcome_unconfirmed", "", changes)
	return false
}

// declined schedules the next dunning attempt, or fails the payment after the last one. A
// failed sale payment cancels the sale after FailedPaymentGrace unless finance acts.
func (s *sale) declined(ctx workflow.Context, p *payment, a *PaymentAttempt) {
	now := workflow.Now(ctx)
	changes := map[string]any{"payment_id": p.ID, "attempt": a.N, "decline_code": a.DeclineCode}
	schedule := s.dunningSchedule()
	action := "payment_declined"
	if p.retriesUsed < len(schedule) {
		next := now.Add(schedule[p.retriesUsed])
		p.retriesUsed++
		p.Status, p.NextRetryAt = payments.StatusRetrying, &next
		changes["next_retry_at"] = next
	} else {
		p.Status, p.NextRetryAt, action = payments.StatusFailed, nil, "payment_failed"
		if p.Purpose == payments.PurposeSale {
			expires := now.Add(FailedPaymentGrace)
			p.ExpiresAt = &expires
			changes["cancels_at"] = expires
		}
	}
	s.setPaymentStatus(ctx, p)
	_ = s.record(ctx, Actor{}, action, "", changes)
}

// setPaymentStatus tells finance's list and the pay page what the workflow decided.
func (s *sale) setPaymentStatus(ctx workflow.Context, p *payment) {
	err := workflow.ExecuteActivity(s.quickOptions(ctx), acts.SetPaymentStatus, activities.PaymentStatusChange{
		PaymentID: p.ID, Status: p.Status, NextRetryAt: p.NextRetryAt}).Get(ctx, nil)
	if err != nil {
		// the workflow is the source of truth; the list catches up with the next change
		workflow.GetLogger(ctx).Error("set payment status", "payment", p.ID, "err", err)
	}
}

// paid carries a payment's success on: the sale's payment activates the sale, an upsell's
// applies its change.
func (s *sale) paid(ctx workflow.Context, p *payment) {
	if p.Purpose == payments.PurposeSale {
		s.activate(ctx, p)
		return
	}
	if ch := s.change(p.ChangeN); ch != nil {
		s.applyChange(ctx, ch, p)
	}
}

// refundLateMoney returns money that arrived for a payment already voided (a cancellation
// or a closed window raced the payer).
func (s *sale) refundLateMoney(ctx workflow.Context, p *payment, o payments.Outcome) {
	paidAt := o.At
	p.Status, p.PaidAt, p.Reference = payments.StatusSucceeded, &paidAt, o.ProviderRef
	if ref, err := s.refund(ctx, p, p.AmountKopecks, "late", false); err == nil {
		_ = s.record(ctx, Actor{}, "late_payment_refunded", "", map[string]any{"payment_id": p.ID,
			"amount_kopecks": p.AmountKopecks, "refund_ref": ref})
	}
}

// --- timers --------------------------------------------------------------------------------

// paymentAction is what a payment needs next.
type paymentAction int

const (
	noPaymentAction paymentAction = iota
	openPayment                   // the first attempt or the invoice, again after trouble
	retryPayment                  // the dunning schedule's next attempt
	expirePayment                 // the grace after the last failure ran out
	remindOverdue                 // the invoice's due date passed
)

// nextPaymentEvent is when a payment next needs the workflow, and for what. The main loop
// both waits for and acts on it, so the two never disagree.
func (s *sale) nextPaymentEvent(p *payment) (time.Time, paymentAction) {
	if !p.open() {
		return time.Time{}, noPaymentAction
	}
	switch {
	case p.due:
		return p.dueAt, openPayment
	case p.NextRetryAt != nil:
		return *p.NextRetryAt, retryPayment
	case p.ExpiresAt != nil:
		return *p.ExpiresAt, expirePayment
	case p.Method == payments.MethodInvoice && p.Purpose == payments.PurposeSale && p.InvoiceDocumentID != "" && p.DueOn != "" && !p.escalated:
		// an upsell's invoice is due by the window's end, when it lapses unpaid
		return s.nextReminderAt(p), remindOverdue
	}
	return time.Time{}, noPaymentAction
}

// nextReminderAt: an invoice is overdue from 00:00 after its due date, and reminded every
// OverdueReminderEvery from then until paid.
func (s *sale) nextReminderAt(p *payment) time.Time {
	due, err := time.ParseInLocation(warranty.DateLayout, p.DueOn, s.loc)
	if err != nil {
		return time.Time{}
	}
	overdueFrom := time.Date(due.Year(), due.Month(), due.Day()+1, 0, 0, 0, 0, s.loc)
	return overdueFrom.Add(time.Duration(p.reminders) * OverdueReminderEvery)
}

// advancePayments does the first payment step that is due; it reports whether it did one.
func (s *sale) advancePayments(ctx workflow.Context) bool {
	now := workflow.Now(ctx)
	for _, p := range s.payments {
		at, action := s.nextPaymentEvent(p)
		if action == noPaymentAction || now.Before(at) {
			continue
		}
		switch action {
		case openPayment:
			s.startCollecting(ctx, p)
		case retryPayment:
			s.openAttempt(ctx, p)
		case expirePayment:
			s.cancel(ctx, CancelRequest{Reason: reasonPaymentFailed})
		case remindOverdue:
			s.remindOverdueInvoice(ctx, p)
		}
		return true
	}
	return false
}

// nextWake is the earliest moment a timer of the sale falls due: a payment's event or the
// end of the upsell window.
func (s *sale) nextWake() (time.Time, bool) {
	var wake time.Time
	for _, p := range s.payments {
		if at, action := s.nextPaymentEvent(p); action != noPaymentAction && (wake.IsZero() || at.Before(wake)) {
			wake = at
		}
	}
	if s.Status == warranty.StatusActive && s.UpsellWindowClosesAt != nil &&
		(wake.IsZero() || s.UpsellWindowClosesAt.Before(wake)) {
		wake = *s.UpsellWindowClosesAt
	}
	return wake, !wake.IsZero()
}

// remindOverdueInvoice mails the dealer and tasks the salon's managers about an unpaid
// invoice, and counts the reminder whatever happens, so a failing mail does not spin.
//
// From versionOverdueReminderLimit on, the reminders stop after the limit: the last one also
// tells finance, and the invoice stays on finance's attention list (it is overdue) until paid
// or the sale is cancelled. Before, they went on every OverdueReminderEvery without end.
func (s *sale) remindOverdueInvoice(ctx workflow.Context, p *payment) {
	p.reminders++
	p.Overdue = true
	final := s.version(ctx, versionOverdueReminderLimit, 1) >= 1 && p.reminders >= s.overdueReminderLimit()
	err := workflow.ExecuteActivity(s.quickOptions(ctx), acts.RemindOverdueInvoice, activities.OverdueReminder{
		SaleID: s.ID, PaymentID: p.ID, SalonID: s.SalonID, SellerID: s.Seller.ID, N: p.reminders,
		ContractNumber: s.ContractNumber, DueOn: p.DueOn, Amount: p.AmountKopecks, Final: final}).Get(ctx, nil)
	if err != nil {
		workflow.GetLogger(ctx).Error("remind overdue invoice", "payment", p.ID, "err", err)
	}
	changes := map[string]any{"payment_id": p.ID, "reminder": p.reminders, "due_on": p.DueOn}
	if final {
		p.escalated = true
		changes["handed_to_finance"] = true
	}
	_ = s.record(ctx, Actor{}, "invoice_overdue", "", changes)
}

func (s *sale) overdueReminderLimit() int {
	if s.in.OverdueReminderLimit > 0 {
		return s.in.OverdueReminderLimit
	}
	return DefaultOverdueReminderLimit
}

// --- finance's updates ----------------------------------------------------------------------

func (s *sale) checkFinance(actor Actor) error {
	if err := s.checkActor(actor); err != nil {
		return err
	}
	if actor.Role != RoleFinance && actor.Role != RoleAdmin {
		return forbidden()
	}
	if s.Status != warranty.StatusAwaitingPayment && s.Status != warranty.StatusActive {
		return wrongStatus(s.Status)
	}
	if s.busy() {
		return busyError()
	}
	return nil
}

// openPaymentNamed finds a payment of the sale that still waits for money.
func (s *sale) openPaymentNamed(id string) (*payment, error) {
	p := s.paymentByID(strings.TrimSpace(id))
	if p == nil {
		return nil, paymentNotOpen("")
	}
	if !p.open() {
		return nil, paymentNotOpen(p.Status)
	}
	return p, nil
}

func (s *sale) validateMarkPaid(ctx workflow.Context, in MarkPaidInput) error {
	if err := s.checkFinance(in.Actor); err != nil {
		return err
	}
	if _, err := s.openPaymentNamed(in.PaymentID); err != nil {
		return err
	}
	switch {
	case in.PaidAt.IsZero():
		return validationError(warranty.Violations{{Field: "paid_at", Code: warranty.CodeRequired}})
	case in.PaidAt.After(workflow.Now(ctx).Add(24 * time.Hour)):
		return validationError(warranty.Violations{{Field: "paid_at", Code: warranty.CodeDateInFuture}})
	case len(in.Reference) > 200:
		return validationError(warranty.Violations{{Field: "reference", Code: warranty.CodeTooLong, Args: []any{200}}})
	}
	return nil
}

// markPaid records a payment finance received (a bank transfer against an invoice, or a card
// payment collected some other way) and carries it on like a captured one.
func (s *sale) markPaid(ctx workflow.Context, in MarkPaidInput) (SaleState, error) {
	return s.perform(ctx, func(ctx workflow.Context) error {
		p, err := s.openPaymentNamed(in.PaymentID)
		if err != nil { // paid by the customer while the update waited its turn
			return err
		}
		t := activities.Transfer{PaymentID: p.ID, PaidAt: in.PaidAt, Reference: strings.TrimSpace(in.Reference)}
		if a := p.pendingAttempt(); a != nil {
			t.OpenRef = a.ProviderRef
		}
		if err := workflow.ExecuteActivity(s.mustOptions(ctx), acts.RecordTransfer, t).Get(ctx, nil); err != nil {
			if isErrorType(err, activities.ErrTypePaymentStatusFinal) {
				return paymentNotOpen(p.Status)
			}
			return temporal.NewApplicationErrorWithCause("the payment could not be recorded, try again", ErrTypeUnavailable, err)
		}
		if a := p.pendingAttempt(); a != nil {
			a.Result, a.At = payments.ResultVoided, workflow.Now(ctx)
		}
		paidAt := in.PaidAt
		p.Status, p.PaidAt, p.Reference, p.NextRetryAt, p.ExpiresAt = payments.StatusSucceeded, &paidAt, t.Reference, nil, nil
		_ = s.record(ctx, in.Actor, "payment_recorded", "", map[string]any{"payment_id": p.ID,
			"amount_kopecks": p.AmountKopecks, "paid_at": paidAt, "reference": t.Reference})
		s.paid(ctx, p)
		return nil
	})
}

func (s *sale) validateRetryPayment(in RetryPaymentInput) error {
	if err := s.checkFinance(in.Actor); err != nil {
		return err
	}
	p, err := s.openPaymentNamed(in.PaymentID)
	if err != nil {
		return err
	}
	if p.Method != payments.MethodCard || p.pendingAttempt() != nil {
		// an invoice is paid by transfer; an open attempt is already waiting for the card
		return paymentNotOpen(p.Status)
	}
	return nil
}

// retryPayment opens a new attempt of a failed (or dunning) card payment now; the customer
// gets the link by mail.
func (s *sale) retryPayment(ctx workflow.Context, in RetryPaymentInput) (SaleState, error) {
	return s.perform(ctx, func(ctx workflow.Context) error {
		p, err := s.openPaymentNamed(in.PaymentID)
		if err != nil {
			return err
		}
		_ = s.record(ctx, in.Actor, "payment_retry_requested", "", map[string]any{"payment_id": p.ID})
		s.openAttempt(ctx, p)
		if p.Error != "" {
			return temporal.NewApplicationError("the payment attempt could not be opened: "+p.Error, ErrTypeUnavailable)
		}
		return nil
	})
}

func paymentNotOpen(status string) error {
	return temporal.NewApplicationErrorWithOptions("the payment does not wait for money", ErrTypePaymentNotOpen,
		temporal.ApplicationErrorOptions{NonRetryable: true, Details: []any{status}})
}

// --- activity options ------------------------------------------------------------------------

// quickOptions: short calls (the acquirer, a status, a mail); transient failures are retried
// here, then by the workflow after PaymentRetryDelay.
func (s *sale) quickOptions(ctx workflow.Context) workflow.Context {
	return workflow.WithActivityOptions(ctx, workflow.ActivityOptions{
		StartToCloseTimeout: 30 * time.Second,
		RetryPolicy: &temporal.RetryPolicy{InitialInterval: 2 * time.Second, BackoffCoefficient: 2,
			MaximumInterval: time.Minute, MaximumAttempts: 10},
	})
}

// documentOptions: rendering and storing a PDF.
func (s *sale) documentOptions(ctx workflow.Context) workflow.Context {
	return workflow.WithActivityOptions(ctx, workflow.ActivityOptions{
		StartToCloseTimeout: time.Minute,
		RetryPolicy: &temporal.RetryPolicy{InitialInterval: 2 * time.Second, BackoffCoefficient: 2,
			MaximumInterval: time.Minute, MaximumAttempts: 10},
	})
}

// mustOptions: effects that must happen (ledger postings, refunds, voids): retried until
// they do, unless they fail for a business reason no retry can fix.
func (s *sale) mustOptions(ctx workflow.Context) workflow.Context {
	return workflow.WithActivityOptions(ctx, workflow.ActivityOptions{
		StartToCloseTimeout: time.Minute,
		RetryPolicy: &temporal.RetryPolicy{InitialInterval: 2 * time.Second, BackoffCoefficient: 2,
			MaximumInterval: 5 * time.Minute},
	})
}
