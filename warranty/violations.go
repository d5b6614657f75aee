package warranty

import (
	"strings"
)

// Violation is one broken business rule about one input field. Field is the field's
// JSON name (e.g. "vin", "birth_date") so the API can put the message next to the
// right input; Code is stable for programs; Args are the numbers the message quotes.
//
// Violation deliberately does not implement error: functions return *Violation, and a
// nil *Violation stored in an error interface would not compare equal to nil.
type Violation struct {
	Field string `json:"field"`
	Code  string `json:"code"`
	Args  []any  `json:"args,omitempty"`
}

// Message returns the text shown to the user in lang ("ru", the default, or "en";
// regional forms such as "en-GB" are accepted). Args survive a JSON round trip, so a
// violation decoded from a workflow result renders the same text.
func (v Violation) Message(lang string) string {
	return render(v.Code, v.Args, lang)
}

// Violations are all the broken rules of one input, reported together so that the user
// fixes everything in one pass. It implements error; use Err to get a nil error when
// there are none.
type Violations []Violation

// Error lists the fields and codes, for logs; users see Message texts instead.
func (vs Violations) Error() string {
	var b strings.Builder
	b.WriteString("invalid input: ")
	for i, v := range vs {
		if i > 0 {
			b.WriteString(", ")
		}
		if v.Field != "" {
			b.WriteString(v.Field)
			b.WriteString(": ")
		}
		b.WriteString(v.Code)
	}
	return b.String()
}

// Err returns vs as an error, or nil when there is nothing wrong, avoiding a non-nil
// error that holds an empty list.
func (vs Violations) Err() error {
	if len(vs) == 0 {
		return nil
	}
	return vs
}

// Fields maps each field to the message of its first violation, in lang: the shape of
// the API's error body {"fields": {"vin": "…"}}. One message per field is enough for
// the user to act on.
func (vs Violations) Fields(lang string) map[string]string {
	out := make(map[string]string, len(vs))
	for _, v := range vs {
		if _, seen := out[v.Field]; !seen {
			out[v.Field] = v.Message(lang)
		}
	}
	return out
}

// Has reports whether any violation concerns field.
func (vs Violations) Has(field string) bool {
	for _, v := range vs {
		if v.Field == field {
			return true
		}
	}
	return false
}

// Codes lists the codes in order, for a compact API answer and for tests.
func (vs Violations) Codes() []string {
	out := make([]string, len(vs))
	for i, v := range vs {
		out[i] = v.Code
	}
	return out
}

// WithPrefix returns a copy whose fields are prefixed, e.g. "vehicle." for a quote
// request where the vehicle is nested.
func (vs Violations) WithPrefix(prefix string) Violations {
	out := make(Violations, len(vs))
	for i, v := range vs {
		v.Field = prefix + v.Field
		out[i] = v
	}
	return out
}

// add appends v when it is not nil, so that validators can be chained.
func (vs *Violations) add(v *Violation) {
	if v != nil {
		*vs = append(*vs, *v)
	}
}

// violation builds a *Violation; a helper to keep validators short.
func violation(field, code string, args ...any) *Violation {
	return &Violation{Field: field, Code: code, Args: args}
}
