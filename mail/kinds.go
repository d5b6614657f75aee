package mail

import "karso.ru/prm/warranty"

// The kinds of mail the sales and closings send, each with the data its template prints.
// A kind is the name of its template file (templates/<kind>.tmpl); every kind has a test
// that renders it in both languages (templates_test.go).
const (
	// KindApprovalRequested tells a salon's managers that a flagged sale waits for them.
	KindApprovalRequested = "approval_requested"
	// KindApprovalReminder reminds them after 24 hours.
	KindApprovalReminder = "approval_reminder"
	// KindApprovalAlert alerts the admins after 48 hours.
	KindApprovalAlert = "approval_alert"
	// KindSaleApproved, KindChangesRequested and KindSaleRejected tell the dealer who sold
	// the sale what the manager decided.
	KindSaleApproved     = "sale_approved"
	KindChangesRequested = "changes_requested"
	KindSaleRejected     = "sale_rejected"
	// KindPaymentLink invites the customer to pay by card (the sale or an upsell).
	KindPaymentLink = "payment_link"
	// KindPaymentRetry is the decline notice and dunning reminder: the previous attempt did
	// not go through, here is the link to pay again.
	KindPaymentRetry = "payment_retry"
	// KindInvoiceIssued sends the invoice PDF to the dealer whose partner pays by transfer.
	KindInvoiceIssued = "invoice_issued"
	// KindInvoiceOverdue reminds the dealer and finance of an invoice past its due date.
	KindInvoiceOverdue = "invoice_overdue"
	// KindContractPaid sends the customer the contract and the receipt once the sale is paid.
	KindContractPaid = "contract_paid"
	// KindUpsellReceipt sends the customer the receipt of an upsell's payment.
	KindUpsellReceipt = "upsell_receipt"
	// KindPaymentReceived tells the dealer that the customer's money arrived.
	KindPaymentReceived = "payment_received"
	// KindPaymentFailed tells the dealer and finance that a payment failed for good.
	KindPaymentFailed = "payment_failed"
	// KindAddendum sends the customer the addendum of an upsell or a tariff change.
	KindAddendum = "addendum"
	// KindCancellation sends the customer the cancellation act and what was refunded.
	KindCancellation = "cancellation"
	// KindMonthClosed tells a partner's dealers and finance that the month's statement and act
	// are in the archive (the PDFs attached).
	KindMonthClosed = "month_closed"
	// KindLedgerMismatch alerts finance that a closed month's ledger differs from its sales.
	KindLedgerMismatch = "closing_ledger_mismatch"
)

// confidentialKinds are the kinds whose body holds a secret for its recipient alone (a
// password-reset link signs its bearer in): the «Почта» page shows that they were sent, never
// what they say.
var confidentialKinds = map[string]bool{"password_reset": true}

// Confidential reports whether the body of a kind of mail is for its recipient's eyes only.
func Confidential(kind string) bool { return confidentialKinds[kind] }

// SaleNotice is what the approval mails say of a sale.
type SaleNotice struct {
	Vehicle, VIN, Customer, Salon, Partner string
	// URL opens the sale in the cabinet.
	URL string
}

// Decision is a manager's decision on a sale, for the dealer who sold it.
type Decision struct {
	SaleNotice
	// Manager is who decided; Comment is what they wrote (required for changes and rejections).
	Manager, Comment string
	ContractNumber   string
}

// PaymentLink is a card payment the customer is invited to make.
type PaymentLink struct {
	CustomerName   string
	ContractNumber string
	Amount         warranty.Kopecks
	// Upsell: the payment is the extra of an upsell or a tariff change, not the sale's price.
	Upsell bool
	// Attempt numbers the tries; the retry mail is sent for the second and later ones.
	Attempt int
	PayURL  string
}

// Invoice is an invoice issued to the partner, for the dealer who sold the sale.
type Invoice struct {
	Number, ContractNumber, CustomerName string
	Amount                               warranty.Kopecks
	// DueOn is the last day to pay, YYYY-MM-DD.
	DueOn  string
	Upsell bool
	URL    string
}

// OverdueInvoice is reminder N of an invoice not paid by its due date.
type OverdueInvoice struct {
	ContractNumber string
	Amount         warranty.Kopecks
	DueOn          string
	N              int
	URL            string
}

// Paid is a payment received, for the customer (with the documents attached) or the dealer.
type Paid struct {
	CustomerName, ContractNumber string
	Vehicle, VIN                 string
	Amount                       warranty.Kopecks
	// ReceiptNumber names the receipt attached (the customer's mail).
	ReceiptNumber string
	// URL opens the sale in the cabinet (the dealer's mail).
	URL string
}

// PaymentFailure is a payment whose last attempt failed.
type PaymentFailure struct {
	ContractNumber, CustomerName string
	Amount                       warranty.Kopecks
	DeclineCode                  string
	// CancelsAt is when the sale is cancelled unless finance acts, as the company's clock
	// prints it ("28.07.2026 14:05"); empty for an upsell's payment.
	CancelsAt string
	URL       string
}

// Addendum is change N of a contract, for the customer.
type Addendum struct {
	CustomerName, ContractNumber string
	N                            int
	// Difference is the new price less the old: paid when positive, refunded when negative.
	Difference warranty.Kopecks
	TariffName string
	TermMonths int
}

// Refund is the amount a negative difference returns.
func (a Addendum) Refund() warranty.Kopecks { return -a.Difference }

// Cancellation is a cancelled contract, for the customer.
type Cancellation struct {
	CustomerName, ContractNumber, Reason string
	Paid, Refunded                       warranty.Kopecks
}

// MonthClosed is a partner's closed month.
type MonthClosed struct {
	// Month is "2026-03".
	Month, Partner              string
	SalesCount                  int
	TotalPrice, TotalCommission warranty.Kopecks
	// Matched: the ledger agreed with the sales.
	Matched bool
	URL     string
}

// LedgerMismatch lists the sales of a closed month whose ledger differs.
type LedgerMismatch struct {
	Month, Partner string
	Count          int
	Lines          []MismatchLine
	// More is how many differences are not listed.
	More int
}

// MismatchLine is one sale whose ledger differs from its figures.
type MismatchLine struct {
	Contract, SaleID, Status             string
	ExpectedPrice, LedgerPrice           warranty.Kopecks
	ExpectedCommission, LedgerCommission warranty.Kopecks
}

// The kinds of mail an announcement sends (workflows/news.go); each is also the reader's notice
// in the bell, by the outbox trigger.
const (
	// KindNewsPublished tells the audience an announcement is out.
	KindNewsPublished = "news_published"
	// KindNewsReminder reminds who has not acknowledged an announcement.
	KindNewsReminder = "news_reminder"
	// KindNewsEscalation tells the managers whose dealers still have not acknowledged.
	KindNewsEscalation = "news_escalation"
)

// NewsNotice is what the announcement mails say.
type NewsNotice struct {
	Title string
	// RequiresAck asks the reader to press «Ознакомлен».
	RequiresAck bool
	// Pending is how many of a manager's dealers have not acknowledged (the escalation).
	Pending int64
	// URL opens the announcement in the cabinet.
	URL string
}
