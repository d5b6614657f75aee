package api

import (
	"crypto/rand"
	"encoding/hex"
	"log/slog"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/gin-gonic/gin"
	"github.com/prometheus/client_golang/prometheus"

	"karso.ru/prm/db/store"
)

const (
	ctxRequestID = "request_id"
	ctxLang      = "lang"
	ctxCaller    = "caller"
)

// requestID gives every request an id (the client's X-Request-ID if it sent a sane one), so a
// log line, an audit entry and a support ticket can be matched.
func requestID() gin.HandlerFunc {
	return func(c *gin.Context) {
		id := c.GetHeader("X-Request-ID")
		if id == "" || len(id) > 64 {
			var b [8]byte
			_, _ = rand.Read(b[:])
			id = hex.EncodeToString(b[:])
		}
		c.Set(ctxRequestID, id)
		c.Header("X-Request-ID", id)
		c.Next()
	}
}

// language picks the answer's language: the client's Accept-Language when it names one we
// speak, Russian otherwise. The cabinets send the user's chosen language with every request.
func language() gin.HandlerFunc {
	return func(c *gin.Context) {
		c.Set(ctxLang, preferredLang(c.GetHeader("Accept-Language")))
		c.Next()
	}
}

func preferredLang(header string) string {
	for _, part := range strings.Split(header, ",") {
		tag, _, _ := strings.Cut(strings.TrimSpace(part), ";")
		switch strings.ToLower(strings.SplitN(tag, "-", 2)[0]) {
		case "ru":
			return "ru"
		case "en":
			return "en"
		}
	}
	return "ru"
}

func lang(c *gin.Context) string {
	if l := c.GetString(ctxLang); l != "" {
		return l
	}
	return "ru"
}

// limitBody caps every request body; a bigger one fails decoding with 413. A file upload
// (a news item's attachment) may carry a 20 MB file and its multipart framing.
func limitBody() gin.HandlerFunc {
	return func(c *gin.Context) {
		if c.Request.Body != nil {
			limit := int64(maxBodyBytes)
			if isFileUpload(c.Request) {
				limit = maxNewsFileBytes + 64<<10
			}
			c.Request.Body = http.MaxBytesReader(c.Writer, c.Request.Body, limit)
		}
		c.Next()
	}
}

// accessLog writes one structured line per request and feeds the HTTP metrics.
func accessLog(log *slog.Logger, m *httpMetrics) gin.HandlerFunc {
	return func(c *gin.Context) {
		start := time.Now()
		c.Next()
		route := c.FullPath()
		if route == "" {
			route = "unmatched"
		}
		took := time.Since(start)
		status := c.Writer.Status()
		m.requests.WithLabelValues(c.Request.Method, route, strconv.Itoa(status)).Inc()
		m.duration.WithLabelValues(c.Request.Method, route).Observe(took.Seconds())
		level := slog.LevelInfo
		if status >= 500 {
			level = slog.LevelError
		}
		attrs := []any{"method", c.Request.Method, "path", loggedPath(c.Request.URL.Path), "route", route, "status", status,
			"took_ms", took.Milliseconds(), "ip", c.ClientIP(), "request_id", c.GetString(ctxRequestID)}
		if key, ok := c.Get(ctxAPIKey); ok { // an integration's call names its key by prefix, never the secret
			attrs = append(attrs, "api_key", key.(store.ApiKey).Prefix)
		}
		log.Log(c.Request.Context(), level, "http request", attrs...)
	}
}

// loggedPath keeps secrets out of the logs: a payment page's path is its bearer token.
func loggedPath(p string) string {
	if strings.HasPrefix(p, "/pay/") {
		return "/pay/:token"
	}
	return p
}

// recoverJSON turns a panic into a logged 500 with the usual error body, never a stack trace.
func recoverJSON(log *slog.Logger) gin.HandlerFunc {
	return gin.CustomRecoveryWithWriter(nil, func(c *gin.Context, err any) {
		log.Error("panic in handler", "err", err, "path", c.Request.URL.Path, "request_id", c.GetString(ctxRequestID))
		fail(c, http.StatusInternalServerError, "internal")
	})
}

type httpMetrics struct {
	requests *prometheus.CounterVec
	duration *prometheus.HistogramVec
}

func newHTTPMetrics(reg prometheus.Registerer) *httpMetrics {
	m := &httpMetrics{
		requests: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "karso_http_requests_total", Help: "HTTP requests by method, route and status.",
		}, []string{"method", "route", "status"}),
		duration: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name: "karso_http_request_duration_seconds", Help: "HTTP request latency by route.",
			Buckets: []float64{.005, .01, .025, .05, .1, .15, .25, .5, 1, 2.5, 5, 10},
		}, []string{"method", "route"}),
	}
	reg.MustRegister(m.requests, m.duration)
	return m
}

// ipLimiter throttles per key — a client IP or (password resets) an e-mail address — with a
// token bucket of burst tokens refilled at a steady rate. Password checks spend a token before
// bcrypt runs, so guesses sent at once cannot all pass an IP with one token left, and a right
// password gives its token back, so only wrong ones count; reset requests spend one each. It
// lives in the API process: with several API replicas each throttles on its own, and the
// per-account count in PostgreSQL is the shared guard of password checks.
type ipLimiter struct {
	mu      sync.Mutex
	every   float64 // tokens per second
	burst   float64
	clients map[string]*bucket
	now     func() time.Time
}

type bucket struct {
	tokens float64
	at     time.Time
}

func newIPLimiter(perMinute, burst int) *ipLimiter {
	return &ipLimiter{every: float64(perMinute) / 60, burst: float64(burst), clients: map[string]*bucket{}, now: time.Now}
}

// newHourlyLimiter lets each key spend perHour tokens at once, refilled over the hour.
func newHourlyLimiter(perHour int) *ipLimiter {
	return &ipLimiter{every: float64(perHour) / 3600, burst: float64(perHour), clients: map[string]*bucket{}, now: time.Now}
}

// take spends one of the key's tokens; false when it has none left.
func (l *ipLimiter) take(key string) bool {
	l.mu.Lock()
	defer l.mu.Unlock()
	b := l.bucket(key)
	if b.tokens < 1 {
		return false
	}
	b.tokens--
	return true
}

// refund gives back the token of a check that found the right password.
func (l *ipLimiter) refund(ip string) {
	l.mu.Lock()
	defer l.mu.Unlock()
	b := l.bucket(ip)
	b.tokens = min(l.burst, b.tokens+1)
}

// bucket is the IP's bucket refilled up to now; l.mu is held.
func (l *ipLimiter) bucket(ip string) *bucket {
	now := l.now()
	if len(l.clients) > 10000 { // forget full buckets so the map cannot grow without bound
		for k, b := range l.clients {
			if b.tokens+now.Sub(b.at).Seconds()*l.every >= l.burst {
				delete(l.clients, k)
			}
		}
	}
	b, ok := l.clients[ip]
	if !ok {
		b = &bucket{tokens: l.burst, at: now}
		l.clients[ip] = b
	}
	b.tokens = min(l.burst, b.tokens+now.Sub(b.at).Seconds()*l.every)
	b.at = now
	return b
}

// isFileUpload says whether a request is one of the routes that take a file.
func isFileUpload(r *http.Request) bool {
	p := r.URL.Path
	return r.Method == http.MethodPost && strings.HasPrefix(p, "/api/v1/news/") && strings.HasSuffix(p, "/attachments")
}
