// Package mail delivers the platform's messages: Queue renders a message from its template
// (plain text and HTML, in the recipient's language) into the mail outbox, in the caller's
// transaction; Sender, run by the worker, claims due messages and sends them over SMTP with
// retries, attaching the archived documents they name. See docs/decisions.md for why the
// outbox is drained by a claimed-row loop rather than a workflow per message.
package mail

import (
	"context"
	"errors"
	"fmt"
	"net/mail"
	"strings"

	"github.com/google/uuid"

	"karso.ru/prm/db/store"
)

// Locales mail is written in; anything else reads Russian.
const (
	LocaleRU = "ru"
	LocaleEN = "en"
)

// ErrBadMessage is returned by Queue and Render for a message the caller built wrong: no
// recipient, no dedup key, a kind without a template, data its template cannot print.
var ErrBadMessage = errors.New("bad message")

// Message is one mail to queue.
type Message struct {
	// Kind names the template (mail/templates/<kind>.tmpl) and is shown and filtered on the
	// «Почта» page: "payment_link", "password_reset"…
	Kind string
	// To is the recipient's address.
	To string
	// UserID is the recipient when it is a user of the platform; 0 for a customer.
	UserID int64
	// Locale is the recipient's language, "ru" or "en"; empty reads Russian.
	Locale string
	// Data is what the template prints ({{.ContractNumber}} …): a struct or a map[string]any.
	Data any
	// Attachments are archived documents (documents.Ref.ID) sent as PDF attachments, in order.
	Attachments []uuid.UUID
	// SaleID links the message to the sale it is about, if any.
	SaleID *uuid.UUID
	// DedupKey makes the message once: queuing the same key again adds nothing, so build it
	// from what identifies the event and the person ("payment_link:<payment>:<attempt>").
	DedupKey string
}

// Queue renders m from its template and writes it into the mail outbox through db — a pool,
// or the caller's transaction so that the mail is queued if and only if the change it tells
// of commits. It reports whether the message was added: false when its dedup key was queued
// before (a retry). The worker's Sender delivers it within seconds of the commit.
//
// A recipient address that is not an address at all is recorded as failed at once (the
// admin sees why on the «Почта» page) rather than failing the caller: a customer's typo must
// not stop a sale. A message without a recipient, a dedup key or a template is the caller's
// bug and answers ErrBadMessage.
func Queue(ctx context.Context, db store.DBTX, m Message) (bool, error) {
	m.To = strings.TrimSpace(m.To)
	if err := m.check(); err != nil {
		return false, err
	}
	locale := NormalizeLocale(m.Locale)
	r, err := Render(m.Kind, locale, m.Data)
	if err != nil {
		return false, fmt.Errorf("queue %s mail: %w", m.Kind, err)
	}
	p := store.QueueMailParams{ToAddress: m.To, Subject: r.Subject, Body: r.Text, HtmlBody: r.HTML,
		Kind: m.Kind, Locale: locale, SaleID: m.SaleID, Attachments: m.Attachments, DedupKey: &m.DedupKey,
		Status: StatusQueued}
	if p.Attachments == nil {
		p.Attachments = []uuid.UUID{}
	}
	if m.UserID != 0 {
		p.UserID = &m.UserID
	}
	if _, err := mail.ParseAddress(m.To); err != nil {
		p.Status, p.LastError = StatusFailed, "malformed address: "+err.Error()
	}
	ids, err := store.New(db).QueueMail(ctx, p)
	if err != nil {
		return false, fmt.Errorf("queue %s mail: %w", m.Kind, err)
	}
	return len(ids) > 0, nil
}

// The states of a message in the outbox.
const (
	StatusQueued  = "queued"
	StatusSending = "sending"
	StatusSent    = "sent"
	StatusFailed  = "failed"
)

func (m Message) check() error {
	switch {
	case m.To == "":
		return fmt.Errorf("%w: %s mail has no recipient", ErrBadMessage, m.Kind)
	case m.DedupKey == "":
		return fmt.Errorf("%w: %s mail has no dedup key", ErrBadMessage, m.Kind)
	case !KnownKind(m.Kind):
		return fmt.Errorf("%w: no template for mail kind %q", ErrBadMessage, m.Kind)
	}
	return nil
}

// NormalizeLocale maps a user's locale onto one mail is written in.
func NormalizeLocale(locale string) string {
	if strings.HasPrefix(strings.ToLower(strings.TrimSpace(locale)), LocaleEN) {
		return LocaleEN
	}
	return LocaleRU
}
