package mail

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	netmail "net/mail"
	"strings"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"karso.ru/prm/config"
	"karso.ru/prm/db/store"
	"karso.ru/prm/documents"
)

// DocumentSource opens an archived document for attaching; *documents.Service is the one
// the worker uses.
type DocumentSource interface {
	Open(ctx context.Context, docID uuid.UUID) (io.ReadCloser, documents.Ref, error)
}

// SenderOptions tune delivery; the zero value of a field takes its default.
type SenderOptions struct {
	// Batch is how many due messages one claim takes (default 10).
	Batch int
	// Lease is how long a claim lasts: a sender that dies mid-batch leaves its messages to
	// be claimed again after this (default 10 minutes, far more than a batch takes).
	Lease time.Duration
	// Timeout bounds connecting to the relay and each of its answers (default 30 s).
	Timeout time.Duration
	// RetryBase and RetryMax shape the backoff after a temporary failure: RetryBase·2^(n-1)
	// after attempt n, at most RetryMax (defaults 30 s and 30 min).
	RetryBase, RetryMax time.Duration
	// MaxAttempts is how many temporary failures a message takes before it is failed for good
	// (default 50, a little over a day with the default backoff).
	MaxAttempts int
	// Poll is the longest the sender sleeps without a notification, in case one was lost
	// with a dropped connection (default 1 minute).
	Poll time.Duration
}

func (o SenderOptions) withDefaults() SenderOptions {
	def := func(d *time.Duration, v time.Duration) {
		if *d <= 0 {
			*d = v
		}
	}
	if o.Batch <= 0 {
		o.Batch = 10
	}
	if o.MaxAttempts <= 0 {
		o.MaxAttempts = 50
	}
	def(&o.Lease, 10*time.Minute)
	def(&o.Timeout, 30*time.Second)
	def(&o.RetryBase, 30*time.Second)
	def(&o.RetryMax, 30*time.Minute)
	def(&o.Poll, time.Minute)
	return o
}

// SenderDeps are what the sender needs from the process.
type SenderDeps struct {
	Pool      *pgxpool.Pool
	Log       *slog.Logger
	SMTP      config.SMTP
	From      *netmail.Address
	Documents DocumentSource
	Options   SenderOptions
}

// Sender drains the mail outbox: it claims due messages (FOR UPDATE SKIP LOCKED, so several
// workers share the work), sends each over SMTP and records how it went, one message at a
// time, so that a crash repeats at most the message in flight. It wakes on the outbox's
// NOTIFY, so mail leaves within moments of its commit, and on the next retry falling due.
type Sender struct {
	pool  *pgxpool.Pool
	q     *store.Queries
	log   *slog.Logger
	relay relay
	docs  DocumentSource
	opts  SenderOptions
}

// NewSender builds the sender; Run starts it.
func NewSender(d SenderDeps) *Sender {
	log := d.Log
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	opts := d.Options.withDefaults()
	return &Sender{pool: d.Pool, q: store.New(d.Pool), log: log.With("component", "mail"), docs: d.Documents, opts: opts,
		relay: relay{smtp: d.SMTP, from: d.From, timeout: opts.Timeout}}
}

// Run delivers mail until ctx ends. A lost database connection is logged and reopened; it
// never stops the worker.
func (s *Sender) Run(ctx context.Context) error {
	s.log.Info("mail sender started", "smtp", s.relay.smtp.String(), "from", s.relay.from.Name+" <"+s.relay.from.Address+">")
	for {
		err := s.listen(ctx)
		if ctx.Err() != nil {
			return nil
		}
		s.log.Warn("mail sender lost its database connection; reconnecting", "err", err)
		select {
		case <-ctx.Done():
			return nil
		case <-time.After(5 * time.Second):
		}
	}
}

// listen holds a connection of its own LISTENing on the outbox and delivers whatever is due
// each time it wakes: a notification, the next retry falling due, or Poll passing.
func (s *Sender) listen(ctx context.Context) error {
	conn, err := pgx.ConnectConfig(ctx, s.pool.Config().ConnConfig.Copy())
	if err != nil {
		return err
	}
	defer conn.Close(context.Background())
	if _, err := conn.Exec(ctx, "LISTEN mail_outbox"); err != nil {
		return err
	}
	for {
		if err := s.drain(ctx); err != nil {
			if ctx.Err() != nil {
				return nil
			}
			s.log.Error("mail delivery", "err", err)
		}
		wait, err := s.untilDue(ctx)
		if err != nil {
			if ctx.Err() != nil {
				return nil
			}
			s.log.Error("mail delivery", "err", err)
		}
		waitCtx, cancel := context.WithTimeout(ctx, wait)
		_, err = conn.WaitForNotification(waitCtx)
		cancel()
		switch {
		case ctx.Err() != nil:
			return nil
		case err != nil && !errors.Is(err, context.DeadlineExceeded):
			return err
		}
	}
}

// untilDue is how long the sender may sleep: until the next attempt or lease falls due, at
// most Poll.
func (s *Sender) untilDue(ctx context.Context) (time.Duration, error) {
	due, err := s.q.NextMailDue(ctx)
	if err != nil {
		return s.opts.Poll, fmt.Errorf("next mail due: %w", err)
	}
	return min(max(time.Until(due), 10*time.Millisecond), s.opts.Poll), nil
}

// drain delivers batches until nothing is due.
func (s *Sender) drain(ctx context.Context) error {
	for {
		n, err := s.DeliverDue(ctx)
		if err != nil || n < s.opts.Batch {
			return err
		}
	}
}

// DeliverDue claims one batch of due messages and delivers it over one SMTP connection; it
// answers how many it claimed. Run calls it; tests call it to take one step.
func (s *Sender) DeliverDue(ctx context.Context) (int, error) {
	claimed := time.Now()
	rows, err := s.q.ClaimDueMail(ctx, store.ClaimDueMailParams{LeaseSeconds: s.opts.Lease.Seconds(), Lim: int32(s.opts.Batch)})
	if err != nil {
		return 0, fmt.Errorf("claim mail: %w", err)
	}
	if len(rows) == 0 {
		return 0, nil
	}
	// a claim is only ours until its lease ends; stop sending well before that, so that no
	// other sender can have claimed a message we are still sending
	deadline := claimed.Add(s.opts.Lease - 2*s.opts.Timeout)
	conn, err := s.relay.dial(ctx)
	if err != nil {
		for _, r := range rows {
			s.record(ctx, r, outcome{temporary: true, reason: "connect to " + s.relay.smtp.String() + ": " + err.Error()})
		}
		return len(rows), nil
	}
	defer conn.close()
	for _, r := range rows {
		if time.Now().After(deadline) || ctx.Err() != nil {
			s.record(context.WithoutCancel(ctx), r, outcome{temporary: true, reason: "not sent before the claim ran out", now: true})
			continue
		}
		s.record(ctx, r, s.deliver(ctx, conn, r))
	}
	return len(rows), nil
}

// outcome is how one delivery went.
type outcome struct {
	sent bool
	// temporary failures are tried again later; the others fail the message for good
	temporary bool
	reason    string
	// now: try again at once (the message was not tried at all)
	now bool
}

func (s *Sender) deliver(ctx context.Context, conn *connection, r store.ClaimDueMailRow) outcome {
	attachments, err := s.attachments(ctx, r.Attachments)
	if err != nil {
		return outcome{temporary: !errors.Is(err, documents.ErrNotFound), reason: err.Error()}
	}
	msg, err := s.relay.message(r, attachments)
	if err != nil {
		return outcome{reason: err.Error()}
	}
	return conn.send(msg)
}

// record writes the outcome, guarded by the attempt the claim counted: a sender that lost
// its claim records nothing.
func (s *Sender) record(ctx context.Context, r store.ClaimDueMailRow, o outcome) {
	log := s.log.With("mail_id", r.ID, "kind", r.Kind, "attempt", r.Attempts)
	var n int64
	var err error
	switch {
	case o.sent:
		n, err = s.q.MarkMailSent(ctx, store.MarkMailSentParams{ID: r.ID, Attempt: r.Attempts, ServerAnswer: o.reason})
		log.Info("mail sent", "server", o.reason)
	case o.temporary && int(r.Attempts) < s.opts.MaxAttempts:
		next := time.Now().Add(s.backoff(int(r.Attempts)))
		if o.now {
			next = time.Now()
		}
		n, err = s.q.MarkMailRetry(ctx, store.MarkMailRetryParams{ID: r.ID, Attempt: r.Attempts, NextAttemptAt: next,
			LastError: o.reason})
		log.Warn("mail not sent, will retry", "reason", o.reason, "next_attempt_at", next)
	default:
		reason := o.reason
		if o.temporary {
			reason = fmt.Sprintf("gave up after %d attempts: %s", r.Attempts, o.reason)
		}
		n, err = s.q.MarkMailFailed(ctx, store.MarkMailFailedParams{ID: r.ID, Attempt: r.Attempts, LastError: reason})
		log.Error("mail failed", "reason", reason)
	}
	if err != nil {
		log.Error("record mail outcome", "err", err)
	} else if n == 0 {
		log.Warn("mail claim lost before its outcome was recorded")
	}
}

// backoff is the pause after attempt n failed for a temporary reason.
func (s *Sender) backoff(n int) time.Duration {
	d := s.opts.RetryBase
	for i := 1; i < n && d < s.opts.RetryMax; i++ {
		d *= 2
	}
	return min(d, s.opts.RetryMax)
}

// attachment is one archived document, read whole (PDFs of a few hundred kilobytes).
type attachment struct {
	name, mime string
	content    []byte
}

func (s *Sender) attachments(ctx context.Context, ids []uuid.UUID) ([]attachment, error) {
	out := make([]attachment, 0, len(ids))
	for _, id := range ids {
		if s.docs == nil {
			return nil, errors.New("no document storage to attach from")
		}
		rc, ref, err := s.docs.Open(ctx, id)
		if err != nil {
			return nil, fmt.Errorf("attach document %s: %w", id, err)
		}
		content, err := io.ReadAll(rc)
		rc.Close()
		if err != nil {
			return nil, fmt.Errorf("attach document %s: %w", id, err)
		}
		out = append(out, attachment{name: ref.FileName, mime: ref.Mime, content: content})
	}
	return out, nil
}

// serverAnswer trims go-mail's account of a failure to what the server said.
func serverAnswer(err error) string {
	s := err.Error()
	if i := strings.Index(s, ", affected message ID:"); i >= 0 {
		s = s[:i]
	}
	return s
}
