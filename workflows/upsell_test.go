package workflows_test

import (
	"slices"
	"testing"
	"time"

	"karso.ru/prm/payments"
	"karso.ru/prm/warranty"
	"karso.ru/prm/workflows"
)

func upsell(actor workflows.Actor, options ...string) workflows.UpsellRequest {
	return workflows.UpsellRequest{Options: options, Snapshot: tariff(0).Snapshot, Actor: actor}
}

func changeTerm(months int) workflows.TariffChangeRequest {
	return workflows.TariffChangeRequest{TariffCode: "basic", TermMonths: months, Snapshot: tariff(0).Snapshot, Actor: dealer}
}

func TestUpsellAndDowngradeInsideTheWindow(t *testing.T) {
	h := newHarness(t)
	h.sell()
	h.outcome(10*time.Minute, payments.ResultSucceeded, "")
	day := 24 * time.Hour
	h.at(day, "manager upsells", workflows.UpdateUpsell, upsell(manager, "tyres"))
	h.at(day+time.Minute, "nothing new", workflows.UpdateUpsell, upsell(dealer, "roadside"))
	h.at(day+2*time.Minute, "unknown option", workflows.UpdateUpsell, upsell(dealer, "jetpack"))
	h.at(day+3*time.Minute, "upsell", workflows.UpdateUpsell, upsell(dealer, "tyres"))
	h.at(day+30*time.Minute, "while unpaid", workflows.UpdateChangeTariff, changeTerm(12))
	h.outcome(day+time.Hour, payments.ResultSucceeded, "")
	var upsold *workflows.SaleState
	h.snapshot(day+2*time.Hour, &upsold)
	h.at(2*day, "downgrade", workflows.UpdateChangeTariff, changeTerm(12))
	h.run() // the window closes on 1 April and the sale ends closed

	for label, want := range map[string]string{"manager upsells": workflows.ErrTypeForbidden,
		"nothing new": workflows.ErrTypeNothingToChange, "unknown option": workflows.ErrTypeValidation,
		"while unpaid": workflows.ErrTypeChangeAwaitingPayment} {
		if got := errorType(h.results[label].rejected); got != want {
			t.Errorf("%s: rejected with %q, want %q (%+v)", label, got, want, h.results[label])
		}
	}
	asked := h.ok("upsell")
	salePrice := h.salePostings[0].Price
	up := asked.Payment
	if asked.Status != warranty.StatusActive || up.Purpose != payments.PurposeUpsell || up.Status != payments.StatusPending ||
		up.URL == "" || up.AmountKopecks <= 0 || asked.Quote.PriceKopecks != salePrice ||
		len(asked.Changes) != 1 || asked.Changes[0].Status != workflows.ChangeAwaitingPayment {
		t.Fatalf("the upsell answered %s, payment %+v, changes %+v", asked.Status, up, asked.Changes)
	}
	if len(h.cardAttempts) != 2 || h.cardAttempts[1].Purpose != payments.PurposeUpsell || h.cardAttempts[1].Amount != up.AmountKopecks {
		t.Errorf("card attempts %+v", h.cardAttempts)
	}
	ch := upsold.Changes[0]
	if ch.Status != workflows.ChangeApplied || ch.AddendumDocumentID != "addendum-1" || ch.DeltaKopecks != up.AmountKopecks ||
		upsold.Quote.PriceKopecks != salePrice+up.AmountKopecks || !slices.Equal(upsold.Tariff.Options, []string{"roadside", "tyres"}) ||
		upsold.UpsellKopecks != up.AmountKopecks {
		t.Errorf("after the upsell was paid: %+v, price %d", ch, upsold.Quote.PriceKopecks)
	}
	if len(h.adjustments) != 2 || h.adjustments[0].PaymentID != up.ID || h.adjustments[0].PriceDelta != up.AmountKopecks ||
		h.adjustments[0].Ref != "change-1" || len(h.receipts) != 2 || h.receipts[1].Purpose != payments.PurposeUpsell {
		t.Errorf("adjustments %+v, receipts %d", h.adjustments, len(h.receipts))
	}

	down := h.ok("downgrade")
	dch := down.Changes[1]
	if dch.Kind != workflows.ChangeTariff || dch.Status != workflows.ChangeApplied || dch.DeltaKopecks >= 0 ||
		down.Tariff.TermMonths != 12 || dch.RefundedKopecks != -dch.DeltaKopecks || len(h.addenda) != 2 {
		t.Fatalf("the downgrade answered %+v", dch)
	}
	if a := h.adjustments[1]; a.PriceDelta != dch.DeltaKopecks || a.PaymentID != "" || a.Ref != "change-2" {
		t.Errorf("downgrade posting %+v", a)
	}
	// the refund comes from the upsell first, then from the sale's payment
	var refunded warranty.Kopecks
	for _, r := range h.refunds {
		refunded += r.Amount
		if !r.PostRefundPaid || r.Method != payments.MethodCard {
			t.Errorf("refund %+v", r)
		}
	}
	if refunded != -dch.DeltaKopecks || h.refunds[0].PaymentID != up.ID || (len(h.refunds) > 1) != (-dch.DeltaKopecks > up.AmountKopecks) {
		t.Errorf("refunds %+v for a difference of %d", h.refunds, dch.DeltaKopecks)
	}
	if a := h.addenda[1]; a.Before.TermMonths != 24 || a.After.TermMonths != 12 || a.N != 2 {
		t.Errorf("addendum %+v", a)
	}
	closedAt := time.Date(2026, time.April, 1, 0, 0, 0, 0, warranty.Moscow())
	if got := h.eventAt("closed"); !got.Equal(closedAt) || h.lastStatus() != warranty.StatusClosed {
		t.Errorf("closed at %v, status %s", got, h.lastStatus())
	}
	want := []string{"upsell_requested", "payment_requested", "payment_succeeded", "upsold", "tariff_changed", "closed"}
	if got := h.actions()[len(h.actions())-len(want):]; !slices.Equal(got, want) {
		t.Errorf("history ends %v, want %v", got, want)
	}
}

func TestWindowClosesAtMidnightMoscowOnTheFirst(t *testing.T) {
	lastEvening := time.Date(2026, time.March, 31, 23, 40, 0, 0, warranty.Moscow())
	h := newHarnessAt(t, lastEvening)
	h.sell()
	midnight := time.Date(2026, time.April, 1, 0, 0, 0, 0, warranty.Moscow())
	paidAt := time.Date(2026, time.March, 31, 23, 59, 30, 0, warranty.Moscow())
	h.outcome(paidAt.Sub(lastEvening), payments.ResultSucceeded, "")
	h.at(midnight.Add(-15*time.Second).Sub(lastEvening), "last upsell", workflows.UpdateUpsell, upsell(dealer, "tyres"))
	var lastSecond *workflows.SaleState
	h.snapshot(midnight.Add(-time.Second).Sub(lastEvening), &lastSecond)
	h.run()

	if lastSecond.Status != warranty.StatusActive || !lastSecond.ActivatedAt.Equal(paidAt) ||
		!lastSecond.UpsellWindowClosesAt.Equal(midnight) {
		t.Fatalf("at 23:59:59: %s activated %v closes %v", lastSecond.Status, lastSecond.ActivatedAt, lastSecond.UpsellWindowClosesAt)
	}
	if s := h.ok("last upsell"); s.Payment.Purpose != payments.PurposeUpsell {
		t.Errorf("an upsell 15 s before midnight: %+v", s.Payment)
	}
	if got := h.eventAt("closed"); !got.Equal(midnight) {
		t.Errorf("closed at %v, want %v", got, midnight)
	}
	last := h.projections[len(h.projections)-1]
	if last.Sale.Status != warranty.StatusClosed || last.Sale.ClosedAt == nil || !last.Sale.ClosedAt.Equal(midnight) {
		t.Errorf("read model %s closed %v", last.Sale.Status, last.Sale.ClosedAt)
	}
	// the unpaid upsell lapses with the window: its intent is cancelled
	if len(h.voids) != 1 || h.voids[0].OpenRef == "" || h.count("upsell_lapsed") != 1 || len(h.adjustments) != 0 {
		t.Errorf("voids %+v, history %v", h.voids, h.actions())
	}
}
