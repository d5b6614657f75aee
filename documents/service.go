package documents

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"path"
	"strings"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
	"gocloud.dev/blob"

	"karso.ru/prm/db/store"
)

// ErrNotFound is returned by Open for a document that is not in the archive.
var ErrNotFound = errors.New("document not found")

// Ref names a stored document: its archive row and its file in the blob storage.
type Ref struct {
	ID       uuid.UUID
	Kind     string
	FileName string
	BlobKey  string
	Mime     string
	Size     int64
	SHA256   string
}

// Service issues documents: it renders the published template of a kind, stores the PDF in
// the blob bucket and records it in the documents archive, once per document however often
// it is asked.
type Service struct {
	pool   *pgxpool.Pool
	q      *store.Queries
	bucket *blob.Bucket
	loc    *time.Location
}

// New builds the service. loc is the company's time zone: it decides the month a document is
// archived under and the zone contract dates are printed in.
func New(pool *pgxpool.Pool, bucket *blob.Bucket, loc *time.Location) *Service {
	return &Service{pool: pool, q: store.New(pool), bucket: bucket, loc: loc}
}

// IssueContract renders the sale's contract with the published contract template and stores
// it as partners/<partner>/<YYYY-MM>/<sale>/contract-<number>.pdf. A sale has one contract:
// asking again — a retried activity — returns the contract already issued, untouched (even
// if the template has been republished or the contract voided since).
func (s *Service) IssueContract(ctx context.Context, d ContractData) (Ref, error) {
	if d.ContractNumber == "" || d.SaleID == uuid.Nil || d.Partner.ID == 0 {
		return Ref{}, errors.New("issue contract: the sale, its partner and its number are required")
	}
	d.IssuedAt, d.ValidFrom, d.ValidTo = d.IssuedAt.In(s.loc), d.ValidFrom.In(s.loc), d.ValidTo.In(s.loc)
	saleID := d.SaleID
	ref, err := s.issue(ctx, issueRequest{kind: KindContract, partnerID: d.Partner.ID, saleID: &saleID,
		fileName: "contract-" + d.ContractNumber + ".pdf", data: d, onePerSale: true})
	if err != nil {
		return Ref{}, fmt.Errorf("issue contract %s: %w", d.ContractNumber, err)
	}
	return ref, nil
}

// Issue renders any kind's published template with data (InvoiceData for an invoice, …) and
// stores it under partners/<partner>/<YYYY-MM>/[<sale>/]<fileName>. The month is that of
// data's DocumentDate (see Dated) in the company's zone, or the current month. Issuing the
// same file name of the same kind for the same partner and sale again returns the document
// already issued, so a retry never stores a second one; distinct documents of a kind for one
// sale (a second addendum) need distinct file names.
func (s *Service) Issue(ctx context.Context, kind string, partnerID int64, saleID *uuid.UUID, fileName string, data any) (Ref, error) {
	if !KnownKind(kind) {
		return Ref{}, fmt.Errorf("issue %s: %w", kind, ErrUnknownKind)
	}
	if partnerID == 0 || fileName == "" || strings.ContainsAny(fileName, `/\`) {
		return Ref{}, fmt.Errorf("issue %s: a partner and a plain file name are required", kind)
	}
	ref, err := s.issue(ctx, issueRequest{kind: kind, partnerID: partnerID, saleID: saleID, fileName: fileName, data: data})
	if err != nil {
		return Ref{}, fmt.Errorf("issue %s %s: %w", kind, fileName, err)
	}
	return ref, nil
}

// Open streams a stored document; the caller closes the reader. Who may see which document
// is the API's concern, not this one's.
func (s *Service) Open(ctx context.Context, docID uuid.UUID) (io.ReadCloser, Ref, error) {
	doc, err := s.q.GetDocument(ctx, docID)
	if errors.Is(err, pgx.ErrNoRows) {
		return nil, Ref{}, ErrNotFound
	}
	if err != nil {
		return nil, Ref{}, fmt.Errorf("open document %s: %w", docID, err)
	}
	r, err := s.bucket.NewReader(ctx, doc.BlobKey, nil)
	if err != nil {
		return nil, Ref{}, fmt.Errorf("open document %s: %w", docID, err)
	}
	return r, refOf(doc), nil
}

// issueRequest is one document to issue.
type issueRequest struct {
	kind      string
	partnerID int64
	saleID    *uuid.UUID
	fileName  string
	data      any
	// onePerSale finds an earlier document of the kind for the sale whatever its file name.
	onePerSale bool
}

// lockKey names what the advisory lock serialises: one kind of document of one sale, or of
// one partner when there is no sale.
func (r issueRequest) lockKey() string {
	if r.saleID != nil {
		return fmt.Sprintf("document:%s:%s", r.saleID, r.kind)
	}
	return fmt.Sprintf("document:partner:%d:%s:%s", r.partnerID, r.kind, r.fileName)
}

// issue renders and stores the document inside one transaction holding an advisory lock, so
// concurrent attempts for the same document wait for each other and the loser finds the
// winner's row. The file is written before its row: a crash in between leaves an orphan file
// that the retry overwrites, never a row without its file.
func (s *Service) issue(ctx context.Context, r issueRequest) (Ref, error) {
	var ref Ref
	err := pgx.BeginFunc(ctx, s.pool, func(tx pgx.Tx) error {
		q := s.q.WithTx(tx)
		if err := q.LockDocumentIssue(ctx, r.lockKey()); err != nil {
			return fmt.Errorf("lock: %w", err)
		}
		existing, err := s.findIssued(ctx, q, r)
		if err == nil {
			ref = refOf(existing)
			return nil
		}
		if !errors.Is(err, pgx.ErrNoRows) {
			return fmt.Errorf("find issued: %w", err)
		}
		ref, err = s.renderAndStore(ctx, q, r)
		return err
	})
	return ref, err
}

func (s *Service) findIssued(ctx context.Context, q *store.Queries, r issueRequest) (store.Document, error) {
	if r.onePerSale {
		return q.FindSaleDocument(ctx, store.FindSaleDocumentParams{SaleID: r.saleID, Kind: r.kind})
	}
	return q.FindIssuedDocument(ctx, store.FindIssuedDocumentParams{PartnerID: r.partnerID, SaleID: r.saleID,
		Kind: r.kind, FileName: r.fileName})
}

func (s *Service) renderAndStore(ctx context.Context, q *store.Queries, r issueRequest) (Ref, error) {
	tmpl, err := s.publishedTemplate(ctx, q, r.kind)
	if err != nil {
		return Ref{}, err
	}
	pdf, err := Render(tmpl, r.data)
	if err != nil {
		return Ref{}, fmt.Errorf("render %s v%d: %w", r.kind, tmpl.Version, err)
	}
	month := s.archiveMonth(r.data)
	key := blobKey(r.partnerID, month, r.saleID, r.fileName)
	if err := s.bucket.WriteAll(ctx, key, pdf, &blob.WriterOptions{ContentType: MimePDF}); err != nil {
		return Ref{}, fmt.Errorf("store %s: %w", key, err)
	}
	sum := sha256.Sum256(pdf)
	doc, err := q.InsertDocument(ctx, store.InsertDocumentParams{ID: uuid.New(), SaleID: r.saleID,
		PartnerID: r.partnerID, Kind: r.kind, Month: month, BlobKey: key, FileName: r.fileName, Mime: MimePDF,
		SizeBytes: int64(len(pdf)), Sha256: hex.EncodeToString(sum[:])})
	if err != nil {
		return Ref{}, fmt.Errorf("record %s: %w", key, err)
	}
	return refOf(doc), nil
}

// publishedTemplate is the kind's current published version, or its built-in default while
// an admin has published none, so that a fresh installation can issue documents at once.
func (s *Service) publishedTemplate(ctx context.Context, q *store.Queries, kind string) (TemplateVersion, error) {
	v, err := q.CurrentDocumentTemplateVersion(ctx, kind)
	if errors.Is(err, pgx.ErrNoRows) {
		d, ok := DefaultTemplateFor(kind)
		if !ok {
			return TemplateVersion{}, fmt.Errorf("%w: %q", ErrUnknownKind, kind)
		}
		return d.Version(), nil
	}
	if err != nil {
		return TemplateVersion{}, fmt.Errorf("load %s template: %w", kind, err)
	}
	return TemplateVersion{Kind: kind, Version: v.Version, Title: v.Title, Body: v.Body}, nil
}

// archiveMonth is the first day of the month the document belongs to, in the company's zone.
func (s *Service) archiveMonth(data any) time.Time {
	t := time.Now()
	if d, ok := data.(Dated); ok && !d.DocumentDate().IsZero() {
		t = d.DocumentDate()
	}
	t = t.In(s.loc)
	return time.Date(t.Year(), t.Month(), 1, 0, 0, 0, 0, time.UTC)
}

// blobKey lays the archive out by partner and month, so that a partner's month is one prefix.
func blobKey(partnerID int64, month time.Time, saleID *uuid.UUID, fileName string) string {
	parts := []string{"partners", fmt.Sprint(partnerID), month.Format("2006-01")}
	if saleID != nil {
		parts = append(parts, saleID.String())
	}
	return path.Join(append(parts, fileName)...)
}

func refOf(d store.Document) Ref {
	return Ref{ID: d.ID, Kind: d.Kind, FileName: d.FileName, BlobKey: d.BlobKey, Mime: d.Mime, Size: d.SizeBytes,
		SHA256: d.Sha256}
}
