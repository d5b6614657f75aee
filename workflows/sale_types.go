// Package workflows holds the Temporal workflow code of Karso PRM. It is deterministic: time
// comes from workflow.Now, effects run as activities (package activities), and business rules
// come from package warranty, which does no I/O.
package workflows

import (
	"time"

	"karso.ru/prm/warranty"
)

// The messages of the sale workflow, as the API sends them.
const (
	// QuerySale answers the live state of a sale (Sale).
	QuerySale = "sale"

	// UpdateOpen is the first message of a sale, sent with update-with-start: it records
	// the draft so that the sale is listed before the API answers.
	UpdateOpen = "open"
	// UpdateVehicle, UpdateCustomer and UpdateTariff are the wizard steps; each may be
	// repeated, in any order, until submit.
	UpdateVehicle  = "vehicle"
	UpdateCustomer = "customer"
	UpdateTariff   = "tariff"
	// UpdateSubmit checks every step, the risk flags, and either issues the contract or
	// sends the sale to a manager.
	UpdateSubmit = "submit"
	// UpdateApprove, UpdateRequestChanges and UpdateReject are a manager's decisions on a
	// sale waiting for approval.
	UpdateApprove        = "approve"
	UpdateRequestChanges = "request_changes"
	UpdateReject         = "reject"

	// Payment and after (issue 4). UpdateMarkPaid records a bank transfer against an invoice
	// (finance); UpdateRetryPayment opens a new attempt of a failed payment now (finance);
	// UpdateUpsell and UpdateChangeTariff re-rate an active sale inside its upsell window
	// (dealer); UpdateCancel cancels the sale with its compensations.
	UpdateMarkPaid     = "mark_paid"
	UpdateRetryPayment = "retry_payment"
	UpdateUpsell       = "upsell"
	UpdateChangeTariff = "change_tariff"
	UpdateCancel       = "cancel"
	// SignalPaymentOutcome carries a payments.Outcome from the pay page or the provider's
	// webhook; the workflow ignores an attempt it already knows.
	SignalPaymentOutcome = "payment_outcome"
)

// MarkPaidInput is finance recording a bank transfer for an invoice.
type MarkPaidInput struct {
	PaymentID string    `json:"payment_id"`
	PaidAt    time.Time `json:"paid_at"`
	Reference string    `json:"reference"`
	Actor     Actor     `json:"actor"`
}

// RetryPaymentInput is finance asking for a new attempt of a failed payment.
type RetryPaymentInput struct {
	PaymentID string `json:"payment_id"`
	Actor     Actor  `json:"actor"`
}

// Error types a rejected or failed update carries (temporal.ApplicationError.Type()).
const (
	// ErrTypeValidation: the input breaks business rules; the first detail is
	// warranty.Violations, which the API localizes into field errors.
	ErrTypeValidation = "ValidationFailed"
	// ErrTypeWrongStatus: the sale's status does not allow the action; the first detail is
	// the current status.
	ErrTypeWrongStatus = "WrongStatus"
	// ErrTypeBusy: the sale is being submitted or its contract is being issued.
	ErrTypeBusy = "SaleBusy"
	// ErrTypeForbidden: the actor's role may not take this action.
	ErrTypeForbidden = "Forbidden"
	// ErrTypeUnavailable: a look-up the action needs failed; the action may be repeated.
	ErrTypeUnavailable = "Unavailable"
)

// Timing of a sale's life.
const (
	// DraftLifetime is how long a draft may stay untouched before it expires.
	DraftLifetime = 30 * 24 * time.Hour
	// ApprovalReminderAfter is when the salon's managers are reminded of a waiting sale.
	ApprovalReminderAfter = 24 * time.Hour
	// ApprovalAlertAfter is when the admins are alerted about a sale still waiting.
	ApprovalAlertAfter = 48 * time.Hour
	// ProjectionPatience is how long a record waits for the read model before the sale goes
	// on without it.
	ProjectionPatience = 15 * time.Minute
	// ContractRetryDelay is the pause before the workflow tries a failed contract again.
	ContractRetryDelay = 10 * time.Minute
)

// Roles as the workflow checks them.
const (
	RoleDealer  = "dealer"
	RoleManager = "manager"
	RoleAdmin   = "admin"
)

// SaleInput starts a sale: who sells it, where, and the rules fixed for its whole life.
type SaleInput struct {
	SaleID    string `json:"SaleID"`
	SalonID   int64  `json:"SalonID"`
	PartnerID int64  `json:"PartnerID"`
	City      string `json:"City"`
	Seller    Actor  `json:"Seller"`
	// TimeZone is the company's zone (an IANA name): dates and the sale month are counted
	// in it.
	TimeZone string `json:"TimeZone"`
	// Risk are the thresholds of the risk check.
	Risk warranty.RiskThresholds `json:"Risk"`
	// DunningSchedule are the delays after a declined card before each retry; empty means
	// DefaultDunningSchedule.
	DunningSchedule []time.Duration `json:"DunningSchedule"`
	// OverdueReminderLimit is how many times an overdue invoice is reminded before it is
	// handed to finance; 0 means DefaultOverdueReminderLimit.
	OverdueReminderLimit int `json:"OverdueReminderLimit,omitempty"`
	// HistoryLimit is the number of history events after which the sale continues as new;
	// 0 means DefaultHistoryLimit.
	HistoryLimit int `json:"HistoryLimit,omitempty"`
	// Continued is the state a previous run handed over (continue-as-new); nil for a new sale.
	Continued *SaleContinuation `json:"Continued,omitempty"`
}

// WorkflowID is the id of a sale's workflow.
func WorkflowID(saleID string) string { return "sale-" + saleID }

// Actor is the person an update acts for, as the API authenticated them.
type Actor struct {
	ID   int64  `json:"id"`
	Name string `json:"name"`
	Role string `json:"role"`
	// Lang is the language the actor reads messages in ("ru" or "en").
	Lang string `json:"lang"`
	// Seal is the API's proof that it authenticated this actor for this sale (actor_seal.go).
	Seal string `json:"seal,omitempty"`
}

// VehicleStep is the first wizard step.
type VehicleStep struct {
	Vehicle warranty.Vehicle `json:"Vehicle"`
	Actor   Actor            `json:"Actor"`
}

// CustomerStep is the customer wizard step.
type CustomerStep struct {
	Customer warranty.Customer `json:"Customer"`
	Actor    Actor             `json:"Actor"`
}

// TariffChoice is what the dealer chose in the tariff step.
type TariffChoice struct {
	TariffCode string   `json:"tariff_code"`
	TermMonths int      `json:"term_months"`
	Options    []string `json:"options"`
	DiscountBP int64    `json:"discount_bp"`
}

// TariffSnapshot is the current published tariff version and the partner's commission rate
// as the API read them from PostgreSQL: the workflow rates deterministically with it, and
// the sale keeps the version it was rated with.
type TariffSnapshot struct {
	VersionID    int64           `json:"VersionID"`
	Tariff       warranty.Tariff `json:"Tariff"`
	CommissionBP int64           `json:"CommissionBP"`
}

// TariffStep is the tariff wizard step.
type TariffStep struct {
	Choice   TariffChoice   `json:"Choice"`
	Snapshot TariffSnapshot `json:"Snapshot"`
	Actor    Actor          `json:"Actor"`
}

// Decision is a manager's approve, request-changes or reject.
type Decision struct {
	Comment string `json:"Comment"`
	Actor   Actor  `json:"Actor"`
}

// Comment is a note on a sale the dealer and the managers see: a manager's reason, a
// reminder.
type Comment struct {
	Author string    `json:"author"`
	Role   string    `json:"role"`
	Text   string    `json:"text"`
	At     time.Time `json:"at"`
	Kind   string    `json:"kind"`
}

// SaleState is the live state of a sale as the query answers it.
type SaleState struct {
	ID             string              `json:"id"`
	Status         warranty.SaleStatus `json:"status"`
	Revision       int64               `json:"revision"`
	ContractNumber string              `json:"contract_number"`
	// ContractDocumentID names the contract PDF in the documents table.
	ContractDocumentID string             `json:"contract_document_id"`
	SalonID            int64              `json:"salon_id"`
	PartnerID          int64              `json:"partner_id"`
	Seller             Actor              `json:"seller"`
	Vehicle            *warranty.Vehicle  `json:"vehicle"`
	Customer           *warranty.Customer `json:"customer"`
	Tariff             *TariffChoice      `json:"tariff"`
	TariffVersionID    int64              `json:"tariff_version_id"`
	Quote              *warranty.Quote    `json:"quote"`
	// Flags are the risk flags: preliminary while a draft (without the VIN look-up), final
	// from submit on.
	Flags    []warranty.Flag `json:"flags"`
	Comments []Comment       `json:"comments"`
	// ReturnedForChanges is set once a manager sent the sale back: its resubmission goes to
	// the managers again, flagged or not.
	ReturnedForChanges bool `json:"returned_for_changes"`
	// Busy means an action is being carried out (a submit, a contract being issued); no
	// other action is accepted meanwhile.
	Busy bool `json:"busy"`
	// ContractPending means the contract is due and not yet issued; ContractError says why
	// the last attempt failed (the workflow keeps trying).
	ContractPending  bool       `json:"contract_pending"`
	ContractError    string     `json:"contract_error"`
	CreatedAt        time.Time  `json:"created_at"`
	UpdatedAt        time.Time  `json:"updated_at"`
	SubmittedAt      *time.Time `json:"submitted_at"`
	ApprovedAt       *time.Time `json:"approved_at"`
	ContractIssuedAt *time.Time `json:"contract_issued_at"`

	// Payment is the payment in progress — an upsell's while one waits to be paid — and
	// otherwise the sale's own payment; nil until the contract is issued.
	Payment *PaymentState `json:"payment"`
	// Payments are every payment of the sale, oldest first: the sale's, upsells', refunds.
	Payments []PaymentState `json:"payments"`
	// Changes are the upsells and tariff changes asked for in the upsell window.
	Changes []SaleChange `json:"changes"`
	// UpsellKopecks is what the changes added to the price (negative after a downgrade).
	UpsellKopecks        warranty.Kopecks `json:"upsell_kopecks"`
	ActivatedAt          *time.Time       `json:"activated_at"`
	UpsellWindowClosesAt *time.Time       `json:"upsell_window_closes_at"`
	ClosedAt             *time.Time       `json:"closed_at"`
	CancelledAt          *time.Time       `json:"cancelled_at"`
	CancelReason         string           `json:"cancel_reason,omitempty"`
	// ProjectionError says why the read model could not take the latest revision; empty
	// when it is up to date.
	ProjectionError string `json:"projection_error,omitempty"`
}
