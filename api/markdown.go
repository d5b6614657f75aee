package api

import (
	"bytes"
	"fmt"

	"github.com/microcosm-cc/bluemonday"
	"github.com/yuin/goldmark"
	"github.com/yuin/goldmark/extension"
)

// markdown renders an author's Markdown with tables, strikethrough and autolinks; raw HTML in
// the source is left out by goldmark (no WithUnsafe), and the result is sanitised again by the
// UGC policy, which keeps no script, no event attribute and no javascript: link.
var (
	markdown = goldmark.New(goldmark.WithExtensions(extension.GFM))
	safeHTML = bluemonday.UGCPolicy().RequireNoFollowOnLinks(true).AddTargetBlankToFullyQualifiedLinks(true)
)

// renderMarkdown turns a news body into the HTML the pages show as it is.
func renderMarkdown(src string) (string, error) {
	var buf bytes.Buffer
	if err := markdown.Convert([]byte(src), &buf); err != nil {
		return "", fmt.Errorf("render markdown: %w", err)
	}
	return safeHTML.Sanitize(buf.String()), nil
}
