package api

import (
	"strings"
	"testing"
)

func TestRenderMarkdownKeepsFormattingAndDropsScripts(t *testing.T) {
	cases := []struct {
		name, src string
		want      []string
		never     []string
	}{
		{"formatting", "# Тарифы\n\n**Новый** тариф и [памятка](https://karso.ru/memo)",
			[]string{"<h1", "Тарифы", "<strong>Новый</strong>", `href="https://karso.ru/memo"`, `rel="nofollow`}, nil},
		{"raw script", "Текст <script>alert(1)</script> конец", []string{"Текст"}, []string{"<script", "alert(1)</script>"}},
		{"javascript link", "[нажми](javascript:alert(1))", []string{"нажми"}, []string{"javascript:"}},
		{"event attribute", `<img src="x" onerror="alert(1)">`, nil, []string{"onerror"}},
		{"table", "| a | b |\n|---|---|\n| 1 | 2 |", []string{"<table>", "<td>1</td>"}, nil},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			html, err := renderMarkdown(tc.src)
			if err != nil {
				t.Fatal(err)
			}
			for _, w := range tc.want {
				if !strings.Contains(html, w) {
					t.Errorf("%q lacks %q", html, w)
				}
			}
			for _, n := range tc.never {
				if strings.Contains(strings.ToLower(html), n) {
					t.Errorf("%q keeps %q", html, n)
				}
			}
		})
	}
}
