// Package reports turns the sales read model into the figures and documents people run the
// business by: statistics for a period compared with the period before it, report templates
// (sales register, commission statement, payments register, cancellations) run within the
// caller's scope, and their Excel and PDF files, written as the rows arrive from PostgreSQL.
package reports

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/jackc/pgx/v5"
	"golang.org/x/sync/errgroup"

	"karso.ru/prm/db/store"
	"karso.ru/prm/warranty"
)

// Grouping is what statistics are broken down by.
type Grouping string

// The groupings of statistics. Day, week and month are time buckets of the period; the others
// are dimensions of a sale.
const (
	ByDay      Grouping = "day"
	ByWeek     Grouping = "week"
	ByMonth    Grouping = "month"
	ByPartner  Grouping = "partner"
	BySalon    Grouping = "salon"
	ByCity     Grouping = "city"
	ByRegion   Grouping = "region" // the region of the salon
	ByManager  Grouping = "manager"
	ByTariff   Grouping = "tariff"
	ByCategory Grouping = "category" // the vehicle category: new, used, parallel import
)

// Groupings lists every grouping, in the order the cabinets offer them.
func Groupings() []Grouping {
	return []Grouping{ByDay, ByWeek, ByMonth, ByPartner, BySalon, ByCity, ByRegion, ByManager, ByTariff, ByCategory}
}

// Valid reports whether g is one of Groupings.
func (g Grouping) Valid() bool { return slices.Contains(Groupings(), g) }

// overTime reports whether g splits the period into time buckets.
func (g Grouping) overTime() bool { return g == ByDay || g == ByWeek || g == ByMonth }

// MaxStatsDays bounds the period of one statistics query (three years); a day grouping is
// bounded to a year, whose 366 points a chart can still show.
const (
	MaxStatsDays      = 3 * 366
	MaxStatsDaysByDay = 366
)

// Figures are the numbers of one group in one period. Each figure counts an event of a sale
// in the period that holds the moment of that event:
//
//   - Sales: sales that became paid contracts in the period (activated_at in the period),
//     whatever happened to them later; GrossKopecks, NetKopecks, CommissionKopecks and
//     UpsellKopecks are summed over these same sales. Gross is the tariff price before the
//     discount, net the price the customer paid after it, commission the partner's part of
//     the net price, upsell what was sold on top of the contract during its month.
//   - AveragePriceKopecks: NetKopecks / Sales, rounded half up to the kopeck (0 without sales).
//   - Cancellations: sales cancelled in the period (cancelled_at in the period).
//   - Drafts: sales begun in the period (created_at in the period), and Converted: how many of
//     those drafts have become paid contracts since. ConversionBP is Converted / Drafts in
//     basis points (10000 = 100%): the share of the period's drafts that reached a paid
//     contract. It is a cohort figure, so a recent period's conversion still grows while its
//     drafts are being paid.
type Figures struct {
	Sales               int64            `json:"sales"`
	GrossKopecks        warranty.Kopecks `json:"gross_kopecks"`
	NetKopecks          warranty.Kopecks `json:"net_kopecks"`
	AveragePriceKopecks warranty.Kopecks `json:"average_price_kopecks"`
	CommissionKopecks   warranty.Kopecks `json:"commission_kopecks"`
	UpsellKopecks       warranty.Kopecks `json:"upsell_kopecks"`
	Cancellations       int64            `json:"cancellations"`
	Drafts              int64            `json:"drafts"`
	Converted           int64            `json:"converted"`
	ConversionBP        int64            `json:"conversion_bp"`
}

// plus adds the additive figures of o; derive computes the ratios once everything is added.
func (f *Figures) plus(o *Figures) {
	f.Sales += o.Sales
	f.GrossKopecks += o.GrossKopecks
	f.NetKopecks += o.NetKopecks
	f.CommissionKopecks += o.CommissionKopecks
	f.UpsellKopecks += o.UpsellKopecks
	f.Cancellations += o.Cancellations
	f.Drafts += o.Drafts
	f.Converted += o.Converted
}

func (f *Figures) derive() {
	f.AveragePriceKopecks = warranty.Kopecks(ratio(int64(f.NetKopecks), f.Sales, 1))
	f.ConversionBP = ratio(f.Converted, f.Drafts, warranty.BasisPointsPerUnit)
}

// ratio is num*scale/den rounded half up, 0 when den is 0 (the amounts are never negative).
func ratio(num, den, scale int64) int64 {
	if den == 0 {
		return 0
	}
	return (2*num*scale + den) / (2 * den)
}

// Comparison is a group's (or the whole scope's) figures now and in the period before.
type Comparison struct {
	Current  Figures `json:"current"`
	Previous Figures `json:"previous"`
}

// Group is one line of statistics: a day, a partner, a city…
type Group struct {
	// Key identifies the group: the first day of a time bucket (2026-11-01), a partner's,
	// salon's or manager's id, a city, region, tariff code or vehicle category. An empty key
	// collects the sales without one (a salon without a manager).
	Key   string `json:"key"`
	Label string `json:"label"`
	// PreviousKey is, for a time bucket, the first day of the bucket of the previous period
	// it is compared with: the bucket at the same position.
	PreviousKey string `json:"previous_key,omitempty"`
	Comparison
}

// Stats is the answer of GET /stats.
type Stats struct {
	GroupBy  Grouping   `json:"group_by"`
	Period   Period     `json:"period"`
	Previous Period     `json:"previous"`
	Groups   []Group    `json:"groups"`
	Totals   Comparison `json:"totals"`
}

// Scope is who asks: the arguments of the visible_salons SQL function.
type Scope struct {
	Role      string
	UserID    int64
	PartnerID int64
}

// SalesFilter narrows the sales statistics and reports look at; empty fields do not filter.
type SalesFilter struct {
	PartnerID  *int64
	SalonID    *int64
	City       string
	TariffCode string
	Status     string // the sale's status now
}

// StatsQuery is one statistics question.
type StatsQuery struct {
	GroupBy Grouping
	Period  Period
	Filter  SalesFilter
	Scope   Scope
	// Lang is the language of the labels ("ru" or "en").
	Lang string
}

// Validate checks what the SQL cannot: a known grouping and a period of sensible length.
func (q StatsQuery) Validate() error {
	if !q.GroupBy.Valid() {
		return fmt.Errorf("group_by %q: %w", q.GroupBy, ErrUnknownGrouping)
	}
	limit := MaxStatsDays
	if q.GroupBy == ByDay {
		limit = MaxStatsDaysByDay
	}
	if q.Period.Days() > limit {
		return ErrPeriodTooLong
	}
	return nil
}

// ErrUnknownGrouping is a group_by that is not one of Groupings.
var ErrUnknownGrouping = errors.New("unknown grouping")

// DB is the database reports read from: a *pgxpool.Pool.
type DB interface {
	BeginTx(ctx context.Context, opts pgx.TxOptions) (pgx.Tx, error)
}

// Statistics answers q from the read model, within q.Scope. The three events of a sale are
// counted by three queries on their own connections at the same time (a grouping by partner,
// salon, region or manager reads the names of its groups on a fourth meanwhile), then added
// up per bucket and key here. Periods of whole months are read from the monthly rollup
// instead when the filters and the grouping allow it (monthFigures): the same figures from a
// fraction of the rows (this month against the last: 10,000 rows instead of 200,000 index
// entries aggregated).
func Statistics(ctx context.Context, db DB, loc *time.Location, q StatsQuery) (Stats, error) {
	if err := q.Validate(); err != nil {
		return Stats{}, err
	}
	prev := q.Period.Previous()
	cur := bucketStarts(q.Period, q.GroupBy, loc)
	old := bucketStarts(prev, q.GroupBy, loc)
	arg := store.SoldFiguresParams{Bounds: append(append(slices.Clone(old), cur...), q.Period.End()),
		GroupBy: string(q.GroupBy), CallerRole: q.Scope.Role, CallerID: q.Scope.UserID, CallerPartner: q.Scope.PartnerID,
		PartnerID: q.Filter.PartnerID, SalonID: q.Filter.SalonID, City: q.Filter.City,
		TariffCode: q.Filter.TariffCode, Status: q.Filter.Status}
	found, names, err := countEvents(ctx, db, q.GroupBy, arg, monthFigures(q, arg.Bounds, loc))
	if err != nil {
		return Stats{}, err
	}
	st := Stats{GroupBy: q.GroupBy, Period: q.Period, Previous: prev}
	previous := int32(len(old)) // buckets 1…len(old) are the previous period's
	found.each(func(bucket int32, _ int64, _ string, f *Figures) {
		if bucket <= previous {
			st.Totals.Previous.plus(f)
		} else {
			st.Totals.Current.plus(f)
		}
	})
	st.Totals.Current.derive()
	st.Totals.Previous.derive()
	if q.GroupBy.overTime() {
		st.Groups = timeGroups(found, old, cur, q.GroupBy, q.Lang)
		return st, nil
	}
	if names != nil {
		if err := lookUpMissingNames(ctx, db, q.GroupBy, found, names); err != nil {
			return Stats{}, err
		}
	}
	st.Groups = dimensionGroups(found, names, previous, q.GroupBy, q.Lang)
	return st, nil
}

// MonthFiguresZone is the zone the monthly rollup cuts months in (sale_figures_zone() in
// 00007_sale_month_figures.sql); with another COMPANY_TZ the statistics read the sales.
const MonthFiguresZone = "Europe/Moscow"

// useMonthFigures lets a test compare the figures of the rollup with those of the sales.
var useMonthFigures = true

// monthFigures is the months of the bounds, as the dates the rollup keys them by, when q can
// be answered from the rollup: every bound the start of a month in the company's zone (the
// current month against the last, a quarter…), no tariff or status filter (the rollup does not
// keep them apart), and a grouping the rollup keeps: by partner, salon, city, region, manager
// or month. Otherwise nil.
func monthFigures(q StatsQuery, bounds []time.Time, loc *time.Location) []time.Time {
	switch {
	case !useMonthFigures || loc.String() != MonthFiguresZone || q.Filter.TariffCode != "" || q.Filter.Status != "":
		return nil
	case q.GroupBy != ByMonth && (q.GroupBy.overTime() || q.GroupBy == ByTariff || q.GroupBy == ByCategory):
		return nil
	}
	months := make([]time.Time, len(bounds))
	for i, b := range bounds {
		t := b.In(loc)
		if t.Day() != 1 || t.Hour() != 0 || t.Minute() != 0 || t.Second() != 0 || t.Nanosecond() != 0 {
			return nil
		}
		months[i] = time.Date(t.Year(), t.Month(), 1, 0, 0, 0, 0, time.UTC)
	}
	return months
}

// events are the rows the figure queries found: per bucket and key, the paid sales with their
// amounts, the drafts begun and the cancellations, or all of them from the monthly rollup.
type events struct {
	sold    []store.SoldFiguresRow
	drafts  []store.DraftFiguresRow
	cancels []store.CancelFiguresRow
	months  []store.MonthFiguresRow
}

// each hands fn the figures of every row found, with its bucket and key. A bucket and key
// found by several queries comes once per query, each with its own figures: everything
// downstream adds them up.
func (ev *events) each(fn func(bucket int32, keyID int64, keyText string, f *Figures)) {
	var f Figures
	for i := range ev.sold {
		r := &ev.sold[i]
		f = Figures{Sales: r.Sales, GrossKopecks: warranty.Kopecks(r.GrossKopecks), NetKopecks: warranty.Kopecks(r.NetKopecks),
			CommissionKopecks: warranty.Kopecks(r.CommissionKopecks), UpsellKopecks: warranty.Kopecks(r.UpsellKopecks)}
		fn(r.Bucket, r.KeyID, r.KeyText, &f)
	}
	for i := range ev.drafts {
		r := &ev.drafts[i]
		f = Figures{Drafts: r.Drafts, Converted: r.Converted}
		fn(r.Bucket, r.KeyID, r.KeyText, &f)
	}
	for i := range ev.cancels {
		r := &ev.cancels[i]
		f = Figures{Cancellations: r.Cancellations}
		fn(r.Bucket, r.KeyID, r.KeyText, &f)
	}
	for i := range ev.months {
		r := &ev.months[i]
		f = Figures{Sales: r.Sales, GrossKopecks: warranty.Kopecks(r.GrossKopecks), NetKopecks: warranty.Kopecks(r.NetKopecks),
			CommissionKopecks: warranty.Kopecks(r.CommissionKopecks), UpsellKopecks: warranty.Kopecks(r.UpsellKopecks),
			Cancellations: r.Cancellations, Drafts: r.Drafts, Converted: r.Converted}
		fn(r.Bucket, r.KeyID, r.KeyText, &f)
	}
}

// countEvents runs the paid, begun and cancelled counts side by side, each in its own
// read-only transaction: a statistics answer costs its slowest query, not the sum. (The three
// snapshots may be a few milliseconds apart, which figures of whole days do not notice.) With
// months (see monthFigures) one query reads all three from the monthly rollup instead. A
// grouping by partner, salon, region or manager reads meanwhile the names of every group the
// caller's scope and filters allow (scopedNames); otherwise names is nil.
func countEvents(ctx context.Context, db DB, g Grouping, arg store.SoldFiguresParams, months []time.Time) (ev *events, names map[int64][]named, err error) {
	ev = &events{}
	eg, gctx := errgroup.WithContext(ctx)
	if g.namedByID() {
		eg.Go(func() (err error) {
			names, err = scopedNames(gctx, db, g, arg)
			return err
		})
	}
	if months != nil {
		p := store.MonthFiguresParams{Months: months, GroupBy: arg.GroupBy, CallerRole: arg.CallerRole,
			CallerID: arg.CallerID, CallerPartner: arg.CallerPartner, PartnerID: arg.PartnerID, SalonID: arg.SalonID,
			City: arg.City}
		eg.Go(func() error {
			return readOnly(gctx, db, func(tx pgx.Tx) error {
				// a row per month and salon, unless many of them make one group: by month, or
				// periods of several months
				if g != ByMonth && len(months) <= 3 {
					var err error
					ev.months, err = store.New(tx).MonthFigures(gctx, p)
					return err
				}
				rows, err := store.New(tx).MonthFiguresSummed(gctx, store.MonthFiguresSummedParams(p))
				ev.months = make([]store.MonthFiguresRow, len(rows))
				for i, r := range rows {
					ev.months[i] = store.MonthFiguresRow(r)
				}
				return err
			})
		})
		if err := eg.Wait(); err != nil {
			return nil, nil, fmt.Errorf("sales figures: %w", err)
		}
		return ev, names, nil
	}
	eg.Go(func() error {
		return readOnly(gctx, db, func(tx pgx.Tx) (err error) {
			ev.sold, err = store.New(tx).SoldFigures(gctx, arg)
			return err
		})
	})
	eg.Go(func() error {
		return readOnly(gctx, db, func(tx pgx.Tx) (err error) {
			ev.drafts, err = store.New(tx).DraftFigures(gctx, store.DraftFiguresParams(arg))
			return err
		})
	})
	eg.Go(func() error {
		return readOnly(gctx, db, func(tx pgx.Tx) (err error) {
			ev.cancels, err = store.New(tx).CancelFigures(gctx, store.CancelFiguresParams(arg))
			return err
		})
	})
	if err := eg.Wait(); err != nil {
		return nil, nil, fmt.Errorf("sales figures: %w", err)
	}
	return ev, names, nil
}

// analyticBegin opens the read-only transaction of an analytic query and tunes it in the same
// round trip: no JIT (compiling the query costs more than the milliseconds it would save), a
// plan made for these very arguments (a period of a day and of a year, an admin and a dealer
// want different plans) and enough memory to aggregate in a hash table rather than sort on
// disk.
const analyticBegin = "BEGIN READ ONLY; SET LOCAL jit = off; SET LOCAL plan_cache_mode = force_custom_plan; " +
	"SET LOCAL work_mem = '32MB'"

// readOnly runs fn in a read-only transaction tuned for analytic queries (analyticBegin).
func readOnly(ctx context.Context, db DB, fn func(pgx.Tx) error) error {
	return pgx.BeginTxFunc(ctx, db, pgx.TxOptions{BeginQuery: analyticBegin}, fn)
}

// bucketStarts splits p into the buckets of g: each day, each week (from Monday; the first and
// the last may be partial), each calendar month (likewise); a dimension grouping has one
// bucket, the whole period.
func bucketStarts(p Period, g Grouping, loc *time.Location) []time.Time {
	starts := []time.Time{p.Start()}
	if !g.overTime() {
		return starts
	}
	for t := nextBucket(p.Start(), g, loc); t.Before(p.End()); t = nextBucket(t, g, loc) {
		starts = append(starts, t)
	}
	return starts
}

func nextBucket(t time.Time, g Grouping, loc *time.Location) time.Time {
	t = t.In(loc)
	switch g {
	case ByWeek:
		days := (8 - int(t.Weekday())) % 7 // to the next Monday
		if days == 0 {
			days = 7
		}
		return time.Date(t.Year(), t.Month(), t.Day()+days, 0, 0, 0, 0, loc)
	case ByMonth:
		return time.Date(t.Year(), t.Month()+1, 1, 0, 0, 0, 0, loc)
	default:
		return time.Date(t.Year(), t.Month(), t.Day()+1, 0, 0, 0, 0, loc)
	}
}

// timeGroups makes one group per bucket of the current period, each compared with the bucket
// at the same position in the previous one. When the previous period has more buckets (a
// 45-day period over two or three months) the extra ones count only in the totals.
func timeGroups(found *events, old, cur []time.Time, g Grouping, lang string) []Group {
	groups := make([]Group, len(cur))
	for i, start := range cur {
		end := nextBucket(start, g, start.Location())
		if i+1 < len(cur) {
			end = cur[i+1]
		}
		groups[i] = Group{Key: start.Format(DateLayout), Label: bucketLabel(start, end, g, lang)}
		if i < len(old) {
			groups[i].PreviousKey = old[i].Format(DateLayout)
		}
	}
	found.each(func(bucket int32, _ int64, _ string, f *Figures) {
		i := int(bucket) - 1 // width_bucket counts from 1
		switch {
		case i < len(old):
			if i < len(groups) {
				groups[i].Previous.plus(f)
			}
		case i-len(old) < len(groups):
			groups[i-len(old)].Current.plus(f)
		}
	})
	for i := range groups {
		groups[i].Current.derive()
		groups[i].Previous.derive()
	}
	return groups
}

// named is a group a key belongs to: its key and what people call it.
type named struct{ key, label string }

// namedByID reports whether the keys of g are ids whose groups are looked up: a partner's or
// salon's name, a salon's region, a salon's managers. Cities, tariffs and categories name
// themselves.
func (g Grouping) namedByID() bool {
	return g == ByPartner || g == BySalon || g == ByRegion || g == ByManager
}

// scopedNames reads the groups of every partner (by partner) or salon (by salon, region or
// manager) the caller's scope and the partner and salon filters allow, while the figures are
// being counted: the keys the figures will find are among them, all but a sale whose partner
// is no longer its salon's. A key in the map is known, even with no group (a salon without a
// manager); lookUpMissingNames looks up the others afterwards.
func scopedNames(ctx context.Context, db DB, g Grouping, arg store.SoldFiguresParams) (map[int64][]named, error) {
	p := store.ScopedSalonLabelsParams{CallerRole: arg.CallerRole, CallerID: arg.CallerID,
		CallerPartner: arg.CallerPartner, PartnerID: arg.PartnerID, SalonID: arg.SalonID}
	var names map[int64][]named
	err := readOnly(ctx, db, func(tx pgx.Tx) error {
		q := store.New(tx)
		switch g {
		case ByPartner:
			rows, err := q.ScopedPartnerLabels(ctx, store.ScopedPartnerLabelsParams(p))
			names = make(map[int64][]named, len(rows))
			for _, r := range rows {
				names[r.ID] = []named{{strconv.FormatInt(r.ID, 10), r.Name}}
			}
			return err
		case BySalon, ByRegion:
			rows, err := q.ScopedSalonLabels(ctx, p)
			names = make(map[int64][]named, len(rows))
			for _, r := range rows {
				names[r.ID] = []named{salonGroup(g, r.ID, r.Name, r.Region)}
			}
			return err
		case ByManager:
			rows, err := q.ScopedSalonCurators(ctx, store.ScopedSalonCuratorsParams(p))
			names = make(map[int64][]named, len(rows))
			for _, r := range rows {
				curators := names[r.SalonID]
				if r.ManagerID != nil && r.FullName != nil {
					curators = append(curators, named{strconv.FormatInt(*r.ManagerID, 10), *r.FullName})
				}
				names[r.SalonID] = curators
			}
			return err
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("group names: %w", err)
	}
	return names, nil
}

// salonGroup is the group of a salon by salon (its id and name) or by region (its region).
func salonGroup(g Grouping, id int64, name, region string) named {
	if g == ByRegion {
		return named{region, region}
	}
	return named{strconv.FormatInt(id, 10), name}
}

// lookUpMissingNames looks up the groups of the keys found that scopedNames did not read.
func lookUpMissingNames(ctx context.Context, db DB, g Grouping, found *events, names map[int64][]named) error {
	var ids []int64
	found.each(func(_ int32, id int64, _ string, _ *Figures) {
		if _, known := names[id]; !known && id != 0 {
			names[id] = nil
			ids = append(ids, id)
		}
	})
	if len(ids) == 0 {
		return nil
	}
	err := readOnly(ctx, db, func(tx pgx.Tx) error {
		q := store.New(tx)
		switch g {
		case ByPartner:
			rows, err := q.PartnerLabels(ctx, ids)
			for _, r := range rows {
				names[r.ID] = []named{{strconv.FormatInt(r.ID, 10), r.Name}}
			}
			return err
		case BySalon, ByRegion:
			rows, err := q.SalonLabels(ctx, ids)
			for _, r := range rows {
				names[r.ID] = []named{salonGroup(g, r.ID, r.Name, r.Region)}
			}
			return err
		case ByManager:
			rows, err := q.SalonCurators(ctx, ids)
			for _, r := range rows {
				names[r.SalonID] = append(names[r.SalonID], named{strconv.FormatInt(r.ManagerID, 10), r.FullName})
			}
			return err
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("group names: %w", err)
	}
	return nil
}

// dimensionGroups makes one group per key seen in either period, the largest net revenue
// first. A salon without a manager (or a sale without a city…) falls in the group with an
// empty key. Each id found is resolved to its groups once (a salon is one or more managers'),
// then every row adds its figures to them.
func dimensionGroups(found *events, names map[int64][]named, previous int32, g Grouping, lang string) []Group {
	index := make(map[string]int32, len(names)+16)
	groups := make([]Group, 0, len(names)+16)
	groupOf := func(n named) int32 {
		i, ok := index[n.key]
		if !ok {
			i = int32(len(groups))
			index[n.key] = i
			groups = append(groups, Group{Key: n.key, Label: dimensionLabel(g, n.key, n.label, lang)})
		}
		return i
	}
	// the groups of each id, as a run of indexes in one slice
	type run struct{ from, to int32 }
	runs := make(map[int64]run, len(names))
	indexes := make([]int32, 0, len(names)+16)
	add := func(i int32, bucket int32, f *Figures) {
		if bucket <= previous {
			groups[i].Previous.plus(f)
		} else {
			groups[i].Current.plus(f)
		}
	}
	found.each(func(bucket int32, id int64, text string, f *Figures) {
		if id == 0 {
			add(groupOf(named{text, text}), bucket, f)
			return
		}
		r, ok := runs[id]
		if !ok {
			belongs := names[id]
			if len(belongs) == 0 {
				belongs = []named{{"", ""}}
			}
			r.from = int32(len(indexes))
			for _, n := range belongs {
				indexes = append(indexes, groupOf(n))
			}
			r.to = int32(len(indexes))
			runs[id] = r
		}
		for _, i := range indexes[r.from:r.to] {
			add(i, bucket, f)
		}
	})
	for i := range groups {
		groups[i].Current.derive()
		groups[i].Previous.derive()
	}
	// sorted through pointers: a group is two hundred bytes, and thousands of them moved
	// around cost more than the sort itself
	order := make([]*Group, len(groups))
	for i := range groups {
		order[i] = &groups[i]
	}
	slices.SortFunc(order, func(a, b *Group) int {
		if c := compareDesc(int64(a.Current.NetKopecks), int64(b.Current.NetKopecks)); c != 0 {
			return c
		}
		if c := compareDesc(int64(a.Previous.NetKopecks), int64(b.Previous.NetKopecks)); c != 0 {
			return c
		}
		if c := strings.Compare(a.Label, b.Label); c != 0 {
			return c
		}
		return strings.Compare(a.Key, b.Key)
	})
	sorted := make([]Group, len(groups))
	for i, g := range order {
		sorted[i] = *g
	}
	return sorted
}

func compareDesc(a, b int64) int {
	switch {
	case a > b:
		return -1
	case a < b:
		return 1
	}
	return 0
}

// MarshalJSON writes the figures as AppendJSON does.
func (f Figures) MarshalJSON() ([]byte, error) { return f.appendJSON(nil), nil }

// appendJSON writes the figures without reflection.
func (f *Figures) appendJSON(b []byte) []byte {
	b = append(b, `{"sales":`...)
	b = strconv.AppendInt(b, f.Sales, 10)
	b = append(b, `,"gross_kopecks":`...)
	b = strconv.AppendInt(b, int64(f.GrossKopecks), 10)
	b = append(b, `,"net_kopecks":`...)
	b = strconv.AppendInt(b, int64(f.NetKopecks), 10)
	b = append(b, `,"average_price_kopecks":`...)
	b = strconv.AppendInt(b, int64(f.AveragePriceKopecks), 10)
	b = append(b, `,"commission_kopecks":`...)
	b = strconv.AppendInt(b, int64(f.CommissionKopecks), 10)
	b = append(b, `,"upsell_kopecks":`...)
	b = strconv.AppendInt(b, int64(f.UpsellKopecks), 10)
	b = append(b, `,"cancellations":`...)
	b = strconv.AppendInt(b, f.Cancellations, 10)
	b = append(b, `,"drafts":`...)
	b = strconv.AppendInt(b, f.Drafts, 10)
	b = append(b, `,"converted":`...)
	b = strconv.AppendInt(b, f.Converted, 10)
	b = append(b, `,"conversion_bp":`...)
	b = strconv.AppendInt(b, f.ConversionBP, 10)
	return append(b, '}')
}

func (c *Comparison) appendJSON(b []byte) []byte {
	b = append(b, `{"current":`...)
	b = c.Current.appendJSON(b)
	b = append(b, `,"previous":`...)
	b = c.Previous.appendJSON(b)
	return append(b, '}')
}

// AppendJSON writes the statistics as JSON, as encoding/json would, without reflection: an
// admin's statistics by salon are five thousand groups, and reflecting over them took a
// quarter of the answer's time.
func (st Stats) AppendJSON(b []byte) []byte {
	period := func(p Period) {
		b = append(b, `{"from":"`...)
		b = p.From.AppendFormat(b, DateLayout)
		b = append(b, `","to":"`...)
		b = p.To.AppendFormat(b, DateLayout)
		b = append(b, `"}`...)
	}
	b = append(b, `{"group_by":`...)
	b = appendJSONString(b, string(st.GroupBy))
	b = append(b, `,"period":`...)
	period(st.Period)
	b = append(b, `,"previous":`...)
	period(st.Previous)
	b = append(b, `,"groups":[`...)
	for i := range st.Groups {
		g := &st.Groups[i]
		if i > 0 {
			b = append(b, ',')
		}
		b = append(b, `{"key":`...)
		b = appendJSONString(b, g.Key)
		b = append(b, `,"label":`...)
		b = appendJSONString(b, g.Label)
		if g.PreviousKey != "" {
			b = append(b, `,"previous_key":`...)
			b = appendJSONString(b, g.PreviousKey)
		}
		b = append(b, `,"current":`...)
		b = g.Current.appendJSON(b)
		b = append(b, `,"previous":`...)
		b = g.Previous.appendJSON(b)
		b = append(b, '}')
	}
	b = append(b, `],"totals":`...)
	b = st.Totals.appendJSON(b)
	return append(b, '}')
}

// MarshalJSON writes the statistics as AppendJSON does.
func (st Stats) MarshalJSON() ([]byte, error) { return st.AppendJSON(nil), nil }

// appendJSONString writes s as a JSON string: quotes, backslashes and control characters
// escaped, invalid UTF-8 replaced, the rest as it is.
func appendJSONString(b []byte, s string) []byte {
	const hex = "0123456789abcdef"
	b = append(b, '"')
	done := 0 // s[:done] is written; what needs no escaping is copied a run at a time
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			if c >= 0x20 && c != '"' && c != '\\' {
				i++
				continue
			}
			b = append(b, s[done:i]...)
			if c < 0x20 {
				b = append(b, '\\', 'u', '0', '0', hex[c>>4], hex[c&0xf])
			} else {
				b = append(b, '\\', c)
			}
			i++
			done = i
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		switch {
		case r == utf8.RuneError && size == 1:
			b = append(b, s[done:i]...)
			b = append(b, `\ufffd`...)
		case r == '\u2028' || r == '\u2029': // valid JSON, but not inside a script
			b = append(b, s[done:i]...)
			b = append(b, '\\', 'u', '2', '0', '2', hex[r&0xf])
		default:
			i += size
			continue
		}
		i += size
		done = i
	}
	b = append(b, s[done:]...)
	return append(b, '"')
}
