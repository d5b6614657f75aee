package api

import (
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"path"
	"strings"
	"time"

	"github.com/gin-gonic/gin"
	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"

	"karso.ru/prm/db/store"
)

// maxNewsFileBytes bounds one cover or attachment.
const maxNewsFileBytes = 20 << 20

// newsFileTypes are what a news item may carry, by the type sniffed from the content; office
// files are zip archives, so for those the name's extension decides.
var newsFileTypes = map[string]string{
	"image/png": "image/png", "image/jpeg": "image/jpeg", "image/gif": "image/gif", "image/webp": "image/webp",
	"application/pdf": "application/pdf",
}

var officeTypes = map[string]string{
	".docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
	".xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
	".pptx": "application/vnd.openxmlformats-officedocument.presentationml.presentation",
}

// NewsAttachment is a cover or a file of a news item.
type NewsAttachment struct {
	ID        string    `json:"id"`
	Cover     bool      `json:"cover"`
	FileName  string    `json:"file_name"`
	Mime      string    `json:"mime"`
	SizeBytes int64     `json:"size_bytes"`
	URL       string    `json:"url"`
	CreatedAt time.Time `json:"created_at"`
}

func newsAttachment(a store.NewsAttachment) NewsAttachment {
	return NewsAttachment{ID: a.ID.String(), Cover: a.Cover, FileName: a.FileName, Mime: a.Mime, SizeBytes: a.SizeBytes,
		URL: fmt.Sprintf("/api/v1/news/%d/attachments/%s", a.NewsID, a.ID), CreatedAt: a.CreatedAt}
}

func (s *Server) newsAttachments(c *gin.Context, newsID int64) ([]NewsAttachment, bool) {
	rows, err := s.q.ListNewsAttachments(c.Request.Context(), newsID)
	if err != nil {
		s.failInternal(c, err)
		return nil, false
	}
	out := make([]NewsAttachment, 0, len(rows))
	for _, r := range rows {
		out = append(out, newsAttachment(r))
	}
	return out, true
}

// fileType names an upload's type, or "" when a news item may not carry it.
func fileType(name string, head []byte) string {
	sniffed, _, _ := mime.ParseMediaType(http.DetectContentType(head))
	if t, ok := newsFileTypes[sniffed]; ok {
		return t
	}
	if sniffed == "application/zip" {
		return officeTypes[strings.ToLower(path.Ext(name))]
	}
	return ""
}

// uploadNewsFile adds a cover (cover=true, an image) or an attachment to an item the caller
// wrote: multipart field "file", at most 20 MB, images, PDF or office files. The file goes to
// the blob store first; a refused or failed upload leaves the item as it was.
func (s *Server) uploadNewsFile(c *gin.Context) {
	n, ok := s.authorsNews(c)
	if !ok {
		return
	}
	if n.Status == "archived" {
		c.AbortWithStatusJSON(http.StatusConflict, gin.H{"error": Problem{Code: "news_archived", Message: newsMessage(c, "news_archived")}})
		return
	}
	fh, err := c.FormFile("file")
	if err != nil {
		var tooBig *http.MaxBytesError
		if errors.As(err, &tooBig) {
			failFields(c, map[string]string{"file": newsMessage(c, "file_too_large")})
			return
		}
		failFields(c, map[string]string{"file": fieldMessage(lang(c), "required")})
		return
	}
	cover := c.PostForm("cover") == "true"
	name := strings.TrimSpace(path.Base(strings.ReplaceAll(fh.Filename, "\\", "/")))
	if problem := textProblem(name); problem != "" || name == "" || name == "." || len([]rune(name)) > 200 {
		failFields(c, map[string]string{"file": fieldMessage(lang(c), "invalid")})
		return
	}
	if fh.Size > maxNewsFileBytes {
		failFields(c, map[string]string{"file": newsMessage(c, "file_too_large")})
		return
	}
	f, err := fh.Open()
	if err != nil {
		s.failInternal(c, err)
		return
	}
	defer f.Close()
	content, err := io.ReadAll(io.LimitReader(f, maxNewsFileBytes+1))
	if err != nil {
		s.failInternal(c, err)
		return
	}
	typ := fileType(name, content[:min(len(content), 512)])
	if typ == "" || cover && !strings.HasPrefix(typ, "image/") {
		failFields(c, map[string]string{"file": newsMessage(c, "file_type")})
		return
	}
	if len(content) == 0 {
		failFields(c, map[string]string{"file": fieldMessage(lang(c), "required")})
		return
	}
	key := fmt.Sprintf("news/%d/%s%s", n.ID, uuid.NewString(), strings.ToLower(path.Ext(name)))
	ctx := c.Request.Context()
	if err := s.docs.PutFile(ctx, key, content, typ); err != nil {
		s.failInternal(c, err)
		return
	}
	var a store.NewsAttachment
	err = s.inTx(c, func(q *store.Queries) error {
		if cover {
			if err := q.ClearNewsCover(ctx, n.ID); err != nil {
				return err
			}
		}
		var err error
		a, err = q.AddNewsAttachment(ctx, store.AddNewsAttachmentParams{NewsID: n.ID, Cover: cover, FileName: name,
			Mime: typ, SizeBytes: int64(len(content)), BlobKey: key, CreatedBy: caller(c).ID})
		if err != nil {
			return err
		}
		return s.auditTx(c, q, "news.attach", "news", id(n.ID), nil, newsAttachment(a))
	})
	if err != nil {
		_ = s.docs.DeleteFile(ctx, key)
		s.failInternal(c, err)
		return
	}
	c.JSON(http.StatusCreated, newsAttachment(a))
}

// attachmentID reads :attachment_id; anything but a uuid names nothing.
func attachmentID(c *gin.Context) (uuid.UUID, bool) {
	aid, err := uuid.Parse(c.Param("attachment_id"))
	if err != nil {
		fail(c, http.StatusNotFound, "not_found")
		return uuid.UUID{}, false
	}
	return aid, true
}

// downloadNewsFile serves a file of an item the caller may open (drafts to their authors only).
func (s *Server) downloadNewsFile(c *gin.Context) {
	nid, ok := pathID(c)
	if !ok {
		return
	}
	aid, ok := attachmentID(c)
	if !ok {
		return
	}
	role, uid, partner := caller(c).scope()
	ctx := c.Request.Context()
	if _, err := s.q.GetNews(ctx, store.GetNewsParams{ID: nid, CallerID: uid, CallerRole: role, CallerPartner: partner}); err != nil {
		s.notFoundOr500(c, err)
		return
	}
	a, err := s.q.GetNewsAttachment(ctx, store.GetNewsAttachmentParams{NewsID: nid, ID: aid})
	if err != nil {
		s.notFoundOr500(c, err)
		return
	}
	r, err := s.docs.OpenFile(ctx, a.BlobKey)
	if err != nil {
		s.failInternal(c, err)
		return
	}
	defer r.Close()
	disposition := "attachment"
	if strings.HasPrefix(a.Mime, "image/") {
		disposition = "inline"
	}
	c.Header("Content-Disposition", mime.FormatMediaType(disposition, map[string]string{"filename": a.FileName}))
	c.Header("X-Content-Type-Options", "nosniff")
	c.DataFromReader(http.StatusOK, a.SizeBytes, a.Mime, r, nil)
}

// deleteNewsFile removes a file from an item the caller wrote.
func (s *Server) deleteNewsFile(c *gin.Context) {
	n, ok := s.authorsNews(c)
	if !ok {
		return
	}
	aid, ok := attachmentID(c)
	if !ok {
		return
	}
	var a store.NewsAttachment
	err := s.inTx(c, func(q *store.Queries) error {
		var err error
		a, err = q.DeleteNewsAttachment(c.Request.Context(), store.DeleteNewsAttachmentParams{NewsID: n.ID, ID: aid})
		if err != nil {
			return err
		}
		return s.auditTx(c, q, "news.detach", "news", id(n.ID), newsAttachment(a), nil)
	})
	if err != nil {
		s.notFoundOr500(c, err)
		return
	}
	// the row is gone, so the file is unreachable; a file left behind by a failed delete is only space
	if err := s.docs.DeleteFile(c.Request.Context(), a.BlobKey); err != nil {
		s.log.WarnContext(c.Request.Context(), "delete news file", "err", err, "key", a.BlobKey)
	}
	c.Status(http.StatusNoContent)
}

func (s *Server) notFoundOr500(c *gin.Context, err error) {
	if errors.Is(err, pgx.ErrNoRows) {
		fail(c, http.StatusNotFound, "not_found")
		return
	}
	s.failInternal(c, err)
}
