package api_test

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"slices"
	"testing"
	"time"

	"karso.ru/prm/activities"
	"karso.ru/prm/payments"
)

type notificationJSON struct {
	ID     int64      `json:"id"`
	Kind   string     `json:"kind"`
	Title  string     `json:"title"`
	Body   string     `json:"body"`
	Link   string     `json:"link"`
	SaleID *string    `json:"sale_id"`
	Read   bool       `json:"read"`
	ReadAt *time.Time `json:"read_at"`
}

type taskJSON struct {
	ID           int64   `json:"id"`
	Kind         string  `json:"kind"`
	Title        string  `json:"title"`
	Link         string  `json:"link"`
	SaleID       *string `json:"sale_id"`
	PaymentID    *string `json:"payment_id"`
	AssignedToMe bool    `json:"assigned_to_me"`
	Done         bool    `json:"done"`
	DoneByName   string  `json:"done_by_name"`
}

type summaryJSON struct {
	Unread           int64 `json:"unread"`
	OpenTasks        int64 `json:"open_tasks"`
	ApprovalsWaiting int64 `json:"approvals_waiting"`
	LatestID         int64 `json:"latest_id"`
}

func notificationsOf(t *testing.T, s *session, query string) listOf[notificationJSON] {
	t.Helper()
	r := s.do("GET", "/api/v1/notifications"+query, nil)
	expectStatus(t, r, http.StatusOK)
	var l listOf[notificationJSON]
	r.json(t, &l)
	return l
}

func tasksOf(t *testing.T, s *session, query string) listOf[taskJSON] {
	t.Helper()
	r := s.do("GET", "/api/v1/tasks"+query, nil)
	expectStatus(t, r, http.StatusOK)
	var l listOf[taskJSON]
	r.json(t, &l)
	return l
}

func summaryOf(t *testing.T, s *session) (summaryJSON, string) {
	t.Helper()
	r := s.do("GET", "/api/v1/notifications/summary", nil)
	expectStatus(t, r, http.StatusOK)
	var sum summaryJSON
	r.json(t, &sum)
	return sum, r.Header.Get("ETag")
}

// conditional asks for the summary with If-None-Match.
func (s *session) conditional(path, etag string) response {
	s.t.Helper()
	req, _ := http.NewRequest("GET", baseURL+path, nil)
	req.Header.Set("If-None-Match", etag)
	resp, err := s.client.Do(req)
	if err != nil {
		s.t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	return response{Status: resp.StatusCode, Body: body, Header: resp.Header}
}

func aboutSale(items []notificationJSON, saleID, kind string) (notificationJSON, bool) {
	for _, n := range items {
		if n.SaleID != nil && *n.SaleID == saleID && n.Kind == kind {
			return n, true
		}
	}
	return notificationJSON{}, false
}

func taskAbout(items []taskJSON, saleID, kind string) (taskJSON, bool) {
	for _, x := range items {
		if x.SaleID != nil && *x.SaleID == saleID && x.Kind == kind {
			return x, true
		}
	}
	return taskJSON{}, false
}

// mailTo queues a mail into the outbox as the activities do; for a user it is a notice.
func mailTo(t *testing.T, to, kind, key string, sale *string) {
	t.Helper()
	_, err := pool.Exec(context.Background(), `INSERT INTO mail_outbox (to_address, subject, body, kind, sale_id, dedup_key)
		VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (dedup_key) DO NOTHING`,
		to, "Тестовое уведомление "+key, "Текст "+key, kind, sale, key)
	if err != nil {
		t.Fatal(err)
	}
}

func TestFlaggedSaleRingsTheBellOfItsManagerOnly(t *testing.T) {
	manager := login(t, "manager@karso.test")
	manager2 := login(t, "manager2@karso.test")
	before, etag := summaryOf(t, manager)
	// nothing changed: the poll costs a 304 with no body
	if r := manager.conditional("/api/v1/notifications/summary", etag); r.Status != http.StatusNotModified || len(r.Body) != 0 {
		t.Fatalf("an unchanged summary answered %d %s", r.Status, r.Body)
	}

	dealer := login(t, "dealer@karso.test")
	sale := draftSale(t, dealer, newVIN(t), "parallel_import")
	dealer.sale("POST", "/api/v1/sales/"+sale.ID+"/submit", nil, http.StatusOK)

	var notice notificationJSON
	eventually(t, "the manager's bell has the sale", func() bool {
		var ok bool
		notice, ok = aboutSale(notificationsOf(t, manager, "?unread=true&per_page=100").Items, sale.ID, "approval_requested")
		return ok
	})
	if notice.Read || notice.Link != "/sales/"+sale.ID || notice.Title == "" || notice.Body == "" {
		t.Errorf("notice %+v", notice)
	}
	r := manager.conditional("/api/v1/notifications/summary", etag)
	expectStatus(t, r, http.StatusOK)
	after, etag2 := summaryOf(t, manager)
	// at least this sale's notice, task and approval: the suite's other sales may ring the same
	// manager meanwhile (their workflows run on after their tests)
	if etag2 == etag || after.Unread < before.Unread+1 || after.ApprovalsWaiting < before.ApprovalsWaiting+1 ||
		after.OpenTasks < before.OpenTasks+1 || after.LatestID <= before.LatestID {
		t.Errorf("summary %+v (ETag %s) after %+v (ETag %s)", after, etag2, before, etag)
	}
	task, ok := taskAbout(tasksOf(t, manager, "?done=false&per_page=100").Items, sale.ID, "approval_requested")
	if !ok || task.Done || !task.AssignedToMe || task.Link != "/sales/"+sale.ID {
		t.Fatalf("approval task %+v (found %v)", task, ok)
	}

	// the manager of other salons neither sees it nor touches it: a foreign id is not found
	if _, ok := aboutSale(notificationsOf(t, manager2, "?per_page=100").Items, sale.ID, "approval_requested"); ok {
		t.Error("manager2 has the notice")
	}
	if _, ok := taskAbout(tasksOf(t, manager2, "?per_page=100").Items, sale.ID, "approval_requested"); ok {
		t.Error("manager2 has the task")
	}
	expectStatus(t, manager2.do("POST", fmt.Sprintf("/api/v1/notifications/%d/read", notice.ID), nil), http.StatusNotFound)
	expectStatus(t, manager2.do("POST", fmt.Sprintf("/api/v1/tasks/%d/done", task.ID), nil), http.StatusNotFound)
	expectStatus(t, dealer.do("POST", fmt.Sprintf("/api/v1/notifications/%d/read", notice.ID), nil), http.StatusNotFound)

	// reading it takes it off the count, and reading it again changes nothing
	var read notificationJSON
	r = manager.do("POST", fmt.Sprintf("/api/v1/notifications/%d/read", notice.ID), nil)
	expectStatus(t, r, http.StatusOK)
	r.json(t, &read)
	if !read.Read || read.ReadAt == nil {
		t.Errorf("read %+v", read)
	}
	expectStatus(t, manager.do("POST", fmt.Sprintf("/api/v1/notifications/%d/read", notice.ID), nil), http.StatusOK)
	if s, _ := summaryOf(t, manager); s.Unread != after.Unread-1 {
		t.Errorf("unread %d after reading, want %d", s.Unread, after.Unread-1)
	}

	// the decision settles the approval task by itself
	expectStatus(t, manager.do("POST", "/api/v1/sales/"+sale.ID+"/approve", map[string]string{"comment": "ok"}), http.StatusOK)
	eventually(t, "the approval task is done", func() bool {
		task, ok = taskAbout(tasksOf(t, manager, "?done=true&per_page=100").Items, sale.ID, "approval_requested")
		return ok
	})
	if !task.Done || task.DoneByName != "" {
		t.Errorf("settled task %+v", task)
	}
}

func TestReadAllAndTasksDoneForTheCallerAlone(t *testing.T) {
	uid := accountWithPassword(t, "bell.reader@karso.test", "bell-password-1")
	other := accountWithPassword(t, "bell.other@karso.test", "bell-password-1")
	me, r := signIn(t, "bell.reader@karso.test", "bell-password-1")
	expectStatus(t, r, http.StatusOK)
	for i := range 3 {
		mailTo(t, "bell.reader@karso.test", "month_closed", fmt.Sprintf("bell-mine-%d", i), nil)
	}
	mailTo(t, "bell.other@karso.test", "month_closed", "bell-theirs", nil)
	// the same key again is the same notice: a retried activity tells once
	mailTo(t, "bell.reader@karso.test", "month_closed", "bell-mine-0", nil)
	if l := notificationsOf(t, me, ""); len(l.Items) == 3 && l.Items[0].Link != "/documents" {
		t.Errorf("a closed month links to %q", l.Items[0].Link)
	}

	l := notificationsOf(t, me, "?unread=true")
	if l.Total != 3 || len(l.Items) != 3 || l.Items[0].Title != "Тестовое уведомление bell-mine-2" {
		t.Fatalf("unread %+v", l)
	}
	if page := notificationsOf(t, me, "?per_page=2&page=2"); page.Total != 3 || len(page.Items) != 1 {
		t.Errorf("page 2 of 2 per page: %+v", page)
	}
	var theirs int64
	if err := pool.QueryRow(context.Background(), `SELECT id FROM notifications WHERE dedup_key = 'bell-theirs'`).Scan(&theirs); err != nil {
		t.Fatal(err)
	}
	expectStatus(t, me.do("POST", fmt.Sprintf("/api/v1/notifications/%d/read", theirs), nil), http.StatusNotFound)
	expectStatus(t, me.do("POST", "/api/v1/notifications/no-such/read", nil), http.StatusNotFound)

	var marked struct{ Marked int64 }
	r = me.do("POST", "/api/v1/notifications/read-all", nil)
	expectStatus(t, r, http.StatusOK)
	r.json(t, &marked)
	if marked.Marked != 3 {
		t.Errorf("read-all marked %d", marked.Marked)
	}
	if l := notificationsOf(t, me, "?unread=true"); l.Total != 0 {
		t.Errorf("%d unread after read-all", l.Total)
	}
	if n := countRows(t, `SELECT count(*) FROM notifications WHERE dedup_key = 'bell-theirs' AND read_at IS NULL`); n != 1 {
		t.Error("read-all read another user's notice")
	}
	if all := notificationsOf(t, me, ""); all.Total != 3 || !all.Items[0].Read {
		t.Errorf("after read-all %+v", all)
	}

	// a task of the caller, one of another finance user, and one left for the whole role
	ctx := context.Background()
	for _, q := range []struct {
		assignee *int64
		key      string
	}{{&uid, "task-mine"}, {&other, "task-theirs"}, {nil, "task-role"}} {
		if _, err := pool.Exec(ctx, `INSERT INTO tasks (assignee_id, role, kind, title, link, dedup_key)
			VALUES ($1, 'finance', 'closing_ledger_mismatch', $2, '/finance/closings', $2)`, q.assignee, q.key); err != nil {
			t.Fatal(err)
		}
	}
	taskID := func(key string) int64 {
		var id int64
		if err := pool.QueryRow(ctx, `SELECT id FROM tasks WHERE dedup_key = $1`, key).Scan(&id); err != nil {
			t.Fatal(err)
		}
		return id
	}
	open := tasksOf(t, me, "?done=false&per_page=100")
	titles := []string{}
	for _, x := range open.Items {
		titles = append(titles, x.Title)
	}
	if !slices.Contains(titles, "task-mine") || !slices.Contains(titles, "task-role") || slices.Contains(titles, "task-theirs") {
		t.Errorf("open tasks %v", titles)
	}
	expectStatus(t, me.do("POST", fmt.Sprintf("/api/v1/tasks/%d/done", taskID("task-theirs")), nil), http.StatusNotFound)
	var done taskJSON
	r = me.do("POST", fmt.Sprintf("/api/v1/tasks/%d/done", taskID("task-role")), nil)
	expectStatus(t, r, http.StatusOK)
	r.json(t, &done)
	if !done.Done || done.AssignedToMe || done.DoneByName != "Забывчивый Пользователь" {
		t.Errorf("done %+v", done)
	}
	// the role's task is done for everyone of the role, by whoever did it
	them, r := signIn(t, "bell.other@karso.test", "bell-password-1")
	expectStatus(t, r, http.StatusOK)
	var again taskJSON
	r = them.do("POST", fmt.Sprintf("/api/v1/tasks/%d/done", taskID("task-role")), nil)
	expectStatus(t, r, http.StatusOK)
	r.json(t, &again)
	if again.DoneByName != "Забывчивый Пользователь" {
		t.Errorf("done again by another: %+v", again)
	}
	if s, _ := summaryOf(t, me); s.OpenTasks < 1 || s.Unread != 0 || s.ApprovalsWaiting != 0 {
		t.Errorf("finance summary %+v", s)
	}
	expectStatus(t, me.do("GET", "/api/v1/tasks?done=maybe", nil), http.StatusBadRequest)
}

func TestNoticesFollowWhatTheCallerMaySee(t *testing.T) {
	dealer := login(t, "dealer@karso.test")
	sale := submittedSale(t, dealer)
	// a notice about a sale of «Автомир» written to manager2, who is not assigned its salons
	// (say, moved off them): it stays out of their bell
	mailTo(t, "manager2@karso.test", "approval_requested", "scope-"+sale.ID, &sale.ID)
	manager2 := login(t, "manager2@karso.test")
	if _, ok := aboutSale(notificationsOf(t, manager2, "?per_page=100").Items, sale.ID, "approval_requested"); ok {
		t.Error("manager2 sees a notice about a salon not assigned to them")
	}
	var nid int64
	if err := pool.QueryRow(context.Background(), `SELECT id FROM notifications WHERE dedup_key = $1`, "scope-"+sale.ID).Scan(&nid); err != nil {
		t.Fatal(err)
	}
	expectStatus(t, manager2.do("POST", fmt.Sprintf("/api/v1/notifications/%d/read", nid), nil), http.StatusNotFound)
	// the dealer who sold it sees a notice about it
	mailTo(t, "dealer@karso.test", "invoice_overdue", "scope-dealer-"+sale.ID, &sale.ID)
	if n, ok := aboutSale(notificationsOf(t, dealer, "?per_page=100").Items, sale.ID, "invoice_overdue"); !ok ||
		n.Link != "/sales/"+sale.ID {
		t.Errorf("the dealer's notice about their own sale: %+v (found %v)", n, ok)
	}

	// mail to a customer is no notice, even to an address a user has; nor is a reset link
	mailTo(t, "dealer@karso.test", "payment_link", "scope-customer-"+sale.ID, &sale.ID)
	if _, ok := aboutSale(notificationsOf(t, dealer, "?per_page=100").Items, sale.ID, "payment_link"); ok {
		t.Error("a customer's payment link is in the dealer's bell")
	}
	if n := countRows(t, `SELECT count(*) FROM mail_outbox WHERE dedup_key = $1`, "scope-customer-"+sale.ID); n != 1 {
		t.Error("the customer's mail was not queued")
	}
}

func TestMailPreferencesChooseWhatIsMailedNotWhatIsShown(t *testing.T) {
	uid := accountWithPassword(t, "prefs@karso.test", "prefs-password-1")
	me, r := signIn(t, "prefs@karso.test", "prefs-password-1")
	expectStatus(t, r, http.StatusOK)
	type prefs struct {
		Items []struct {
			Kind  string `json:"kind"`
			Label string `json:"label"`
			Mail  bool   `json:"mail"`
		} `json:"items"`
	}
	var p prefs
	r = me.do("GET", "/api/v1/me/notification-preferences", nil)
	expectStatus(t, r, http.StatusOK)
	r.json(t, &p)
	kinds := []string{}
	for _, it := range p.Items {
		kinds = append(kinds, it.Kind)
		if !it.Mail || it.Label == "" || it.Label == it.Kind {
			t.Errorf("default %+v", it)
		}
	}
	if !slices.Equal(kinds, []string{"payment_failed", "invoice_overdue", "month_closed", "closing_ledger_mismatch",
		"news_published", "news_reminder"}) {
		t.Errorf("finance kinds %v", kinds)
	}

	r = me.do("PUT", "/api/v1/me/notification-preferences", map[string]any{"items": []map[string]any{
		{"kind": "month_closed", "mail": false}}})
	expectStatus(t, r, http.StatusOK)
	r.json(t, &p)
	for _, it := range p.Items {
		if it.Mail != (it.Kind != "month_closed") {
			t.Errorf("after turning month_closed off: %+v", it)
		}
	}

	// the bell always, the mail as chosen
	mailTo(t, "prefs@karso.test", "month_closed", "prefs-closed", nil)
	mailTo(t, "prefs@karso.test", "payment_failed", "prefs-failed", nil)
	if l := notificationsOf(t, me, "?unread=true"); l.Total != 2 {
		t.Errorf("%d notices in the bell, want 2", l.Total)
	}
	if n := countRows(t, `SELECT count(*) FROM mail_outbox WHERE to_address = 'prefs@karso.test' AND dedup_key = 'prefs-closed'`); n != 0 {
		t.Error("a kind turned off was mailed")
	}
	if n := countRows(t, `SELECT count(*) FROM mail_outbox WHERE to_address = 'prefs@karso.test' AND dedup_key = 'prefs-failed'
		AND kind = 'payment_failed'`); n != 1 {
		t.Error("a kind left on was not mailed")
	}

	// a kind the role is never told about is refused by name; nothing is saved
	r = me.do("PUT", "/api/v1/me/notification-preferences", map[string]any{"items": []map[string]any{
		{"kind": "payment_failed", "mail": false}, {"kind": "approval_alert", "mail": false}}})
	expectStatus(t, r, http.StatusUnprocessableEntity)
	if f := r.problem(t).Fields; f["items[1].kind"] == "" || len(f) != 1 {
		t.Errorf("fields %v", f)
	}
	expectStatus(t, me.do("PUT", "/api/v1/me/notification-preferences", map[string]any{"items": []map[string]any{
		{"kind": "payment_failed"}}}), http.StatusUnprocessableEntity)
	if n := countRows(t, `SELECT count(*) FROM notification_preferences WHERE user_id = $1 AND NOT mail`, uid); n != 1 {
		t.Errorf("%d kinds off, want 1", n)
	}
	if n := countRows(t, `SELECT count(*) FROM audit_log WHERE action = 'user.notification_preferences' AND entity_id = $1`,
		fmt.Sprint(uid)); n != 1 {
		t.Errorf("%d audit entries of the change", n)
	}
}

func TestPaymentFailedForGoodLeavesFinanceOneTask(t *testing.T) {
	dealer := login(t, "dealer@karso.test")
	sale := submittedSale(t, dealer)
	book := newPaymentBook(t)
	pid := book.create(sale, payments.MethodCard, 150000, nil)
	book.attempt(pid, 1, payments.ResultDeclined, "insufficient_funds")

	acts := activities.New(activities.Deps{Pool: pool, PublicURL: testCfg.PublicURL})
	change := activities.PaymentStatusChange{PaymentID: pid.String(), Status: payments.StatusFailed}
	for range 2 { // a retried activity opens it once
		if err := acts.SetPaymentStatus(context.Background(), change); err != nil {
			t.Fatal(err)
		}
	}
	if n := countRows(t, `SELECT count(*) FROM tasks WHERE payment_id = $1`, pid); n != 1 {
		t.Fatalf("%d tasks for the failed payment", n)
	}
	finance := login(t, "finance@karso.test")
	task, ok := taskAbout(tasksOf(t, finance, "?done=false&per_page=100").Items, sale.ID, "payment_failed")
	if !ok || task.AssignedToMe || task.PaymentID == nil || *task.PaymentID != pid.String() || task.Link != "/sales/"+sale.ID {
		t.Fatalf("finance task %+v (found %v)", task, ok)
	}
	// every finance user has it; the dealer has not
	other := accountWithPassword(t, "finance.colleague@karso.test", "colleague-pass-1")
	colleague, r := signIn(t, "finance.colleague@karso.test", "colleague-pass-1")
	expectStatus(t, r, http.StatusOK)
	if _, ok := taskAbout(tasksOf(t, colleague, "?per_page=100").Items, sale.ID, "payment_failed"); !ok {
		t.Errorf("finance user %d does not have the role's task", other)
	}
	if _, ok := taskAbout(tasksOf(t, dealer, "?per_page=100").Items, sale.ID, "payment_failed"); ok {
		t.Error("the dealer has finance's task")
	}
	// once the money arrives the task is done by itself
	book.status(pid, payments.StatusSucceeded, nil)
	task, ok = taskAbout(tasksOf(t, finance, "?done=true&per_page=100").Items, sale.ID, "payment_failed")
	if !ok || !task.Done || task.DoneByName != "" {
		t.Errorf("after payment the task is %+v (found %v)", task, ok)
	}
}
