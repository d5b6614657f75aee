package warranty

import (
	"slices"
	"testing"
)

func testCatalog() MakeCatalog {
	return MakeCatalog{
		{ID: 1, Name: "Rolls-Royce", Aliases: []string{"Роллс-Ройс", "Ролс-Ройс"}, Active: true,
			Models: []CatalogModel{{ID: 10, Name: "Cullinan", Aliases: []string{"Куллинан"}}}},
		{ID: 2, Name: "Ferrari", Aliases: []string{"Феррари"}, Active: true,
			Models: []CatalogModel{{ID: 20, Name: "Roma", Aliases: []string{"Рома"}}}},
		{ID: 3, Name: "Lada", Aliases: []string{"Лада", "ВАЗ"}, Active: true,
			Models: []CatalogModel{{ID: 30, Name: "Vesta", Aliases: []string{"Веста"}}, {ID: 31, Name: "Niva Legend", Aliases: []string{"Нива"}}}},
	}
}

func TestCatalogResolvesEverySpelling(t *testing.T) {
	c := testCatalog()
	for _, tc := range []struct {
		make, model         string
		wantMake, wantModel string
		makeID, modelID     int64
	}{
		{"Rolls Royce", "cullinan", "Rolls-Royce", "Cullinan", 1, 10},
		{"ROLLS‑ROYCE", "Куллинан", "Rolls-Royce", "Cullinan", 1, 10},
		{"Ролс-Ройс", "Phantom", "Rolls-Royce", "Phantom", 1, 0},
		{"Феррари", "Рома", "Ferrari", "Roma", 2, 20},
		{"  ваз ", "НИВА", "Lada", "Niva Legend", 3, 31},
		{"Лада", "Vesta", "Lada", "Vesta", 3, 30},
		{"Zotye", "T600", "Zotye", "T600", 0, 0},
		{"", "", "", "", 0, 0},
	} {
		v := Vehicle{Make: tc.make, Model: tc.model, MakeID: 99, ModelID: 99} // sent ids are never trusted
		got := c.Resolve(v)
		if got.Make != tc.wantMake || got.Model != tc.wantModel || got.MakeID != tc.makeID || got.ModelID != tc.modelID {
			t.Errorf("Resolve(%q, %q) = %q %q #%d #%d, want %q %q #%d #%d", tc.make, tc.model, got.Make, got.Model,
				got.MakeID, got.ModelID, tc.wantMake, tc.wantModel, tc.makeID, tc.modelID)
		}
	}
}

// «Rolls Royce» and «Феррари» used to pass a rule that excludes «Rolls-Royce» and «Ferrari»:
// with both sides named by the catalogue, eligibility refuses them.
func TestExcludedMakesMatchTheCatalogueEntry(t *testing.T) {
	c := testCatalog()
	e := Eligibility{ExcludedMakes: c.CanonicalMakes([]string{"Rolls Royce", "ferrari", "Bugatti"})}
	if want := []string{"Rolls-Royce", "Ferrari", "Bugatti"}; !slices.Equal(e.ExcludedMakes, want) {
		t.Errorf("canonical %v, want %v", e.ExcludedMakes, want)
	}
	for _, spelled := range []string{"Rolls Royce", "Роллс-Ройс", "Феррари", "FERRARI"} {
		v := c.Resolve(validVehicle())
		v.Make = spelled
		v = c.Resolve(v)
		if vs := e.Check(v, today); !vs.Has("make") {
			t.Errorf("%q passes the exclusion: %v", spelled, vs)
		}
	}
	if vs := e.Check(c.Resolve(Vehicle{Make: "Лада", Year: 2024}), today); vs.Has("make") {
		t.Errorf("Lada excluded: %v", vs)
	}
	if c.CanonicalMakes(nil) != nil {
		t.Error("no exclusions became some")
	}
}

func TestCheckMakeRefusesASpellingOfAnotherMake(t *testing.T) {
	c := testCatalog()
	for _, tc := range []struct {
		name  string
		make  CatalogMake
		field string // "" for none
	}{
		{"new make", CatalogMake{Name: "Haval", Aliases: []string{"Хавал"}, Models: []CatalogModel{{Name: "Jolion"}}}, ""},
		{"edit keeps its own spellings", c[1], ""},
		{"alias of another make", CatalogMake{Name: "Bentley", Aliases: []string{"Феррари"}}, "aliases"},
		{"name of another make spelled otherwise", CatalogMake{Name: "rolls royce"}, "name"},
		{"empty name", CatalogMake{Name: " "}, "name"},
		{"punctuation-only alias", CatalogMake{Name: "Haval", Aliases: []string{"--"}}, "aliases"},
		{"two models spelled alike", CatalogMake{ID: 2, Name: "Ferrari", Models: []CatalogModel{{Name: "Roma"}, {Name: "Purosangue", Aliases: []string{"ROMA"}}}}, "models"},
	} {
		vs := CheckMake(tc.make, c)
		if tc.field == "" && len(vs) > 0 || tc.field != "" && !vs.Has(tc.field) {
			t.Errorf("%s: %v, want a mistake on %q", tc.name, vs, tc.field)
		}
	}
	vs := CheckMake(CatalogMake{Name: "Bentley", Aliases: []string{"Феррари"}}, c)
	if got := vs[0].Message("ru"); got != "Написание «Феррари» уже означает «Ferrari» в справочнике" {
		t.Errorf("message %q", got)
	}
}

func TestCatalogKey(t *testing.T) {
	for in, want := range map[string]string{"Rolls-Royce": "rollsroyce", " Rolls  Royce ": "rollsroyce",
		"Хёндэ": "хендэ", "Mercedes-Benz": "mercedesbenz", "CX-5": "cx5", "—": ""} {
		if got := CatalogKey(in); got != want {
			t.Errorf("CatalogKey(%q) = %q, want %q", in, got, want)
		}
	}
}
