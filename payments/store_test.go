package payments_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/google/uuid"

	"karso.ru/prm/payments"
)

func TestListPaymentsShowsFinanceEverythingAndADealerTheirNetwork(t *testing.T) {
	ctx := context.Background()
	st := payments.NewStore(pool)
	sb := payments.NewSandbox(pool)
	parent := newSale(t, 0)
	child := newSale(t, parent.PartnerID) // a salon of the parent's network
	other := newSale(t, 0)

	declined := newPayment(t, child, payments.MethodCard, 20_000_00)
	openIntent(t, sb, child, declined, 1)
	if _, err := sb.Charge(ctx, declined.PayToken, "4000 0000 0000 0002"); err != nil {
		t.Fatal(err)
	}
	retryAt := time.Now().Add(time.Hour).Truncate(time.Second)
	if err := st.SetStatus(ctx, declined.ID, payments.StatusRetrying, &retryAt); err != nil {
		t.Fatal(err)
	}
	invoice := newPayment(t, parent, payments.MethodInvoice, 50_000_00)
	foreign := newPayment(t, other, payments.MethodCard, 10_000_00)

	mine := func(ps []payments.Payment) map[uuid.UUID]payments.Payment {
		m := map[uuid.UUID]payments.Payment{}
		for _, p := range ps {
			m[p.ID] = p
		}
		return m
	}
	all, total, err := st.ListPayments(ctx, payments.Scope{Role: "finance", UserID: 1}, payments.Filter{Limit: 100})
	if err != nil {
		t.Fatal(err)
	}
	seen := mine(all)
	if total < 3 || seen[declined.ID].ID == uuid.Nil || seen[invoice.ID].ID == uuid.Nil || seen[foreign.ID].ID == uuid.Nil {
		t.Fatalf("finance sees %d of %d", len(all), total)
	}
	d := seen[declined.ID]
	if d.Status != payments.StatusRetrying || d.NextRetryAt == nil || !d.NextRetryAt.Equal(retryAt) || len(d.Attempts) != 1 ||
		d.Attempts[0].DeclineCode != "card_declined" || d.Attempts[0].Result != payments.ResultDeclined ||
		d.PartnerName == "" || d.ContractNumber == "" || d.Amount != 20_000_00 {
		t.Fatalf("declined payment as finance sees it: %+v", d)
	}

	dealer := payments.Scope{Role: "dealer", UserID: parent.SellerID, PartnerID: parent.PartnerID}
	list, total, err := st.ListPayments(ctx, dealer, payments.Filter{Limit: 100})
	if err != nil {
		t.Fatal(err)
	}
	seen = mine(list)
	if total != 2 || seen[declined.ID].ID == uuid.Nil || seen[invoice.ID].ID == uuid.Nil {
		t.Fatalf("dealer of the network sees %d (total %d), want its 2", len(list), total)
	}

	cases := []struct {
		name string
		f    payments.Filter
		want uuid.UUID
	}{
		{"status", payments.Filter{Status: payments.StatusRetrying}, declined.ID},
		{"method", payments.Filter{Method: payments.MethodInvoice}, invoice.ID},
		{"partner", payments.Filter{PartnerID: &child.PartnerID}, declined.ID},
	}
	for _, c := range cases {
		c.f.Limit = 100
		list, total, err := st.ListPayments(ctx, dealer, c.f)
		if err != nil || total != 1 || len(list) != 1 || list[0].ID != c.want {
			t.Errorf("filter by %s: %d of %d, err %v", c.name, len(list), total, err)
		}
	}
	future := time.Now().Add(time.Hour)
	if list, _, _ := st.ListPayments(ctx, dealer, payments.Filter{From: &future, Limit: 100}); len(list) != 0 {
		t.Errorf("from the future: %d payments", len(list))
	}
	if list, total, _ := st.ListPayments(ctx, dealer, payments.Filter{To: &future, Limit: 1, Offset: 1}); len(list) != 1 || total != 2 {
		t.Errorf("second page of one: %d of %d", len(list), total)
	}
}

func TestUnpaidInvoicesTotalCountsOpenInvoicesOnly(t *testing.T) {
	ctx := context.Background()
	st := payments.NewStore(pool)
	s := newSale(t, 0)
	newPayment(t, s, payments.MethodInvoice, 30_000_00)
	paid := newPayment(t, s, payments.MethodInvoice, 20_000_00)
	newPayment(t, s, payments.MethodCard, 99_000_00)
	if err := st.MarkPaid(ctx, paid.ID, time.Now(), "п/п 123 от 01.12.2026"); err != nil {
		t.Fatal(err)
	}
	got, err := st.UnpaidInvoicesTotal(ctx, s.PartnerID)
	if err != nil || got != 30_000_00 {
		t.Fatalf("unpaid = %d, %v; want 30 000 ₽", got, err)
	}
	p, _ := st.Payment(ctx, paid.ID)
	if p.Status != payments.StatusSucceeded || p.Reference != "п/п 123 от 01.12.2026" || p.PayToken != "" {
		t.Fatalf("paid invoice %+v", p)
	}
}

func TestPaymentStatusNeverLeavesAnEnd(t *testing.T) {
	ctx := context.Background()
	st := payments.NewStore(pool)
	s := newSale(t, 0)
	p := newPayment(t, s, payments.MethodInvoice, 1_000_00)
	paidAt := time.Now().Add(-time.Hour).Truncate(time.Microsecond)
	for range 2 {
		if err := st.MarkPaid(ctx, p.ID, paidAt, "first"); err != nil {
			t.Fatal(err)
		}
	}
	if err := st.MarkPaid(ctx, p.ID, time.Now(), "second"); err != nil {
		t.Fatal(err)
	}
	got, _ := st.Payment(ctx, p.ID)
	if !got.PaidAt.Equal(paidAt) || got.Reference != "first" {
		t.Fatalf("the first record of payment was replaced: %v %q", got.PaidAt, got.Reference)
	}
	if err := st.SetStatus(ctx, p.ID, payments.StatusRetrying, nil); !errors.Is(err, payments.ErrStatusFinal) {
		t.Fatalf("succeeded → retrying: %v", err)
	}
	if err := st.SetStatus(ctx, p.ID, payments.StatusRefunded, nil); err != nil {
		t.Fatal(err)
	}
	if err := st.MarkPaid(ctx, p.ID, time.Now(), ""); !errors.Is(err, payments.ErrStatusFinal) {
		t.Fatalf("refunded → paid: %v", err)
	}
	if err := st.SetStatus(ctx, uuid.New(), payments.StatusFailed, nil); !errors.Is(err, payments.ErrPaymentNotFound) {
		t.Fatalf("unknown payment: %v", err)
	}
}

func TestCreatePaymentAndAddAttemptAreIdempotent(t *testing.T) {
	ctx := context.Background()
	st := payments.NewStore(pool)
	s := newSale(t, 0)
	np := payments.NewPayment{ID: uuid.New(), SaleID: s.ID, PartnerID: s.PartnerID, Purpose: payments.PurposeSale,
		Method: payments.MethodCard, Amount: 7_000_00}
	first, err := st.CreatePayment(ctx, np)
	if err != nil {
		t.Fatal(err)
	}
	again, err := st.CreatePayment(ctx, np)
	if err != nil || again.PayToken != first.PayToken || first.PayToken == "" {
		t.Fatalf("second create: %v, token %q then %q", err, first.PayToken, again.PayToken)
	}
	// attempt recorded before its intent came back, then with it; then an older retry arrives late
	if _, err := st.AddAttempt(ctx, np.ID, 1, "stripe", ""); err != nil {
		t.Fatal(err)
	}
	a, err := st.AddAttempt(ctx, np.ID, 1, "stripe", "pi_first")
	if err != nil || a.ProviderRef != "pi_first" {
		t.Fatalf("attempt %+v %v", a, err)
	}
	if a, _ := st.AddAttempt(ctx, np.ID, 1, "stripe", "pi_other"); a.ProviderRef != "pi_first" {
		t.Fatalf("a known intent was replaced: %+v", a)
	}
	if _, err := st.AddAttempt(ctx, np.ID, 2, "stripe", "pi_second"); err != nil {
		t.Fatal(err)
	}
	if _, err := st.AddAttempt(ctx, np.ID, 1, "stripe", "pi_first"); err != nil {
		t.Fatal(err)
	}
	p, _ := st.Payment(ctx, np.ID)
	if p.AttemptCount != 2 || p.ProviderRef != "pi_second" || len(p.Attempts) != 2 {
		t.Fatalf("payment follows attempt %d %q with %d attempts", p.AttemptCount, p.ProviderRef, len(p.Attempts))
	}
	if byRef, err := st.PaymentByProviderRef(ctx, "pi_second"); err != nil || byRef.ID != np.ID {
		t.Fatalf("by provider ref: %v", err)
	}
	if byToken, err := st.PaymentByToken(ctx, first.PayToken); err != nil || byToken.ID != np.ID || byToken.ContractNumber == "" {
		t.Fatalf("by token: %+v %v", byToken, err)
	}
}

func TestMoneyArrivingForAVoidedPaymentIsRecordedSoItCanBeRefunded(t *testing.T) {
	ctx := context.Background()
	st := payments.NewStore(pool)
	s := newSale(t, 0)
	p := newPayment(t, s, payments.MethodCard, 3_000_00)
	if _, err := st.AddAttempt(ctx, p.ID, 1, "stripe", "pi_race_"+p.ID.String()[:8]); err != nil {
		t.Fatal(err)
	}
	if err := st.SetStatus(ctx, p.ID, payments.StatusVoided, nil); err != nil {
		t.Fatal(err)
	}
	changed, err := st.RecordOutcome(ctx, payments.Outcome{PaymentID: p.ID, SaleID: s.ID, Attempt: 1,
		ProviderRef: "pi_race_" + p.ID.String()[:8], Result: payments.ResultSucceeded, At: time.Now()})
	if err != nil || !changed {
		t.Fatalf("record: %v %v, want the outcome reported", changed, err)
	}
	got, _ := st.Payment(ctx, p.ID)
	if got.Status != payments.StatusVoided || got.Attempts[0].Result != payments.ResultSucceeded {
		t.Fatalf("payment %s, attempt %s", got.Status, got.Attempts[0].Result)
	}
	again, err := st.RecordOutcome(ctx, payments.Outcome{PaymentID: p.ID, Attempt: 1, Result: payments.ResultDeclined, At: time.Now()})
	if err != nil || again {
		t.Fatalf("a late decline after success: changed %v err %v", again, err)
	}
}
