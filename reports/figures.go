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
func (f *Figures) plus(o Figures) {
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
// counted by three queries on their own connections at the same time, then added up per
// bucket and key here.
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
	found, err := countEvents(ctx, db, arg)
	if err != nil {
		return Stats{}, err
	}
	st := Stats{GroupBy: q.GroupBy, Period: q.Period, Previous: prev}
	isPrevious := func(c cell) bool { return int(c.bucket) <= len(old) }
	for i, c := range found.order {
		if isPrevious(c) {
			st.Totals.Previous.plus(found.of(i))
		} else {
			st.Totals.Current.plus(found.of(i))
		}
	}
	st.Totals.Current.derive()
	st.Totals.Previous.derive()
	if q.GroupBy.overTime() {
		st.Groups = timeGroups(found, old, cur, q.GroupBy, q.Lang)
		return st, nil
	}
	names, err := lookUpNames(ctx, db, q.GroupBy, found)
	if err != nil {
		return Stats{}, err
	}
	st.Groups = dimensionGroups(found, names, isPrevious, q.GroupBy, q.Lang)
	return st, nil
}

// cell is one bucket of one key, as the figure queries group.
type cell struct {
	bucket  int32
	keyID   int64
	keyText string
}

// cells are the figures found, by cell, in the order first seen (one slice rather than a
// heap object per cell: an admin's salons are twenty thousand cells).
type cells struct {
	order   []cell
	values  []Figures
	indexOf map[cell]int
}

func newCells(n int) *cells {
	return &cells{order: make([]cell, 0, n), values: make([]Figures, 0, n), indexOf: make(map[cell]int, n)}
}

func (cs *cells) at(c cell) *Figures {
	i, ok := cs.indexOf[c]
	if !ok {
		i = len(cs.order)
		cs.indexOf[c] = i
		cs.order = append(cs.order, c)
		cs.values = append(cs.values, Figures{})
	}
	return &cs.values[i]
}

// of is the figures of the i-th cell found.
func (cs *cells) of(i int) Figures { return cs.values[i] }

// countEvents runs the paid, begun and cancelled counts side by side, each in its own
// read-only transaction: a statistics answer costs its slowest query, not the sum. (The three
// snapshots may be a few milliseconds apart, which figures of whole days do not notice.)
func countEvents(ctx context.Context, db DB, arg store.SoldFiguresParams) (*cells, error) {
	var (
		sold    []store.SoldFiguresRow
		drafts  []store.DraftFiguresRow
		cancels []store.CancelFiguresRow
	)
	g, gctx := errgroup.WithContext(ctx)
	g.Go(func() error {
		return readOnly(gctx, db, func(tx pgx.Tx) (err error) {
			sold, err = store.New(tx).SoldFigures(gctx, arg)
			return err
		})
	})
	g.Go(func() error {
		return readOnly(gctx, db, func(tx pgx.Tx) (err error) {
			drafts, err = store.New(tx).DraftFigures(gctx, store.DraftFiguresParams(arg))
			return err
		})
	})
	g.Go(func() error {
		return readOnly(gctx, db, func(tx pgx.Tx) (err error) {
			cancels, err = store.New(tx).CancelFigures(gctx, store.CancelFiguresParams(arg))
			return err
		})
	})
	if err := g.Wait(); err != nil {
		return nil, fmt.Errorf("sales figures: %w", err)
	}
	cs := newCells(max(len(sold), len(drafts)) + len(cancels)/2)
	for _, r := range sold {
		f := cs.at(cell{r.Bucket, r.KeyID, r.KeyText})
		f.Sales, f.GrossKopecks, f.NetKopecks = r.Sales, warranty.Kopecks(r.GrossKopecks), warranty.Kopecks(r.NetKopecks)
		f.CommissionKopecks, f.UpsellKopecks = warranty.Kopecks(r.CommissionKopecks), warranty.Kopecks(r.UpsellKopecks)
	}
	for _, r := range drafts {
		f := cs.at(cell{r.Bucket, r.KeyID, r.KeyText})
		f.Drafts, f.Converted = r.Drafts, r.Converted
	}
	for _, r := range cancels {
		cs.at(cell{r.Bucket, r.KeyID, r.KeyText}).Cancellations = r.Cancellations
	}
	return cs, nil
}

// readOnly runs fn in a read-only transaction tuned for analytic queries: no JIT (compiling
// the query costs more than the milliseconds it would save), a plan made for these very
// arguments (a period of a day and of a year, an admin and a dealer want different plans) and
// enough memory to aggregate in a hash table rather than sort on disk.
func readOnly(ctx context.Context, db DB, fn func(pgx.Tx) error) error {
	return pgx.BeginTxFunc(ctx, db, pgx.TxOptions{AccessMode: pgx.ReadOnly}, func(tx pgx.Tx) error {
		if _, err := tx.Exec(ctx, "SET LOCAL jit = off; SET LOCAL plan_cache_mode = force_custom_plan; SET LOCAL work_mem = '32MB'"); err != nil {
			return err
		}
		return fn(tx)
	})
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
func timeGroups(found *cells, old, cur []time.Time, g Grouping, lang string) []Group {
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
	for n, c := range found.order {
		i := int(c.bucket) - 1 // width_bucket counts from 1
		switch {
		case i < len(old):
			if i < len(groups) {
				groups[i].Previous.plus(found.of(n))
			}
		case i-len(old) < len(groups):
			groups[i-len(old)].Current.plus(found.of(n))
		}
	}
	for i := range groups {
		groups[i].Current.derive()
		groups[i].Previous.derive()
	}
	return groups
}

// named is a group a key belongs to: its key and what people call it.
type named struct{ key, label string }

// lookUpNames finds, for the keys found, the group each belongs to: a partner's or salon's
// name, a salon's region, a salon's managers (one salon may have several, or none). Cities,
// tariffs and categories name themselves.
func lookUpNames(ctx context.Context, db DB, g Grouping, found *cells) (map[int64][]named, error) {
	names := make(map[int64][]named, len(found.order)/2)
	ids := make([]int64, 0, len(found.order)/2)
	for _, c := range found.order {
		if _, seen := names[c.keyID]; !seen && c.keyID != 0 {
			names[c.keyID] = nil
			ids = append(ids, c.keyID)
		}
	}
	if len(ids) == 0 {
		return names, nil
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
				if g == ByRegion {
					names[r.ID] = []named{{r.Region, r.Region}}
				} else {
					names[r.ID] = []named{{strconv.FormatInt(r.ID, 10), r.Name}}
				}
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
		return nil, fmt.Errorf("group names: %w", err)
	}
	return names, nil
}

// dimensionGroups makes one group per key seen in either period, the largest net revenue
// first. A salon without a manager (or a sale without a city…) falls in the group with an
// empty key.
func dimensionGroups(found *cells, names map[int64][]named, isPrevious func(cell) bool, g Grouping, lang string) []Group {
	index := make(map[string]int, len(names)+16)
	groups := make([]Group, 0, len(names)+16)
	for at, c := range found.order {
		belongs := []named{{c.keyText, c.keyText}}
		if c.keyID != 0 {
			belongs = names[c.keyID]
		}
		if len(belongs) == 0 {
			belongs = []named{{"", ""}}
		}
		for _, n := range belongs {
			i, ok := index[n.key]
			if !ok {
				i = len(groups)
				index[n.key] = i
				groups = append(groups, Group{Key: n.key, Label: dimensionLabel(g, n.key, n.label, lang)})
			}
			if isPrevious(c) {
				groups[i].Previous.plus(found.of(at))
			} else {
				groups[i].Current.plus(found.of(at))
			}
		}
	}
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
func (f Figures) appendJSON(b []byte) []byte {
	field := func(name string, v int64) {
		b = append(b, '"')
		b = append(b, name...)
		b = append(b, '"', ':')
		b = strconv.AppendInt(b, v, 10)
	}
	b = append(b, '{')
	field("sales", f.Sales)
	b = append(b, ',')
	field("gross_kopecks", int64(f.GrossKopecks))
	b = append(b, ',')
	field("net_kopecks", int64(f.NetKopecks))
	b = append(b, ',')
	field("average_price_kopecks", int64(f.AveragePriceKopecks))
	b = append(b, ',')
	field("commission_kopecks", int64(f.CommissionKopecks))
	b = append(b, ',')
	field("upsell_kopecks", int64(f.UpsellKopecks))
	b = append(b, ',')
	field("cancellations", f.Cancellations)
	b = append(b, ',')
	field("drafts", f.Drafts)
	b = append(b, ',')
	field("converted", f.Converted)
	b = append(b, ',')
	field("conversion_bp", f.ConversionBP)
	return append(b, '}')
}

func (c Comparison) appendJSON(b []byte) []byte {
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
	for i, g := range st.Groups {
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
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			switch {
			case c == '"' || c == '\\':
				b = append(b, '\\', c)
			case c < 0x20:
				b = append(b, '\\', 'u', '0', '0', hex[c>>4], hex[c&0xf])
			default:
				b = append(b, c)
			}
			i++
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		switch {
		case r == utf8.RuneError && size == 1:
			b = append(b, `\ufffd`...)
		case r == '\u2028' || r == '\u2029': // valid JSON, but not inside a script
			b = append(b, '\\', 'u', '2', '0', '2', hex[r&0xf])
		default:
			b = append(b, s[i:i+size]...)
		}
		i += size
	}
	return append(b, '"')
}
