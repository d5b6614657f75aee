package documents

import (
	"context"
	"fmt"
	"net/url"
	"path/filepath"
	"strings"

	"gocloud.dev/blob"
	_ "gocloud.dev/blob/fileblob" // file:// — a local folder on a developer's machine and in tests
	_ "gocloud.dev/blob/s3blob"   // s3:// — S3-compatible storage in production
)

// OpenBucket opens the document storage named by BLOB_URL: "file://<folder>" (relative as in
// the default "file://.data/blobs", or absolute as in "file:///var/lib/karso/blobs"), created
// when missing, or any URL gocloud.dev/blob understands, "s3://bucket?region=…" in production.
func OpenBucket(ctx context.Context, rawURL string) (*blob.Bucket, error) {
	if rest, ok := strings.CutPrefix(rawURL, "file://"); ok {
		u, err := localFolderURL(rest)
		if err != nil {
			return nil, fmt.Errorf("open blob bucket %q: %w", rawURL, err)
		}
		rawURL = u
	}
	b, err := blob.OpenBucket(ctx, rawURL)
	if err != nil {
		return nil, fmt.Errorf("open blob bucket: %w", err)
	}
	return b, nil
}

// localFolderURL turns the folder of a file:// URL into the absolute form fileblob expects.
// fileblob itself would read "file://.data/blobs" as the host ".data" and the folder "/blobs",
// so the folder is taken literally here. The folder is created when missing, and temporary
// files are written next to their target so that the final rename never crosses file systems.
func localFolderURL(rest string) (string, error) {
	dir, rawQuery, _ := strings.Cut(rest, "?")
	if dir == "" {
		return "", fmt.Errorf("no folder given")
	}
	abs, err := filepath.Abs(filepath.FromSlash(dir))
	if err != nil {
		return "", err
	}
	q, err := url.ParseQuery(rawQuery)
	if err != nil {
		return "", err
	}
	q.Set("create_dir", "true")
	q.Set("no_tmp_dir", "true")
	return (&url.URL{Scheme: "file", Path: filepath.ToSlash(abs), RawQuery: q.Encode()}).String(), nil
}
