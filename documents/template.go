package documents

import (
	"errors"
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"text/template"
	"time"

	"karso.ru/prm/warranty"
)

// TemplateVersion is one version of an admin-editable document template. Title and Body are
// Go text/template text executed with the kind's data (ContractData for a contract…); see the
// package documentation for the placeholders, functions and layout rules.
type TemplateVersion struct {
	Kind    string
	Version int32
	Title   string
	Body    string
}

// TemplateError is a mistake in a template's text: Field is "title" or "body", Line the line
// of that field it is on, Problem what is wrong in English as text/template says it, and
// Placeholder the unknown placeholder ("{{.Vehicle.Colour}}") or function ("rubles") when
// that is the mistake, and Limit the bound it ran into (LimitOutput…) when it ran too long or
// wrote too much.
type TemplateError struct {
	Field       string
	Line        int
	Problem     string
	Placeholder string
	Limit       string
}

func (e *TemplateError) Error() string {
	return fmt.Sprintf("%s: line %d: %s", e.Field, e.Line, e.Problem)
}

// Message explains the mistake to the admin in lang ("ru" by default, or "en").
func (e *TemplateError) Message(lang string) string {
	en := warranty.Language(lang) == "en"
	function := e.Placeholder != "" && !strings.HasPrefix(e.Placeholder, "{{")
	if e.Limit != "" {
		return limitMessage(e.Limit, en)
	}
	switch {
	case function && en:
		return fmt.Sprintf("Line %d: unknown function %q", e.Line, e.Placeholder)
	case function:
		return fmt.Sprintf("Строка %d: неизвестная функция «%s»", e.Line, e.Placeholder)
	case e.Placeholder != "" && en:
		return fmt.Sprintf("Line %d: unknown placeholder %s", e.Line, e.Placeholder)
	case e.Placeholder != "":
		return fmt.Sprintf("Строка %d: неизвестное поле подстановки %s", e.Line, e.Placeholder)
	case en:
		return fmt.Sprintf("Line %d: %s", e.Line, e.Problem)
	default:
		return fmt.Sprintf("Строка %d: ошибка в шаблоне: %s", e.Line, e.Problem)
	}
}

// limitMessage explains a bound the template ran into.
func limitMessage(limit string, en bool) string {
	switch {
	case limit == LimitOutput && en:
		return fmt.Sprintf("The template writes more than %d MiB: check its loops", MaxTemplateOutput>>20)
	case limit == LimitOutput:
		return fmt.Sprintf("Шаблон выводит больше %d МиБ текста: проверьте циклы", MaxTemplateOutput>>20)
	case limit == LimitText && en:
		return fmt.Sprintf("A function in the template builds a text longer than %d KiB", maxFuncResult>>10)
	case limit == LimitText:
		return fmt.Sprintf("Функция в шаблоне строит текст длиннее %d КиБ", maxFuncResult>>10)
	case en:
		return fmt.Sprintf("The template runs too long (over %d loop steps or %s): check its loops and template calls",
			MaxTemplateSteps, MaxTemplateTime)
	default:
		return fmt.Sprintf("Шаблон выполняется слишком долго (больше %d шагов циклов или %s): проверьте циклы и вызовы шаблонов",
			MaxTemplateSteps, MaxTemplateTime)
	}
}

// ErrUnknownKind is returned for a document kind the platform does not issue.
var ErrUnknownKind = errors.New("unknown document kind")

// Check executes the template's title and body with the kind's sample data, so that a syntax
// error, an unknown placeholder or a misused function is reported before the version is saved
// rather than when a contract is due. The error is a *TemplateError for mistakes in the text.
func Check(tmpl TemplateVersion) error {
	data := SampleData(tmpl.Kind)
	if data == nil {
		return fmt.Errorf("%w: %q", ErrUnknownKind, tmpl.Kind)
	}
	_, _, err := expand(tmpl, data)
	return err
}

// expand executes the title and the body with data.
func expand(tmpl TemplateVersion, data any) (title, body string, err error) {
	if title, err = execute("title", tmpl.Title, data); err != nil {
		return "", "", err
	}
	if body, err = execute("body", tmpl.Body, data); err != nil {
		return "", "", err
	}
	return strings.TrimSpace(title), body, nil
}

// execute runs one template text, within the bounds of bounds.go. missingkey=error makes a
// typo in a map key fail as loudly as a typo in a struct field does, instead of printing
// "<no value>" into a contract.
func execute(field, text string, data any) (string, error) {
	b := &budget{start: time.Now()}
	t, err := template.New(field).Funcs(funcs).Funcs(b.funcs()).Option("missingkey=error").Parse(text)
	if err != nil {
		return "", templateError(field, err)
	}
	instrument(t)
	var out limitedWriter
	if err := t.Execute(&out, data); err != nil {
		if limit := limitOf(err); limit != "" {
			return "", &TemplateError{Field: field, Line: lineOf(err), Problem: errLimit{limit}.Error(), Limit: limit}
		}
		return "", templateError(field, err)
	}
	return string(out.buf), nil
}

// lineOf is the line text/template's error names, or 0.
func lineOf(err error) int {
	if m := errPosition.FindStringSubmatch(err.Error()); m != nil {
		n, _ := strconv.Atoi(m[1])
		return n
	}
	return 0
}

var (
	// template: body:3: function "foo" not defined
	// template: body:3:14: executing "body" at <.Foo>: can't evaluate field Foo in type …
	errPosition     = regexp.MustCompile(`^template: \w+:(\d+)(?::\d+)?: (?:executing "\w+" at <([^>]*)>: )?(.*)$`)
	errUnknownField = regexp.MustCompile(`^(?:can't evaluate field|map has no entry for key) "?(\w+)"?`)
	errUnknownFunc  = regexp.MustCompile(`^function "(\w+)" not defined`)
)

// templateError turns text/template's error into one an admin can act on: the line and, when
// that is the problem, the placeholder or function that does not exist.
func templateError(field string, err error) *TemplateError {
	te := &TemplateError{Field: field, Problem: err.Error()}
	m := errPosition.FindStringSubmatch(err.Error())
	if m == nil {
		return te
	}
	te.Line, _ = strconv.Atoi(m[1])
	te.Problem = m[3]
	if errUnknownField.MatchString(m[3]) && m[2] != "" {
		te.Placeholder = "{{" + m[2] + "}}"
	} else if f := errUnknownFunc.FindStringSubmatch(m[3]); f != nil {
		te.Placeholder = f[1]
	}
	return te
}

// funcs are the helpers templates may call. Each prints the way Russian business documents
// do; see the package documentation for examples.
var funcs = template.FuncMap{
	"money":       money,
	"moneyWords":  moneyWords,
	"date":        date,
	"longdate":    longDate,
	"month":       monthName,
	"months":      months,
	"number":      number,
	"percent":     percent,
	"category":    category,
	"clock":       clock,
	"plural":      pluralOf,
	"optionNames": optionNames,
	"inc":         func(i int) int { return i + 1 },
	"neg":         func(k warranty.Kopecks) warranty.Kopecks { return -k },
	"join":        func(items []string, sep string) string { return strings.Join(items, sep) },
	"upper":       strings.ToUpper,
}

// kopecks accepts the integer types money arrives in.
func kopecks(v any) (warranty.Kopecks, error) {
	switch n := v.(type) {
	case warranty.Kopecks:
		return n, nil
	case int64:
		return warranty.Kopecks(n), nil
	case int:
		return warranty.Kopecks(n), nil
	case int32:
		return warranty.Kopecks(n), nil
	default:
		return 0, fmt.Errorf("money expects an amount in kopecks, got %T", v)
	}
}

// money prints an amount as "58 805,00 руб.". The rouble sign ₽ is not in the Go fonts, and
// "руб." is what accounting documents write anyway.
func money(v any) (string, error) {
	k, err := kopecks(v)
	if err != nil {
		return "", err
	}
	return strings.Replace(warranty.FormatRUB(k), "₽", "руб.", 1), nil
}

// moneyWords prints an amount in words, as invoices and acts repeat it:
// "Пятьдесят восемь тысяч восемьсот пять рублей 00 копеек".
func moneyWords(v any) (string, error) {
	k, err := kopecks(v)
	if err != nil {
		return "", err
	}
	return amountInWords(k), nil
}

// asTime accepts a time, a pointer to one, or a calendar date written YYYY-MM-DD (as vehicle
// and customer dates travel); the zero time and an empty string are "no date".
func asTime(v any) (time.Time, bool, error) {
	switch t := v.(type) {
	case time.Time:
		return t, !t.IsZero(), nil
	case *time.Time:
		if t == nil {
			return time.Time{}, false, nil
		}
		return *t, !t.IsZero(), nil
	case string:
		if t == "" {
			return time.Time{}, false, nil
		}
		d, err := time.Parse(warranty.DateLayout, t)
		if err != nil {
			return time.Time{}, false, fmt.Errorf("date expects YYYY-MM-DD, got %q", t)
		}
		return d, true, nil
	default:
		return time.Time{}, false, fmt.Errorf("date expects a date, got %T", v)
	}
}

// date prints "14.03.2026" in the zone the time carries.
func date(v any) (string, error) {
	t, ok, err := asTime(v)
	if !ok || err != nil {
		return "", err
	}
	return t.Format("02.01.2006"), nil
}

var genitiveMonths = [...]string{"января", "февраля", "марта", "апреля", "мая", "июня", "июля", "августа",
	"сентября", "октября", "ноября", "декабря"}

var nominativeMonths = [...]string{"январь", "февраль", "март", "апрель", "май", "июнь", "июль", "август",
	"сентябрь", "октябрь", "ноябрь", "декабрь"}

// longDate prints a date the way contracts open: «14» марта 2026 г.
func longDate(v any) (string, error) {
	t, ok, err := asTime(v)
	if !ok || err != nil {
		return "", err
	}
	return fmt.Sprintf("«%02d» %s %d г.", t.Day(), genitiveMonths[t.Month()-1], t.Year()), nil
}

// monthName prints the month of a statement: "март 2026".
func monthName(v any) (string, error) {
	t, ok, err := asTime(v)
	if !ok || err != nil {
		return "", err
	}
	return fmt.Sprintf("%s %d", nominativeMonths[t.Month()-1], t.Year()), nil
}

// months prints a term with the right form of the word: "1 месяц", "24 месяца", "36 месяцев".
func months(n int) string {
	return fmt.Sprintf("%d %s", n, plural(int64(n), "месяц", "месяца", "месяцев"))
}

// number prints an integer with thousands separated: 48500 → "48 500".
func number(v any) (string, error) {
	var n int64
	switch x := v.(type) {
	case int:
		n = int64(x)
	case int32:
		n = int64(x)
	case int64:
		n = x
	default:
		return "", fmt.Errorf("number expects an integer, got %T", v)
	}
	return groupThousands(n), nil
}

func groupThousands(n int64) string {
	s := strconv.FormatInt(n, 10)
	neg := strings.HasPrefix(s, "-")
	s = strings.TrimPrefix(s, "-")
	var b strings.Builder
	if neg {
		b.WriteByte('-')
	}
	for i, r := range s {
		if i > 0 && (len(s)-i)%3 == 0 {
			b.WriteRune('\u00a0') // a no-break space keeps a number on one line
		}
		b.WriteRune(r)
	}
	return b.String()
}

// percent prints basis points as a percentage: 1250 → "12,5 %".
func percent(bp int64) string {
	s := strconv.FormatFloat(float64(bp)/100, 'f', -1, 64)
	return strings.Replace(s, ".", ",", 1) + "\u00a0%"
}

// clock prints the time of day: "12:25".
func clock(v any) (string, error) {
	t, ok, err := asTime(v)
	if !ok || err != nil {
		return "", err
	}
	return t.Format("15:04"), nil
}

// pluralOf picks the form of a word for a count: {{plural .SalesCount "договор" "договора" "договоров"}}.
func pluralOf(n any, one, few, many string) (string, error) {
	switch x := n.(type) {
	case int:
		return plural(int64(x), one, few, many), nil
	case int32:
		return plural(int64(x), one, few, many), nil
	case int64:
		return plural(x, one, few, many), nil
	default:
		return "", fmt.Errorf("plural expects a count, got %T", n)
	}
}

// optionNames lists the options' names, or a dash when there are none.
func optionNames(opts []Option) string {
	if len(opts) == 0 {
		return "—"
	}
	names := make([]string, len(opts))
	for i, o := range opts {
		names[i] = o.Name
	}
	return strings.Join(names, ", ")
}

// category prints a vehicle category for people: "с пробегом".
func category(c warranty.VehicleCategory) string { return c.Label("ru") }
