package warranty

import "testing"

func TestNormalizePhone(t *testing.T) {
	for _, tc := range []struct {
		in, want, code string
	}{
		{in: "8 (916) 123-45-67", want: "+79161234567"},
		{in: "+7 916 1234567", want: "+79161234567"},
		{in: "79161234567", want: "+79161234567"},
		{in: "9161234567", want: "+79161234567"},
		{in: "+79161234567", want: "+79161234567"},
		{in: " +7 (916) 123-45-67 ", want: "+79161234567"},
		{in: "8.916.123.45.67", want: "+79161234567"},
		{in: "8 (495) 123-45-67", want: "+74951234567"}, // Moscow landline
		{in: "8 (3812) 12-34-56", want: "+73812123456"}, // Omsk landline
		{in: "8 800 555-35-35", want: "+78005553535"},   // toll-free
		{in: "+7\u00a0916\u00a0123\u00a045\u00a067", want: "+79161234567"},
		{in: "", code: CodeRequired},
		{in: "  ", code: CodeRequired},
		{in: "+8 916 123-45-67", code: CodePhoneFormat}, // 8 is a trunk prefix, not a country code
		{in: "+79161234567 доб. 12", code: CodePhoneFormat},
		{in: "+7 916 123-45-678", code: CodePhoneFormat}, // 12 digits
		{in: "916123456", code: CodePhoneFormat},         // 9 digits
		{in: "89161234567890", code: CodePhoneFormat},
		{in: "+7 701 123-45-67", code: CodePhoneFormat}, // Kazakhstan
		{in: "8 (616) 123-45-67", code: CodePhoneFormat},
		{in: "1234567890", code: CodePhoneFormat},
		{in: "+1 916 123 4567", code: CodePhoneFormat},
		{in: "+380 44 123 4567", code: CodePhoneFormat},
		{in: "++79161234567", code: CodePhoneFormat},
		{in: "7916+1234567", code: CodePhoneFormat},
		{in: "9161234567#", code: CodePhoneFormat},
	} {
		got, v := NormalizePhone(tc.in)
		wantViolation(t, v, "phone", tc.code)
		if got != tc.want {
			t.Errorf("NormalizePhone(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}
