package mail

import (
	"bytes"
	"embed"
	"fmt"
	htmltemplate "html/template"
	"io/fs"
	"path"
	"slices"
	"strings"
	texttemplate "text/template"
	"time"

	"karso.ru/prm/warranty"
)

// The templates: templates/<kind>.tmpl defines, for each locale, "<locale>.subject",
// "<locale>.text" and "<locale>.html" (the HTML part's content, escaped by html/template);
// templates/_layout.tmpl holds what every message shares — the company's name, the plain
// text signature and the HTML frame. Both languages of a kind sit in one file so that a
// change to one is seen next to the other.
//
//go:embed templates/*.tmpl
var templateFiles embed.FS

const layoutFile = "templates/_layout.tmpl"

// Rendered is a message ready for the outbox.
type Rendered struct {
	Subject string
	Text    string
	HTML    string
}

// kindTemplates are one kind's templates parsed twice: as text for the subject and the
// plain part, as HTML (contextually escaped) for the HTML part.
type kindTemplates struct {
	text *texttemplate.Template
	html *htmltemplate.Template
}

var registry = mustLoadTemplates()

func mustLoadTemplates() map[string]kindTemplates {
	r, err := loadTemplates(templateFiles)
	if err != nil {
		panic(err) // the templates are embedded: a broken one is a build error, caught by the tests
	}
	return r
}

func loadTemplates(fsys fs.FS) (map[string]kindTemplates, error) {
	layout, err := fs.ReadFile(fsys, layoutFile)
	if err != nil {
		return nil, fmt.Errorf("mail layout: %w", err)
	}
	names, err := fs.Glob(fsys, "templates/*.tmpl")
	if err != nil {
		return nil, err
	}
	out := map[string]kindTemplates{}
	for _, name := range names {
		if strings.HasPrefix(path.Base(name), "_") {
			continue
		}
		kind := strings.TrimSuffix(path.Base(name), ".tmpl")
		src, err := fs.ReadFile(fsys, name)
		if err != nil {
			return nil, err
		}
		k, err := parseKind(kind, string(layout), string(src))
		if err != nil {
			return nil, err
		}
		out[kind] = k
	}
	return out, nil
}

func parseKind(kind, layout, src string) (kindTemplates, error) {
	text, err := texttemplate.New(kind).Option("missingkey=error").Funcs(textFuncs).Parse(layout)
	if err == nil {
		_, err = text.Parse(src)
	}
	if err != nil {
		return kindTemplates{}, fmt.Errorf("mail template %s (text): %w", kind, err)
	}
	html, err := htmltemplate.New(kind).Option("missingkey=error").Funcs(htmlFuncs).Parse(layout)
	if err == nil {
		_, err = html.Parse(src)
	}
	if err != nil {
		return kindTemplates{}, fmt.Errorf("mail template %s (html): %w", kind, err)
	}
	for _, loc := range []string{LocaleRU, LocaleEN} {
		for _, part := range []string{"subject", "text", "html"} {
			if text.Lookup(loc+"."+part) == nil {
				return kindTemplates{}, fmt.Errorf("mail template %s: %s.%s is not defined", kind, loc, part)
			}
		}
	}
	return kindTemplates{text: text, html: html}, nil
}

// KnownKind reports whether a template exists for the kind.
func KnownKind(kind string) bool {
	_, ok := registry[kind]
	return ok
}

// Kinds lists the kinds of mail there are templates for, sorted.
func Kinds() []string {
	out := make([]string, 0, len(registry))
	for k := range registry {
		out = append(out, k)
	}
	slices.Sort(out)
	return out
}

// Render words a message of the kind in the locale (see NormalizeLocale) with data.
func Render(kind, locale string, data any) (Rendered, error) {
	k, ok := registry[kind]
	if !ok {
		return Rendered{}, fmt.Errorf("%w: no template for mail kind %q", ErrBadMessage, kind)
	}
	locale = NormalizeLocale(locale)
	subject, err := execText(k.text, locale+".subject", data)
	if err != nil {
		return Rendered{}, err
	}
	subject = oneLine(subject)
	body, err := execText(k.text, locale+".text", data)
	if err != nil {
		return Rendered{}, err
	}
	signature, err := execText(k.text, locale+".signature", data)
	if err != nil {
		return Rendered{}, err
	}
	company, err := execText(k.text, locale+".company", data)
	if err != nil {
		return Rendered{}, err
	}
	content, err := execHTML(k.html, locale+".html", data)
	if err != nil {
		return Rendered{}, err
	}
	html, err := execHTML(k.html, "layout", htmlFrame{Locale: locale, Subject: subject, Company: company,
		Content: htmltemplate.HTML(content), Signature: strings.TrimPrefix(strings.TrimSpace(signature), "--\n")})
	if err != nil {
		return Rendered{}, err
	}
	return Rendered{Subject: subject, Text: strings.TrimSpace(body) + "\n\n" + strings.TrimSpace(signature) + "\n",
		HTML: html}, nil
}

// oneLine folds a subject the template spread over lines onto one, keeping the no-break
// spaces inside amounts.
func oneLine(s string) string {
	return strings.Join(strings.FieldsFunc(s, func(r rune) bool {
		return r == ' ' || r == '\n' || r == '\r' || r == '\t'
	}), " ")
}

// htmlFrame is what the layout prints around a kind's HTML content.
type htmlFrame struct {
	Locale, Subject, Company string
	Content                  htmltemplate.HTML
	Signature                string
}

func execText(t *texttemplate.Template, name string, data any) (string, error) {
	var b bytes.Buffer
	if err := t.ExecuteTemplate(&b, name, data); err != nil {
		return "", fmt.Errorf("%w: render %s: %v", ErrBadMessage, name, err)
	}
	return b.String(), nil
}

func execHTML(t *htmltemplate.Template, name string, data any) (string, error) {
	var b bytes.Buffer
	if err := t.ExecuteTemplate(&b, name, data); err != nil {
		return "", fmt.Errorf("%w: render %s: %v", ErrBadMessage, name, err)
	}
	return b.String(), nil
}

// The functions templates call; the text and the HTML sets know the same names.
var (
	textFuncs = texttemplate.FuncMap{"rub": rub, "date": date, "button": textButton}
	htmlFuncs = htmltemplate.FuncMap{"rub": rub, "date": date, "button": htmlButton}
)

// rub prints an amount the Russian way, "52 790,00 ₽".
func rub(k warranty.Kopecks) string { return warranty.FormatRUB(k) }

// date prints a YYYY-MM-DD date or a time as 21.07.2026.
func date(v any) string {
	switch d := v.(type) {
	case time.Time:
		return d.Format("02.01.2006")
	case string:
		if t, err := time.Parse(warranty.DateLayout, d); err == nil {
			return t.Format("02.01.2006")
		}
		return d
	}
	return fmt.Sprint(v)
}

// textButton is a link in the plain part: "label: url".
func textButton(url, label string) string { return label + ": " + url }

// htmlButton is a link drawn as a button in the HTML part; mail clients ignore style
// sheets, so the style is inline.
func htmlButton(url, label string) htmltemplate.HTML {
	if !strings.HasPrefix(url, "https://") && !strings.HasPrefix(url, "http://") {
		url = "#" // the links are the platform's own; anything else is not followed
	}
	return htmltemplate.HTML(`<a href="` + htmltemplate.HTMLEscapeString(url) + `" style="display:inline-block;` +
		`padding:10px 18px;background:#1f5fbf;color:#ffffff;text-decoration:none;border-radius:4px;font-weight:bold">` +
		htmltemplate.HTMLEscapeString(label) + `</a>`)
}
