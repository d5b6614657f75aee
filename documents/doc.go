// Package documents renders, stores and archives the PDFs the platform issues: warranty
// contracts, invoices, payment receipts, contract addenda, cancellation acts, commission
// statements and monthly acts.
//
// # Templates
//
// Every kind has admin-editable templates kept in versions (document_templates and
// document_template_versions); the highest published version is current. A template has a
// title and a body, both Go text/template text executed with the kind's data type —
// ContractData for a contract, InvoiceData for an invoice and so on; Placeholders lists
// their fields. A placeholder that does not exist is an error, never a blank in a contract:
// Check runs a template against the kind's sample data before it is saved.
//
//	{{.ContractNumber}}  {{.Partner.Name}}  {{.Salon.City}}  {{.Vehicle.VIN}}
//	{{.Customer.FullName}}  {{.Tariff.Name}}  {{.Coverage}}  {{.TermMonths}}
//
// Functions print values the way Russian business documents do:
//
//	{{money .PriceKopecks}}        58 805,00 руб.
//	{{moneyWords .PriceKopecks}}   Пятьдесят восемь тысяч восемьсот пять рублей 00 копеек
//	{{date .IssuedAt}}             14.03.2026 (also takes "2026-03-14" strings)
//	{{longdate .IssuedAt}}         «14» марта 2026 г.
//	{{clock .PaidAt}}              12:25
//	{{month .Month}}               март 2026
//	{{months .TermMonths}}         24 месяца
//	{{plural .N "договор" "договора" "договоров"}}
//	{{number .Vehicle.MileageKm}}  48 500
//	{{percent 1250}}               12,5 %
//	{{category .Vehicle.Category}} с пробегом
//	{{optionNames .Options}}       Помощь на дороге, Подменный автомобиль (or "—")
//	{{inc $i}}  {{neg .Amount}}  {{join .List ", "}}  {{upper .Text}}
//
// and text/template's own if, with, range, eq, gt, or… work as usual.
//
// # Layout
//
// After execution the body is laid out line by line on A4 pages in the Go fonts, which cover
// Cyrillic:
//
//	# Heading               a bold heading
//	- item                  a list item
//	>> text                 a right-aligned line (a date, a total)
//	| a | b | c |           a table; the first row is its header, |---| rows are skipped
//	(empty line)            vertical space
//	[подписи]               the rest is the signature block: one party per line,
//	Гарант | ООО «…» | ИНН  "role | name | requisites…", laid out side by side
//	any other line          a justified paragraph
//
// The footer carries the title and "Страница N из M". Rendering is deterministic: the same
// template and data give the same bytes.
//
// # Storage
//
// PDFs are stored through gocloud.dev/blob (OpenBucket: a local folder or S3) under
// partners/<partner>/<YYYY-MM>/[<sale>/]<file> and recorded in the documents table; Service
// issues each document once, however often a retried activity asks.
package documents
