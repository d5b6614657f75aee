package warranty

import (
	"errors"
	"math"
	"math/big"
	"strconv"
	"strings"
)

// Kopecks is an amount of money in kopecks (1/100 of a rouble). Every price, discount,
// commission and refund is this type so that money is never a float and never mixed
// up with a plain count.
type Kopecks int64

// BasisPointsPerUnit is 100% in basis points: discounts, commission rates and
// coefficients are integers of 1/10000 so that no rate is ever a float.
const BasisPointsPerUnit = 10000

// Roubles returns the whole roubles in k, dropping the kopecks (toward zero); it is for
// display next to a separate kopecks part, not for rounding — use RoundToRoubles.
func (k Kopecks) Roubles() int64 { return int64(k) / 100 }

// RoundToRoubles rounds k to whole roubles, half away from zero (50 kopecks go up),
// the rule used for every customer price.
func RoundToRoubles(k Kopecks) Kopecks {
	return roundToRoubles(big.NewInt(int64(k)), big.NewInt(1))
}

// PercentOf returns basisPoints/10000 of k rounded to the kopeck, half away from zero
// (half-up for the positive amounts the business deals with). The arithmetic is exact,
// so no overflow happens for any int64 amount and rate whose result fits in Kopecks;
// results beyond that saturate at the int64 limits.
func PercentOf(k Kopecks, basisPoints int64) Kopecks {
	num := new(big.Int).Mul(big.NewInt(int64(k)), big.NewInt(basisPoints))
	return saturate(roundQuo(num, big.NewInt(BasisPointsPerUnit)))
}

// roundQuo returns num/den rounded to the nearest integer, half away from zero. It is
// the only rounding rule of the package: RoundToRoubles, PercentOf and Rate all use it.
// den must be positive.
func roundQuo(num, den *big.Int) *big.Int {
	q, r := new(big.Int).QuoRem(num, den, new(big.Int)) // truncated toward zero
	twice := new(big.Int).Abs(r)
	twice.Lsh(twice, 1)
	if twice.Cmp(den) >= 0 {
		if num.Sign() < 0 {
			q.Sub(q, big.NewInt(1))
		} else {
			q.Add(q, big.NewInt(1))
		}
	}
	return q
}

// roundToRoubles rounds the exact amount num/den kopecks to whole roubles and returns
// it in kopecks. Rating keeps full precision up to this single call.
func roundToRoubles(num, den *big.Int) Kopecks {
	roubles := roundQuo(num, new(big.Int).Mul(den, big.NewInt(100)))
	return saturate(roubles.Mul(roubles, big.NewInt(100)))
}

// saturate converts an exact amount to Kopecks, clamping to the int64 range so that an
// absurd input can never wrap around into a plausible price.
func saturate(x *big.Int) Kopecks {
	switch {
	case x.IsInt64():
		return Kopecks(x.Int64())
	case x.Sign() > 0:
		return Kopecks(math.MaxInt64)
	default:
		return Kopecks(math.MinInt64)
	}
}

const (
	nbsp        = "\u00a0"
	roubleSign  = "₽"
	groupDigits = 3
)

// FormatRUB formats k the Russian way, as on a contract or invoice: groups of three
// digits separated by no-break spaces, a decimal comma, always two kopeck digits and
// the rouble sign, e.g. "12 345,67 ₽" or "-50,00 ₽". Kopecks deliberately has no
// String method: database drivers may encode a fmt.Stringer as text.
func FormatRUB(k Kopecks) string {
	var b strings.Builder
	abs := uint64(k)
	if k < 0 {
		b.WriteByte('-')
		abs = -abs // two's complement: correct for math.MinInt64 too
	}
	b.WriteString(groupThousands(strconv.FormatUint(abs/100, 10), nbsp))
	b.WriteByte(',')
	cents := abs % 100
	b.WriteByte(byte('0' + cents/10))
	b.WriteByte(byte('0' + cents%10))
	b.WriteString(nbsp + roubleSign)
	return b.String()
}

// groupThousands inserts sep between groups of three digits of a run of digits.
func groupThousands(digits, sep string) string {
	if len(digits) <= groupDigits {
		return digits
	}
	var b strings.Builder
	head := len(digits) % groupDigits
	if head > 0 {
		b.WriteString(digits[:head])
	}
	for i := head; i < len(digits); i += groupDigits {
		if i > 0 {
			b.WriteString(sep)
		}
		b.WriteString(digits[i : i+groupDigits])
	}
	return b.String()
}

// Errors of PctToBasisPoints; they are also returned wrapped in Violations on the
// "discount_pct" field, so errors.Is and errors.As both work.
var (
	// ErrPercentNegative means a negative percentage, which is never a valid discount.
	ErrPercentNegative = errors.New("percentage is negative")
	// ErrPercentPrecision means more than two decimals: rates are kept in basis points.
	ErrPercentPrecision = errors.New("percentage has more than two decimals")
	// ErrPercentRange means a percentage above 100 or not a number.
	ErrPercentRange = errors.New("percentage is out of range")
)

// PctToBasisPoints converts a decimal percentage as the API receives it (discount_pct:
// 12.5 means 12.5%) to integer basis points (1250), refusing negatives, more than two
// decimals, NaN, infinities and values above 100, so that no float survives past the
// API boundary. The returned error is Violations on the "discount_pct" field.
func PctToBasisPoints(pct float64) (int64, error) {
	field := "discount_pct"
	switch {
	case math.IsNaN(pct) || pct > 100:
		return 0, percentError{Violation{Field: field, Code: CodeDiscountRange}, ErrPercentRange}
	case pct < 0:
		return 0, percentError{Violation{Field: field, Code: CodeDiscountNegative}, ErrPercentNegative}
	}
	scaled := pct * 100
	bp := math.Round(scaled)
	// 12.34*100 is 1233.9999999999998 in binary floating point: accept what is a
	// two-decimal number up to float noise, refuse 12.345.
	if math.Abs(scaled-bp) > 1e-6 {
		return 0, percentError{Violation{Field: field, Code: CodeDiscountPrecision}, ErrPercentPrecision}
	}
	return int64(bp), nil
}

// percentError is a one-violation Violations that also unwraps to a sentinel error.
type percentError struct {
	v   Violation
	err error
}

// Error lists the violation like Violations does.
func (e percentError) Error() string { return Violations{e.v}.Error() }

// Unwrap lets errors.Is match the sentinel and errors.As find the Violations.
func (e percentError) Unwrap() []error { return []error{e.err, Violations{e.v}} }
