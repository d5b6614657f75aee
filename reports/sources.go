package reports

import (
	"slices"
)

// Kind is how a column's values are typed and shown.
type Kind string

// The kinds of report columns.
const (
	KindText     Kind = "text"
	KindInt      Kind = "int"
	KindMoney    Kind = "money"    // int64 kopecks, shown in roubles
	KindDate     Kind = "date"     // time.Time, shown as a date in the company's zone
	KindDateTime Kind = "datetime" // time.Time, shown as a date and time in the company's zone
	KindPercent  Kind = "percent"  // int64 basis points, shown as a percentage
)

// Column is one column of a report as the caller sees it.
type Column struct {
	Key   string `json:"key"`
	Title string `json:"title"`
	Kind  Kind   `json:"kind"`
}

// columnDef is a column a source offers: how to read it and how it behaves when rows are
// grouped.
type columnDef struct {
	key   string
	title [2]string // Russian, English
	kind  Kind
	// sql reads the column from the source's row (aliases s, sa, p, u, pay).
	sql string
	// sum marks a measure: summed in the totals, and in grouped reports.
	sum bool
	// count marks the row count of a grouped report; it has no detail value.
	count bool
	// dims are the groupings under which this column describes the group (a partner's name
	// describes a partner, a salon's city describes a salon).
	dims []string
	// words translates the stored codes of the column for documents.
	words map[string][2]string
}

// source is where a report's rows come from: a table, the joins its columns need, how its
// rows are scoped to the caller, the moments a period can apply to and how rows group.
type source struct {
	name string
	from string
	// scope keeps the rows the caller may see; $1, $2, $3 are role, user id and partner.
	scope string
	// dateFields are the moments a report's period may apply to, by key.
	dateFields map[string]string
	// statuses a template or a query may keep.
	statuses []string
	// statusSQL is the status column the statuses filter.
	statusSQL string
	// groupings are the keys rows can be grouped by.
	groupings map[string]string
	// filters are the query filters the source understands, and the column each filters.
	filters map[string]string
	// id orders rows with equal moments, so pages never overlap.
	id      string
	columns []columnDef
}

func (s *source) column(key string) (columnDef, bool) {
	i := slices.IndexFunc(s.columns, func(c columnDef) bool { return c.key == key })
	if i < 0 {
		return columnDef{}, false
	}
	return s.columns[i], true
}

// The scope predicate skips the visible_salons call for the roles that see everything.
const salesScope = `($1::text IN ('admin', 'finance') OR s.salon_id IN (SELECT visible_salons($1, $2, $3)))`

var saleStatuses = []string{"draft", "pending_approval", "rejected", "expired", "awaiting_payment", "active", "closed", "cancelled"}

var salesSource = &source{
	name: "sales",
	from: `sales s JOIN salons sa ON sa.id = s.salon_id JOIN partners p ON p.id = s.partner_id
	       LEFT JOIN users u ON u.id = s.seller_id`,
	scope: salesScope,
	dateFields: map[string]string{"created_at": "s.created_at", "submitted_at": "s.submitted_at",
		"activated_at": "s.activated_at", "cancelled_at": "s.cancelled_at", "closed_at": "s.closed_at"},
	statuses:  saleStatuses,
	statusSQL: "s.status",
	groupings: map[string]string{"partner": "s.partner_id", "salon": "s.salon_id", "city": "s.city",
		"tariff": "s.tariff_code", "category": "s.vehicle_category", "status": "s.status", "seller": "s.seller_id"},
	filters: map[string]string{"partner_id": "s.partner_id", "salon_id": "s.salon_id", "city": "s.city",
		"tariff_code": "s.tariff_code"},
	id: "s.id",
	columns: []columnDef{
		{key: "contract_number", title: [2]string{"№ договора", "Contract"}, kind: KindText, sql: "coalesce(s.contract_number, '')"},
		{key: "status", title: [2]string{"Статус", "Status"}, kind: KindText, sql: "s.status", dims: []string{"status"}, words: saleStatusLabels},
		{key: "created_at", title: [2]string{"Создана", "Created"}, kind: KindDateTime, sql: "s.created_at"},
		{key: "submitted_at", title: [2]string{"Оформлена", "Submitted"}, kind: KindDateTime, sql: "s.submitted_at"},
		{key: "activated_at", title: [2]string{"Оплачена", "Paid"}, kind: KindDateTime, sql: "s.activated_at"},
		{key: "cancelled_at", title: [2]string{"Расторгнута", "Cancelled"}, kind: KindDateTime, sql: "s.cancelled_at"},
		{key: "closed_at", title: [2]string{"Закрыта", "Closed"}, kind: KindDateTime, sql: "s.closed_at"},
		{key: "sale_month", title: [2]string{"Месяц продажи", "Sale month"}, kind: KindText, sql: "to_char(s.sale_month, 'YYYY-MM')"},
		{key: "partner_name", title: [2]string{"Партнёр", "Partner"}, kind: KindText, sql: "p.name", dims: []string{"partner", "salon", "seller"}},
		{key: "partner_inn", title: [2]string{"ИНН партнёра", "Partner INN"}, kind: KindText, sql: "p.inn", dims: []string{"partner", "salon", "seller"}},
		{key: "salon_name", title: [2]string{"Салон", "Salon"}, kind: KindText, sql: "sa.name", dims: []string{"salon"}},
		{key: "city", title: [2]string{"Город", "City"}, kind: KindText, sql: "s.city", dims: []string{"city", "salon"}},
		{key: "region", title: [2]string{"Регион", "Region"}, kind: KindText, sql: "sa.region", dims: []string{"salon"}},
		{key: "seller_name", title: [2]string{"Продавец", "Seller"}, kind: KindText, sql: "coalesce(u.full_name, '')", dims: []string{"seller"}},
		{key: "customer_name", title: [2]string{"Клиент", "Customer"}, kind: KindText, sql: "s.customer_name"},
		{key: "customer_phone", title: [2]string{"Телефон клиента", "Customer phone"}, kind: KindText, sql: "s.customer_phone"},
		{key: "vehicle", title: [2]string{"Автомобиль", "Vehicle"}, kind: KindText, sql: "btrim(s.make || ' ' || s.model)"},
		{key: "vin", title: [2]string{"VIN", "VIN"}, kind: KindText, sql: "s.vin"},
		{key: "vehicle_category", title: [2]string{"Категория", "Category"}, kind: KindText, sql: "s.vehicle_category", dims: []string{"category"}},
		{key: "tariff_code", title: [2]string{"Тариф", "Tariff"}, kind: KindText, sql: "s.tariff_code", dims: []string{"tariff"}},
		{key: "term_months", title: [2]string{"Срок, мес.", "Term, months"}, kind: KindInt, sql: "coalesce(s.term_months, 0)::bigint"},
		{key: "sales_count", title: [2]string{"Продаж", "Sales"}, kind: KindInt, count: true},
		{key: "gross_kopecks", title: [2]string{"Цена без скидки", "Gross"}, kind: KindMoney, sql: "s.gross_kopecks", sum: true},
		{key: "discount_kopecks", title: [2]string{"Скидка", "Discount"}, kind: KindMoney, sql: "s.discount_kopecks", sum: true},
		{key: "price_kopecks", title: [2]string{"Цена", "Price"}, kind: KindMoney, sql: "s.price_kopecks", sum: true},
		{key: "commission_kopecks", title: [2]string{"Комиссия", "Commission"}, kind: KindMoney, sql: "s.commission_kopecks", sum: true},
		{key: "upsell_kopecks", title: [2]string{"Допродажи", "Upsell"}, kind: KindMoney, sql: "s.upsell_kopecks", sum: true},
	},
}

var paymentStatuses = []string{"pending", "retrying", "succeeded", "failed", "refunded", "voided"}

var paymentsSource = &source{
	name:       "payments",
	from:       `payments pay JOIN sales s ON s.id = pay.sale_id JOIN partners p ON p.id = pay.partner_id`,
	scope:      salesScope,
	dateFields: map[string]string{"created_at": "pay.created_at", "paid_at": "pay.paid_at"},
	statuses:   paymentStatuses,
	statusSQL:  "pay.status",
	groupings: map[string]string{"partner": "pay.partner_id", "method": "pay.method", "status": "pay.status",
		"purpose": "pay.purpose"},
	filters: map[string]string{"partner_id": "pay.partner_id", "salon_id": "s.salon_id", "city": "s.city",
		"tariff_code": "s.tariff_code", "method": "pay.method", "purpose": "pay.purpose"},
	id: "pay.id",
	columns: []columnDef{
		{key: "created_at", title: [2]string{"Создан", "Created"}, kind: KindDateTime, sql: "pay.created_at"},
		{key: "paid_at", title: [2]string{"Оплачен", "Paid"}, kind: KindDateTime, sql: "pay.paid_at"},
		{key: "due_on", title: [2]string{"Срок оплаты", "Due"}, kind: KindDate, sql: "pay.due_on"},
		{key: "contract_number", title: [2]string{"№ договора", "Contract"}, kind: KindText, sql: "coalesce(s.contract_number, '')"},
		{key: "partner_name", title: [2]string{"Партнёр", "Partner"}, kind: KindText, sql: "p.name", dims: []string{"partner"}},
		{key: "partner_inn", title: [2]string{"ИНН партнёра", "Partner INN"}, kind: KindText, sql: "p.inn", dims: []string{"partner"}},
		{key: "customer_name", title: [2]string{"Клиент", "Customer"}, kind: KindText, sql: "s.customer_name"},
		{key: "purpose", title: [2]string{"Назначение", "Purpose"}, kind: KindText, sql: "pay.purpose", dims: []string{"purpose"}, words: paymentWords},
		{key: "method", title: [2]string{"Способ", "Method"}, kind: KindText, sql: "pay.method", dims: []string{"method"}, words: paymentWords},
		{key: "status", title: [2]string{"Статус", "Status"}, kind: KindText, sql: "pay.status", dims: []string{"status"}, words: paymentWords},
		{key: "attempts", title: [2]string{"Попыток", "Attempts"}, kind: KindInt, sql: "pay.attempts::bigint"},
		{key: "provider", title: [2]string{"Провайдер", "Provider"}, kind: KindText, sql: "pay.provider"},
		{key: "provider_ref", title: [2]string{"Идентификатор платежа", "Provider reference"}, kind: KindText, sql: "pay.provider_ref"},
		{key: "reference", title: [2]string{"Основание", "Reference"}, kind: KindText, sql: "pay.reference"},
		{key: "payments_count", title: [2]string{"Платежей", "Payments"}, kind: KindInt, count: true},
		{key: "amount_kopecks", title: [2]string{"Сумма", "Amount"}, kind: KindMoney, sql: "pay.amount_kopecks", sum: true},
	},
}

var sources = map[string]*source{salesSource.name: salesSource, paymentsSource.name: paymentsSource}

// SourceInfo describes a report source for the template editor: its columns, the moments a
// period may apply to, the statuses and the groupings.
type SourceInfo struct {
	Name       string   `json:"name"`
	Columns    []Column `json:"columns"`
	DateFields []string `json:"date_fields"`
	Statuses   []string `json:"statuses"`
	Groupings  []string `json:"groupings"`
	Filters    []string `json:"filters"`
}

// Sources lists what report templates can be built from.
func Sources(lang string) []SourceInfo {
	var out []SourceInfo
	for _, name := range []string{"sales", "payments"} {
		s := sources[name]
		info := SourceInfo{Name: name, Statuses: s.statuses, DateFields: sortedKeys(s.dateFields),
			Groupings: sortedKeys(s.groupings), Filters: sortedKeys(s.filters)}
		for _, c := range s.columns {
			info.Columns = append(info.Columns, Column{Key: c.key, Title: tr(lang, c.title[0], c.title[1]), Kind: c.kind})
		}
		out = append(out, info)
	}
	return out
}

func sortedKeys(m map[string]string) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}
