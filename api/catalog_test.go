package api_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"os/exec"
	"strings"
	"sync/atomic"
	"testing"

	"karso.ru/prm/documents"
	"karso.ru/prm/warranty"
)

type tariffJSON struct {
	Code           string               `json:"code"`
	Name           string               `json:"name"`
	Coverage       []string             `json:"coverage"`
	Terms          []int                `json:"terms"`
	Options        []map[string]any     `json:"options"`
	MaxDiscountBP  int64                `json:"max_discount_bp"`
	Version        int32                `json:"version"`
	Published      bool                 `json:"published"`
	CurrentVersion *int32               `json:"current_version"`
	PriceRules     warranty.PriceRules  `json:"price_rules"`
	Eligibility    warranty.Eligibility `json:"eligibility"`
}

type changeJSON struct {
	Path   string `json:"path"`
	Before any    `json:"before"`
	After  any    `json:"after"`
}

// catalogPDFText extracts a PDF's text with pdftotext (poppler-utils), as a reader would see it.
func catalogPDFText(t *testing.T, pdf []byte) string {
	t.Helper()
	if !bytes.HasPrefix(pdf, []byte("%PDF-")) {
		t.Fatalf("not a PDF: %.40q", pdf)
	}
	cmd := exec.Command("pdftotext", "-enc", "UTF-8", "-", "-")
	cmd.Stdin = bytes.NewReader(pdf)
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("pdftotext (apt-get install poppler-utils): %v", err)
	}
	return strings.ReplaceAll(string(out), "\u00a0", " ")
}

var tariffSerial atomic.Int64

// newTariffBody is the standard basic plan under a code of the test's own, so that editing it
// never changes the prices other tests sell at.
func newTariffBody(t *testing.T) (string, map[string]any) {
	t.Helper()
	code := fmt.Sprintf("catalog_%d_%d", tariffSerial.Add(1), len(t.Name()))
	basic := warranty.StandardTariffs()[0]
	return code, map[string]any{"code": code, "name": "Тестовый " + code, "coverage": basic.Coverage,
		"terms": basic.Terms, "price_rules": basic.Rules, "eligibility": basic.Eligibility}
}

func tariffOf(t *testing.T, r response) tariffJSON {
	t.Helper()
	var out tariffJSON
	r.json(t, &out)
	return out
}

func TestDealerSeesTheTariffList(t *testing.T) {
	r := login(t, "dealer@karso.test").do("GET", "/api/v1/tariffs", nil)
	expectStatus(t, r, http.StatusOK)
	var list struct{ Items []tariffJSON }
	r.json(t, &list)
	byCode := map[string]tariffJSON{}
	for _, it := range list.Items {
		byCode[it.Code] = it
	}
	for _, std := range warranty.StandardTariffs() {
		got, ok := byCode[std.Code]
		if !ok {
			t.Fatalf("the dealer does not see %s: %s", std.Code, r.Body)
		}
		if got.Name != std.Name || got.CurrentVersion == nil || len(got.Terms) == 0 || len(got.Coverage) == 0 ||
			got.MaxDiscountBP != std.Rules.MaxDiscountBP || len(got.Options) != len(std.Rules.Options) ||
			got.PriceRules.BasePrices[12] != std.Rules.BasePrices[12] || got.Eligibility.MaxAgeYears != std.Eligibility.MaxAgeYears {
			t.Errorf("%s listed as %+v", std.Code, got)
		}
		if o := got.Options[0]; o["code"] == "" || o["name"] == "" || o["price_kopecks"] == nil {
			t.Errorf("%s option %v", std.Code, o)
		}
	}
	one := login(t, "dealer@karso.test").do("GET", "/api/v1/tariffs/basic", nil)
	expectStatus(t, one, http.StatusOK)
	if got := tariffOf(t, one); got.Code != "basic" || got.CurrentVersion == nil || got.Version != *got.CurrentVersion {
		t.Errorf("GET /tariffs/basic = %+v", got)
	}
	expectStatus(t, login(t, "dealer@karso.test").do("GET", "/api/v1/tariffs/no_such_plan", nil), http.StatusNotFound)
}

func TestAdminEditsPublishesAndDiffsATariff(t *testing.T) {
	admin, dealer := login(t, "admin@karso.test"), login(t, "dealer@karso.test")
	code, body := newTariffBody(t)
	r := admin.do("POST", "/api/v1/tariffs", body)
	expectStatus(t, r, http.StatusCreated)
	if v1 := tariffOf(t, r); v1.Version != 1 || v1.Published || v1.CurrentVersion != nil {
		t.Fatalf("a new tariff is a draft version 1: %s", r.Body)
	}
	expectStatus(t, admin.do("POST", "/api/v1/tariffs", body), http.StatusConflict)
	// a draft sells nothing: dealers do not see the tariff yet
	expectStatus(t, dealer.do("GET", "/api/v1/tariffs/"+code, nil), http.StatusNotFound)
	expectStatus(t, admin.do("POST", "/api/v1/tariffs/"+code+"/versions/1/publish", nil), http.StatusOK)

	edited := warranty.StandardTariffs()[0]
	edited.Rules.BasePrices[12] = 27_900_00
	edited.Rules.Options[0].PriceKopecks = 3_500_00
	edited.Coverage = append(edited.Coverage, "Турбина")
	r = admin.do("PUT", "/api/v1/tariffs/"+code, map[string]any{"name": body["name"], "coverage": edited.Coverage,
		"terms": edited.Terms, "price_rules": edited.Rules, "eligibility": edited.Eligibility})
	expectStatus(t, r, http.StatusCreated)
	if v2 := tariffOf(t, r); v2.Version != 2 || v2.Published || v2.CurrentVersion == nil || *v2.CurrentVersion != 1 {
		t.Fatalf("an edit is a new unpublished version: %s", r.Body)
	}
	// until published, sales are still rated with version 1
	if cur := tariffOf(t, dealer.do("GET", "/api/v1/tariffs/"+code, nil)); cur.Version != 1 || cur.PriceRules.BasePrices[12] != 24_900_00 {
		t.Errorf("before publishing the dealer sees %+v", cur)
	}

	r = admin.do("GET", "/api/v1/tariffs/"+code+"/versions/2/diff?against=1", nil)
	expectStatus(t, r, http.StatusOK)
	var diff struct{ Changes []changeJSON }
	r.json(t, &diff)
	got := map[string]string{}
	for _, ch := range diff.Changes {
		before, _ := json.Marshal(ch.Before)
		after, _ := json.Marshal(ch.After)
		got[ch.Path] = fmt.Sprintf("%s → %s", before, after)
	}
	want := map[string]string{
		"price_rules.base_prices_kopecks.12":          "2490000 → 2790000",
		"price_rules.options[roadside].price_kopecks": "290000 → 350000",
		"coverage[2]": `null → "Турбина"`,
	}
	for path, change := range want {
		if got[path] != change {
			t.Errorf("diff %s = %q, want %q (all: %v)", path, got[path], change, got)
		}
	}
	if len(diff.Changes) != len(want) {
		t.Errorf("diff has %d changes, want %d: %v", len(diff.Changes), len(want), got)
	}

	expectStatus(t, admin.do("POST", "/api/v1/tariffs/"+code+"/versions/2/publish", nil), http.StatusOK)
	expectStatus(t, admin.do("POST", "/api/v1/tariffs/"+code+"/versions/2/publish", nil), http.StatusConflict)
	if cur := tariffOf(t, dealer.do("GET", "/api/v1/tariffs/"+code, nil)); cur.Version != 2 || cur.PriceRules.BasePrices[12] != 27_900_00 {
		t.Errorf("after publishing the dealer sees %+v", cur)
	}

	r = admin.do("GET", "/api/v1/tariffs/"+code+"/versions", nil)
	expectStatus(t, r, http.StatusOK)
	var versions struct{ Items []tariffJSON }
	r.json(t, &versions)
	if len(versions.Items) != 2 || versions.Items[0].Version != 2 || !versions.Items[1].Published ||
		versions.Items[1].PriceRules.BasePrices[12] != 24_900_00 {
		t.Errorf("versions: %s", r.Body)
	}

	r = admin.do("GET", "/api/v1/audit?entity_type=tariff&entity_id="+code, nil)
	expectStatus(t, r, http.StatusOK)
	var audit struct {
		Items []struct{ Action string }
	}
	r.json(t, &audit)
	actions := []string{}
	for _, a := range audit.Items {
		actions = append(actions, a.Action)
	}
	if strings.Join(actions, ",") != "tariff.publish,tariff.version_create,tariff.publish,tariff.create" {
		t.Errorf("audit trail %v", actions)
	}
}

func TestOnlyAdminsEditTariffs(t *testing.T) {
	for _, email := range []string{"dealer@karso.test", "manager@karso.test", "finance@karso.test"} {
		s := login(t, email)
		_, body := newTariffBody(t)
		r := s.do("PUT", "/api/v1/tariffs/basic", body)
		expectStatus(t, r, http.StatusForbidden)
		if p := r.problem(t); p.Code != "forbidden" {
			t.Errorf("%s: %+v", email, p)
		}
		expectStatus(t, s.do("POST", "/api/v1/tariffs", body), http.StatusForbidden)
		expectStatus(t, s.do("POST", "/api/v1/tariffs/basic/versions/1/publish", nil), http.StatusForbidden)
		expectStatus(t, s.do("GET", "/api/v1/tariffs/basic/versions", nil), http.StatusForbidden)
		expectStatus(t, s.do("GET", "/api/v1/templates", nil), http.StatusForbidden)
	}
}

func TestBadTariffRulesAnswerEveryField(t *testing.T) {
	admin := login(t, "admin@karso.test")
	before := admin.do("GET", "/api/v1/tariffs/basic/versions", nil)
	expectStatus(t, before, http.StatusOK)

	rules := warranty.StandardTariffs()[0].Rules
	rules.BasePrices = map[int]warranty.Kopecks{12: 0}
	rules.AgeBands = []warranty.Band{{UpTo: 5, Coefficient: 10000}, {UpTo: 3, Coefficient: 11000}}
	rules.PowerBands = []warranty.Band{{UpTo: 2000, Coefficient: 90000}}
	rules.Options = append(rules.Options, rules.Options[0])
	rules.MaxDiscountBP = 6000
	r := admin.do("PUT", "/api/v1/tariffs/basic", map[string]any{"name": "Базовый", "coverage": []string{"Двигатель"},
		"terms": []int{}, "price_rules": rules, "eligibility": warranty.StandardTariffs()[0].Eligibility})
	expectStatus(t, r, http.StatusUnprocessableEntity)
	p := r.problem(t)
	for _, field := range []string{"terms", "price_rules.base_prices_kopecks", "price_rules.age_bands",
		"price_rules.power_bands", "price_rules.options", "price_rules.max_discount_bp"} {
		if p.Fields[field] == "" {
			t.Errorf("no error on %s: %v", field, p.Fields)
		}
	}

	_, body := newTariffBody(t)
	body["code"] = "Bad Code"
	r = admin.do("POST", "/api/v1/tariffs", body)
	expectStatus(t, r, http.StatusUnprocessableEntity)
	if p := r.problem(t); p.Fields["code"] == "" {
		t.Errorf("a bad code passed: %v", p.Fields)
	}

	after := admin.do("GET", "/api/v1/tariffs/basic/versions", nil)
	if !bytes.Equal(before.Body, after.Body) {
		t.Error("a refused edit created a version")
	}
}

func TestTemplatePreviewIsAPDFInCyrillic(t *testing.T) {
	admin := login(t, "admin@karso.test")
	r := admin.do("GET", "/api/v1/templates", nil)
	expectStatus(t, r, http.StatusOK)
	var kinds struct {
		Items []struct {
			Kind           string
			CurrentVersion *int32 `json:"current_version"`
			Placeholders   []documents.Placeholder
		}
	}
	r.json(t, &kinds)
	if len(kinds.Items) != len(documents.Kinds()) {
		t.Fatalf("kinds: %s", r.Body)
	}
	for _, k := range kinds.Items {
		if k.CurrentVersion == nil || *k.CurrentVersion != 1 || len(k.Placeholders) == 0 {
			t.Errorf("the seed publishes version 1 of %s: %+v", k.Kind, k)
		}
	}

	r = admin.do("GET", "/api/v1/templates/contract/versions/1/preview.pdf", nil)
	expectStatus(t, r, http.StatusOK)
	if ct := r.Header.Get("Content-Type"); ct != "application/pdf" {
		t.Errorf("Content-Type %q", ct)
	}
	text := catalogPDFText(t, r.Body)
	for _, want := range []string{"Договор гарантийного обслуживания", "Иванов Сергей Петрович", "KR-2026-000042"} {
		if !strings.Contains(text, want) {
			t.Errorf("the preview lacks %q:\n%s", want, text)
		}
	}

	r = admin.do("POST", "/api/v1/templates/contract/preview.pdf", map[string]string{
		"title": "Черновик {{.ContractNumber}}", "body": "# Клиент\n{{.Customer.FullName}}, {{.Vehicle.Make}} {{.Vehicle.Model}}"})
	expectStatus(t, r, http.StatusOK)
	if text := catalogPDFText(t, r.Body); !strings.Contains(text, "Черновик KR-2026-000042") ||
		!strings.Contains(text, "Иванов Сергей Петрович, Škoda Octavia") {
		t.Errorf("unsaved preview:\n%s", text)
	}
	expectStatus(t, admin.do("GET", "/api/v1/templates/poster/versions/1/preview.pdf", nil), http.StatusNotFound)
	expectStatus(t, admin.do("GET", "/api/v1/templates/contract/versions/99/preview.pdf", nil), http.StatusNotFound)
}

func TestBrokenTemplateAnswersOnTheBody(t *testing.T) {
	admin := login(t, "admin@karso.test")
	cases := map[string]string{
		"unknown placeholder": "Цвет: {{.Vehicle.Colour}}",
		"syntax":              "{{if .Options}}без конца",
		"unknown function":    "{{rubles .PriceKopecks}}",
	}
	for name, body := range cases {
		for _, path := range []string{"/api/v1/templates/contract/versions", "/api/v1/templates/contract/preview.pdf"} {
			r := admin.do("POST", path, map[string]string{"title": "Договор", "body": body})
			expectStatus(t, r, http.StatusUnprocessableEntity)
			if p := r.problem(t); !strings.Contains(p.Fields["body"], "Строка 1") {
				t.Errorf("%s at %s: %+v", name, path, p)
			}
		}
	}
	r := admin.do("POST", "/api/v1/templates/contract/versions", map[string]string{"title": "Договор", "body": "Цвет: {{.Vehicle.Colour}}"})
	if p := r.problem(t); !strings.Contains(p.Fields["body"], "{{.Vehicle.Colour}}") {
		t.Errorf("the message does not name the placeholder: %q", p.Fields["body"])
	}
	r = admin.do("POST", "/api/v1/templates/contract/versions", map[string]string{"title": "", "body": "текст"})
	expectStatus(t, r, http.StatusUnprocessableEntity)
	if p := r.problem(t); p.Fields["title"] == "" {
		t.Errorf("an empty title passed: %+v", p)
	}
}

func TestAdminPublishesANewTemplateVersion(t *testing.T) {
	// the act, which no other test issues, so that its new wording cannot surprise them
	admin := login(t, "admin@karso.test")
	act, _ := documents.DefaultTemplateFor(documents.KindAct)
	body := strings.Replace(act.Body, "[подписи]", "Редакция для проверки публикации.\n\n[подписи]", 1)
	r := admin.do("POST", "/api/v1/templates/act/versions", map[string]string{"title": act.Title, "body": body})
	expectStatus(t, r, http.StatusCreated)
	var draft struct {
		Version   int32
		Published bool
	}
	r.json(t, &draft)
	if draft.Version < 2 || draft.Published {
		t.Fatalf("a new version is an unpublished draft: %s", r.Body)
	}
	path := fmt.Sprintf("/api/v1/templates/act/versions/%d", draft.Version)
	r = admin.do("GET", path+"/preview.pdf", nil)
	expectStatus(t, r, http.StatusOK)
	if text := catalogPDFText(t, r.Body); !strings.Contains(text, "Редакция для проверки публикации.") {
		t.Errorf("the draft's preview:\n%s", text)
	}
	expectStatus(t, admin.do("POST", path+"/publish", nil), http.StatusOK)
	expectStatus(t, admin.do("POST", path+"/publish", nil), http.StatusConflict)

	r = admin.do("GET", "/api/v1/templates/act/versions", nil)
	expectStatus(t, r, http.StatusOK)
	var versions struct {
		Items []struct {
			Version            int32
			Published, Current bool
		}
	}
	r.json(t, &versions)
	if len(versions.Items) < 2 || versions.Items[0].Version != draft.Version || !versions.Items[0].Current ||
		versions.Items[len(versions.Items)-1].Current {
		t.Errorf("versions: %s", r.Body)
	}
	r = admin.do("GET", "/api/v1/audit?entity_type=document_template&entity_id=act", nil)
	if !strings.Contains(string(r.Body), "template.publish") || !strings.Contains(string(r.Body), "template.version_create") {
		t.Errorf("audit: %s", r.Body)
	}
}
