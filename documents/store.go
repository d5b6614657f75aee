package documents

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"
	"gocloud.dev/blob"

	"karso.ru/prm/db/store"
)

// MimeXLSX is the media type of an Excel workbook.
const MimeXLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

// Store archives a file made elsewhere — the Excel copy of a monthly statement — next to the
// PDFs: under partners/<partner>/<YYYY-MM>/<fileName> for the month month falls in (in its own
// zone), recorded in the documents table as kind with the given media type. Storing the same
// file name of the same kind for the same partner again returns the document stored first,
// untouched, so a retried or re-run closing archives each file once; name files by their
// month so that months do not collide.
func (s *Service) Store(ctx context.Context, kind string, partnerID int64, month time.Time, fileName, mime string, content []byte) (Ref, error) {
	if !KnownKind(kind) {
		return Ref{}, fmt.Errorf("store %s: %w", kind, ErrUnknownKind)
	}
	if partnerID == 0 || fileName == "" || strings.ContainsAny(fileName, `/\`) || mime == "" || month.IsZero() {
		return Ref{}, fmt.Errorf("store %s: a partner, a month, a media type and a plain file name are required", kind)
	}
	r := issueRequest{kind: kind, partnerID: partnerID, fileName: fileName}
	var ref Ref
	// the same lock and look-up as issue: a PDF and a stored file of one name never race
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
			return fmt.Errorf("find stored: %w", err)
		}
		ref, err = s.storeBytes(ctx, q, r, firstOfMonth(month), mime, content)
		return err
	})
	if err != nil {
		return Ref{}, fmt.Errorf("store %s %s: %w", kind, fileName, err)
	}
	return ref, nil
}

// storeBytes writes the file before its row, as issue does: a crash in between leaves an
// orphan file the retry overwrites, never a row without its file.
func (s *Service) storeBytes(ctx context.Context, q *store.Queries, r issueRequest, month time.Time, mime string, content []byte) (Ref, error) {
	key := blobKey(r.partnerID, month, nil, r.fileName)
	if err := s.bucket.WriteAll(ctx, key, content, &blob.WriterOptions{ContentType: mime}); err != nil {
		return Ref{}, fmt.Errorf("store %s: %w", key, err)
	}
	sum := sha256.Sum256(content)
	doc, err := q.InsertDocument(ctx, store.InsertDocumentParams{ID: uuid.New(), PartnerID: r.partnerID, Kind: r.kind,
		Month: month, BlobKey: key, FileName: r.fileName, Mime: mime, SizeBytes: int64(len(content)),
		Sha256: hex.EncodeToString(sum[:])})
	if err != nil {
		return Ref{}, fmt.Errorf("record %s: %w", key, err)
	}
	return refOf(doc), nil
}

// firstOfMonth is the archive's month key: the first day of t's month, as a date.
func firstOfMonth(t time.Time) time.Time {
	return time.Date(t.Year(), t.Month(), 1, 0, 0, 0, 0, time.UTC)
}
