package api

import (
	"errors"
	"io"
	"mime"
	"net/http"
	"strconv"
	"time"

	"github.com/gin-gonic/gin"
	"github.com/google/uuid"

	"karso.ru/prm/db/store"
	"karso.ru/prm/documents"
)

// ArchivedDocument is one file of the accounting archive: a contract, invoice, receipt,
// addendum or act, filed under its partner and month.
type ArchivedDocument struct {
	ID             uuid.UUID  `json:"id"`
	Kind           string     `json:"kind"`
	FileName       string     `json:"file_name"`
	PartnerID      int64      `json:"partner_id"`
	PartnerName    string     `json:"partner_name"`
	SaleID         *uuid.UUID `json:"sale_id"`
	ContractNumber *string    `json:"contract_number"`
	// Month is the accounting month the document is filed under, YYYY-MM.
	Month     string     `json:"month"`
	SizeBytes int64      `json:"size_bytes"`
	SHA256    string     `json:"sha256"`
	CreatedAt time.Time  `json:"created_at"`
	VoidedAt  *time.Time `json:"voided_at"`
	// DownloadURL streams the PDF to whoever may see the document.
	DownloadURL string `json:"download_url"`
}

// archiveMonth is how the archive names a month in its filter and items.
const archiveMonth = "2006-01"

// listDocuments lists the archive the caller may see, newest first: all of it for finance and
// admin, a dealer's network's documents, a manager's assigned salons' sales' documents.
func (s *Server) listDocuments(c *gin.Context) {
	p, ok := paging(c)
	if !ok {
		return
	}
	q := s.checkQuery(c)
	arg := store.ListArchiveDocumentsParams{PartnerID: q.int("partner_id"), Month: q.month("month"),
		Kind: q.oneOf("kind", documents.Kinds()...), SaleID: q.uuid("sale_id"), Lim: p.limit(), Off: p.offset()}
	if !q.ok() {
		return
	}
	items, total, err := s.archivedDocuments(c, arg)
	if err != nil {
		s.failInternal(c, err)
		return
	}
	p.answer(c, items, total)
}

// archivedDocuments reads the archive in the caller's scope.
func (s *Server) archivedDocuments(c *gin.Context, arg store.ListArchiveDocumentsParams) ([]ArchivedDocument, int64, error) {
	arg.CallerRole, arg.CallerID, arg.CallerPartner = caller(c).scope()
	rows, err := s.q.ListArchiveDocuments(c.Request.Context(), arg)
	if err != nil {
		return nil, 0, err
	}
	items := make([]ArchivedDocument, 0, len(rows))
	var total int64
	for _, r := range rows {
		total = r.Total
		items = append(items, ArchivedDocument{ID: r.ID, Kind: r.Kind, FileName: r.FileName, PartnerID: r.PartnerID,
			PartnerName: r.PartnerName, SaleID: r.SaleID, ContractNumber: r.ContractNumber,
			Month: r.Month.Format(archiveMonth), SizeBytes: r.SizeBytes, SHA256: r.Sha256, CreatedAt: r.CreatedAt,
			VoidedAt: r.VoidedAt, DownloadURL: "/api/v1/documents/" + r.ID.String() + "/download"})
	}
	return items, total, nil
}

// downloadDocument streams an archived PDF to whoever may see it; a document outside the
// caller's scope answers 404 as a missing one.
func (s *Server) downloadDocument(c *gin.Context) {
	docID, err := uuid.Parse(c.Param("id"))
	if err != nil {
		fail(c, http.StatusNotFound, "not_found")
		return
	}
	visible, _, err := s.archivedDocuments(c, store.ListArchiveDocumentsParams{DocumentID: &docID, Lim: 1})
	if err != nil {
		s.failInternal(c, err)
		return
	}
	if len(visible) == 0 {
		fail(c, http.StatusNotFound, "not_found")
		return
	}
	rd, doc, err := s.docs.Open(c.Request.Context(), docID)
	if errors.Is(err, documents.ErrNotFound) {
		fail(c, http.StatusNotFound, "not_found")
		return
	}
	if err != nil {
		s.failInternal(c, err)
		return
	}
	defer rd.Close()
	s.streamDocument(c, rd, doc)
}

// streamDocument sends a stored file as an attachment under its archive name.
func (s *Server) streamDocument(c *gin.Context, rd io.Reader, doc documents.Ref) {
	c.Header("Content-Disposition", mime.FormatMediaType("attachment", map[string]string{"filename": doc.FileName}))
	c.Header("Content-Length", strconv.FormatInt(doc.Size, 10))
	c.Header("Cache-Control", "private, no-store")
	c.Header("X-Content-Type-Options", "nosniff")
	c.Writer.Header().Set("Content-Type", doc.Mime)
	allowLongAnswer(c)
	c.Status(http.StatusOK)
	if _, err := io.Copy(c.Writer, rd); err != nil {
		s.log.WarnContext(c.Request.Context(), "stream document", "err", err, "document", doc.ID)
	}
}

// month reads YYYY-MM as the first day of that month.
func (q *queryCheck) month(name string) *time.Time {
	v := q.c.Query(name)
	if v == "" {
		return nil
	}
	m, err := time.Parse(archiveMonth, v)
	if err != nil {
		q.wrong(name, pick(documentMessages, "month", lang(q.c)))
		return nil
	}
	return &m
}

// documentMessages are the texts of the archive's own field errors, Russian first.
var documentMessages = map[string][2]string{
	"month": {"Ожидается месяц в формате ГГГГ-ММ", "Expected a month as YYYY-MM"},
}
