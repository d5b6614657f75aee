package workflows

import (
	"time"

	"go.temporal.io/sdk/workflow"

	"karso.ru/prm/payments"
	"karso.ru/prm/warranty"
)

// DefaultHistoryLimit is how many history events a sale's run may reach before it continues
// as new; Temporal suggests it earlier when the history grows large in bytes, and refuses a
// run at 51,200 events.
const DefaultHistoryLimit = 2000

// Change ids of workflow.GetVersion (docs/decisions.md, "Changing a workflow that is running").
const (
	// versionContinueAsNew: a long-lived sale continues as new instead of growing its history.
	versionContinueAsNew = "continue-as-new"
	// versionOverdueReminderLimit: an overdue invoice is reminded a bounded number of times,
	// then handed to finance.
	versionOverdueReminderLimit = "overdue-reminder-limit"
	// versionProjectionLag: a projection that cannot be stored no longer fails the step.
	versionProjectionLag = "projection-lag"
	// versionConfirmOutcome: a signalled payment outcome counts only when PostgreSQL has it.
	versionConfirmOutcome = "confirm-payment-outcome"
	// versionSearchAttributes: the sale keeps ContractNumber, PartnerID and SaleStatus up to
	// date, so operators find it in the Temporal UI.
	versionSearchAttributes = "search-attributes"
	// versionRiskRules: the risk rules v2 (warranty.RiskRulesV2) and the VIN look-up with the
	// latest rejection (activities.VINHistory). Chosen once when the sale starts, so a sale
	// keeps the rules it started with.
	versionRiskRules = "risk-rules-v2"
)

// SaleContinuation is everything a sale's run knows, carried into the next run when the sale
// continues as new. It is taken only at a quiet moment: no update running, no job queued, no
// contract due, no payment outcome waiting.
type SaleContinuation struct {
	State            SaleState                   `json:"state"`
	Tariff           *TariffSnapshot             `json:"tariff,omitempty"`
	TouchedAt        time.Time                   `json:"touched_at"`
	Submissions      int                         `json:"submissions"`
	ContractAttempts int                         `json:"contract_attempts"`
	RemindedFor      int                         `json:"reminded_for"`
	AlertedFor       int                         `json:"alerted_for"`
	Payments         []PaymentContinuation       `json:"payments"`
	Changes          []ChangeContinuation        `json:"changes"`
	Outcomes         []payments.Outcome          `json:"outcomes"`
	Runs             int                         `json:"runs"`
	Versions         map[string]workflow.Version `json:"versions,omitempty"`
}

// PaymentContinuation is one payment with what only the workflow needs to drive it.
type PaymentContinuation struct {
	State       PaymentState `json:"state"`
	Seq         int          `json:"seq"`
	Due         bool         `json:"due"`
	DueAt       time.Time    `json:"due_at"`
	RetriesUsed int          `json:"retries_used"`
	Reminders   int          `json:"reminders"`
	Troubled    bool         `json:"troubled"`
	Escalated   bool         `json:"escalated"`
}

// ChangeContinuation is one upsell or tariff change with the snapshot it was rated with.
type ChangeContinuation struct {
	Change   SaleChange     `json:"change"`
	Snapshot TariffSnapshot `json:"snapshot"`
	By       Actor          `json:"by"`
}

// historyTooLong says whether this run should hand over to a new one.
func (s *sale) historyTooLong(ctx workflow.Context) bool {
	info := workflow.GetInfo(ctx)
	limit := s.in.HistoryLimit
	if limit <= 0 {
		limit = DefaultHistoryLimit
	}
	return info.GetContinueAsNewSuggested() || info.GetCurrentHistoryLength() >= limit
}

// quiet is true when nothing is in flight that a new run could not pick up from the state.
func (s *sale) quiet(ctx workflow.Context) bool {
	s.drainOutcomes()
	return !s.busy() && len(s.outcomes) == 0 && workflow.AllHandlersFinished(ctx)
}

// shouldContinueAsNew is checked by the main loop between steps of a paid or payable sale,
// the stage that can last for ever (an unpaid invoice).
func (s *sale) shouldContinueAsNew(ctx workflow.Context) bool {
	if s.Status != warranty.StatusAwaitingPayment && s.Status != warranty.StatusActive {
		return false
	}
	if !s.historyTooLong(ctx) || !s.quiet(ctx) {
		return false
	}
	// a run recorded before this change never continued as new; it must replay the same
	return s.version(ctx, versionContinueAsNew, 1) >= 1
}

// continueAsNew ends this run and starts the next with the whole state.
func (s *sale) continueAsNew(ctx workflow.Context) error {
	in := s.in
	in.Continued = s.continuation()
	return workflow.NewContinueAsNewError(ctx, Sale, in)
}

func (s *sale) continuation() *SaleContinuation {
	c := &SaleContinuation{State: s.SaleState, Tariff: s.tariff, TouchedAt: s.touchedAt, Submissions: s.submissions,
		ContractAttempts: s.contractAttempts, RemindedFor: s.remindedFor, AlertedFor: s.alertedFor,
		Outcomes: s.outcomes, Runs: s.runs + 1, Versions: s.versions}
	for _, p := range s.payments {
		c.Payments = append(c.Payments, PaymentContinuation{State: p.PaymentState, Seq: p.seq, Due: p.due, DueAt: p.dueAt,
			RetriesUsed: p.retriesUsed, Reminders: p.reminders, Troubled: p.troubled, Escalated: p.escalated})
	}
	for _, ch := range s.changes {
		c.Changes = append(c.Changes, ChangeContinuation{Change: ch.SaleChange, Snapshot: ch.snapshot, By: ch.by})
	}
	return c
}

// resume takes up a sale where its previous run handed it over.
func (s *sale) resume(c *SaleContinuation) {
	s.SaleState, s.tariff, s.touchedAt, s.submissions = c.State, c.Tariff, c.TouchedAt, c.Submissions
	s.contractAttempts, s.remindedFor, s.alertedFor = c.ContractAttempts, c.RemindedFor, c.AlertedFor
	s.outcomes, s.runs, s.versions = c.Outcomes, c.Runs, c.Versions
	for _, p := range c.Payments {
		s.payments = append(s.payments, &payment{PaymentState: p.State, seq: p.Seq, due: p.Due, dueAt: p.DueAt,
			retriesUsed: p.RetriesUsed, reminders: p.Reminders, troubled: p.Troubled, escalated: p.Escalated})
	}
	for _, ch := range c.Changes {
		s.changes = append(s.changes, &change{SaleChange: ch.Change, snapshot: ch.Snapshot, by: ch.By})
	}
	s.in.Continued = nil // the state lives in s from here; the next hand-over writes it anew
}

// chooseRiskRules fixes the sale's risk rules when it starts. A run continued from a run
// that never chose (it started before the rules had versions) keeps v1 without asking
// GetVersion, which in a new run would answer the newest.
func (s *sale) chooseRiskRules(ctx workflow.Context) {
	if _, chosen := s.versions[versionRiskRules]; !chosen && s.runs > 0 {
		if s.versions == nil {
			s.versions = map[string]workflow.Version{}
		}
		s.versions[versionRiskRules] = workflow.DefaultVersion
		return
	}
	s.version(ctx, versionRiskRules, 1)
}

// riskRules is the version of warranty.AssessRisk the sale chose at its start.
func (s *sale) riskRules() int {
	if s.versions[versionRiskRules] >= 1 {
		return warranty.RiskRulesV2
	}
	return warranty.RiskRulesV1
}

// version is workflow.GetVersion remembered across runs: a sale that took a branch keeps it
// after it continued as new (a new run's GetVersion would otherwise answer the newest).
func (s *sale) version(ctx workflow.Context, changeID string, maxSupported workflow.Version) workflow.Version {
	if v, ok := s.versions[changeID]; ok {
		return v
	}
	v := workflow.GetVersion(ctx, changeID, workflow.DefaultVersion, maxSupported)
	if s.versions == nil {
		s.versions = map[string]workflow.Version{}
	}
	s.versions[changeID] = v
	return v
}
