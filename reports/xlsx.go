package reports

import (
	"archive/zip"
	"fmt"
	"io"
	"time"

	"github.com/xuri/excelize/v2"
)

// XLSXContentType is the media type of an Excel workbook.
const XLSXContentType = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

// xlsxStyles are the cell styles of a document, made once per workbook.
type xlsxStyles struct {
	title, subtitle, header                       int
	text, integer, money, date, datetime, percent int
	totalText, totalInt, totalMoney, totalPercent int
}

func newXLSXStyles(f *excelize.File) (xlsxStyles, error) {
	var s xlsxStyles
	border := []excelize.Border{{Type: "bottom", Color: "BFBFBF", Style: 1}}
	money, integer, percent := "#,##0.00", "#,##0", "0.0%"
	defs := []struct {
		dst   *int
		style excelize.Style
	}{
		{&s.title, excelize.Style{Font: &excelize.Font{Bold: true, Size: 14}}},
		{&s.subtitle, excelize.Style{Font: &excelize.Font{Color: "595959"}}},
		{&s.header, excelize.Style{Font: &excelize.Font{Bold: true}, Border: border,
			Fill:      excelize.Fill{Type: "pattern", Pattern: 1, Color: []string{"E7EEF7"}},
			Alignment: &excelize.Alignment{WrapText: true, Vertical: "center"}}},
		{&s.text, excelize.Style{}},
		{&s.integer, excelize.Style{CustomNumFmt: &integer}},
		{&s.money, excelize.Style{CustomNumFmt: &money}},
		{&s.date, excelize.Style{CustomNumFmt: ptr("dd.mm.yyyy")}},
		{&s.datetime, excelize.Style{CustomNumFmt: ptr("dd.mm.yyyy hh:mm")}},
		{&s.percent, excelize.Style{CustomNumFmt: &percent}},
		{&s.totalText, excelize.Style{Font: &excelize.Font{Bold: true}}},
		{&s.totalInt, excelize.Style{Font: &excelize.Font{Bold: true}, CustomNumFmt: &integer}},
		{&s.totalMoney, excelize.Style{Font: &excelize.Font{Bold: true}, CustomNumFmt: &money}},
		{&s.totalPercent, excelize.Style{Font: &excelize.Font{Bold: true}, CustomNumFmt: &percent}},
	}
	for _, d := range defs {
		id, err := f.NewStyle(&d.style)
		if err != nil {
			return s, err
		}
		*d.dst = id
	}
	return s, nil
}

func ptr[T any](v T) *T { return &v }

// WriteXLSX writes the document as an Excel workbook to w while its rows arrive. Rows go
// through excelize's StreamWriter, which keeps at most a 16 MiB chunk of the sheet in memory
// and the rest in a temporary file; the zip of the workbook is then compressed straight into w
// (SetZipWriter), never assembled in memory. Money is written as a number of roubles with two
// decimals so that Excel can add it up: a presentation float, the kopecks stay exact up to
// 2^53.
func WriteXLSX(w io.Writer, d Document) error {
	f := excelize.NewFile()
	defer f.Close()
	const sheet = "Отчёт"
	if err := f.SetSheetName("Sheet1", sheet); err != nil {
		return err
	}
	st, err := newXLSXStyles(f)
	if err != nil {
		return err
	}
	sw, err := f.NewStreamWriter(sheet)
	if err != nil {
		return err
	}
	for i, c := range d.Columns {
		if err := sw.SetColWidth(i+1, i+1, xlsxWidth(c)); err != nil {
			return err
		}
	}
	headerRow := 3 + len(d.Subtitle)
	if err := sw.SetPanes(&excelize.Panes{Freeze: true, YSplit: headerRow, TopLeftCell: fmt.Sprintf("A%d", headerRow+1),
		ActivePane: "bottomLeft"}); err != nil {
		return err
	}
	row := 1
	put := func(values []any) error {
		cell, _ := excelize.CoordinatesToCellName(1, row)
		row++
		return sw.SetRow(cell, values)
	}
	if err := put([]any{excelize.Cell{StyleID: st.title, Value: d.Title}}); err != nil {
		return err
	}
	for _, line := range d.Subtitle {
		if err := put([]any{excelize.Cell{StyleID: st.subtitle, Value: line}}); err != nil {
			return err
		}
	}
	row++ // a blank line before the table
	header := make([]any, len(d.Columns))
	for i, c := range d.Columns {
		header[i] = excelize.Cell{StyleID: st.header, Value: c.Title}
	}
	if err := put(header); err != nil {
		return err
	}
	cells := make([]any, len(d.Columns))
	for d.Rows.Next() {
		for i, v := range d.Rows.Values() {
			if i < len(cells) {
				cells[i] = st.cell(d.Columns[i].Kind, v, false)
			}
		}
		if err := put(cells); err != nil {
			return err
		}
	}
	if err := d.Rows.Err(); err != nil {
		return err
	}
	if d.Footer != nil {
		for _, values := range d.Footer() {
			out := make([]any, len(values))
			for i, v := range values {
				kind := KindText
				if i < len(d.Columns) && v != nil {
					if _, isText := v.(string); !isText {
						kind = d.Columns[i].Kind
					}
				}
				out[i] = st.cell(kind, v, true)
			}
			if err := put(out); err != nil {
				return err
			}
		}
	}
	if err := sw.Flush(); err != nil {
		return err
	}
	f.SetZipWriter(func(io.Writer) excelize.ZipWriter { return zip.NewWriter(w) })
	// the workbook goes to w through the zip writer above; Write's own buffer stays empty
	return f.Write(io.Discard)
}

// cell types a value for its column.
func (st xlsxStyles) cell(kind Kind, v any, total bool) excelize.Cell {
	if v == nil {
		return excelize.Cell{}
	}
	pick := func(normal, bold int) int {
		if total {
			return bold
		}
		return normal
	}
	switch kind {
	case KindMoney:
		if n, ok := v.(int64); ok {
			return excelize.Cell{StyleID: pick(st.money, st.totalMoney), Value: float64(n) / 100}
		}
	case KindInt:
		return excelize.Cell{StyleID: pick(st.integer, st.totalInt), Value: v}
	case KindPercent:
		if n, ok := v.(int64); ok {
			return excelize.Cell{StyleID: pick(st.percent, st.totalPercent), Value: float64(n) / 10000}
		}
	case KindDate:
		if t, ok := v.(time.Time); ok {
			// a calendar date: its wall clock in its own zone is the date
			return excelize.Cell{StyleID: st.date, Value: time.Date(t.Year(), t.Month(), t.Day(), 0, 0, 0, 0, time.UTC)}
		}
	case KindDateTime:
		if t, ok := v.(time.Time); ok {
			return excelize.Cell{StyleID: st.datetime, Value: t}
		}
	}
	return excelize.Cell{StyleID: pick(st.text, st.totalText), Value: v}
}

func xlsxWidth(c Column) float64 {
	switch c.Kind {
	case KindMoney:
		return 15
	case KindInt, KindPercent:
		return 10
	case KindDate:
		return 11
	case KindDateTime:
		return 16
	}
	switch c.Key {
	case "partner_name", "salon_name", "customer_name", "group", "seller_name":
		return 32
	case "vin", "contract_number", "vehicle":
		return 20
	}
	return 16
}
