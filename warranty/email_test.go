package warranty

import (
	"strings"
	"testing"
)

func TestNormalizeEmail(t *testing.T) {
	for _, tc := range []struct {
		in, want, code string
	}{
		{in: "ivanov@mail.ru", want: "ivanov@mail.ru"},
		{in: "  Ivan.Ivanov+car@Yandex.RU ", want: "ivan.ivanov+car@yandex.ru"},
		{in: "i_ivanov@sub.example.com", want: "i_ivanov@sub.example.com"},
		{in: "иван@почта.рф", want: "иван@почта.рф"},
		{in: "", code: CodeRequired},
		{in: "ivanov", code: CodeEmailFormat},
		{in: "ivanov@", code: CodeEmailFormat},
		{in: "@mail.ru", code: CodeEmailFormat},
		{in: "ivanov@localhost", code: CodeEmailFormat},
		{in: "ivanov@mail.", code: CodeEmailFormat},
		{in: "ivanov@.mail.ru", code: CodeEmailFormat},
		{in: "ivanov@mail..ru", code: CodeEmailFormat},
		{in: "Иван Иванов <ivanov@mail.ru>", code: CodeEmailFormat},
		{in: "<ivanov@mail.ru>", code: CodeEmailFormat},
		{in: "ivanov@mail.ru (work)", code: CodeEmailFormat},
		{in: `"ivan ivanov"@mail.ru`, code: CodeEmailFormat},
		{in: "ivanov@mail.ru, petrov@mail.ru", code: CodeEmailFormat},
		{in: "ivan ivanov@mail.ru", code: CodeEmailFormat},
		{in: strings.Repeat("a", 250) + "@mail.ru", code: CodeEmailFormat},
	} {
		got, v := NormalizeEmail(tc.in)
		wantViolation(t, v, "email", tc.code)
		if got != tc.want {
			t.Errorf("NormalizeEmail(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}
