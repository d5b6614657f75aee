package warranty

import (
	"testing"
	"time"
)

func TestUpsellWindowCloses(t *testing.T) {
	newYork, err := time.LoadLocation("America/New_York")
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name      string
		activated time.Time
		loc       *time.Location
		want      time.Time
	}{
		{"31-day January, 30 s before midnight", at(2026, time.January, 31, 23, 59, 30), Moscow(), at(2026, time.February, 1, 0, 0, 0)},
		{"first instant of a month", at(2026, time.February, 1, 0, 0, 0), Moscow(), at(2026, time.March, 1, 0, 0, 0)},
		{"28-day February", at(2026, time.February, 28, 23, 59, 30), Moscow(), at(2026, time.March, 1, 0, 0, 0)},
		{"leap February, the 28th", at(2028, time.February, 28, 23, 59, 30), Moscow(), at(2028, time.March, 1, 0, 0, 0)},
		{"leap February, the 29th", at(2028, time.February, 29, 23, 59, 30), Moscow(), at(2028, time.March, 1, 0, 0, 0)},
		{"30-day April", at(2026, time.April, 30, 23, 59, 30), Moscow(), at(2026, time.May, 1, 0, 0, 0)},
		{"30-day November, mid-month", today, Moscow(), at(2026, time.December, 1, 0, 0, 0)},
		{"December into January", at(2026, time.December, 31, 23, 59, 30), Moscow(), at(2027, time.January, 1, 0, 0, 0)},
		{"last nanosecond of a month", at(2026, time.March, 31, 23, 59, 59).Add(999_999_999), Moscow(), at(2026, time.April, 1, 0, 0, 0)},
		{"nil zone means Moscow", at(2026, time.January, 31, 23, 59, 30), nil, at(2026, time.February, 1, 0, 0, 0)},
		// 21:00 UTC on 31 January is already 1 February in Moscow (UTC+3).
		{"UTC input, February in Moscow", time.Date(2026, time.January, 31, 21, 0, 0, 0, time.UTC), Moscow(), at(2026, time.March, 1, 0, 0, 0)},
		{"UTC input, still January in Moscow", time.Date(2026, time.January, 31, 20, 59, 59, 0, time.UTC), Moscow(), at(2026, time.February, 1, 0, 0, 0)},
		{"another company zone", time.Date(2026, time.March, 31, 23, 59, 30, 0, newYork), newYork, time.Date(2026, time.April, 1, 0, 0, 0, 0, newYork)},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got := UpsellWindowCloses(tc.activated, tc.loc)
			if !got.Equal(tc.want) {
				t.Fatalf("closes %s, want %s", got, tc.want)
			}
			wantLoc := tc.loc
			if wantLoc == nil {
				wantLoc = Moscow()
			}
			if got.Location() != wantLoc {
				t.Errorf("closes in %s, want %s", got.Location(), wantLoc)
			}
			if !UpsellWindowOpen(tc.activated, got.Add(-time.Nanosecond), tc.loc) || UpsellWindowOpen(tc.activated, got, tc.loc) {
				t.Error("the window must be open until, and closed from, the first instant of the next month")
			}
		})
	}
	if Moscow().String() != "Europe/Moscow" {
		t.Errorf("Moscow() = %s", Moscow())
	}
}

func TestSaleMonth(t *testing.T) {
	for _, tc := range []struct {
		t    time.Time
		loc  *time.Location
		want string
	}{
		{today, Moscow(), "2026-11"},
		{at(2026, time.November, 30, 23, 59, 59), Moscow(), "2026-11"},
		{time.Date(2026, time.November, 30, 21, 0, 0, 0, time.UTC), Moscow(), "2026-12"},
		{time.Date(2026, time.November, 30, 21, 0, 0, 0, time.UTC), nil, "2026-12"},
		{time.Date(2026, time.November, 30, 21, 0, 0, 0, time.UTC), time.UTC, "2026-11"},
		{at(2026, time.December, 31, 23, 59, 59), Moscow(), "2026-12"},
		{at(2027, time.January, 1, 0, 0, 0), Moscow(), "2027-01"},
	} {
		if got := SaleMonth(tc.t, tc.loc); got != tc.want {
			t.Errorf("SaleMonth(%s) = %s, want %s", tc.t, got, tc.want)
		}
	}
}
