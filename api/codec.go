package api

import (
	"errors"
	"io"
	"net/http"
	"slices"
	"strings"

	"github.com/gin-gonic/gin"
	commonpb "go.temporal.io/api/common/v1"
	"google.golang.org/protobuf/encoding/protojson"
)

// The codec endpoint speaks Temporal's codec-server protocol: POST …/encode and …/decode take
// and answer `{"payloads": [...]}` (Payloads in protobuf JSON). The Temporal UI calls it from
// the browser to show histories in clear (make run starts the dev server's UI with
// --ui-codec-endpoint pointing here), and `temporal workflow show --codec-endpoint … --codec-auth
// "Bearer <token>"` from a terminal. Only an admin's session opens payloads: anybody else gets
// 401 or 403, and the UI shows the ciphertext.
//
// The UI runs on another origin (the dev server's :8233), so the browser sends the admin's
// session cookie only when the UI's codec setting "Include cross-origin credentials" is on and
// this endpoint answers CORS with credentials for the UI's origin (TEMPORAL_UI_ORIGINS).
func (s *Server) mountCodec(v1 *gin.RouterGroup) {
	codec := v1.Group("/codec", s.temporalUICORS())
	// the preflight carries no cookie: it only learns what the POST may send
	codec.OPTIONS("/encode", preflight)
	codec.OPTIONS("/decode", preflight)
	codec.POST("/encode", s.authenticate(), allow("admin"), s.codecPayloads(true))
	codec.POST("/decode", s.authenticate(), allow("admin"), s.codecPayloads(false))
}

// temporalUICORS lets the Temporal UI's origins call with credentials and refuses any other
// browser origin; clients that send no Origin (the CLI, the SDK's remote codec) pass.
func (s *Server) temporalUICORS() gin.HandlerFunc {
	return func(c *gin.Context) {
		origin := c.GetHeader("Origin")
		if origin == "" {
			c.Next()
			return
		}
		c.Header("Vary", "Origin")
		if !slices.Contains(s.cfg.TemporalUIOrigins, origin) {
			fail(c, http.StatusForbidden, "origin_not_allowed")
			return
		}
		// with credentials the origin must be named exactly, never "*"
		c.Header("Access-Control-Allow-Origin", origin)
		c.Header("Access-Control-Allow-Credentials", "true")
		c.Next()
	}
}

// preflight answers the browser's OPTIONS before a cross-origin POST.
func preflight(c *gin.Context) {
	if c.GetHeader("Origin") != "" {
		c.Header("Access-Control-Allow-Methods", "POST, OPTIONS")
		// the UI sends X-Namespace always and the Authorization ones when told to pass a token
		c.Header("Access-Control-Allow-Headers", "Content-Type, X-Namespace, Authorization, Authorization-Extras")
		c.Header("Access-Control-Max-Age", "600")
	}
	c.Status(http.StatusNoContent)
}

// codecPayloads seals (encode) or opens (decode) the posted payloads with the process's codec;
// with PAYLOAD_ENCRYPTION=off there is no codec and payloads pass unchanged.
func (s *Server) codecPayloads(encode bool) gin.HandlerFunc {
	return func(c *gin.Context) {
		if c.ContentType() != "application/json" { // as every JSON route: see decodeJSON
			fail(c, http.StatusUnsupportedMediaType, "unsupported_media")
			return
		}
		body, err := io.ReadAll(c.Request.Body)
		var tooBig *http.MaxBytesError
		switch {
		case errors.As(err, &tooBig):
			fail(c, http.StatusRequestEntityTooLarge, "body_too_large")
			return
		case err != nil:
			fail(c, http.StatusBadRequest, "malformed_json")
			return
		case len(strings.TrimSpace(string(body))) == 0:
			fail(c, http.StatusBadRequest, "empty_body")
			return
		}
		var in commonpb.Payloads
		if err := protojson.Unmarshal(body, &in); err != nil {
			fail(c, http.StatusBadRequest, "malformed_json")
			return
		}
		out := in.GetPayloads()
		if s.codec != nil {
			if encode {
				out, err = s.codec.Encode(out)
			} else {
				out, err = s.codec.Decode(out)
			}
		}
		if err != nil {
			// the protocol answers 400; the reason (an unknown key id, a forged payload) is safe
			// to show an admin and is what they need to fix PAYLOAD_KEYS
			fail(c, http.StatusBadRequest, "payload_codec_failed", err.Error())
			return
		}
		if !encode {
			// reading personal data out of Temporal leaves a trace of who did it
			cl := caller(c)
			s.log.InfoContext(c.Request.Context(), "temporal payloads decoded", "user_id", cl.ID, "payloads", len(out), "namespace", c.GetHeader("X-Namespace"), "request_id", c.GetString(ctxRequestID))
		}
		answer, err := payloadsJSON(out)
		if err != nil {
			s.failInternal(c, err)
			return
		}
		c.Data(http.StatusOK, "application/json", answer)
	}
}

// payloadsJSON writes payloads as the protocol wants. Unset fields stay out (no
// EmitUnpopulated): a client built on an older Temporal API, like the pinned CLI, refuses a
// field it does not know (`externalPayloads`) and retries the call until it gives up.
func payloadsJSON(payloads []*commonpb.Payload) ([]byte, error) {
	if len(payloads) == 0 {
		return []byte(`{"payloads":[]}`), nil
	}
	return protojson.Marshal(&commonpb.Payloads{Payloads: payloads})
}
