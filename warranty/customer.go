package warranty

import (
	"strings"
	"time"
	"unicode"
	"unicode/utf8"
)

// Limits of the customer's data.
const (
	// AdultAge is the age from which a person may sign a warranty contract alone.
	AdultAge = 18
	// maxCustomerAge bounds the birth date: older is surely a typo in the year.
	maxCustomerAge = 120
	// MaxFullNameLength is the longest full name accepted, in characters.
	MaxFullNameLength = 150
)

// Customer is the buyer of the warranty (the vehicle's owner) as the contract names
// them.
type Customer struct {
	FullName       string `json:"full_name"`
	Phone          string `json:"phone"`
	Email          string `json:"email"`
	BirthDate      string `json:"birth_date"` // YYYY-MM-DD
	PassportSeries string `json:"passport_series"`
	PassportNumber string `json:"passport_number"`
}

// Normalize returns the customer cleaned up (name spaces collapsed, phone in E.164,
// e-mail lower-cased, passport digits without spaces) with every rule broken: a full
// name of at least two words of letters (Cyrillic or Latin), hyphens and spaces; a
// Russian phone; an e-mail address when one is given (older customers often have
// none); a birth date by which the customer is 18 or older on today; and, if either
// passport part is given, both: a 4-digit series and a 6-digit number.
func (c Customer) Normalize(today time.Time) (Customer, Violations) {
	var vs Violations
	out := c

	out.FullName = collapseSpaces(c.FullName)
	vs.add(checkFullName(out.FullName))

	if phone, bad := NormalizePhone(c.Phone); bad != nil {
		vs.add(bad)
	} else {
		out.Phone = phone
	}
	// the e-mail is required: the contract, payment links and dunning notices go there
	if email, bad := NormalizeEmail(c.Email); bad != nil {
		vs.add(bad)
	} else {
		out.Email = email
	}

	out.BirthDate = strings.TrimSpace(c.BirthDate)
	vs.add(checkBirthDate(out.BirthDate, today))

	out.PassportSeries = removeSpaces(c.PassportSeries)
	out.PassportNumber = removeSpaces(c.PassportNumber)
	if out.PassportSeries != "" || out.PassportNumber != "" {
		vs.add(checkDigits("passport_series", out.PassportSeries, 4, CodePassportSeries))
		vs.add(checkDigits("passport_number", out.PassportNumber, 6, CodePassportNumber))
	}
	return out, vs
}

// checkFullName requires at least two words made of letters, with hyphens only inside
// a word (as in «Римский-Корсаков»).
func checkFullName(name string) *Violation {
	const field = "full_name"
	if name == "" {
		return violation(field, CodeRequired)
	}
	if utf8.RuneCountInString(name) > MaxFullNameLength {
		return violation(field, CodeTooLong, MaxFullNameLength)
	}
	words := strings.Split(name, " ")
	for _, w := range words {
		if !isNameWord(w) {
			return violation(field, CodeFullNameChars)
		}
	}
	if len(words) < 2 {
		return violation(field, CodeFullNameWords)
	}
	return nil
}

// isNameWord reports whether w is letters joined by single hyphens.
func isNameWord(w string) bool {
	for part := range strings.SplitSeq(w, "-") {
		if part == "" {
			return false
		}
		for _, r := range part {
			if !unicode.In(r, unicode.Cyrillic, unicode.Latin) || !unicode.IsLetter(r) {
				return false
			}
		}
	}
	return true
}

// checkBirthDate requires a real date in the past by which the customer is an adult.
func checkBirthDate(s string, today time.Time) *Violation {
	const field = "birth_date"
	birth, bad := parseDate(field, s)
	if bad != nil {
		return bad
	}
	day := calendarDay(today)
	switch age := fullYearsBetween(birth, day); {
	case birth.After(day):
		return violation(field, CodeDateInFuture)
	case age > maxCustomerAge:
		return violation(field, CodeBirthDateRange)
	case age < AdultAge:
		return violation(field, CodeUnderage)
	}
	return nil
}

// checkDigits requires exactly n ASCII digits.
func checkDigits(field, s string, n int, code string) *Violation {
	if s == "" {
		return violation(field, CodeRequired)
	}
	if len(s) != n || !allDigits(s) {
		return violation(field, code)
	}
	return nil
}

// removeSpaces drops all white space: a passport series is often written "45 06".
func removeSpaces(s string) string {
	return strings.Join(strings.Fields(s), "")
}
