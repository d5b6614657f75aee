package documents

import (
	"strings"
	"time"

	"github.com/google/uuid"

	"karso.ru/prm/warranty"
)

// The kinds of documents the platform issues. Each has a default template (DefaultTemplates),
// a data type its template is executed with, and sample data for previews.
const (
	// KindContract is the warranty contract with the customer (договор).
	KindContract = "contract"
	// KindInvoice is the invoice to a partner paying by bank transfer with deferral (счёт).
	KindInvoice = "invoice"
	// KindReceipt confirms that a payment was received (квитанция об оплате).
	KindReceipt = "receipt"
	// KindAddendum records an upsell or a tariff change made in the upsell window
	// (дополнительное соглашение).
	KindAddendum = "addendum"
	// KindCancellationAct records that a contract was cancelled and what was refunded
	// (акт о расторжении).
	KindCancellationAct = "cancellation_act"
	// KindCommissionStatement lists a partner's sales of a month and the commission on each
	// (ведомость комиссий).
	KindCommissionStatement = "commission_statement"
	// KindAct is the monthly act of the agent's services between the company and a partner
	// (акт оказанных услуг).
	KindAct = "act"
)

// Kinds lists every document kind in the order the admin sees them.
func Kinds() []string {
	return []string{KindContract, KindInvoice, KindReceipt, KindAddendum, KindCancellationAct,
		KindCommissionStatement, KindAct}
}

// KnownKind reports whether kind is one of Kinds.
func KnownKind(kind string) bool {
	_, ok := samples[kind]
	return ok
}

// Dated is implemented by document data that knows which day it belongs to; the archive files
// the document under that day's month (in the company's zone) and the PDF carries it as its
// creation date, so that re-rendering the same data gives the same bytes. Every data type of
// this package implements it.
type Dated interface {
	DocumentDate() time.Time
}

// List is a list of words printed joined with commas: {{.Coverage}} gives
// "Двигатель, Коробка передач (КПП)", while {{range .Coverage}} still walks the items.
type List []string

// String joins the items with ", ".
func (l List) String() string { return strings.Join(l, ", ") }

// Partner is a partner's requisites as documents print them.
type Partner struct {
	ID           int64  `doc:"номер партнёра в системе"`
	Name         string `doc:"наименование партнёра"`
	INN          string `doc:"ИНН"`
	KPP          string `doc:"КПП"`
	OGRN         string `doc:"ОГРН"`
	LegalAddress string `doc:"юридический адрес"`
	BankName     string `doc:"банк"`
	BIK          string `doc:"БИК"`
	BankAccount  string `doc:"расчётный счёт"`
	CorrAccount  string `doc:"корреспондентский счёт"`
}

// Salon is the point of sale where the warranty was sold.
type Salon struct {
	Name    string `doc:"название салона"`
	City    string `doc:"город"`
	Address string `doc:"адрес салона"`
}

// Tariff names the tariff version a sale was rated with.
type Tariff struct {
	Code    string `doc:"код тарифа"`
	Name    string `doc:"название тарифа"`
	Version int32  `doc:"версия тарифа"`
}

// Option is an add-on bought with the warranty and its price.
type Option struct {
	Code         string           `doc:"код опции"`
	Name         string           `doc:"название опции"`
	PriceKopecks warranty.Kopecks `doc:"цена опции, копейки ({{money …}})"`
}

// ContractData is everything a warranty contract prints. Times are printed in the zone they
// carry; Service.IssueContract moves them to the company's zone.
type ContractData struct {
	SaleID            uuid.UUID         `doc:"идентификатор продажи"`
	ContractNumber    string            `doc:"номер договора, KR-2026-000042"`
	IssuedAt          time.Time         `doc:"дата договора ({{date …}}, {{longdate …}})"`
	Partner           Partner           `doc:"партнёр (агент), продавший гарантию"`
	Salon             Salon             `doc:"салон"`
	Vehicle           warranty.Vehicle  `doc:"автомобиль"`
	Customer          warranty.Customer `doc:"клиент"`
	Tariff            Tariff            `doc:"тариф"`
	Coverage          List              `doc:"покрываемые узлы и агрегаты, через запятую"`
	TermMonths        int               `doc:"срок в месяцах ({{months …}} — «24 месяца»)"`
	Options           []Option          `doc:"дополнительные опции ({{range .Options}}…{{end}})"`
	GrossKopecks      warranty.Kopecks  `doc:"стоимость до скидки, копейки"`
	DiscountKopecks   warranty.Kopecks  `doc:"скидка, копейки"`
	PriceKopecks      warranty.Kopecks  `doc:"цена к оплате, копейки"`
	CommissionKopecks warranty.Kopecks  `doc:"вознаграждение партнёра, копейки"`
	ValidFrom         time.Time         `doc:"начало действия гарантии"`
	ValidTo           time.Time         `doc:"окончание действия гарантии"`
}

// DocumentDate is the day the contract is issued.
func (d ContractData) DocumentDate() time.Time { return d.IssuedAt }

// InvoiceLine is one line of an invoice.
type InvoiceLine struct {
	Name          string           `doc:"наименование"`
	Quantity      int              `doc:"количество"`
	AmountKopecks warranty.Kopecks `doc:"сумма, копейки"`
}

// InvoiceData is an invoice to a partner for a sale paid by bank transfer.
type InvoiceData struct {
	Number         string           `doc:"номер счёта"`
	IssuedAt       time.Time        `doc:"дата счёта"`
	DueOn          time.Time        `doc:"срок оплаты"`
	SaleID         uuid.UUID        `doc:"идентификатор продажи"`
	ContractNumber string           `doc:"номер договора"`
	Partner        Partner          `doc:"плательщик (партнёр)"`
	Customer       string           `doc:"ФИО клиента по договору"`
	Lines          []InvoiceLine    `doc:"строки счёта"`
	TotalKopecks   warranty.Kopecks `doc:"итого к оплате, копейки"`
	VATKopecks     warranty.Kopecks `doc:"в том числе НДС, копейки (0 — без НДС)"`
}

// DocumentDate is the day the invoice is issued.
func (d InvoiceData) DocumentDate() time.Time { return d.IssuedAt }

// ReceiptData confirms a payment for a sale.
type ReceiptData struct {
	Number         string           `doc:"номер квитанции"`
	PaidAt         time.Time        `doc:"дата оплаты"`
	SaleID         uuid.UUID        `doc:"идентификатор продажи"`
	ContractNumber string           `doc:"номер договора"`
	Partner        Partner          `doc:"партнёр"`
	Salon          Salon            `doc:"салон"`
	Customer       string           `doc:"ФИО клиента"`
	Purpose        string           `doc:"назначение платежа"`
	Method         string           `doc:"способ оплаты: банковская карта или безналичный перевод"`
	Reference      string           `doc:"номер операции или платёжного поручения"`
	AmountKopecks  warranty.Kopecks `doc:"сумма, копейки"`
}

// DocumentDate is the day the payment was received.
func (d ReceiptData) DocumentDate() time.Time { return d.PaidAt }

// ContractTerms are the priced terms of a contract before or after an addendum.
type ContractTerms struct {
	Tariff       Tariff           `doc:"тариф"`
	Coverage     List             `doc:"покрытие"`
	TermMonths   int              `doc:"срок, месяцев"`
	Options      []Option         `doc:"опции"`
	PriceKopecks warranty.Kopecks `doc:"цена, копейки"`
	ValidTo      time.Time        `doc:"окончание действия гарантии"`
}

// AddendumData is an addendum changing a contract's options, tariff or term.
type AddendumData struct {
	Number            string            `doc:"номер дополнительного соглашения"`
	IssuedAt          time.Time         `doc:"дата соглашения"`
	SaleID            uuid.UUID         `doc:"идентификатор продажи"`
	ContractNumber    string            `doc:"номер договора"`
	ContractDate      time.Time         `doc:"дата договора"`
	Partner           Partner           `doc:"партнёр"`
	Salon             Salon             `doc:"салон"`
	Customer          warranty.Customer `doc:"клиент"`
	Vehicle           warranty.Vehicle  `doc:"автомобиль"`
	Before            ContractTerms     `doc:"условия до изменения"`
	After             ContractTerms     `doc:"условия после изменения"`
	DifferenceKopecks warranty.Kopecks  `doc:"доплата (больше 0) или возврат (меньше 0), копейки"`
}

// DocumentDate is the day the addendum is signed.
func (d AddendumData) DocumentDate() time.Time { return d.IssuedAt }

// CancellationActData records a cancelled contract and the money returned.
type CancellationActData struct {
	Number         string            `doc:"номер акта"`
	IssuedAt       time.Time         `doc:"дата акта"`
	SaleID         uuid.UUID         `doc:"идентификатор продажи"`
	ContractNumber string            `doc:"номер договора"`
	ContractDate   time.Time         `doc:"дата договора"`
	Partner        Partner           `doc:"партнёр"`
	Salon          Salon             `doc:"салон"`
	Customer       warranty.Customer `doc:"клиент"`
	Vehicle        warranty.Vehicle  `doc:"автомобиль"`
	Reason         string            `doc:"причина расторжения"`
	PaidKopecks    warranty.Kopecks  `doc:"оплачено по договору, копейки"`
	RefundKopecks  warranty.Kopecks  `doc:"к возврату, копейки"`
}

// DocumentDate is the day the contract is cancelled.
func (d CancellationActData) DocumentDate() time.Time { return d.IssuedAt }

// CommissionLine is one sale of a commission statement.
type CommissionLine struct {
	ContractNumber    string           `doc:"номер договора"`
	Date              time.Time        `doc:"дата продажи"`
	Salon             string           `doc:"салон"`
	Customer          string           `doc:"клиент"`
	Tariff            string           `doc:"тариф"`
	PriceKopecks      warranty.Kopecks `doc:"цена, копейки"`
	CommissionKopecks warranty.Kopecks `doc:"вознаграждение, копейки"`
}

// CommissionStatementData lists a partner's sales of a month with the commission on each.
type CommissionStatementData struct {
	Number                 string           `doc:"номер ведомости"`
	Month                  time.Time        `doc:"отчётный месяц ({{month …}} — «январь 2026»)"`
	IssuedAt               time.Time        `doc:"дата составления"`
	Partner                Partner          `doc:"партнёр"`
	Lines                  []CommissionLine `doc:"продажи месяца"`
	SalesCount             int              `doc:"количество продаж"`
	TotalPriceKopecks      warranty.Kopecks `doc:"сумма продаж, копейки"`
	TotalCommissionKopecks warranty.Kopecks `doc:"сумма вознаграждения, копейки"`
}

// DocumentDate files the statement under the month it is about, not the day it is made.
func (d CommissionStatementData) DocumentDate() time.Time { return d.Month }

// ActData is the monthly act of the agent's services between the company and a partner.
type ActData struct {
	Number            string           `doc:"номер акта"`
	Month             time.Time        `doc:"отчётный месяц"`
	IssuedAt          time.Time        `doc:"дата акта"`
	Partner           Partner          `doc:"партнёр (агент)"`
	SalesCount        int              `doc:"количество заключённых договоров"`
	TotalPriceKopecks warranty.Kopecks `doc:"сумма договоров, копейки"`
	CommissionKopecks warranty.Kopecks `doc:"вознаграждение агента, копейки"`
	VATKopecks        warranty.Kopecks `doc:"в том числе НДС, копейки (0 — без НДС)"`
}

// DocumentDate files the act under the month it is about.
func (d ActData) DocumentDate() time.Time { return d.Month }

// samples builds each kind's sample data: the data previews are rendered with and new
// template text is checked against.
var samples = map[string]func() any{
	KindContract:            func() any { return SampleContractData() },
	KindInvoice:             func() any { return sampleInvoice() },
	KindReceipt:             func() any { return sampleReceipt() },
	KindAddendum:            func() any { return sampleAddendum() },
	KindCancellationAct:     func() any { return sampleCancellation() },
	KindCommissionStatement: func() any { return sampleCommissionStatement() },
	KindAct:                 func() any { return sampleAct() },
}

// SampleData is the sample data of kind used to preview and check its templates; nil for an
// unknown kind.
func SampleData(kind string) any {
	if f, ok := samples[kind]; ok {
		return f()
	}
	return nil
}

var sampleSaleID = uuid.MustParse("0195f3a2-7c1e-7b9a-9d41-5c2b8e6f1a07")

func sampleDay(month time.Month, day int) time.Time {
	return time.Date(2026, month, day, 12, 0, 0, 0, warranty.Moscow())
}

func samplePartner() Partner {
	return Partner{ID: 2, Name: "ООО «Автомир»", INN: "7722456780", KPP: "772201001", OGRN: "1027700098766",
		LegalAddress: "109316, г. Москва, Волгоградский пр-т, д. 42", BankName: "ПАО Сбербанк", BIK: "044525225",
		BankAccount: "40702810938000012345", CorrAccount: "30101810400000000225"}
}

func sampleSalon() Salon {
	return Salon{Name: "Автомир на Волгоградке", City: "Москва", Address: "Волгоградский пр-т, д. 42"}
}

func sampleVehicle() warranty.Vehicle {
	return warranty.Vehicle{VIN: "XW8ZZZ61ZEG061733", Make: "Škoda", Model: "Octavia", Year: 2021, MileageKm: 48_500,
		EnginePowerHP: 150, EngineVolumeCC: 1395, Category: warranty.CategoryUsed, SoldOn: "2026-03-14"}
}

func sampleCustomer() warranty.Customer {
	return warranty.Customer{FullName: "Иванов Сергей Петрович", Phone: "+79161234567", Email: "s.ivanov@example.ru",
		BirthDate: "1985-07-21", PassportSeries: "4510", PassportNumber: "123456"}
}

func sampleOptions() []Option {
	return []Option{{Code: "roadside", Name: "Помощь на дороге", PriceKopecks: 2_900_00}}
}

// SampleContractData is a complete, plausible contract used to preview contract templates.
func SampleContractData() ContractData {
	issued := sampleDay(time.March, 14)
	return ContractData{
		SaleID: sampleSaleID, ContractNumber: "KR-2026-000042", IssuedAt: issued,
		Partner: samplePartner(), Salon: sampleSalon(), Vehicle: sampleVehicle(), Customer: sampleCustomer(),
		Tariff:     Tariff{Code: "optimal", Name: "Оптимальный", Version: 1},
		Coverage:   List{"Двигатель", "Коробка передач (КПП)", "Раздаточная коробка", "Рулевое управление", "Тормозная система"},
		TermMonths: 24, Options: sampleOptions(),
		GrossKopecks: 61_900_00, DiscountKopecks: 3_095_00, PriceKopecks: 58_805_00, CommissionKopecks: 5_880_50,
		ValidFrom: issued.AddDate(0, 0, 1), ValidTo: issued.AddDate(0, 24, 0),
	}
}

func sampleInvoice() InvoiceData {
	c := SampleContractData()
	return InvoiceData{Number: "СЧ-2026-000017", IssuedAt: c.IssuedAt, DueOn: c.IssuedAt.AddDate(0, 0, 30),
		SaleID: c.SaleID, ContractNumber: c.ContractNumber, Partner: c.Partner, Customer: c.Customer.FullName,
		Lines: []InvoiceLine{{Name: "Гарантия «Оптимальный» на 24 месяца по договору " + c.ContractNumber,
			Quantity: 1, AmountKopecks: c.PriceKopecks}},
		TotalKopecks: c.PriceKopecks}
}

func sampleReceipt() ReceiptData {
	c := SampleContractData()
	return ReceiptData{Number: "КВ-2026-000031", PaidAt: c.IssuedAt.Add(25 * time.Minute), SaleID: c.SaleID,
		ContractNumber: c.ContractNumber, Partner: c.Partner, Salon: c.Salon, Customer: c.Customer.FullName,
		Purpose: "Оплата по договору гарантийного обслуживания " + c.ContractNumber, Method: "банковская карта",
		Reference: "pi_3PqQ2aKarso000031", AmountKopecks: c.PriceKopecks}
}

func sampleAddendum() AddendumData {
	c := SampleContractData()
	before := ContractTerms{Tariff: c.Tariff, Coverage: c.Coverage, TermMonths: c.TermMonths, Options: c.Options,
		PriceKopecks: c.PriceKopecks, ValidTo: c.ValidTo}
	after := before
	after.Options = append(append([]Option{}, c.Options...), Option{Code: "replacement_car", Name: "Подменный автомобиль",
		PriceKopecks: 7_900_00})
	after.PriceKopecks = c.PriceKopecks + 7_900_00
	return AddendumData{Number: "1", IssuedAt: sampleDay(time.March, 27), SaleID: c.SaleID,
		ContractNumber: c.ContractNumber, ContractDate: c.IssuedAt, Partner: c.Partner, Salon: c.Salon,
		Customer: c.Customer, Vehicle: c.Vehicle, Before: before, After: after, DifferenceKopecks: 7_900_00}
}

func sampleCancellation() CancellationActData {
	c := SampleContractData()
	return CancellationActData{Number: "АР-2026-000003", IssuedAt: sampleDay(time.March, 20), SaleID: c.SaleID,
		ContractNumber: c.ContractNumber, ContractDate: c.IssuedAt, Partner: c.Partner, Salon: c.Salon,
		Customer: c.Customer, Vehicle: c.Vehicle, Reason: "Заявление клиента об отказе от договора",
		PaidKopecks: c.PriceKopecks, RefundKopecks: c.PriceKopecks}
}

func sampleCommissionStatement() CommissionStatementData {
	lines := []CommissionLine{
		{ContractNumber: "KR-2026-000042", Date: sampleDay(time.March, 14), Salon: "Автомир на Волгоградке",
			Customer: "Иванов С. П.", Tariff: "Оптимальный", PriceKopecks: 58_805_00, CommissionKopecks: 5_880_50},
		{ContractNumber: "KR-2026-000057", Date: sampleDay(time.March, 19), Salon: "Автомир Дмитровка",
			Customer: "Петрова А. Н.", Tariff: "Базовый", PriceKopecks: 24_900_00, CommissionKopecks: 2_490_00},
	}
	return CommissionStatementData{Number: "ВК-2026-03-0002", Month: time.Date(2026, time.March, 1, 0, 0, 0, 0, warranty.Moscow()),
		IssuedAt: sampleDay(time.April, 1), Partner: samplePartner(), Lines: lines, SalesCount: len(lines),
		TotalPriceKopecks: 83_705_00, TotalCommissionKopecks: 8_370_50}
}

func sampleAct() ActData {
	return ActData{Number: "АКТ-2026-03-0002", Month: time.Date(2026, time.March, 1, 0, 0, 0, 0, warranty.Moscow()),
		IssuedAt: sampleDay(time.April, 1), Partner: samplePartner(), SalesCount: 2, TotalPriceKopecks: 83_705_00,
		CommissionKopecks: 8_370_50}
}
