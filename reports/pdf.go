package reports

import (
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"

	"github.com/go-pdf/fpdf"
	"golang.org/x/image/font/gofont/gobold"
	"golang.org/x/image/font/gofont/goregular"

	"karso.ru/prm/warranty"
)

// PDFContentType is the media type of a PDF document.
const PDFContentType = "application/pdf"

// The Go fonts carry Cyrillic (but not the rouble sign: documents say "суммы в рублях").
const pdfFont = "go"

// WritePDF lays the document out as a landscape A4 table: the title and the lines under it,
// the column headers repeated on every page, the rows, the totals in bold, and "page N of M"
// at the foot of each page. fpdf builds the file in memory, so at most MaxPDFRows rows are
// taken; a longer report is ErrTooManyRows and nothing is written to w.
func WritePDF(w io.Writer, d Document) error {
	pdf := fpdf.New("L", "mm", "A4", "")
	pdf.AddUTF8FontFromBytes(pdfFont, "", goregular.TTF)
	pdf.AddUTF8FontFromBytes(pdfFont, "B", gobold.TTF)
	pdf.SetMargins(10, 10, 10)
	pdf.SetAutoPageBreak(true, 14)
	pdf.AliasNbPages("{nb}")
	pdf.SetTitle(d.Title, true)
	pdf.SetCreator("Karso PRM", true)

	t := newPDFTable(pdf, d)
	pdf.SetFooterFunc(func() {
		pdf.SetY(-11)
		pdf.SetFont(pdfFont, "", 7)
		pdf.SetTextColor(110, 110, 110)
		pdf.CellFormat(0, 5, d.Title, "", 0, "L", false, 0, "")
		pdf.CellFormat(0, 5, fmt.Sprintf(tr(d.Lang, "Страница %d из {nb}", "Page %d of {nb}"), pdf.PageNo()), "", 0, "R", false, 0, "")
		pdf.SetTextColor(0, 0, 0)
	})
	// the column headers open every page; the first page has the title above them
	pdf.SetHeaderFuncMode(func() {
		if pdf.PageNo() > 1 {
			t.header()
		}
	}, false)
	pdf.AddPage()
	pdf.SetFont(pdfFont, "B", 13)
	pdf.CellFormat(0, 7, d.Title, "", 1, "L", false, 0, "")
	pdf.SetFont(pdfFont, "", 8)
	for _, line := range d.Subtitle {
		pdf.CellFormat(0, 4.5, line, "", 1, "L", false, 0, "")
	}
	pdf.Ln(2)
	t.header()

	n := 0
	for d.Rows.Next() {
		if n++; n > MaxPDFRows {
			return ErrTooManyRows
		}
		t.row(d.Rows.Values(), false)
	}
	if err := d.Rows.Err(); err != nil {
		return err
	}
	if cut, ok := d.Rows.(Truncater); ok && cut.Truncated() {
		return ErrTooManyRows
	}
	if d.Footer != nil {
		for _, values := range d.Footer() {
			t.row(values, true)
		}
	}
	if pdf.Err() {
		return fmt.Errorf("pdf: %w", pdf.Error())
	}
	return pdf.Output(w)
}

// pdfTable draws rows of fixed-width cells, cutting text that does not fit.
type pdfTable struct {
	pdf    *fpdf.Fpdf
	d      Document
	widths []float64
	size   float64 // font size, smaller for wide tables
	height float64 // row height
}

func newPDFTable(pdf *fpdf.Fpdf, d Document) *pdfTable {
	t := &pdfTable{pdf: pdf, d: d, size: 8, height: 5}
	if len(d.Columns) > 10 {
		t.size, t.height = 6.5, 4.2
	}
	t.widths = t.layout()
	return t
}

// layout gives numbers, dates and codes the width their longest value needs (or their title,
// within reason) and shares the rest of the page among the names, which are cut if need be.
func (t *pdfTable) layout() []float64 {
	pageW, _ := t.pdf.GetPageSize()
	left, _, right, _ := t.pdf.GetMargins()
	room := pageW - left - right
	pad := 2*t.pdf.GetCellMargin() + 0.5
	widths := make([]float64, len(t.d.Columns))
	fixed, flex := 0.0, 0
	for i, c := range t.d.Columns {
		sample, ok := pdfSample(c)
		if !ok {
			flex++
			continue
		}
		t.pdf.SetFont(pdfFont, "", t.size)
		w := t.pdf.GetStringWidth(sample)
		t.pdf.SetFont(pdfFont, "B", t.size)
		widths[i] = max(w, min(t.pdf.GetStringWidth(c.Title), 1.3*w)) + pad
		fixed += widths[i]
	}
	share := 0.0
	if flex > 0 {
		share = max((room-fixed)/float64(flex), 14)
	}
	total := 0.0
	for i := range widths {
		if widths[i] == 0 {
			widths[i] = share
		}
		total += widths[i]
	}
	for i := range widths { // too wide a table is squeezed evenly
		widths[i] *= min(1, room/total)
	}
	return widths
}

// pdfSample is the longest value a fixed-width column shows; names have none.
func pdfSample(c Column) (string, bool) {
	switch c.Kind {
	case KindMoney:
		return "999 999,99", true
	case KindInt:
		return "999 999", true
	case KindPercent:
		return "100,0 %", true
	case KindDate:
		return "00.00.0000", true
	case KindDateTime:
		return "00.00.0000 00:00", true
	}
	switch c.Key {
	case "contract_number":
		return "KR-0000-000000", true
	case "vin":
		return "XTA0000000000000", true
	case "partner_inn":
		return "000000000000", true
	case "customer_phone":
		return "+79990000000", true
	case "status", "period":
		return "Ожидает оплаты", true
	case "tariff_code", "vehicle_category", "method", "purpose", "sale_month":
		return "Оптимальный", true
	}
	return "", false
}

func (t *pdfTable) header() {
	t.pdf.SetFont(pdfFont, "B", t.size)
	t.pdf.SetFillColor(231, 238, 247)
	for i, c := range t.d.Columns {
		t.pdf.CellFormat(t.widths[i], t.height+1, t.fit(c.Title, t.widths[i]), "1", 0, "C", true, 0, "")
	}
	t.pdf.Ln(-1)
}

func (t *pdfTable) row(values []any, total bool) {
	style := ""
	if total {
		style = "B"
	}
	t.pdf.SetFont(pdfFont, style, t.size)
	for i := range t.d.Columns {
		var v any
		if i < len(values) {
			v = values[i]
		}
		text, align := t.text(t.d.Columns[i].Kind, v)
		if total && i == 0 && len(values) == 1 {
			// a note spanning the table (the export was cut short)
			t.pdf.CellFormat(0, t.height, text, "", 1, "L", false, 0, "")
			return
		}
		if align == "R" {
			t.number(t.widths[i], text, style)
			continue
		}
		t.pdf.CellFormat(t.widths[i], t.height, t.fit(text, t.widths[i]), "1", 0, align, false, 0, "")
	}
	t.pdf.Ln(-1)
}

// number writes a figure whole, in a smaller font if it does not fit: a cut-off total would
// be a wrong total.
func (t *pdfTable) number(width float64, text, style string) {
	size := t.size
	for size > 4 && t.pdf.GetStringWidth(text) > width-2*t.pdf.GetCellMargin() {
		size -= 0.5
		t.pdf.SetFont(pdfFont, style, size)
	}
	t.pdf.CellFormat(width, t.height, text, "1", 0, "R", false, 0, "")
	t.pdf.SetFont(pdfFont, style, t.size)
}

// text formats a value the Russian way: 12 345,67 for money, 81,2 % for a percentage.
func (t *pdfTable) text(kind Kind, v any) (string, string) {
	switch x := v.(type) {
	case nil:
		return "", "L"
	case int64:
		switch kind {
		case KindMoney:
			return strings.TrimSpace(strings.TrimSuffix(warranty.FormatRUB(warranty.Kopecks(x)), "₽")), "R"
		case KindPercent:
			return strings.Replace(strconv.FormatFloat(float64(x)/100, 'f', 1, 64), ".", ",", 1) + " %", "R"
		default:
			return groupDigits(x), "R"
		}
	case time.Time:
		if kind == KindDate {
			return x.Format("02.01.2006"), "L"
		}
		return x.In(t.d.Loc).Format("02.01.2006 15:04"), "L"
	case string:
		return x, "L"
	}
	return fmt.Sprint(v), "L"
}

// groupDigits writes 1234567 as "1 234 567" with no-break spaces.
func groupDigits(n int64) string {
	s := strconv.FormatInt(n, 10)
	neg := strings.HasPrefix(s, "-")
	s = strings.TrimPrefix(s, "-")
	var b strings.Builder
	for i, r := range s {
		if i > 0 && (len(s)-i)%3 == 0 {
			b.WriteRune('\u00a0')
		}
		b.WriteRune(r)
	}
	if neg {
		return "-" + b.String()
	}
	return b.String()
}

// fit cuts text to the cell's width with an ellipsis.
func (t *pdfTable) fit(s string, width float64) string {
	room := width - 2*t.pdf.GetCellMargin()
	if t.pdf.GetStringWidth(s) <= room {
		return s
	}
	r := []rune(s)
	for len(r) > 0 && t.pdf.GetStringWidth(string(r)+"…") > room {
		r = r[:len(r)-1]
	}
	return string(r) + "…"
}
