package documents

import (
	"bytes"
	"fmt"
	"regexp"
	"strings"
	"time"

	"github.com/go-pdf/fpdf"
	"golang.org/x/image/font/gofont/gobold"
	"golang.org/x/image/font/gofont/goregular"
)

// MimePDF is the media type of every document the platform renders.
const MimePDF = "application/pdf"

// Page geometry and type sizes, in millimetres and points.
const (
	marginLeft   = 20.0
	marginTop    = 18.0
	marginRight  = 15.0
	marginBottom = 20.0
	bodySize     = 10.0
	bodyLine     = 5.0
	titleSize    = 14.0
	headingSize  = 11.0
	smallSize    = 8.0
	fontFamily   = "go"
)

// fallbackDate stamps documents whose data carries no date (a preview of unsaved text), so
// that they too render to the same bytes every time.
var fallbackDate = time.Date(2026, time.January, 1, 0, 0, 0, 0, time.UTC)

// Render executes the template with data and lays the result out as an A4 PDF: the title,
// then the body line by line (see the package documentation for headings, lists, tables and
// the signature block), with "Страница N из M" in the footer. The same template and data
// always give the same bytes, so a retried activity stores an identical file. A mistake in
// the template's text is a *TemplateError.
func Render(tmpl TemplateVersion, data any) ([]byte, error) {
	title, body, err := expand(tmpl, data)
	if err != nil {
		return nil, err
	}
	doc := layoutDoc{title: title, blocks: parseBlocks(body), date: fallbackDate}
	if d, ok := data.(Dated); ok && !d.DocumentDate().IsZero() {
		doc.date = d.DocumentDate()
	}
	// The first pass counts the pages for "из M"; fpdf's page-count alias would need the
	// digits it substitutes to be in the embedded font subset, which they may not be.
	first, err := doc.draw(0)
	if err != nil {
		return nil, err
	}
	final, err := doc.draw(first.PageNo())
	if err != nil {
		return nil, err
	}
	var buf bytes.Buffer
	if err := final.Output(&buf); err != nil {
		return nil, fmt.Errorf("write pdf: %w", err)
	}
	return buf.Bytes(), nil
}

// blockKind is how one piece of the expanded body is laid out.
type blockKind int

const (
	blockParagraph blockKind = iota
	blockBlank
	blockHeading
	blockBullet
	blockRight
	blockTable
	blockSignatures
)

// block is a laid-out unit of the body: a paragraph's text, or a table's or a signature
// block's rows of cells.
type block struct {
	kind blockKind
	text string
	rows [][]string
}

var tableSeparator = regexp.MustCompile(`^\|?[\s:|-]+\|?$`)

// signatureMarkers start the signature block.
var signatureMarkers = map[string]bool{"[подписи]": true, "[signatures]": true}

// parseBlocks reads the expanded body line by line: "# " is a heading, "- " a list item,
// ">> " a right-aligned line, lines starting with "|" a table, "[подписи]" starts the
// signature block whose lines are "Сторона | Наименование | реквизит | …", an empty line
// is vertical space, and any other line is a paragraph of its own.
func parseBlocks(body string) []block {
	var out []block
	lines := strings.Split(strings.ReplaceAll(body, "\r\n", "\n"), "\n")
	for i := 0; i < len(lines); i++ {
		line := strings.TrimRight(lines[i], " \t")
		trimmed := strings.TrimSpace(line)
		switch {
		case trimmed == "":
			if n := len(out); n > 0 && out[n-1].kind != blockBlank {
				out = append(out, block{kind: blockBlank})
			}
		case signatureMarkers[strings.ToLower(trimmed)]:
			sig := block{kind: blockSignatures}
			for _, l := range lines[i+1:] {
				if l = strings.TrimSpace(l); l != "" {
					sig.rows = append(sig.rows, splitCells(l))
				}
			}
			return append(out, sig)
		case strings.HasPrefix(trimmed, "|"):
			t := block{kind: blockTable}
			for ; i < len(lines) && strings.HasPrefix(strings.TrimSpace(lines[i]), "|"); i++ {
				row := strings.TrimSpace(lines[i])
				if !tableSeparator.MatchString(row) {
					t.rows = append(t.rows, splitCells(row))
				}
			}
			i--
			out = append(out, t)
		case strings.HasPrefix(trimmed, "# "):
			out = append(out, block{kind: blockHeading, text: strings.TrimSpace(trimmed[2:])})
		case strings.HasPrefix(trimmed, "- "), strings.HasPrefix(trimmed, "• "):
			out = append(out, block{kind: blockBullet, text: strings.TrimSpace(strings.TrimLeft(trimmed, "-• "))})
		case strings.HasPrefix(trimmed, ">> "):
			out = append(out, block{kind: blockRight, text: strings.TrimSpace(trimmed[3:])})
		default:
			out = append(out, block{kind: blockParagraph, text: trimmed})
		}
	}
	return out
}

// splitCells splits "| a | b |" or "a | b" into trimmed cells.
func splitCells(line string) []string {
	line = strings.TrimSpace(line)
	line = strings.TrimSuffix(strings.TrimPrefix(line, "|"), "|")
	cells := strings.Split(line, "|")
	for i := range cells {
		cells[i] = strings.TrimSpace(cells[i])
	}
	return cells
}

// layoutDoc is an expanded document ready to be drawn.
type layoutDoc struct {
	title  string
	blocks []block
	date   time.Time
}

// draw lays the document out on a fresh fpdf document; totalPages is 0 on the counting pass.
func (d layoutDoc) draw(totalPages int) (*fpdf.Fpdf, error) {
	f := fpdf.New("P", "mm", "A4", "")
	f.SetCatalogSort(true)
	f.SetCreationDate(d.date)
	f.SetModificationDate(d.date)
	f.SetTitle(d.title, true)
	f.SetCreator("Karso PRM", true)
	f.SetLang("ru-RU")
	f.AddUTF8FontFromBytes(fontFamily, "", goregular.TTF)
	f.AddUTF8FontFromBytes(fontFamily, "B", gobold.TTF)
	f.SetMargins(marginLeft, marginTop, marginRight)
	f.SetCellMargin(0) // text starts exactly at the margins; tables pad their own cells
	f.SetAutoPageBreak(true, marginBottom)
	f.SetFooterFunc(func() { footer(f, d.title, totalPages) })
	f.AddPage()

	f.SetFont(fontFamily, "B", titleSize)
	f.MultiCell(0, 7, printable(d.title), "", "C", false)
	f.Ln(4)
	for _, b := range d.blocks {
		drawBlock(f, b)
	}
	if err := f.Error(); err != nil {
		return nil, fmt.Errorf("lay out pdf: %w", err)
	}
	return f, nil
}

// footer prints the document's title and the page number at the bottom of every page.
func footer(f *fpdf.Fpdf, title string, total int) {
	f.SetY(-marginBottom + 6)
	f.SetFont(fontFamily, "", smallSize)
	f.SetTextColor(110, 110, 110)
	page := fmt.Sprintf("Страница %d", f.PageNo())
	if total > 0 {
		page += fmt.Sprintf(" из %d", total)
	}
	w := contentWidth(f)
	pw := f.GetStringWidth(page) + 2
	f.CellFormat(w-pw, 5, fitText(f, printable(title), w-pw-4), "T", 0, "L", false, 0, "")
	f.CellFormat(pw, 5, page, "T", 0, "R", false, 0, "")
	f.SetTextColor(0, 0, 0)
}

func contentWidth(f *fpdf.Fpdf) float64 {
	w, _ := f.GetPageSize()
	l, _, r, _ := f.GetMargins()
	return w - l - r
}

// spaceLeft is the height left above the bottom margin of the current page.
func spaceLeft(f *fpdf.Fpdf) float64 {
	_, h := f.GetPageSize()
	return h - marginBottom - f.GetY()
}

// ensureSpace starts a new page unless h millimetres are left, so that a heading is not
// stranded at the bottom of a page and a signature block is not split.
func ensureSpace(f *fpdf.Fpdf, h float64) {
	if spaceLeft(f) < h {
		f.AddPage()
	}
}

func drawBlock(f *fpdf.Fpdf, b block) {
	text := printable(b.text)
	switch b.kind {
	case blockBlank:
		f.Ln(2.5)
	case blockHeading:
		ensureSpace(f, 20)
		f.Ln(2)
		f.SetFont(fontFamily, "B", headingSize)
		f.MultiCell(0, 6, text, "", "L", false)
		f.Ln(1)
	case blockBullet:
		f.SetFont(fontFamily, "", bodySize)
		f.CellFormat(6, bodyLine, "•", "", 0, "R", false, 0, "")
		f.MultiCell(0, bodyLine, text, "", "J", false)
	case blockRight:
		f.SetFont(fontFamily, "", bodySize)
		f.MultiCell(0, bodyLine, text, "", "R", false)
	case blockTable:
		drawTable(f, b.rows)
	case blockSignatures:
		drawSignatures(f, b.rows)
	default:
		f.SetFont(fontFamily, "", bodySize)
		f.MultiCell(0, bodyLine, text, "", "J", false)
	}
}

// printFixes are applied to every line before it is drawn.
var printFixes = strings.NewReplacer(
	// the rouble sign (Unicode 7) is missing from the Go fonts; accounting writes "руб." anyway
	"₽", "руб.",
	// the abbreviation's period also ends the sentence: "… 100,00 руб." not "руб.."
	"руб..", "руб.",
	// a number stays on the line of its sign
	"№ ", "№\u00a0",
)

// printable prepares text for the Go fonts and Russian typography.
func printable(s string) string {
	return printFixes.Replace(s)
}

// fitText shortens s with an ellipsis to fit w millimetres in the current font.
func fitText(f *fpdf.Fpdf, s string, w float64) string {
	if f.GetStringWidth(s) <= w {
		return s
	}
	r := []rune(s)
	for len(r) > 0 && f.GetStringWidth(string(r)+"…") > w {
		r = r[:len(r)-1]
	}
	return string(r) + "…"
}

// numericCell matches counts and amounts ("2", "58 805,00 руб.", "12,5 %"), which are
// right-aligned; dates and numbers with dots are text.
var numericCell = regexp.MustCompile(`^[-+]?\d[\d\x{00a0} ]*(,\d+)?\s*(руб\.|₽|%)?$`)

// drawTable draws a bordered table, the first row as a shaded header repeated on every page
// the table continues on; columns are as wide as their content asks, scaled to the page, and
// amounts are right-aligned.
func drawTable(f *fpdf.Fpdf, rows [][]string) {
	if len(rows) == 0 {
		return
	}
	cols := 0
	for _, r := range rows {
		cols = max(cols, len(r))
	}
	widths := columnWidths(f, rows, cols)
	f.Ln(1)
	drawRow(f, rows[0], widths, true)
	for _, r := range rows[1:] {
		if spaceLeft(f) < rowHeight(f, r, widths, false) {
			f.AddPage()
			drawRow(f, rows[0], widths, true)
		}
		drawRow(f, r, widths, false)
	}
	f.Ln(2)
}

const cellPad = 1.5

// columnWidths gives every column at least its longest word, so that a contract number or a
// date is not broken mid-word, and shares the rest of the page by how much more text each
// column holds; only when even the longest words do not fit are they scaled down.
func columnWidths(f *fpdf.Fpdf, rows [][]string, cols int) []float64 {
	f.SetFont(fontFamily, "B", smallSize+1) // the header's bold is the wider face
	minimum, desired := make([]float64, cols), make([]float64, cols)
	for c := range cols {
		for _, r := range rows {
			if c >= len(r) {
				continue
			}
			text := printable(r[c])
			desired[c] = max(desired[c], min(f.GetStringWidth(text), 90)+2*cellPad+0.5)
			for _, word := range words(text) {
				minimum[c] = max(minimum[c], f.GetStringWidth(word)+2*cellPad+0.5)
			}
		}
		minimum[c] = max(minimum[c], 8)
		desired[c] = max(desired[c], minimum[c])
	}
	return shareWidth(contentWidth(f), minimum, desired)
}

// shareWidth fits columns into total: each gets its minimum, and what is left goes to the
// columns in proportion to the width they would still like (or to all of them alike when the
// desired widths fit already).
func shareWidth(total float64, minimum, desired []float64) []float64 {
	var sumMin, sumWant float64
	for i := range minimum {
		sumMin += minimum[i]
		sumWant += desired[i] - minimum[i]
	}
	out := make([]float64, len(minimum))
	switch {
	case sumMin >= total:
		for i := range out {
			out[i] = minimum[i] * total / sumMin
		}
	case sumMin+sumWant <= total:
		for i := range out {
			out[i] = desired[i] * total / (sumMin + sumWant)
		}
	default:
		spare := total - sumMin
		for i := range out {
			out[i] = minimum[i] + spare*(desired[i]-minimum[i])/sumWant
		}
	}
	return out
}

func cellLines(f *fpdf.Fpdf, text string, w float64) []string {
	return wrapText(f, printable(text), w-2*cellPad)
}

// wrapText breaks text into lines of at most w millimetres in the current font, at ordinary
// spaces only: unlike fpdf's SplitText it keeps "58 805,00 руб." (no-break spaces) together,
// and it breaks a word only when the word alone is wider than the line.
func wrapText(f *fpdf.Fpdf, text string, w float64) []string {
	var lines []string
	line := ""
	for _, word := range words(text) {
		candidate := word
		if line != "" {
			candidate = line + " " + word
		}
		if f.GetStringWidth(candidate) <= w {
			line = candidate
			continue
		}
		if line != "" {
			lines = append(lines, line)
		}
		for f.GetStringWidth(word) > w && len([]rune(word)) > 1 {
			head := breakWord(f, word, w)
			lines = append(lines, head)
			word = word[len(head):]
		}
		line = word
	}
	return append(lines, line)
}

// words splits text at ordinary white space, leaving no-break spaces inside words.
func words(text string) []string {
	return strings.FieldsFunc(text, func(r rune) bool { return r == ' ' || r == '\t' || r == '\n' })
}

// breakWord is the longest start of word that fits w, at least one character.
func breakWord(f *fpdf.Fpdf, word string, w float64) string {
	r := []rune(word)
	n := len(r) - 1
	for n > 1 && f.GetStringWidth(string(r[:n])) > w {
		n--
	}
	return string(r[:n])
}

const tableLine = 4.5

// setCellFont is the font of table cells: bold in the header row.
func setCellFont(f *fpdf.Fpdf, header bool) {
	if header {
		f.SetFont(fontFamily, "B", smallSize+1)
	} else {
		f.SetFont(fontFamily, "", smallSize+1)
	}
}

func rowHeight(f *fpdf.Fpdf, row []string, widths []float64, header bool) float64 {
	setCellFont(f, header)
	n := 1
	for c, w := range widths {
		if c < len(row) {
			n = max(n, len(cellLines(f, row[c], w)))
		}
	}
	return float64(n)*tableLine + 2
}

func drawRow(f *fpdf.Fpdf, row []string, widths []float64, header bool) {
	h := rowHeight(f, row, widths, header)
	setCellFont(f, header)
	f.SetFillColor(235, 235, 235)
	f.SetDrawColor(120, 120, 120)
	x, y := f.GetX(), f.GetY()
	for c, w := range widths {
		text := ""
		if c < len(row) {
			text = row[c]
		}
		rectStyle := "D"
		if header {
			rectStyle = "FD"
		}
		f.Rect(x, y, w, h, rectStyle)
		align := "L"
		if !header && numericCell.MatchString(text) {
			align = "R"
		}
		for i, l := range cellLines(f, text, w) {
			f.SetXY(x+cellPad, y+1+float64(i)*tableLine)
			f.CellFormat(w-2*cellPad, tableLine, l, "", 0, align, false, 0, "")
		}
		x += w
	}
	f.SetDrawColor(0, 0, 0)
	f.SetXY(marginLeft, y+h)
}

// drawSignatures lays the parties out side by side, up to three in a row: the party's role
// in bold, its name and requisites, then a line to sign on, level across the row.
func drawSignatures(f *fpdf.Fpdf, parties [][]string) {
	const perRow, gap = 3, 8.0
	f.Ln(4)
	for start := 0; start < len(parties); start += perRow {
		row := parties[start:min(start+perRow, len(parties))]
		n := float64(max(len(row), 2)) // a lone party takes half the width, not all of it
		w := (contentWidth(f) - gap*(n-1)) / n
		text := signatureTextHeight(f, row, w)
		ensureSpace(f, text+signatureSpace+6)
		top := f.GetY()
		for i, p := range row {
			x := marginLeft + float64(i)*(w+gap)
			drawParty(f, p, x, top, w)
			drawSignatureLine(f, x, top+text+signatureSpace, w)
		}
		f.SetXY(marginLeft, top+text+signatureSpace+8)
	}
}

// partyLines are the role (bold) and then the name and requisites of a signing party.
func partyLines(f *fpdf.Fpdf, party []string, w float64) (role []string, details []string) {
	f.SetFont(fontFamily, "B", bodySize)
	role = wrapText(f, printable(party[0]), w)
	f.SetFont(fontFamily, "", smallSize+1)
	for _, d := range party[1:] {
		if d != "" {
			details = append(details, wrapText(f, printable(d), w)...)
		}
	}
	return role, details
}

const signatureSpace = 14.0

// signatureTextHeight is the height of the tallest party's text in a row.
func signatureTextHeight(f *fpdf.Fpdf, row [][]string, w float64) float64 {
	var h float64
	for _, p := range row {
		role, details := partyLines(f, p, w)
		h = max(h, float64(len(role))*bodyLine+float64(len(details))*tableLine)
	}
	return h
}

// drawParty writes one party's role, name and requisites from (x, y) down.
func drawParty(f *fpdf.Fpdf, party []string, x, y, w float64) {
	role, details := partyLines(f, party, w)
	f.SetFont(fontFamily, "B", bodySize)
	for _, l := range role {
		f.SetXY(x, y)
		f.CellFormat(w, bodyLine, l, "", 0, "L", false, 0, "")
		y += bodyLine
	}
	f.SetFont(fontFamily, "", smallSize+1)
	for _, l := range details {
		f.SetXY(x, y)
		f.CellFormat(w, tableLine, l, "", 0, "L", false, 0, "")
		y += tableLine
	}
}

// drawSignatureLine draws the line to sign on, captioned below.
func drawSignatureLine(f *fpdf.Fpdf, x, y, w float64) {
	f.Line(x, y, x+w*0.85, y)
	f.SetFont(fontFamily, "", smallSize)
	f.SetTextColor(110, 110, 110)
	f.SetXY(x, y+0.5)
	f.CellFormat(w*0.85, 4, "подпись / Ф. И. О.", "", 0, "C", false, 0, "")
	f.SetTextColor(0, 0, 0)
}
