package mail

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	netmail "net/mail"
	"strings"
	"time"

	gomail "github.com/wneessen/go-mail"

	"karso.ru/prm/config"
	"karso.ru/prm/db/store"
)

// relay is the SMTP server mail goes through (SMTP_URL) and the sender it names (MAIL_FROM).
type relay struct {
	smtp    config.SMTP
	from    *netmail.Address
	timeout time.Duration
}

// connection is one SMTP session a batch is sent over.
type connection struct {
	client *gomail.Client
}

// dial connects, says EHLO, secures the session as SMTP_URL asks and authenticates.
func (r relay) dial(ctx context.Context) (*connection, error) {
	opts := []gomail.Option{gomail.WithPort(r.smtp.Port), gomail.WithTimeout(r.timeout)}
	switch r.smtp.TLS {
	case config.TLSImplicit:
		opts = append(opts, gomail.WithSSL())
	case config.TLSStartTLS:
		opts = append(opts, gomail.WithTLSPolicy(gomail.TLSMandatory))
	default:
		opts = append(opts, gomail.WithTLSPolicy(gomail.TLSOpportunistic))
	}
	if r.smtp.Username != "" {
		opts = append(opts, gomail.WithSMTPAuth(gomail.SMTPAuthAutoDiscover),
			gomail.WithUsername(r.smtp.Username), gomail.WithPassword(r.smtp.Password))
	}
	client, err := gomail.NewClient(r.smtp.Host, opts...)
	if err != nil {
		return nil, err
	}
	if err := client.DialWithContext(ctx); err != nil {
		return nil, err
	}
	return &connection{client: client}, nil
}

func (c *connection) close() { _ = c.client.Close() }

// send hands one message to the server. The server's 250 makes it sent even if what follows
// (RSET) fails; a 5xx answer is permanent, a 4xx or a broken connection temporary.
func (c *connection) send(msg *gomail.Msg) outcome {
	err := c.client.Send(msg)
	if msg.IsDelivered() {
		// the server took the data with a 250; go-mail keeps only the text after the code
		return outcome{sent: true, reason: strings.TrimSpace("250 " + msg.ServerResponse())}
	}
	if err == nil {
		err = errors.New("the server did not confirm the message")
	}
	return outcome{temporary: !permanent(err), reason: serverAnswer(err)}
}

// permanent reports whether the server refused for good: a 5xx reply, or a message go-mail
// cannot even put on the wire (no sender or recipient).
func permanent(err error) bool {
	var se *gomail.SendError
	if !errors.As(err, &se) {
		return false
	}
	switch se.Reason {
	case gomail.ErrGetSender, gomail.ErrGetRcpts, gomail.ErrNoUnencoded:
		return true
	}
	return se.ErrorCode() >= 500 && se.ErrorCode() < 600
}

// message builds the MIME message of an outbox row: plain text with its HTML alternative,
// the attachments, and a Message-ID made from the row, the same on every attempt.
func (r relay) message(row store.ClaimDueMailRow, attachments []attachment) (*gomail.Msg, error) {
	m := gomail.NewMsg()
	m.FromMailAddress(r.from)
	if err := m.To(row.ToAddress); err != nil {
		return nil, fmt.Errorf("malformed address: %w", err)
	}
	m.Subject(row.Subject)
	m.SetMessageIDWithValue(messageID(row.ID, r.from))
	m.SetDate()
	m.SetGenHeader(gomail.HeaderContentLang, row.Locale)
	m.SetGenHeader("Auto-Submitted", "auto-generated") // RFC 3834: no out-of-office replies
	m.SetBodyString(gomail.TypeTextPlain, row.Body)
	if row.HtmlBody != "" {
		m.AddAlternativeString(gomail.TypeTextHTML, row.HtmlBody)
	}
	for _, a := range attachments {
		if err := m.AttachReader(a.name, bytes.NewReader(a.content),
			gomail.WithFileContentType(gomail.ContentType(a.mime))); err != nil {
			return nil, fmt.Errorf("attach %s: %w", a.name, err)
		}
	}
	return m, nil
}

// messageID names an outbox row's message on the sender's domain, so that a copy repeated
// after a crash is recognisably the same message.
func messageID(id int64, from *netmail.Address) string {
	domain := "karso.local"
	if at := strings.LastIndexByte(from.Address, '@'); at >= 0 {
		domain = from.Address[at+1:]
	}
	return fmt.Sprintf("mail-%d@%s", id, domain)
}
