package reports

import (
	"regexp"
	"slices"
	"strings"
	"time"
)

// Template is a report an admin defined: which rows (a source, a moment the period applies
// to, statuses), which columns, and whether rows are grouped (a commission statement is the
// sales grouped by partner).
type Template struct {
	ID        int64           `json:"id"`
	Code      string          `json:"code"`
	Name      string          `json:"name"`
	Source    string          `json:"source"`
	Columns   []string        `json:"columns"`
	Filters   TemplateFilters `json:"filters"`
	GroupBy   string          `json:"group_by"`
	CreatedAt time.Time       `json:"created_at"`
	UpdatedAt time.Time       `json:"updated_at"`
}

// TemplateFilters are a template's defaults: the moment its period applies to and the
// statuses it keeps (none: every status); a query may narrow them further.
type TemplateFilters struct {
	DateField string   `json:"date_field"`
	Statuses  []string `json:"statuses"`
}

// FieldError is a template field that is wrong, with a validation code the API words in the
// caller's language ("required", "oneof", "invalid", "unique").
type FieldError struct {
	Field string
	Code  string
	// Param completes the message: the allowed values of "oneof".
	Param string
}

var templateCode = regexp.MustCompile(`^[a-z][a-z0-9_]{1,39}$`)

// Validate checks a template against its source: known columns, a known moment, statuses
// and grouping, and in a grouped template only columns that mean something per group (the
// group's own attributes, counts and sums).
func (t Template) Validate() []FieldError {
	var errs []FieldError
	add := func(field, code, param string) { errs = append(errs, FieldError{field, code, param}) }
	if !templateCode.MatchString(t.Code) {
		add("code", "invalid", "")
	}
	if n := len([]rune(strings.TrimSpace(t.Name))); n == 0 {
		add("name", "required", "")
	} else if n > 200 {
		add("name", "max", "200")
	}
	src, ok := sources[t.Source]
	if !ok {
		add("source", "oneof", "sales payments")
		return errs
	}
	if _, ok := src.dateFields[t.Filters.DateField]; !ok {
		add("filters.date_field", "oneof", strings.Join(sortedKeys(src.dateFields), " "))
	}
	for _, st := range t.Filters.Statuses {
		if !slices.Contains(src.statuses, st) {
			add("filters.statuses", "oneof", strings.Join(src.statuses, " "))
			break
		}
	}
	if _, ok := src.groupings[t.GroupBy]; t.GroupBy != "" && !ok {
		add("group_by", "oneof", strings.Join(sortedKeys(src.groupings), " "))
	}
	if len(t.Columns) == 0 {
		add("columns", "required", "")
	}
	seen := map[string]bool{}
	for _, key := range t.Columns {
		c, ok := src.column(key)
		if !ok || seen[key] || !c.fits(t.GroupBy) {
			add("columns", "invalid", key)
			break
		}
		seen[key] = true
	}
	return errs
}

// fits reports whether the column can appear in a report grouped by g ("" = not grouped):
// a count only in a grouped report, a detail only in a detail one, measures in both.
func (c columnDef) fits(g string) bool {
	switch {
	case c.count:
		return g != ""
	case c.sum:
		return true
	case g == "":
		return true
	default:
		return slices.Contains(c.dims, g)
	}
}
