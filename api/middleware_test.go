package api

import "testing"

func TestLoggedPathHidesPaymentTokens(t *testing.T) {
	for in, want := range map[string]string{
		"/pay/Zx81-secret-token": "/pay/:token",
		"/api/v1/sales":          "/api/v1/sales",
		"/payments":              "/payments",
	} {
		if got := loggedPath(in); got != want {
			t.Errorf("loggedPath(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestPreferredLanguage(t *testing.T) {
	for in, want := range map[string]string{
		"":                        "ru",
		"en-US,en;q=0.9":          "en",
		"ru-RU,ru;q=0.9,en;q=0.8": "ru",
		"de-DE,en;q=0.5":          "en",
		"fr":                      "ru",
	} {
		if got := preferredLang(in); got != want {
			t.Errorf("preferredLang(%q) = %q, want %q", in, got, want)
		}
	}
}
