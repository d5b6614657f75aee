package api_test

import (
	"context"
	"net/http"
	"testing"
	"time"

	"github.com/google/uuid"

	"karso.ru/prm/db/store"
	"karso.ru/prm/reports"
)

// expectMonthFiguresMatchSales recomputes the monthly rollup (00007_sale_month_figures.sql)
// from the sales themselves, independently of the triggers and of sale_figure_events, and
// fails on any row that differs, is missing or is left over (a row of zeros counts nothing
// and is not compared).
func expectMonthFiguresMatchSales(t *testing.T, step string) {
	t.Helper()
	var diff int
	err := pool.QueryRow(context.Background(), `
		WITH want AS (
		    SELECT m AS month, salon_id, partner_id, city, sum(sales)::bigint AS sales, sum(gross)::bigint AS gross,
		           sum(net)::bigint AS net, sum(commission)::bigint AS commission, sum(upsell)::bigint AS upsell,
		           sum(drafts)::bigint AS drafts, sum(converted)::bigint AS converted, sum(cancellations)::bigint AS cancellations
		      FROM (SELECT date_trunc('month', activated_at AT TIME ZONE 'Europe/Moscow')::date AS m, salon_id, partner_id, city,
		                   1 AS sales, gross_kopecks AS gross, price_kopecks AS net, commission_kopecks AS commission,
		                   upsell_kopecks AS upsell, 0 AS drafts, 0 AS converted, 0 AS cancellations
		              FROM sales WHERE activated_at IS NOT NULL
		            UNION ALL
		            SELECT date_trunc('month', created_at AT TIME ZONE 'Europe/Moscow')::date, salon_id, partner_id, city,
		                   0, 0, 0, 0, 0, 1, (activated_at IS NOT NULL)::int, 0
		              FROM sales
		            UNION ALL
		            SELECT date_trunc('month', cancelled_at AT TIME ZONE 'Europe/Moscow')::date, salon_id, partner_id, city,
		                   0, 0, 0, 0, 0, 0, 0, 1
		              FROM sales WHERE cancelled_at IS NOT NULL) e
		     GROUP BY 1, 2, 3, 4),
		have AS (
		    SELECT month, salon_id, partner_id, city, sales, gross_kopecks, net_kopecks, commission_kopecks,
		           upsell_kopecks, drafts, converted, cancellations
		      FROM sale_month_figures
		     WHERE (sales, gross_kopecks, net_kopecks, commission_kopecks, upsell_kopecks, drafts, converted, cancellations)
		           <> (0, 0, 0, 0, 0, 0, 0, 0))
		SELECT count(*) FROM ((TABLE want EXCEPT ALL TABLE have) UNION ALL (TABLE have EXCEPT ALL TABLE want)) d`).Scan(&diff)
	if err != nil {
		t.Fatalf("%s: compare the rollup: %v", step, err)
	}
	if diff != 0 {
		t.Fatalf("%s: %d rows of sale_month_figures differ from the sales", step, diff)
	}
}

// The monthly rollup follows every kind of write to sales in the same transaction: inserts,
// the projection's upsert, updates of the moments, amounts, salon and city, multi-row
// statements and deletes; months are cut in Moscow time.
func TestStatsRollupFollowsEveryWrite(t *testing.T) {
	net := statsFixture(t)
	ctx := context.Background()
	var zone string
	if err := pool.QueryRow(ctx, `SELECT sale_figures_zone()`).Scan(&zone); err != nil || zone != reports.MonthFiguresZone {
		t.Fatalf("the rollup's zone %q (%v), the statistics expect %q", zone, err, reports.MonthFiguresZone)
	}
	expectMonthFiguresMatchSales(t, "before")

	var seller int64
	if err := pool.QueryRow(ctx, `SELECT id FROM users WHERE email = $1`, net.dealerA).Scan(&seller); err != nil {
		t.Fatal(err)
	}
	id := uuid.New()
	exec := func(step, sql string, args ...any) {
		t.Helper()
		if _, err := pool.Exec(ctx, sql, args...); err != nil {
			t.Fatalf("%s: %v", step, err)
		}
		expectMonthFiguresMatchSales(t, step)
	}
	// a draft begun at 23:30 on 31 May 2018 in Moscow (20:30 UTC): May's
	exec("insert a draft", `
		INSERT INTO sales (id, workflow_id, revision, status, partner_id, salon_id, seller_id, city, tariff_code,
		                   gross_kopecks, price_kopecks, commission_kopecks, sale_month, created_at, updated_at)
		VALUES ($1, $2, 1, 'draft', $3, $4, $5, 'Москва', 'basic', 3000000, 2850000, 285000, '2018-05-01', $6, $6)`,
		id, "rollup-test-"+id.String(), net.alpha, net.moscow, seller, *msk("2018-05-31 23:30"))

	// the projection's upsert pays it at 00:10 on 1 June (Moscow): June's sale, May's conversion
	activated := *msk("2018-06-01 00:10")
	row := store.UpsertSaleParams{ID: id, WorkflowID: "rollup-test-" + id.String(), Revision: 2, Status: "active",
		PartnerID: net.alpha, SalonID: net.moscow, SellerID: seller, City: "Москва", TariffCode: "basic",
		Options: []byte("[]"), Flags: []byte("[]"), GrossKopecks: 3000000, PriceKopecks: 2850000,
		CommissionKopecks: 285000, SaleMonth: time.Date(2018, 5, 1, 0, 0, 0, 0, time.UTC),
		CreatedAt: *msk("2018-05-31 23:30"), UpdatedAt: activated, ActivatedAt: &activated}
	if _, err := store.New(pool).UpsertSale(ctx, row); err != nil {
		t.Fatal(err)
	}
	expectMonthFiguresMatchSales(t, "upsert: paid")
	// a late retry of an older revision changes nothing
	row.Revision, row.ActivatedAt, row.Status = 1, nil, "draft"
	if _, err := store.New(pool).UpsertSale(ctx, row); err != nil {
		t.Fatal(err)
	}
	expectMonthFiguresMatchSales(t, "upsert: an older revision")

	exec("an upsell", `UPDATE sales SET upsell_kopecks = 490000, revision = 3 WHERE id = $1`, id)
	exec("another salon and city", `UPDATE sales SET salon_id = $2, city = 'Тула', revision = 4 WHERE id = $1`, id, net.tula)
	exec("a revision that changes no figure", `UPDATE sales SET customer_name = 'Клиент Роллап', revision = 5 WHERE id = $1`, id)
	exec("cancelled in July", `UPDATE sales SET status = 'cancelled', cancelled_at = $2, revision = 6 WHERE id = $1`,
		id, *msk("2018-07-02 10:00"))

	// several sales in one statement, then changed together
	ids := []uuid.UUID{uuid.New(), uuid.New(), uuid.New()}
	exec("insert three", `
		INSERT INTO sales (id, workflow_id, revision, status, partner_id, salon_id, seller_id, city, gross_kopecks,
		                   price_kopecks, commission_kopecks, sale_month, created_at, updated_at, activated_at)
		SELECT u, 'rollup-test-' || u, 1, 'active', $2, $3, $4, 'Москва', 1000000, 1000000, 100000, '2018-06-01',
		       $5::timestamptz + n * interval '1 day', $5::timestamptz + n * interval '1 day',
		       $5::timestamptz + n * interval '20 day'
		  FROM unnest($1::uuid[]) WITH ORDINALITY AS x(u, n)`,
		ids, net.alpha, net.moscow, seller, *msk("2018-06-10 12:00"))
	exec("change three", `UPDATE sales SET price_kopecks = price_kopecks - 100000, revision = revision + 1 WHERE id = ANY($1)`, ids)

	// June read from the rollup: the first sale paid on 1 June (cancelled since), the first of
	// the three paid on 30 June (the others in July and August); the three begun in June and
	// all paid by now
	admin := login(t, "admin@karso.test")
	r := admin.do("GET", "/api/v1/stats?group_by=salon&from=2018-06-01&to=2018-06-30", nil)
	expectStatus(t, r, http.StatusOK)
	var st reports.Stats
	r.json(t, &st)
	if c := st.Totals.Current; c.Sales != 2 || c.NetKopecks != 2850000+900000 || c.Drafts != 3 || c.Converted != 3 {
		t.Errorf("June: %+v", c)
	}
	if p := st.Totals.Previous; p.Drafts != 1 || p.Converted != 1 || p.Sales != 0 {
		t.Errorf("May: %+v", p)
	}

	exec("delete them", `DELETE FROM sales WHERE id = ANY($1) OR id = $2`, ids, id)
}
