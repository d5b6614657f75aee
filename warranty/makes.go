package warranty

import (
	"strings"
	"unicode"
)

// CatalogModel is a model of a make in the catalogue.
type CatalogModel struct {
	ID      int64    `json:"id"`
	Name    string   `json:"name"`
	Aliases []string `json:"aliases"`
}

// CatalogMake is a make of the catalogue with the spellings that mean it («Феррари»,
// «Rolls Royce») and its models. An inactive make is no longer offered in the wizard but
// still resolves, so a tariff that excludes it keeps excluding it.
type CatalogMake struct {
	ID      int64          `json:"id"`
	Name    string         `json:"name"`
	Aliases []string       `json:"aliases"`
	Active  bool           `json:"active"`
	Models  []CatalogModel `json:"models"`
}

// MakeCatalog is every make of the catalogue.
type MakeCatalog []CatalogMake

// CatalogKey is how names are compared: case, «ё», spaces, hyphens and other punctuation do
// not count, so «Rolls Royce», «rolls-royce» and «ROLLS‑ROYCE» are one make.
func CatalogKey(s string) string {
	var b strings.Builder
	for _, r := range strings.ToLower(s) {
		switch {
		case r == 'ё':
			b.WriteRune('е')
		case unicode.IsLetter(r) || unicode.IsDigit(r):
			b.WriteRune(r)
		}
	}
	return b.String()
}

// matches reports whether name is the entry's name or one of its aliases.
func matches(name string, entry string, aliases []string) bool {
	key := CatalogKey(name)
	if key == "" {
		return false
	}
	if CatalogKey(entry) == key {
		return true
	}
	for _, a := range aliases {
		if CatalogKey(a) == key {
			return true
		}
	}
	return false
}

// FindMake is the make that name spells.
func (c MakeCatalog) FindMake(name string) (CatalogMake, bool) {
	for _, m := range c {
		if matches(name, m.Name, m.Aliases) {
			return m, true
		}
	}
	return CatalogMake{}, false
}

// FindModel is the make's model that name spells.
func (m CatalogMake) FindModel(name string) (CatalogModel, bool) {
	for _, md := range m.Models {
		if matches(name, md.Name, md.Aliases) {
			return md, true
		}
	}
	return CatalogModel{}, false
}

// Resolve returns the vehicle with its make and model named as the catalogue names them and
// their ids set; a make or model the catalogue does not know keeps the dealer's text and a
// zero id ("other": the risk rules flag it). Ids the caller sent are never trusted.
func (c MakeCatalog) Resolve(v Vehicle) Vehicle {
	v.MakeID, v.ModelID = 0, 0
	m, ok := c.FindMake(v.Make)
	if !ok {
		return v
	}
	v.Make, v.MakeID = m.Name, m.ID
	if md, ok := m.FindModel(v.Model); ok {
		v.Model, v.ModelID = md.Name, md.ID
	}
	return v
}

// CanonicalMakes names a tariff's excluded makes as the catalogue does, so that eligibility
// compares catalogue entries, not spellings; a make the catalogue does not know stays as
// written.
func (c MakeCatalog) CanonicalMakes(names []string) []string {
	if names == nil {
		return nil
	}
	out := make([]string, 0, len(names))
	for _, n := range names {
		if m, ok := c.FindMake(n); ok {
			n = m.Name
		}
		out = append(out, n)
	}
	return out
}

// CheckMake lists the mistakes of a make an admin saves: names required and short enough,
// and no spelling (name or alias) shared with another make or, within the make, with another
// model. others are the catalogue's other makes.
func CheckMake(m CatalogMake, others MakeCatalog) Violations {
	var vs Violations
	vs.add(checkName("name", collapseSpaces(m.Name)))
	for i, s := range append([]string{m.Name}, m.Aliases...) {
		field := "aliases"
		if i == 0 {
			field = "name"
		}
		if CatalogKey(s) == "" {
			vs.add(violation(field, CodeRequired))
			continue
		}
		if other, ok := others.FindMake(s); ok && other.ID != m.ID {
			vs.add(violation(field, CodeCatalogSpellingTaken, s, other.Name))
		}
	}
	seen := map[string]string{}
	for _, md := range m.Models {
		vs.add(checkName("models", collapseSpaces(md.Name)))
		for _, s := range append([]string{md.Name}, md.Aliases...) {
			key := CatalogKey(s)
			if key == "" {
				continue
			}
			if owner, dup := seen[key]; dup && owner != md.Name {
				vs.add(violation("models", CodeCatalogSpellingTaken, s, owner))
			}
			seen[key] = md.Name
		}
	}
	return dedupe(vs)
}

// dedupe keeps the first violation of each field.
func dedupe(vs Violations) Violations {
	var out Violations
	for _, v := range vs {
		if !out.Has(v.Field) {
			out = append(out, v)
		}
	}
	return out
}
