package documents_test

import (
	"errors"
	"strings"
	"testing"
	"time"

	"karso.ru/prm/documents"
)

// TestRunawayTemplatesStopAtTheirBounds runs the templates an admin could save to take the
// API or the worker down — loops with no output, recursion that doubles, output without end,
// strings that double in a variable — and checks each stops quickly with the bound it hit,
// explained in both languages.
func TestRunawayTemplatesStopAtTheirBounds(t *testing.T) {
	cases := []struct {
		name, body, limit string
	}{
		{"a silent loop of 10^12 steps", `{{range 1000000}}{{range 1000000}}{{end}}{{end}}`, documents.LimitSteps},
		{"recursion that doubles", `{{define "x"}}{{if lt . 60}}{{template "x" inc .}}{{template "x" inc .}}{{end}}{{end}}{{template "x" 0}}`,
			documents.LimitSteps},
		{"endless output", `{{range 100000000}}строка договора, которая повторяется без конца{{end}}`, documents.LimitOutput},
		{"a string that doubles", `{{$x := "ab"}}{{range 64}}{{$x = printf "%s%s" $x $x}}{{end}}{{len $x}}`, documents.LimitText},
		{"a huge printf width", `{{printf "%0900000d" 1}}`, documents.LimitText},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			start := time.Now()
			err := documents.Check(documents.TemplateVersion{Kind: "contract", Title: "Договор", Body: c.body})
			took := time.Since(start)
			var te *documents.TemplateError
			if !errors.As(err, &te) || te.Limit != c.limit || te.Field != "body" {
				t.Fatalf("error %#v, want the %s limit on the body", err, c.limit)
			}
			if ru, en := te.Message("ru"), te.Message("en"); !strings.Contains(ru, "Шаблон") && !strings.Contains(ru, "Функция") || en == ru {
				t.Errorf("messages: %q / %q", ru, en)
			}
			if took > documents.MaxTemplateTime+2*time.Second {
				t.Errorf("stopped after %s", took)
			}
		})
	}
	// a template that works within the bounds is not touched by them, loops included
	ok := documents.TemplateVersion{Kind: "contract", Title: "Договор {{.ContractNumber}}",
		Body: `{{range .Options}}- {{.Name}}{{end}}{{range 3}}.{{end}}{{printf "%05d" 42}}`}
	if err := documents.Check(ok); err != nil {
		t.Fatalf("a bounded template is refused: %v", err)
	}
}
