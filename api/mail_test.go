package api_test

import (
	"context"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"karso.ru/prm/testenv"
)

// mailJSON is a message as the «Почта» page reads it.
type mailJSON struct {
	ID              int64      `json:"id"`
	To              string     `json:"to"`
	Subject         string     `json:"subject"`
	Kind            string     `json:"kind"`
	Status          string     `json:"status"`
	Attempts        int        `json:"attempts"`
	Reason          string     `json:"reason"`
	AttachmentCount int        `json:"attachment_count"`
	SaleID          *string    `json:"sale_id"`
	SentAt          *time.Time `json:"sent_at"`
	Preview         string     `json:"preview"`
	Text            string     `json:"text"`
	HTML            string     `json:"html"`
	Attachments     []struct {
		FileName    string `json:"file_name"`
		DownloadURL string `json:"download_url"`
	} `json:"attachments"`
}

// arrivedIn waits until a message whose plain text contains marker reached address in the
// suite's Mailpit, and returns it.
func arrivedIn(t *testing.T, address, marker string) testenv.MailMessage {
	t.Helper()
	ctx := context.Background()
	var found testenv.MailMessage
	eventually(t, "mail to "+address+" about "+marker, func() bool {
		list, err := mailbox.MessagesTo(ctx, address)
		if err != nil {
			t.Fatal(err)
		}
		for _, s := range list {
			m, err := mailbox.Message(ctx, s.ID)
			if err != nil {
				t.Fatal(err)
			}
			if strings.Contains(m.Text, marker) {
				found = m
				return true
			}
		}
		return false
	})
	return found
}

// A dealer's submit mails the customer the payment link within seconds, and the admin's
// «Почта» page lists it as sent with its preview.
func TestSubmitMailsThePaymentLinkAndThePageShowsItSent(t *testing.T) {
	dealer := login(t, "dealer@karso.test")
	start := time.Now()
	s := saleAwaitingPayment(t, dealer)
	if s.Payment == nil || s.Payment.URL == "" {
		t.Fatalf("no card payment link: %+v", s.Payment)
	}
	m := arrivedIn(t, "s.ivanov@example.ru", s.Payment.URL)
	if took := time.Since(start); took > 15*time.Second {
		t.Errorf("the payment link took %s to arrive", took)
	}
	if !strings.HasPrefix(m.Subject, "Оплата по договору гарантии KR-") || !strings.Contains(m.HTML, `href="`+s.Payment.URL+`"`) {
		t.Errorf("payment link mail: %s\n%s", m.Subject, m.HTML)
	}

	admin := login(t, "admin@karso.test")
	var page listOf[mailJSON]
	eventually(t, "the «Почта» page shows it sent", func() bool {
		admin.do("GET", "/api/v1/admin/mail?kind=payment_link&q=s.ivanov@example.ru&per_page=100", nil).json(t, &page)
		for _, i := range page.Items {
			if i.SaleID != nil && *i.SaleID == s.ID {
				return i.Status == "sent" && i.Attempts == 1 && i.SentAt != nil && strings.HasPrefix(i.Reason, "250") &&
					strings.Contains(i.Preview, "Здравствуйте, Иванов Сергей Петрович!")
			}
		}
		return false
	})
	var one mailJSON
	for _, i := range page.Items {
		if i.SaleID != nil && *i.SaleID == s.ID {
			one = i
		}
	}
	var detail mailJSON
	admin.do("GET", "/api/v1/admin/mail/"+strconv.FormatInt(one.ID, 10), nil).json(t, &detail)
	if !strings.Contains(detail.Text, s.Payment.URL) || !strings.Contains(detail.HTML, "<html") {
		t.Errorf("detail has not both parts: %+v", detail)
	}
}

// A failed message is sent again from the page, once, and the resend is audited; mail that is
// not failed cannot be sent again, and bad filters are refused.
func TestFailedMailIsSentAgainFromThePage(t *testing.T) {
	ctx := context.Background()
	var mailID int64
	address := "again-" + strconv.FormatInt(time.Now().UnixNano(), 36) + "@example.ru"
	err := pool.QueryRow(ctx, `INSERT INTO mail_outbox (to_address, subject, body, html_body, kind, locale, dedup_key,
		status, attempts, last_error, failed_at)
		VALUES ($1, 'Письмо, которое не дошло', 'Текст письма', '', 'payment_link', 'ru', $1, 'failed', 3,
		        '550 mailbox unavailable', now()) RETURNING id`, address).Scan(&mailID)
	if err != nil {
		t.Fatal(err)
	}
	path := "/api/v1/admin/mail/" + strconv.FormatInt(mailID, 10)
	admin := login(t, "admin@karso.test")
	var failed listOf[mailJSON]
	admin.do("GET", "/api/v1/admin/mail?status=failed&q="+address, nil).json(t, &failed)
	if len(failed.Items) != 1 || failed.Items[0].Reason != "550 mailbox unavailable" || failed.Items[0].Attempts != 3 {
		t.Fatalf("failed filter: %+v", failed.Items)
	}

	expectStatus(t, login(t, "finance@karso.test").do("POST", path+"/resend", nil), http.StatusForbidden)
	var queued mailJSON
	r := admin.do("POST", path+"/resend", nil)
	expectStatus(t, r, http.StatusOK)
	r.json(t, &queued)
	if queued.Status != "queued" || queued.Attempts != 0 {
		t.Errorf("resent: %+v", queued)
	}
	arrivedIn(t, address, "Текст письма")
	var sent mailJSON
	eventually(t, "the resent mail is sent", func() bool {
		admin.do("GET", path, nil).json(t, &sent)
		return sent.Status == "sent"
	})
	r = admin.do("POST", path+"/resend", nil)
	expectStatus(t, r, http.StatusConflict)
	if p := r.problem(t); p.Code != "mail_not_failed" {
		t.Errorf("resending sent mail: %+v", p)
	}
	if list, _ := mailbox.MessagesTo(ctx, address); len(list) != 1 {
		t.Errorf("%d copies arrived", len(list))
	}

	var n int
	if err := pool.QueryRow(ctx, `SELECT count(*) FROM audit_log WHERE action = 'mail.resend' AND entity_type = 'mail'
		AND entity_id = $1 AND before->>'status' = 'failed' AND after->>'status' = 'queued'`,
		strconv.FormatInt(mailID, 10)).Scan(&n); err != nil || n != 1 {
		t.Errorf("%d audit entries (%v)", n, err)
	}

	expectStatus(t, admin.do("GET", "/api/v1/admin/mail?status=lost", nil), http.StatusBadRequest)
	expectStatus(t, admin.do("GET", "/api/v1/admin/mail?kind=nonsense", nil), http.StatusBadRequest)
	expectStatus(t, admin.do("GET", "/api/v1/admin/mail/999999999", nil), http.StatusNotFound)
	expectStatus(t, admin.do("POST", "/api/v1/admin/mail/999999999/resend", nil), http.StatusNotFound)
	expectStatus(t, login(t, "dealer@karso.test").do("GET", "/api/v1/admin/mail", nil), http.StatusForbidden)
}

// A password-reset mail shows on the page as sent, but never with its link: it would sign the
// admin in as its recipient.
func TestConfidentialMailIsListedWithoutItsBody(t *testing.T) {
	ctx := context.Background()
	secret := "https://karso.test/reset?token=" + strconv.FormatInt(time.Now().UnixNano(), 36)
	var mailID int64
	err := pool.QueryRow(ctx, `INSERT INTO mail_outbox (to_address, subject, body, html_body, kind, locale, dedup_key, status, sent_at)
		VALUES ('dealer@karso.test', 'Восстановление пароля', $1, $2, 'password_reset', 'ru', $1, 'sent', now()) RETURNING id`,
		"Ссылка: "+secret, `<a href="`+secret+`">Сменить пароль</a>`).Scan(&mailID)
	if err != nil {
		t.Fatal(err)
	}
	admin := login(t, "admin@karso.test")
	var page listOf[mailJSON]
	admin.do("GET", "/api/v1/admin/mail?per_page=100&q="+url.QueryEscape("Восстановление пароля"), nil).json(t, &page)
	r := admin.do("GET", "/api/v1/admin/mail/"+strconv.FormatInt(mailID, 10), nil)
	expectStatus(t, r, http.StatusOK)
	var detail mailJSON
	r.json(t, &detail)
	found := false
	for _, i := range page.Items {
		if i.ID == mailID {
			found = i.Status == "sent"
			if strings.Contains(i.Preview, "token=") {
				t.Errorf("the list shows the reset link: %q", i.Preview)
			}
		}
	}
	if !found {
		t.Errorf("the reset mail is not listed as sent: %+v", page.Items)
	}
	if strings.Contains(string(r.Body), "token=") || detail.HTML != "" || !strings.Contains(detail.Text, "скрыт") {
		t.Errorf("the detail shows the reset mail's body: %s", r.Body)
	}
}
