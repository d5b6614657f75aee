package warranty

import "testing"

func TestFormatContractNumber(t *testing.T) {
	for _, tc := range []struct {
		year int
		seq  int64
		want string
	}{
		{2026, 42, "KR-2026-000042"},
		{2026, 1, "KR-2026-000001"},
		{2027, 999_999, "KR-2027-999999"},
		{2027, 1_000_000, "KR-2027-1000000"}, // grows wider rather than wrapping
	} {
		got := FormatContractNumber(tc.year, tc.seq)
		if got != tc.want {
			t.Errorf("FormatContractNumber(%d, %d) = %q, want %q", tc.year, tc.seq, got, tc.want)
		}
		year, seq, ok := ParseContractNumber(got)
		if !ok || year != tc.year || seq != tc.seq {
			t.Errorf("ParseContractNumber(%q) = %d, %d, %v", got, year, seq, ok)
		}
	}
}

func TestParseContractNumber(t *testing.T) {
	for _, tc := range []struct {
		in   string
		year int
		seq  int64
		ok   bool
	}{
		{"KR-2026-000042", 2026, 42, true},
		{" kr-2026-000042 ", 2026, 42, true}, // typed into a search box
		{"KR-2026-12345678", 2026, 12_345_678, true},
		{"", 0, 0, false},
		{"KR-2026-42", 0, 0, false},
		{"KR-2026-0000042", 0, 0, false}, // Format never pads to seven digits
		{"KR-2026-000000", 0, 0, false},  // numbering starts at 1
		{"KR-26-000042", 0, 0, false},
		{"KR-0999-000042", 0, 0, false},
		{"KR-20266-000042", 0, 0, false},
		{"KR-2026-00004A", 0, 0, false},
		{"KR-2026-+00042", 0, 0, false},
		{"KR-2026--00042", 0, 0, false},
		{"KR-2026", 0, 0, false},
		{"KR2026-000042", 0, 0, false},
		{"XX-2026-000042", 0, 0, false},
		{"KR-2026-000042-1", 0, 0, false},
		{"KR-2026-99999999999999999999", 0, 0, false}, // beyond int64
	} {
		year, seq, ok := ParseContractNumber(tc.in)
		if year != tc.year || seq != tc.seq || ok != tc.ok {
			t.Errorf("ParseContractNumber(%q) = %d, %d, %v; want %d, %d, %v", tc.in, year, seq, ok, tc.year, tc.seq, tc.ok)
		}
	}
}

func TestContractNumberRoundTrip(t *testing.T) {
	for _, year := range []int{2025, 2026, 9999} {
		for _, seq := range []int64{1, 9, 10, 99, 100, 41_999, 100_000, 999_998, 999_999, 1_000_000, 1 << 40} {
			s := FormatContractNumber(year, seq)
			gotYear, gotSeq, ok := ParseContractNumber(s)
			if !ok || gotYear != year || gotSeq != seq {
				t.Errorf("%d/%d → %q → %d, %d, %v", year, seq, s, gotYear, gotSeq, ok)
			}
		}
	}
}
