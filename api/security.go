package api

import (
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/gin-gonic/gin"
)

// cabinetCSP is the Content-Security-Policy of every response but the payment page (which
// sends its own, with its one stylesheet's hash). The built cabinets are one module script and
// stylesheets from our origin, with no inline script or style: the browser suite opens every
// page of every cabinet under this policy and fails on any violation (web/e2e/csp.test.mjs).
//   - script-src 'self': no inline script, no eval; an injected <script> never runs.
//   - style-src 'self': no <style> element or style attribute from markup either. Vue and
//     Element Plus set element styles through the CSSOM (el.style…), which CSP does not
//     govern, so the app needs no 'unsafe-inline'. Should a component ever write style
//     attributes, the narrow relaxation is style-src-attr 'unsafe-inline' — never script-src.
//   - img-src and font-src data: — Element Plus inlines a few icons and fonts as data: URLs.
//   - frame-src and object-src blob: — the admin's PDF preview is a blob: URL in an iframe,
//     shown by the browser's PDF viewer (a plugin in Chromium); only our scripts can make
//     blob: URLs. Headless Chromium has no PDF viewer, so the suite cannot show whether
//     object-src 'none' would blank the preview: we keep the preview working.
//   - frame-ancestors 'none' (and X-Frame-Options DENY for older browsers): no site may frame
//     a cabinet to trick a click.
//   - form-action, base-uri and connect-src 'self': an injected form or <base> cannot send
//     data elsewhere, and scripts talk only to this API.
const cabinetCSP = "default-src 'self'; script-src 'self'; style-src 'self'; " +
	"img-src 'self' data: blob:; font-src 'self' data:; connect-src 'self'; frame-src 'self' blob:; " +
	"object-src 'self' blob:; worker-src 'self'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'"

// securityHeaders sends the headers every response carries: the CSP, no framing, no MIME
// sniffing, no referrer beyond our origin. Answers under /api/ and the probes are not stored
// by browsers or proxies (they carry personal data, and a shared computer's back button must
// not show a dealer's customers to the next person); a handler may set its own Cache-Control
// (the cabinets' hashed assets are cached for a year). The payment pages are not stored either:
// their address is the payer's capability.
func securityHeaders() gin.HandlerFunc {
	return func(c *gin.Context) {
		h := c.Writer.Header()
		h.Set("Content-Security-Policy", cabinetCSP)
		h.Set("X-Frame-Options", "DENY")
		h.Set("X-Content-Type-Options", "nosniff")
		h.Set("Referrer-Policy", "same-origin")
		h.Set("Cross-Origin-Opener-Policy", "same-origin")
		if p := c.Request.URL.Path; strings.HasPrefix(p, "/api/") || strings.HasPrefix(p, "/pay/") || p == "/healthz" || p == "/readyz" {
			h.Set("Cache-Control", "no-store")
		}
		c.Next()
	}
}

// refuseCrossOrigin stops a state-changing request that a browser sends from another origin
// (a page on another port of the same host counts: the Temporal UI's, say) before it reaches
// a handler. A browser attaches the session cookie to such a request, so without this check a
// page anywhere could cancel a dealer's sale or make an admin create an admin. Go's
// http.CrossOriginProtection decides from Sec-Fetch-Site, or Origin against Host for browsers
// without it; the public address (PUBLIC_URL) is trusted too, for a proxy that rewrites Host.
//
// Requests it lets through unchecked: a request carrying a bearer token (a browser cannot add
// Authorization to a cross-origin request without CORS, which the API does not grant), the
// payment page (its token in the path is the capability, not a cookie), the Stripe webhook
// (authenticated by its signature) and the codec endpoint, which the Temporal UI calls from
// its own origin with the admin's cookie: it admits only TEMPORAL_UI_ORIGINS itself
// (temporalUICORS) and changes nothing. No other route trusts the Temporal UI's origin. Requests with neither Sec-Fetch-Site nor Origin
// come from programs, not browsers, and carry no ambient credentials.
func refuseCrossOrigin(publicURL string) gin.HandlerFunc {
	cop := http.NewCrossOriginProtection()
	if origin := originOf(publicURL); origin != "" {
		_ = cop.AddTrustedOrigin(origin)
	}
	return func(c *gin.Context) {
		if bearerToken(c) != "" || notCookieAuthenticated(c.Request.URL.Path) {
			c.Next()
			return
		}
		if err := cop.Check(c.Request); err != nil {
			fail(c, http.StatusForbidden, "cross_origin")
			return
		}
		c.Next()
	}
}

// notCookieAuthenticated names the routes that a cookie never authenticates, or whose
// origins are checked where they are mounted.
func notCookieAuthenticated(path string) bool {
	return strings.HasPrefix(path, "/pay/") || path == "/api/v1/webhooks/stripe" || strings.HasPrefix(path, "/api/v1/codec/")
}

// originOf is "scheme://host[:port]" of an address, or "" when it has none.
func originOf(address string) string {
	u, err := url.Parse(address)
	if err != nil || u.Scheme == "" || u.Host == "" {
		return ""
	}
	return u.Scheme + "://" + u.Host
}

// downloadWriteTimeout is how long a download (an export, a stored document) may take to
// reach a slow client: a 13 MB register over a mobile link takes minutes, more than
// HTTP_WRITE_TIMEOUT allows an ordinary answer.
const downloadWriteTimeout = 15 * time.Minute

// allowLongAnswer moves the answer's write deadline to downloadWriteTimeout from now.
func allowLongAnswer(c *gin.Context) {
	_ = http.NewResponseController(c.Writer).SetWriteDeadline(time.Now().Add(downloadWriteTimeout))
}
