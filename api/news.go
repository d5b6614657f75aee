package api

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"time"

	"github.com/gin-gonic/gin"
	"github.com/jackc/pgx/v5"
	enumspb "go.temporal.io/api/enums/v1"
	"go.temporal.io/api/serviceerror"
	"go.temporal.io/sdk/client"

	"karso.ru/prm/db/store"
	"karso.ru/prm/workflows"
)

// mountNews adds news and announcements: everyone reads what is addressed to them; admins
// write for anyone, managers for the partners of the salons they look after.
func (s *Server) mountNews(r *gin.RouterGroup) {
	r.GET("/news", s.listNewsFeed)
	r.GET("/news/unread", s.countUnreadNews)
	r.GET("/news/manage", allow("admin", "manager"), s.listNewsForAuthors)
	r.POST("/news", allow("admin", "manager"), s.createNews)
	r.GET("/news/:id", s.getNews)
	r.PATCH("/news/:id", allow("admin", "manager"), s.updateNews)
	r.POST("/news/:id/publish", allow("admin", "manager"), s.publishNews)
	r.POST("/news/:id/archive", allow("admin", "manager"), s.archiveNews)
	r.POST("/news/:id/acknowledge", s.acknowledgeNews)
	r.GET("/news/:id/acknowledgements", allow("admin", "manager"), s.newsAcknowledgements)
	r.GET("/news/:id/acknowledgements.xlsx", allow("admin", "manager"), s.newsAcknowledgementsXLSX)
	r.POST("/news/:id/attachments", allow("admin", "manager"), s.uploadNewsFile)
	r.GET("/news/:id/attachments/:attachment_id", s.downloadNewsFile)
	r.DELETE("/news/:id/attachments/:attachment_id", allow("admin", "manager"), s.deleteNewsFile)
}

// newsMessages are the texts of the news endpoints' own codes, Russian first.
var newsMessages = map[string][2]string{
	"news_not_draft":     {"Опубликовать можно только черновик", "Only a draft can be published"},
	"news_archived":      {"Объявление в архиве и не меняется", "The announcement is archived and cannot change"},
	"news_no_ack":        {"Это объявление не требует ознакомления", "This announcement needs no acknowledgement"},
	"manager_partners":   {"Менеджер адресует новость партнёрам своих салонов: выберите хотя бы одного", "A manager addresses news to the partners of their salons: choose at least one"},
	"partner_not_yours":  {"Партнёр не найден или не относится к вашим салонам: %s", "Partner not found or not among your salons: %s"},
	"file_too_large":     {"Файл больше 20 МБ", "The file is larger than 20 MB"},
	"file_type":          {"Можно приложить PNG, JPEG, GIF, WebP, PDF, DOCX, XLSX или PPTX; обложка — только изображение", "Attach PNG, JPEG, GIF, WebP, PDF, DOCX, XLSX or PPTX; a cover must be an image"},
	"publish_at_too_old": {"Время публикации не может быть в прошлом больше чем на сутки", "The publication time cannot be more than a day in the past"},
}

func newsMessage(c *gin.Context, code string, args ...any) string {
	m := pick(newsMessages, code, lang(c))
	if len(args) > 0 {
		return fmt.Sprintf(m, args...)
	}
	return m
}

// Audience says whom an item is addressed to. Empty roles: every role. Partners (with their
// networks), regions and cities narrow it for dealers, any of them matching; all empty: every
// partner. Staff are addressed by role alone.
type Audience struct {
	Roles    []string `json:"roles" validate:"max=4,dive,oneof=admin manager dealer finance"`
	Partners []int64  `json:"partners" validate:"max=500,dive,gt=0"`
	Regions  []string `json:"regions" validate:"max=100,dive,required,max=100"`
	Cities   []string `json:"cities" validate:"max=200,dive,required,max=100"`
}

// NewsItem is an announcement as its reader and its author see it.
type NewsItem struct {
	ID     int64  `json:"id"`
	Title  string `json:"title"`
	Status string `json:"status"`
	// BodyMarkdown is the author's text; BodyHTML its sanitised rendering, safe to show as is.
	BodyMarkdown      string     `json:"body_markdown"`
	BodyHTML          string     `json:"body_html"`
	AuthorID          int64      `json:"author_id"`
	AuthorName        string     `json:"author_name"`
	PublishAt         *time.Time `json:"publish_at"`
	Pinned            bool       `json:"pinned"`
	RequiresAck       bool       `json:"requires_ack"`
	RemindAfterDays   int32      `json:"remind_after_days"`
	EscalateAfterDays int32      `json:"escalate_after_days"`
	Audience          Audience   `json:"audience"`
	ReadAt            *time.Time `json:"read_at"`
	AcknowledgedAt    *time.Time `json:"acknowledged_at"`
	CreatedAt         time.Time  `json:"created_at"`
	ArchivedAt        *time.Time `json:"archived_at"`
	// Attachments lists the cover (first, cover=true) and the files; filled where an item is
	// opened on its own.
	Attachments []NewsAttachment `json:"attachments"`
}

func newsItem(n store.News, authorName string) NewsItem {
	return NewsItem{ID: n.ID, Title: n.Title, Status: n.Status, BodyMarkdown: n.BodyMd, BodyHTML: n.BodyHtml,
		AuthorID: n.AuthorID, AuthorName: authorName, PublishAt: n.PublishAt, Pinned: n.Pinned,
		RequiresAck: n.RequiresAck, RemindAfterDays: n.RemindAfterDays, EscalateAfterDays: n.EscalateAfterDays,
		Audience: Audience{Roles: n.AudienceRoles, Partners: n.AudiencePartners, Regions: n.AudienceRegions,
			Cities: n.AudienceCities}, CreatedAt: n.CreatedAt, ArchivedAt: n.ArchivedAt, Attachments: []NewsAttachment{}}
}

// NewsFeedItem is one line of a reader's list.
type NewsFeedItem struct {
	ID             int64      `json:"id"`
	Title          string     `json:"title"`
	Excerpt        string     `json:"excerpt"`
	AuthorName     string     `json:"author_name"`
	PublishAt      *time.Time `json:"publish_at"`
	Pinned         bool       `json:"pinned"`
	RequiresAck    bool       `json:"requires_ack"`
	Read           bool       `json:"read"`
	AcknowledgedAt *time.Time `json:"acknowledged_at"`
}

// listNewsFeed is what the caller reads: addressed to them, pinned first, newest next.
func (s *Server) listNewsFeed(c *gin.Context) {
	p, ok := paging(c)
	if !ok {
		return
	}
	unread, ok := optBool(c, "unread")
	if !ok {
		return
	}
	role, uid, partner := caller(c).scope()
	rows, err := s.q.ListNewsFeed(c.Request.Context(), store.ListNewsFeedParams{CallerID: uid, CallerRole: role,
		CallerPartner: partner, UnreadOnly: unread != nil && *unread, Lim: p.limit(), Off: p.offset()})
	if err != nil {
		s.failInternal(c, err)
		return
	}
	items := make([]NewsFeedItem, 0, len(rows))
	var total int64
	for _, r := range rows {
		total = r.Total
		items = append(items, NewsFeedItem{ID: r.ID, Title: r.Title, Excerpt: excerpt(r.BodyMd, 240),
			AuthorName: r.AuthorName, PublishAt: r.PublishAt, Pinned: r.Pinned, RequiresAck: r.RequiresAck,
			Read: r.ReadAt != nil, AcknowledgedAt: r.AcknowledgedAt})
	}
	p.answer(c, items, total)
}

// excerpt is the start of a Markdown body as plain words, for a list line.
func excerpt(md string, n int) string {
	plain := strings.Join(strings.Fields(strings.NewReplacer("#", "", "*", "", "_", "", "`", "", ">", "").Replace(md)), " ")
	if r := []rune(plain); len(r) > n {
		return string(r[:n]) + "…"
	}
	return plain
}

// UnreadNews counts what the header shows: unread items, and of them those awaiting «Ознакомлен».
type UnreadNews struct {
	Unread         int64 `json:"unread"`
	Unacknowledged int64 `json:"unacknowledged"`
}

func (s *Server) countUnreadNews(c *gin.Context) {
	role, uid, partner := caller(c).scope()
	r, err := s.q.CountUnreadNews(c.Request.Context(), store.CountUnreadNewsParams{CallerRole: role, CallerID: uid,
		CallerPartner: partner})
	if err != nil {
		s.failInternal(c, err)
		return
	}
	c.JSON(http.StatusOK, UnreadNews{Unread: r.Unread, Unacknowledged: r.Unacknowledged})
}

// NewsAuthorLine is one line of the authors' list.
type NewsAuthorLine struct {
	ID          int64      `json:"id"`
	Title       string     `json:"title"`
	Status      string     `json:"status"`
	Pinned      bool       `json:"pinned"`
	RequiresAck bool       `json:"requires_ack"`
	PublishAt   *time.Time `json:"publish_at"`
	AuthorName  string     `json:"author_name"`
	CreatedAt   time.Time  `json:"created_at"`
	ArchivedAt  *time.Time `json:"archived_at"`
}

// listNewsForAuthors lists drafts, published and archived items: all for an admin, a manager's own.
func (s *Server) listNewsForAuthors(c *gin.Context) {
	p, ok := paging(c)
	if !ok {
		return
	}
	var status *string
	if v := c.Query("status"); v != "" {
		if !slices.Contains([]string{"draft", "published", "archived"}, v) {
			badQuery(c, map[string]string{"status": fieldMessage(lang(c), "oneof", "draft, published, archived")})
			return
		}
		status = &v
	}
	cl := caller(c)
	rows, err := s.q.ListNewsForAuthors(c.Request.Context(), store.ListNewsForAuthorsParams{CallerRole: cl.Role,
		CallerID: cl.ID, Status: status, Lim: p.limit(), Off: p.offset()})
	if err != nil {
		s.failInternal(c, err)
		return
	}
	items := make([]NewsAuthorLine, 0, len(rows))
	var total int64
	for _, r := range rows {
		total = r.Total
		items = append(items, NewsAuthorLine{ID: r.ID, Title: r.Title, Status: r.Status, Pinned: r.Pinned,
			RequiresAck: r.RequiresAck, PublishAt: r.PublishAt, AuthorName: r.AuthorName, CreatedAt: r.CreatedAt,
			ArchivedAt: r.ArchivedAt})
	}
	p.answer(c, items, total)
}

// newsInput is what an author writes. Publish (create only) publishes at once, or at PublishAt.
type newsInput struct {
	Title             string     `json:"title" validate:"required,max=200"`
	Body              string     `json:"body" validate:"max=100000"`
	Pinned            bool       `json:"pinned"`
	RequiresAck       bool       `json:"requires_ack"`
	RemindAfterDays   int32      `json:"remind_after_days" validate:"gte=1,lte=90"`
	EscalateAfterDays int32      `json:"escalate_after_days" validate:"gte=1,lte=90"`
	Audience          Audience   `json:"audience"`
	Publish           bool       `json:"publish"`
	PublishAt         *time.Time `json:"publish_at"`
}

func newNewsInput() newsInput {
	return newsInput{RemindAfterDays: 3, EscalateAfterDays: 4}
}

// checkAudience keeps a manager's news to the partners of their salons, and everyone's to
// partners that exist; it answers 422 naming the field otherwise.
func (s *Server) checkAudience(c *gin.Context, a *Audience) bool {
	cl := caller(c)
	if a.Roles == nil {
		a.Roles = []string{}
	}
	if a.Partners == nil {
		a.Partners = []int64{}
	}
	if a.Regions == nil {
		a.Regions = []string{}
	}
	if a.Cities == nil {
		a.Cities = []string{}
	}
	if cl.Role == "manager" {
		// a manager writes to the dealers of their own partners, never to staff or everyone
		if len(a.Partners) == 0 {
			failFields(c, map[string]string{"audience.partners": newsMessage(c, "manager_partners")})
			return false
		}
		a.Roles = []string{"dealer"}
	}
	role, uid, partner := cl.scope()
	foreign, err := s.q.UnknownOrForeignPartners(c.Request.Context(), store.UnknownOrForeignPartnersParams{
		Ids: a.Partners, CallerRole: role, CallerID: uid, CallerPartner: partner})
	if err != nil {
		s.failInternal(c, err)
		return false
	}
	if len(foreign) > 0 {
		failFields(c, map[string]string{"audience.partners": newsMessage(c, "partner_not_yours", id(foreign[0]))})
		return false
	}
	return true
}

func (s *Server) createNews(c *gin.Context) {
	in := newNewsInput()
	if !decodeJSON(c, &in) {
		return
	}
	in.Title = strings.TrimSpace(in.Title)
	if !validStruct(c, &in) || !s.checkAudience(c, &in.Audience) {
		return
	}
	publishAt, ok := s.publishTime(c, in.Publish, in.PublishAt)
	if !ok {
		return
	}
	html, err := renderMarkdown(in.Body)
	if err != nil {
		s.failInternal(c, err)
		return
	}
	status := "draft"
	if publishAt != nil {
		status = "published"
	}
	var n store.News
	err = s.inTx(c, func(q *store.Queries) error {
		var err error
		n, err = q.CreateNews(c.Request.Context(), store.CreateNewsParams{Title: strings.TrimSpace(in.Title),
			BodyMd: in.Body, BodyHtml: html, AuthorID: caller(c).ID, Status: status, PublishAt: publishAt,
			Pinned: in.Pinned, RequiresAck: in.RequiresAck, RemindAfterDays: in.RemindAfterDays,
			EscalateAfterDays: in.EscalateAfterDays, AudienceRoles: in.Audience.Roles,
			AudiencePartners: in.Audience.Partners, AudienceRegions: in.Audience.Regions,
			AudienceCities: in.Audience.Cities})
		if err != nil {
			return err
		}
		return s.auditTx(c, q, "news.create", "news", id(n.ID), nil, newsItem(n, ""))
	})
	if err != nil {
		s.failInternal(c, err)
		return
	}
	if n.Status == "published" {
		s.startNewsWorkflow(c.Request.Context(), n)
	}
	c.JSON(http.StatusCreated, newsItem(n, caller(c).FullName))
}

// publishTime is when a publication shows: now, or the author's time (a day in the past at
// most, for a clock that is a little behind). nil: not published (a draft).
func (s *Server) publishTime(c *gin.Context, publish bool, at *time.Time) (*time.Time, bool) {
	if !publish {
		return nil, true
	}
	now := time.Now()
	if at == nil {
		return &now, true
	}
	if at.Before(now.Add(-24 * time.Hour)) {
		failFields(c, map[string]string{"publish_at": newsMessage(c, "publish_at_too_old")})
		return nil, false
	}
	return at, true
}

// startNewsWorkflow starts the published item's workflow, which tells its audience and runs
// the acknowledgement reminders. The item is saved either way: when Temporal does not answer
// the publication stands without its notices, and the failure is logged for an operator.
func (s *Server) startNewsWorkflow(ctx context.Context, n store.News) {
	if s.temporal == nil || n.PublishAt == nil {
		return
	}
	_, err := s.temporal.ExecuteWorkflow(ctx, client.StartWorkflowOptions{ID: workflows.NewsWorkflowID(n.ID),
		TaskQueue: s.cfg.TemporalTaskQueue, WorkflowIDConflictPolicy: enumspb.WORKFLOW_ID_CONFLICT_POLICY_USE_EXISTING},
		workflows.NewsWorkflow, workflows.NewsInput{NewsID: n.ID, PublishAt: *n.PublishAt, RequiresAck: n.RequiresAck,
			RemindAfterDays: int(n.RemindAfterDays), EscalateAfterDays: int(n.EscalateAfterDays)})
	if err != nil {
		s.log.ErrorContext(ctx, "start news workflow", "err", err, "news_id", n.ID)
	}
}

// stopNewsWorkflow cancels an item's reminders: archived, or everyone acknowledged. A workflow
// already finished is no failure; the workflow checks again before each notice anyway.
func (s *Server) stopNewsWorkflow(ctx context.Context, newsID int64) {
	if s.temporal == nil {
		return
	}
	err := s.temporal.CancelWorkflow(ctx, workflows.NewsWorkflowID(newsID), "")
	var notFound *serviceerror.NotFound
	if err != nil && !errors.As(err, &notFound) {
		s.log.WarnContext(ctx, "cancel news workflow", "err", err, "news_id", newsID)
	}
}

// authorsNews loads an item the caller may change: any for an admin, their own for a manager;
// another's answers 404 like one that does not exist.
func (s *Server) authorsNews(c *gin.Context) (store.News, bool) {
	nid, ok := pathID(c)
	if !ok {
		return store.News{}, false
	}
	cl := caller(c)
	n, err := s.q.GetNewsForAuthor(c.Request.Context(), store.GetNewsForAuthorParams{ID: nid, CallerRole: cl.Role,
		CallerID: cl.ID})
	if errors.Is(err, pgx.ErrNoRows) {
		fail(c, http.StatusNotFound, "not_found")
		return n, false
	}
	if err != nil {
		s.failInternal(c, err)
		return n, false
	}
	return n, true
}

func (s *Server) getNews(c *gin.Context) {
	nid, ok := pathID(c)
	if !ok {
		return
	}
	role, uid, partner := caller(c).scope()
	ctx := c.Request.Context()
	r, err := s.q.GetNews(ctx, store.GetNewsParams{ID: nid, CallerID: uid, CallerRole: role, CallerPartner: partner})
	if errors.Is(err, pgx.ErrNoRows) {
		fail(c, http.StatusNotFound, "not_found")
		return
	}
	if err != nil {
		s.failInternal(c, err)
		return
	}
	item := newsItem(store.News{ID: r.ID, Title: r.Title, BodyMd: r.BodyMd, BodyHtml: r.BodyHtml, AuthorID: r.AuthorID,
		Status: r.Status, PublishAt: r.PublishAt, Pinned: r.Pinned, RequiresAck: r.RequiresAck,
		RemindAfterDays: r.RemindAfterDays, EscalateAfterDays: r.EscalateAfterDays, AudienceRoles: r.AudienceRoles,
		AudiencePartners: r.AudiencePartners, AudienceRegions: r.AudienceRegions, AudienceCities: r.AudienceCities,
		CreatedAt: r.CreatedAt, ArchivedAt: r.ArchivedAt}, r.AuthorName)
	item.ReadAt, item.AcknowledgedAt = r.ReadAt, r.AcknowledgedAt
	if item.Attachments, ok = s.newsAttachments(c, nid); !ok {
		return
	}
	// opening a published item reads it; an author looking at a draft reads nothing
	if r.Status == "published" && r.ReadAt == nil {
		if err := s.q.MarkNewsRead(ctx, store.MarkNewsReadParams{NewsID: nid, UserID: uid}); err != nil {
			s.failInternal(c, err)
			return
		}
		now := time.Now()
		item.ReadAt = &now
	}
	c.JSON(http.StatusOK, item)
}

// newsUpdate is an author's edit; publication and archiving are their own actions.
type newsUpdate struct {
	Title             string   `json:"title" validate:"required,max=200"`
	Body              string   `json:"body" validate:"max=100000"`
	Pinned            bool     `json:"pinned"`
	RequiresAck       bool     `json:"requires_ack"`
	RemindAfterDays   int32    `json:"remind_after_days" validate:"gte=1,lte=90"`
	EscalateAfterDays int32    `json:"escalate_after_days" validate:"gte=1,lte=90"`
	Audience          Audience `json:"audience"`
}

func (s *Server) updateNews(c *gin.Context) {
	before, ok := s.authorsNews(c)
	if !ok {
		return
	}
	if before.Status == "archived" {
		c.AbortWithStatusJSON(http.StatusConflict, gin.H{"error": Problem{Code: "news_archived", Message: newsMessage(c, "news_archived")}})
		return
	}
	in := newsUpdate{Title: before.Title, Body: before.BodyMd, Pinned: before.Pinned, RequiresAck: before.RequiresAck,
		RemindAfterDays: before.RemindAfterDays, EscalateAfterDays: before.EscalateAfterDays,
		Audience: Audience{Roles: before.AudienceRoles, Partners: before.AudiencePartners,
			Regions: before.AudienceRegions, Cities: before.AudienceCities}}
	if !decodeJSON(c, &in) {
		return
	}
	in.Title = strings.TrimSpace(in.Title)
	if !validStruct(c, &in) || !s.checkAudience(c, &in.Audience) {
		return
	}
	html, err := renderMarkdown(in.Body)
	if err != nil {
		s.failInternal(c, err)
		return
	}
	var n store.News
	err = s.inTx(c, func(q *store.Queries) error {
		var err error
		n, err = q.UpdateNews(c.Request.Context(), store.UpdateNewsParams{ID: before.ID, Title: strings.TrimSpace(in.Title),
			BodyMd: in.Body, BodyHtml: html, Pinned: in.Pinned, RequiresAck: in.RequiresAck,
			RemindAfterDays: in.RemindAfterDays, EscalateAfterDays: in.EscalateAfterDays,
			AudienceRoles: in.Audience.Roles, AudiencePartners: in.Audience.Partners,
			AudienceRegions: in.Audience.Regions, AudienceCities: in.Audience.Cities})
		if err != nil {
			return err
		}
		return s.auditTx(c, q, "news.update", "news", id(n.ID), newsItem(before, ""), newsItem(n, ""))
	})
	if err != nil {
		s.failInternal(c, err)
		return
	}
	c.JSON(http.StatusOK, newsItem(n, ""))
}

type publishNewsRequest struct {
	PublishAt *time.Time `json:"publish_at"`
}

// publishNews publishes a draft now or at a time, and starts its workflow.
func (s *Server) publishNews(c *gin.Context) {
	before, ok := s.authorsNews(c)
	if !ok {
		return
	}
	var req publishNewsRequest
	if c.Request.ContentLength != 0 && !bindJSON(c, &req) {
		return
	}
	at, ok := s.publishTime(c, true, req.PublishAt)
	if !ok {
		return
	}
	var n store.News
	err := s.inTx(c, func(q *store.Queries) error {
		var err error
		n, err = q.PublishNews(c.Request.Context(), store.PublishNewsParams{ID: before.ID, PublishAt: at})
		if err != nil {
			return err
		}
		return s.auditTx(c, q, "news.publish", "news", id(n.ID), newsItem(before, ""), newsItem(n, ""))
	})
	if errors.Is(err, pgx.ErrNoRows) {
		c.AbortWithStatusJSON(http.StatusConflict, gin.H{"error": Problem{Code: "news_not_draft", Message: newsMessage(c, "news_not_draft")}})
		return
	}
	if err != nil {
		s.failInternal(c, err)
		return
	}
	s.startNewsWorkflow(c.Request.Context(), n)
	c.JSON(http.StatusOK, newsItem(n, ""))
}

// archiveNews takes an item off the feeds and stops its reminders.
func (s *Server) archiveNews(c *gin.Context) {
	before, ok := s.authorsNews(c)
	if !ok {
		return
	}
	var n store.News
	err := s.inTx(c, func(q *store.Queries) error {
		var err error
		n, err = q.ArchiveNews(c.Request.Context(), before.ID)
		if err != nil {
			return err
		}
		return s.auditTx(c, q, "news.archive", "news", id(n.ID), newsItem(before, ""), newsItem(n, ""))
	})
	if errors.Is(err, pgx.ErrNoRows) {
		c.AbortWithStatusJSON(http.StatusConflict, gin.H{"error": Problem{Code: "news_archived", Message: newsMessage(c, "news_archived")}})
		return
	}
	if err != nil {
		s.failInternal(c, err)
		return
	}
	s.stopNewsWorkflow(c.Request.Context(), n.ID)
	c.JSON(http.StatusOK, newsItem(n, ""))
}

// Acknowledged answers «Ознакомлен»: when the caller acknowledged (the first press counts).
type Acknowledged struct {
	AcknowledgedAt time.Time `json:"acknowledged_at"`
}

func (s *Server) acknowledgeNews(c *gin.Context) {
	nid, ok := pathID(c)
	if !ok {
		return
	}
	role, uid, partner := caller(c).scope()
	ctx := c.Request.Context()
	r, err := s.q.GetNews(ctx, store.GetNewsParams{ID: nid, CallerID: uid, CallerRole: role, CallerPartner: partner})
	if errors.Is(err, pgx.ErrNoRows) || err == nil && r.Status != "published" {
		fail(c, http.StatusNotFound, "not_found")
		return
	}
	if err != nil {
		s.failInternal(c, err)
		return
	}
	if !r.RequiresAck {
		c.AbortWithStatusJSON(http.StatusConflict, gin.H{"error": Problem{Code: "news_no_ack", Message: newsMessage(c, "news_no_ack")}})
		return
	}
	at, err := s.q.AcknowledgeNews(ctx, store.AcknowledgeNewsParams{NewsID: nid, UserID: uid})
	if err != nil || at == nil {
		s.failInternal(c, fmt.Errorf("acknowledge news: %w", err))
		return
	}
	// the last acknowledgement ends the reminders
	if st, err := s.q.NewsAckState(ctx, nid); err == nil && st.Pending == 0 {
		s.stopNewsWorkflow(ctx, nid)
	}
	c.JSON(http.StatusOK, Acknowledged{AcknowledgedAt: *at})
}
