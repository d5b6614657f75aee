package warranty

import (
	"strings"
	"time"
)

// DateLayout is how calendar dates (sold_on, birth_date) travel in the API and are
// stored: ISO 8601, "2026-11-30".
const DateLayout = "2006-01-02"

// parseDate reads a required calendar date for field; the result is midnight UTC so
// that dates compare by day regardless of any time zone.
func parseDate(field, s string) (time.Time, *Violation) {
	s = strings.TrimSpace(s)
	if s == "" {
		return time.Time{}, violation(field, CodeRequired)
	}
	d, err := time.Parse(DateLayout, s)
	if err != nil {
		return time.Time{}, violation(field, CodeDateFormat)
	}
	return d, nil
}

// calendarDay is the date t shows on a wall calendar in its own location, as midnight
// UTC, comparable with parseDate results: "today" is the company's today when the
// caller passes a time in the company's zone.
func calendarDay(t time.Time) time.Time {
	y, m, d := t.Date()
	return time.Date(y, m, d, 0, 0, 0, 0, time.UTC)
}

// fullYearsBetween counts whole years from birth to day, the way Russian law counts
// age: a person born on 29 February comes of age on 28 February in a common year.
func fullYearsBetween(birth, day time.Time) int {
	years := day.Year() - birth.Year()
	anniversary := time.Date(day.Year(), birth.Month(), birth.Day(), 0, 0, 0, 0, time.UTC)
	if anniversary.Month() != birth.Month() { // 29 Feb rolled over to 1 Mar
		anniversary = time.Date(day.Year(), birth.Month()+1, 0, 0, 0, 0, 0, time.UTC)
	}
	if day.Before(anniversary) {
		years--
	}
	return years
}
