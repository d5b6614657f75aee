package api

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"reflect"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/gin-gonic/gin"
	"github.com/jackc/pgx/v5"

	"karso.ru/prm/db/store"
	"karso.ru/prm/warranty"
)

// mountCatalog adds the admin catalogue: tariffs with their versions (read by every role,
// edited by admins) and document templates (admins only).
func (s *Server) mountCatalog(authed *gin.RouterGroup) {
	authed.GET("/tariffs", s.listTariffs)
	authed.GET("/tariffs/:code", s.getTariff)

	admin := authed.Group("", allow("admin"))
	admin.POST("/tariffs", s.createTariff)
	admin.PUT("/tariffs/:code", s.editTariff)
	admin.GET("/tariffs/:code/versions", s.listTariffVersions)
	admin.POST("/tariffs/:code/versions/:version/publish", s.publishTariffVersion)
	admin.GET("/tariffs/:code/versions/:version/diff", s.diffTariffVersions)

	admin.GET("/templates", s.listTemplates)
	admin.GET("/templates/:kind/versions", s.listTemplateVersions)
	admin.POST("/templates/:kind/versions", s.createTemplateVersion)
	admin.POST("/templates/:kind/versions/:version/publish", s.publishTemplateVersion)
	admin.GET("/templates/:kind/versions/:version/preview.pdf", s.previewTemplateVersion)
	admin.POST("/templates/:kind/preview.pdf", s.previewTemplateText)
}

// catalogMessages are the texts of the catalogue's own error codes, Russian first.
var catalogMessages = map[string][2]string{
	"already_published": {"Эта версия уже опубликована; опубликованные версии не меняются",
		"This version is already published; published versions never change"},
	"tariff_exists": {"Тариф с таким кодом уже есть", "A tariff with this code already exists"},
	"valid_from_range": {"Дата начала действия — с 01.01.2000 и не дальше чем на %d лет вперёд",
		"The start date must be from 1 Jan 2000 and at most %d years ahead"},
	"max_discount": {"Максимальная скидка — не больше 50 % (5000 б. п.)", "The maximum discount is at most 50% (5000 bp)"},
}

// failCatalog answers one of the catalogue's error codes in the caller's language.
func failCatalog(c *gin.Context, status int, code string, fields map[string]string) {
	c.AbortWithStatusJSON(status, gin.H{"error": Problem{Code: code, Message: pick(catalogMessages, code, lang(c)),
		Fields: fields}})
}

// maxTariffDiscountBP caps a tariff's maximum dealer discount at 50%: beyond it a "discount"
// is a different product, and risk flags start at 10% anyway.
const maxTariffDiscountBP = 5000

// TariffOption is an add-on as the tariff list shows it.
type TariffOption struct {
	Code         string `json:"code"`
	Name         string `json:"name"`
	PriceKopecks int64  `json:"price_kopecks"`
}

// Tariff is one version of a tariff plan: by default its current published version.
type Tariff struct {
	Code          string               `json:"code"`
	Name          string               `json:"name"`
	Coverage      []string             `json:"coverage"`
	Terms         []int                `json:"terms"`
	Options       []TariffOption       `json:"options"`
	MaxDiscountBP int64                `json:"max_discount_bp"`
	Version       int32                `json:"version"`
	VersionID     int64                `json:"version_id"`
	Published     bool                 `json:"published"`
	PublishedAt   *time.Time           `json:"published_at"`
	ValidFrom     time.Time            `json:"valid_from"`
	PriceRules    warranty.PriceRules  `json:"price_rules"`
	Eligibility   warranty.Eligibility `json:"eligibility"`
	// CurrentVersion is the version sales are rated with now; nil while none is published.
	CurrentVersion *int32 `json:"current_version"`
	// LatestVersion is the newest version, a draft when it is above CurrentVersion.
	LatestVersion int32 `json:"latest_version,omitempty"`
	// CreatedByEmail is who wrote the version (the versions list shows it).
	CreatedByEmail *string   `json:"created_by_email,omitempty"`
	CreatedAt      time.Time `json:"created_at"`
}

// tariffFromVersion reads a stored version back into the API's shape.
func tariffFromVersion(code string, v store.TariffVersion) (Tariff, error) {
	t := Tariff{Code: code, Name: v.Name, Version: v.Version, VersionID: v.ID, Published: v.PublishedAt != nil,
		PublishedAt: v.PublishedAt, ValidFrom: v.ValidFrom, CreatedAt: v.CreatedAt, Coverage: []string{},
		Terms: make([]int, 0, len(v.Terms)), Options: []TariffOption{}}
	if err := json.Unmarshal(v.Coverage, &t.Coverage); err != nil {
		return t, fmt.Errorf("tariff %s v%d coverage: %w", code, v.Version, err)
	}
	if err := json.Unmarshal(v.PriceRules, &t.PriceRules); err != nil {
		return t, fmt.Errorf("tariff %s v%d price rules: %w", code, v.Version, err)
	}
	if err := json.Unmarshal(v.Eligibility, &t.Eligibility); err != nil {
		return t, fmt.Errorf("tariff %s v%d eligibility: %w", code, v.Version, err)
	}
	for _, m := range v.Terms {
		t.Terms = append(t.Terms, int(m))
	}
	for _, o := range t.PriceRules.Options {
		t.Options = append(t.Options, TariffOption{Code: o.Code, Name: o.Name, PriceKopecks: int64(o.PriceKopecks)})
	}
	t.MaxDiscountBP = t.PriceRules.MaxDiscountBP
	return t, nil
}

func versionOf(r store.GetTariffVersionByNumberRow) store.TariffVersion {
	return store.TariffVersion{ID: r.ID, TariffID: r.TariffID, Version: r.Version, Name: r.Name, Coverage: r.Coverage,
		Terms: r.Terms, PriceRules: r.PriceRules, Eligibility: r.Eligibility, ValidFrom: r.ValidFrom,
		PublishedAt: r.PublishedAt, CreatedBy: r.CreatedBy, CreatedAt: r.CreatedAt}
}

// listTariffs answers every tariff in force with its current version; an admin also sees
// tariffs that have only drafts so far.
func (s *Server) listTariffs(c *gin.Context) {
	ctx := c.Request.Context()
	rows, err := s.q.ListCurrentTariffVersions(ctx)
	if err != nil {
		s.failInternal(c, err)
		return
	}
	items := make([]Tariff, 0, len(rows))
	for _, r := range rows {
		t, err := tariffFromVersion(r.Code, store.TariffVersion{ID: r.ID, TariffID: r.TariffID, Version: r.Version,
			Name: r.Name, Coverage: r.Coverage, Terms: r.Terms, PriceRules: r.PriceRules, Eligibility: r.Eligibility,
			ValidFrom: r.ValidFrom, PublishedAt: r.PublishedAt, CreatedBy: r.CreatedBy, CreatedAt: r.CreatedAt})
		if err != nil {
			s.failInternal(c, err)
			return
		}
		current := r.Version
		t.CurrentVersion, t.LatestVersion = &current, r.LatestVersion
		items = append(items, t)
	}
	if caller(c).Role == "admin" {
		drafts, err := s.q.ListUnpublishedTariffs(ctx)
		if err != nil {
			s.failInternal(c, err)
			return
		}
		for _, r := range drafts {
			t, err := tariffFromVersion(r.Code, store.TariffVersion{ID: r.ID, TariffID: r.TariffID, Version: r.Version,
				Name: r.Name, Coverage: r.Coverage, Terms: r.Terms, PriceRules: r.PriceRules, Eligibility: r.Eligibility,
				ValidFrom: r.ValidFrom, PublishedAt: r.PublishedAt, CreatedBy: r.CreatedBy, CreatedAt: r.CreatedAt})
			if err != nil {
				s.failInternal(c, err)
				return
			}
			t.LatestVersion = r.Version
			items = append(items, t)
		}
	}
	c.JSON(http.StatusOK, gin.H{"items": items})
}

// getTariff answers the tariff's current version. An admin asking for a tariff that has only
// drafts gets its latest draft; to anyone else such a tariff does not exist yet.
func (s *Server) getTariff(c *gin.Context) {
	code := c.Param("code")
	ctx := c.Request.Context()
	r, err := s.q.GetCurrentTariffVersion(ctx, code)
	if err == nil {
		t, err := tariffFromVersion(code, store.TariffVersion{ID: r.ID, TariffID: r.TariffID, Version: r.Version,
			Name: r.Name, Coverage: r.Coverage, Terms: r.Terms, PriceRules: r.PriceRules, Eligibility: r.Eligibility,
			ValidFrom: r.ValidFrom, PublishedAt: r.PublishedAt, CreatedBy: r.CreatedBy, CreatedAt: r.CreatedAt})
		if err != nil {
			s.failInternal(c, err)
			return
		}
		current := r.Version
		t.CurrentVersion = &current
		c.JSON(http.StatusOK, t)
		return
	}
	if !errors.Is(err, pgx.ErrNoRows) {
		s.failInternal(c, err)
		return
	}
	if caller(c).Role != "admin" {
		fail(c, http.StatusNotFound, "not_found")
		return
	}
	versions, err := s.tariffVersions(c, code)
	if err != nil {
		s.failInternal(c, err)
		return
	}
	if len(versions) == 0 {
		fail(c, http.StatusNotFound, "not_found")
		return
	}
	c.JSON(http.StatusOK, versions[0])
}

// tariffVersions lists every version of a tariff, newest first, marking the current one.
func (s *Server) tariffVersions(c *gin.Context, code string) ([]Tariff, error) {
	ctx := c.Request.Context()
	rows, err := s.q.ListTariffVersions(ctx, code)
	if err != nil {
		return nil, err
	}
	var current *int32
	if cur, err := s.q.GetCurrentTariffVersion(ctx, code); err == nil {
		current = &cur.Version
	} else if !errors.Is(err, pgx.ErrNoRows) {
		return nil, err
	}
	items := make([]Tariff, 0, len(rows))
	for _, r := range rows {
		t, err := tariffFromVersion(code, store.TariffVersion{ID: r.ID, TariffID: r.TariffID, Version: r.Version,
			Name: r.Name, Coverage: r.Coverage, Terms: r.Terms, PriceRules: r.PriceRules, Eligibility: r.Eligibility,
			ValidFrom: r.ValidFrom, PublishedAt: r.PublishedAt, CreatedBy: r.CreatedBy, CreatedAt: r.CreatedAt})
		if err != nil {
			return nil, err
		}
		t.CurrentVersion, t.LatestVersion, t.CreatedByEmail = current, rows[0].Version, r.CreatedByEmail
		items = append(items, t)
	}
	return items, nil
}

func (s *Server) listTariffVersions(c *gin.Context) {
	items, err := s.tariffVersions(c, c.Param("code"))
	if err != nil {
		s.failInternal(c, err)
		return
	}
	if len(items) == 0 {
		fail(c, http.StatusNotFound, "not_found")
		return
	}
	c.JSON(http.StatusOK, gin.H{"items": items})
}

// tariffEdit is a tariff's content as an admin writes it; every edit becomes a new version.
type tariffEdit struct {
	Name        string               `json:"name" validate:"required,max=100"`
	Coverage    []string             `json:"coverage" validate:"max=50,dive,required,max=200"`
	Terms       []int                `json:"terms"`
	PriceRules  warranty.PriceRules  `json:"price_rules"`
	Eligibility warranty.Eligibility `json:"eligibility"`
	// ValidFrom schedules the version: published earlier, it takes effect only then.
	ValidFrom *time.Time `json:"valid_from"`
}

// tariffCreate is a new tariff: its code and its first version.
type tariffCreate struct {
	Code string `json:"code"`
	tariffEdit
}

// tariffCodeFormat is the database's rule for tariff codes, which appear in URLs.
var tariffCodeFormat = regexp.MustCompile(`^[a-z][a-z0-9_]{1,31}$`)

func (e *tariffEdit) trim() {
	e.Name = strings.TrimSpace(e.Name)
	for i := range e.Coverage {
		e.Coverage[i] = strings.TrimSpace(e.Coverage[i])
	}
	if e.Coverage == nil {
		e.Coverage = []string{}
	}
}

// checkTariffRules answers 422 naming every rule the tariff breaks: the struct tags, the
// business rules of warranty.Tariff.Validate (terms, base prices, ascending bands, coefficient
// bounds, unique options) and the catalogue's own cap on the maximum discount.
func checkTariffRules(c *gin.Context, code string, in tariffEdit, fields map[string]string) bool {
	l := lang(c)
	for k, v := range structErrors(c, in) {
		fields[k] = v
	}
	t := warranty.Tariff{Code: code, Name: in.Name, Coverage: in.Coverage, Terms: in.Terms, Rules: in.PriceRules,
		Eligibility: in.Eligibility}
	for field, msg := range t.Validate().Fields(l) {
		if _, seen := fields[field]; !seen {
			fields[field] = msg
		}
	}
	if in.ValidFrom != nil && !plausibleValidFrom(*in.ValidFrom, time.Now()) {
		fields["valid_from"] = fmt.Sprintf(pick(catalogMessages, "valid_from_range", l), validFromYearsAhead)
	}
	if _, seen := fields["price_rules.max_discount_bp"]; !seen && in.PriceRules.MaxDiscountBP > maxTariffDiscountBP {
		fields["price_rules.max_discount_bp"] = pick(catalogMessages, "max_discount", l)
	}
	if len(fields) > 0 {
		failFields(c, fields)
		return false
	}
	return true
}

// validFromYearsAhead is how far ahead a tariff version may be scheduled.
const validFromYearsAhead = 10

// plausibleValidFrom bounds a version's start: year 0 or 9999 is a typo, and PostgreSQL and
// the contracts would carry it.
func plausibleValidFrom(t, now time.Time) bool {
	return !t.Before(time.Date(2000, time.January, 1, 0, 0, 0, 0, time.UTC)) && !t.After(now.AddDate(validFromYearsAhead, 0, 0))
}

// versionParams turns an edit into the row of a new draft version.
func versionParams(tariffID int64, version int32, in tariffEdit, by int64) (store.CreateTariffVersionParams, error) {
	coverage, err := json.Marshal(in.Coverage)
	if err != nil {
		return store.CreateTariffVersionParams{}, err
	}
	rules, err := json.Marshal(in.PriceRules)
	if err != nil {
		return store.CreateTariffVersionParams{}, err
	}
	elig, err := json.Marshal(in.Eligibility)
	if err != nil {
		return store.CreateTariffVersionParams{}, err
	}
	terms := make([]int32, 0, len(in.Terms))
	for _, m := range in.Terms {
		terms = append(terms, int32(m))
	}
	return store.CreateTariffVersionParams{TariffID: tariffID, Version: version, Name: in.Name, Coverage: coverage,
		Terms: terms, PriceRules: rules, Eligibility: elig, ValidFrom: in.ValidFrom, CreatedBy: &by}, nil
}

// createTariff adds a tariff with its first version, a draft until it is published.
func (s *Server) createTariff(c *gin.Context) {
	var in tariffCreate
	if !decodeJSON(c, &in) {
		return
	}
	in.Code = strings.TrimSpace(in.Code)
	in.trim()
	fields := map[string]string{}
	if !tariffCodeFormat.MatchString(in.Code) {
		fields["code"] = warranty.Violation{Field: "code", Code: warranty.CodeTariffCodeFormat}.Message(lang(c))
	}
	if !checkTariffRules(c, in.Code, in.tariffEdit, fields) {
		return
	}
	ctx := c.Request.Context()
	var created store.TariffVersion
	err := s.inTx(c, func(q *store.Queries) error {
		tid, err := q.CreateTariff(ctx, in.Code)
		if err != nil {
			return err
		}
		params, err := versionParams(tid, 1, in.tariffEdit, caller(c).ID)
		if err != nil {
			return err
		}
		if created, err = q.CreateTariffVersion(ctx, params); err != nil {
			return err
		}
		return s.auditTx(c, q, "tariff.create", "tariff", in.Code, nil, in)
	})
	if isUniqueViolation(err, "tariffs_code_key") {
		failCatalog(c, http.StatusConflict, "tariff_exists",
			map[string]string{"code": pick(catalogMessages, "tariff_exists", lang(c))})
		return
	}
	if err != nil {
		s.failInternal(c, err)
		return
	}
	s.answerTariffVersion(c, http.StatusCreated, in.Code, created)
}

// editTariff saves an edit as a new unpublished version; the versions sales were rated with
// stay as they were.
func (s *Server) editTariff(c *gin.Context) {
	code := c.Param("code")
	var in tariffEdit
	if !decodeJSON(c, &in) {
		return
	}
	in.trim()
	if !checkTariffRules(c, code, in, map[string]string{}) {
		return
	}
	ctx := c.Request.Context()
	var created store.TariffVersion
	err := s.inTx(c, func(q *store.Queries) error {
		t, err := q.LockTariff(ctx, code)
		if err != nil {
			return err
		}
		next, err := q.NextTariffVersion(ctx, t.ID)
		if err != nil {
			return err
		}
		params, err := versionParams(t.ID, next, in, caller(c).ID)
		if err != nil {
			return err
		}
		if created, err = q.CreateTariffVersion(ctx, params); err != nil {
			return err
		}
		before, err := q.GetTariffVersionByNumber(ctx, store.GetTariffVersionByNumberParams{Code: code, Version: next - 1})
		if err != nil {
			return err
		}
		prev, err := tariffFromVersion(code, versionOf(before))
		if err != nil {
			return err
		}
		return s.auditTx(c, q, "tariff.version_create", "tariff", code, prev, in)
	})
	if errors.Is(err, pgx.ErrNoRows) {
		fail(c, http.StatusNotFound, "not_found")
		return
	}
	if err != nil {
		s.failInternal(c, err)
		return
	}
	s.answerTariffVersion(c, http.StatusCreated, code, created)
}

func (s *Server) answerTariffVersion(c *gin.Context, status int, code string, v store.TariffVersion) {
	t, err := tariffFromVersion(code, v)
	if err != nil {
		s.failInternal(c, err)
		return
	}
	t.LatestVersion = v.Version
	if cur, err := s.q.GetCurrentTariffVersion(c.Request.Context(), code); err == nil {
		t.CurrentVersion = &cur.Version
	}
	c.JSON(status, t)
}

// pathVersion reads :version; anything but a positive number names no version.
func pathVersion(c *gin.Context) (int32, bool) {
	n, err := strconv.ParseInt(c.Param("version"), 10, 32)
	if err != nil || n <= 0 {
		fail(c, http.StatusNotFound, "not_found")
		return 0, false
	}
	return int32(n), true
}

// publishTariffVersion makes a draft the version new sales are rated with (from its
// valid_from, when that is later). A published version is never changed again.
func (s *Server) publishTariffVersion(c *gin.Context) {
	code := c.Param("code")
	version, ok := pathVersion(c)
	if !ok {
		return
	}
	ctx := c.Request.Context()
	var published store.TariffVersion
	err := s.inTx(c, func(q *store.Queries) error {
		v, err := q.GetTariffVersionByNumber(ctx, store.GetTariffVersionByNumberParams{Code: code, Version: version})
		if err != nil {
			return err
		}
		if v.PublishedAt != nil {
			return errAlreadyPublished
		}
		before := gin.H{"version": version, "published_at": nil}
		if cur, err := q.GetCurrentTariffVersion(ctx, code); err == nil {
			before["current_version"] = cur.Version
		}
		if published, err = q.PublishTariffVersion(ctx, v.ID); err != nil {
			return err
		}
		return s.auditTx(c, q, "tariff.publish", "tariff", code, before,
			gin.H{"version": version, "published_at": published.PublishedAt, "valid_from": published.ValidFrom})
	})
	switch {
	case errors.Is(err, pgx.ErrNoRows):
		fail(c, http.StatusNotFound, "not_found")
	case errors.Is(err, errAlreadyPublished):
		failCatalog(c, http.StatusConflict, "already_published", nil)
	case err != nil:
		s.failInternal(c, err)
	default:
		s.answerTariffVersion(c, http.StatusOK, code, published)
	}
}

// errAlreadyPublished stops a second publication of the same version.
var errAlreadyPublished = errors.New("already published")

// Change is one field that differs between two versions.
type Change struct {
	Path   string `json:"path"`
	Before any    `json:"before"`
	After  any    `json:"after"`
}

// diffTariffVersions answers what changed from version ?against= (by default the previous
// one) to :version, field by field: "price_rules.base_prices_kopecks.12",
// "price_rules.options[roadside].price_kopecks", "coverage[2]"…
func (s *Server) diffTariffVersions(c *gin.Context) {
	code := c.Param("code")
	version, ok := pathVersion(c)
	if !ok {
		return
	}
	against := version - 1
	if v := c.Query("against"); v != "" {
		n, err := strconv.ParseInt(v, 10, 32)
		if err != nil || n < 1 {
			badQuery(c, map[string]string{"against": fieldMessage(lang(c), "gte", "1")})
			return
		}
		against = int32(n)
	}
	after, ok := s.tariffContent(c, code, version)
	if !ok {
		return
	}
	var before any
	if against > 0 {
		if before, ok = s.tariffContent(c, code, against); !ok {
			return
		}
	}
	changes := []Change{}
	diffJSON("", before, after, &changes)
	c.JSON(http.StatusOK, gin.H{"code": code, "version": version, "against": against, "changes": changes})
}

// tariffContent is what an admin edits in a version — name, coverage, terms, price rules and
// eligibility — as generic JSON, so that two versions compare field by field. Publication
// dates are left out: they differ between any two versions and are not an edit.
func (s *Server) tariffContent(c *gin.Context, code string, version int32) (any, bool) {
	r, err := s.q.GetTariffVersionByNumber(c.Request.Context(), store.GetTariffVersionByNumberParams{Code: code, Version: version})
	if errors.Is(err, pgx.ErrNoRows) {
		fail(c, http.StatusNotFound, "not_found")
		return nil, false
	}
	if err != nil {
		s.failInternal(c, err)
		return nil, false
	}
	t, err := tariffFromVersion(code, versionOf(r))
	if err != nil {
		s.failInternal(c, err)
		return nil, false
	}
	raw, err := json.Marshal(tariffEdit{Name: t.Name, Coverage: t.Coverage, Terms: t.Terms, PriceRules: t.PriceRules,
		Eligibility: t.Eligibility})
	if err != nil {
		s.failInternal(c, err)
		return nil, false
	}
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.UseNumber() // kopecks stay exact integers in the answer
	var doc map[string]any
	if err := dec.Decode(&doc); err != nil {
		s.failInternal(c, err)
		return nil, false
	}
	delete(doc, "valid_from")
	return doc, true
}

// diffJSON appends every leaf that differs between a and b. Objects compare key by key,
// lists of records that have a "code" (options) by code, other lists position by position.
func diffJSON(path string, a, b any, out *[]Change) {
	am, aIsMap := a.(map[string]any)
	bm, bIsMap := b.(map[string]any)
	if aIsMap || bIsMap {
		if a != nil && !aIsMap || b != nil && !bIsMap {
			*out = append(*out, Change{Path: path, Before: a, After: b})
			return
		}
		keys := map[string]bool{}
		for k := range am {
			keys[k] = true
		}
		for k := range bm {
			keys[k] = true
		}
		for _, k := range sortedKeys(keys) {
			diffJSON(joinPath(path, k), am[k], bm[k], out)
		}
		return
	}
	al, aIsList := a.([]any)
	bl, bIsList := b.([]any)
	if (aIsList || a == nil) && (bIsList || b == nil) && (aIsList || bIsList) {
		if ak, bk, ok := byCode(al), byCode(bl), coded(al) && coded(bl); ok {
			for _, code := range codesInOrder(al, bl) {
				diffJSON(fmt.Sprintf("%s[%s]", path, code), ak[code], bk[code], out)
			}
			return
		}
		for i := range max(len(al), len(bl)) {
			diffJSON(fmt.Sprintf("%s[%d]", path, i), at(al, i), at(bl, i), out)
		}
		return
	}
	if !reflect.DeepEqual(a, b) {
		*out = append(*out, Change{Path: path, Before: a, After: b})
	}
}

func joinPath(path, key string) string {
	if path == "" {
		return key
	}
	return path + "." + key
}

func sortedKeys(m map[string]bool) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}

func at(l []any, i int) any {
	if i < len(l) {
		return l[i]
	}
	return nil
}

// coded reports whether every item is an object with a string "code".
func coded(l []any) bool {
	for _, v := range l {
		m, ok := v.(map[string]any)
		if !ok {
			return false
		}
		if _, ok := m["code"].(string); !ok {
			return false
		}
	}
	return true
}

func byCode(l []any) map[string]any {
	m := map[string]any{}
	for _, v := range l {
		if o, ok := v.(map[string]any); ok {
			if code, ok := o["code"].(string); ok {
				m[code] = o
			}
		}
	}
	return m
}

// codesInOrder lists the codes of the new list in its order, then those that were removed.
func codesInOrder(before, after []any) []string {
	var codes []string
	seen := map[string]bool{}
	for _, l := range [][]any{after, before} {
		for _, v := range l {
			code := v.(map[string]any)["code"].(string)
			if !seen[code] {
				seen[code] = true
				codes = append(codes, code)
			}
		}
	}
	return codes
}
