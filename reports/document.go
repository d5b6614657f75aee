package reports

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
)

// Document is a table a writer (Excel or PDF) lays out: a title, lines under it, the column
// headers, the rows as they come, and closing rows.
type Document struct {
	Title    string
	Subtitle []string
	Columns  []Column
	Rows     RowSource
	// Footer gives the closing rows (totals) once every row is written, so that totals can be
	// summed as the rows pass instead of keeping them.
	Footer func() [][]any
	// Loc is the company's zone, where moments are shown.
	Loc  *time.Location
	Lang string
}

// RowSource hands a document its rows one at a time. Values are nil, string, int64 (counts;
// kopecks in money columns; basis points in percent columns) or time.Time.
type RowSource interface {
	Next() bool
	Values() []any
	Err() error
}

// Row limits of the exports. Excel takes a million rows a sheet; a PDF of more than a few
// thousand rows is not read by anyone, and fpdf builds the whole file in memory.
const (
	MaxXLSXRows = 1_000_000
	MaxPDFRows  = 5_000
)

// ErrTooManyRows is a report longer than the format allows; narrow the filters or take Excel.
var ErrTooManyRows = errors.New("too many rows for this format")

// ExportReport runs a report and hands write a Document whose rows stream from PostgreSQL as
// write consumes them: nothing holds the whole report. The query runs and its first row is
// read before write is called, so a failing query is reported while nothing has been sent.
// At most limit rows are exported; Truncated on the document's rows tells whether more were left.
func ExportReport(ctx context.Context, db DB, loc *time.Location, q ReportQuery, limit int, write func(Document) error) error {
	p, err := newPlan(q)
	if err != nil {
		return err
	}
	return readOnly(ctx, db, func(tx pgx.Tx) error {
		args := append(slices.Clone(p.args), limit+1)
		rows, err := tx.Query(ctx, p.rowsSQL()+fmt.Sprintf("\n LIMIT $%d", len(args)), args...)
		if err != nil {
			return fmt.Errorf("run report %s: %w", q.Template.Code, err)
		}
		defer rows.Close()
		src := &reportRows{rows: rows, plan: p, loc: loc, lang: q.Lang, limit: limit, sums: make([]int64, len(p.cols))}
		if src.ready = rows.Next(); !src.ready && rows.Err() != nil {
			return fmt.Errorf("run report %s: %w", q.Template.Code, rows.Err())
		}
		doc := Document{Title: q.Template.Name, Subtitle: reportSubtitle(q, loc), Columns: p.columns(q.Lang),
			Rows: src, Footer: src.footer, Loc: loc, Lang: q.Lang}
		if err := write(doc); err != nil {
			return err
		}
		return rows.Err()
	})
}

// reportRows turns PostgreSQL rows into document rows: moments in the company's zone, codes
// in words, and sums of the measures kept on the way for the totals row.
type reportRows struct {
	rows      pgx.Rows
	plan      *plan
	loc       *time.Location
	lang      string
	ready     bool // the first row was read ahead
	limit, n  int
	truncated bool
	cur       []any
	sums      []int64
	err       error
}

func (r *reportRows) Next() bool {
	if r.err != nil {
		return false
	}
	if r.ready {
		r.ready = false
	} else if !r.rows.Next() {
		return false
	}
	if r.n == r.limit {
		r.truncated = true
		return false
	}
	vals, err := r.rows.Values()
	if err != nil {
		r.err = err
		return false
	}
	r.n++
	for i, c := range r.plan.cols {
		vals[i] = docValue(c, vals[i], r.loc, r.lang)
		if n, ok := vals[i].(int64); ok && (c.sum || c.count) {
			r.sums[i] += n
		}
	}
	r.cur = vals
	return true
}

func (r *reportRows) Values() []any { return r.cur }

func (r *reportRows) Err() error {
	if r.err != nil {
		return r.err
	}
	return r.rows.Err()
}

// Truncated reports whether the report had more rows than the export's limit.
func (r *reportRows) Truncated() bool { return r.truncated }

// footer is the totals row: the measures summed, "Итого" in the first descriptive column.
func (r *reportRows) footer() [][]any {
	row := make([]any, len(r.plan.cols))
	labelled := false
	for i, c := range r.plan.cols {
		switch {
		case c.sum || c.count:
			row[i] = r.sums[i]
		case !labelled:
			row[i] = fmt.Sprintf("%s (%d)", tr(r.lang, "Итого", "Total"), r.n)
			labelled = true
		}
	}
	out := [][]any{row}
	if r.truncated {
		out = append(out, []any{fmt.Sprintf(tr(r.lang, "Показаны первые %d строк: уточните фильтры", "Only the first %d rows are shown: narrow the filters"), r.limit)})
	}
	return out
}

// Truncater is implemented by the rows of an export that stopped at its limit.
type Truncater interface{ Truncated() bool }

// docValue is a value as a document shows it.
func docValue(c columnDef, v any, loc *time.Location, lang string) any {
	switch x := v.(type) {
	case time.Time:
		if c.kind == KindDate {
			return x // a calendar date: no zone to convert from
		}
		return x.In(loc)
	case string:
		if c.words != nil {
			return word(c.words, x, lang)
		}
		if c.key == "tariff_code" {
			return tariffLabel(x, lang)
		}
		if c.key == "vehicle_category" {
			return dimensionLabel(ByCategory, x, "", lang)
		}
	case int32:
		return int64(x)
	}
	return v
}

// reportSubtitle says what the document covers: the period and the moment it applies to,
// the filters, when it was made.
func reportSubtitle(q ReportQuery, loc *time.Location) []string {
	src := sources[q.Template.Source]
	lines := []string{fmt.Sprintf("%s: %s (%s)", tr(q.Lang, "Период", "Period"), q.Period.Label(),
		dateFieldWords(src, q.Template.Filters.DateField, q.Lang))}
	if f := filterWords(q); f != "" {
		lines = append(lines, f)
	}
	return append(lines, madeAt(time.Now(), loc, q.Lang))
}

func dateFieldWords(src *source, field, lang string) string {
	if c, ok := src.column(field); ok {
		return tr(lang, "по дате: ", "by: ") + tr(lang, c.title[0], c.title[1])
	}
	return field
}

func filterWords(q ReportQuery) string {
	var parts []string
	add := func(ru, en, v string) {
		if v != "" {
			parts = append(parts, tr(q.Lang, ru, en)+": "+v)
		}
	}
	if q.Filter.PartnerID != nil {
		add("партнёр", "partner", fmt.Sprint(*q.Filter.PartnerID))
	}
	if q.Filter.SalonID != nil {
		add("салон", "salon", fmt.Sprint(*q.Filter.SalonID))
	}
	add("город", "city", q.Filter.City)
	add("тариф", "tariff", q.Filter.TariffCode)
	add("способ", "method", q.Filter.Method)
	add("назначение", "purpose", q.Filter.Purpose)
	statuses := q.Filter.Statuses
	if len(statuses) == 0 {
		statuses = q.Template.Filters.Statuses
	}
	if len(statuses) > 0 {
		words := saleStatusLabels
		if q.Template.Source == "payments" {
			words = paymentWords
		}
		names := make([]string, len(statuses))
		for i, s := range statuses {
			names[i] = word(words, s, q.Lang)
		}
		add("статусы", "statuses", strings.Join(names, ", "))
	}
	if len(parts) == 0 {
		return ""
	}
	return tr(q.Lang, "Отбор", "Filters") + ": " + strings.Join(parts, ", ")
}

func madeAt(now time.Time, loc *time.Location, lang string) string {
	return tr(lang, "Сформирован: ", "Made: ") + now.In(loc).Format("02.01.2006 15:04") + " · " +
		tr(lang, "суммы в рублях", "amounts in roubles")
}

// sliceRows is a RowSource over rows already in memory (statistics are a few hundred lines).
type sliceRows struct {
	rows [][]any
	i    int
}

func (s *sliceRows) Next() bool    { s.i++; return s.i <= len(s.rows) }
func (s *sliceRows) Values() []any { return s.rows[s.i-1] }
func (s *sliceRows) Err() error    { return nil }

// StatsDocument lays statistics out as a table: for each group a line for the period and a
// line for the period before, then the totals.
func StatsDocument(st Stats, loc *time.Location, lang string) Document {
	cols := []Column{
		{Key: "group", Title: groupTitle(st.GroupBy, lang), Kind: KindText},
		{Key: "period", Title: tr(lang, "Период", "Period"), Kind: KindText},
		{Key: "sales", Title: tr(lang, "Продажи", "Sales"), Kind: KindInt},
		{Key: "gross_kopecks", Title: tr(lang, "Выручка без скидок", "Gross"), Kind: KindMoney},
		{Key: "net_kopecks", Title: tr(lang, "Выручка", "Net"), Kind: KindMoney},
		{Key: "average_price_kopecks", Title: tr(lang, "Средняя цена", "Average price"), Kind: KindMoney},
		{Key: "commission_kopecks", Title: tr(lang, "Комиссия", "Commission"), Kind: KindMoney},
		{Key: "upsell_kopecks", Title: tr(lang, "Допродажи", "Upsell"), Kind: KindMoney},
		{Key: "cancellations", Title: tr(lang, "Расторжения", "Cancellations"), Kind: KindInt},
		{Key: "drafts", Title: tr(lang, "Черновики", "Drafts"), Kind: KindInt},
		{Key: "conversion_bp", Title: tr(lang, "Конверсия", "Conversion"), Kind: KindPercent},
	}
	now, before := tr(lang, "текущий", "current"), tr(lang, "предыдущий", "previous")
	line := func(label, period string, f Figures) []any {
		return []any{label, period, f.Sales, int64(f.GrossKopecks), int64(f.NetKopecks), int64(f.AveragePriceKopecks),
			int64(f.CommissionKopecks), int64(f.UpsellKopecks), f.Cancellations, f.Drafts, f.ConversionBP}
	}
	var rows [][]any
	for _, g := range st.Groups {
		rows = append(rows, line(g.Label, now, g.Current), line("", before, g.Previous))
	}
	total := tr(lang, "Итого", "Total")
	footer := [][]any{line(total, now, st.Totals.Current), line("", before, st.Totals.Previous)}
	return Document{
		Title: tr(lang, "Статистика продаж", "Sales statistics"),
		Subtitle: []string{
			fmt.Sprintf("%s: %s · %s: %s", tr(lang, "Период", "Period"), st.Period.Label(),
				tr(lang, "предыдущий", "previous"), st.Previous.Label()),
			madeAt(time.Now(), loc, lang),
		},
		Columns: cols, Rows: &sliceRows{rows: rows}, Footer: func() [][]any { return footer }, Loc: loc, Lang: lang,
	}
}

func groupTitle(g Grouping, lang string) string {
	titles := map[Grouping][2]string{
		ByDay: {"День", "Day"}, ByWeek: {"Неделя", "Week"}, ByMonth: {"Месяц", "Month"},
		ByPartner: {"Партнёр", "Partner"}, BySalon: {"Салон", "Salon"}, ByCity: {"Город", "City"},
		ByRegion: {"Регион", "Region"}, ByManager: {"Менеджер", "Manager"}, ByTariff: {"Тариф", "Tariff"},
		ByCategory: {"Категория", "Category"},
	}
	t := titles[g]
	return tr(lang, t[0], t[1])
}
