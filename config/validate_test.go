package config_test

import (
	"os"
	"regexp"
	"slices"
	"sort"
	"strings"
	"testing"

	"karso.ru/prm/config"
)

// clearEnv unsets every variable Load reads, so the test sees the defaults whatever the
// machine has exported.
func clearEnv(t *testing.T) {
	t.Helper()
	for _, r := range config.Rules() {
		t.Setenv(r[0], "")
	}
}

func TestDefaultsAreInRange(t *testing.T) {
	clearEnv(t)
	if _, err := config.Load(); err != nil {
		t.Fatalf("the defaults do not load: %v", err)
	}
}

// TestValuesOutOfRangeStopTheStartNamingTheVariable sets the values that parsed but could not
// work — each stops Load with the variable's name and what it allows.
func TestValuesOutOfRangeStopTheStartNamingTheVariable(t *testing.T) {
	cases := []struct{ name, value string }{
		{"LOGIN_FAILURE_BURST", "0"},          // every login answered 429
		{"LOGIN_FAILURES_PER_MINUTE", "-5"},   // the bucket never refills
		{"BCRYPT_COST", "32"},                 // bcrypt refuses to hash
		{"BCRYPT_COST", "3"},                  // below bcrypt's minimum
		{"BCRYPT_COST", "many"},               // not a number: the parse error gets the range too
		{"DUNNING_SCHEDULE", "1h,-24h"},       // a retry in the past
		{"DUNNING_SCHEDULE", "0s"},            // a retry at once, forever
		{"SESSION_TTL", "1s"},                 // every session ends before the next click
		{"LIVE_QUERY_TIMEOUT", "-3s"},         // no sale page ever live
		{"HTTP_WRITE_TIMEOUT", "10s"},         // shorter than a sale's update wait
		{"HTTP_READ_TIMEOUT", "0s"},           // no timeout at all
		{"VAT_BP", "20000"},                   // 200% VAT
		{"RISK_NEAR_LIMIT_BP", "-1"},          // flags nothing, silently
		{"RISK_DISCOUNT_BP", "10001"},         // flags no discount
		{"INVOICE_OVERDUE_REMINDERS", "1000"}, // a reminder every 3 days for 8 years
		{"HTTP_ADDR", "8080"},                 // no host:port
		{"METRICS_ADDR", "127.0.0.1:99999"},   // no such port
		{"TEMPORAL_ADDRESS", "temporal"},      // no port
		{"DATABASE_URL", "mysql://db/karso"},  // not PostgreSQL
		{"PUBLIC_URL", "ftp://karso.example"}, // payment links nobody can open
		{"BLOB_URL", "gs://bucket"},           // a store the binary does not open
		{"STRIPE_SECRET_KEY", "pk_live_123"},  // a publishable key, not a secret
		{"STRIPE_WEBHOOK_SECRET", "secret"},   // not a signing secret
		{"COMPANY_TZ", "Mars/Olympus"},
		{"LOG_LEVEL", "loud"},
		{"COOKIE_SECURE", "maybe"},
		{"PASSWORD_RESETS_PER_ADDRESS", "0"},                   // no reset ever
		{"PASSWORD_RESETS_PER_IP", "100000"},                   // no throttle at all
		{"TEMPORAL_UI_ORIGINS", "http://127.0.0.1:8233/ui"},    // an origin has no path
		{"TEMPORAL_DEPLOYMENT_NAME", strings.Repeat("k", 300)}, // longer than Temporal takes
		{"RISK_USED_MIN_KM_PER_YEAR", "60000"},                 // above the default maximum, 50000
		{"RISK_NEW_MAX_MILEAGE_KM", "-1"},                      // negative
		{"SMTP_URL", "http://mail"},                            // not SMTP
		{"MAIL_FROM", "noreply"},                               // not an address
		{"PAYLOAD_ENCRYPTION", "maybe"},                        // neither on nor off
		{"TEMPORAL_WORKER_VERSIONING", "sometimes"},            // not a boolean
	}
	allowed := map[string]string{}
	for _, r := range config.Rules() {
		allowed[r[0]] = r[1]
	}
	for _, c := range cases {
		t.Run(c.name+"="+c.value, func(t *testing.T) {
			clearEnv(t)
			t.Setenv(c.name, c.value)
			_, err := config.Load()
			if err == nil {
				t.Fatalf("%s=%s is accepted", c.name, c.value)
			}
			if msg := err.Error(); !strings.HasPrefix(msg, c.name+":") || !strings.Contains(msg, "allowed: "+allowed[c.name]) {
				t.Errorf("error %q does not name %s and its range %q", msg, c.name, allowed[c.name])
			}
		})
	}
}

// TestEveryVariableHasARuleAndARow keeps three lists equal: the variables config.go reads,
// the rules that check them, and the README's configuration table. A variable added to
// config.go without a range or a README row fails here.
func TestEveryVariableHasARuleAndARow(t *testing.T) {
	src, err := os.ReadFile("config.go")
	if err != nil {
		t.Fatal(err)
	}
	var read []string
	// every quoted NAME_LIKE_THIS in config.go is a variable it reads (env("…"), os.Getenv("…"),
	// or a table of names such as the mileage limits')
	for _, m := range regexp.MustCompile(`"([A-Z][A-Z0-9]*_[A-Z0-9_]+)"`).FindAllStringSubmatch(string(src), -1) {
		read = append(read, m[1])
	}
	var ruled []string
	for _, r := range config.Rules() {
		ruled = append(ruled, r[0])
	}
	readme, err := os.ReadFile("../README.md")
	if err != nil {
		t.Fatal(err)
	}
	_, table, _ := strings.Cut(string(readme), "## Configuration")
	table, _, _ = strings.Cut(table, "\n## ")
	var documented []string
	for _, line := range strings.Split(table, "\n") {
		first, _, _ := strings.Cut(strings.TrimPrefix(line, "|"), "|")
		for _, m := range regexp.MustCompile("`([A-Z][A-Z0-9_]+)`").FindAllStringSubmatch(first, -1) {
			documented = append(documented, m[1])
		}
	}
	for name, list := range map[string][]string{"read in config.go": read, "checked by a rule": ruled, "in the README's table": documented} {
		got := sorted(list)
		if want := sorted(ruled); !slices.Equal(got, want) {
			t.Errorf("variables %s: %v\n  want the rules' %v", name, got, want)
		}
	}
}

func sorted(names []string) []string {
	out := slices.Clone(names)
	sort.Strings(out)
	return slices.Compact(out)
}
