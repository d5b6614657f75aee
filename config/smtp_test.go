package config_test

import (
	"strings"
	"testing"

	"karso.ru/prm/config"
)

func TestParseSMTPURL(t *testing.T) {
	cases := []struct {
		raw  string
		want config.SMTP
	}{
		{"smtp://127.0.0.1:1025", config.SMTP{Host: "127.0.0.1", Port: 1025, TLS: config.TLSOpportunistic}},
		{"smtp://mailer:s3cret@smtp.example.ru:587", config.SMTP{Host: "smtp.example.ru", Port: 587, Username: "mailer",
			Password: "s3cret", TLS: config.TLSStartTLS}},
		{"smtp://smtp.example.ru", config.SMTP{Host: "smtp.example.ru", Port: 587, TLS: config.TLSOpportunistic}},
		{"smtps://mailer:p%40ss@smtp.example.ru", config.SMTP{Host: "smtp.example.ru", Port: 465, Username: "mailer",
			Password: "p@ss", TLS: config.TLSImplicit}},
		{"smtps://smtp.example.ru:2465/", config.SMTP{Host: "smtp.example.ru", Port: 2465, TLS: config.TLSImplicit}},
		{"smtp://relay.local:25?starttls=required", config.SMTP{Host: "relay.local", Port: 25, TLS: config.TLSStartTLS}},
		{"smtp://u:p@relay.local:25?starttls=opportunistic", config.SMTP{Host: "relay.local", Port: 25, Username: "u",
			Password: "p", TLS: config.TLSOpportunistic}},
		{"smtp://[::1]:1025", config.SMTP{Host: "::1", Port: 1025, TLS: config.TLSOpportunistic}},
	}
	for _, c := range cases {
		got, err := config.ParseSMTPURL(c.raw)
		if err != nil || got != c.want {
			t.Errorf("%s: %+v, %v; want %+v", c.raw, got, err, c.want)
		}
	}
}

// A malformed relay address is refused with a reason that never repeats the password.
func TestParseSMTPURLRefusesMalformed(t *testing.T) {
	for _, raw := range []string{
		"127.0.0.1:1025",                     // no scheme
		"http://smtp.example.ru",             // not SMTP
		"smtp://",                            // no host
		"smtp://user:hunter2@host:99999",     // port out of range
		"smtp://user:hunter2@host:smtp",      // port not a number
		"smtp://host:25/relay",               // a path
		"smtp://host:25?tls=on",              // unknown parameter
		"smtps://host?starttls=required",     // STARTTLS means nothing on implicit TLS
		"smtp://host?starttls=maybe",         // unknown mode
		"smtp://user:hunter2@ho st:25",       // not a URL
		"smtp://user:hunter2@host:25\x7f",    // control character
		"smtp://user:hunter2@host:25?%zz=1x", // bad query escape
	} {
		_, err := config.ParseSMTPURL(raw)
		if err == nil {
			t.Errorf("%q: accepted", raw)
			continue
		}
		if strings.Contains(err.Error(), "hunter2") {
			t.Errorf("%q: the error shows the password: %v", raw, err)
		}
	}
}

// A malformed SMTP_URL or MAIL_FROM stops the process with the variable's name.
func TestLoadNamesTheMalformedMailVariable(t *testing.T) {
	t.Setenv("SMTP_URL", "smtp://user:hunter2@host:notaport")
	_, err := config.Load()
	if err == nil || !strings.HasPrefix(err.Error(), "SMTP_URL: ") || strings.Contains(err.Error(), "hunter2") {
		t.Fatalf("SMTP_URL: %v", err)
	}
	t.Setenv("SMTP_URL", "smtps://smtp.example.ru")
	t.Setenv("MAIL_FROM", "Карсо без адреса")
	if _, err := config.Load(); err == nil || !strings.HasPrefix(err.Error(), "MAIL_FROM: ") {
		t.Fatalf("MAIL_FROM: %v", err)
	}
	t.Setenv("MAIL_FROM", "Карсо <mail@karso.ru>")
	c, err := config.Load()
	if err != nil {
		t.Fatal(err)
	}
	if c.SMTP.TLS != config.TLSImplicit || c.MailFrom.Name != "Карсо" || c.MailFrom.Address != "mail@karso.ru" {
		t.Errorf("loaded %+v from %+v", c.SMTP, c.MailFrom)
	}
}

// Without the variables mail goes to the Mailpit `make run` starts, from the company.
func TestMailDefaults(t *testing.T) {
	t.Setenv("SMTP_URL", "")
	t.Setenv("MAIL_FROM", "")
	c, err := config.Load()
	if err != nil {
		t.Fatal(err)
	}
	if c.SMTP.String() != "smtp://127.0.0.1:1025" || c.MailFrom.Address != "noreply@karso.test" {
		t.Errorf("defaults %s, %s", c.SMTP, c.MailFrom)
	}
	withUser := config.SMTP{Host: "h", Port: 587, Username: "u", Password: "secret", TLS: config.TLSStartTLS}
	if s := withUser.String(); strings.Contains(s, "secret") || s != "smtp://u@h:587" {
		t.Errorf("String() = %q", s)
	}
}
