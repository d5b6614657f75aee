package api_test

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"mime/multipart"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"
	enumspb "go.temporal.io/api/enums/v1"

	"karso.ru/prm/api"
	"karso.ru/prm/workflows"
)

func partnerID(t *testing.T, name string) int64 {
	t.Helper()
	var id int64
	if err := pool.QueryRow(context.Background(), `SELECT id FROM partners WHERE name = $1`, name).Scan(&id); err != nil {
		t.Fatalf("partner %s: %v", name, err)
	}
	return id
}

type newsFeed struct {
	Items []api.NewsFeedItem `json:"items"`
	Total int64              `json:"total"`
}

func feedHas(t *testing.T, s *session, newsID int64) bool {
	t.Helper()
	r := s.do("GET", "/api/v1/news?per_page=100", nil)
	expectStatus(t, r, http.StatusOK)
	var f newsFeed
	r.json(t, &f)
	for _, it := range f.Items {
		if it.ID == newsID {
			return true
		}
	}
	return false
}

func unread(t *testing.T, s *session) api.UnreadNews {
	t.Helper()
	r := s.do("GET", "/api/v1/news/unread", nil)
	expectStatus(t, r, http.StatusOK)
	var u api.UnreadNews
	r.json(t, &u)
	return u
}

func workflowStatus(t *testing.T, workflowID string) enumspb.WorkflowExecutionStatus {
	t.Helper()
	d, err := temporal.DescribeWorkflowExecution(context.Background(), workflowID, "")
	if err != nil {
		t.Fatalf("describe %s: %v", workflowID, err)
	}
	return d.WorkflowExecutionInfo.Status
}

// A required announcement to one partner: its dealer is told by mail, reads and acknowledges;
// the other partner's dealer never sees it; the author sees who has acknowledged, and the last
// acknowledgement ends the reminders.
func TestNewsAddressedToAPartnerIsAcknowledged(t *testing.T) {
	admin, dealer, dealer2, finance := login(t, "admin@karso.test"), login(t, "dealer@karso.test"),
		login(t, "dealer2@karso.test"), login(t, "finance@karso.test")
	before := unread(t, dealer)
	title := fmt.Sprintf("Новый тариф «Комфорт» %d", time.Now().UnixNano())
	r := admin.do("POST", "/api/v1/news", map[string]any{"title": title,
		"body": "С 1 апреля **новые** цены. <script>alert(1)</script>", "requires_ack": true, "publish": true,
		"audience": map[string]any{"roles": []string{"dealer"}, "partners": []int64{partnerID(t, "Автомир")}}})
	expectStatus(t, r, http.StatusCreated)
	var n api.NewsItem
	r.json(t, &n)
	if strings.Contains(n.BodyHTML, "<script") || !strings.Contains(n.BodyHTML, "<strong>новые</strong>") {
		t.Fatalf("body_html %q: want formatting kept and the script dropped", n.BodyHTML)
	}

	if !feedHas(t, dealer, n.ID) {
		t.Fatal("the addressed dealer does not see the announcement")
	}
	if got := unread(t, dealer); got.Unread != before.Unread+1 || got.Unacknowledged != before.Unacknowledged+1 {
		t.Fatalf("unread %+v, was %+v: want one more of each", got, before)
	}
	for who, s := range map[string]*session{"dealer2": dealer2, "finance": finance} {
		if feedHas(t, s, n.ID) {
			t.Fatalf("%s sees an announcement not addressed to them", who)
		}
		expectStatus(t, s.do("GET", fmt.Sprintf("/api/v1/news/%d", n.ID), nil), http.StatusNotFound)
		expectStatus(t, s.do("POST", fmt.Sprintf("/api/v1/news/%d/acknowledge", n.ID), nil), http.StatusNotFound)
	}
	eventually(t, "the publication mail to the dealer", func() bool {
		return countRows(t, `SELECT count(*) FROM mail_outbox WHERE kind = 'news_published' AND to_address = 'dealer@karso.test'
			AND dedup_key LIKE $1`, fmt.Sprintf("news_published:%d:%%", n.ID)) == 1
	})
	if c := countRows(t, `SELECT count(*) FROM mail_outbox WHERE dedup_key LIKE $1`, fmt.Sprintf("news_published:%d:%%", n.ID)); c != 1 {
		t.Fatalf("%d publication mails, want 1 (only the one addressed dealer)", c)
	}
	// the same notice rings the dealer's bell and opens the news
	if c := countRows(t, `SELECT count(*) FROM notifications nt JOIN users u ON u.id = nt.user_id
		WHERE u.email = 'dealer@karso.test' AND nt.kind = 'news_published' AND nt.link = '/news' AND nt.title LIKE '%' || $1 || '%'`,
		title); c != 1 {
		t.Fatalf("%d bell notices of the announcement for the dealer, want 1", c)
	}

	// opening reads it; the acknowledgement is still due
	r = dealer.do("GET", fmt.Sprintf("/api/v1/news/%d", n.ID), nil)
	expectStatus(t, r, http.StatusOK)
	if got := unread(t, dealer); got.Unacknowledged != before.Unacknowledged+1 {
		t.Fatalf("unacknowledged %d after reading, want %d", got.Unacknowledged, before.Unacknowledged+1)
	}
	r = admin.do("GET", fmt.Sprintf("/api/v1/news/%d/acknowledgements", n.ID), nil)
	expectStatus(t, r, http.StatusOK)
	var rep api.AckReport
	r.json(t, &rep)
	if rep.Addressed != 1 || rep.Acknowledged != 0 || len(rep.Partners) != 1 || rep.People[0].Email != "dealer@karso.test" {
		t.Fatalf("report before «Ознакомлен»: %+v", rep)
	}

	r = dealer.do("POST", fmt.Sprintf("/api/v1/news/%d/acknowledge", n.ID), nil)
	expectStatus(t, r, http.StatusOK)
	if got := unread(t, dealer); got.Unacknowledged != before.Unacknowledged || got.Unread != before.Unread {
		t.Fatalf("unread %+v after «Ознакомлен», want %+v", got, before)
	}
	r = admin.do("GET", fmt.Sprintf("/api/v1/news/%d/acknowledgements", n.ID), nil)
	r.json(t, &rep)
	if rep.Acknowledged != 1 || rep.Partners[0].Acknowledged != 1 || rep.People[0].AcknowledgedAt == nil {
		t.Fatalf("report after «Ознакомлен»: %+v", rep)
	}
	eventually(t, "the reminders cancelled once everyone acknowledged", func() bool {
		return workflowStatus(t, workflows.NewsWorkflowID(n.ID)) == enumspb.WORKFLOW_EXECUTION_STATUS_CANCELED
	})

	r = admin.do("GET", fmt.Sprintf("/api/v1/news/%d/acknowledgements.xlsx", n.ID), nil)
	expectStatus(t, r, http.StatusOK)
	f, err := excelize.OpenReader(bytes.NewReader(r.Body))
	if err != nil {
		t.Fatal(err)
	}
	rows, _ := f.GetRows(f.GetSheetName(0))
	if len(rows) != 4 || rows[3][0] != "Автомир" || rows[3][3] != "dealer@karso.test" || rows[3][6] == "" {
		t.Fatalf("workbook rows %q: want the dealer of Автомир with the time acknowledged", rows)
	}
}

// A manager writes to the dealers of their own partners only, and edits only what they wrote.
func TestNewsManagerWritesForOwnPartners(t *testing.T) {
	manager, manager2, dealer := login(t, "manager@karso.test"), login(t, "manager2@karso.test"), login(t, "dealer@karso.test")
	r := manager.do("POST", "/api/v1/news", map[string]any{"title": "Северу", "audience": map[string]any{
		"partners": []int64{partnerID(t, "Северный Авто")}}})
	expectStatus(t, r, http.StatusUnprocessableEntity)
	if p := r.problem(t); p.Fields["audience.partners"] == "" {
		t.Fatalf("problem %+v: want audience.partners named", p)
	}
	r = manager.do("POST", "/api/v1/news", map[string]any{"title": "Всем"})
	expectStatus(t, r, http.StatusUnprocessableEntity)

	r = manager.do("POST", "/api/v1/news", map[string]any{"title": "Автомиру: черновик", "audience": map[string]any{
		"roles": []string{"admin"}, "partners": []int64{partnerID(t, "Автомир")}}})
	expectStatus(t, r, http.StatusCreated)
	var n api.NewsItem
	r.json(t, &n)
	if len(n.Audience.Roles) != 1 || n.Audience.Roles[0] != "dealer" {
		t.Fatalf("a manager's news is addressed to %v, want dealers only", n.Audience.Roles)
	}
	path := fmt.Sprintf("/api/v1/news/%d", n.ID)
	// a draft is nobody's to read but its author's
	expectStatus(t, dealer.do("GET", path, nil), http.StatusNotFound)
	expectStatus(t, manager2.do("GET", path, nil), http.StatusNotFound)
	expectStatus(t, manager2.do("PATCH", path, map[string]any{"title": "чужое"}), http.StatusNotFound)
	expectStatus(t, manager2.do("POST", path+"/publish", nil), http.StatusNotFound)
	expectStatus(t, dealer.do("PATCH", path, map[string]any{"title": "чужое"}), http.StatusForbidden)

	r = manager.do("PATCH", path, map[string]any{"title": "Автомиру: акция", "pinned": true})
	expectStatus(t, r, http.StatusOK)
	expectStatus(t, manager.do("POST", path+"/publish", nil), http.StatusOK)
	expectStatus(t, manager.do("POST", path+"/publish", nil), http.StatusConflict)
	r = dealer.do("GET", "/api/v1/news?per_page=100", nil)
	var f newsFeed
	r.json(t, &f)
	if len(f.Items) == 0 || f.Items[0].ID != n.ID || !f.Items[0].Pinned {
		t.Fatalf("feed %+v: want the pinned announcement first", f.Items)
	}
	if c := countRows(t, `SELECT count(*) FROM audit_log WHERE entity_type = 'news' AND entity_id = $1`, fmt.Sprint(n.ID)); c != 3 {
		t.Fatalf("%d audit entries, want create, update, publish", c)
	}

	expectStatus(t, manager.do("POST", path+"/archive", nil), http.StatusOK)
	if feedHas(t, dealer, n.ID) {
		t.Fatal("an archived announcement is still in the feed")
	}
	expectStatus(t, manager.do("PATCH", path, map[string]any{"title": "после архива"}), http.StatusConflict)
}

// Scheduled news shows at its time, not before; bad input names its field.
func TestNewsScheduledAndBadInput(t *testing.T) {
	admin, dealer := login(t, "admin@karso.test"), login(t, "dealer@karso.test")
	r := admin.do("POST", "/api/v1/news", map[string]any{"title": "Завтра", "publish": true,
		"publish_at": time.Now().Add(24 * time.Hour).Format(time.RFC3339)})
	expectStatus(t, r, http.StatusCreated)
	var n api.NewsItem
	r.json(t, &n)
	if n.Status != "published" || feedHas(t, dealer, n.ID) {
		t.Fatalf("a news item scheduled for tomorrow is shown today (status %s)", n.Status)
	}
	expectStatus(t, dealer.do("GET", fmt.Sprintf("/api/v1/news/%d", n.ID), nil), http.StatusNotFound)
	if st := workflowStatus(t, workflows.NewsWorkflowID(n.ID)); st != enumspb.WORKFLOW_EXECUTION_STATUS_RUNNING {
		t.Fatalf("the scheduled item's workflow is %s, want running (waiting for its time)", st)
	}
	expectStatus(t, admin.do("POST", fmt.Sprintf("/api/v1/news/%d/archive", n.ID), nil), http.StatusOK)
	eventually(t, "the archived item's workflow cancelled", func() bool {
		return workflowStatus(t, workflows.NewsWorkflowID(n.ID)) == enumspb.WORKFLOW_EXECUTION_STATUS_CANCELED
	})

	for _, tc := range []struct {
		name  string
		body  map[string]any
		field string
	}{
		{"no title", map[string]any{"title": " "}, "title"},
		{"body too long", map[string]any{"title": "x", "body": strings.Repeat("я", 100_001)}, "body"},
		{"unknown role", map[string]any{"title": "x", "audience": map[string]any{"roles": []string{"boss"}}}, "audience.roles[0]"},
		{"unknown partner", map[string]any{"title": "x", "audience": map[string]any{"partners": []int64{987654}}}, "audience.partners"},
		{"old publish time", map[string]any{"title": "x", "publish": true, "publish_at": "2020-01-01T00:00:00Z"}, "publish_at"},
		{"reminder days", map[string]any{"title": "x", "remind_after_days": 0}, "remind_after_days"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := admin.do("POST", "/api/v1/news", tc.body)
			expectStatus(t, r, http.StatusUnprocessableEntity)
			if p := r.problem(t); p.Fields[tc.field] == "" {
				t.Fatalf("problem %+v: want %s named", p, tc.field)
			}
		})
	}
	expectStatus(t, admin.do("GET", "/api/v1/news/manage?status=bogus", nil), http.StatusBadRequest)
	expectStatus(t, dealer.do("GET", "/api/v1/news/manage", nil), http.StatusForbidden)
}

// upload posts one file as multipart to a news item.
func upload(t *testing.T, s *session, newsID int64, name string, content []byte, cover bool) response {
	t.Helper()
	var buf bytes.Buffer
	w := multipart.NewWriter(&buf)
	if cover {
		_ = w.WriteField("cover", "true")
	}
	part, _ := w.CreateFormFile("file", name)
	_, _ = part.Write(content)
	_ = w.Close()
	req, _ := http.NewRequest("POST", fmt.Sprintf("%s/api/v1/news/%d/attachments", baseURL, newsID), &buf)
	req.Header.Set("Content-Type", w.FormDataContentType())
	resp, err := s.client.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return response{Status: resp.StatusCode, Body: b, Header: resp.Header}
}

// A cover and a PDF go to the blob store and are served to the readers the item is for; a
// type not allowed or a file over 20 MB is refused naming the field, and nothing is added.
func TestNewsCoverAndAttachments(t *testing.T) {
	admin, dealer, dealer2 := login(t, "admin@karso.test"), login(t, "dealer@karso.test"), login(t, "dealer2@karso.test")
	r := admin.do("POST", "/api/v1/news", map[string]any{"title": "С обложкой", "publish": true,
		"audience": map[string]any{"partners": []int64{partnerID(t, "Автомир")}}})
	expectStatus(t, r, http.StatusCreated)
	var n api.NewsItem
	r.json(t, &n)

	png := append([]byte("\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR"), bytes.Repeat([]byte{0}, 64)...)
	pdf := []byte("%PDF-1.4\n1 0 obj\n<<>>\nendobj\ntrailer\n<<>>\n%%EOF\n")
	r = upload(t, admin, n.ID, "cover.png", png, true)
	expectStatus(t, r, http.StatusCreated)
	var cover api.NewsAttachment
	r.json(t, &cover)
	r = upload(t, admin, n.ID, "../../Памятка.pdf", pdf, false)
	expectStatus(t, r, http.StatusCreated)
	var memo api.NewsAttachment
	r.json(t, &memo)
	if memo.FileName != "Памятка.pdf" || memo.Mime != "application/pdf" || !cover.Cover || cover.Mime != "image/png" {
		t.Fatalf("cover %+v, memo %+v", cover, memo)
	}

	for _, tc := range []struct {
		name    string
		file    string
		content []byte
		cover   bool
	}{
		{"a script", "run.html", []byte("<html><script>alert(1)</script></html>"), false},
		{"a PDF as the cover", "cover.pdf", pdf, true},
		{"over 20 MB", "big.pdf", append(pdf, bytes.Repeat([]byte{' '}, 20<<20)...), false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := upload(t, admin, n.ID, tc.file, tc.content, tc.cover)
			if r.Status != http.StatusUnprocessableEntity && r.Status != http.StatusRequestEntityTooLarge {
				t.Fatalf("status %d: %s", r.Status, r.Body)
			}
			if r.Status == http.StatusUnprocessableEntity && r.problem(t).Fields["file"] == "" {
				t.Fatalf("%s: want the file named", r.Body)
			}
		})
	}

	r = dealer.do("GET", fmt.Sprintf("/api/v1/news/%d", n.ID), nil)
	expectStatus(t, r, http.StatusOK)
	var seen api.NewsItem
	r.json(t, &seen)
	if len(seen.Attachments) != 2 || !seen.Attachments[0].Cover {
		t.Fatalf("attachments %+v: want the cover first and the PDF, nothing refused", seen.Attachments)
	}
	r = dealer.do("GET", memo.URL, nil)
	expectStatus(t, r, http.StatusOK)
	if !bytes.Equal(r.Body, pdf) || r.Header.Get("Content-Type") != "application/pdf" {
		t.Fatalf("download %q (%s)", r.Body, r.Header.Get("Content-Type"))
	}
	expectStatus(t, dealer2.do("GET", memo.URL, nil), http.StatusNotFound)
	expectStatus(t, dealer.do("DELETE", memo.URL, nil), http.StatusForbidden)
	expectStatus(t, admin.do("DELETE", memo.URL, nil), http.StatusNoContent)
	expectStatus(t, dealer.do("GET", memo.URL, nil), http.StatusNotFound)
}
