package reports

import (
	"slices"
	"testing"
	"time"

	"karso.ru/prm/warranty"
)

// The monthly rollup answers whole months in its zone without a tariff or status filter, by
// the groupings it keeps; anything else reads the sales.
func TestMonthFiguresServeWholeMonthsOnly(t *testing.T) {
	moscow := warranty.Moscow()
	period := func(from, to string) Period {
		p, err := NewPeriod(day(from), day(to), moscow)
		if err != nil {
			t.Fatal(err)
		}
		return p
	}
	months := func(q StatsQuery, loc *time.Location) []time.Time {
		prev := q.Period.Previous()
		bounds := append(append(bucketStarts(prev, q.GroupBy, loc), bucketStarts(q.Period, q.GroupBy, loc)...), q.Period.End())
		return monthFigures(q, bounds, loc)
	}
	date := func(s string) time.Time { t, _ := time.Parse(DateLayout, s); return t }
	november := StatsQuery{GroupBy: BySalon, Period: period("2026-11-01", "2026-11-30")}
	if got, want := months(november, moscow), []time.Time{date("2026-10-01"), date("2026-11-01"), date("2026-12-01")}; !slices.Equal(got, want) {
		t.Errorf("November by salon: %v, want %v", got, want)
	}
	quarter := StatsQuery{GroupBy: ByMonth, Period: period("2026-10-01", "2026-12-31")}
	if got := months(quarter, moscow); len(got) != 7 || !got[0].Equal(date("2026-07-01")) || !got[6].Equal(date("2027-01-01")) {
		t.Errorf("a quarter by month: %v", got)
	}
	for name, q := range map[string]StatsQuery{
		"part of a month": {GroupBy: BySalon, Period: period("2026-11-01", "2026-11-15")},
		"by day":          {GroupBy: ByDay, Period: november.Period},
		"by week":         {GroupBy: ByWeek, Period: november.Period},
		"by tariff":       {GroupBy: ByTariff, Period: november.Period},
		"by category":     {GroupBy: ByCategory, Period: november.Period},
		"a tariff":        {GroupBy: BySalon, Period: november.Period, Filter: SalesFilter{TariffCode: "basic"}},
		"a status":        {GroupBy: BySalon, Period: november.Period, Filter: SalesFilter{Status: "active"}},
	} {
		if got := months(q, moscow); got != nil {
			t.Errorf("%s: answered from the rollup (%v)", name, got)
		}
	}
	// months of another zone are not the rollup's
	if got := months(november, time.UTC); got != nil {
		t.Errorf("UTC: answered from the rollup (%v)", got)
	}
	// the partner, salon and city filters are kept in the rollup
	filtered := november
	one := int64(1)
	filtered.Filter = SalesFilter{PartnerID: &one, SalonID: &one, City: "Тула"}
	if months(filtered, moscow) == nil {
		t.Error("partner, salon and city filters: not answered from the rollup")
	}
}
