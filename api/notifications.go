package api

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"time"

	"github.com/gin-gonic/gin"
	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"

	"karso.ru/prm/db/store"
)

// The notification centre: what each user was told (the bell), the work items the workflows
// leave for people (tasks), and which kinds of notice reach a user by mail. A notice is every
// mail queued for a user: the trigger notice_from_mail() on mail_outbox writes the notification
// and keeps the mail only if the user wants it (db/migrations/00011_notifications.sql).

// noticeKinds are the kinds of notice each role is told about, in the order the profile
// lists them (the list of what each role expects). A new kind of notice to users is
// added here, with its label in noticeLabels, so that people can choose whether it reaches
// them by mail; until then it is mailed.
var noticeKinds = map[string][]string{
	"manager": {"approval_requested", "approval_reminder", "news_published", "news_reminder", "news_escalation"},
	"admin":   {"approval_alert", "news_published", "news_reminder"},
	"dealer": {"sale_approved", "changes_requested", "sale_rejected", "invoice_issued", "payment_received",
		"payment_failed", "invoice_overdue", "month_closed", "news_published", "news_reminder"},
	"finance": {"payment_failed", "invoice_overdue", "month_closed", "closing_ledger_mismatch", "news_published",
		"news_reminder"},
}

// noticeLabels name the kinds of notice in the profile, Russian first.
var noticeLabels = map[string][2]string{
	"approval_requested":      {"Продажа ждёт моего согласования", "A sale waits for my approval"},
	"approval_reminder":       {"Напоминание: продажа ждёт согласования 24 часа", "Reminder: a sale has waited for approval for 24 hours"},
	"approval_alert":          {"Продажа ждёт согласования 48 часов", "A sale has waited for approval for 48 hours"},
	"sale_approved":           {"Менеджер согласовал продажу", "A manager approved a sale"},
	"changes_requested":       {"Менеджер вернул продажу на доработку", "A manager sent a sale back for changes"},
	"sale_rejected":           {"Менеджер отклонил продажу", "A manager rejected a sale"},
	"invoice_issued":          {"Выставлен счёт", "An invoice is issued"},
	"payment_received":        {"Оплата получена", "A payment is received"},
	"payment_failed":          {"Оплата картой не прошла после всех попыток", "A card payment failed after every retry"},
	"invoice_overdue":         {"Счёт просрочен", "An invoice is overdue"},
	"month_closed":            {"Месяц закрыт: ведомость и акт в архиве", "A month is closed: statement and act are in the archive"},
	"closing_ledger_mismatch": {"Закрытие месяца: учёт расходится с продажами", "Month closing: the ledger differs from the sales"},
	"news_published":          {"Новое объявление", "A new announcement"},
	"news_reminder":           {"Напоминание: ознакомьтесь с объявлением", "Reminder: acknowledge an announcement"},
	"news_escalation":         {"Дилеры моих салонов не ознакомились с объявлением", "Dealers of my salons have not acknowledged an announcement"},
}

func (s *Server) mountNotifications(r *gin.RouterGroup) {
	r.GET("/notifications", s.listNotifications)
	r.GET("/notifications/summary", s.notificationSummary)
	r.POST("/notifications/read-all", s.readAllNotifications)
	r.POST("/notifications/:id/read", s.readNotification)
	r.GET("/tasks", s.listTasks)
	r.POST("/tasks/:id/done", s.completeTask)
	r.GET("/me/notification-preferences", s.mailPreferences)
	r.PUT("/me/notification-preferences", s.setMailPreferences)
}

// Notification is one notice in the caller's bell. Link is the cabinets' page it is about.
type Notification struct {
	ID        int64      `json:"id"`
	Kind      string     `json:"kind"`
	Title     string     `json:"title"`
	Body      string     `json:"body"`
	Link      string     `json:"link"`
	SaleID    *uuid.UUID `json:"sale_id"`
	Read      bool       `json:"read"`
	ReadAt    *time.Time `json:"read_at"`
	CreatedAt time.Time  `json:"created_at"`
}

// listNotifications pages the caller's notices, newest first; ?unread=true only the unread.
func (s *Server) listNotifications(c *gin.Context) {
	p, ok := paging(c)
	if !ok {
		return
	}
	unread, ok := optBool(c, "unread")
	if !ok {
		return
	}
	role, uid, partner := caller(c).scope()
	rows, err := s.q.ListNotifications(c.Request.Context(), store.ListNotificationsParams{CallerID: uid,
		CallerRole: role, CallerPartner: partner, UnreadOnly: unread != nil && *unread, Lim: p.limit(), Off: p.offset()})
	if err != nil {
		s.failInternal(c, err)
		return
	}
	items := make([]Notification, 0, len(rows))
	var total int64
	for _, r := range rows {
		total = r.Total
		items = append(items, Notification{ID: r.ID, Kind: r.Kind, Title: r.Title, Body: r.Body, Link: r.Link,
			SaleID: r.SaleID, Read: r.ReadAt != nil, ReadAt: r.ReadAt, CreatedAt: r.CreatedAt})
	}
	p.answer(c, items, total)
}

// NotificationSummary is what the bell and the menu show: unread notices, open tasks, and the
// sales waiting for the caller's approval (managers and admins). LatestID is the newest notice,
// so that a new notice changes the answer even when the unread count stayed the same.
type NotificationSummary struct {
	Unread           int64 `json:"unread"`
	OpenTasks        int64 `json:"open_tasks"`
	ApprovalsWaiting int64 `json:"approvals_waiting"`
	LatestID         int64 `json:"latest_id"`
}

// notificationSummary is polled by every open cabinet. It answers an ETag made of the figures
// and 304 with no body when the client's If-None-Match already holds them, so an idle tab
// costs one small indexed query and a header every poll.
func (s *Server) notificationSummary(c *gin.Context) {
	role, uid, partner := caller(c).scope()
	r, err := s.q.NotificationSummary(c.Request.Context(), store.NotificationSummaryParams{CallerID: uid,
		CallerRole: role, CallerPartner: partner})
	if err != nil {
		s.failInternal(c, err)
		return
	}
	sum := NotificationSummary{Unread: r.Unread, OpenTasks: r.OpenTasks, ApprovalsWaiting: r.ApprovalsWaiting,
		LatestID: r.LatestID}
	etag := summaryETag(uid, sum)
	// the answer is the caller's own: no shared cache keeps it, and a browser asks again each time
	c.Header("Cache-Control", "private, no-cache")
	c.Header("Vary", "Cookie, Authorization")
	c.Header("ETag", etag)
	if etagMatches(c.GetHeader("If-None-Match"), etag) {
		c.Status(http.StatusNotModified)
		return
	}
	c.JSON(http.StatusOK, sum)
}

func summaryETag(user int64, sum NotificationSummary) string {
	h := sha256.Sum256(fmt.Appendf(nil, "%d:%d:%d:%d:%d", user, sum.Unread, sum.OpenTasks, sum.ApprovalsWaiting, sum.LatestID))
	return `"` + hex.EncodeToString(h[:12]) + `"`
}

// etagMatches reads If-None-Match as RFC 9110 says: a list of tags, weak ones compared by
// their opaque part, or "*".
func etagMatches(header, etag string) bool {
	for _, t := range strings.Split(header, ",") {
		t = strings.TrimPrefix(strings.TrimSpace(t), "W/")
		if t == "*" || t == etag {
			return true
		}
	}
	return false
}

// readNotification marks one of the caller's notices read; another user's answers 404.
func (s *Server) readNotification(c *gin.Context) {
	nid, ok := pathID(c)
	if !ok {
		return
	}
	role, uid, partner := caller(c).scope()
	r, err := s.q.MarkNotificationRead(c.Request.Context(), store.MarkNotificationReadParams{ID: nid, CallerID: uid,
		CallerRole: role, CallerPartner: partner})
	if errors.Is(err, pgx.ErrNoRows) {
		fail(c, http.StatusNotFound, "not_found")
		return
	}
	if err != nil {
		s.failInternal(c, err)
		return
	}
	c.JSON(http.StatusOK, Notification{ID: r.ID, Kind: r.Kind, Title: r.Title, Body: r.Body, Link: r.Link,
		SaleID: r.SaleID, Read: r.ReadAt != nil, ReadAt: r.ReadAt, CreatedAt: r.CreatedAt})
}

// readAllNotifications marks every unread notice of the caller read and says how many.
func (s *Server) readAllNotifications(c *gin.Context) {
	role, uid, partner := caller(c).scope()
	n, err := s.q.MarkAllNotificationsRead(c.Request.Context(), store.MarkAllNotificationsReadParams{CallerID: uid,
		CallerRole: role, CallerPartner: partner})
	if err != nil {
		s.failInternal(c, err)
		return
	}
	c.JSON(http.StatusOK, gin.H{"marked": n})
}

// Task is a work item: the caller's own, or one left for their whole role (AssignedToMe
// false), which the first of them to finish it closes for all. Tasks about a sale or a
// payment are also done by themselves once the sale or the payment settles them.
type Task struct {
	ID           int64      `json:"id"`
	Kind         string     `json:"kind"`
	Title        string     `json:"title"`
	Link         string     `json:"link"`
	SaleID       *uuid.UUID `json:"sale_id"`
	PaymentID    *uuid.UUID `json:"payment_id"`
	PartnerID    *int64     `json:"partner_id"`
	AssignedToMe bool       `json:"assigned_to_me"`
	Done         bool       `json:"done"`
	DoneAt       *time.Time `json:"done_at"`
	// DoneByName is who marked it done; empty when the system did (the sale moved on).
	DoneByName string    `json:"done_by_name"`
	CreatedAt  time.Time `json:"created_at"`
}

// listTasks pages the caller's tasks, open first; ?done=false only the open, true the done.
func (s *Server) listTasks(c *gin.Context) {
	p, ok := paging(c)
	if !ok {
		return
	}
	done, ok := optBool(c, "done")
	if !ok {
		return
	}
	role, uid, partner := caller(c).scope()
	rows, err := s.q.ListTasks(c.Request.Context(), store.ListTasksParams{CallerID: uid, CallerRole: role,
		CallerPartner: partner, Done: done, Lim: p.limit(), Off: p.offset()})
	if err != nil {
		s.failInternal(c, err)
		return
	}
	items := make([]Task, 0, len(rows))
	var total int64
	for _, r := range rows {
		total = r.Total
		items = append(items, Task{ID: r.ID, Kind: r.Kind, Title: r.Title, Link: r.Link, SaleID: r.SaleID,
			PaymentID: r.PaymentID, PartnerID: r.PartnerID, AssignedToMe: r.AssigneeID != nil, Done: r.DoneAt != nil,
			DoneAt: r.DoneAt, DoneByName: r.DoneByName, CreatedAt: r.CreatedAt})
	}
	p.answer(c, items, total)
}

// completeTask marks a task of the caller done (again is fine: it keeps who and when);
// another's answers 404.
func (s *Server) completeTask(c *gin.Context) {
	tid, ok := pathID(c)
	if !ok {
		return
	}
	cl := caller(c)
	role, uid, partner := cl.scope()
	r, err := s.q.CompleteTask(c.Request.Context(), store.CompleteTaskParams{ID: tid, CallerID: uid,
		CallerRole: role, CallerPartner: partner})
	if errors.Is(err, pgx.ErrNoRows) {
		fail(c, http.StatusNotFound, "not_found")
		return
	}
	if err != nil {
		s.failInternal(c, err)
		return
	}
	t := Task{ID: r.ID, Kind: r.Kind, Title: r.Title, Link: r.Link, SaleID: r.SaleID, PaymentID: r.PaymentID,
		PartnerID: r.PartnerID, AssignedToMe: r.AssigneeID != nil, Done: r.DoneAt != nil, DoneAt: r.DoneAt,
		CreatedAt: r.CreatedAt}
	if r.DoneBy != nil && *r.DoneBy == uid {
		t.DoneByName = cl.FullName
	} else if r.DoneBy != nil {
		if u, err := s.q.GetUser(c.Request.Context(), *r.DoneBy); err == nil {
			t.DoneByName = u.FullName
		}
	}
	c.JSON(http.StatusOK, t)
}

// MailPreference says whether one kind of notice reaches the user by mail too (in the
// cabinet it always does).
type MailPreference struct {
	Kind  string `json:"kind"`
	Label string `json:"label"`
	Mail  bool   `json:"mail"`
}

// mailPreferences lists every kind of notice of the caller's role with their choice; a kind
// never chosen about is mailed (mail_wanted()).
func (s *Server) mailPreferences(c *gin.Context) {
	prefs, err := s.loadMailPreferences(c)
	if err != nil {
		s.failInternal(c, err)
		return
	}
	c.JSON(http.StatusOK, gin.H{"items": prefs})
}

func (s *Server) loadMailPreferences(c *gin.Context) ([]MailPreference, error) {
	cl := caller(c)
	rows, err := s.q.MailPreferences(c.Request.Context(), cl.ID)
	if err != nil {
		return nil, err
	}
	chosen := map[string]bool{}
	for _, r := range rows {
		chosen[r.Kind] = r.Mail
	}
	kinds := noticeKinds[cl.Role]
	out := make([]MailPreference, 0, len(kinds))
	for _, k := range kinds {
		mail, ok := chosen[k]
		out = append(out, MailPreference{Kind: k, Label: pick(noticeLabels, k, lang(c)), Mail: mail || !ok})
	}
	return out, nil
}

type mailPreferencesRequest struct {
	Items []struct {
		Kind string `json:"kind" validate:"required,max=64"`
		Mail *bool  `json:"mail" validate:"required"`
	} `json:"items" validate:"required,max=50,dive"`
}

// setMailPreferences stores the caller's choices for the kinds named (the others keep theirs)
// and answers the whole list. A kind the role is never told about is refused by name.
func (s *Server) setMailPreferences(c *gin.Context) {
	var req mailPreferencesRequest
	if !bindJSON(c, &req) {
		return
	}
	cl := caller(c)
	fields := map[string]string{}
	for i, it := range req.Items {
		if !slices.Contains(noticeKinds[cl.Role], it.Kind) {
			fields[fmt.Sprintf("items[%d].kind", i)] = fieldMessage(lang(c), "notice_kind")
		}
	}
	if len(fields) > 0 {
		failFields(c, fields)
		return
	}
	before, err := s.loadMailPreferences(c)
	if err != nil {
		s.failInternal(c, err)
		return
	}
	err = s.inTx(c, func(q *store.Queries) error {
		for _, it := range req.Items {
			if err := q.SetMailPreference(c.Request.Context(), store.SetMailPreferenceParams{UserID: cl.ID,
				Kind: it.Kind, Mail: *it.Mail}); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		s.failInternal(c, err)
		return
	}
	after, err := s.loadMailPreferences(c)
	if err != nil {
		s.failInternal(c, err)
		return
	}
	s.writeAudit(c, &cl.ID, cl.Email, "user.notification_preferences", "user", id(cl.ID), before, after)
	c.JSON(http.StatusOK, gin.H{"items": after})
}
