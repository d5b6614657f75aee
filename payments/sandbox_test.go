package payments_test

import (
	"context"
	"errors"
	"strings"
	"sync"
	"testing"

	"karso.ru/prm/payments"
	"karso.ru/prm/warranty"
)

// openIntent opens attempt n of the payment at the sandbox and records it, as the payment
// activity does.
func openIntent(t *testing.T, sb *payments.Sandbox, s sale, p payments.Payment, n int) payments.Intent {
	t.Helper()
	intent, err := payments.OpenAttempt(context.Background(), sb, payments.NewStore(pool), payments.IntentRequest{
		PaymentID: p.ID, SaleID: s.ID, Attempt: n, AmountKopecks: p.Amount})
	if err != nil {
		t.Fatal(err)
	}
	return intent
}

func TestSandboxTestCardsHaveStripesOutcomes(t *testing.T) {
	ctx := context.Background()
	sb := payments.NewSandbox(pool)
	s := newSale(t, 0)
	p := newPayment(t, s, payments.MethodCard, 35_000_00)
	tries := []struct {
		card    string
		decline string
	}{
		{"4000 0000 0000 0002", "card_declined"},
		{"4000-0000-0000-9995", "insufficient_funds"},
		{"1234 5678 9012 3456", "incorrect_number"},
		{"4242 4242 4242 4242", ""},
	}
	for i, try := range tries {
		openIntent(t, sb, s, p, i+1)
		o, err := sb.Charge(ctx, p.PayToken, try.card)
		if err != nil {
			t.Fatalf("%s: %v", try.card, err)
		}
		if o.DeclineCode != try.decline || o.Succeeded() != (try.decline == "") || o.Attempt != i+1 || o.SaleID != s.ID {
			t.Fatalf("%s: outcome %+v, want decline %q", try.card, o, try.decline)
		}
		if try.decline != "" {
			// the declined attempt is spent; the next opens on the dunning schedule
			if _, err := sb.Charge(ctx, p.PayToken, "4242424242424242"); !errors.Is(err, payments.ErrNoOpenAttempt) {
				t.Fatalf("pay again after a decline: %v, want ErrNoOpenAttempt", err)
			}
		}
	}
	got, err := payments.NewStore(pool).Payment(ctx, p.ID)
	if err != nil {
		t.Fatal(err)
	}
	if got.Status != payments.StatusSucceeded || got.PaidAt == nil || got.AttemptCount != 4 || len(got.Attempts) != 4 ||
		got.Provider != "sandbox" || !strings.HasPrefix(got.Reference, "pi_sbx_") {
		t.Fatalf("payment %+v", got)
	}
	for i, a := range got.Attempts {
		want := payments.ResultDeclined
		if i == 3 {
			want = payments.ResultSucceeded
		}
		if a.N != i+1 || a.Result != want || a.DeclineCode != tries[i].decline {
			t.Errorf("attempt %d: %+v", i+1, a)
		}
	}
	if _, err := sb.Charge(ctx, p.PayToken, "4242424242424242"); !errors.Is(err, payments.ErrAlreadyPaid) {
		t.Fatalf("pay a paid payment: %v, want ErrAlreadyPaid", err)
	}
}

func TestSandboxIntentIsOpenedOnceAndSurvivesARestart(t *testing.T) {
	ctx := context.Background()
	s := newSale(t, 0)
	p := newPayment(t, s, payments.MethodCard, 12_000_00)
	first := openIntent(t, payments.NewSandbox(pool), s, p, 1)
	again := openIntent(t, payments.NewSandbox(pool), s, p, 1) // a retried activity in a restarted worker
	if first.ProviderRef != again.ProviderRef || first.Status != payments.IntentOpen {
		t.Fatalf("intents %+v and %+v", first, again)
	}
	got, _ := payments.NewStore(pool).Payment(ctx, p.ID)
	if len(got.Attempts) != 1 || got.ProviderRef != first.ProviderRef {
		t.Fatalf("payment after two opens: %+v", got)
	}
	if o, err := payments.NewSandbox(pool).Charge(ctx, p.PayToken, "4242424242424242"); err != nil || !o.Succeeded() {
		t.Fatalf("charge after restart: %+v %v", o, err)
	}
	if i := openIntent(t, payments.NewSandbox(pool), s, p, 1); i.Status != payments.IntentSucceeded {
		t.Fatalf("reopened paid intent: %+v", i)
	}
	_, err := payments.NewSandbox(pool).CreateIntent(ctx, payments.IntentRequest{PaymentID: p.ID, SaleID: s.ID, Attempt: 2, AmountKopecks: 1})
	if !payments.IsInvalidRequest(err) {
		t.Fatalf("intent for another amount: %v, want an invalid request", err)
	}
}

func TestSandboxRefusesMalformedCardsWithoutSpendingTheAttempt(t *testing.T) {
	ctx := context.Background()
	sb := payments.NewSandbox(pool)
	s := newSale(t, 0)
	p := newPayment(t, s, payments.MethodCard, 5_000_00)
	openIntent(t, sb, s, p, 1)
	for _, card := range []string{"", "4242", "4242 4242 4242 424x", "42424242424242424242"} {
		if _, err := sb.Charge(ctx, p.PayToken, card); !errors.Is(err, payments.ErrMalformedCard) {
			t.Fatalf("%q: %v, want ErrMalformedCard", card, err)
		}
	}
	if _, err := sb.Charge(ctx, "no-such-token", "4242424242424242"); !errors.Is(err, payments.ErrPaymentNotFound) {
		t.Fatalf("unknown token: %v", err)
	}
	if o, err := sb.Charge(ctx, p.PayToken, "4242424242424242"); err != nil || !o.Succeeded() {
		t.Fatalf("charge: %+v %v", o, err)
	}
}

func TestSandboxChargesOnceWhenPaidTwiceAtTheSameTime(t *testing.T) {
	ctx := context.Background()
	sb := payments.NewSandbox(pool)
	s := newSale(t, 0)
	p := newPayment(t, s, payments.MethodCard, 5_000_00)
	openIntent(t, sb, s, p, 1)
	var wg sync.WaitGroup
	errs := make([]error, 4)
	for i := range errs {
		wg.Add(1)
		go func() {
			defer wg.Done()
			_, errs[i] = sb.Charge(ctx, p.PayToken, "4242424242424242")
		}()
	}
	wg.Wait()
	paid := 0
	for _, err := range errs {
		switch {
		case err == nil:
			paid++
		case !errors.Is(err, payments.ErrAlreadyPaid):
			t.Fatal(err)
		}
	}
	if paid != 1 {
		t.Fatalf("%d charges succeeded, want 1", paid)
	}
}

func TestSandboxRecordsNothingWhenTheWorkflowCannotBeTold(t *testing.T) {
	ctx := context.Background()
	sb := payments.NewSandbox(pool)
	s := newSale(t, 0)
	p := newPayment(t, s, payments.MethodCard, 5_000_00)
	openIntent(t, sb, s, p, 1)
	down := errors.New("temporal unavailable")
	_, err := sb.ChargeAndNotify(ctx, p.PayToken, "4242424242424242", func(context.Context, payments.Outcome) error { return down })
	if !errors.Is(err, down) {
		t.Fatalf("err = %v", err)
	}
	got, _ := payments.NewStore(pool).Payment(ctx, p.ID)
	if got.Status != payments.StatusPending || got.Attempts[0].Result != payments.ResultPending {
		t.Fatalf("payment recorded although the workflow was not told: %+v", got)
	}
	var told payments.Outcome
	o, err := sb.ChargeAndNotify(ctx, p.PayToken, "4242424242424242", func(_ context.Context, o payments.Outcome) error { told = o; return nil })
	if err != nil || told != o || !o.Succeeded() || o.PaymentID != p.ID {
		t.Fatalf("outcome %+v told %+v err %v", o, told, err)
	}
}

func TestSandboxCancelVoidsAnOpenIntentOnly(t *testing.T) {
	ctx := context.Background()
	sb := payments.NewSandbox(pool)
	s := newSale(t, 0)
	p := newPayment(t, s, payments.MethodCard, 5_000_00)
	intent := openIntent(t, sb, s, p, 1)
	for range 2 { // a retried compensation
		if err := sb.Cancel(ctx, intent.ProviderRef); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := sb.Charge(ctx, p.PayToken, "4242424242424242"); !errors.Is(err, payments.ErrNoOpenAttempt) {
		t.Fatalf("pay a voided intent: %v", err)
	}
	if err := sb.Cancel(ctx, "pi_sbx_unknown"); !payments.IsInvalidRequest(err) {
		t.Fatalf("cancel unknown: %v", err)
	}
	paid := newPayment(t, s, payments.MethodCard, 5_000_00)
	pi := openIntent(t, sb, s, paid, 1)
	if _, err := sb.Charge(ctx, paid.PayToken, "4242424242424242"); err != nil {
		t.Fatal(err)
	}
	if err := sb.Cancel(ctx, pi.ProviderRef); !payments.IsInvalidRequest(err) {
		t.Fatalf("cancel a paid intent: %v, want an invalid request", err)
	}
}

func TestSandboxRefundsAPaidIntentOnce(t *testing.T) {
	ctx := context.Background()
	sb := payments.NewSandbox(pool)
	s := newSale(t, 0)
	p := newPayment(t, s, payments.MethodCard, 5_000_00)
	pi := openIntent(t, sb, s, p, 1)
	if _, err := sb.Refund(ctx, pi.ProviderRef, 1_000_00, "r1"); !payments.IsInvalidRequest(err) {
		t.Fatalf("refund before payment: %v", err)
	}
	if _, err := sb.Charge(ctx, p.PayToken, "4242424242424242"); err != nil {
		t.Fatal(err)
	}
	first, err := sb.Refund(ctx, pi.ProviderRef, 1_000_00, "r1")
	if err != nil || !strings.HasPrefix(first, "re_sbx_") {
		t.Fatalf("refund: %q %v", first, err)
	}
	if again, _ := sb.Refund(ctx, pi.ProviderRef, 1_000_00, "r1"); again != first {
		t.Fatalf("retried refund %q, want %q", again, first)
	}
	if _, err := sb.Refund(ctx, pi.ProviderRef, p.Amount+warranty.Kopecks(1), "r2"); !payments.IsInvalidRequest(err) {
		t.Fatalf("refund more than paid: %v", err)
	}
}
