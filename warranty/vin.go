package warranty

import (
	"strings"
	"unicode/utf8"
)

// VINLength is the length of every VIN since 1981 (ISO 3779).
const VINLength = 17

// cyrillicLookalikes maps Cyrillic capitals that look exactly like Latin VIN letters to
// those letters: dealers often type a VIN with the Russian keyboard layout, and Lada
// VINs start with «XTA», easy to type in Cyrillic. О is left alone: O is not a VIN
// letter in either alphabet, and the user must see that it is probably a zero.
var cyrillicLookalikes = map[rune]rune{
	'А': 'A', 'В': 'B', 'Е': 'E', 'К': 'K', 'М': 'M', 'Н': 'H',
	'Р': 'P', 'С': 'C', 'Т': 'T', 'У': 'Y', 'Х': 'X',
}

// NormalizeVIN returns the VIN trimmed and upper-cased (Cyrillic look-alike letters
// replaced by their Latin twins), or a violation on the "vin" field when it is empty,
// not 17 characters long, or holds a character outside A-H J-N P R-Z 0-9. The check
// digit is not verified here: a mismatch is a risk flag, not an error.
func NormalizeVIN(s string) (string, *Violation) {
	const field = "vin"
	s = strings.ToUpper(strings.TrimSpace(s))
	if s == "" {
		return "", violation(field, CodeRequired)
	}
	var b strings.Builder
	b.Grow(VINLength)
	for _, r := range s {
		if latin, ok := cyrillicLookalikes[r]; ok {
			r = latin
		}
		if !isVINChar(r) {
			return "", violation(field, CodeVINChar, string(r))
		}
		b.WriteRune(r)
	}
	if n := utf8.RuneCountInString(s); n != VINLength {
		return "", violation(field, CodeVINLength, n)
	}
	return b.String(), nil
}

// isVINChar reports whether r may appear in a VIN: digits and Latin capitals except
// I, O and Q, which would be confused with 1 and 0.
func isVINChar(r rune) bool {
	switch {
	case r >= '0' && r <= '9':
		return true
	case r >= 'A' && r <= 'Z':
		return r != 'I' && r != 'O' && r != 'Q'
	}
	return false
}

// vinWeights are the position weights of the check-digit sum; position 9, the check
// digit itself, weighs 0.
var vinWeights = [VINLength]int{8, 7, 6, 5, 4, 3, 2, 10, 0, 9, 8, 7, 6, 5, 4, 3, 2}

// vinValue transliterates a VIN character for the check-digit sum (ISO 3779 annex /
// US 49 CFR 565): digits keep their value, letters A–Z follow the table below.
func vinValue(c byte) int {
	if c >= '0' && c <= '9' {
		return int(c - '0')
	}
	const table = "12345678-12345-7-923456789" // A…Z, '-' for I, O, Q (never valid)
	idx := int(c) - 'A'
	if idx < 0 || idx >= 26 || table[idx] == '-' {
		return -1
	}
	return int(table[idx] - '0')
}

// VINCheckDigit computes the check digit that position 9 of vin should hold ('0'–'9'
// or 'X' for a remainder of 10); ok is false when vin is not a well-formed VIN.
func VINCheckDigit(vin string) (digit byte, ok bool) {
	if len(vin) != VINLength {
		return 0, false
	}
	sum := 0
	for i := range VINLength {
		v := vinValue(vin[i])
		if v < 0 {
			return 0, false
		}
		sum += v * vinWeights[i]
	}
	if r := sum % 11; r < 10 {
		return byte('0' + r), true
	}
	return 'X', true
}

// VINCheckDigitMandatory reports whether the VIN's maker is registered in North America
// (WMI starting 1–5: the United States, Canada, Mexico), where 49 CFR 565 makes the check
// digit mandatory. Russian (X…), European (S…Z) and most other VINs do not compute it, so
// a mismatch there says nothing.
func VINCheckDigitMandatory(vin string) bool {
	return vin != "" && vin[0] >= '1' && vin[0] <= '5'
}

// VINCheckDigitOK reports whether the 9th character of a normalized VIN is its ISO 3779
// check digit. It is mandatory in North America and China; European and many other
// vehicles sold in Russia do not use it, so a false result is only a risk flag.
func VINCheckDigitOK(vin string) bool {
	digit, ok := VINCheckDigit(vin)
	return ok && vin[8] == digit
}
