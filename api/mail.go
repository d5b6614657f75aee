package api

import (
	"errors"
	"net/http"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/gin-gonic/gin"
	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"

	"karso.ru/prm/db/store"
	"karso.ru/prm/mail"
)

// mountMail adds the admin's «Почта» page: every message the platform queued, how its
// delivery went, and sending a failed one again.
func (s *Server) mountMail(r *gin.RouterGroup) {
	g := r.Group("/admin/mail", allow("admin"))
	g.GET("", s.listMail)
	g.GET("/:id", s.getMail)
	g.POST("/:id/resend", s.resendMail)
}

// mailMessages are the texts of the mail endpoints' own codes, Russian first.
var mailMessages = map[string][2]string{
	"mail_not_failed": {"Отправить снова можно только письмо, которое не удалось доставить",
		"Only a message that could not be delivered can be sent again"},
	"mail_confidential": {"Текст письма скрыт: в нём ссылка, по которой входит только получатель",
		"The text is hidden: it holds a link that only its recipient may use"},
}

// MailMessage is one message of the outbox as the «Почта» list shows it.
type MailMessage struct {
	ID      int64  `json:"id"`
	To      string `json:"to"`
	Subject string `json:"subject"`
	Kind    string `json:"kind"`
	Locale  string `json:"locale"`
	// Status is queued, sending, sent or failed.
	Status   string `json:"status"`
	Attempts int32  `json:"attempts"`
	// Reason is the last word on its delivery: the server's answer (250 … once sent, the
	// refusal when failed) or why the last attempt did not go through.
	Reason          string     `json:"reason"`
	AttachmentCount int32      `json:"attachment_count"`
	SaleID          *uuid.UUID `json:"sale_id"`
	CreatedAt       time.Time  `json:"created_at"`
	// NextAttemptAt is when a queued message is tried (again).
	NextAttemptAt *time.Time `json:"next_attempt_at"`
	SentAt        *time.Time `json:"sent_at"`
	FailedAt      *time.Time `json:"failed_at"`
	// Preview is the start of the plain text.
	Preview string `json:"preview"`
}

// MailDetail is one message whole: both parts and the documents attached.
type MailDetail struct {
	MailMessage
	Text        string           `json:"text"`
	HTML        string           `json:"html"`
	Attachments []MailAttachment `json:"attachments"`
}

// MailAttachment is an archived document a message carries.
type MailAttachment struct {
	DocumentID  uuid.UUID `json:"document_id"`
	Kind        string    `json:"kind"`
	FileName    string    `json:"file_name"`
	SizeBytes   int64     `json:"size_bytes"`
	DownloadURL string    `json:"download_url"`
}

var mailStatuses = []string{mail.StatusQueued, mail.StatusSending, mail.StatusSent, mail.StatusFailed}

// listMail lists the outbox newest first, filtered by status, kind and a search in the
// recipient and subject.
func (s *Server) listMail(c *gin.Context) {
	p, ok := paging(c)
	if !ok {
		return
	}
	q := s.checkQuery(c)
	arg := store.ListMailParams{Status: q.oneOf("status", mailStatuses...), Kind: q.oneOf("kind", mail.Kinds()...),
		Search: strings.TrimSpace(c.Query("q")), Lim: p.limit(), Off: p.offset()}
	if utf8.RuneCountInString(arg.Search) > 200 {
		q.wrong("q", fieldMessage(lang(c), "max", "200"))
	}
	if !q.ok() {
		return
	}
	rows, err := s.q.ListMail(c.Request.Context(), arg)
	if err != nil {
		s.failInternal(c, err)
		return
	}
	items := make([]MailMessage, 0, len(rows))
	var total int64
	for _, r := range rows {
		total = r.Total
		items = append(items, mailMessage(store.GetMailRow{ID: r.ID, ToAddress: r.ToAddress, Subject: r.Subject,
			Kind: r.Kind, Locale: r.Locale, Status: r.Status, Attempts: r.Attempts, LastError: r.LastError,
			SaleID: r.SaleID, CreatedAt: r.CreatedAt, NextAttemptAt: r.NextAttemptAt, SentAt: r.SentAt,
			FailedAt: r.FailedAt}, r.AttachmentCount, hideConfidential(c, r.Kind, r.Preview)))
	}
	p.answer(c, items, total)
}

// hideConfidential keeps the body of a confidential kind (a password reset) from the admin:
// its link would sign them in as the recipient.
func hideConfidential(c *gin.Context, kind, body string) string {
	if mail.Confidential(kind) {
		return pick(mailMessages, "mail_confidential", lang(c))
	}
	return body
}

func mailMessage(r store.GetMailRow, attachments int32, preview string) MailMessage {
	m := MailMessage{ID: r.ID, To: r.ToAddress, Subject: r.Subject, Kind: r.Kind, Locale: r.Locale, Status: r.Status,
		Attempts: r.Attempts, Reason: r.LastError, AttachmentCount: attachments, SaleID: r.SaleID,
		CreatedAt: r.CreatedAt, SentAt: r.SentAt, FailedAt: r.FailedAt, Preview: preview}
	if r.Status == mail.StatusQueued {
		next := r.NextAttemptAt
		m.NextAttemptAt = &next
	}
	return m
}

// getMail answers one message whole.
func (s *Server) getMail(c *gin.Context) {
	mailID, ok := pathID(c)
	if !ok {
		return
	}
	ctx := c.Request.Context()
	r, err := s.q.GetMail(ctx, mailID)
	if errors.Is(err, pgx.ErrNoRows) {
		fail(c, http.StatusNotFound, "not_found")
		return
	}
	if err != nil {
		s.failInternal(c, err)
		return
	}
	docs, err := s.q.MailAttachmentDocuments(ctx, r.Attachments)
	if err != nil {
		s.failInternal(c, err)
		return
	}
	byID := map[uuid.UUID]store.MailAttachmentDocumentsRow{}
	for _, d := range docs {
		byID[d.ID] = d
	}
	text, html := hideConfidential(c, r.Kind, r.Body), r.HtmlBody
	if mail.Confidential(r.Kind) {
		html = ""
	}
	d := MailDetail{MailMessage: mailMessage(r, int32(len(r.Attachments)), mailPreview(text)), Text: text, HTML: html,
		Attachments: make([]MailAttachment, 0, len(r.Attachments))}
	for _, docID := range r.Attachments { // in the order the message carries them
		doc := byID[docID]
		d.Attachments = append(d.Attachments, MailAttachment{DocumentID: docID, Kind: doc.Kind, FileName: doc.FileName,
			SizeBytes: doc.SizeBytes, DownloadURL: "/api/v1/documents/" + docID.String() + "/download"})
	}
	c.JSON(http.StatusOK, d)
}

// mailPreview is the start of a message's plain text, as the list shows it.
func mailPreview(body string) string {
	if utf8.RuneCountInString(body) <= 300 {
		return body
	}
	return string([]rune(body)[:300])
}

// resendMail queues a failed message again, now; the sender picks it up at once. Mail that
// is queued or sent answers 409: sending it again would deliver a second copy.
func (s *Server) resendMail(c *gin.Context) {
	mailID, ok := pathID(c)
	if !ok {
		return
	}
	var before store.GetMailRow
	var after store.RequeueFailedMailRow
	err := s.inTx(c, func(q *store.Queries) error {
		var err error
		if before, err = q.GetMail(c.Request.Context(), mailID); err != nil {
			return err
		}
		if after, err = q.RequeueFailedMail(c.Request.Context(), mailID); err != nil {
			return err
		}
		return s.auditTx(c, q, "mail.resend", "mail", id(mailID),
			map[string]any{"status": before.Status, "attempts": before.Attempts, "reason": before.LastError, "to": before.ToAddress,
				"kind": before.Kind},
			map[string]any{"status": after.Status, "attempts": after.Attempts, "next_attempt_at": after.NextAttemptAt})
	})
	switch {
	case errors.Is(err, pgx.ErrNoRows) && before.ID == 0:
		fail(c, http.StatusNotFound, "not_found")
	case errors.Is(err, pgx.ErrNoRows):
		c.AbortWithStatusJSON(http.StatusConflict, gin.H{"error": Problem{Code: "mail_not_failed",
			Message: pick(mailMessages, "mail_not_failed", lang(c))}})
	case err != nil:
		s.failInternal(c, err)
	default:
		before.Status, before.Attempts, before.NextAttemptAt, before.FailedAt = after.Status, after.Attempts, after.NextAttemptAt, nil
		c.JSON(http.StatusOK, mailMessage(before, int32(len(before.Attachments)), mailPreview(hideConfidential(c, before.Kind, before.Body))))
	}
}
