package payments

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"

	"karso.ru/prm/db/store"
	"karso.ru/prm/warranty"
)

// The statuses of a payment, as finance filters them.
const (
	StatusPending   = "pending"
	StatusRetrying  = "retrying"
	StatusSucceeded = "succeeded"
	StatusFailed    = "failed"
	StatusRefunded  = "refunded"
	StatusVoided    = "voided"
)

// The ways a partner pays: prepaid by card, or by invoice with a deferral.
const (
	MethodCard    = "card"
	MethodInvoice = "invoice"
)

// What a payment is for.
const (
	PurposeSale   = "sale"
	PurposeUpsell = "upsell"
	PurposeRefund = "refund"
)

// ErrStatusFinal: the payment already ended (refunded, voided, or succeeded and not being
// refunded) and cannot take the requested status.
var ErrStatusFinal = errors.New("payment status is final")

// Payment is one amount to collect for a sale, with its attempts, as the finance view shows it.
type Payment struct {
	ID             uuid.UUID        `json:"id"`
	SaleID         uuid.UUID        `json:"sale_id"`
	PartnerID      int64            `json:"partner_id"`
	PartnerName    string           `json:"partner_name,omitempty"`
	ContractNumber string           `json:"contract_number,omitempty"`
	Purpose        string           `json:"purpose"`
	Method         string           `json:"method"`
	Status         string           `json:"status"`
	Amount         warranty.Kopecks `json:"amount_kopecks"`
	Provider       string           `json:"provider,omitempty"`
	ProviderRef    string           `json:"provider_ref,omitempty"`
	// PayToken is the secret of the payment page (see PayURL); never listed.
	PayToken     string     `json:"-"`
	AttemptCount int        `json:"attempt_count"`
	Attempts     []Attempt  `json:"attempts"`
	NextRetryAt  *time.Time `json:"next_retry_at"`
	DueOn        *time.Time `json:"due_on,omitempty"`
	PaidAt       *time.Time `json:"paid_at"`
	Reference    string     `json:"reference,omitempty"`
	CreatedAt    time.Time  `json:"created_at"`
	UpdatedAt    time.Time  `json:"updated_at"`
}

// LatestAttempt is the newest attempt, if any.
func (p Payment) LatestAttempt() (Attempt, bool) {
	if len(p.Attempts) == 0 {
		return Attempt{}, false
	}
	return p.Attempts[len(p.Attempts)-1], true
}

// Attempt is one try to collect a payment: its time, result and decline code.
type Attempt struct {
	N           int           `json:"n"`
	At          time.Time     `json:"at"`
	Result      AttemptResult `json:"result"`
	DeclineCode string        `json:"decline_code"`
	ProviderRef string        `json:"provider_ref"`
}

// Store reads and writes payments. Built on a transaction (NewStore(tx)), its writes join it.
type Store struct {
	q *store.Queries
}

// NewStore builds a Store on a pool or a transaction.
func NewStore(db store.DBTX) *Store { return &Store{q: store.New(db)} }

// NewPayment is a payment to create. ID is chosen by the caller (the workflow) so that a retried
// activity creates it once.
type NewPayment struct {
	ID        uuid.UUID
	SaleID    uuid.UUID
	PartnerID int64
	Purpose   string
	Method    string
	Amount    warranty.Kopecks
	// DueOn is an invoice's due date.
	DueOn *time.Time
}

// CreatePayment creates a pending payment, with a payment-page token when it is paid by card,
// and returns it; a second call with the same id returns the first payment.
func (s *Store) CreatePayment(ctx context.Context, p NewPayment) (Payment, error) {
	var token *string
	if p.Method == MethodCard {
		t := NewPayToken()
		token = &t
	}
	err := s.q.CreatePayment(ctx, store.CreatePaymentParams{ID: p.ID, SaleID: p.SaleID, PartnerID: p.PartnerID,
		Purpose: p.Purpose, Method: p.Method, AmountKopecks: int64(p.Amount), PayToken: token, DueOn: p.DueOn})
	if err != nil {
		return Payment{}, fmt.Errorf("create payment: %w", err)
	}
	return s.Payment(ctx, p.ID)
}

// Payment reads a payment with its attempts, whoever asks (the workflow's activities).
func (s *Store) Payment(ctx context.Context, id uuid.UUID) (Payment, error) {
	row, err := s.q.GetPayment(ctx, id)
	if err != nil {
		return Payment{}, notFound("read payment", err)
	}
	return paymentOf(row.Payment, "", row.ContractNumber, row.AttemptList)
}

// PaymentByToken reads the payment of a payment page.
func (s *Store) PaymentByToken(ctx context.Context, token string) (Payment, error) {
	row, err := s.q.GetPaymentByToken(ctx, &token)
	if err != nil {
		return Payment{}, notFound("read payment by token", err)
	}
	return paymentOf(row.Payment, "", row.ContractNumber, row.AttemptList)
}

// PaymentByProviderRef reads the payment whose current attempt is the acquirer's intent ref.
func (s *Store) PaymentByProviderRef(ctx context.Context, ref string) (Payment, error) {
	row, err := s.q.GetPaymentByProviderRef(ctx, ref)
	if err != nil {
		return Payment{}, notFound("read payment by provider reference", err)
	}
	return s.Payment(ctx, row.ID)
}

// AttemptByRef finds the attempt of a payment that opened the acquirer's intent ref.
func (s *Store) AttemptByRef(ctx context.Context, paymentID uuid.UUID, ref string) (Attempt, error) {
	row, err := s.q.GetAttemptByRef(ctx, store.GetAttemptByRefParams{PaymentID: paymentID, ProviderRef: ref})
	if err != nil {
		return Attempt{}, notFound("read payment attempt", err)
	}
	return attemptOf(row), nil
}

// AddAttempt records attempt n of a payment at the acquirer, once per idempotency key, and
// makes it the payment's current attempt unless a newer one exists.
func (s *Store) AddAttempt(ctx context.Context, paymentID uuid.UUID, n int, provider, providerRef string) (Attempt, error) {
	row, err := s.q.AddPaymentAttempt(ctx, store.AddPaymentAttemptParams{PaymentID: paymentID, N: int32(n),
		IdempotencyKey: IdempotencyKey(paymentID, n), ProviderRef: providerRef, Provider: provider})
	if err != nil {
		return Attempt{}, fmt.Errorf("add payment attempt %d: %w", n, err)
	}
	return attemptOf(store.PaymentAttempt(row)), nil
}

// SetStatus moves a payment to status (pending, retrying, failed, refunded, voided) and sets
// or clears when the next dunning attempt is due. Repeating the current status is allowed;
// leaving an ended payment is ErrStatusFinal.
func (s *Store) SetStatus(ctx context.Context, id uuid.UUID, status string, nextRetryAt *time.Time) error {
	n, err := s.q.SetPaymentStatus(ctx, store.SetPaymentStatusParams{ID: id, Status: status, NextRetryAt: nextRetryAt})
	if err != nil {
		return fmt.Errorf("set payment status: %w", err)
	}
	if n > 0 {
		return nil
	}
	p, err := s.Payment(ctx, id)
	if err != nil {
		return err
	}
	if p.Status == status {
		return nil
	}
	return fmt.Errorf("set payment %s %s: %w (it is %s)", id, status, ErrStatusFinal, p.Status)
}

// MarkPaid records that a payment was received: by the acquirer (reference = its intent) or by
// bank transfer (reference = the payment order, as finance enters it). The first record stands.
func (s *Store) MarkPaid(ctx context.Context, id uuid.UUID, paidAt time.Time, reference string) error {
	n, err := s.q.MarkPaymentPaid(ctx, store.MarkPaymentPaidParams{ID: id, PaidAt: paidAt, Reference: reference})
	if err != nil {
		return fmt.Errorf("mark payment paid: %w", err)
	}
	if n == 0 {
		if _, err := s.Payment(ctx, id); err != nil {
			return err
		}
		return fmt.Errorf("mark payment %s paid: %w", id, ErrStatusFinal)
	}
	return nil
}

// RecordOutcome stores how an attempt ended and, when it succeeded, marks the payment paid.
// It reports false when the attempt had already succeeded or been voided, so a replayed or late
// result changes nothing. Money that arrives for a payment that already ended (voided by a
// cancellation racing the payer) is still recorded on its attempt and reported, so that the
// workflow refunds it. Run it in a transaction (NewStore(tx)).
func (s *Store) RecordOutcome(ctx context.Context, o Outcome) (bool, error) {
	_, err := s.q.SetAttemptResult(ctx, store.SetAttemptResultParams{PaymentID: o.PaymentID, N: int32(o.Attempt),
		Result: string(o.Result), DeclineCode: o.DeclineCode, At: o.At})
	if errors.Is(err, pgx.ErrNoRows) {
		return false, nil
	}
	if err != nil {
		return false, fmt.Errorf("record attempt result: %w", err)
	}
	if o.Succeeded() {
		if err := s.MarkPaid(ctx, o.PaymentID, o.At, o.ProviderRef); err != nil && !errors.Is(err, ErrStatusFinal) {
			return false, err
		}
	}
	return true, nil
}

// Scope is who asks: the arguments of visible_partners (admin and finance see every partner,
// a dealer their partner's network, a manager the partners of their salons).
type Scope struct {
	Role      string
	UserID    int64
	PartnerID int64
}

// Filter narrows the finance list. From is inclusive and To exclusive, on the creation time.
type Filter struct {
	Status    string
	Method    string
	PartnerID *int64
	From, To  *time.Time
	Limit     int32
	Offset    int32
}

// ListPayments is the finance view: the payments the caller may see, newest first, each with
// every attempt, and the total count for paging.
func (s *Store) ListPayments(ctx context.Context, sc Scope, f Filter) ([]Payment, int64, error) {
	rows, err := s.q.ListPayments(ctx, store.ListPaymentsParams{CallerRole: sc.Role, CallerID: sc.UserID,
		CallerPartner: sc.PartnerID, Status: f.Status, Method: f.Method, PartnerID: f.PartnerID,
		FromAt: f.From, ToAt: f.To, Lim: f.Limit, Off: f.Offset})
	if err != nil {
		return nil, 0, fmt.Errorf("list payments: %w", err)
	}
	out := make([]Payment, 0, len(rows))
	var total int64
	for _, r := range rows {
		p, err := paymentOf(r.Payment, r.PartnerName, r.ContractNumber, r.AttemptList)
		if err != nil {
			return nil, 0, err
		}
		out = append(out, p)
		total = r.Total
	}
	return out, total, nil
}

// UnpaidInvoicesTotal is what a partner owes on unpaid invoices; submit is refused when it plus
// the new price exceeds the partner's credit limit.
func (s *Store) UnpaidInvoicesTotal(ctx context.Context, partnerID int64) (warranty.Kopecks, error) {
	n, err := s.q.UnpaidInvoicesTotal(ctx, partnerID)
	if err != nil {
		return 0, fmt.Errorf("unpaid invoices total: %w", err)
	}
	return warranty.Kopecks(n), nil
}

func paymentOf(r store.Payment, partnerName, contract string, attempts json.RawMessage) (Payment, error) {
	p := Payment{ID: r.ID, SaleID: r.SaleID, PartnerID: r.PartnerID, PartnerName: partnerName,
		ContractNumber: contract, Purpose: r.Purpose, Method: r.Method, Status: r.Status,
		Amount: warranty.Kopecks(r.AmountKopecks), Provider: r.Provider, ProviderRef: r.ProviderRef,
		AttemptCount: int(r.Attempts), NextRetryAt: r.NextRetryAt, DueOn: r.DueOn, PaidAt: r.PaidAt,
		Reference: r.Reference, CreatedAt: r.CreatedAt, UpdatedAt: r.UpdatedAt, Attempts: []Attempt{}}
	if r.PayToken != nil {
		p.PayToken = *r.PayToken
	}
	if len(attempts) > 0 {
		if err := json.Unmarshal(attempts, &p.Attempts); err != nil {
			return Payment{}, fmt.Errorf("decode attempts of payment %s: %w", r.ID, err)
		}
	}
	return p, nil
}

func attemptOf(a store.PaymentAttempt) Attempt {
	return Attempt{N: int(a.N), At: a.At, Result: AttemptResult(a.Result), DeclineCode: a.DeclineCode, ProviderRef: a.ProviderRef}
}

func notFound(op string, err error) error {
	if errors.Is(err, pgx.ErrNoRows) {
		return ErrPaymentNotFound
	}
	return fmt.Errorf("%s: %w", op, err)
}
