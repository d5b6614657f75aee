package warranty

import (
	"errors"
	"math"
	"testing"
)

func TestRoundToRoublesHalfAwayFromZero(t *testing.T) {
	for _, tc := range []struct {
		in, want Kopecks
	}{
		{0, 0},
		{1, 0},
		{49, 0},
		{50, 100},
		{99, 100},
		{100, 100},
		{149, 100},
		{150, 200},
		{1234549, 1234500},
		{1234550, 1234600},
		{-1, 0},
		{-49, 0},
		{-50, -100},
		{-150, -200},
		{math.MaxInt64, 9223372036854775800},
		{math.MinInt64, -9223372036854775800},
	} {
		if got := RoundToRoubles(tc.in); got != tc.want {
			t.Errorf("RoundToRoubles(%d) = %d, want %d", tc.in, got, tc.want)
		}
	}
}

func TestRoubles(t *testing.T) {
	for _, tc := range []struct {
		in   Kopecks
		want int64
	}{{0, 0}, {99, 0}, {100, 1}, {1234567, 12345}, {-150, -1}} {
		if got := tc.in.Roubles(); got != tc.want {
			t.Errorf("Kopecks(%d).Roubles() = %d, want %d", tc.in, got, tc.want)
		}
	}
}

func TestFormatRUB(t *testing.T) {
	for _, tc := range []struct {
		in   Kopecks
		want string
	}{
		{0, "0,00\u00a0₽"},
		{5, "0,05\u00a0₽"},
		{99999, "999,99\u00a0₽"},
		{100000, "1\u00a0000,00\u00a0₽"},
		{1234567, "12\u00a0345,67\u00a0₽"},
		{100000000, "1\u00a0000\u00a0000,00\u00a0₽"},
		{-5000, "-50,00\u00a0₽"},
		{math.MinInt64, "-92\u00a0233\u00a0720\u00a0368\u00a0547\u00a0758,08\u00a0₽"},
	} {
		if got := FormatRUB(tc.in); got != tc.want {
			t.Errorf("FormatRUB(%d) = %q, want %q", tc.in, got, tc.want)
		}
	}
}

func TestPercentOf(t *testing.T) {
	for _, tc := range []struct {
		amount Kopecks
		bp     int64
		want   Kopecks
	}{
		{10000, 1500, 1500},
		{0, 1500, 0},
		{12345, 0, 0},
		{12345, 10000, 12345},
		{333, 5000, 167},    // 166.5 → 167: half up
		{1, 5000, 1},        // 0.5 → 1
		{1, 4999, 0},        // 0.4999 → 0
		{12345, 1234, 1523}, // 1523.373
		{6995300, 1000, 699530},
		{-333, 5000, -167}, // half away from zero
		{math.MaxInt64, 10000, math.MaxInt64},
		{math.MaxInt64, 20000, math.MaxInt64}, // saturates instead of wrapping
		{math.MinInt64, 20000, math.MinInt64},
	} {
		if got := PercentOf(tc.amount, tc.bp); got != tc.want {
			t.Errorf("PercentOf(%d, %d) = %d, want %d", tc.amount, tc.bp, got, tc.want)
		}
	}
}

func TestPctToBasisPoints(t *testing.T) {
	for _, tc := range []struct {
		pct     float64
		want    int64
		wantErr error
		code    string
	}{
		{pct: 0, want: 0},
		{pct: 10, want: 1000},
		{pct: 12.5, want: 1250},
		{pct: 12.34, want: 1234}, // 1233.9999999999998 in binary
		{pct: 0.29, want: 29},    // 28.999999999999996
		{pct: 0.01, want: 1},
		{pct: 15.1, want: 1510},
		{pct: 100, want: 10000},
		{pct: -1, wantErr: ErrPercentNegative, code: CodeDiscountNegative},
		{pct: -0.01, wantErr: ErrPercentNegative, code: CodeDiscountNegative},
		{pct: math.Inf(-1), wantErr: ErrPercentNegative, code: CodeDiscountNegative},
		{pct: 12.345, wantErr: ErrPercentPrecision, code: CodeDiscountPrecision},
		{pct: 0.001, wantErr: ErrPercentPrecision, code: CodeDiscountPrecision},
		{pct: 100.01, wantErr: ErrPercentRange, code: CodeDiscountRange},
		{pct: math.Inf(1), wantErr: ErrPercentRange, code: CodeDiscountRange},
		{pct: math.NaN(), wantErr: ErrPercentRange, code: CodeDiscountRange},
		{pct: 1e300, wantErr: ErrPercentRange, code: CodeDiscountRange},
	} {
		got, err := PctToBasisPoints(tc.pct)
		if tc.wantErr == nil {
			if err != nil || got != tc.want {
				t.Errorf("PctToBasisPoints(%v) = %d, %v; want %d", tc.pct, got, err, tc.want)
			}
			continue
		}
		if !errors.Is(err, tc.wantErr) {
			t.Errorf("PctToBasisPoints(%v) error %v, want %v", tc.pct, err, tc.wantErr)
			continue
		}
		if want := "invalid input: discount_pct: " + tc.code; err.Error() != want {
			t.Errorf("Error() = %q, want %q", err.Error(), want)
		}
		var vs Violations
		if !errors.As(err, &vs) || len(vs) != 1 || vs[0].Field != "discount_pct" || vs[0].Code != tc.code {
			t.Errorf("PctToBasisPoints(%v) violations %v, want %s on discount_pct", tc.pct, vs, tc.code)
		}
	}
}
