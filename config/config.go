// Package config reads the process configuration from the environment once, with defaults
// that run the whole system on a developer's machine.
package config

import (
	"errors"
	"fmt"
	"log/slog"
	"net/mail"
	"net/url"
	"os"
	"strconv"
	"strings"
	"time"
	_ "time/tzdata" // the company's zone must resolve on hosts without tzdata

	"karso.ru/prm/temporalcodec"
	"karso.ru/prm/warranty"
)

// Config is everything the processes read from the environment. See README.md for the table.
type Config struct {
	DatabaseURL       string
	HTTPAddr          string
	PublicURL         string
	TemporalAddress   string
	TemporalNamespace string
	TemporalTaskQueue string
	// PayloadKeys encrypt every payload the API and the worker send to Temporal (PAYLOAD_KEYS,
	// `id:base64key,…`): the first key seals, every key opens. `karso api|worker|all` refuse to
	// start without keys unless PayloadEncryptionOff.
	PayloadKeys []temporalcodec.Key
	// PayloadEncryptionOff (PAYLOAD_ENCRYPTION=off) lets the processes run with plaintext
	// payloads: an explicit choice, never a fallback.
	PayloadEncryptionOff bool
	// TemporalUIOrigins are the origins of the Temporal UI allowed to call the codec endpoint
	// with the admin's session cookie (CORS with credentials).
	TemporalUIOrigins []string
	// TemporalWorkerVersioning runs the worker with worker deployment versioning: it polls as
	// build `karso version` of deployment TemporalDeploymentName, and workflows go only to the
	// deployment's current version.
	TemporalWorkerVersioning bool
	TemporalDeploymentName   string
	// TemporalWorkerSetCurrent makes a versioned worker set its own build as the deployment's
	// current version once it polls (developer machines; a release pipeline sets it instead).
	TemporalWorkerSetCurrent bool

	CompanyTZ *time.Location
	BlobURL   string
	LogLevel  slog.Level

	// LiveQueryTimeout is how long a sale's page waits for its workflow's live state before
	// it shows the state the read model stored, marked stale (no worker, Temporal down).
	LiveQueryTimeout time.Duration

	// SessionTTL is how long a session lives without activity.
	SessionTTL time.Duration
	// CookieSecure marks the session cookie Secure (set it behind HTTPS).
	CookieSecure bool
	// LoginFailuresPerMinute and LoginFailureBurst throttle wrong passwords per client IP.
	LoginFailuresPerMinute int
	LoginFailureBurst      int
	// BcryptCost is the password hashing cost; tests lower it to keep suites fast.
	BcryptCost int
	// PasswordResetsPerAddress and PasswordResetsPerIP throttle password-reset requests: how
	// many an hour one e-mail address, and one client IP, may ask for.
	PasswordResetsPerAddress int
	PasswordResetsPerIP      int

	StripeSecretKey     string
	StripeWebhookSecret string
	StripeAPIBase       string
	// DunningSchedule is the delays after a declined card before each retry.
	DunningSchedule []time.Duration
	// OverdueReminders is how many reminders an overdue invoice gets before it is left to
	// finance.
	OverdueReminders int
	// VATBP is VAT in basis points posted to the ledger (0 = not registered for VAT).
	VATBP int64
	// SMTP is the relay mail is delivered through (SMTP_URL); MailFrom is the sender every
	// message names (MAIL_FROM), its display name the company's.
	SMTP     SMTP
	MailFrom *mail.Address
	// Risk are the thresholds that flag a sale for a manager (RISK_NEAR_LIMIT_BP,
	// RISK_DISCOUNT_BP): an age or mileage within this share of the tariff's limit, a
	// discount above this rate; and the plausible mileage (RISK_NEW_MAX_MILEAGE_KM,
	// RISK_USED_MIN_KM_PER_YEAR, RISK_USED_MAX_KM_PER_YEAR).
	Risk warranty.RiskThresholds
}

// Load reads the environment. It fails on values that are present but malformed, so a typo
// never silently falls back to a default.
func Load() (Config, error) {
	c := Config{
		DatabaseURL:       env("DATABASE_URL", "postgres://karso@127.0.0.1:54329/karso?sslmode=disable"),
		HTTPAddr:          env("HTTP_ADDR", "127.0.0.1:8080"),
		TemporalAddress:   env("TEMPORAL_ADDRESS", "127.0.0.1:7233"),
		TemporalNamespace: env("TEMPORAL_NAMESPACE", "default"),
		TemporalTaskQueue: env("TEMPORAL_TASK_QUEUE", "karso"),
		// the dev server's UI, under both names a developer may type
		TemporalUIOrigins:      list(env("TEMPORAL_UI_ORIGINS", "http://127.0.0.1:8233,http://localhost:8233")),
		TemporalDeploymentName: env("TEMPORAL_DEPLOYMENT_NAME", "karso"),
		BlobURL:                env("BLOB_URL", "file://.data/blobs"),
		StripeSecretKey:        os.Getenv("STRIPE_SECRET_KEY"),
		StripeWebhookSecret:    os.Getenv("STRIPE_WEBHOOK_SECRET"),
		StripeAPIBase:          os.Getenv("STRIPE_API_BASE"),
	}
	c.PublicURL = strings.TrimRight(env("PUBLIC_URL", "http://"+c.HTTPAddr), "/")

	var err error
	if c.CompanyTZ, err = time.LoadLocation(env("COMPANY_TZ", "Europe/Moscow")); err != nil {
		return c, fmt.Errorf("COMPANY_TZ: %w", err)
	}
	if err = c.LogLevel.UnmarshalText([]byte(env("LOG_LEVEL", "info"))); err != nil {
		return c, fmt.Errorf("LOG_LEVEL: %w", err)
	}
	if c.SessionTTL, err = time.ParseDuration(env("SESSION_TTL", "12h")); err != nil {
		return c, fmt.Errorf("SESSION_TTL: %w", err)
	}
	if c.LiveQueryTimeout, err = time.ParseDuration(env("LIVE_QUERY_TIMEOUT", "3s")); err != nil || c.LiveQueryTimeout <= 0 {
		return c, fmt.Errorf("LIVE_QUERY_TIMEOUT: a positive duration, got %q", os.Getenv("LIVE_QUERY_TIMEOUT"))
	}
	if c.CookieSecure, err = strconv.ParseBool(env("COOKIE_SECURE", "false")); err != nil {
		return c, fmt.Errorf("COOKIE_SECURE: %w", err)
	}
	if c.BcryptCost, err = strconv.Atoi(env("BCRYPT_COST", "11")); err != nil {
		return c, fmt.Errorf("BCRYPT_COST: %w", err)
	}
	if c.LoginFailuresPerMinute, err = strconv.Atoi(env("LOGIN_FAILURES_PER_MINUTE", "20")); err != nil {
		return c, fmt.Errorf("LOGIN_FAILURES_PER_MINUTE: %w", err)
	}
	if c.LoginFailureBurst, err = strconv.Atoi(env("LOGIN_FAILURE_BURST", "10")); err != nil {
		return c, fmt.Errorf("LOGIN_FAILURE_BURST: %w", err)
	}
	if c.PasswordResetsPerAddress, err = strconv.Atoi(env("PASSWORD_RESETS_PER_ADDRESS", "3")); err != nil || c.PasswordResetsPerAddress < 1 {
		return c, fmt.Errorf("PASSWORD_RESETS_PER_ADDRESS: want a whole number of at least 1: %v", env("PASSWORD_RESETS_PER_ADDRESS", "3"))
	}
	if c.PasswordResetsPerIP, err = strconv.Atoi(env("PASSWORD_RESETS_PER_IP", "20")); err != nil || c.PasswordResetsPerIP < 1 {
		return c, fmt.Errorf("PASSWORD_RESETS_PER_IP: want a whole number of at least 1: %v", env("PASSWORD_RESETS_PER_IP", "20"))
	}
	if c.VATBP, err = strconv.ParseInt(env("VAT_BP", "0"), 10, 64); err != nil {
		return c, fmt.Errorf("VAT_BP: %w", err)
	}
	if c.PayloadKeys, err = temporalcodec.ParseKeys(os.Getenv("PAYLOAD_KEYS")); err != nil {
		return c, fmt.Errorf("PAYLOAD_KEYS: %w", err)
	}
	switch v := env("PAYLOAD_ENCRYPTION", "on"); v {
	case "on":
	case "off":
		if len(c.PayloadKeys) > 0 {
			return c, fmt.Errorf("PAYLOAD_ENCRYPTION: off, yet PAYLOAD_KEYS holds keys: unset one of them")
		}
		c.PayloadEncryptionOff = true
	default:
		return c, fmt.Errorf("PAYLOAD_ENCRYPTION: %q, want on or off", v)
	}
	if c.TemporalWorkerVersioning, err = strconv.ParseBool(env("TEMPORAL_WORKER_VERSIONING", "true")); err != nil {
		return c, fmt.Errorf("TEMPORAL_WORKER_VERSIONING: %w", err)
	}
	if c.TemporalWorkerSetCurrent, err = strconv.ParseBool(env("TEMPORAL_WORKER_SET_CURRENT", "true")); err != nil {
		return c, fmt.Errorf("TEMPORAL_WORKER_SET_CURRENT: %w", err)
	}
	c.Risk = warranty.DefaultRiskThresholds()
	if c.Risk.NearLimitBP, err = strconv.ParseInt(env("RISK_NEAR_LIMIT_BP", strconv.FormatInt(c.Risk.NearLimitBP, 10)), 10, 64); err != nil {
		return c, fmt.Errorf("RISK_NEAR_LIMIT_BP: %w", err)
	}
	if c.Risk.DiscountBP, err = strconv.ParseInt(env("RISK_DISCOUNT_BP", strconv.FormatInt(c.Risk.DiscountBP, 10)), 10, 64); err != nil {
		return c, fmt.Errorf("RISK_DISCOUNT_BP: %w", err)
	}
	// the mileage plausibility limits of the risk rules v2; unset, the sale input carries 0
	// and the rules' defaults apply (warranty.DefaultNewMaxMileageKm and the per-year bounds)
	for _, limit := range []struct {
		name string
		dst  *int
	}{{"RISK_NEW_MAX_MILEAGE_KM", &c.Risk.NewMaxMileageKm}, {"RISK_USED_MIN_KM_PER_YEAR", &c.Risk.UsedMinKmPerYear},
		{"RISK_USED_MAX_KM_PER_YEAR", &c.Risk.UsedMaxKmPerYear}} {
		if *limit.dst, err = strconv.Atoi(env(limit.name, "0")); err != nil || *limit.dst < 0 {
			return c, fmt.Errorf("%s: want a whole number of km, not negative (0 for the default)", limit.name)
		}
	}
	if c.SMTP, err = ParseSMTPURL(env("SMTP_URL", DefaultSMTPURL)); err != nil {
		return c, fmt.Errorf("SMTP_URL: %w", err)
	}
	if c.MailFrom, err = mail.ParseAddress(env("MAIL_FROM", DefaultMailFrom)); err != nil {
		return c, fmt.Errorf("MAIL_FROM: %w", err)
	}
	for _, s := range strings.Split(env("DUNNING_SCHEDULE", "1h,24h,72h"), ",") {
		d, err := time.ParseDuration(strings.TrimSpace(s))
		if err != nil {
			return c, fmt.Errorf("DUNNING_SCHEDULE: %w", err)
		}
		c.DunningSchedule = append(c.DunningSchedule, d)
	}
	if c.OverdueReminders, err = strconv.Atoi(env("INVOICE_OVERDUE_REMINDERS", "10")); err != nil || c.OverdueReminders < 1 {
		return c, fmt.Errorf("INVOICE_OVERDUE_REMINDERS: want a whole number from 1, got %q", env("INVOICE_OVERDUE_REMINDERS", "10"))
	}
	return c, nil
}

// list splits a comma-separated value, dropping blanks.
func list(s string) []string {
	var out []string
	for _, v := range strings.Split(s, ",") {
		if v = strings.TrimSpace(v); v != "" {
			out = append(out, v)
		}
	}
	return out
}

func env(name, def string) string {
	if v, ok := os.LookupEnv(name); ok && v != "" {
		return v
	}
	return def
}

// Mail defaults: the Mailpit that `make run` starts, and the company as the sender.
const (
	DefaultSMTPURL  = "smtp://127.0.0.1:1025"
	DefaultMailFrom = "Карсо <noreply@karso.test>"
)

// How the connection to the SMTP relay is secured.
const (
	// TLSImplicit: TLS from the first byte (smtps://, port 465 by default).
	TLSImplicit = "tls"
	// TLSStartTLS: plain connection upgraded by STARTTLS, which the server must offer.
	TLSStartTLS = "starttls"
	// TLSOpportunistic: STARTTLS when the server offers it, plain otherwise (a local Mailpit).
	TLSOpportunistic = "opportunistic"
)

// SMTP is the relay named by SMTP_URL.
type SMTP struct {
	Host     string
	Port     int
	Username string
	Password string
	// TLS is TLSImplicit, TLSStartTLS or TLSOpportunistic.
	TLS string
}

// String names the relay for logs, without the password.
func (s SMTP) String() string {
	scheme := "smtp"
	if s.TLS == TLSImplicit {
		scheme = "smtps"
	}
	u := url.URL{Scheme: scheme, Host: s.Host + ":" + strconv.Itoa(s.Port)}
	if s.Username != "" {
		u.User = url.User(s.Username)
	}
	return u.String()
}

// ParseSMTPURL reads an SMTP relay address:
//
//	smtp://user:pass@host:587    STARTTLS, required because a password is sent
//	smtps://user:pass@host:465   implicit TLS
//	smtp://127.0.0.1:1025        no credentials: STARTTLS if offered, else plain (Mailpit)
//
// ?starttls=required or ?starttls=opportunistic overrides the smtp:// choice. Errors never
// repeat the URL, which may hold a password.
func ParseSMTPURL(raw string) (SMTP, error) {
	u, err := url.Parse(raw)
	if err != nil {
		var ue *url.Error
		if errors.As(err, &ue) {
			err = ue.Err // url.Error prints the whole URL, password and all
		}
		return SMTP{}, fmt.Errorf("not a URL: %v", err)
	}
	var s SMTP
	switch u.Scheme {
	case "smtp":
		s.Port, s.TLS = 587, TLSOpportunistic
	case "smtps":
		s.Port, s.TLS = 465, TLSImplicit
	default:
		return SMTP{}, fmt.Errorf("scheme %q: want smtp:// or smtps://", u.Scheme)
	}
	if s.Host = u.Hostname(); s.Host == "" {
		return SMTP{}, errors.New("no host")
	}
	if p := u.Port(); p != "" {
		if s.Port, err = strconv.Atoi(p); err != nil || s.Port < 1 || s.Port > 65535 {
			return SMTP{}, fmt.Errorf("port %q is not a port", p)
		}
	}
	if u.Path != "" && u.Path != "/" {
		return SMTP{}, fmt.Errorf("unexpected path %q", u.Path)
	}
	if u.User != nil {
		s.Username = u.User.Username()
		s.Password, _ = u.User.Password()
		if s.TLS == TLSOpportunistic {
			s.TLS = TLSStartTLS // a password never travels in the clear unless asked for
		}
	}
	query, err := url.ParseQuery(u.RawQuery)
	if err != nil {
		return SMTP{}, fmt.Errorf("bad parameters: %v", err)
	}
	for name, values := range query {
		if name != "starttls" || u.Scheme != "smtp" || len(values) != 1 {
			return SMTP{}, fmt.Errorf("unknown parameter %q", name)
		}
		switch values[0] {
		case "required":
			s.TLS = TLSStartTLS
		case "opportunistic":
			s.TLS = TLSOpportunistic
		default:
			return SMTP{}, fmt.Errorf("starttls=%q: want required or opportunistic", values[0])
		}
	}
	return s, nil
}
