package documents

import (
	"context"
	"errors"
	"fmt"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"
)

// Void marks an issued document as no longer in force (a cancelled sale's contract, the
// invoice of a payment that will not be collected). The PDF stays in the archive, where
// finance still finds it, marked voided; voiding it again changes nothing. An unknown id is
// ErrNotFound.
func (s *Service) Void(ctx context.Context, docID uuid.UUID) error {
	n, err := s.q.VoidDocument(ctx, docID)
	if err != nil {
		return fmt.Errorf("void document %s: %w", docID, err)
	}
	if n > 0 {
		return nil
	}
	if _, err := s.q.GetDocument(ctx, docID); errors.Is(err, pgx.ErrNoRows) {
		return ErrNotFound
	} else if err != nil {
		return fmt.Errorf("void document %s: %w", docID, err)
	}
	return nil // voided before
}
