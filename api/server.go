// Package api is the Gin HTTP API of Karso PRM: one file per resource, every handler a method
// on Server, every list scoped in SQL by the caller's role.
package api

import (
	"context"
	"io/fs"
	"log/slog"
	"net/http"
	"path"
	"strings"
	"time"

	"github.com/gin-gonic/gin"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/promhttp"
	"go.temporal.io/sdk/client"

	"karso.ru/prm/config"
	"karso.ru/prm/db/store"
	"karso.ru/prm/documents"
	"karso.ru/prm/temporalcodec"
)

// Deps are what the API needs from the process that runs it.
type Deps struct {
	Config   config.Config
	Log      *slog.Logger
	Pool     *pgxpool.Pool
	Temporal client.Client
	// Registry receives the HTTP metrics; /metrics serves Gatherer.
	Registry prometheus.Registerer
	Gatherer prometheus.Gatherer
	// Web is the built cabinet app served at /.
	Web fs.FS
	// Documents opens stored PDFs (contracts) for download.
	Documents *documents.Service
	// PayloadCodec opens Temporal payloads for the codec endpoint (the Temporal UI); nil when
	// PAYLOAD_ENCRYPTION=off, and payloads then pass unchanged.
	PayloadCodec *temporalcodec.Codec
}

// Server holds the API's dependencies; handlers are its methods.
type Server struct {
	cfg          config.Config
	log          *slog.Logger
	pool         *pgxpool.Pool
	q            *store.Queries
	temporal     client.Client
	loginLimiter *ipLimiter
	dummyHash    []byte
	keyLimiter   *keyLimiter
	metrics      *httpMetrics
	gatherer     prometheus.Gatherer
	web          fs.FS
	docs         *documents.Service
	codec        *temporalcodec.Codec

	// resetIPLimiter and resetAddressLimiter throttle password-reset requests
	resetIPLimiter, resetAddressLimiter *ipLimiter
}

// New builds the API server.
func New(d Deps) *Server {
	if d.Registry != nil && d.Pool != nil {
		d.Registry.MustRegister(newStuckSalesCollector(d.Pool, d.Log))
	}
	return &Server{cfg: d.Config, log: d.Log, pool: d.Pool, q: store.New(d.Pool), temporal: d.Temporal,
		loginLimiter: newIPLimiter(d.Config.LoginFailuresPerMinute, d.Config.LoginFailureBurst), keyLimiter: newKeyLimiter(),
		dummyHash: newDummyHash(d.Config.BcryptCost), metrics: newHTTPMetrics(d.Registry), gatherer: d.Gatherer, web: d.Web,
		docs: d.Documents, codec: d.PayloadCodec,
		resetIPLimiter: newHourlyLimiter(d.Config.PasswordResetsPerIP), resetAddressLimiter: newHourlyLimiter(d.Config.PasswordResetsPerAddress)}
}

// readHeaderTimeout bounds reading a request's headers (a slow-header client is cut off); the
// body, the answer and idleness have configured bounds (HTTP_*_TIMEOUT).
const readHeaderTimeout = 10 * time.Second

// maxHeaderBytes bounds a request's headers: a session cookie and a few headers need far less.
const maxHeaderBytes = 64 << 10

// NewHTTPServer is the http.Server for the API's or the metrics' handler, with every timeout
// set: a client that sends its request slowly, reads its answer slowly or keeps an idle
// connection open holds a connection only that long.
func NewHTTPServer(cfg config.Config, addr string, h http.Handler) *http.Server {
	return &http.Server{Addr: addr, Handler: h, ReadHeaderTimeout: readHeaderTimeout, ReadTimeout: cfg.HTTPReadTimeout,
		WriteTimeout: cfg.HTTPWriteTimeout, IdleTimeout: cfg.HTTPIdleTimeout, MaxHeaderBytes: maxHeaderBytes}
}

// MetricsHandler serves GET /metrics (HTTP, Go runtime and stuck-sales metrics). It is not
// part of Handler: it listens on METRICS_ADDR, loopback by default, because the figures
// describe the business (sales stuck, request rates per route) to whoever can read them.
func (s *Server) MetricsHandler() http.Handler {
	mux := http.NewServeMux()
	mux.Handle("GET /metrics", promhttp.HandlerFor(s.gatherer, promhttp.HandlerOpts{}))
	return mux
}

// Handler is the whole public HTTP surface: the API under /api/v1, probes and the cabinets.
func (s *Server) Handler() http.Handler {
	gin.SetMode(gin.ReleaseMode)
	r := gin.New()
	r.HandleMethodNotAllowed = true
	r.ContextWithFallback = true
	// trust X-Forwarded-For only from a proxy on this host
	_ = r.SetTrustedProxies([]string{"127.0.0.1", "::1"})
	r.Use(requestID(), language(), securityHeaders(), accessLog(s.log, s.metrics), recoverJSON(s.log), limitBody(),
		refuseCrossOrigin(s.cfg.PublicURL), refuseBadQueryText)

	r.GET("/healthz", s.healthz)
	r.GET("/readyz", s.readyz)

	v1 := r.Group("/api/v1")
	v1.POST("/auth/login", s.login)
	s.mountPasswordReset(v1) // a forgotten password (api/password_reset.go)

	authed := v1.Group("", s.authenticate())
	authed.POST("/auth/logout", s.logout)
	authed.GET("/me", s.me)
	authed.PATCH("/me", s.updateProfile)
	authed.POST("/me/password", s.changePassword)

	admin := authed.Group("", allow("admin"))
	admin.GET("/users", s.listUsers)
	admin.POST("/users", s.createUser)
	admin.GET("/users/:id", s.getUser)
	admin.PATCH("/users/:id", s.updateUser)
	admin.POST("/partners", s.createPartner)
	admin.PATCH("/partners/:id", s.updatePartner)
	admin.POST("/salons", s.createSalon)
	admin.PATCH("/salons/:id", s.updateSalon)
	admin.PUT("/managers/:id/salons", s.assignManagerSalons)
	admin.GET("/audit", s.listAudit)
	admin.GET("/stuck-sales", s.listStuckSales)
	s.mountAPIKeys(admin)

	// the website's integration API: an API key, not a session (api/public.go)
	s.mountPublic(v1.Group("/public", s.authenticateKey()))

	// reads scoped in SQL to what the caller's role may see
	authed.GET("/partners", s.listPartners)
	authed.GET("/partners/:id", s.getPartner)
	authed.GET("/salons", s.listSalons)
	authed.GET("/salons/:id", s.getSalon)
	authed.GET("/managers/:id/salons", allow("admin", "manager"), s.listManagerSalons)
	s.mountReports(authed) // statistics, report templates, reports (api/stats.go, api/reports.go)

	s.mountSales(authed)
	s.mountCatalog(authed)
	s.mountVehicleCatalog(authed) // makes and models (api/vehicle_catalog.go)
	// the payment page (public: its token is the capability) and the Stripe webhook
	// (authenticated by its signature); each outcome is signalled to the sale's workflow
	s.mountPayments(r, v1, s.signalPaymentOutcome)
	s.mountFinance(authed) // payments for finance, the accounting archive (api/finance.go, api/documents.go)
	s.mountClosings(authed)
	s.mountNews(authed)          // news and announcements (api/news.go)
	s.mountCodec(v1)             // the Temporal UI's codec endpoint, admins only (api/codec.go)
	s.mountMail(authed)          // the admin's «Почта» page (api/mail.go)
	s.mountNotifications(authed) // the bell, tasks and mail preferences (api/notifications.go)

	r.NoMethod(func(c *gin.Context) { fail(c, http.StatusMethodNotAllowed, "method_not_allowed") })
	r.NoRoute(s.noRoute)
	return r
}

// noRoute answers JSON 404 under /api and serves the cabinets elsewhere, falling back to
// index.html so that deep links survive a reload.
func (s *Server) noRoute(c *gin.Context) {
	p := c.Request.URL.Path
	if strings.HasPrefix(p, "/api/") || c.Request.Method != http.MethodGet && c.Request.Method != http.MethodHead {
		fail(c, http.StatusNotFound, "route_not_found")
		return
	}
	name := strings.TrimPrefix(path.Clean(p), "/")
	if name != "" {
		if st, err := fs.Stat(s.web, name); err == nil && !st.IsDir() {
			if strings.HasPrefix(name, "assets/") {
				c.Header("Cache-Control", "public, max-age=31536000, immutable")
			}
			c.FileFromFS(name, http.FS(s.web))
			return
		}
	}
	index, err := fs.ReadFile(s.web, "index.html")
	if err != nil {
		c.String(http.StatusServiceUnavailable, "The cabinets are not built: run `make web` (or `make run`).\n")
		return
	}
	c.Header("Cache-Control", "no-cache")
	c.Data(http.StatusOK, "text/html; charset=utf-8", index)
}

func (s *Server) healthz(c *gin.Context) {
	c.JSON(http.StatusOK, gin.H{"status": "ok"})
}

// readyz answers 200 when PostgreSQL answers: every page, list and statistic reads it, so the
// API serves while Temporal is down (actions answer 503 temporal_unavailable meanwhile). A
// Temporal that does not answer is reported as degraded, not as unready, so that a load
// balancer keeps the pages up.
func (s *Server) readyz(c *gin.Context) {
	ctx, cancel := context.WithTimeout(c.Request.Context(), 2*time.Second)
	defer cancel()
	checks := gin.H{"postgres": "ok", "temporal": "ok"}
	ready, degraded := true, false
	// the probe is public: causes (addresses, driver messages) go to the log, not the answer
	if err := s.pool.Ping(ctx); err != nil {
		s.log.WarnContext(ctx, "readyz: postgres", "err", err)
		checks["postgres"], ready = "unavailable", false
	}
	if s.temporal == nil {
		checks["temporal"], degraded = "not connected", true
	} else if _, err := s.temporal.CheckHealth(ctx, &client.CheckHealthRequest{}); err != nil {
		s.log.WarnContext(ctx, "readyz: temporal", "err", err)
		checks["temporal"], degraded = "unavailable", true
	}
	status := http.StatusOK
	if !ready {
		status = http.StatusServiceUnavailable
	}
	c.JSON(status, gin.H{"ready": ready, "degraded": degraded, "checks": checks})
}
