package warranty

import (
	"fmt"
	"strconv"
	"strings"
)

// contractPrefix starts every contract number: Karso, Russia.
const contractPrefix = "KR-"

// FormatContractNumber writes the number of the seq-th contract of a year as printed on
// the contract: "KR-2026-000042". Numbers run from 1 without gaps within a year; seq
// is padded to six digits and simply grows wider past 999999, so numbering never
// breaks.
func FormatContractNumber(year int, seq int64) string {
	return fmt.Sprintf("%s%04d-%06d", contractPrefix, year, seq)
}

// ParseContractNumber reads a contract number back (case and surrounding spaces do not
// matter, so it serves search boxes too). ok is false for anything
// FormatContractNumber would not produce for a four-digit year and a sequence of 1 or
// more.
func ParseContractNumber(s string) (year int, seq int64, ok bool) {
	s = strings.ToUpper(strings.TrimSpace(s))
	rest, found := strings.CutPrefix(s, contractPrefix)
	if !found {
		return 0, 0, false
	}
	yearPart, seqPart, found := strings.Cut(rest, "-")
	if !found || len(yearPart) != 4 || yearPart[0] == '0' || !allDigits(yearPart) {
		return 0, 0, false
	}
	// Six digits, or more without a leading zero: the one way Format writes each seq.
	if !allDigits(seqPart) || len(seqPart) < 6 || (len(seqPart) > 6 && seqPart[0] == '0') {
		return 0, 0, false
	}
	seq, err := strconv.ParseInt(seqPart, 10, 64)
	if err != nil || seq < 1 {
		return 0, 0, false
	}
	year, _ = strconv.Atoi(yearPart)
	return year, seq, true
}
