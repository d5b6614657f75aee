package warranty

import (
	"net/mail"
	"strings"
)

// maxEmailLength is the longest address SMTP can deliver to (RFC 5321 path limit).
const maxEmailLength = 254

// NormalizeEmail trims and lower-cases an e-mail address and checks that it is a bare
// address (no display name, no comments, no quoting) with a dotted domain, so that the
// stored value can be compared and mailed as is. Problems are a violation on "email".
func NormalizeEmail(s string) (string, *Violation) {
	const field = "email"
	s = strings.ToLower(strings.TrimSpace(s))
	if s == "" {
		return "", violation(field, CodeRequired)
	}
	if len(s) > maxEmailLength {
		return "", violation(field, CodeEmailFormat)
	}
	addr, err := mail.ParseAddress(s)
	// A display name, angle brackets, a comment or quoting make the parsed address
	// differ from the input: only a bare address is accepted.
	if err != nil || addr.Name != "" || addr.Address != s {
		return "", violation(field, CodeEmailFormat)
	}
	at := strings.LastIndexByte(s, '@')
	domain := s[at+1:]
	if !strings.Contains(domain, ".") || strings.HasPrefix(domain, ".") || strings.HasSuffix(domain, ".") ||
		strings.Contains(domain, "..") {
		return "", violation(field, CodeEmailFormat)
	}
	return s, nil
}
