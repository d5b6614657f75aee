package reports

import (
	"encoding/json"
	"errors"
	"time"
)

// DateLayout is how periods travel in queries and answers: a calendar date in the company's
// zone.
const DateLayout = "2006-01-02"

// Errors a caller may answer as bad input.
var (
	// ErrPeriodReversed is a period whose end comes before its start.
	ErrPeriodReversed = errors.New("the period ends before it starts")
	// ErrPeriodTooLong is a period longer than a query may ask for.
	ErrPeriodTooLong = errors.New("the period is too long")
)

// Period is a span of whole days in the company's zone, both ends included: from the
// midnight that starts From to the midnight that ends To.
type Period struct {
	From, To time.Time // midnights in the company's zone
}

// NewPeriod builds a period from two dates (any time of day; only the date in loc counts).
func NewPeriod(from, to time.Time, loc *time.Location) (Period, error) {
	p := Period{From: midnight(from, loc), To: midnight(to, loc)}
	if p.To.Before(p.From) {
		return p, ErrPeriodReversed
	}
	return p, nil
}

// MonthOf is the calendar month holding t in loc: the default period of statistics and reports.
func MonthOf(t time.Time, loc *time.Location) Period {
	t = t.In(loc)
	first := time.Date(t.Year(), t.Month(), 1, 0, 0, 0, 0, loc)
	return Period{From: first, To: first.AddDate(0, 1, -1)}
}

func midnight(t time.Time, loc *time.Location) time.Time {
	t = t.In(loc)
	return time.Date(t.Year(), t.Month(), t.Day(), 0, 0, 0, 0, loc)
}

// Start is the first moment of the period.
func (p Period) Start() time.Time { return p.From }

// End is the first moment after the period (the midnight after To).
func (p Period) End() time.Time { return p.To.AddDate(0, 0, 1) }

// Days is how many calendar days the period holds.
func (p Period) Days() int {
	// calendar arithmetic, not hours: a day with a clock change is still one day
	n := 0
	for d := p.From; d.Before(p.End()); d = d.AddDate(0, 0, 1) {
		n++
	}
	return n
}

// wholeMonths reports whether the period is a run of whole calendar months, and how many.
func (p Period) wholeMonths() (int, bool) {
	if p.From.Day() != 1 || p.End().Day() != 1 {
		return 0, false
	}
	return (p.End().Year()-p.From.Year())*12 + int(p.End().Month()-p.From.Month()), true
}

// Previous is the period of the same length just before p, the one figures are compared
// with. A run of whole months compares with as many whole months before it (November with
// October, a quarter with the quarter before), since that is what people mean by "last
// month"; any other period with the same number of days before it.
func (p Period) Previous() Period {
	if n, ok := p.wholeMonths(); ok {
		return Period{From: p.From.AddDate(0, -n, 0), To: p.From.AddDate(0, 0, -1)}
	}
	return Period{From: p.From.AddDate(0, 0, -p.Days()), To: p.From.AddDate(0, 0, -1)}
}

// String is the period as "2026-11-01..2026-11-30".
func (p Period) String() string { return p.From.Format(DateLayout) + ".." + p.To.Format(DateLayout) }

// Label is the period as people read it on a document: "01.11.2026 — 30.11.2026".
func (p Period) Label() string {
	return p.From.Format("02.01.2006") + " — " + p.To.Format("02.01.2006")
}

// periodJSON is how a period travels: two dates.
type periodJSON struct {
	From string `json:"from"`
	To   string `json:"to"`
}

// MarshalJSON writes {"from": "2026-11-01", "to": "2026-11-30"}.
func (p Period) MarshalJSON() ([]byte, error) {
	return json.Marshal(periodJSON{p.From.Format(DateLayout), p.To.Format(DateLayout)})
}

// UnmarshalJSON reads {"from": "2026-11-01", "to": "2026-11-30"}; the dates come back as
// midnights in UTC, since the answer does not carry the company's zone.
func (p *Period) UnmarshalJSON(b []byte) error {
	var v periodJSON
	if err := json.Unmarshal(b, &v); err != nil {
		return err
	}
	var err error
	if p.From, err = time.Parse(DateLayout, v.From); err != nil {
		return err
	}
	p.To, err = time.Parse(DateLayout, v.To)
	return err
}
