package api_test

import (
	"io"
	"log/slog"
	"net/http"
	"os"
	"regexp"
	"slices"
	"sort"
	"strings"
	"testing"

	"github.com/gin-gonic/gin"
	"github.com/prometheus/client_golang/prometheus"
	"go.yaml.in/yaml/v3"

	"karso.ru/prm/api"
	"karso.ru/prm/web"
)

// openAPIPath is the API reference, relative to this package's directory.
const openAPIPath = "../docs/openapi.yaml"

// The parts of an OpenAPI document the tests check.
type (
	openAPIDoc struct {
		OpenAPI    string                     `yaml:"openapi"`
		Paths      map[string]openAPIPathItem `yaml:"paths"`
		Components struct {
			Parameters map[string]openAPIParam `yaml:"parameters"`
		} `yaml:"components"`
	}
	openAPIPathItem struct {
		Parameters []openAPIParam    `yaml:"parameters"`
		Get        *openAPIOperation `yaml:"get"`
		Put        *openAPIOperation `yaml:"put"`
		Post       *openAPIOperation `yaml:"post"`
		Delete     *openAPIOperation `yaml:"delete"`
		Options    *openAPIOperation `yaml:"options"`
		Head       *openAPIOperation `yaml:"head"`
		Patch      *openAPIOperation `yaml:"patch"`
		Trace      *openAPIOperation `yaml:"trace"`
	}
	openAPIOperation struct {
		OperationID string         `yaml:"operationId"`
		Parameters  []openAPIParam `yaml:"parameters"`
		RequestBody *struct {
			Required bool `yaml:"required"`
		} `yaml:"requestBody"`
		Responses map[string]yaml.Node `yaml:"responses"`
		// Security is nil when the operation inherits the document's; an empty list makes it public.
		Security *[]map[string][]string `yaml:"security"`
		Roles    []string               `yaml:"x-roles"`
		// Scope is the API key scope a public (website) route needs.
		Scope string `yaml:"x-scope"`
	}
	openAPIParam struct {
		Ref      string `yaml:"$ref"`
		Name     string `yaml:"name"`
		In       string `yaml:"in"`
		Required bool   `yaml:"required"`
		Schema   struct {
			Type   any    `yaml:"type"`
			Format string `yaml:"format"`
		} `yaml:"schema"`
	}
)

// operation is one documented method of one path.
type operation struct {
	method, path string
	op           *openAPIOperation
	params       []openAPIParam // the path item's and the operation's, references resolved
}

func (o operation) key() string { return o.method + " " + o.path }

// operations lists every documented operation, sorted by path and method.
func (d openAPIDoc) operations(t *testing.T) []operation {
	t.Helper()
	var out []operation
	for path, item := range d.Paths {
		for method, op := range map[string]*openAPIOperation{
			http.MethodGet: item.Get, http.MethodPut: item.Put, http.MethodPost: item.Post,
			http.MethodDelete: item.Delete, http.MethodOptions: item.Options, http.MethodHead: item.Head,
			http.MethodPatch: item.Patch, http.MethodTrace: item.Trace,
		} {
			if op == nil {
				continue
			}
			var params []openAPIParam
			for _, p := range append(slices.Clone(item.Parameters), op.Parameters...) {
				params = append(params, d.resolve(t, p))
			}
			out = append(out, operation{method: method, path: path, op: op, params: params})
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].key() < out[j].key() })
	return out
}

// resolve follows a parameter's reference into components.parameters.
func (d openAPIDoc) resolve(t *testing.T, p openAPIParam) openAPIParam {
	t.Helper()
	if p.Ref == "" {
		return p
	}
	name, ok := strings.CutPrefix(p.Ref, "#/components/parameters/")
	resolved, found := d.Components.Parameters[name]
	if !ok || !found {
		t.Fatalf("parameter reference %q does not resolve", p.Ref)
	}
	return resolved
}

func readOpenAPI(t *testing.T) (openAPIDoc, []byte) {
	t.Helper()
	raw, err := os.ReadFile(openAPIPath)
	if err != nil {
		t.Fatalf("read the API reference: %v", err)
	}
	var doc openAPIDoc
	if err := yaml.Unmarshal(raw, &doc); err != nil {
		t.Fatalf("parse %s: %v", openAPIPath, err)
	}
	return doc, raw
}

// ginParam matches a gin path parameter (:id) or catch-all (*path) segment.
var ginParam = regexp.MustCompile(`^[:*](.+)$`)

// mountedRoutes asks the real router what it mounts, as "METHOD /path/{param}" (the NoRoute
// handler is not a route and is not listed).
func mountedRoutes(t *testing.T) map[string]bool {
	t.Helper()
	reg := prometheus.NewRegistry()
	h := api.New(api.Deps{Config: testCfg, Log: slog.New(slog.NewTextHandler(io.Discard, nil)), Pool: pool,
		Temporal: temporal, Registry: reg, Gatherer: reg, Web: web.Assets()}).Handler()
	engine, ok := h.(*gin.Engine)
	if !ok {
		t.Fatalf("Handler() is a %T, not a *gin.Engine: the route list cannot be read", h)
	}
	routes := map[string]bool{}
	for _, r := range engine.Routes() {
		segments := strings.Split(r.Path, "/")
		for i, s := range segments {
			if m := ginParam.FindStringSubmatch(s); m != nil {
				segments[i] = "{" + m[1] + "}"
			}
		}
		routes[r.Method+" "+strings.Join(segments, "/")] = true
	}
	if len(routes) == 0 {
		t.Fatal("the router mounts no routes")
	}
	return routes
}

// TestOpenAPIDocumentsEveryMountedRoute keeps docs/openapi.yaml and the router in step: every
// mounted method and path is documented, and nothing documented is missing from the router.
func TestOpenAPIDocumentsEveryMountedRoute(t *testing.T) {
	mounted := mountedRoutes(t)
	doc, _ := readOpenAPI(t)
	documented := map[string]bool{}
	for _, o := range doc.operations(t) {
		documented[o.key()] = true
	}
	var missing, stale []string
	for r := range mounted {
		if !documented[r] {
			missing = append(missing, r)
		}
	}
	for r := range documented {
		if !mounted[r] {
			stale = append(stale, r)
		}
	}
	sort.Strings(missing)
	sort.Strings(stale)
	if len(missing) > 0 {
		t.Errorf("%d mounted routes are missing from %s:\n  %s", len(missing), openAPIPath, strings.Join(missing, "\n  "))
	}
	if len(stale) > 0 {
		t.Errorf("%s lists %d routes the server does not mount:\n  %s", openAPIPath, len(stale), strings.Join(stale, "\n  "))
	}
	t.Logf("%d routes mounted, %d documented", len(mounted), len(documented))
}

// roles are the values x-roles may hold: the four user roles, or public for routes that need
// no session.
var roles = []string{"admin", "manager", "dealer", "finance"}

// apiKeyScopes are the scopes an integration key's route may need (x-scope).
var apiKeyScopes = []string{"quotes", "sales:create", "sales:read", "webhooks"}

// TestOpenAPIDocumentIsConsistent checks what a reader relies on beyond the route list: an
// OpenAPI 3.1 document, unique operation ids, responses on every operation, every path
// parameter declared, every reference resolving, and roles that agree with the security.
func TestOpenAPIDocumentIsConsistent(t *testing.T) {
	doc, raw := readOpenAPI(t)
	if !strings.HasPrefix(doc.OpenAPI, "3.1.") {
		t.Errorf("openapi is %q, want 3.1.x", doc.OpenAPI)
	}
	templateParam := regexp.MustCompile(`\{([^}]+)\}`)
	ids := map[string]string{}
	for _, o := range doc.operations(t) {
		where := o.key()
		switch prev, seen := ids[o.op.OperationID]; {
		case o.op.OperationID == "":
			t.Errorf("%s: no operationId", where)
		case seen:
			t.Errorf("%s: operationId %q is also %s", where, o.op.OperationID, prev)
		}
		ids[o.op.OperationID] = where
		if len(o.op.Responses) == 0 {
			t.Errorf("%s: no responses", where)
		}
		inPath := map[string]bool{}
		for _, m := range templateParam.FindAllStringSubmatch(o.path, -1) {
			inPath[m[1]] = true
		}
		declared := map[string]bool{}
		for _, p := range o.params {
			if p.In != "path" {
				continue
			}
			declared[p.Name] = true
			if !p.Required {
				t.Errorf("%s: path parameter %q is not required", where, p.Name)
			}
			if !inPath[p.Name] {
				t.Errorf("%s: declares path parameter %q the path does not have", where, p.Name)
			}
		}
		for name := range inPath {
			if !declared[name] {
				t.Errorf("%s: path parameter {%s} is not declared", where, name)
			}
		}
		public := o.op.Security != nil && len(*o.op.Security) == 0
		byKey := o.op.Security != nil && len(*o.op.Security) == 1 && (*o.op.Security)[0]["apiKeyAuth"] != nil
		switch {
		case byKey && (!slices.Equal(o.op.Roles, []string{"api_key"}) || !slices.Contains(apiKeyScopes, o.op.Scope)):
			t.Errorf("%s: takes an API key, so x-roles should be [api_key] and x-scope one of %v, not %v %q", where, apiKeyScopes, o.op.Roles, o.op.Scope)
		case byKey:
		case public && !slices.Equal(o.op.Roles, []string{"public"}):
			t.Errorf("%s: needs no session, so x-roles should be [public], not %v", where, o.op.Roles)
		case !public && len(o.op.Roles) == 0:
			t.Errorf("%s: x-roles does not say which roles may call it", where)
		case !public:
			for _, r := range o.op.Roles {
				if !slices.Contains(roles, r) {
					t.Errorf("%s: x-roles holds %q, not one of %v", where, r, roles)
				}
			}
		}
	}

	// every local reference names something the document defines
	var tree map[string]any
	if err := yaml.Unmarshal(raw, &tree); err != nil {
		t.Fatal(err)
	}
	var refs []string
	var collect func(v any)
	collect = func(v any) {
		switch v := v.(type) {
		case map[string]any:
			for k, e := range v {
				if s, ok := e.(string); ok && k == "$ref" {
					refs = append(refs, s)
				}
				collect(e)
			}
		case []any:
			for _, e := range v {
				collect(e)
			}
		}
	}
	collect(tree)
	for _, ref := range refs {
		pointer, ok := strings.CutPrefix(ref, "#/")
		if !ok {
			t.Errorf("reference %q is not local to the document", ref)
			continue
		}
		var node any = tree
		for _, part := range strings.Split(pointer, "/") {
			m, isMap := node.(map[string]any)
			if !isMap {
				node = nil
				break
			}
			node = m[strings.ReplaceAll(strings.ReplaceAll(part, "~1", "/"), "~0", "~")]
		}
		if node == nil {
			t.Errorf("reference %q does not resolve", ref)
		}
	}
}

// TestOpenAPIRolesMatchTheServer signs in as each role and calls every documented operation:
// a role outside its x-roles must get 403 forbidden, a role inside must not. Path parameters
// name records that do not exist, so an allowed call ends in 404 or 4xx before it changes
// anything; a call that could act without a path parameter or a body (sign-out) is made only
// by the roles that must be refused.
func TestOpenAPIRolesMatchTheServer(t *testing.T) {
	doc, _ := readOpenAPI(t)
	mounted := mountedRoutes(t) // an unmounted operation is TestOpenAPIDocumentsEveryMountedRoute's to report
	sessions := map[string]*session{}
	for _, r := range roles {
		sessions[r] = login(t, r+"@karso.test")
	}
	for _, o := range doc.operations(t) {
		// public routes need nothing, key routes no session (api_keys_test.go checks their scopes)
		if slices.Contains(o.op.Roles, "public") || slices.Contains(o.op.Roles, "api_key") || !mounted[o.key()] {
			continue
		}
		path := o.path
		for _, p := range o.params {
			if p.In == "path" {
				path = strings.ReplaceAll(path, "{"+p.Name+"}", absentValue(p))
			}
		}
		bodyRequired := o.op.RequestBody != nil && o.op.RequestBody.Required
		harmless := o.method == http.MethodGet || path != o.path || bodyRequired
		for _, role := range roles {
			allowed := slices.Contains(o.op.Roles, role)
			if allowed && !harmless {
				continue
			}
			var body any
			if bodyRequired {
				body = "" // an empty JSON body: refused before the handler does anything
			}
			r := sessions[role].do(o.method, path, body)
			forbidden := r.Status == http.StatusForbidden && strings.Contains(string(r.Body), `"forbidden"`)
			switch {
			case allowed && forbidden:
				t.Errorf("%s: x-roles lets %s call it, the server answers 403: %s", o.key(), role, r.Body)
			case !allowed && !forbidden:
				t.Errorf("%s: x-roles refuses %s, the server answers %d: %s", o.key(), role, r.Status, r.Body)
			}
		}
	}
}

// absentValue is a path parameter value that names no record: a number, a UUID or a code that
// does not exist.
func absentValue(p openAPIParam) string {
	switch {
	case p.Schema.Format == "uuid":
		return "7d2c9a4e-5b1f-4e8a-9c3d-000000000000"
	case p.Schema.Type == "integer":
		return "999999999"
	default:
		return "no_such_" + p.Name
	}
}
