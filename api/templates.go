package api

import (
	"errors"
	"fmt"
	"net/http"
	"strings"
	"time"

	"github.com/gin-gonic/gin"
	"github.com/jackc/pgx/v5"

	"karso.ru/prm/db/store"
	"karso.ru/prm/documents"
)

// TemplateKind is a kind of document with the state of its templates and what they may print.
type TemplateKind struct {
	Kind string `json:"kind"`
	Name string `json:"name"`
	// CurrentVersion is the published version documents are issued with; nil while the
	// built-in default wording is used.
	CurrentVersion *int32                  `json:"current_version"`
	PublishedAt    *time.Time              `json:"published_at"`
	LatestVersion  int32                   `json:"latest_version"`
	Placeholders   []documents.Placeholder `json:"placeholders"`
}

// TemplateVersion is one version of a document template.
type TemplateVersion struct {
	Kind           string     `json:"kind"`
	Version        int32      `json:"version"`
	Title          string     `json:"title"`
	Body           string     `json:"body"`
	Published      bool       `json:"published"`
	PublishedAt    *time.Time `json:"published_at"`
	Current        bool       `json:"current"`
	CreatedByEmail *string    `json:"created_by_email,omitempty"`
	CreatedAt      time.Time  `json:"created_at"`
}

func templateVersionFromRow(kind string, v store.DocumentTemplateVersion) TemplateVersion {
	return TemplateVersion{Kind: kind, Version: v.Version, Title: v.Title, Body: v.Body, Published: v.PublishedAt != nil,
		PublishedAt: v.PublishedAt, CreatedAt: v.CreatedAt}
}

// templateKind reads :kind; a kind the platform does not issue is a 404.
func templateKind(c *gin.Context) (documents.DefaultTemplate, bool) {
	d, ok := documents.DefaultTemplateFor(c.Param("kind"))
	if !ok {
		fail(c, http.StatusNotFound, "not_found")
	}
	return d, ok
}

// listTemplates answers every document kind, in the platform's order, with its current and
// latest versions and the placeholders its templates may use.
func (s *Server) listTemplates(c *gin.Context) {
	rows, err := s.q.ListDocumentTemplates(c.Request.Context())
	if err != nil {
		s.failInternal(c, err)
		return
	}
	stored := make(map[string]store.ListDocumentTemplatesRow, len(rows))
	for _, r := range rows {
		stored[r.Kind] = r
	}
	items := make([]TemplateKind, 0, len(documents.Kinds()))
	for _, d := range documents.DefaultTemplates() {
		k := TemplateKind{Kind: d.Kind, Name: d.Name, Placeholders: documents.Placeholders(d.Kind)}
		if r, ok := stored[d.Kind]; ok {
			k.Name, k.LatestVersion, k.PublishedAt = r.Name, r.LatestVersion, r.CurrentPublishedAt
			if r.CurrentVersion > 0 {
				current := r.CurrentVersion
				k.CurrentVersion = &current
			}
		}
		items = append(items, k)
	}
	c.JSON(http.StatusOK, gin.H{"items": items})
}

func (s *Server) listTemplateVersions(c *gin.Context) {
	d, ok := templateKind(c)
	if !ok {
		return
	}
	rows, err := s.q.ListDocumentTemplateVersions(c.Request.Context(), d.Kind)
	if err != nil {
		s.failInternal(c, err)
		return
	}
	items := make([]TemplateVersion, 0, len(rows))
	currentMarked := false
	for _, r := range rows { // newest first: the first published one is current
		v := templateVersionFromRow(d.Kind, store.DocumentTemplateVersion{Version: r.Version, Title: r.Title, Body: r.Body,
			PublishedAt: r.PublishedAt, CreatedAt: r.CreatedAt})
		v.CreatedByEmail = r.CreatedByEmail
		if v.Published && !currentMarked {
			v.Current, currentMarked = true, true
		}
		items = append(items, v)
	}
	c.JSON(http.StatusOK, gin.H{"items": items})
}

// templateText is a template's text as an admin writes it.
type templateText struct {
	Title string `json:"title" validate:"required,max=300"`
	Body  string `json:"body" validate:"required,max=200000"`
}

// bindTemplateText decodes the text and checks it the way issuing a document would use it:
// executed against the kind's sample data, so a syntax error or an unknown placeholder is
// reported on "title" or "body" with its line now, not when a contract is due.
func bindTemplateText(c *gin.Context, kind string) (templateText, bool) {
	var in templateText
	if !decodeJSON(c, &in) {
		return in, false
	}
	in.Title = strings.TrimSpace(in.Title)
	if fields := structErrors(c, in); len(fields) > 0 {
		failFields(c, fields)
		return in, false
	}
	return in, checkTemplate(c, documents.TemplateVersion{Kind: kind, Title: in.Title, Body: in.Body})
}

// checkTemplate answers 422 on the field a template mistake is in.
func checkTemplate(c *gin.Context, tv documents.TemplateVersion) bool {
	err := documents.Check(tv)
	var te *documents.TemplateError
	if errors.As(err, &te) {
		failFields(c, map[string]string{te.Field: te.Message(lang(c))})
		return false
	}
	if err != nil {
		fail(c, http.StatusNotFound, "not_found")
		return false
	}
	return true
}

// createTemplateVersion saves new text as a draft version of the kind.
func (s *Server) createTemplateVersion(c *gin.Context) {
	d, ok := templateKind(c)
	if !ok {
		return
	}
	in, ok := bindTemplateText(c, d.Kind)
	if !ok {
		return
	}
	ctx := c.Request.Context()
	var created store.DocumentTemplateVersion
	err := s.inTx(c, func(q *store.Queries) error {
		if _, err := q.EnsureDocumentTemplate(ctx, store.EnsureDocumentTemplateParams{Kind: d.Kind, Name: d.Name}); err != nil {
			return err
		}
		t, err := q.LockDocumentTemplate(ctx, d.Kind)
		if err != nil {
			return err
		}
		next, err := q.NextDocumentTemplateVersion(ctx, t.ID)
		if err != nil {
			return err
		}
		by := caller(c).ID
		created, err = q.CreateDocumentTemplateVersion(ctx, store.CreateDocumentTemplateVersionParams{TemplateID: t.ID,
			Version: next, Title: in.Title, Body: in.Body, CreatedBy: &by})
		if err != nil {
			return err
		}
		return s.auditTx(c, q, "template.version_create", "document_template", d.Kind, nil,
			gin.H{"version": next, "title": in.Title, "body": in.Body})
	})
	if err != nil {
		s.failInternal(c, err)
		return
	}
	c.JSON(http.StatusCreated, templateVersionFromRow(d.Kind, created))
}

// findTemplateVersion loads :kind/:version or answers 404.
func (s *Server) findTemplateVersion(c *gin.Context, q *store.Queries) (documents.DefaultTemplate, store.DocumentTemplateVersion, bool) {
	d, ok := templateKind(c)
	if !ok {
		return d, store.DocumentTemplateVersion{}, false
	}
	version, ok := pathVersion(c)
	if !ok {
		return d, store.DocumentTemplateVersion{}, false
	}
	v, err := q.GetDocumentTemplateVersion(c.Request.Context(), store.GetDocumentTemplateVersionParams{Kind: d.Kind,
		Version: version})
	if errors.Is(err, pgx.ErrNoRows) {
		fail(c, http.StatusNotFound, "not_found")
		return d, v, false
	}
	if err != nil {
		s.failInternal(c, err)
		return d, v, false
	}
	return d, v, true
}

// publishTemplateVersion makes a draft the text documents of its kind are issued with.
// Documents already issued keep the text they were rendered from.
func (s *Server) publishTemplateVersion(c *gin.Context) {
	d, v, ok := s.findTemplateVersion(c, s.q)
	if !ok {
		return
	}
	if v.PublishedAt != nil {
		failCatalog(c, http.StatusConflict, "already_published", nil)
		return
	}
	// the sample data or the functions may have changed since the draft was saved
	if !checkTemplate(c, documents.TemplateVersion{Kind: d.Kind, Title: v.Title, Body: v.Body}) {
		return
	}
	ctx := c.Request.Context()
	var published store.DocumentTemplateVersion
	err := s.inTx(c, func(q *store.Queries) error {
		before := gin.H{"version": v.Version, "published_at": nil}
		if cur, err := q.CurrentDocumentTemplateVersion(ctx, d.Kind); err == nil {
			before["current_version"] = cur.Version
		}
		var err error
		if published, err = q.PublishDocumentTemplateVersion(ctx, v.ID); err != nil {
			return err
		}
		return s.auditTx(c, q, "template.publish", "document_template", d.Kind, before,
			gin.H{"version": v.Version, "published_at": published.PublishedAt})
	})
	if errors.Is(err, pgx.ErrNoRows) { // published by someone else a moment ago
		failCatalog(c, http.StatusConflict, "already_published", nil)
		return
	}
	if err != nil {
		s.failInternal(c, err)
		return
	}
	out := templateVersionFromRow(d.Kind, published)
	out.Current = true // the highest published version, since versions only grow
	if cur, err := s.q.CurrentDocumentTemplateVersion(ctx, d.Kind); err == nil {
		out.Current = cur.Version == published.Version
	}
	c.JSON(http.StatusOK, out)
}

// previewTemplateVersion renders a saved version with the kind's sample data.
func (s *Server) previewTemplateVersion(c *gin.Context) {
	d, v, ok := s.findTemplateVersion(c, s.q)
	if !ok {
		return
	}
	s.answerPreview(c, documents.TemplateVersion{Kind: d.Kind, Version: v.Version, Title: v.Title, Body: v.Body},
		fmt.Sprintf("%s-v%d-preview.pdf", d.Kind, v.Version))
}

// previewTemplateText renders text being edited, before it is saved.
func (s *Server) previewTemplateText(c *gin.Context) {
	d, ok := templateKind(c)
	if !ok {
		return
	}
	in, ok := bindTemplateText(c, d.Kind)
	if !ok {
		return
	}
	s.answerPreview(c, documents.TemplateVersion{Kind: d.Kind, Title: in.Title, Body: in.Body}, d.Kind+"-preview.pdf")
}

func (s *Server) answerPreview(c *gin.Context, tv documents.TemplateVersion, fileName string) {
	pdf, err := documents.Render(tv, documents.SampleData(tv.Kind))
	var te *documents.TemplateError
	if errors.As(err, &te) {
		failFields(c, map[string]string{te.Field: te.Message(lang(c))})
		return
	}
	if err != nil {
		s.failInternal(c, err)
		return
	}
	c.Header("Content-Disposition", fmt.Sprintf(`inline; filename="%s"`, fileName))
	c.Header("Cache-Control", "no-store")
	c.Data(http.StatusOK, documents.MimePDF, pdf)
}
