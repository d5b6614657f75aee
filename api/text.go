package api

import (
	"net/http"
	"reflect"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/gin-gonic/gin"
)

// maxTextRunes bounds every string a client sends, whatever the field: the fields with a
// business limit of their own are checked tighter by their validators.
const maxTextRunes = 10_000

// textProblem says what is wrong with a text for storing and for a workflow's history: a NUL
// byte cannot be stored by PostgreSQL, other control characters corrupt documents and mails,
// and invalid UTF-8 fails on the way into a payload. Tabs and line breaks are text.
func textProblem(s string) string {
	if !utf8.ValidString(s) {
		return "bad_text"
	}
	if utf8.RuneCountInString(s) > maxTextRunes {
		return "text_too_long"
	}
	for _, r := range s {
		if r == '\t' || r == '\n' || r == '\r' {
			continue
		}
		if unicode.IsControl(r) || r == '\u2028' || r == '\u2029' || r == '\ufeff' {
			return "bad_text"
		}
	}
	return ""
}

// textErrors names, by JSON path, every string in v that textProblem refuses.
func textErrors(lang string, v any) map[string]string {
	fields := map[string]string{}
	walkText(reflect.ValueOf(v), "", func(path, problem string) {
		if _, seen := fields[path]; !seen {
			fields[path] = textMessage(lang, problem)
		}
	})
	return fields
}

func walkText(v reflect.Value, path string, report func(path, problem string)) {
	switch v.Kind() {
	case reflect.Pointer, reflect.Interface:
		if !v.IsNil() {
			walkText(v.Elem(), path, report)
		}
	case reflect.String:
		if p := textProblem(v.String()); p != "" {
			report(path, p)
		}
	case reflect.Slice, reflect.Array:
		for i := range v.Len() {
			walkText(v.Index(i), path+"["+strconv.Itoa(i)+"]", report)
		}
	case reflect.Map:
		iter := v.MapRange()
		for iter.Next() {
			key := iter.Key()
			if key.Kind() == reflect.String {
				if p := textProblem(key.String()); p != "" {
					report(join(path, "(key)"), p)
					continue
				}
				walkText(iter.Value(), join(path, key.String()), report)
			} else {
				walkText(iter.Value(), path, report)
			}
		}
	case reflect.Struct:
		t := v.Type()
		for i := range t.NumField() {
			f := t.Field(i)
			if !f.IsExported() {
				continue
			}
			name, _, _ := strings.Cut(f.Tag.Get("json"), ",")
			switch {
			case name == "-":
				continue
			case f.Anonymous && name == "":
				walkText(v.Field(i), path, report)
				continue
			case name == "":
				name = f.Name
			}
			walkText(v.Field(i), join(path, name), report)
		}
	}
}

func textMessage(lang, problem string) string {
	if problem == "text_too_long" {
		return fieldMessage(lang, problem, maxTextRunes)
	}
	return fieldMessage(lang, problem)
}

func join(path, name string) string {
	if path == "" {
		return name
	}
	return path + "." + name
}

// refuseBadQueryText answers 422 naming the query parameter when one carries a character no
// page or report could store or show, before any handler builds a query with it.
//
// A path segment that could not be a stored name (a tariff code with a NUL byte) names
// nothing: 404, as for any unknown record.
func refuseBadQueryText(c *gin.Context) {
	for _, p := range c.Params {
		if textProblem(p.Value) != "" {
			fail(c, http.StatusNotFound, "not_found")
			return
		}
	}
	fields := map[string]string{}
	for name, values := range c.Request.URL.Query() {
		if p := textProblem(name); p != "" {
			fields["(query)"] = textMessage(lang(c), p)
			continue
		}
		for _, v := range values {
			if p := textProblem(v); p != "" {
				fields[name] = textMessage(lang(c), p)
			}
		}
	}
	if len(fields) > 0 {
		c.AbortWithStatusJSON(http.StatusUnprocessableEntity, gin.H{"error": Problem{
			Code: "validation_failed", Message: message(lang(c), "validation_failed"), Fields: fields}})
		return
	}
	c.Next()
}
