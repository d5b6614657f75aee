package mail_test

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	netmail "net/mail"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5/pgxpool"

	"karso.ru/prm/config"
	"karso.ru/prm/db"
	"karso.ru/prm/db/seed"
	"karso.ru/prm/documents"
	"karso.ru/prm/mail"
	"karso.ru/prm/testenv"
	"karso.ru/prm/warranty"
)

// The sender is tested against the real parts: PostgreSQL with the demo data, documents
// stored in a temporary folder, and a Mailpit per test, read through its REST API.
var (
	pool *pgxpool.Pool
	docs *documents.Service
)

func TestMain(m *testing.M) { os.Exit(run(m)) }

func run(m *testing.M) int {
	ctx := context.Background()
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	pg, err := testenv.StartPostgres()
	if err != nil {
		fmt.Fprintln(os.Stderr, "start postgres:", err)
		return 1
	}
	defer pg.Stop()
	url, err := pg.CreateDatabase("mail_test")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	if err := db.Migrate(ctx, url, log); err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	if pool, err = db.Open(ctx, url); err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	defer pool.Close()
	if _, err := seed.IfEmpty(ctx, pool, 4, log); err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	dir, err := os.MkdirTemp("", "karso-mail-blobs-")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	defer os.RemoveAll(dir)
	bucket, err := documents.OpenBucket(ctx, "file://"+dir)
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	defer bucket.Close()
	docs = documents.New(pool, bucket, warranty.Moscow())
	return m.Run()
}

// fastRetries make a test's sender try again within a second instead of minutes.
var fastRetries = mail.SenderOptions{RetryBase: 100 * time.Millisecond, RetryMax: 500 * time.Millisecond,
	Timeout: 5 * time.Second, Poll: time.Hour}

// startMailpit starts the test's own mail server and empties the outbox of earlier tests, so
// that this test's sender sends only this test's mail.
func startMailpit(t *testing.T, opts testenv.MailpitOptions) *testenv.Mailpit {
	t.Helper()
	if _, err := pool.Exec(context.Background(), `DELETE FROM mail_outbox WHERE true`); err != nil {
		t.Fatal(err)
	}
	mp, err := testenv.StartMailpit(opts)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(mp.Close)
	return mp
}

// runSender runs a sender to the server at smtpURL until the test ends. Poll is an hour
// unless the options say otherwise, so mail that arrives promptly was woken by the outbox's
// notification, not found by polling.
func runSender(t *testing.T, smtpURL string, opts mail.SenderOptions) {
	t.Helper()
	relay, err := config.ParseSMTPURL(smtpURL)
	if err != nil {
		t.Fatal(err)
	}
	from, _ := netmail.ParseAddress(config.DefaultMailFrom)
	s := mail.NewSender(mail.SenderDeps{Pool: pool, SMTP: relay, From: from, Documents: docs, Options: opts,
		Log: slog.New(slog.NewTextHandler(testWriter{t}, &slog.HandlerOptions{Level: slog.LevelWarn}))})
	ctx, cancel := context.WithCancel(context.Background())
	var wg sync.WaitGroup
	wg.Add(1)
	go func() { defer wg.Done(); _ = s.Run(ctx) }()
	t.Cleanup(func() { cancel(); wg.Wait() })
}

// testWriter sends the sender's log lines to the test's log.
type testWriter struct{ t *testing.T }

func (w testWriter) Write(p []byte) (int, error) {
	w.t.Log(strings.TrimSpace(string(p)))
	return len(p), nil
}

// queue puts a message into the outbox as an activity does.
func queue(t *testing.T, m mail.Message) {
	t.Helper()
	if m.DedupKey == "" {
		m.DedupKey = "test:" + uuid.NewString()
	}
	if _, err := mail.Queue(context.Background(), pool, m); err != nil {
		t.Fatal(err)
	}
}

// paymentLink is a message without attachments to whoever.
func paymentLink(to string) mail.Message {
	return mail.Message{Kind: mail.KindPaymentLink, To: to, Locale: "ru", Data: mail.PaymentLink{CustomerName: "Иванов Сергей",
		ContractNumber: "KR-2026-000042", Amount: 52_790_00, Attempt: 1, PayURL: "https://karso.test/pay/abc"}}
}

// waitFor polls until ok answers true or the deadline passes; it never sleeps longer than it
// must.
func waitFor(t *testing.T, within time.Duration, what string, ok func() (bool, error)) {
	t.Helper()
	deadline := time.Now().Add(within)
	for {
		done, err := ok()
		if err != nil {
			t.Fatalf("%s: %v", what, err)
		}
		if done {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("%s: not within %s", what, within)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// arrived waits until n messages reached the address, and fails on more.
func arrived(t *testing.T, mp *testenv.Mailpit, address string, n int, within time.Duration) []testenv.MailSummary {
	t.Helper()
	var got []testenv.MailSummary
	waitFor(t, within, fmt.Sprintf("%d mail to %s", n, address), func() (bool, error) {
		var err error
		got, err = mp.MessagesTo(context.Background(), address)
		if len(got) > n {
			return false, fmt.Errorf("%d copies arrived, want %d", len(got), n)
		}
		return len(got) == n, err
	})
	return got
}

// outboxRow is a message's delivery state as the «Почта» page shows it.
type outboxRow struct {
	Status    string
	Attempts  int
	LastError string
}

func outboxOf(t *testing.T, to string) outboxRow {
	t.Helper()
	var r outboxRow
	err := pool.QueryRow(context.Background(), `SELECT status, attempts, last_error FROM mail_outbox WHERE to_address = $1`,
		to).Scan(&r.Status, &r.Attempts, &r.LastError)
	if err != nil {
		t.Fatalf("outbox row of %s: %v", to, err)
	}
	return r
}
