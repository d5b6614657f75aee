package config

import (
	"cmp"
	"fmt"
	"net"
	"net/url"
	"strconv"
	"strings"
	"time"

	"karso.ru/prm/warranty"
)

// Load reads the environment and checks every variable against its allowed range. A value
// that is malformed or out of range stops the process with the variable's name and what it
// allows: a typo never falls back to a default, and a value that parses but cannot work
// (LOGIN_FAILURE_BURST=0 refuses every login, BCRYPT_COST=32 cannot hash, a negative
// DUNNING_SCHEDULE retries in the past) never reaches the running system.
func Load() (Config, error) {
	c, err := read()
	if err != nil {
		return c, withAllowed(err)
	}
	return c, c.Validate()
}

// Validate checks every variable's range and answers the first one out of it.
func (c Config) Validate() error {
	for _, r := range rules {
		if !r.ok(c) {
			return fmt.Errorf("%s: out of range (allowed: %s)", r.name, r.allowed)
		}
	}
	return nil
}

// rule is the allowed range of one variable, said in words for the operator.
type rule struct {
	name    string
	allowed string
	ok      func(Config) bool
}

// rules lists every variable Load reads, in the README's order; a variable added to Load gets
// its rule here (TestEveryVariableHasARule reads the README's table).
var rules = []rule{
	{"DATABASE_URL", "a postgres:// or postgresql:// URL with a host", func(c Config) bool {
		u, err := url.Parse(c.DatabaseURL)
		return err == nil && (u.Scheme == "postgres" || u.Scheme == "postgresql") && u.Host != ""
	}},
	{"HTTP_ADDR", "host:port, the port from 1 to 65535", func(c Config) bool { return hostPort(c.HTTPAddr) }},
	{"METRICS_ADDR", "host:port, the port from 1 to 65535", func(c Config) bool { return hostPort(c.MetricsAddr) }},
	{"PUBLIC_URL", "an http:// or https:// URL with a host and no query", func(c Config) bool {
		u, err := url.Parse(c.PublicURL)
		return err == nil && (u.Scheme == "http" || u.Scheme == "https") && u.Host != "" && u.RawQuery == ""
	}},
	{"TEMPORAL_ADDRESS", "host:port, the port from 1 to 65535", func(c Config) bool { return hostPort(c.TemporalAddress) }},
	{"TEMPORAL_NAMESPACE", "1 to 255 characters", func(c Config) bool { return between(len(c.TemporalNamespace), 1, 255) }},
	{"TEMPORAL_TASK_QUEUE", "1 to 255 characters", func(c Config) bool { return between(len(c.TemporalTaskQueue), 1, 255) }},
	{"LIVE_QUERY_TIMEOUT", "from 100ms to 1m", func(c Config) bool {
		return durationBetween(c.LiveQueryTimeout, 100*time.Millisecond, time.Minute)
	}},
	// the codec's settings are checked as they are parsed: the keys' format and length, on or off
	{"PAYLOAD_KEYS", "id:base64key,… with 32-byte keys (required unless PAYLOAD_ENCRYPTION=off)", func(Config) bool { return true }},
	{"PAYLOAD_ENCRYPTION", "on or off", func(Config) bool { return true }},
	{"TEMPORAL_UI_ORIGINS", "comma-separated origins scheme://host[:port], no path", func(c Config) bool {
		for _, o := range c.TemporalUIOrigins {
			if originOf(o) != o {
				return false
			}
		}
		return true
	}},
	{"TEMPORAL_WORKER_VERSIONING", "true or false", func(Config) bool { return true }},
	{"TEMPORAL_DEPLOYMENT_NAME", "1 to 255 characters", func(c Config) bool { return between(len(c.TemporalDeploymentName), 1, 255) }},
	{"TEMPORAL_WORKER_SET_CURRENT", "true or false", func(Config) bool { return true }},
	// mutual TLS to Temporal: the three files together (each readable PEM), or none
	{"TEMPORAL_TLS_CA", "a readable PEM file, with TEMPORAL_TLS_CERT and TEMPORAL_TLS_KEY, or empty", func(c Config) bool {
		_, err := c.TemporalTLS.ClientConfig()
		return err == nil
	}},
	{"TEMPORAL_TLS_CERT", "a readable PEM certificate, with TEMPORAL_TLS_CA and TEMPORAL_TLS_KEY, or empty", func(c Config) bool {
		_, err := c.TemporalTLS.ClientConfig()
		return err == nil
	}},
	{"TEMPORAL_TLS_KEY", "the readable PEM key of TEMPORAL_TLS_CERT, or empty", func(c Config) bool {
		_, err := c.TemporalTLS.ClientConfig()
		return err == nil
	}},
	{"TEMPORAL_TLS_SERVER_NAME", "a host name, or empty (the host of TEMPORAL_ADDRESS)", func(c Config) bool {
		return len(c.TemporalTLS.ServerName) <= 253 && !strings.ContainsAny(c.TemporalTLS.ServerName, " /:")
	}},
	{"COMPANY_TZ", "an IANA time zone such as Europe/Moscow", func(c Config) bool { return c.CompanyTZ != nil }},
	{"BLOB_URL", "a file:// folder or an s3:// bucket URL", func(c Config) bool {
		u, err := url.Parse(c.BlobURL)
		return err == nil && (u.Scheme == "file" || u.Scheme == "s3" && u.Host != "")
	}},
	{"LOG_LEVEL", "debug, info, warn or error", func(Config) bool { return true }}, // parsing checks it
	{"SESSION_TTL", "from 5m to 720h", func(c Config) bool { return durationBetween(c.SessionTTL, 5*time.Minute, 720*time.Hour) }},
	{"COOKIE_SECURE", "true or false", func(Config) bool { return true }}, // parsing checks it
	{"BCRYPT_COST", "from 4 to 15 (below 10 only for tests; each step doubles a sign-in's cost)", func(c Config) bool {
		return between(c.BcryptCost, 4, 15)
	}},
	{"LOGIN_FAILURES_PER_MINUTE", "a whole number from 1 to 10000", func(c Config) bool {
		return between(c.LoginFailuresPerMinute, 1, 10000)
	}},
	{"LOGIN_FAILURE_BURST", "a whole number from 1 to 10000", func(c Config) bool { return between(c.LoginFailureBurst, 1, 10000) }},
	{"PASSWORD_RESETS_PER_ADDRESS", "a whole number from 1 to 100", func(c Config) bool {
		return between(c.PasswordResetsPerAddress, 1, 100)
	}},
	{"PASSWORD_RESETS_PER_IP", "a whole number from 1 to 10000", func(c Config) bool { return between(c.PasswordResetsPerIP, 1, 10000) }},
	{"HTTP_READ_TIMEOUT", "from 1s to 10m", func(c Config) bool { return durationBetween(c.HTTPReadTimeout, time.Second, 10*time.Minute) }},
	{"HTTP_WRITE_TIMEOUT", "from 35s (a sale's action waits up to 30s for its workflow) to 1h", func(c Config) bool {
		return durationBetween(c.HTTPWriteTimeout, 35*time.Second, time.Hour)
	}},
	{"HTTP_IDLE_TIMEOUT", "from 1s to 1h", func(c Config) bool { return durationBetween(c.HTTPIdleTimeout, time.Second, time.Hour) }},
	{"STRIPE_SECRET_KEY", "empty, or a Stripe key starting sk_ or rk_", func(c Config) bool {
		return c.StripeSecretKey == "" || strings.HasPrefix(c.StripeSecretKey, "sk_") || strings.HasPrefix(c.StripeSecretKey, "rk_")
	}},
	{"STRIPE_WEBHOOK_SECRET", "empty, or a signing secret starting whsec_", func(c Config) bool {
		return c.StripeWebhookSecret == "" || strings.HasPrefix(c.StripeWebhookSecret, "whsec_")
	}},
	{"STRIPE_API_BASE", "empty, or an http:// or https:// URL", func(c Config) bool {
		if c.StripeAPIBase == "" {
			return true
		}
		u, err := url.Parse(c.StripeAPIBase)
		return err == nil && (u.Scheme == "http" || u.Scheme == "https") && u.Host != ""
	}},
	{"DUNNING_SCHEDULE", "1 to 10 comma-separated delays, each from 1m to 720h", func(c Config) bool {
		if !between(len(c.DunningSchedule), 1, 10) {
			return false
		}
		for _, d := range c.DunningSchedule {
			if !durationBetween(d, time.Minute, 720*time.Hour) {
				return false
			}
		}
		return true
	}},
	{"INVOICE_OVERDUE_REMINDERS", "a whole number from 1 to 100", func(c Config) bool { return between(c.OverdueReminders, 1, 100) }},
	{"VAT_BP", "from 0 to 10000 basis points (2000 = 20%)", func(c Config) bool { return between(c.VATBP, 0, 10000) }},
	{"RISK_NEAR_LIMIT_BP", "from 0 to 10000 basis points", func(c Config) bool { return between(c.Risk.NearLimitBP, 0, 10000) }},
	{"RISK_DISCOUNT_BP", "from 0 to 10000 basis points", func(c Config) bool { return between(c.Risk.DiscountBP, 0, 10000) }},
	{"RISK_NEW_MAX_MILEAGE_KM", "from 0 (the default) to 100000 km", func(c Config) bool {
		return between(c.Risk.NewMaxMileageKm, 0, 100000)
	}},
	{"RISK_USED_MIN_KM_PER_YEAR", "from 0 (the default) to 100000 km, below RISK_USED_MAX_KM_PER_YEAR", func(c Config) bool {
		lo, hi := cmp.Or(c.Risk.UsedMinKmPerYear, warranty.DefaultUsedMinKmPerYear), cmp.Or(c.Risk.UsedMaxKmPerYear, warranty.DefaultUsedMaxKmPerYear)
		return between(c.Risk.UsedMinKmPerYear, 0, 100000) && lo < hi
	}},
	{"RISK_USED_MAX_KM_PER_YEAR", "from 0 (the default) to 1000000 km", func(c Config) bool {
		return between(c.Risk.UsedMaxKmPerYear, 0, 1000000)
	}},
	// checked as they are parsed (ParseSMTPURL, net/mail)
	{"SMTP_URL", "an smtp:// or smtps:// URL with a host", func(Config) bool { return true }},
	{"MAIL_FROM", "an address such as Name <user@host>", func(Config) bool { return true }},
}

// withAllowed adds the allowed range to a parse error of read, which names its variable
// first ("BCRYPT_COST: strconv.Atoi: …").
func withAllowed(err error) error {
	name, _, _ := strings.Cut(err.Error(), ":")
	for _, r := range rules {
		if r.name == name {
			return fmt.Errorf("%w (allowed: %s)", err, r.allowed)
		}
	}
	return err
}

// Rules lists the variables Load checks, each with its allowed range, for the README and
// its test.
func Rules() [][2]string {
	out := make([][2]string, 0, len(rules))
	for _, r := range rules {
		out = append(out, [2]string{r.name, r.allowed})
	}
	return out
}

func between[T int | int64](v, lo, hi T) bool { return v >= lo && v <= hi }

func durationBetween(d, lo, hi time.Duration) bool { return d >= lo && d <= hi }

// hostPort accepts "host:port" and ":port" with a port from 1 to 65535.
func hostPort(addr string) bool {
	_, port, err := net.SplitHostPort(addr)
	if err != nil {
		return false
	}
	n, err := strconv.Atoi(port)
	return err == nil && between(n, 1, 65535)
}

// originOf is "scheme://host[:port]" of an address, or "" when it has none.
func originOf(address string) string {
	u, err := url.Parse(address)
	if err != nil || u.Scheme == "" || u.Host == "" {
		return ""
	}
	return u.Scheme + "://" + u.Host
}
