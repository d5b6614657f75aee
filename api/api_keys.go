package api

import (
	"context"
	"errors"
	"math"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/gin-gonic/gin"
	"github.com/jackc/pgx/v5"
	"golang.org/x/time/rate"

	"karso.ru/prm/db/store"
)

// An integration key (the company's website) calls the public API as
// `Authorization: Bearer ksk_live_…`. The secret is shown once; the database keeps its
// SHA-256 and a prefix that names the key in lists, logs and the audit trail.
const (
	apiKeyTag     = "ksk_live_"
	apiKeyPrefixN = len(apiKeyTag) + 8 // the tag and eight characters of the secret
	ctxAPIKey     = "api_key"

	// RoleAPIKey is the role a key's calls carry (Caller.Role): no user route lets it through.
	RoleAPIKey = "api_key"
)

// The scopes a key may hold; each public route needs one.
const (
	ScopeQuotes      = "quotes"
	ScopeSalesCreate = "sales:create"
	ScopeSalesRead   = "sales:read"
	ScopeWebhooks    = "webhooks"
)

var apiKeyScopes = []string{ScopeQuotes, ScopeSalesCreate, ScopeSalesRead, ScopeWebhooks}

func init() {
	for code, text := range map[string][2]string{
		"api_key_invalid":       {"Ключ API неизвестен или отозван", "The API key is unknown or revoked"},
		"api_key_scope":         {"Ключу API не разрешено это действие (нужна область %s)", "The API key may not do this (it needs the scope %s)"},
		"api_key_rate_limited":  {"Превышен лимит запросов ключа API. Повторите через %d с", "The API key is over its rate limit. Try again in %d s"},
		"api_key_revoked":       {"Ключ уже отозван", "The key is already revoked"},
		"api_key_unknown_scope": {"Неизвестная область: %s", "Unknown scope: %s"},
	} {
		messages[code] = text
	}
}

// APIKey is an integration key as the admin sees it: never its secret.
type APIKey struct {
	ID            int64      `json:"id"`
	Name          string     `json:"name"`
	Prefix        string     `json:"prefix"`
	Scopes        []string   `json:"scopes"`
	RatePerMinute int32      `json:"rate_per_minute"`
	CreatedBy     *int64     `json:"created_by"`
	CreatedAt     time.Time  `json:"created_at"`
	RotatedAt     *time.Time `json:"rotated_at"`
	LastUsedAt    *time.Time `json:"last_used_at"`
	RevokedAt     *time.Time `json:"revoked_at"`
}

// APIKeySecret is the answer to creating or rotating a key: the only time the secret is shown.
type APIKeySecret struct {
	Key    APIKey `json:"key"`
	Secret string `json:"secret"`
}

func apiKeyJSON(k store.ApiKey) APIKey {
	return APIKey{ID: k.ID, Name: k.Name, Prefix: k.Prefix, Scopes: k.Scopes, RatePerMinute: k.RatePerMinute,
		CreatedBy: k.CreatedBy, CreatedAt: k.CreatedAt, RotatedAt: k.RotatedAt, LastUsedAt: k.LastUsedAt,
		RevokedAt: k.RevokedAt}
}

// newAPIKeySecret makes a secret and the prefix that names it.
func newAPIKeySecret() (secret, prefix string) {
	secret = apiKeyTag + newToken()
	return secret, secret[:apiKeyPrefixN]
}

// mountAPIKeys adds the admin's key management.
func (s *Server) mountAPIKeys(admin *gin.RouterGroup) {
	admin.GET("/api-keys", s.listAPIKeys)
	admin.POST("/api-keys", s.createAPIKey)
	admin.PATCH("/api-keys/:id", s.updateAPIKey)
	admin.POST("/api-keys/:id/rotate", s.rotateAPIKey)
	admin.POST("/api-keys/:id/revoke", s.revokeAPIKey)
}

type apiKeyInput struct {
	Name          string   `json:"name" validate:"required,max=200"`
	Scopes        []string `json:"scopes" validate:"required,min=1,max=4"`
	RatePerMinute int32    `json:"rate_per_minute" validate:"omitempty,gte=1,lte=100000"`
}

// normalize trims the name, drops repeated scopes and defaults the rate limit; an unknown
// scope answers 422 naming it.
func (in *apiKeyInput) normalize(c *gin.Context) bool {
	in.Name = strings.TrimSpace(in.Name)
	if in.Name == "" {
		failFields(c, map[string]string{"name": fieldMessage(lang(c), "required")})
		return false
	}
	var scopes []string
	for _, sc := range in.Scopes {
		if !slices.Contains(apiKeyScopes, sc) {
			failFields(c, map[string]string{"scopes": message(lang(c), "api_key_unknown_scope", sc)})
			return false
		}
		if !slices.Contains(scopes, sc) {
			scopes = append(scopes, sc)
		}
	}
	slices.Sort(scopes)
	in.Scopes = scopes
	if in.RatePerMinute == 0 {
		in.RatePerMinute = 120
	}
	return true
}

func (s *Server) listAPIKeys(c *gin.Context) {
	rows, err := s.q.ListAPIKeys(c.Request.Context())
	if err != nil {
		s.failInternal(c, err)
		return
	}
	items := make([]APIKey, 0, len(rows))
	for _, k := range rows {
		items = append(items, apiKeyJSON(k))
	}
	c.JSON(http.StatusOK, gin.H{"items": items})
}

func (s *Server) createAPIKey(c *gin.Context) {
	var in apiKeyInput
	if !bindJSON(c, &in) || !in.normalize(c) {
		return
	}
	secret, prefix := newAPIKeySecret()
	cl := caller(c)
	var key store.ApiKey
	err := s.inTx(c, func(q *store.Queries) error {
		var err error
		key, err = q.CreateAPIKey(c.Request.Context(), store.CreateAPIKeyParams{Name: in.Name, Prefix: prefix,
			SecretHash: hashToken(secret), Scopes: in.Scopes, RatePerMinute: in.RatePerMinute, CreatedBy: &cl.ID})
		if err != nil {
			return err
		}
		return s.auditTx(c, q, "api_key.create", "api_key", id(key.ID), nil, apiKeyJSON(key))
	})
	if err != nil {
		s.failInternal(c, err)
		return
	}
	c.JSON(http.StatusCreated, APIKeySecret{Key: apiKeyJSON(key), Secret: secret})
}

// changeAPIKey runs one change of a live key with its audit entry; a revoked or absent key
// answers 404.
func (s *Server) changeAPIKey(c *gin.Context, action string, change func(q *store.Queries, keyID int64) (store.ApiKey, error)) (store.ApiKey, bool) {
	keyID, ok := pathID(c)
	if !ok {
		return store.ApiKey{}, false
	}
	var after store.ApiKey
	err := s.inTx(c, func(q *store.Queries) error {
		before, err := q.GetAPIKey(c.Request.Context(), keyID)
		if err != nil {
			return err
		}
		if after, err = change(q, keyID); err != nil {
			return err
		}
		return s.auditTx(c, q, action, "api_key", id(keyID), apiKeyJSON(before), apiKeyJSON(after))
	})
	if errors.Is(err, pgx.ErrNoRows) {
		fail(c, http.StatusNotFound, "not_found")
		return store.ApiKey{}, false
	}
	if err != nil {
		s.failInternal(c, err)
		return store.ApiKey{}, false
	}
	s.keyLimiter.forget(keyID)
	return after, true
}

func (s *Server) updateAPIKey(c *gin.Context) {
	var in apiKeyInput
	if !bindJSON(c, &in) || !in.normalize(c) {
		return
	}
	key, ok := s.changeAPIKey(c, "api_key.update", func(q *store.Queries, keyID int64) (store.ApiKey, error) {
		return q.UpdateAPIKey(c.Request.Context(), store.UpdateAPIKeyParams{ID: keyID, Name: in.Name,
			Scopes: in.Scopes, RatePerMinute: in.RatePerMinute})
	})
	if ok {
		c.JSON(http.StatusOK, apiKeyJSON(key))
	}
}

// rotateAPIKey gives the key a new secret; the old one answers 401 from now on. The key keeps
// its id, name, scopes and history.
func (s *Server) rotateAPIKey(c *gin.Context) {
	secret, prefix := newAPIKeySecret()
	key, ok := s.changeAPIKey(c, "api_key.rotate", func(q *store.Queries, keyID int64) (store.ApiKey, error) {
		return q.RotateAPIKey(c.Request.Context(), store.RotateAPIKeyParams{ID: keyID, Prefix: prefix,
			SecretHash: hashToken(secret)})
	})
	if ok {
		c.JSON(http.StatusOK, APIKeySecret{Key: apiKeyJSON(key), Secret: secret})
	}
}

func (s *Server) revokeAPIKey(c *gin.Context) {
	key, ok := s.changeAPIKey(c, "api_key.revoke", func(q *store.Queries, keyID int64) (store.ApiKey, error) {
		return q.RevokeAPIKey(c.Request.Context(), keyID)
	})
	if ok {
		c.JSON(http.StatusOK, apiKeyJSON(key))
	}
}

// --- calls made with a key -------------------------------------------------------------------

// authenticateKey resolves `Authorization: Bearer ksk_…` to a live key (else 401), spends
// one request of the key's rate limit (else 429 with Retry-After), and audits the call
// once it is answered: who (the key's prefix), which route, which status.
func (s *Server) authenticateKey() gin.HandlerFunc {
	return func(c *gin.Context) {
		secret, _ := strings.CutPrefix(c.GetHeader("Authorization"), "Bearer ")
		secret = strings.TrimSpace(secret)
		if !strings.HasPrefix(secret, apiKeyTag) || len(secret) <= apiKeyPrefixN {
			fail(c, http.StatusUnauthorized, "api_key_invalid")
			return
		}
		ctx := c.Request.Context()
		key, err := s.q.GetLiveAPIKeyBySecret(ctx, hashToken(secret))
		if errors.Is(err, pgx.ErrNoRows) {
			fail(c, http.StatusUnauthorized, "api_key_invalid")
			return
		}
		if err != nil {
			s.failInternal(c, err)
			return
		}
		c.Set(ctxAPIKey, key)
		c.Set(ctxCaller, Caller{Role: RoleAPIKey, Email: "api_key:" + key.Prefix, FullName: key.Name})
		defer s.auditKeyCall(c, key)
		if wait, ok := s.keyLimiter.take(key.ID, int(key.RatePerMinute)); !ok {
			secs := int(math.Ceil(wait.Seconds()))
			c.Header("Retry-After", strconv.Itoa(secs))
			fail(c, http.StatusTooManyRequests, "api_key_rate_limited", secs)
			return
		}
		// last-used is written at most once every ten seconds per key
		if key.LastUsedAt == nil || time.Since(*key.LastUsedAt) > 10*time.Second {
			if err := s.q.TouchAPIKey(ctx, key.ID); err != nil {
				s.log.WarnContext(ctx, "touch api key", "err", err)
			}
		}
		c.Next()
	}
}

// requireScope lets through a key that holds the scope; another key gets 403.
func requireScope(scope string) gin.HandlerFunc {
	return func(c *gin.Context) {
		if !slices.Contains(callerKey(c).Scopes, scope) {
			fail(c, http.StatusForbidden, "api_key_scope", scope)
			return
		}
		c.Next()
	}
}

func callerKey(c *gin.Context) store.ApiKey {
	v, _ := c.Get(ctxAPIKey)
	k, _ := v.(store.ApiKey)
	return k
}

// auditKeyCall writes the call into the audit trail like an admin change: the key is the
// actor (actor_email `api_key:<prefix>`), the entity is the key, the route and answer are
// the record.
func (s *Server) auditKeyCall(c *gin.Context, key store.ApiKey) {
	after := gin.H{"method": c.Request.Method, "route": c.FullPath(), "path": c.Request.URL.Path,
		"status": c.Writer.Status(), "key_name": key.Name}
	if idem := c.GetHeader("Idempotency-Key"); idem != "" {
		after["idempotency_key"] = truncate(idem, 200)
	}
	if v, ok := c.Get(ctxKeyCallEntity); ok {
		after["entity"] = v
	}
	ctx := context.WithoutCancel(c.Request.Context())
	// a call's audit row does not wait for the WAL flush (synchronous_commit off for this one
	// transaction): a crash can lose the last fraction of a second of call rows, never corrupt
	// them, and a quote does not pay an fsync (docs/decisions.md)
	err := pgx.BeginFunc(ctx, s.pool, func(tx pgx.Tx) error {
		if _, err := tx.Exec(ctx, "SET LOCAL synchronous_commit TO OFF"); err != nil {
			return err
		}
		return s.q.WithTx(tx).InsertAudit(ctx, store.InsertAuditParams{ActorEmail: "api_key:" + key.Prefix,
			Action: "api_key.call", EntityType: "api_key", EntityID: id(key.ID), After: jsonOrNil(after),
			RequestID: c.GetString(ctxRequestID), Ip: c.ClientIP()})
	})
	if err != nil {
		s.log.ErrorContext(ctx, "audit api key call", "err", err, "api_key", key.Prefix)
	}
}

// ctxKeyCallEntity names what a key's call made or read (a sale id), for its audit entry.
const ctxKeyCallEntity = "api_key_entity"

// keyLimiter is each key's own rate limit: requests per minute with a burst of the same
// size. It lives in the API process; with several replicas each enforces the limit on its
// own (documented in docs/decisions.md).
type keyLimiter struct {
	mu   sync.Mutex
	keys map[int64]*rate.Limiter
}

func newKeyLimiter() *keyLimiter { return &keyLimiter{keys: map[int64]*rate.Limiter{}} }

// take spends one request; when none is left it answers how long until one is.
func (l *keyLimiter) take(keyID int64, perMinute int) (time.Duration, bool) {
	l.mu.Lock()
	lim, ok := l.keys[keyID]
	if !ok || lim.Burst() != perMinute {
		lim = rate.NewLimiter(rate.Limit(float64(perMinute)/60), perMinute)
		l.keys[keyID] = lim
	}
	l.mu.Unlock()
	r := lim.Reserve()
	if d := r.Delay(); d > 0 {
		r.Cancel()
		return d, false
	}
	return 0, true
}

// forget drops a key's limiter after the admin changed the key.
func (l *keyLimiter) forget(keyID int64) {
	l.mu.Lock()
	delete(l.keys, keyID)
	l.mu.Unlock()
}
