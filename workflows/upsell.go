package workflows

import (
	"fmt"
	"slices"
	"time"

	"go.temporal.io/sdk/temporal"
	"go.temporal.io/sdk/workflow"

	"karso.ru/prm/activities"
	"karso.ru/prm/payments"
	"karso.ru/prm/warranty"
)

// Error types of the upsell window.
const (
	// ErrTypeUpsellWindowClosed: the sale's upsell window has closed; the first detail is
	// when (a time.Time).
	ErrTypeUpsellWindowClosed = "UpsellWindowClosed"
	// ErrTypeChangeAwaitingPayment: an earlier change waits for its payment; it is paid or
	// lapses first.
	ErrTypeChangeAwaitingPayment = "ChangeAwaitingPayment"
	// ErrTypeNothingToChange: the change asked for is the sale as it is; the first detail
	// names the field ("options", "tariff_code").
	ErrTypeNothingToChange = "NothingToChange"
)

// The kinds and statuses of a change.
const (
	ChangeUpsell = "upsell"
	ChangeTariff = "change_tariff"

	// ChangeAwaitingPayment: the change costs more; it applies once its payment succeeds.
	ChangeAwaitingPayment = "awaiting_payment"
	// ChangeApplied: the contract was amended by an addendum.
	ChangeApplied = "applied"
	// ChangeLapsed: the window closed before the change was paid.
	ChangeLapsed = "lapsed"
	// ChangeCancelled: the sale was cancelled before the change was paid.
	ChangeCancelled = "cancelled"
)

// UpsellRequest adds options to an active sale, re-rated with the tariff version in force
// (Snapshot, as the API read it).
type UpsellRequest struct {
	Options  []string       `json:"options"`
	Snapshot TariffSnapshot `json:"snapshot"`
	Actor    Actor          `json:"actor"`
}

// TariffChangeRequest moves an active sale to another tariff or term, re-rated with the
// tariff version in force; the options and the discount stay.
type TariffChangeRequest struct {
	TariffCode string         `json:"tariff_code"`
	TermMonths int            `json:"term_months"`
	Snapshot   TariffSnapshot `json:"snapshot"`
	Actor      Actor          `json:"actor"`
}

// ContractTerms are a sale's priced terms before or after a change.
type ContractTerms struct {
	Tariff          TariffChoice   `json:"tariff"`
	TariffVersionID int64          `json:"tariff_version_id"`
	Quote           warranty.Quote `json:"quote"`
}

// SaleChange is an upsell or a tariff change asked for in the upsell window.
type SaleChange struct {
	N      int       `json:"n"`
	Kind   string    `json:"kind"`
	Status string    `json:"status"`
	At     time.Time `json:"at"`
	// By is who asked for it.
	By     string        `json:"by"`
	Before ContractTerms `json:"before"`
	After  ContractTerms `json:"after"`
	// DeltaKopecks is the price difference: charged when positive, refunded when negative.
	DeltaKopecks warranty.Kopecks `json:"delta_kopecks"`
	// PaymentID is the payment collecting an increase.
	PaymentID          string           `json:"payment_id,omitempty"`
	RefundedKopecks    warranty.Kopecks `json:"refunded_kopecks"`
	AddendumDocumentID string           `json:"addendum_document_id,omitempty"`
}

// change is a SaleChange with the tariff snapshot it was rated with and who asked for it.
type change struct {
	SaleChange
	snapshot TariffSnapshot
	by       Actor
}

func (s *sale) change(n int) *change {
	for _, c := range s.changes {
		if c.N == n {
			return c
		}
	}
	return nil
}

// changeAwaitingPayment is the change whose payment is still due, if any.
func (s *sale) changeAwaitingPayment() *change {
	for _, c := range s.changes {
		if c.Status == ChangeAwaitingPayment {
			return c
		}
	}
	return nil
}

// checkWindow allows a change to a dealer while the sale is active, nothing else runs, its
// window is open, and no earlier change waits for its payment.
func (s *sale) checkWindow(ctx workflow.Context, actor Actor) error {
	if err := s.checkActor(actor); err != nil {
		return err
	}
	if err := s.checkWindowOpen(ctx, actor); err != nil {
		return err
	}
	if s.busy() {
		return busyError()
	}
	return nil
}

// checkWindowOpen is checkWindow without the busy check, for the change's own job.
func (s *sale) checkWindowOpen(ctx workflow.Context, actor Actor) error {
	if actor.Role != RoleDealer {
		return forbidden()
	}
	if s.Status == warranty.StatusClosed || s.Status == warranty.StatusActive && s.windowClosesIn(ctx) <= 0 {
		return windowClosed(s.UpsellWindowClosesAt)
	}
	if s.Status != warranty.StatusActive {
		return wrongStatus(s.Status)
	}
	if s.changeAwaitingPayment() != nil {
		return temporal.NewNonRetryableApplicationError("an earlier change waits for its payment", ErrTypeChangeAwaitingPayment, nil)
	}
	return nil
}

func (s *sale) upsellChoice(r UpsellRequest) TariffChoice {
	choice := *s.Tariff
	choice.Options = uniqueOptions(append(slices.Clone(s.Tariff.Options), r.Options...))
	return choice
}

func (s *sale) tariffChangeChoice(r TariffChangeRequest) TariffChoice {
	choice := *s.Tariff
	choice.TariffCode, choice.TermMonths = r.TariffCode, r.TermMonths
	choice.Options = slices.Clone(s.Tariff.Options)
	return choice
}

func (s *sale) validateUpsell(ctx workflow.Context, r UpsellRequest) error {
	if err := s.checkWindow(ctx, r.Actor); err != nil {
		return err
	}
	choice := s.upsellChoice(r)
	if len(choice.Options) == len(s.Tariff.Options) {
		return nothingToChange("options")
	}
	return s.checkRerating(ctx, r.Snapshot, choice, r.Actor.Lang)
}

func (s *sale) validateChangeTariff(ctx workflow.Context, r TariffChangeRequest) error {
	if err := s.checkWindow(ctx, r.Actor); err != nil {
		return err
	}
	if r.TariffCode == s.Tariff.TariffCode && r.TermMonths == s.Tariff.TermMonths {
		return nothingToChange("tariff_code")
	}
	return s.checkRerating(ctx, r.Snapshot, s.tariffChangeChoice(r), r.Actor.Lang)
}

func (s *sale) checkRerating(ctx workflow.Context, snapshot TariffSnapshot, choice TariffChoice, lang string) error {
	if snapshot.Tariff.Code != choice.TariffCode {
		return validationError(warranty.Violations{{Field: "tariff_code", Code: warranty.CodeRequired}})
	}
	_, vs := s.rate(ctx, &snapshot, &choice, lang)
	return validationError(vs)
}

// upsell adds options to the contract; see requestChange.
func (s *sale) upsell(ctx workflow.Context, r UpsellRequest) (SaleState, error) {
	return s.perform(ctx, func(ctx workflow.Context) error {
		return s.requestChange(ctx, ChangeUpsell, r.Snapshot, s.upsellChoice(r), r.Actor)
	})
}

// changeTariff moves the contract to another tariff or term; see requestChange.
func (s *sale) changeTariff(ctx workflow.Context, r TariffChangeRequest) (SaleState, error) {
	return s.perform(ctx, func(ctx workflow.Context) error {
		return s.requestChange(ctx, ChangeTariff, r.Snapshot, s.tariffChangeChoice(r), r.Actor)
	})
}

// requestChange re-rates the sale with the new choice. A higher price is charged first as a
// new payment by the sale's method, and the change applies once it is paid; an equal or lower
// price applies at once, refunding the difference.
func (s *sale) requestChange(ctx workflow.Context, kind string, snapshot TariffSnapshot, choice TariffChoice, actor Actor) error {
	if err := s.checkWindowOpen(ctx, actor); err != nil { // the window may have closed while the update waited
		return err
	}
	q, vs := s.rate(ctx, &snapshot, &choice, actor.Lang)
	if len(vs) > 0 {
		return validationError(vs)
	}
	ch := &change{snapshot: snapshot, by: actor, SaleChange: SaleChange{N: len(s.changes) + 1, Kind: kind, At: workflow.Now(ctx),
		By: actor.Name, Before: s.terms(), After: ContractTerms{Tariff: choice, TariffVersionID: snapshot.VersionID, Quote: q},
		DeltaKopecks: q.PriceKopecks - s.Quote.PriceKopecks}}
	s.changes = append(s.changes, ch)
	if ch.DeltaKopecks <= 0 {
		s.applyChange(ctx, ch, nil)
		return nil
	}
	ch.Status = ChangeAwaitingPayment
	method := payments.MethodCard
	if sp := s.salePayment(); sp != nil {
		method = sp.Method
	}
	p := s.newPayment(ctx, payments.PurposeUpsell, method, ch.DeltaKopecks)
	p.ChangeN, ch.PaymentID = ch.N, p.ID
	if method == payments.MethodInvoice {
		// an upsell is paid inside its window, or it lapses
		p.DueOn = s.UpsellWindowClosesAt.In(s.loc).AddDate(0, 0, -1).Format(warranty.DateLayout)
	}
	_ = s.record(ctx, actor, kind+"_requested", "", map[string]any{"change": ch.N, "payment_id": p.ID,
		"price_before": ch.Before.Quote.PriceKopecks, "price_after": q.PriceKopecks, "delta_kopecks": ch.DeltaKopecks})
	s.startCollecting(ctx, p)
	return nil
}

// terms are the sale's priced terms now.
func (s *sale) terms() ContractTerms {
	t := ContractTerms{TariffVersionID: s.TariffVersionID}
	if s.Tariff != nil {
		t.Tariff = *s.Tariff
		t.Tariff.Options = slices.Clone(s.Tariff.Options)
	}
	if s.Quote != nil {
		t.Quote = *s.Quote
	}
	return t
}

// applyChange amends the contract: the new terms, an addendum in the partner's archive, the
// ledger adjusted (once per change), and for a lower price the difference refunded, newest
// payment first. paidBy is the payment that collected an increase.
func (s *sale) applyChange(ctx workflow.Context, ch *change, paidBy *payment) {
	choice, snapshot, quote := ch.After.Tariff, ch.snapshot, ch.After.Quote
	s.Tariff, s.tariff, s.TariffVersionID, s.Quote = &choice, &snapshot, snapshot.VersionID, &quote
	s.UpsellKopecks += ch.DeltaKopecks
	ch.Status = ChangeApplied
	changes := map[string]any{"change": ch.N, "price_before": ch.Before.Quote.PriceKopecks,
		"price_after": quote.PriceKopecks, "delta_kopecks": ch.DeltaKopecks, "tariff_code": choice.TariffCode,
		"term_months": choice.TermMonths, "options": choice.Options}

	if doc := s.issueAddendum(ctx, ch); doc != "" {
		ch.AddendumDocumentID = doc
		changes["addendum_document_id"] = doc
	}
	ref, method := fmt.Sprintf("change-%d", ch.N), payments.MethodCard
	if sp := s.salePayment(); sp != nil {
		method = sp.Method
	}
	adj := activities.AdjustmentPosting{SaleID: s.ID, PartnerID: s.PartnerID, Ref: ref, Method: method,
		PriceDelta: ch.DeltaKopecks, CommissionDelta: quote.CommissionKopecks - ch.Before.Quote.CommissionKopecks}
	if paidBy != nil {
		adj.PaymentID = paidBy.ID
		if doc := s.archiveReceipt(ctx, paidBy); doc != "" {
			changes["receipt_document_id"] = doc
		}
	}
	if err := workflow.ExecuteActivity(s.mustOptions(ctx), acts.PostAdjustment, adj).Get(ctx, nil); err != nil {
		workflow.GetLogger(ctx).Error("post adjustment", "change", ch.N, "err", err)
		changes["ledger_error"] = errorMessage(err)
	}
	if ch.DeltaKopecks < 0 {
		ch.RefundedKopecks = s.refundNewestFirst(ctx, -ch.DeltaKopecks, ref)
		changes["refunded_kopecks"] = ch.RefundedKopecks
	}
	action := "upsold"
	if ch.Kind == ChangeTariff {
		action = "tariff_changed"
	}
	_ = s.record(ctx, ch.by, action, "", changes)
}

// issueAddendum issues the change's addendum; "" when it could not be (logged).
func (s *sale) issueAddendum(ctx workflow.Context, ch *change) string {
	req := activities.AddendumRequest{SaleID: s.ID, SalonID: s.SalonID, N: ch.N, ContractNumber: s.ContractNumber,
		IssuedAt: workflow.Now(ctx), TimeZone: s.in.TimeZone,
		Before: activities.ContractTermsRequest{TariffVersionID: ch.Before.TariffVersionID,
			TermMonths: ch.Before.Tariff.TermMonths, Quote: ch.Before.Quote},
		After: activities.ContractTermsRequest{TariffVersionID: ch.After.TariffVersionID,
			TermMonths: ch.After.Tariff.TermMonths, Quote: ch.After.Quote}}
	if s.ContractIssuedAt != nil {
		req.ContractDate = *s.ContractIssuedAt
	}
	if s.Customer != nil {
		req.Customer = *s.Customer
	}
	if s.Vehicle != nil {
		req.Vehicle = *s.Vehicle
	}
	var doc activities.IssuedDocument
	if err := workflow.ExecuteActivity(s.documentOptions(ctx), acts.IssueAddendum, req).Get(ctx, &doc); err != nil {
		workflow.GetLogger(ctx).Error("issue addendum", "change", ch.N, "err", err)
		return ""
	}
	return doc.ID
}

// refundNewestFirst returns amount from the sale's captured payments, the newest first, and
// answers how much it refunded.
func (s *sale) refundNewestFirst(ctx workflow.Context, amount warranty.Kopecks, reason string) warranty.Kopecks {
	var refunded warranty.Kopecks
	for i := len(s.payments) - 1; i >= 0 && refunded < amount; i-- {
		p := s.payments[i]
		part := min(p.refundable(), amount-refunded)
		if part <= 0 {
			continue
		}
		if _, err := s.refund(ctx, p, part, reason, true); err == nil {
			refunded += part
		}
	}
	return refunded
}

// refund returns part of a captured payment: at the acquirer for a card, as a transfer back
// (a refund payment in finance's list) for an invoice. postRefundPaid posts the money
// leaving (a downgrade); a cancellation reverses the sale's postings instead.
func (s *sale) refund(ctx workflow.Context, p *payment, amount warranty.Kopecks, reason string, postRefundPaid bool) (string, error) {
	key := fmt.Sprintf("karso-refund-%s-%s-%s", s.ID, reason, p.ID)
	full := p.RefundedKopecks+amount >= p.AmountKopecks
	var r activities.Refund
	err := workflow.ExecuteActivity(s.mustOptions(ctx), acts.RefundPayment, activities.RefundRequest{SaleID: s.ID,
		PartnerID: s.PartnerID, PaymentID: p.ID, Method: p.Method, Amount: amount, Key: key, Full: full,
		PostRefundPaid: postRefundPaid}).Get(ctx, &r)
	if err != nil {
		workflow.GetLogger(ctx).Error("refund", "payment", p.ID, "err", err)
		_ = s.record(ctx, Actor{}, "refund_failed", errorMessage(err), map[string]any{"payment_id": p.ID,
			"amount_kopecks": amount})
		return "", err
	}
	p.RefundedKopecks += amount
	if full {
		p.Status = payments.StatusRefunded
	}
	if p.Method == payments.MethodInvoice {
		now := workflow.Now(ctx)
		s.payments = append(s.payments, &payment{seq: len(s.payments) + 1, PaymentState: PaymentState{ID: r.Ref,
			Purpose: payments.PurposeRefund, Method: payments.MethodInvoice, Status: payments.StatusSucceeded,
			AmountKopecks: amount, PaidAt: &now, Reference: "refund of payment " + p.ID, Attempts: []PaymentAttempt{}}})
	}
	return r.Ref, nil
}

func windowClosed(closesAt *time.Time) error {
	var at time.Time
	if closesAt != nil {
		at = *closesAt
	}
	return temporal.NewApplicationErrorWithOptions("the upsell window closed at "+at.Format(time.RFC3339),
		ErrTypeUpsellWindowClosed, temporal.ApplicationErrorOptions{NonRetryable: true, Details: []any{at}})
}

func nothingToChange(field string) error {
	return temporal.NewApplicationErrorWithOptions("nothing to change", ErrTypeNothingToChange,
		temporal.ApplicationErrorOptions{NonRetryable: true, Details: []any{field}})
}
