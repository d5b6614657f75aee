package api_test

import (
	"fmt"
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"

	"karso.ru/prm/warranty"
)

type catalogJSON struct {
	Items []warranty.CatalogMake `json:"items"`
}

func catalogOf(t *testing.T, s *session) warranty.MakeCatalog {
	t.Helper()
	var c catalogJSON
	r := s.do("GET", "/api/v1/vehicle-makes", nil)
	expectStatus(t, r, http.StatusOK)
	r.json(t, &c)
	return c.Items
}

// «Rolls Royce» and «Феррари» passed a tariff that excludes «Rolls-Royce» and «Ferrari»: the
// quote and the sale now compare catalogue entries.
func TestExcludedMakesMatchTheCatalogueInEverySpelling(t *testing.T) {
	dealer := login(t, "dealer@karso.test")
	if m, ok := catalogOf(t, dealer).FindMake("Феррари"); !ok || m.Name != "Ferrari" || len(m.Models) == 0 {
		t.Fatalf("the dealer's catalogue has no Ferrari: %+v", m)
	}
	for _, spelled := range []string{"Феррари", "Rolls Royce", "роллс-ройс", "LAMBORGHINI"} {
		var q struct {
			Eligible bool `json:"eligible"`
			Reasons  []struct {
				Field string `json:"field"`
				Code  string `json:"code"`
			} `json:"reasons"`
		}
		body := map[string]any{"vehicle": map[string]any{"make": spelled, "year": 2022, "mileage_km": 30000,
			"engine_power_hp": 180, "category": "used"}, "tariff_code": "basic", "term_months": 12}
		r := dealer.do("POST", "/api/v1/quotes", body)
		expectStatus(t, r, http.StatusOK)
		r.json(t, &q)
		if q.Eligible || len(q.Reasons) != 1 || q.Reasons[0].Code != warranty.CodeMakeExcluded {
			t.Errorf("%s: eligible %v reasons %+v", spelled, q.Eligible, q.Reasons)
		}
	}

	// a quote names no car unless it gives a make and a model: no "other" flag then, one
	// when it names a car the catalogue does not know
	for _, tc := range []struct {
		make, model string
		flagged     bool
	}{{"Honda", "", false}, {"", "", false}, {"Zotye", "T600", true}, {"Хонда", "Аккорд", false}} {
		var q struct {
			Flags []struct {
				Code string `json:"code"`
			} `json:"flags"`
		}
		body := map[string]any{"vehicle": map[string]any{"make": tc.make, "model": tc.model, "year": 2022,
			"mileage_km": 30000, "engine_power_hp": 180, "category": "used"}, "tariff_code": "basic", "term_months": 12}
		r := dealer.do("POST", "/api/v1/quotes", body)
		expectStatus(t, r, http.StatusOK)
		r.json(t, &q)
		flagged := slices.ContainsFunc(q.Flags, func(f struct {
			Code string `json:"code"`
		}) bool {
			return f.Code == warranty.FlagVehicleNotInCatalogue
		})
		if flagged != tc.flagged {
			t.Errorf("quote for %q %q: flags %+v", tc.make, tc.model, q.Flags)
		}
	}

	// the wizard's step refuses it too, at the tariff step, and the stored make is the entry's
	salon := salonsOf(t, dealer)[0]
	created := dealer.sale("POST", "/api/v1/sales", map[string]any{"salon_id": salon.ID}, http.StatusCreated)
	base := "/api/v1/sales/" + created.ID
	v := vehicleBody(newVIN(t), "used")
	v["make"], v["model"] = "Роллс-Ройс", "Куллинан"
	saved := dealer.sale("PUT", base+"/vehicle", v, http.StatusOK)
	if saved.Vehicle == nil || saved.Vehicle.Make != "Rolls-Royce" || saved.Vehicle.Model != "Cullinan" || saved.Vehicle.MakeID == 0 {
		t.Errorf("stored vehicle %+v", saved.Vehicle)
	}
	r := dealer.do("PUT", base+"/tariff", tariffBody)
	expectStatus(t, r, http.StatusUnprocessableEntity)
	if p := r.problem(t); !strings.Contains(p.Fields["make"]+p.Fields["vehicle.make"], "Rolls-Royce") {
		t.Errorf("tariff step for a Rolls-Royce: %+v", p)
	}
}

func TestVehicleTypedInAsOtherGoesToAManager(t *testing.T) {
	dealer := login(t, "dealer@karso.test")
	salon := salonsOf(t, dealer)[0]
	created := dealer.sale("POST", "/api/v1/sales", map[string]any{"salon_id": salon.ID}, http.StatusCreated)
	base := "/api/v1/sales/" + created.ID
	v := vehicleBody(newVIN(t), "used")
	v["make"], v["model"], v["make_id"], v["model_id"] = "Zotye", "T600", 1, 1 // sent ids are not trusted
	saved := dealer.sale("PUT", base+"/vehicle", v, http.StatusOK)
	if saved.Vehicle == nil || saved.Vehicle.MakeID != 0 || saved.Vehicle.ModelID != 0 {
		t.Errorf("an unknown make got ids: %+v", saved.Vehicle)
	}
	dealer.sale("PUT", base+"/customer", customerBody, http.StatusOK)
	dealer.sale("PUT", base+"/tariff", tariffBody, http.StatusOK)
	submitted := dealer.sale("POST", base+"/submit", nil, http.StatusOK)
	if submitted.Status != "pending_approval" || len(submitted.Flags) != 1 ||
		submitted.Flags[0].Code != warranty.FlagVehicleNotInCatalogue || !strings.Contains(submitted.Flags[0].Message, "Zotye T600") {
		t.Errorf("status %s flags %+v", submitted.Status, submitted.Flags)
	}

	// the same car spelled in Cyrillic, as the catalogue knows it, is not flagged
	lada := draftSale(t, dealer, newVIN(t), "used")
	base = "/api/v1/sales/" + lada.ID
	v = vehicleBody(newVIN(t), "used")
	v["make"], v["model"] = "ВАЗ", "веста"
	saved = dealer.sale("PUT", base+"/vehicle", v, http.StatusOK)
	if saved.Vehicle.Make != "Lada" || saved.Vehicle.Model != "Vesta" || saved.Vehicle.ModelID == 0 || len(saved.Flags) != 0 {
		t.Errorf("Lada Vesta: %+v flags %+v", saved.Vehicle, saved.Flags)
	}
}

func TestAdminsKeepTheCatalogue(t *testing.T) {
	admin, dealer := login(t, "admin@karso.test"), login(t, "dealer@karso.test")
	name := fmt.Sprintf("Zotye %d", time.Now().UnixNano())
	body := map[string]any{"name": name, "aliases": []string{"Зоти " + name[6:]},
		"models": []map[string]any{{"name": "T600", "aliases": []string{"Т600"}}}}
	expectStatus(t, dealer.do("POST", "/api/v1/vehicle-makes", body), http.StatusForbidden)

	r := admin.do("POST", "/api/v1/vehicle-makes", body)
	expectStatus(t, r, http.StatusCreated)
	var made warranty.CatalogMake
	r.json(t, &made)
	if made.ID == 0 || !made.Active || len(made.Models) != 1 || made.Models[0].ID == 0 {
		t.Fatalf("created %+v", made)
	}
	if m, ok := catalogOf(t, dealer).FindMake("зоти " + name[6:]); !ok || m.ID != made.ID {
		t.Errorf("the dealer does not find the new make by its alias: %+v", m)
	}

	// a spelling of another make is refused naming the field, in both languages
	for lang, want := range map[string]string{"ru": "уже означает «Ferrari»", "en": "already means “Ferrari”"} {
		admin.lang = lang
		r = admin.do("PUT", fmt.Sprintf("/api/v1/vehicle-makes/%d", made.ID), map[string]any{"name": name,
			"aliases": []string{"Феррари"}})
		expectStatus(t, r, http.StatusUnprocessableEntity)
		if p := r.problem(t); !strings.Contains(p.Fields["aliases"], want) {
			t.Errorf("%s: %+v", lang, p)
		}
	}
	admin.lang = ""
	r = admin.do("POST", "/api/v1/vehicle-makes", map[string]any{"name": "ferrari"})
	expectStatus(t, r, http.StatusUnprocessableEntity)
	if p := r.problem(t); p.Fields["name"] == "" {
		t.Errorf("a second Ferrari: %+v", p)
	}

	// models are replaced as listed; a kept model keeps its id; deactivating keeps it resolving
	r = admin.do("PUT", fmt.Sprintf("/api/v1/vehicle-makes/%d", made.ID), map[string]any{"name": name, "active": false,
		"models": []map[string]any{{"name": "T600", "aliases": []string{"Т-600"}}, {"name": "Coupa"}}})
	expectStatus(t, r, http.StatusOK)
	var edited warranty.CatalogMake
	r.json(t, &edited)
	t600, ok := edited.FindModel("Т-600")
	if edited.Active || len(edited.Models) != 2 || !ok || t600.ID != made.Models[0].ID {
		t.Errorf("edited %+v", edited)
	}
	expectStatus(t, admin.do("PUT", "/api/v1/vehicle-makes/999999999", body), http.StatusNotFound)

	r = admin.do("GET", fmt.Sprintf("/api/v1/audit?entity_type=vehicle_make&entity_id=%d", made.ID), nil)
	expectStatus(t, r, http.StatusOK)
	var audit struct {
		Items []struct{ Action string }
	}
	r.json(t, &audit)
	var actions []string
	for _, a := range audit.Items {
		actions = append(actions, a.Action)
	}
	if !slices.Equal(actions, []string{"vehicle_make.update", "vehicle_make.create"}) {
		t.Errorf("audit trail %v", actions)
	}
}
