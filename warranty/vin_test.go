package warranty

import "testing"

func TestNormalizeVIN(t *testing.T) {
	for _, tc := range []struct {
		in, want, code string
	}{
		{in: "1M8GDM9AXKP042788", want: "1M8GDM9AXKP042788"},
		{in: "  1m8gdm9axkp042788\t", want: "1M8GDM9AXKP042788"},
		{in: "WVWZZZ1JZXW000001", want: "WVWZZZ1JZXW000001"}, // check digit mismatch is not an error
		{in: "ХТА210740Y1234567", want: "XTA210740Y1234567"}, // Cyrillic Х, Т, А typed on a Russian layout
		{in: "хта210740у1234567", want: "XTA210740Y1234567"},
		{in: "ABCDEFGHJKLMNPRST", want: "ABCDEFGHJKLMNPRST"},
		{in: "UVWXYZ01234567890", want: "UVWXYZ01234567890"},
		{in: "", code: CodeRequired},
		{in: "   ", code: CodeRequired},
		{in: "1M8GDM9AXKP04278", code: CodeVINLength},   // 16
		{in: "1M8GDM9AXKP0427888", code: CodeVINLength}, // 18
		{in: "1M8GDM9AXKP0427 8", code: CodeVINChar},    // inner space
		{in: "1M8GDM9AXKP04278I", code: CodeVINChar},
		{in: "1M8GDM9AXKP04278O", code: CodeVINChar},
		{in: "1M8GDM9AXKP04278Q", code: CodeVINChar},
		{in: "1m8gdm9axkp04278o", code: CodeVINChar}, // lower-case o becomes O
		{in: "ОM8GDM9AXKP042788", code: CodeVINChar}, // Cyrillic О is not mapped: it is a zero
		{in: "ЖM8GDM9AXKP042788", code: CodeVINChar},
		{in: "1M8GDM9AXKP04278-", code: CodeVINChar},
	} {
		got, v := NormalizeVIN(tc.in)
		wantViolation(t, v, "vin", tc.code)
		if got != tc.want {
			t.Errorf("NormalizeVIN(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
	if _, v := NormalizeVIN("1M8GDM9AXKP04278O"); v.Args[0] != "O" {
		t.Errorf("vin_char args %v, want the bad character", v.Args)
	}
	if _, v := NormalizeVIN("1M8GDM9AXKP04278"); v.Args[0] != 16 {
		t.Errorf("vin_length args %v, want 16", v.Args)
	}
}

func TestVINCheckDigit(t *testing.T) {
	for _, tc := range []struct {
		vin   string
		digit byte
		ok    bool
	}{
		{"1M8GDM9AXKP042788", 'X', true}, // remainder 10 → X
		{"11111111111111111", '1', true},
		{"1HGCM82633A004352", '3', true},
		{"JH4KA7561PC008269", '1', true},
		{"WVWZZZ1JZXW000001", '0', false}, // European VINs usually ignore the check digit
		{"XTA210740Y1234567", '5', false}, // as do Russian-built ones
		{"5YJ3E1EA7JF000001", 'X', false},
	} {
		digit, wellFormed := VINCheckDigit(tc.vin)
		if !wellFormed || digit != tc.digit {
			t.Errorf("VINCheckDigit(%s) = %c, %v; want %c", tc.vin, digit, wellFormed, tc.digit)
		}
		if got := VINCheckDigitOK(tc.vin); got != tc.ok {
			t.Errorf("VINCheckDigitOK(%s) = %v, want %v", tc.vin, got, tc.ok)
		}
	}
	for _, malformed := range []string{"", "1M8GDM9AXKP04278", "1M8GDM9AXKP04278I", "1m8gdm9axkp042788", "1M8GDM9AXKP0427€"} {
		if _, ok := VINCheckDigit(malformed); ok || VINCheckDigitOK(malformed) {
			t.Errorf("malformed VIN %q accepted", malformed)
		}
	}
}
