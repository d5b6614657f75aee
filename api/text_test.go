package api

import "testing"

func TestTextProblem(t *testing.T) {
	cases := map[string]string{
		"Lada":                  "",
		"Строка\nс переносом\t": "",
		"Lada\x00":              "bad_text",
		"\x1b[31m":              "bad_text",
		"a\u2028b":              "bad_text",
		"\xff\xfe":              "bad_text",
	}
	for in, want := range cases {
		if got := textProblem(in); got != want {
			t.Errorf("textProblem(%q) = %q, want %q", in, got, want)
		}
	}
	long := make([]rune, maxTextRunes+1)
	for i := range long {
		long[i] = 'я'
	}
	if got := textProblem(string(long)); got != "text_too_long" {
		t.Errorf("a text of %d runes: %q", len(long), got)
	}
}

func TestTextErrorsNameTheJSONPath(t *testing.T) {
	type vehicle struct {
		Make string `json:"make"`
	}
	body := struct {
		Vehicle vehicle           `json:"vehicle"`
		Options []string          `json:"options"`
		Extra   map[string]string `json:"extra"`
		Note    *string           `json:"note,omitempty"`
	}{Vehicle: vehicle{Make: "Lada\x00"}, Options: []string{"ok", "bad\x07"}, Extra: map[string]string{"k": "v\x00"}}
	got := textErrors("ru", &body)
	for _, path := range []string{"vehicle.make", "options[1]", "extra.k"} {
		if got[path] == "" {
			t.Errorf("no error for %s in %v", path, got)
		}
	}
	if len(got) != 3 {
		t.Errorf("errors %v", got)
	}
}
