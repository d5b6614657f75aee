package mail

import (
	"strings"
	"testing"

	"karso.ru/prm/warranty"
)

// samples are data for every kind, as the activities fill it.
var samples = map[string]any{
	KindApprovalRequested: sampleNotice,
	KindApprovalReminder:  sampleNotice,
	KindApprovalAlert:     sampleNotice,
	KindSaleApproved:      Decision{SaleNotice: sampleNotice, Manager: "Петров Пётр", Comment: "Всё в порядке"},
	KindChangesRequested:  Decision{SaleNotice: sampleNotice, Manager: "Петров Пётр", Comment: "Уточните пробег <b>"},
	KindSaleRejected:      Decision{SaleNotice: sampleNotice, Manager: "Петров Пётр", Comment: "VIN в розыске"},
	KindPaymentLink: PaymentLink{CustomerName: "Иванов Сергей", ContractNumber: "KR-2026-000042", Amount: 52_790_00,
		Attempt: 1, PayURL: "https://karso.test/pay/abc"},
	KindPaymentRetry: PaymentLink{CustomerName: "Иванов Сергей", ContractNumber: "KR-2026-000042", Amount: 52_790_00,
		Attempt: 2, PayURL: "https://karso.test/pay/abc"},
	KindInvoiceIssued: Invoice{Number: "KR-2026-000042-1", ContractNumber: "KR-2026-000042", CustomerName: "Иванов Сергей",
		Amount: 52_790_00, DueOn: "2026-07-21", URL: "https://karso.test/sales/1"},
	KindInvoiceOverdue: OverdueInvoice{ContractNumber: "KR-2026-000042", Amount: 52_790_00, DueOn: "2026-07-21", N: 2,
		URL: "https://karso.test/sales/1"},
	KindContractPaid: Paid{CustomerName: "Иванов Сергей", ContractNumber: "KR-2026-000042", Vehicle: "Kia Rio",
		VIN: "XWEAB41BBPM123456", Amount: 52_790_00, ReceiptNumber: "KR-2026-000042-1"},
	KindUpsellReceipt: Paid{CustomerName: "Иванов Сергей", ContractNumber: "KR-2026-000042", Amount: 5_000_00,
		ReceiptNumber: "KR-2026-000042-2"},
	KindPaymentReceived: Paid{CustomerName: "Иванов Сергей", ContractNumber: "KR-2026-000042", Vehicle: "Kia Rio",
		VIN: "XWEAB41BBPM123456", Amount: 52_790_00, URL: "https://karso.test/sales/1"},
	KindPaymentFailed: PaymentFailure{ContractNumber: "KR-2026-000042", CustomerName: "Иванов Сергей", Amount: 52_790_00,
		DeclineCode: "insufficient_funds", CancelsAt: "28.07.2026 14:05", URL: "https://karso.test/sales/1"},
	KindAddendum: Addendum{CustomerName: "Иванов Сергей", ContractNumber: "KR-2026-000042", N: 1, Difference: -3_000_00,
		TariffName: "Базовый", TermMonths: 12},
	KindCancellation: Cancellation{CustomerName: "Иванов Сергей", ContractNumber: "KR-2026-000042", Reason: "Клиент передумал",
		Paid: 52_790_00, Refunded: 52_790_00},
	KindMonthClosed: MonthClosed{Month: "2026-06", Partner: "Автомир", SalesCount: 12, TotalPrice: 600_000_00,
		TotalCommission: 60_000_00, Matched: true, URL: "https://karso.test/documents"},
	KindLedgerMismatch: LedgerMismatch{Month: "2026-06", Partner: "Автомир", Count: 3, More: 2,
		Lines: []MismatchLine{{Contract: "KR-2026-000042", SaleID: "s1", Status: "active", ExpectedPrice: 100_00, LedgerPrice: 90_00}}},
	KindNewsPublished:  NewsNotice{Title: "Новый тариф <Комфорт>", RequiresAck: true, URL: "https://karso.test/news/7"},
	KindNewsReminder:   NewsNotice{Title: "Новый тариф", URL: "https://karso.test/news/7"},
	KindNewsEscalation: NewsNotice{Title: "Новый тариф", Pending: 3, URL: "https://karso.test/news/7"},
}

var sampleNotice = SaleNotice{Vehicle: "Kia Rio", VIN: "XWEAB41BBPM123456", Customer: "Иванов Сергей", Salon: "Автомир Север",
	Partner: "Автомир", URL: "https://karso.test/sales/1"}

// Every template renders in both languages with the data its kind carries, says something in
// each part, and signs with the company's name.
func TestEveryKindRendersInBothLanguages(t *testing.T) {
	for _, kind := range Kinds() {
		data, ok := samples[kind]
		if !ok {
			t.Errorf("%s: no sample data in this test", kind)
			continue
		}
		for _, loc := range []string{LocaleRU, LocaleEN} {
			r, err := Render(kind, loc, data)
			if err != nil {
				t.Errorf("%s/%s: %v", kind, loc, err)
				continue
			}
			company := map[string]string{LocaleRU: "ООО «Карсо»", LocaleEN: "Karso LLC"}[loc]
			for part, s := range map[string]string{"subject": r.Subject, "text": r.Text, "html": r.HTML} {
				if strings.TrimSpace(s) == "" || strings.Contains(s, "<no value>") {
					t.Errorf("%s/%s %s: %q", kind, loc, part, s)
				}
			}
			if strings.Contains(r.Subject, "\n") {
				t.Errorf("%s/%s: subject spans lines: %q", kind, loc, r.Subject)
			}
			if !strings.Contains(r.Text, company) || !strings.Contains(r.HTML, company) {
				t.Errorf("%s/%s: the company's name %q is missing", kind, loc, company)
			}
			if !strings.Contains(r.HTML, `<html lang="`+loc+`">`) {
				t.Errorf("%s/%s: HTML part not framed by the layout", kind, loc)
			}
		}
	}
	for kind := range samples {
		if !KnownKind(kind) {
			t.Errorf("%s: sample for a kind without a template", kind)
		}
	}
}

// The languages differ, and the money and dates print the Russian way in both.
func TestRenderWordsTheRecipientsLanguage(t *testing.T) {
	ru, err := Render(KindPaymentLink, "ru", samples[KindPaymentLink])
	if err != nil {
		t.Fatal(err)
	}
	en, err := Render(KindPaymentLink, "en-GB", samples[KindPaymentLink])
	if err != nil {
		t.Fatal(err)
	}
	amount := warranty.FormatRUB(52_790_00)
	if !strings.Contains(ru.Subject, "Оплата по договору гарантии KR-2026-000042") || !strings.Contains(ru.Subject, amount) {
		t.Errorf("ru subject: %q", ru.Subject)
	}
	if !strings.Contains(en.Subject, "Payment for warranty contract KR-2026-000042") {
		t.Errorf("en subject: %q", en.Subject)
	}
	if !strings.Contains(ru.Text, "Оплатить картой: https://karso.test/pay/abc") {
		t.Errorf("ru text has no link: %s", ru.Text)
	}
	if !strings.Contains(en.HTML, `href="https://karso.test/pay/abc"`) {
		t.Errorf("en html has no button: %s", en.HTML)
	}
	inv, err := Render(KindInvoiceIssued, "ru", samples[KindInvoiceIssued])
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(inv.Text, "до 21.07.2026") {
		t.Errorf("due date: %s", inv.Text)
	}
}

// What people typed is escaped in the HTML part and left as it is in the plain one.
func TestHTMLPartEscapesWhatPeopleTyped(t *testing.T) {
	r, err := Render(KindChangesRequested, "ru", samples[KindChangesRequested])
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(r.HTML, "пробег <b>") || !strings.Contains(r.HTML, "пробег &lt;b&gt;") {
		t.Errorf("comment not escaped in HTML: %s", r.HTML)
	}
	if !strings.Contains(r.Text, "Уточните пробег <b>") {
		t.Errorf("comment changed in the plain part: %s", r.Text)
	}
}

func TestUnknownKindIsRefused(t *testing.T) {
	if _, err := Render("no_such_kind", "ru", nil); err == nil {
		t.Fatal("rendered a kind without a template")
	}
	if KnownKind("_layout") {
		t.Fatal("the layout is not a kind")
	}
}

// A template that names a field its data lacks fails loudly rather than printing nothing.
func TestMissingDataFails(t *testing.T) {
	if _, err := Render(KindPaymentLink, "ru", map[string]any{"CustomerName": "x"}); err == nil {
		t.Fatal("rendered a payment link without its amount and link")
	}
}
