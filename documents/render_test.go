package documents_test

import (
	"bytes"
	"errors"
	"os/exec"
	"strings"
	"testing"

	"karso.ru/prm/documents"
)

// pdfText extracts a PDF's text the way a reader's viewer would, with pdftotext from
// poppler-utils; no-break spaces become plain ones so that assertions read naturally.
func pdfText(t *testing.T, pdf []byte) string {
	t.Helper()
	if !bytes.HasPrefix(pdf, []byte("%PDF-")) {
		t.Fatalf("not a PDF: %.20q", pdf)
	}
	cmd := exec.Command("pdftotext", "-enc", "UTF-8", "-", "-")
	cmd.Stdin = bytes.NewReader(pdf)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("pdftotext (apt-get install poppler-utils): %v: %s", err, stderr.String())
	}
	return strings.ReplaceAll(string(out), "\u00a0", " ")
}

func defaultTemplate(t *testing.T, kind string) documents.TemplateVersion {
	t.Helper()
	d, ok := documents.DefaultTemplateFor(kind)
	if !ok {
		t.Fatalf("no default template for %s", kind)
	}
	return d.Version()
}

func TestContractPDFShowsTheCustomerInCyrillic(t *testing.T) {
	data := documents.SampleContractData()
	data.Customer.FullName = "Щукина Ёлка Юрьевна"
	pdf, err := documents.Render(defaultTemplate(t, documents.KindContract), data)
	if err != nil {
		t.Fatal(err)
	}
	text := pdfText(t, pdf)
	for _, want := range []string{
		"Щукина Ёлка Юрьевна", "KR-2026-000042", "XW8ZZZ61ZEG061733", "Договор гарантийного обслуживания",
		"Оптимальный", "58 805,00 руб.", "Пятьдесят восемь тысяч восемьсот пять рублей 00 копеек",
		"24 месяца", "«14» марта 2026 г.", "Помощь на дороге", "ООО «Автомир»", "Страница 1 из ",
	} {
		if !strings.Contains(text, want) {
			t.Errorf("the contract lacks %q:\n%s", want, text)
		}
	}
}

func TestEveryDefaultTemplateRendersItsSampleData(t *testing.T) {
	for _, d := range documents.DefaultTemplates() {
		t.Run(d.Kind, func(t *testing.T) {
			if err := documents.Check(d.Version()); err != nil {
				t.Fatalf("check: %v", err)
			}
			pdf, err := documents.Render(d.Version(), documents.SampleData(d.Kind))
			if err != nil {
				t.Fatal(err)
			}
			text := pdfText(t, pdf)
			if !strings.Contains(text, "ООО «Автомир»") || !strings.Contains(text, "подпись") && d.Kind != documents.KindReceipt {
				t.Errorf("%s misses its parties:\n%s", d.Kind, text)
			}
			if strings.Contains(text, "<no value>") {
				t.Errorf("%s prints <no value>:\n%s", d.Kind, text)
			}
		})
	}
}

func TestRenderingIsDeterministic(t *testing.T) {
	tmpl := defaultTemplate(t, documents.KindContract)
	first, err := documents.Render(tmpl, documents.SampleContractData())
	if err != nil {
		t.Fatal(err)
	}
	// several runs, since a dependence on map order would show only sometimes
	for range 5 {
		again, err := documents.Render(tmpl, documents.SampleContractData())
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(first, again) {
			t.Fatal("the same contract rendered to different bytes")
		}
	}
}

func TestLongDocumentsNumberTheirPages(t *testing.T) {
	body := strings.Repeat("Гарант обязуется организовать и оплатить ремонт узлов и агрегатов транспортного средства.\n", 120)
	pdf, err := documents.Render(documents.TemplateVersion{Kind: documents.KindContract, Title: "Договор {{.ContractNumber}}",
		Body: body + "[подписи]\nГарант | ООО «Карсо»\nКлиент | {{.Customer.FullName}}"}, documents.SampleContractData())
	if err != nil {
		t.Fatal(err)
	}
	text := pdfText(t, pdf)
	if !strings.Contains(text, "Страница 1 из 3") || !strings.Contains(text, "Страница 3 из 3") {
		t.Errorf("want three numbered pages:\n%s", text)
	}
}

func TestTablesHeadingsAndListsKeepTheirText(t *testing.T) {
	tmpl := documents.TemplateVersion{Kind: documents.KindCommissionStatement, Title: "Ведомость за {{month .Month}}",
		Body: "# Продажи\n- первая строка списка\n>> справа\n| Договор | Вознаграждение |\n|---|---:|\n" +
			"{{range .Lines}}| {{.ContractNumber}} | {{money .CommissionKopecks}} |\n{{end}}"}
	pdf, err := documents.Render(tmpl, documents.SampleData(documents.KindCommissionStatement))
	if err != nil {
		t.Fatal(err)
	}
	text := pdfText(t, pdf)
	for _, want := range []string{"Ведомость за март 2026", "Продажи", "первая строка списка", "справа", "Договор",
		"KR-2026-000057", "2 490,00 руб."} {
		if !strings.Contains(text, want) {
			t.Errorf("missing %q:\n%s", want, text)
		}
	}
	if strings.Contains(text, "---") {
		t.Errorf("the table separator row is printed:\n%s", text)
	}
}

func TestTemplateMistakesAreExplained(t *testing.T) {
	cases := []struct {
		name, title, body  string
		field, placeholder string
		line               int
	}{
		{name: "unknown placeholder", title: "Договор", body: "Строка\nЦвет: {{.Vehicle.Colour}}",
			field: "body", placeholder: "{{.Vehicle.Colour}}", line: 2},
		{name: "unknown function", title: "Договор", body: "{{rubles .PriceKopecks}}",
			field: "body", placeholder: "rubles", line: 1},
		{name: "syntax", title: "Договор", body: "a\nb\n{{if .Options}}без конца",
			field: "body", line: 3},
		{name: "title", title: "Договор {{.Number}}", body: "текст", field: "title", placeholder: "{{.Number}}", line: 1},
		{name: "wrong argument", title: "Договор", body: "{{money .Customer.FullName}}", field: "body", line: 1},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			err := documents.Check(documents.TemplateVersion{Kind: documents.KindContract, Title: c.title, Body: c.body})
			var te *documents.TemplateError
			if !errors.As(err, &te) {
				t.Fatalf("want a TemplateError, got %v", err)
			}
			if te.Field != c.field || te.Line != c.line || te.Placeholder != c.placeholder {
				t.Errorf("got %+v, want field %s line %d placeholder %q", te, c.field, c.line, c.placeholder)
			}
			if msg := te.Message("ru"); !strings.Contains(msg, "Строка") {
				t.Errorf("message %q", msg)
			}
		})
	}
}

func TestCheckRefusesUnknownKinds(t *testing.T) {
	if err := documents.Check(documents.TemplateVersion{Kind: "poster", Title: "x", Body: "y"}); !errors.Is(err, documents.ErrUnknownKind) {
		t.Errorf("got %v", err)
	}
}

func TestPlaceholdersDescribeTheData(t *testing.T) {
	for _, kind := range documents.Kinds() {
		ps := documents.Placeholders(kind)
		if len(ps) == 0 {
			t.Fatalf("%s has no placeholders", kind)
		}
		for _, p := range ps {
			if p.Description == "" {
				t.Errorf("%s: %s has no description", kind, p.Path)
			}
		}
	}
	paths := map[string]bool{}
	for _, p := range documents.Placeholders(documents.KindContract) {
		paths[p.Path] = true
	}
	for _, want := range []string{"{{.ContractNumber}}", "{{.Partner.Name}}", "{{.Salon.Name}}", "{{.Vehicle.VIN}}",
		"{{.Customer.FullName}}", "{{.Tariff.Name}}", "{{.Coverage}}", "{{.TermMonths}}", "{{.PriceKopecks}}", "{{.IssuedAt}}"} {
		if !paths[want] {
			t.Errorf("contract placeholders lack %s", want)
		}
	}
}

func TestMoneyAndDatesPrintTheRussianWay(t *testing.T) {
	cases := []struct{ body, want string }{
		{"{{moneyWords 0}}", "Ноль рублей 00 копеек"},
		{"{{moneyWords 101}}", "Один рубль 01 копейка"},
		{"{{moneyWords 222}}", "Два рубля 22 копейки"},
		{"{{moneyWords 1100}}", "Одиннадцать рублей 00 копеек"},
		{"{{moneyWords 2100}}", "Двадцать один рубль 00 копеек"},
		{"{{moneyWords 100000}}", "Одна тысяча рублей 00 копеек"},
		{"{{moneyWords 200000}}", "Две тысячи рублей 00 копеек"},
		{"{{moneyWords 1214000}}", "Двенадцать тысяч сто сорок рублей 00 копеек"},
		{"{{moneyWords 100000000}}", "Один миллион рублей 00 копеек"},
		{"{{moneyWords 123456789012}}", "Один миллиард двести тридцать четыре миллиона пятьсот шестьдесят семь тысяч восемьсот девяносто рублей 12 копеек"},
		{"{{money 5880550}}", "58 805,50 руб."},
		{"{{months 1}} {{months 3}} {{months 12}} {{months 21}}", "1 месяц 3 месяца 12 месяцев 21 месяц"},
		{"{{date .Vehicle.SoldOn}} {{date .IssuedAt}} {{clock .IssuedAt}}", "14.03.2026 14.03.2026 12:00"},
		{"{{number .Vehicle.MileageKm}} {{percent 1250}}", "48 500 12,5 %"},
		{"{{category .Vehicle.Category}}, {{.Coverage}}", "с пробегом, Двигатель, Коробка передач (КПП), Раздаточная коробка, Рулевое управление, Тормозная система"},
	}
	for _, c := range cases {
		pdf, err := documents.Render(documents.TemplateVersion{Kind: documents.KindContract, Title: "Проверка", Body: c.body},
			documents.SampleContractData())
		if err != nil {
			t.Fatalf("%s: %v", c.body, err)
		}
		if text := strings.Join(strings.Fields(pdfText(t, pdf)), " "); !strings.Contains(text, c.want) {
			t.Errorf("%s: want %q in %q", c.body, c.want, text)
		}
	}
}

func TestTheRoubleSignPrintsAsWords(t *testing.T) {
	pdf, err := documents.Render(documents.TemplateVersion{Kind: documents.KindContract, Title: "Цена",
		Body: "Цена 100 ₽"}, documents.SampleContractData())
	if err != nil {
		t.Fatal(err)
	}
	if text := pdfText(t, pdf); !strings.Contains(text, "Цена 100 руб.") {
		t.Errorf("got %q", text)
	}
}
