package documents

// DefaultTemplate is the wording a document kind starts with: seeded as its published
// version 1, and used by Service when no version of the kind has been published yet.
type DefaultTemplate struct {
	Kind  string
	Name  string
	Title string
	Body  string
}

// Version returns the default as a template version (version 0: not stored anywhere).
func (d DefaultTemplate) Version() TemplateVersion {
	return TemplateVersion{Kind: d.Kind, Title: d.Title, Body: d.Body}
}

// DefaultTemplates returns the company's standard wording of every document kind, in the order
// of Kinds. The company's own requisites are written into the text, where the admin edits them.
func DefaultTemplates() []DefaultTemplate {
	return []DefaultTemplate{
		{Kind: KindContract, Name: "Договор гарантийного обслуживания",
			Title: "Договор гарантийного обслуживания транспортного средства № {{.ContractNumber}}", Body: contractBody},
		{Kind: KindInvoice, Name: "Счёт на оплату",
			Title: "Счёт на оплату № {{.Number}} от {{date .IssuedAt}}", Body: invoiceBody},
		{Kind: KindReceipt, Name: "Квитанция об оплате",
			Title: "Квитанция об оплате № {{.Number}}", Body: receiptBody},
		{Kind: KindAddendum, Name: "Дополнительное соглашение",
			Title: "Дополнительное соглашение № {{.Number}} к договору гарантийного обслуживания № {{.ContractNumber}}",
			Body:  addendumBody},
		{Kind: KindCancellationAct, Name: "Акт о расторжении договора",
			Title: "Акт № {{.Number}} о расторжении договора гарантийного обслуживания № {{.ContractNumber}}",
			Body:  cancellationBody},
		{Kind: KindCommissionStatement, Name: "Ведомость агентского вознаграждения",
			Title: "Ведомость агентского вознаграждения № {{.Number}} за {{month .Month}} г.", Body: commissionBody},
		{Kind: KindAct, Name: "Акт оказанных услуг",
			Title: "Акт № {{.Number}} об оказании услуг по агентскому договору за {{month .Month}} г.", Body: actBody},
	}
}

// DefaultTemplateFor returns the default wording of kind.
func DefaultTemplateFor(kind string) (DefaultTemplate, bool) {
	for _, d := range DefaultTemplates() {
		if d.Kind == kind {
			return d, true
		}
	}
	return DefaultTemplate{}, false
}

// The company's requisites as the default templates print them.
const (
	companyName      = "ООО «Карсо»"
	companyINNKPP    = "ИНН 7729316407, КПП 772901001"
	companyAddress   = "119415, г. Москва, пр-т Вернадского, д. 37, к. 2"
	companyBank      = "ПАО Сбербанк, БИК 044525225, к/с 30101810400000000225"
	companyAccount   = "р/с 40702810938000054321"
	guarantorByAgent = companyName + ", именуемое в дальнейшем «Гарант», в лице агента {{.Partner.Name}} " +
		"(ИНН {{.Partner.INN}}{{with .Partner.KPP}}, КПП {{.}}{{end}}), действующего от имени и по поручению " +
		"Гаранта на основании агентского договора"
)

const contractBody = `>> г. {{.Salon.City}}, {{longdate .IssuedAt}}

` + guarantorByAgent + `, с одной стороны, и {{.Customer.FullName}}, именуемый(-ая) в дальнейшем «Клиент», с другой стороны, совместно именуемые «Стороны», заключили настоящий договор (далее — «Договор») о нижеследующем.

# 1. Предмет договора
1.1. Гарант обязуется в течение срока действия Договора организовать и оплатить ремонт узлов и агрегатов транспортного средства Клиента, перечисленных в разделе 3, в случае их неисправности, а Клиент обязуется оплатить стоимость гарантии и соблюдать условия эксплуатации и обслуживания транспортного средства.
1.2. Гарантия оформлена по тарифу «{{.Tariff.Name}}» (версия {{.Tariff.Version}}) в салоне «{{.Salon.Name}}» по адресу: г. {{.Salon.City}}, {{.Salon.Address}}.

# 2. Транспортное средство
- VIN: {{.Vehicle.VIN}}
- Марка и модель: {{.Vehicle.Make}} {{.Vehicle.Model}}, {{.Vehicle.Year}} года выпуска
- Категория: {{category .Vehicle.Category}}
- Пробег на дату Договора: {{number .Vehicle.MileageKm}} км
- Двигатель: {{.Vehicle.EnginePowerHP}} л. с.{{if .Vehicle.EngineVolumeCC}}, {{number .Vehicle.EngineVolumeCC}} см³{{end}}
- Дата приобретения транспортного средства Клиентом: {{date .Vehicle.SoldOn}}

# 3. Покрытие и срок действия гарантии
3.1. Гарантия распространяется на следующие узлы и агрегаты: {{.Coverage}}.
3.2. Срок действия гарантии — {{months .TermMonths}}: с {{date .ValidFrom}} по {{date .ValidTo}} включительно.
{{if .Options}}3.3. В Договор включены дополнительные услуги:
{{range .Options}}- {{.Name}} — {{money .PriceKopecks}}
{{end}}{{end}}
# 4. Стоимость и порядок оплаты
4.1. Стоимость гарантии:
- по тарифу с дополнительными услугами: {{money .GrossKopecks}}
{{if .DiscountKopecks}}- скидка: {{money .DiscountKopecks}}
{{end}}- итого к оплате: {{money .PriceKopecks}} ({{moneyWords .PriceKopecks}})
4.2. Гарантия вступает в силу после оплаты её стоимости в полном объёме.

# 5. Обязанности сторон
5.1. Гарант обязуется:
- рассматривать обращения Клиента по гарантийным случаям в течение 5 (пяти) рабочих дней с момента представления транспортного средства на диагностику;
- организовать ремонт или замену неисправных узлов и агрегатов, указанных в разделе 3, на станции технического обслуживания, согласованной с Гарантом;
- оплачивать стоимость запасных частей и работ по гарантийному случаю.
5.2. Клиент обязуется:
- проходить техническое обслуживание в сроки, установленные производителем, и сохранять подтверждающие документы;
- при обнаружении неисправности прекратить эксплуатацию транспортного средства и в течение 3 (трёх) дней сообщить о ней Гаранту;
- не вносить в конструкцию транспортного средства изменения, не предусмотренные производителем;
- предоставлять транспортное средство для осмотра по требованию Гаранта.

# 6. Исключения
6.1. Гарантия не распространяется на неисправности, вызванные дорожно-транспортным происшествием, внешним воздействием, применением некачественных топлива и эксплуатационных жидкостей, естественным износом расходных материалов, а также использованием транспортного средства в спортивных соревнованиях, в качестве такси или для учебной езды.

# 7. Изменение и расторжение договора
7.1. До окончания календарного месяца, в котором Договор заключён, Клиент вправе добавить дополнительные услуги, изменить тариф или срок гарантии; изменения оформляются дополнительным соглашением.
7.2. Клиент вправе отказаться от Договора в любое время. Порядок возврата денежных средств определяется законодательством Российской Федерации.
7.3. Споры разрешаются путём переговоров, а при недостижении согласия — в суде в соответствии с законодательством Российской Федерации.

# 8. Прочие условия
8.1. Клиент даёт согласие на обработку своих персональных данных в целях исполнения Договора в соответствии с Федеральным законом от 27.07.2006 № 152-ФЗ «О персональных данных».
8.2. Договор составлен в двух экземплярах, имеющих равную юридическую силу, по одному для каждой из Сторон.

# 9. Реквизиты и подписи сторон
[подписи]
Гарант | ` + companyName + ` | ` + companyINNKPP + ` | в лице агента {{.Partner.Name}}, ИНН {{.Partner.INN}} | {{.Partner.LegalAddress}}
Клиент | {{.Customer.FullName}} | {{with .Customer.PassportNumber}}Паспорт {{$.Customer.PassportSeries}} {{.}} | {{end}}Дата рождения: {{date .Customer.BirthDate}} | Телефон: {{.Customer.Phone}}{{with .Customer.Email}} | E-mail: {{.}}{{end}}
`

const invoiceBody = `# Получатель
` + companyName + `, ` + companyINNKPP + `
` + companyAddress + `
Банк получателя: ` + companyBank + `
` + companyAccount + `

# Плательщик
{{.Partner.Name}}, ИНН {{.Partner.INN}}{{with .Partner.KPP}}, КПП {{.}}{{end}}
{{.Partner.LegalAddress}}

| № | Наименование | Кол-во | Сумма |
|---|---|---|---|
{{range $i, $l := .Lines}}| {{inc $i}} | {{$l.Name}} | {{$l.Quantity}} | {{money $l.AmountKopecks}} |
{{end}}
>> Итого: {{money .TotalKopecks}}
>> {{if .VATKopecks}}В том числе НДС: {{money .VATKopecks}}{{else}}Без НДС{{end}}

Всего к оплате: {{moneyWords .TotalKopecks}}.
Основание: договор гарантийного обслуживания № {{.ContractNumber}}, клиент {{.Customer}}.
Счёт подлежит оплате не позднее {{date .DueOn}}. В назначении платежа укажите номер счёта.

[подписи]
Руководитель | ` + companyName + `
Главный бухгалтер | ` + companyName + `
`

const receiptBody = `>> {{date .PaidAt}}

` + companyName + ` подтверждает получение оплаты по договору гарантийного обслуживания № {{.ContractNumber}}.

| Реквизит | Значение |
|---|---|
| Клиент | {{.Customer}} |
| Назначение платежа | {{.Purpose}} |
| Способ оплаты | {{.Method}} |
| Номер операции | {{.Reference}} |
| Дата и время оплаты | {{date .PaidAt}} {{clock .PaidAt}} |
| Салон | {{.Salon.Name}}, г. {{.Salon.City}} |
| Агент | {{.Partner.Name}}, ИНН {{.Partner.INN}} |
| Сумма | {{money .AmountKopecks}} |

Сумма прописью: {{moneyWords .AmountKopecks}}.
Получатель: ` + companyName + `, ` + companyINNKPP + `.
Квитанция сформирована автоматически и действительна без подписи и печати.
`

const addendumBody = `>> г. {{.Salon.City}}, {{longdate .IssuedAt}}

` + guarantorByAgent + `, с одной стороны, и {{.Customer.FullName}}, именуемый(-ая) в дальнейшем «Клиент», с другой стороны, заключили настоящее дополнительное соглашение к договору гарантийного обслуживания № {{.ContractNumber}} от {{date .ContractDate}} (далее — «Договор») о нижеследующем.

# 1. Изменение условий гарантии
1.1. Стороны договорились изменить условия гарантии на транспортное средство {{.Vehicle.Make}} {{.Vehicle.Model}}, VIN {{.Vehicle.VIN}}:

| Условие | Было | Стало |
|---|---|---|
| Тариф | {{.Before.Tariff.Name}} | {{.After.Tariff.Name}} |
| Срок гарантии | {{months .Before.TermMonths}} | {{months .After.TermMonths}} |
| Действует по | {{date .Before.ValidTo}} | {{date .After.ValidTo}} |
| Дополнительные услуги | {{optionNames .Before.Options}} | {{optionNames .After.Options}} |
| Стоимость | {{money .Before.PriceKopecks}} | {{money .After.PriceKopecks}} |

1.2. С даты вступления соглашения в силу гарантия распространяется на: {{.After.Coverage}}.

# 2. Расчёты
{{if gt .DifferenceKopecks 0}}2.1. Клиент доплачивает {{money .DifferenceKopecks}} ({{moneyWords .DifferenceKopecks}}) тем же способом, которым была оплачена гарантия. Соглашение вступает в силу с момента доплаты.{{else if lt .DifferenceKopecks 0}}2.1. Гарант возвращает Клиенту {{money (neg .DifferenceKopecks)}} ({{moneyWords (neg .DifferenceKopecks)}}) тем же способом, которым была оплачена гарантия, в течение 10 (десяти) рабочих дней. Соглашение вступает в силу с даты подписания.{{else}}2.1. Изменение условий не меняет стоимость гарантии. Соглашение вступает в силу с даты подписания.{{end}}

# 3. Заключительные положения
3.1. Остальные условия Договора остаются неизменными. Соглашение является неотъемлемой частью Договора.
3.2. Соглашение составлено в двух экземплярах, имеющих равную юридическую силу, по одному для каждой из Сторон.

[подписи]
Гарант | ` + companyName + ` | в лице агента {{.Partner.Name}}
Клиент | {{.Customer.FullName}} | Телефон: {{.Customer.Phone}}
`

const cancellationBody = `>> г. {{.Salon.City}}, {{longdate .IssuedAt}}

` + guarantorByAgent + `, с одной стороны, и {{.Customer.FullName}}, именуемый(-ая) в дальнейшем «Клиент», с другой стороны, составили настоящий акт о нижеследующем.

1. Договор гарантийного обслуживания № {{.ContractNumber}} от {{date .ContractDate}} в отношении транспортного средства {{.Vehicle.Make}} {{.Vehicle.Model}}, VIN {{.Vehicle.VIN}}, расторгнут {{date .IssuedAt}}.
2. Основание расторжения: {{.Reason}}.
3. Оплачено Клиентом по договору: {{money .PaidKopecks}} ({{moneyWords .PaidKopecks}}).
4. {{if .RefundKopecks}}Сумма к возврату Клиенту: {{money .RefundKopecks}} ({{moneyWords .RefundKopecks}}). Возврат производится тем же способом, которым была произведена оплата, в течение 10 (десяти) рабочих дней.{{else}}Возврат денежных средств не производится.{{end}}
5. С даты расторжения обязательства Сторон по договору прекращаются, за исключением обязательства по возврату денежных средств, указанного в пункте 4.

[подписи]
Гарант | ` + companyName + ` | в лице агента {{.Partner.Name}}
Клиент | {{.Customer.FullName}}
`

const commissionBody = `Агент: {{.Partner.Name}}, ИНН {{.Partner.INN}}{{with .Partner.KPP}}, КПП {{.}}{{end}}
Принципал: ` + companyName + `, ` + companyINNKPP + `
Дата составления: {{date .IssuedAt}}

| № | Договор | Дата | Салон | Клиент | Тариф | Цена | Вознаграждение |
|---|---|---|---|---|---|---|---|
{{range $i, $l := .Lines}}| {{inc $i}} | {{$l.ContractNumber}} | {{date $l.Date}} | {{$l.Salon}} | {{$l.Customer}} | {{$l.Tariff}} | {{money $l.PriceKopecks}} | {{money $l.CommissionKopecks}} |
{{end}}
>> {{plural .SalesCount "Договор" "Договора" "Договоров"}}: {{.SalesCount}}
>> Сумма договоров: {{money .TotalPriceKopecks}}
>> Вознаграждение агента: {{money .TotalCommissionKopecks}}

Сумма вознаграждения прописью: {{moneyWords .TotalCommissionKopecks}}.
Вознаграждение рассчитано по ставке агентского договора от цены каждого оплаченного договора с учётом скидок.

[подписи]
Принципал | ` + companyName + `
Агент | {{.Partner.Name}}
`

const actBody = `>> г. Москва, {{longdate .IssuedAt}}

{{.Partner.Name}} (ИНН {{.Partner.INN}}), именуемое в дальнейшем «Агент», с одной стороны, и ` + companyName + `, именуемое в дальнейшем «Принципал», с другой стороны, составили настоящий акт о нижеследующем.

1. За {{month .Month}} г. Агент от имени и по поручению Принципала заключил с клиентами {{.SalesCount}} {{plural .SalesCount "договор" "договора" "договоров"}} гарантийного обслуживания на общую сумму {{money .TotalPriceKopecks}} ({{moneyWords .TotalPriceKopecks}}).
2. Вознаграждение Агента за отчётный период{{if .VATKopecks}} (в том числе НДС {{money .VATKopecks}}){{else}} (без НДС){{end}} составляет {{money .CommissionKopecks}} ({{moneyWords .CommissionKopecks}}).
3. Услуги оказаны в полном объёме и в срок. Принципал претензий по объёму, качеству и срокам оказания услуг не имеет.
4. Вознаграждение перечисляется Агенту в течение 10 (десяти) рабочих дней с даты подписания акта по реквизитам: {{.Partner.BankName}}, БИК {{.Partner.BIK}}, р/с {{.Partner.BankAccount}}, к/с {{.Partner.CorrAccount}}.
5. Акт составлен в двух экземплярах, имеющих равную юридическую силу, по одному для каждой из Сторон.

[подписи]
Принципал | ` + companyName + ` | ` + companyINNKPP + ` | ` + companyAddress + `
Агент | {{.Partner.Name}} | ИНН {{.Partner.INN}}{{with .Partner.KPP}}, КПП {{.}}{{end}} | {{.Partner.LegalAddress}}
`
