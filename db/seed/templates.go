package seed

import (
	"context"
	"fmt"

	"karso.ru/prm/db/store"
	"karso.ru/prm/documents"
)

// Templates publishes the company's default wording of every document kind as version 1.
// A kind that already has versions is left alone, so it is safe on a database seeded before
// a kind existed.
func Templates(ctx context.Context, q *store.Queries, adminID int64) error {
	for _, d := range documents.DefaultTemplates() {
		t, err := q.EnsureDocumentTemplate(ctx, store.EnsureDocumentTemplateParams{Kind: d.Kind, Name: d.Name})
		if err != nil {
			return fmt.Errorf("template %s: %w", d.Kind, err)
		}
		next, err := q.NextDocumentTemplateVersion(ctx, t.ID)
		if err != nil {
			return fmt.Errorf("template %s: %w", d.Kind, err)
		}
		if next > 1 {
			continue
		}
		if err := publishFirstVersion(ctx, q, t.ID, d, adminID); err != nil {
			return fmt.Errorf("template %s version: %w", d.Kind, err)
		}
	}
	return nil
}

func publishFirstVersion(ctx context.Context, q *store.Queries, templateID int64, d documents.DefaultTemplate, adminID int64) error {
	v, err := q.CreateDocumentTemplateVersion(ctx, store.CreateDocumentTemplateVersionParams{TemplateID: templateID,
		Version: 1, Title: d.Title, Body: d.Body, CreatedBy: &adminID})
	if err != nil {
		return err
	}
	_, err = q.PublishDocumentTemplateVersion(ctx, v.ID)
	return err
}
