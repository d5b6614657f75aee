package ledger_test

import (
	"context"
	"errors"
	"sync"
	"testing"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"

	"karso.ru/prm/ledger"
	"karso.ru/prm/warranty"
)

func TestVATIncludedRoundsOnceHalfAwayFromZero(t *testing.T) {
	cases := []struct {
		price warranty.Kopecks
		vatBP int64
		want  warranty.Kopecks
	}{
		{12_000_00, 2000, 2_000_00}, // 20% VAT inside 12 000 ₽ is 2 000 ₽
		{100, 2000, 17},             // 16.67 kopecks
		{3, 2000, 1},                // exactly 0.5 goes up
		{-3, 2000, -1},              // and a refund mirrors it
		{1, 2000, 0},
		{11_000_00, 1000, 1_000_00},
		{12_345_67, 0, 0},
	}
	for _, c := range cases {
		if got := ledger.VATIncluded(c.price, c.vatBP); got != c.want {
			t.Errorf("VATIncluded(%d, %d) = %d, want %d", c.price, c.vatBP, got, c.want)
		}
	}
}

func TestSalePaidBalancesAndSplitsThePrice(t *testing.T) {
	sale := uuid.New()
	p := ledger.SalePaid(ledger.SaleMoney{SaleID: sale, PartnerID: 7, Method: ledger.MethodCard,
		Price: 45_678_91, Commission: 4_567_89, VATBP: 2000})
	want := map[ledger.Account]warranty.Kopecks{
		ledger.Cash:              45_678_91,
		ledger.Revenue:           -38_065_76,
		ledger.VATPayable:        -7_613_15,
		ledger.CommissionExpense: 4_567_89,
		ledger.CommissionPayable: -4_567_89,
	}
	if got := balances(p.Entries); !equal(got, want) {
		t.Fatalf("entries %v, want %v", got, want)
	}
	if p.IdempotencyKey != "sale_paid:"+sale.String() || p.Kind != ledger.KindSalePaid {
		t.Fatalf("key %q kind %q", p.IdempotencyKey, p.Kind)
	}
	inv := ledger.SalePaid(ledger.SaleMoney{SaleID: sale, Method: ledger.MethodInvoice, Price: 100_00})
	if got := balances(inv.Entries); got[ledger.Receivable] != 100_00 || got[ledger.Revenue] != -100_00 || got[ledger.VATPayable] != 0 {
		t.Fatalf("invoice sale without VAT: %v", got)
	}
}

func TestAdjustmentDebitsAnUpsellAndOwesADowngrade(t *testing.T) {
	sale := uuid.New()
	up := ledger.Adjustment("pay-2", ledger.SaleMoney{SaleID: sale, Method: ledger.MethodCard, Price: 1_200_00, Commission: 120_00, VATBP: 2000})
	if got := balances(up.Entries); got[ledger.Cash] != 1_200_00 || got[ledger.Revenue] != -1_000_00 || got[ledger.VATPayable] != -200_00 {
		t.Fatalf("upsell: %v", got)
	}
	down := ledger.Adjustment("pay-3", ledger.SaleMoney{SaleID: sale, Method: ledger.MethodCard, Price: -1_200_00, Commission: -120_00, VATBP: 2000})
	got := balances(down.Entries)
	if got[ledger.RefundsPayable] != -1_200_00 || got[ledger.Revenue] != 1_000_00 || got[ledger.CommissionPayable] != 120_00 || got[ledger.Cash] != 0 {
		t.Fatalf("downgrade: %v", got)
	}
	if up.IdempotencyKey == down.IdempotencyKey {
		t.Fatal("two changes of one sale share a key")
	}
}

func TestPostWritesABalancedPostingOnce(t *testing.T) {
	ctx := context.Background()
	sale, partner := newSale(t)
	p := ledger.SalePaid(ledger.SaleMoney{SaleID: sale, PartnerID: partner, Method: ledger.MethodCard,
		Price: 30_000_00, Commission: 3_000_00, VATBP: 2000})
	id, err := ledger.Post(ctx, pool, p)
	if err != nil {
		t.Fatal(err)
	}
	again, err := ledger.Post(ctx, pool, p)
	if err != nil || again != id {
		t.Fatalf("second post: %v %v, want the first id %v", again, err, id)
	}
	postings, entries, sum := saleLedger(t, sale)
	if postings != 1 || entries != 5 || sum != 0 {
		t.Fatalf("%d postings, %d entries summing to %d; want 1, 5, 0", postings, entries, sum)
	}
	back, err := ledger.Load(ctx, pool, id)
	if err != nil || !equal(balances(back.Entries), balances(p.Entries)) || back.SaleID != sale || back.PartnerID != partner {
		t.Fatalf("load: %+v %v", back, err)
	}
}

func TestPostRefusesAnUnbalancedPosting(t *testing.T) {
	ctx := context.Background()
	sale, partner := newSale(t)
	_, err := ledger.Post(ctx, pool, ledger.Posting{IdempotencyKey: "bad:" + sale.String(), SaleID: sale, PartnerID: partner,
		Kind: ledger.KindAdjustment, Entries: []ledger.Entry{{ledger.Cash, 100}, {ledger.Revenue, -99}}})
	if !errors.Is(err, ledger.ErrUnbalanced) {
		t.Fatalf("err = %v, want ErrUnbalanced", err)
	}
	_, err = ledger.Post(ctx, pool, ledger.Posting{IdempotencyKey: "empty:" + sale.String(), Entries: []ledger.Entry{{ledger.Cash, 0}}})
	if !errors.Is(err, ledger.ErrNoEntries) {
		t.Fatalf("err = %v, want ErrNoEntries", err)
	}
	_, err = ledger.Post(ctx, pool, ledger.Posting{Entries: []ledger.Entry{{ledger.Cash, 1}, {ledger.Revenue, -1}}})
	if !errors.Is(err, ledger.ErrNoIdempotencyKey) {
		t.Fatalf("err = %v, want ErrNoIdempotencyKey", err)
	}
	if postings, _, _ := saleLedger(t, sale); postings != 0 {
		t.Fatalf("%d postings written", postings)
	}
}

func TestPostIsExactlyOnceUnderConcurrentCalls(t *testing.T) {
	ctx := context.Background()
	sale, partner := newSale(t)
	p := ledger.SalePaid(ledger.SaleMoney{SaleID: sale, PartnerID: partner, Method: ledger.MethodCard,
		Price: 10_000_00, Commission: 1_000_00, VATBP: 2000})
	const callers = 12
	ids := make([]uuid.UUID, callers)
	errs := make([]error, callers)
	start := make(chan struct{})
	var wg sync.WaitGroup
	for i := range callers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			<-start
			ids[i], errs[i] = ledger.Post(ctx, pool, p)
		}()
	}
	close(start)
	wg.Wait()
	for i := range callers {
		if errs[i] != nil || ids[i] != ids[0] {
			t.Fatalf("caller %d: id %v err %v; caller 0 got %v", i, ids[i], errs[i], ids[0])
		}
	}
	if postings, entries, sum := saleLedger(t, sale); postings != 1 || entries != 5 || sum != 0 {
		t.Fatalf("%d postings, %d entries summing to %d; want 1, 5, 0", postings, entries, sum)
	}
}

func TestReverseNetsEveryAccountOfTheSaleToZero(t *testing.T) {
	ctx := context.Background()
	sale, partner := newSale(t)
	paid, err := ledger.Post(ctx, pool, ledger.SalePaid(ledger.SaleMoney{SaleID: sale, PartnerID: partner,
		Method: ledger.MethodCard, Price: 20_000_00, Commission: 2_000_00, VATBP: 2000}))
	if err != nil {
		t.Fatal(err)
	}
	upsell, err := ledger.Post(ctx, pool, ledger.Adjustment("upsell-1", ledger.SaleMoney{SaleID: sale, PartnerID: partner,
		Method: ledger.MethodCard, Price: 1_500_00, Commission: 150_00, VATBP: 2000}))
	if err != nil {
		t.Fatal(err)
	}
	var reversals []uuid.UUID
	for _, id := range []uuid.UUID{paid, upsell, paid} { // the repeated one is a retried compensation
		r, err := ledger.Reverse(ctx, pool, id, "")
		if err != nil {
			t.Fatal(err)
		}
		reversals = append(reversals, r)
	}
	if reversals[0] != reversals[2] {
		t.Fatal("a posting was reversed twice")
	}
	rows, err := pool.Query(ctx, `SELECT account, sum(amount_kopecks) FROM ledger_entries WHERE sale_id = $1 GROUP BY account`, sale)
	if err != nil {
		t.Fatal(err)
	}
	byAccount, err := pgx.CollectRows(rows, pgx.RowToStructByPos[struct {
		Account string
		Sum     int64
	}])
	if err != nil {
		t.Fatal(err)
	}
	for _, a := range byAccount {
		if a.Sum != 0 {
			t.Errorf("account %s of the cancelled sale holds %d", a.Account, a.Sum)
		}
	}
	if postings, _, _ := saleLedger(t, sale); postings != 4 {
		t.Fatalf("%d postings, want 2 and their 2 reversals", postings)
	}
	if _, err := ledger.Reverse(ctx, pool, uuid.New(), ""); !errors.Is(err, ledger.ErrPostingNotFound) {
		t.Fatalf("reverse unknown: %v", err)
	}
}

func TestPostNestsInTheCallersTransaction(t *testing.T) {
	ctx := context.Background()
	sale, partner := newSale(t)
	tx, err := pool.Begin(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := ledger.Post(ctx, tx, ledger.SalePaid(ledger.SaleMoney{SaleID: sale, PartnerID: partner, Price: 100_00})); err != nil {
		t.Fatal(err)
	}
	if err := tx.Rollback(ctx); err != nil {
		t.Fatal(err)
	}
	if postings, _, _ := saleLedger(t, sale); postings != 0 {
		t.Fatal("a posting survived the rollback of the caller's transaction")
	}
}

// saleLedger counts a sale's postings and entries and sums its entries.
func saleLedger(t *testing.T, sale uuid.UUID) (postings, entries int, sum int64) {
	t.Helper()
	err := pool.QueryRow(context.Background(), `
		SELECT (SELECT count(*) FROM ledger_postings WHERE sale_id = $1),
		       (SELECT count(*) FROM ledger_entries WHERE sale_id = $1),
		       (SELECT coalesce(sum(amount_kopecks), 0) FROM ledger_entries WHERE sale_id = $1)`, sale).
		Scan(&postings, &entries, &sum)
	if err != nil {
		t.Fatal(err)
	}
	return postings, entries, sum
}

func balances(entries []ledger.Entry) map[ledger.Account]warranty.Kopecks {
	m := map[ledger.Account]warranty.Kopecks{}
	for _, e := range entries {
		m[e.Account] += e.Amount
	}
	return m
}

func equal(a, b map[ledger.Account]warranty.Kopecks) bool {
	for k, v := range a {
		if b[k] != v {
			return false
		}
	}
	for k, v := range b {
		if a[k] != v {
			return false
		}
	}
	return true
}
