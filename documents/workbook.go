package documents

import (
	"fmt"
	"time"

	"github.com/xuri/excelize/v2"

	"karso.ru/prm/warranty"
)

// CommissionStatementWorkbook is the Excel copy of a commission statement: the same lines and
// totals as the PDF, as numbers finance can add up and filter. The bytes depend only on d.
func CommissionStatementWorkbook(d CommissionStatementData) ([]byte, error) {
	w, err := newWorkbook("Ведомость")
	if err != nil {
		return nil, err
	}
	defer w.f.Close()
	w.title(fmt.Sprintf("Ведомость агентского вознаграждения № %s за %s г.", d.Number, mustMonthName(d.Month)))
	w.pair("Партнёр", d.Partner.Name)
	w.pair("ИНН / КПП", d.Partner.INN+" / "+d.Partner.KPP)
	w.pair("Дата составления", d.IssuedAt.Format("02.01.2006"))
	w.row++
	w.header("№", "Договор", "Дата", "Салон", "Клиент", "Тариф", "Цена, руб.", "Вознаграждение, руб.")
	for i, l := range d.Lines {
		w.cells(w.style.text, i+1, l.ContractNumber)
		w.dateCell(3, l.Date)
		w.cellsFrom(4, w.style.text, l.Salon, l.Customer, l.Tariff)
		w.moneyCells(7, w.style.money, l.PriceKopecks, l.CommissionKopecks)
		w.row++
	}
	w.cells(w.style.bold, "", fmt.Sprintf("Итого: %d", d.SalesCount))
	w.moneyCells(7, w.style.boldMoney, d.TotalPriceKopecks, d.TotalCommissionKopecks)
	w.widths(map[string]float64{"A": 6, "B": 18, "C": 12, "D": 28, "E": 30, "F": 20, "G": 16, "H": 20})
	return w.bytes(d.IssuedAt)
}

// ActWorkbook is the Excel copy of the monthly act of the agent's services.
func ActWorkbook(d ActData) ([]byte, error) {
	w, err := newWorkbook("Акт")
	if err != nil {
		return nil, err
	}
	defer w.f.Close()
	w.title(fmt.Sprintf("Акт № %s об оказании услуг по агентскому договору за %s г.", d.Number, mustMonthName(d.Month)))
	w.pair("Агент", d.Partner.Name)
	w.pair("ИНН / КПП", d.Partner.INN+" / "+d.Partner.KPP)
	w.pair("Дата акта", d.IssuedAt.Format("02.01.2006"))
	w.row++
	w.cells(w.style.text, "Заключено договоров", d.SalesCount)
	w.row++
	for _, m := range []struct {
		label  string
		amount warranty.Kopecks
	}{{"Сумма договоров, руб.", d.TotalPriceKopecks}, {"Вознаграждение агента, руб.", d.CommissionKopecks},
		{"В том числе НДС, руб.", d.VATKopecks}} {
		w.cells(w.style.text, m.label)
		w.moneyCells(2, w.style.money, m.amount)
		w.row++
	}
	w.widths(map[string]float64{"A": 32, "B": 40})
	return w.bytes(d.IssuedAt)
}

// workbook writes one sheet row by row; the first error stops every later write and is
// answered by bytes.
type workbook struct {
	f     *excelize.File
	sheet string
	row   int
	err   error
	style struct{ title, header, text, bold, money, boldMoney, date int }
}

func newWorkbook(sheet string) (*workbook, error) {
	w := &workbook{f: excelize.NewFile(), sheet: sheet, row: 1}
	if err := w.f.SetSheetName("Sheet1", sheet); err != nil {
		w.f.Close()
		return nil, fmt.Errorf("workbook: %w", err)
	}
	money, date := "#,##0.00", "dd.mm.yyyy"
	for _, s := range []struct {
		dst   *int
		style excelize.Style
	}{
		{&w.style.title, excelize.Style{Font: &excelize.Font{Bold: true, Size: 13}}},
		{&w.style.header, excelize.Style{Font: &excelize.Font{Bold: true},
			Fill: excelize.Fill{Type: "pattern", Pattern: 1, Color: []string{"E7EEF7"}}}},
		{&w.style.text, excelize.Style{}},
		{&w.style.bold, excelize.Style{Font: &excelize.Font{Bold: true}}},
		{&w.style.money, excelize.Style{CustomNumFmt: &money}},
		{&w.style.boldMoney, excelize.Style{Font: &excelize.Font{Bold: true}, CustomNumFmt: &money}},
		{&w.style.date, excelize.Style{CustomNumFmt: &date}},
	} {
		id, err := w.f.NewStyle(&s.style)
		if err != nil {
			w.f.Close()
			return nil, fmt.Errorf("workbook: %w", err)
		}
		*s.dst = id
	}
	return w, nil
}

func (w *workbook) set(col int, value any, style int) {
	if w.err != nil {
		return
	}
	cell, err := excelize.CoordinatesToCellName(col, w.row)
	if err == nil {
		err = w.f.SetCellValue(w.sheet, cell, value)
	}
	if err == nil {
		err = w.f.SetCellStyle(w.sheet, cell, cell, style)
	}
	w.err = err
}

// cells writes values from the first column of the current row.
func (w *workbook) cells(style int, values ...any) { w.cellsFrom(1, style, values...) }

func (w *workbook) cellsFrom(col, style int, values ...any) {
	for i, v := range values {
		w.set(col+i, v, style)
	}
}

// moneyCells writes amounts as numbers of roubles so that Excel can add them up: a
// presentation float only, exact to the kopeck for any amount below 2^53 kopecks.
func (w *workbook) moneyCells(col, style int, amounts ...warranty.Kopecks) {
	for i, k := range amounts {
		w.set(col+i, float64(k)/100, style)
	}
}

// dateCell writes the calendar day t shows in its own zone, so Excel prints the date the PDF
// prints whatever zone the reader is in.
func (w *workbook) dateCell(col int, t time.Time) {
	if t.IsZero() {
		return
	}
	w.set(col, time.Date(t.Year(), t.Month(), t.Day(), 0, 0, 0, 0, time.UTC), w.style.date)
}

func (w *workbook) title(text string) {
	w.set(1, text, w.style.title)
	w.row += 2
}

func (w *workbook) pair(label, value string) {
	w.set(1, label, w.style.bold)
	w.set(2, value, w.style.text)
	w.row++
}

func (w *workbook) header(titles ...string) {
	for i, t := range titles {
		w.set(i+1, t, w.style.header)
	}
	w.row++
}

func (w *workbook) widths(cols map[string]float64) {
	for col, width := range cols {
		if w.err == nil {
			w.err = w.f.SetColWidth(w.sheet, col, col, width)
		}
	}
}

// bytes finishes the workbook. Its properties carry the document's own date rather than the
// clock, so the same data gives the same file.
func (w *workbook) bytes(issuedAt time.Time) ([]byte, error) {
	if w.err == nil {
		stamp := issuedAt.UTC().Format(time.RFC3339)
		w.err = w.f.SetDocProps(&excelize.DocProperties{Creator: "Karso PRM", Created: stamp, Modified: stamp,
			Language: "ru-RU"})
	}
	if w.err != nil {
		return nil, fmt.Errorf("workbook: %w", w.err)
	}
	buf, err := w.f.WriteToBuffer()
	if err != nil {
		return nil, fmt.Errorf("workbook: %w", err)
	}
	return buf.Bytes(), nil
}

// mustMonthName is monthName for a time, which cannot fail.
func mustMonthName(t time.Time) string {
	name, _ := monthName(t)
	return name
}
