package reports_test

import (
	"context"
	"fmt"
	"os"
	"reflect"
	"testing"
	"time"

	"karso.ru/prm/reports"
)

// TestMonthFiguresMatchSales answers the questions the monthly rollup serves both from the
// rollup and from the sales, on the synthetic data set, and expects the same statistics to
// the last kopeck: every role and grouping, a month, a quarter and a year, with the partner,
// salon and city filters. It runs against KARSO_BENCH_DATABASE_URL (the benchmarks'
// database) when it is set; otherwise against a private cluster seeded with a small synthetic
// data set, so that `make test` always runs it.
func TestMonthFiguresMatchSales(t *testing.T) {
	if os.Getenv("KARSO_BENCH_DATABASE_URL") == "" && os.Getenv("KARSO_BENCH_SALES") == "" {
		t.Setenv("KARSO_BENCH_SALES", "20000")
	}
	e := env(t)
	ctx := context.Background()
	loc := e.cfg.CompanyTZ
	var partner, salon int64
	var city string
	if err := e.pool.QueryRow(ctx, `SELECT partner_id, salon_id, city FROM sales
	                                 WHERE activated_at > now() - interval '20 days' ORDER BY id LIMIT 1`).Scan(&partner, &salon, &city); err != nil {
		t.Fatal(err)
	}
	month := reports.MonthOf(time.Now(), loc)
	periods := map[string]reports.Period{"month": month}
	for name, months := range map[string]int{"quarter": 3, "year": 12} {
		p, err := reports.NewPeriod(month.From.AddDate(0, 1-months, 0), month.To, loc)
		if err != nil {
			t.Fatal(err)
		}
		periods[name] = p
	}
	filters := map[string]reports.SalesFilter{"": {}, "partner": {PartnerID: &partner}, "salon": {SalonID: &salon},
		"city": {City: city}}
	scopes := map[string]reports.Scope{"admin": {Role: "admin", UserID: 1}, "manager": {Role: "manager", UserID: e.mgrID},
		"dealer": {Role: "dealer", UserID: e.dealer.userID, PartnerID: e.dealer.partnerID}}
	defer reports.SetMonthFigures(true)
	for who, scope := range scopes {
		for _, g := range []reports.Grouping{reports.ByMonth, reports.ByPartner, reports.BySalon, reports.ByCity,
			reports.ByRegion, reports.ByManager} {
			for pname, p := range periods {
				for fname, f := range filters {
					if who != "admin" && fname != "" || pname == "year" && fname != "" {
						continue
					}
					q := reports.StatsQuery{GroupBy: g, Period: p, Filter: f, Scope: scope, Lang: "ru"}
					name := fmt.Sprintf("%s by %s, %s, filter %q", who, g, pname, fname)
					reports.SetMonthFigures(true)
					rolled, err := reports.Statistics(ctx, e.pool, loc, q)
					if err != nil {
						t.Fatalf("%s: %v", name, err)
					}
					reports.SetMonthFigures(false)
					counted, err := reports.Statistics(ctx, e.pool, loc, q)
					if err != nil {
						t.Fatalf("%s: %v", name, err)
					}
					if len(counted.Groups) == 0 && fname == "" {
						t.Errorf("%s: no groups at all", name)
					}
					if !reflect.DeepEqual(rolled, counted) {
						t.Errorf("%s: the rollup's figures differ from the sales': totals %+v, want %+v; %d groups, want %d",
							name, rolled.Totals, counted.Totals, len(rolled.Groups), len(counted.Groups))
					}
				}
			}
		}
	}
}
