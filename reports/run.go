package reports

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
)

// ReportFilter narrows a report beyond its template; empty fields keep the template's defaults.
type ReportFilter struct {
	PartnerID  *int64
	SalonID    *int64
	City       string
	TariffCode string
	// Statuses replaces the template's statuses.
	Statuses []string
	// Method and Purpose filter payments (card or invoice; sale, upsell or refund).
	Method, Purpose string
}

// ReportQuery is one run of a template.
type ReportQuery struct {
	Template Template
	Period   Period
	Filter   ReportFilter
	Scope    Scope
	Lang     string
}

// ErrUnknownStatus is a status filter the template's source does not have.
var ErrUnknownStatus = errors.New("unknown status")

// MaxReportDays bounds a report's period (three years).
const MaxReportDays = 3 * 366

// Validate checks the query's own parts; the template is validated when it is saved.
func (q ReportQuery) Validate() error {
	src, ok := sources[q.Template.Source]
	if !ok {
		return fmt.Errorf("template %s: unknown source %q", q.Template.Code, q.Template.Source)
	}
	for _, st := range q.Filter.Statuses {
		if !slices.Contains(src.statuses, st) {
			return fmt.Errorf("%q: %w", st, ErrUnknownStatus)
		}
	}
	if q.Period.Days() > MaxReportDays {
		return ErrPeriodTooLong
	}
	return nil
}

// plan is a report query turned into SQL: the columns, the filters as arguments.
type plan struct {
	src     *source
	cols    []columnDef
	groupBy string // the grouping's SQL key; "" for a detail report
	where   string
	args    []any
	order   string
}

func newPlan(q ReportQuery) (*plan, error) {
	if err := q.Validate(); err != nil {
		return nil, err
	}
	src := sources[q.Template.Source]
	p := &plan{src: src, groupBy: src.groupings[q.Template.GroupBy]}
	for _, key := range q.Template.Columns {
		c, ok := src.column(key)
		if !ok || !c.fits(q.Template.GroupBy) {
			return nil, fmt.Errorf("template %s: column %q does not fit", q.Template.Code, key)
		}
		p.cols = append(p.cols, c)
	}
	date, ok := src.dateFields[q.Template.Filters.DateField]
	if !ok {
		return nil, fmt.Errorf("template %s: unknown date field %q", q.Template.Code, q.Template.Filters.DateField)
	}
	p.args = []any{q.Scope.Role, q.Scope.UserID, q.Scope.PartnerID}
	conds := []string{src.scope,
		date + " >= " + p.arg(q.Period.Start()),
		date + " < " + p.arg(q.Period.End())}
	statuses := q.Template.Filters.Statuses
	if len(q.Filter.Statuses) > 0 {
		statuses = q.Filter.Statuses
	}
	if len(statuses) > 0 {
		conds = append(conds, src.statusSQL+" = ANY("+p.arg(statuses)+"::text[])")
	}
	filter := func(name string, v any) {
		if col, ok := src.filters[name]; ok {
			conds = append(conds, col+" = "+p.arg(v))
		}
	}
	if q.Filter.PartnerID != nil {
		filter("partner_id", *q.Filter.PartnerID)
	}
	if q.Filter.SalonID != nil {
		filter("salon_id", *q.Filter.SalonID)
	}
	for name, v := range map[string]string{"city": q.Filter.City, "tariff_code": q.Filter.TariffCode,
		"method": q.Filter.Method, "purpose": q.Filter.Purpose} {
		if v != "" {
			filter(name, v)
		}
	}
	p.where = strings.Join(conds, "\n   AND ")
	p.order = date + ", " + src.id
	return p, nil
}

// arg adds a query argument and returns its placeholder. Only arguments carry caller input;
// the SQL text is assembled from the sources' fixed fragments.
func (p *plan) arg(v any) string {
	p.args = append(p.args, v)
	return "$" + strconv.Itoa(len(p.args))
}

// rowsSQL selects the report's rows: every row, or one per group.
func (p *plan) rowsSQL() string {
	exprs := make([]string, len(p.cols))
	var dims []string
	for i, c := range p.cols {
		switch {
		case c.count:
			exprs[i] = "count(*)::bigint"
		case c.sum && p.groupBy != "":
			exprs[i] = "coalesce(sum(" + c.sql + "), 0)::bigint"
		default:
			exprs[i] = c.sql
			dims = append(dims, c.sql)
		}
	}
	sql := "SELECT " + strings.Join(exprs, ", ") + "\n  FROM " + p.src.from + "\n WHERE " + p.where
	if p.groupBy == "" {
		return sql + "\n ORDER BY " + p.order
	}
	order := "1"
	if len(dims) == 0 {
		order = p.groupBy
	}
	return sql + "\n GROUP BY " + strings.Join(append([]string{p.groupBy}, dims...), ", ") + "\n ORDER BY " + order
}

// totalsSQL counts the rows (and the groups) and sums every measure over the whole report.
func (p *plan) totalsSQL() string {
	exprs := []string{"count(*)::bigint"}
	if p.groupBy != "" {
		exprs = append(exprs, "count(DISTINCT "+p.groupBy+")::bigint")
	} else {
		exprs = append(exprs, "count(*)::bigint")
	}
	for _, c := range p.cols {
		if c.sum {
			exprs = append(exprs, "coalesce(sum("+c.sql+"), 0)::bigint")
		}
	}
	return "SELECT " + strings.Join(exprs, ", ") + "\n  FROM " + p.src.from + "\n WHERE " + p.where
}

// Totals are a report's closing figures over every row, not only a page: the number of
// records, and each money column summed. Count columns of a grouped report total the records.
type Totals struct {
	Rows int64            `json:"rows"`
	Sums map[string]int64 `json:"sums"`
}

// Page is one page of a report, as the cabinets show it.
type Page struct {
	Template Template         `json:"template"`
	Period   Period           `json:"period"`
	Columns  []Column         `json:"columns"`
	Items    []map[string]any `json:"items"`
	// Total is how many lines the report has: records, or groups of a grouped report.
	Total   int64  `json:"total"`
	Page    int    `json:"page"`
	PerPage int    `json:"per_page"`
	Totals  Totals `json:"totals"`
}

// RunPage answers one page of the report and its totals, in one read-only transaction so the
// page and the totals agree.
func RunPage(ctx context.Context, db DB, loc *time.Location, q ReportQuery, page, perPage int) (Page, error) {
	p, err := newPlan(q)
	if err != nil {
		return Page{}, err
	}
	out := Page{Template: q.Template, Period: q.Period, Columns: p.columns(q.Lang), Items: []map[string]any{},
		Page: page, PerPage: perPage}
	err = readOnly(ctx, db, func(tx pgx.Tx) error {
		var err error
		if out.Totals, out.Total, err = p.totals(ctx, tx); err != nil {
			return err
		}
		args := append(slices.Clone(p.args), perPage, (page-1)*perPage)
		rows, err := tx.Query(ctx, p.rowsSQL()+fmt.Sprintf("\n LIMIT $%d OFFSET $%d", len(args)-1, len(args)), args...)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			vals, err := rows.Values()
			if err != nil {
				return err
			}
			item := make(map[string]any, len(vals))
			for i, v := range vals {
				item[p.cols[i].key] = inZone(v, loc)
			}
			out.Items = append(out.Items, item)
		}
		return rows.Err()
	})
	if err != nil {
		return Page{}, fmt.Errorf("run report %s: %w", q.Template.Code, err)
	}
	return out, nil
}

func (p *plan) totals(ctx context.Context, tx pgx.Tx) (Totals, int64, error) {
	var rows, lines int64
	var sums []int64
	dst := []any{&rows, &lines}
	for _, c := range p.cols {
		if c.sum {
			sums = append(sums, 0)
		}
	}
	for i := range sums {
		dst = append(dst, &sums[i])
	}
	if err := tx.QueryRow(ctx, p.totalsSQL(), p.args...).Scan(dst...); err != nil {
		return Totals{}, 0, fmt.Errorf("totals: %w", err)
	}
	t := Totals{Rows: rows, Sums: map[string]int64{}}
	i := 0
	for _, c := range p.cols {
		switch {
		case c.sum:
			t.Sums[c.key] = sums[i]
			i++
		case c.count:
			t.Sums[c.key] = rows
		}
	}
	return t, lines, nil
}

func (p *plan) columns(lang string) []Column {
	cols := make([]Column, len(p.cols))
	for i, c := range p.cols {
		cols[i] = Column{Key: c.key, Title: tr(lang, c.title[0], c.title[1]), Kind: c.kind}
	}
	return cols
}

// inZone shows a moment in the company's zone; other values pass as they are.
func inZone(v any, loc *time.Location) any {
	if t, ok := v.(time.Time); ok {
		return t.In(loc)
	}
	return v
}
