package mail_test

import (
	"bytes"
	"context"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/uuid"

	"karso.ru/prm/documents"
	"karso.ru/prm/mail"
	"karso.ru/prm/testenv"
)

// issueReceipt archives a receipt PDF of the demo partner, as a paid sale does.
func issueReceipt(t *testing.T) documents.Ref {
	t.Helper()
	ctx := context.Background()
	var partnerID int64
	if err := pool.QueryRow(ctx, `SELECT id FROM partners WHERE name LIKE '%Автомир%' LIMIT 1`).Scan(&partnerID); err != nil {
		t.Fatal(err)
	}
	number := "KR-2026-" + uuid.NewString()[:6]
	ref, err := docs.Issue(ctx, documents.KindReceipt, partnerID, nil, "receipt-"+number+".pdf", documents.ReceiptData{
		Number: number, PaidAt: time.Now(), ContractNumber: "KR-2026-000042", Partner: documents.Partner{ID: partnerID, Name: "Автомир"},
		Customer: "Иванов Сергей Петрович", Purpose: "Оплата по договору", Method: "банковская карта", AmountKopecks: 52_790_00})
	if err != nil {
		t.Fatal(err)
	}
	return ref
}

// A queued message reaches the server within seconds of its commit — woken by the outbox's
// notification, the sender polls only hourly here — with both parts in the recipient's
// language, the company as the sender, and the archived PDF attached.
func TestQueuedMailArrivesWithItsAttachment(t *testing.T) {
	ctx := context.Background()
	mp := startMailpit(t, testenv.MailpitOptions{})
	runSender(t, mp.SMTPURL(), fastRetries)
	receipt := issueReceipt(t)
	queue(t, mail.Message{Kind: mail.KindContractPaid, To: "s.ivanov@example.ru", Locale: "ru",
		Data: mail.Paid{CustomerName: "Иванов Сергей", ContractNumber: "KR-2026-000042", Vehicle: "Kia Rio",
			VIN: "XWEAB41BBPM123456", Amount: 52_790_00, ReceiptNumber: "KR-2026-000042-1"},
		Attachments: []uuid.UUID{receipt.ID}})

	got := arrived(t, mp, "s.ivanov@example.ru", 1, 10*time.Second)
	m, err := mp.Message(ctx, got[0].ID)
	if err != nil {
		t.Fatal(err)
	}
	if m.Subject != "Ваш договор гарантии KR-2026-000042 оплачен" {
		t.Errorf("subject %q", m.Subject)
	}
	if m.From.Address != "noreply@karso.test" || m.From.Name != "Карсо" {
		t.Errorf("from %+v", m.From)
	}
	if len(m.To) != 1 || m.To[0].Address != "s.ivanov@example.ru" {
		t.Errorf("to %+v", m.To)
	}
	if !strings.Contains(m.Text, "Мы получили оплату") || !strings.Contains(m.Text, "ООО «Карсо»") {
		t.Errorf("plain part: %s", m.Text)
	}
	if !strings.Contains(m.HTML, "<b>Договор вступил в силу.</b>") || !strings.Contains(m.HTML, "ООО «Карсо»") {
		t.Errorf("HTML part: %s", m.HTML)
	}
	if len(m.Attachments) != 1 || m.Attachments[0].FileName != receipt.FileName || m.Attachments[0].ContentType != "application/pdf" {
		t.Fatalf("attachments %+v, want %s", m.Attachments, receipt.FileName)
	}
	pdf, err := mp.Attachment(ctx, m.ID, m.Attachments[0].PartID)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.HasPrefix(pdf, []byte("%PDF")) || int64(len(pdf)) != receipt.Size {
		t.Errorf("attachment is %d bytes starting %q, the archive has %d", len(pdf), pdf[:min(8, len(pdf))], receipt.Size)
	}
	waitFor(t, 5*time.Second, "outbox row sent with the server's answer", func() (bool, error) {
		r := outboxOf(t, "s.ivanov@example.ru")
		return r.Status == mail.StatusSent && strings.HasPrefix(r.LastError, "250 ") && r.Attempts == 1, nil
	})
}

// English readers get English; the dedup key makes a repeated queue one message.
func TestEnglishReaderAndDedupKey(t *testing.T) {
	mp := startMailpit(t, testenv.MailpitOptions{})
	runSender(t, mp.SMTPURL(), fastRetries)
	m := paymentLink("reader@example.com")
	m.Locale, m.DedupKey = "en", "payment_link:once"
	queue(t, m)
	again, err := mail.Queue(context.Background(), pool, m)
	if err != nil || again {
		t.Fatalf("queued the same key again: %v %v", again, err)
	}
	got := arrived(t, mp, "reader@example.com", 1, 10*time.Second)
	if !strings.HasPrefix(got[0].Subject, "Payment for warranty contract KR-2026-000042") {
		t.Errorf("subject %q", got[0].Subject)
	}
	// another message after it proves the sender went on and still sent the first once
	queue(t, paymentLink("next@example.com"))
	arrived(t, mp, "next@example.com", 1, 10*time.Second)
	arrived(t, mp, "reader@example.com", 1, time.Second)
}

// While the relay is down mail waits, counting its attempts; once the relay is back every
// message is delivered exactly once.
func TestMailWaitsForTheRelayAndIsDeliveredOnce(t *testing.T) {
	mp := startMailpit(t, testenv.MailpitOptions{})
	runSender(t, mp.SMTPURL(), fastRetries)
	queue(t, paymentLink("before@example.com"))
	arrived(t, mp, "before@example.com", 1, 10*time.Second)

	mp.Stop()
	for i := range 3 {
		queue(t, paymentLink(fmt.Sprintf("outage%d@example.com", i)))
	}
	waitFor(t, 10*time.Second, "three failed attempts while the relay is down", func() (bool, error) {
		r := outboxOf(t, "outage0@example.com")
		return r.Status == mail.StatusQueued && r.Attempts >= 3 && strings.Contains(r.LastError, "connect to smtp://127.0.0.1"), nil
	})

	if err := mp.Start(); err != nil {
		t.Fatal(err)
	}
	for i := range 3 {
		arrived(t, mp, fmt.Sprintf("outage%d@example.com", i), 1, 10*time.Second)
	}
	waitFor(t, 5*time.Second, "outbox rows sent", func() (bool, error) {
		return outboxOf(t, "outage2@example.com").Status == mail.StatusSent, nil
	})
	queue(t, paymentLink("after@example.com"))
	arrived(t, mp, "after@example.com", 1, 10*time.Second)
	for i := range 3 {
		arrived(t, mp, fmt.Sprintf("outage%d@example.com", i), 1, time.Second)
	}
	arrived(t, mp, "before@example.com", 1, time.Second)
}

// A server's "try again later" (451) is retried with backoff until it accepts.
func TestTemporaryRefusalIsRetried(t *testing.T) {
	ctx := context.Background()
	mp := startMailpit(t, testenv.MailpitOptions{Chaos: true})
	if err := mp.SetRecipientError(ctx, 451); err != nil {
		t.Fatal(err)
	}
	runSender(t, mp.SMTPURL(), fastRetries)
	queue(t, paymentLink("later@example.com"))
	waitFor(t, 10*time.Second, "two refused attempts", func() (bool, error) {
		r := outboxOf(t, "later@example.com")
		return r.Status == mail.StatusQueued && r.Attempts >= 2 && strings.Contains(r.LastError, "451"), nil
	})
	if err := mp.SetRecipientError(ctx, 0); err != nil {
		t.Fatal(err)
	}
	arrived(t, mp, "later@example.com", 1, 10*time.Second)
}

// A recipient the server refuses for good (550) fails that message with the server's answer;
// the rest of the batch still goes.
func TestRefusedRecipientFailsAloneWithTheReason(t *testing.T) {
	mp := startMailpit(t, testenv.MailpitOptions{AllowedRecipients: `@example\.ru$`})
	queue(t, paymentLink("first@example.ru"))
	queue(t, paymentLink("nobody@refused.example"))
	queue(t, paymentLink("last@example.ru"))
	runSender(t, mp.SMTPURL(), fastRetries)

	arrived(t, mp, "first@example.ru", 1, 10*time.Second)
	arrived(t, mp, "last@example.ru", 1, 10*time.Second)
	waitFor(t, 5*time.Second, "the refused message failed", func() (bool, error) {
		return outboxOf(t, "nobody@refused.example").Status == mail.StatusFailed, nil
	})
	r := outboxOf(t, "nobody@refused.example")
	if r.Attempts != 1 || !strings.Contains(r.LastError, "550") || !strings.Contains(r.LastError, "nobody@refused.example") {
		t.Errorf("failed row %+v: want one attempt and the server's 550", r)
	}
	arrived(t, mp, "nobody@refused.example", 0, time.Second)
}

// An address that is not one is recorded failed when queued; the caller goes on.
func TestMalformedAddressFailsAtOnce(t *testing.T) {
	startMailpit(t, testenv.MailpitOptions{})
	queue(t, paymentLink("not an address"))
	r := outboxOf(t, "not an address")
	if r.Status != mail.StatusFailed || !strings.Contains(r.LastError, "malformed address") || r.Attempts != 0 {
		t.Errorf("row %+v", r)
	}
	if _, err := mail.Queue(context.Background(), pool, mail.Message{Kind: "no_such_kind", To: "a@example.ru", DedupKey: "x"}); err == nil {
		t.Error("queued a kind without a template")
	}
}

// A sender that died holding a claim leaves the message to be claimed again once the lease
// ran out; it is then delivered, once.
func TestCrashedSendersClaimIsResumed(t *testing.T) {
	ctx := context.Background()
	mp := startMailpit(t, testenv.MailpitOptions{})
	queue(t, paymentLink("resumed@example.com"))
	// the crashed sender claimed the message, as ClaimDueMail does, and never came back
	var claimed int
	if err := pool.QueryRow(ctx, `UPDATE mail_outbox SET status = 'sending', attempts = attempts + 1,
		claimed_until = now() + interval '300 milliseconds' WHERE to_address = 'resumed@example.com' RETURNING attempts`).Scan(&claimed); err != nil {
		t.Fatal(err)
	}
	runSender(t, mp.SMTPURL(), mail.SenderOptions{Lease: time.Minute, Timeout: 5 * time.Second, Poll: 100 * time.Millisecond})
	arrived(t, mp, "resumed@example.com", 1, 10*time.Second)
	waitFor(t, 5*time.Second, "row sent on the second attempt", func() (bool, error) {
		r := outboxOf(t, "resumed@example.com")
		return r.Status == mail.StatusSent && r.Attempts == claimed+1, nil
	})
}

// Two workers' senders share the outbox: every message goes once.
func TestTwoSendersSendEachMessageOnce(t *testing.T) {
	mp := startMailpit(t, testenv.MailpitOptions{})
	opts := fastRetries
	opts.Batch = 3
	runSender(t, mp.SMTPURL(), opts)
	runSender(t, mp.SMTPURL(), opts)
	var wg sync.WaitGroup
	for i := range 30 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			m := paymentLink(fmt.Sprintf("many%02d@example.com", i))
			m.DedupKey = m.To
			if _, err := mail.Queue(context.Background(), pool, m); err != nil {
				t.Error(err)
			}
		}()
	}
	wg.Wait()
	waitFor(t, 20*time.Second, "30 messages", func() (bool, error) {
		got, err := mp.Messages(context.Background())
		return len(got) >= 30, err
	})
	for i := range 30 {
		arrived(t, mp, fmt.Sprintf("many%02d@example.com", i), 1, time.Second)
	}
}
