package documents

import (
	"context"
	"fmt"
	"io"

	"gocloud.dev/blob"
	"gocloud.dev/gcerrors"
)

// PutFile stores an uploaded file (a news item's cover or attachment) under key in the same
// bucket as the archive; the caller records it in its own table.
func (s *Service) PutFile(ctx context.Context, key string, content []byte, mime string) error {
	if err := s.bucket.WriteAll(ctx, key, content, &blob.WriterOptions{ContentType: mime}); err != nil {
		return fmt.Errorf("store file %s: %w", key, err)
	}
	return nil
}

// OpenFile reads a file PutFile stored.
func (s *Service) OpenFile(ctx context.Context, key string) (io.ReadCloser, error) {
	r, err := s.bucket.NewReader(ctx, key, nil)
	if err != nil {
		return nil, fmt.Errorf("open file %s: %w", key, err)
	}
	return r, nil
}

// DeleteFile removes a file PutFile stored; one already gone is no failure.
func (s *Service) DeleteFile(ctx context.Context, key string) error {
	err := s.bucket.Delete(ctx, key)
	if err != nil && gcerrors.Code(err) != gcerrors.NotFound {
		return fmt.Errorf("delete file %s: %w", key, err)
	}
	return nil
}
