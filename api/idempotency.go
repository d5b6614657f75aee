package api

import (
	"bytes"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/json"
	"errors"
	"io"
	"net/http"

	"github.com/gin-gonic/gin"

	"karso.ru/prm/db/store"
)

// publicBodyBytes caps a public request's body: a website's sale is a few kilobytes.
const publicBodyBytes = 64 << 10

// limitPublicBody refuses a public body over 64 KiB with 413 before anything reads it whole.
func limitPublicBody() gin.HandlerFunc {
	return func(c *gin.Context) {
		if c.Request.ContentLength > publicBodyBytes {
			fail(c, http.StatusRequestEntityTooLarge, "public_body_too_large")
			return
		}
		if c.Request.Body != nil {
			c.Request.Body = http.MaxBytesReader(c.Writer, c.Request.Body, publicBodyBytes)
		}
		c.Next()
	}
}

// idempotent makes a public POST safe to retry under its `Idempotency-Key` header: the first
// answer (any status below 500) is kept for 24 hours and replayed to a retry with the same
// body; the same key with another body answers 422, and while the first request is still
// being answered 409. A 5xx answer is not kept, so the retry runs again. Keys are per API key.
// required makes the header mandatory (a request that creates something).
func (s *Server) idempotent(required bool) gin.HandlerFunc {
	return func(c *gin.Context) {
		idem := c.GetHeader("Idempotency-Key")
		if idem == "" && !required {
			c.Next()
			return
		}
		if idem == "" || len(idem) > 200 {
			failFields(c, map[string]string{"Idempotency-Key": message(lang(c), "idempotency_key_required")})
			return
		}
		body, err := io.ReadAll(c.Request.Body)
		var tooLarge *http.MaxBytesError
		if errors.As(err, &tooLarge) {
			fail(c, http.StatusRequestEntityTooLarge, "public_body_too_large")
			return
		}
		if err != nil {
			fail(c, http.StatusBadRequest, "malformed_json")
			return
		}
		c.Request.Body = io.NopCloser(bytes.NewReader(body))
		sum := sha256.Sum256(append([]byte(c.FullPath()+"\n"), body...))
		key := callerKey(c)
		ctx := c.Request.Context()
		if err := s.q.ExpireIdempotencyKey(ctx, store.ExpireIdempotencyKeyParams{ApiKeyID: key.ID, Key: idem}); err != nil {
			s.failInternal(c, err)
			return
		}
		claimed, err := s.q.ClaimIdempotencyKey(ctx, store.ClaimIdempotencyKeyParams{ApiKeyID: key.ID, Key: idem,
			Route: c.FullPath(), RequestHash: sum[:]})
		if err != nil {
			s.failInternal(c, err)
			return
		}
		if claimed == 0 {
			s.replay(c, key.ID, idem, sum[:])
			return
		}
		rec := &recordingWriter{ResponseWriter: c.Writer}
		c.Writer = rec
		c.Next()
		status := rec.Status()
		if status >= 500 {
			err = s.q.ReleaseIdempotencyKey(ctx, store.ReleaseIdempotencyKeyParams{ApiKeyID: key.ID, Key: idem})
		} else {
			err = s.q.FinishIdempotencyKey(ctx, store.FinishIdempotencyKeyParams{ApiKeyID: key.ID, Key: idem,
				Status: int32(status), Response: rec.body.Bytes()})
		}
		if err != nil {
			s.log.ErrorContext(ctx, "keep idempotent answer", "err", err, "status", status)
		}
	}
}

// replay answers a retried request with the first answer.
func (s *Server) replay(c *gin.Context, keyID int64, idem string, sum []byte) {
	prev, err := s.q.GetIdempotencyKey(c.Request.Context(), store.GetIdempotencyKeyParams{ApiKeyID: keyID, Key: idem})
	if err != nil {
		s.failInternal(c, err)
		return
	}
	switch {
	case subtle.ConstantTimeCompare(prev.RequestHash, sum) != 1:
		failFields(c, map[string]string{"Idempotency-Key": message(lang(c), "idempotency_key_reused")})
	case prev.Status == 0:
		fail(c, http.StatusConflict, "idempotency_in_progress")
	default:
		c.Header("Idempotent-Replayed", "true")
		if id, ok := replayedLocation(prev.Route, prev.Response); ok {
			c.Header("Location", id)
		}
		c.Data(int(prev.Status), "application/json; charset=utf-8", prev.Response)
		c.Abort()
	}
}

// recordingWriter keeps a copy of the answer's body.
type recordingWriter struct {
	gin.ResponseWriter
	body bytes.Buffer
}

func (w *recordingWriter) Write(b []byte) (int, error) {
	w.body.Write(b)
	return w.ResponseWriter.Write(b)
}

func (w *recordingWriter) WriteString(s string) (int, error) {
	w.body.WriteString(s)
	return w.ResponseWriter.WriteString(s)
}

// replayedLocation restores the Location of a replayed sale: the answer's id under the route.
func replayedLocation(route string, body []byte) (string, bool) {
	if route != "/api/v1/public/sales" {
		return "", false
	}
	var sale struct {
		ID string `json:"id"`
	}
	if json.Unmarshal(body, &sale) != nil || sale.ID == "" {
		return "", false
	}
	return route + "/" + sale.ID, true
}
