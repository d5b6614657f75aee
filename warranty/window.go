package warranty

import (
	"time"
	_ "time/tzdata" // the company's zone must resolve on hosts without a zoneinfo database
)

// CompanyTimeZone is the default zone of the company's calendar; the deployment may
// configure another one.
const CompanyTimeZone = "Europe/Moscow"

// moscow is loaded once from the embedded database; it cannot fail with time/tzdata.
var moscow = mustLoadLocation(CompanyTimeZone)

func mustLoadLocation(name string) *time.Location {
	loc, err := time.LoadLocation(name)
	if err != nil {
		panic("warranty: load time zone " + name + ": " + err.Error())
	}
	return loc
}

// Moscow returns the Europe/Moscow location, the company's default calendar.
func Moscow() *time.Location { return moscow }

// UpsellWindowCloses is when a sale activated at activatedAt stops accepting upsells
// and tariff changes: 00:00 of the first day of the next calendar month in loc (the
// company's zone; nil means Moscow), so that every sale belongs to the month's
// statement it was made in. A sale activated at 23:59:30 on 31 January Moscow time
// closes at 00:00 on 1 February Moscow time.
func UpsellWindowCloses(activatedAt time.Time, loc *time.Location) time.Time {
	if loc == nil {
		loc = moscow
	}
	y, m, _ := activatedAt.In(loc).Date()
	return time.Date(y, m+1, 1, 0, 0, 0, 0, loc) // December + 1 rolls into January
}

// UpsellWindowOpen reports whether a sale activated at activatedAt may still be
// upsold at now.
func UpsellWindowOpen(activatedAt, now time.Time, loc *time.Location) bool {
	return now.Before(UpsellWindowCloses(activatedAt, loc))
}

// SaleMonth is the accounting month a moment belongs to in loc (nil means Moscow),
// "2026-11": the key of monthly statements and statistics.
func SaleMonth(t time.Time, loc *time.Location) string {
	if loc == nil {
		loc = moscow
	}
	return t.In(loc).Format("2006-01")
}
