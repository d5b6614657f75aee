package warranty

import (
	"strings"
	"unicode"
)

// NormalizePhone turns a Russian phone number as people write it into E.164
// ("+79161234567"), the one form stored, searched and sent to SMS gateways. It accepts
// "8 (916) 123-45-67", "+7 916 1234567", "79161234567" and "9161234567": digits with
// spaces, hyphens, dots and brackets, an optional leading "+7", "7" or trunk prefix "8".
// The ten-digit national number must start with 3, 4, 8 or 9, the Russian area and
// mobile codes (+7 6xx and 7xx are Kazakhstan). Anything else is a violation on
// "phone".
func NormalizePhone(s string) (string, *Violation) {
	const field = "phone"
	s = strings.TrimSpace(s)
	if s == "" {
		return "", violation(field, CodeRequired)
	}
	plus := strings.HasPrefix(s, "+")
	if plus {
		s = s[1:]
	}
	digits := make([]byte, 0, 11)
	for _, r := range s {
		switch {
		case r >= '0' && r <= '9':
			if len(digits) == 11 {
				return "", violation(field, CodePhoneFormat)
			}
			digits = append(digits, byte(r))
		case r == '(' || r == ')' || r == '-' || r == '.' || unicode.IsSpace(r):
		default:
			return "", violation(field, CodePhoneFormat)
		}
	}
	var national []byte
	switch {
	case len(digits) == 11 && digits[0] == '7':
		national = digits[1:]
	case len(digits) == 11 && digits[0] == '8' && !plus:
		national = digits[1:]
	case len(digits) == 10 && !plus:
		national = digits
	default:
		return "", violation(field, CodePhoneFormat)
	}
	if !strings.ContainsRune("3489", rune(national[0])) {
		return "", violation(field, CodePhoneFormat)
	}
	return "+7" + string(national), nil
}
