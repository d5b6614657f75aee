package documents_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/google/uuid"

	"karso.ru/prm/documents"
)

func TestVoidMarksTheDocumentOnce(t *testing.T) {
	ctx := context.Background()
	svc, _ := newService(t)
	ref, err := svc.IssueContract(ctx, newSale(t))
	if err != nil {
		t.Fatal(err)
	}
	voidedAt := func() *time.Time {
		t.Helper()
		var at *time.Time
		if err := pool.QueryRow(ctx, `SELECT voided_at FROM documents WHERE id = $1`, ref.ID).Scan(&at); err != nil {
			t.Fatal(err)
		}
		return at
	}
	if at := voidedAt(); at != nil {
		t.Fatalf("a fresh contract is voided at %v", at)
	}
	if err := svc.Void(ctx, ref.ID); err != nil {
		t.Fatal(err)
	}
	first := voidedAt()
	if first == nil {
		t.Fatal("the contract is not voided")
	}
	if err := svc.Void(ctx, ref.ID); err != nil {
		t.Fatalf("voiding again: %v", err)
	}
	if again := voidedAt(); again == nil || !again.Equal(*first) {
		t.Errorf("voiding again moved voided_at from %v to %v", first, again)
	}
	// the PDF stays in the archive for finance
	if r, _, err := svc.Open(ctx, ref.ID); err != nil {
		t.Errorf("a voided document cannot be opened: %v", err)
	} else {
		r.Close()
	}
	if err := svc.Void(ctx, uuid.New()); !errors.Is(err, documents.ErrNotFound) {
		t.Errorf("voiding an unknown document: %v", err)
	}
}
