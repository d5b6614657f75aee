package reports

import (
	"encoding/json"
	"reflect"
	"strings"
	"testing"
	"time"

	"karso.ru/prm/warranty"
)

func day(s string) time.Time {
	t, err := time.ParseInLocation(DateLayout, s, warranty.Moscow())
	if err != nil {
		panic(err)
	}
	return t
}

func TestPreviousPeriod(t *testing.T) {
	for _, c := range []struct{ from, to, wantFrom, wantTo string }{
		{"2026-03-01", "2026-03-31", "2026-02-01", "2026-02-28"}, // a month: the month before
		{"2026-01-01", "2026-03-31", "2025-10-01", "2025-12-31"}, // a quarter: the quarter before
		{"2026-03-10", "2026-03-16", "2026-03-03", "2026-03-09"}, // a week: the seven days before
		{"2026-03-01", "2026-03-15", "2026-02-14", "2026-02-28"}, // half a month: as many days before
		{"2026-03-05", "2026-03-05", "2026-03-04", "2026-03-04"},
	} {
		p, err := NewPeriod(day(c.from), day(c.to), warranty.Moscow())
		if err != nil {
			t.Fatal(err)
		}
		prev := p.Previous()
		if got := prev.String(); got != c.wantFrom+".."+c.wantTo {
			t.Errorf("%s: previous %s, want %s..%s", p, got, c.wantFrom, c.wantTo)
		}
	}
	if _, err := NewPeriod(day("2026-03-05"), day("2026-03-04"), warranty.Moscow()); err != ErrPeriodReversed {
		t.Errorf("reversed period: %v", err)
	}
}

func TestBucketsFollowTheCalendar(t *testing.T) {
	loc := warranty.Moscow()
	p, _ := NewPeriod(day("2026-03-04"), day("2026-04-02"), loc) // Wednesday to Thursday
	weeks := bucketStarts(p, ByWeek, loc)
	want := []string{"2026-03-04", "2026-03-09", "2026-03-16", "2026-03-23", "2026-03-30"}
	if len(weeks) != len(want) {
		t.Fatalf("weeks %v", weeks)
	}
	for i, w := range weeks {
		if w.Format(DateLayout) != want[i] || w.Hour() != 0 || w.Location() != loc {
			t.Errorf("week %d starts %v, want %s", i, w, want[i])
		}
	}
	if months := bucketStarts(p, ByMonth, loc); len(months) != 2 || months[1].Format(DateLayout) != "2026-04-01" {
		t.Errorf("months %v", months)
	}
	if days := bucketStarts(p, ByDay, loc); len(days) != 30 {
		t.Errorf("%d days", len(days))
	}
	if one := bucketStarts(p, ByCity, loc); len(one) != 1 || !one[0].Equal(p.Start()) {
		t.Errorf("a dimension has one bucket: %v", one)
	}
	if l := bucketLabel(day("2026-03-09"), day("2026-03-16"), ByWeek, "ru"); l != "09.03–15.03.2026" {
		t.Errorf("week label %q", l)
	}
	if l := bucketLabel(day("2026-03-01"), day("2026-04-01"), ByMonth, "ru"); l != "Март 2026" {
		t.Errorf("month label %q", l)
	}
}

func TestRatiosRoundHalfUp(t *testing.T) {
	for _, c := range []struct{ num, den, scale, want int64 }{
		{5, 7, 10000, 7143}, {2, 3, 10000, 6667}, {1, 2, 1, 1}, {10850000, 3, 1, 3616667}, {0, 0, 10000, 0},
	} {
		if got := ratio(c.num, c.den, c.scale); got != c.want {
			t.Errorf("ratio(%d, %d, %d) = %d, want %d", c.num, c.den, c.scale, got, c.want)
		}
	}
}

func TestTemplatesFitTheirSource(t *testing.T) {
	ok := Template{Code: "commission_statement", Name: "Ведомость комиссий", Source: "sales",
		Columns: []string{"partner_name", "partner_inn", "sales_count", "commission_kopecks"},
		Filters: TemplateFilters{DateField: "activated_at", Statuses: []string{"active", "closed"}}, GroupBy: "partner"}
	if errs := ok.Validate(); len(errs) != 0 {
		t.Errorf("valid template: %v", errs)
	}
	for name, broken := range map[string]func(*Template){
		"a detail column in a grouped report": func(t *Template) { t.Columns = append(t.Columns, "vin") },
		"a count in a detail report":          func(t *Template) { t.GroupBy = "" },
		"an unknown source":                   func(t *Template) { t.Source = "ledger" },
		"an unknown moment":                   func(t *Template) { t.Filters.DateField = "paid_at" },
		"a payment status on sales":           func(t *Template) { t.Filters.Statuses = []string{"succeeded"} },
		"a code with spaces":                  func(t *Template) { t.Code = "my report" },
		"a column twice":                      func(t *Template) { t.Columns = append(t.Columns, "partner_name") },
	} {
		tpl := ok
		tpl.Columns = append([]string(nil), ok.Columns...)
		broken(&tpl)
		if errs := tpl.Validate(); len(errs) == 0 {
			t.Errorf("%s: accepted", name)
		}
	}
}

func TestStatsJSONIsWhatEncodingJSONReads(t *testing.T) {
	p, _ := NewPeriod(day("2026-03-01"), day("2026-03-31"), warranty.Moscow())
	st := Stats{GroupBy: BySalon, Period: p, Previous: p.Previous(), Groups: []Group{
		{Key: "1", Label: "«Салон» \"1\" \\ \x01 \u2028 \xff", Comparison: Comparison{Current: Figures{Sales: 2, NetKopecks: 300, ConversionBP: 5000}}},
		{Key: "2024-01-01", Label: "x", PreviousKey: "2023-12-01"},
	}, Totals: Comparison{Previous: Figures{Drafts: 7, Converted: 5, CommissionKopecks: -1}}}
	b := st.AppendJSON(nil)
	if !json.Valid(b) {
		t.Fatalf("invalid JSON: %s", b)
	}
	var back Stats
	if err := json.Unmarshal(b, &back); err != nil {
		t.Fatal(err)
	}
	want := st
	want.Groups[0].Label = strings.ToValidUTF8(want.Groups[0].Label, "\ufffd")
	if back.GroupBy != want.GroupBy || back.Period.String() != want.Period.String() ||
		back.Previous.String() != want.Previous.String() || !reflect.DeepEqual(back.Groups, want.Groups) ||
		back.Totals != want.Totals {
		t.Errorf("round trip:\n got  %+v\n want %+v", back, want)
	}
}
