package activities_test

import (
	"context"
	"io"
	"log/slog"
	netmail "net/mail"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/uuid"

	"karso.ru/prm/activities"
	"karso.ru/prm/config"
	"karso.ru/prm/mail"
	"karso.ru/prm/payments"
	"karso.ru/prm/testenv"
	"karso.ru/prm/warranty"
)

// The mails the activities send are checked where people read them: a real Mailpit, fed by
// the real sender from the outbox the activities write.

// startMail starts the test's mail server and a sender delivering the outbox to it.
func startMail(t *testing.T) *testenv.Mailpit {
	t.Helper()
	mp, err := testenv.StartMailpit(testenv.MailpitOptions{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(mp.Close)
	relay, err := config.ParseSMTPURL(mp.SMTPURL())
	if err != nil {
		t.Fatal(err)
	}
	from, _ := netmail.ParseAddress(config.DefaultMailFrom)
	s := mail.NewSender(mail.SenderDeps{Pool: pool, SMTP: relay, From: from, Documents: docs,
		Log: slog.New(slog.NewTextHandler(io.Discard, nil)), Options: mail.SenderOptions{Timeout: 5 * time.Second}})
	ctx, cancel := context.WithCancel(context.Background())
	var wg sync.WaitGroup
	wg.Add(1)
	go func() { defer wg.Done(); _ = s.Run(ctx) }()
	t.Cleanup(func() { cancel(); wg.Wait() })
	return mp
}

// inbox waits until the messages to address whose subjects contain marker number want, and
// returns them read whole, oldest first. More than want fails: nobody gets a mail twice.
func inbox(t *testing.T, mp *testenv.Mailpit, address, marker string, want int) []testenv.MailMessage {
	t.Helper()
	return inboxWhere(t, mp, address, want, func(m testenv.MailMessage) bool { return strings.Contains(m.Subject, marker) })
}

// inboxWhere is inbox for the messages match picks.
func inboxWhere(t *testing.T, mp *testenv.Mailpit, address string, want int, match func(testenv.MailMessage) bool) []testenv.MailMessage {
	t.Helper()
	ctx := context.Background()
	read := map[string]testenv.MailMessage{}
	deadline := time.Now().Add(15 * time.Second)
	for {
		list, err := mp.MessagesTo(ctx, address)
		if err != nil {
			t.Fatal(err)
		}
		var out []testenv.MailMessage
		for _, s := range slices.Backward(list) {
			m, ok := read[s.ID]
			if !ok {
				if m, err = mp.Message(ctx, s.ID); err != nil {
					t.Fatal(err)
				}
				read[s.ID] = m
			}
			if match(m) {
				out = append(out, m)
			}
		}
		if len(out) > want {
			t.Fatalf("%d mails to %s, want %d: %v", len(out), address, want, subjects(out))
		}
		if len(out) == want {
			return out
		}
		if time.Now().After(deadline) {
			t.Fatalf("%d of %d mails to %s arrived: %v", len(out), want, address, subjects(out))
		}
		time.Sleep(50 * time.Millisecond)
	}
}

func subjects(ms []testenv.MailMessage) []string {
	var out []string
	for _, m := range ms {
		out = append(out, m.Subject)
	}
	return out
}

func attachmentNames(m testenv.MailMessage) []string {
	var out []string
	for _, a := range m.Attachments {
		out = append(out, a.FileName+" "+a.ContentType)
	}
	return out
}

// The customer is mailed every step of their contract: the payment link, the decline notice
// with the link to pay again, the contract and receipt once paid, the addendum of a change,
// and the cancellation act — each PDF attached, each once however often the activity runs.
func TestCustomerIsMailedEveryDocument(t *testing.T) {
	ctx := context.Background()
	mp := startMail(t)
	a := newActivities(0)
	customer := "customer-" + uuid.NewString()[:8] + "@example.ru"
	s := newSaleOf(t, customer)
	tariff := tariffVersion(t, "basic")
	quote := warranty.Quote{TariffCode: "basic", TermMonths: 24, PriceKopecks: s.Price, CommissionKopecks: 5_279_00}
	contract, err := a.IssueContract(ctx, activities.ContractRequest{SaleID: s.ID, ContractNumber: s.Number, SalonID: s.SalonID,
		TariffVersionID: tariff, Vehicle: s.Vehicle, Customer: s.Customer, TermMonths: 24, Quote: quote,
		IssuedAt: time.Now(), TimeZone: "Europe/Moscow"})
	if err != nil {
		t.Fatal(err)
	}

	paymentID := uuid.NewString()
	attempt := activities.CardAttemptRequest{PaymentID: paymentID, SaleID: s.ID, PartnerID: s.PartnerID,
		Purpose: payments.PurposeSale, Amount: s.Price, Attempt: 1, ContractNumber: s.Number, Customer: s.Customer}
	first, err := a.OpenCardAttempt(ctx, attempt)
	if err != nil {
		t.Fatal(err)
	}
	link := inbox(t, mp, customer, "Оплата по договору гарантии "+s.Number, 1)[0]
	if !strings.Contains(link.Text, "Оплатить картой: "+first.URL) || !strings.Contains(link.HTML, `href="`+first.URL+`"`) {
		t.Errorf("the payment link %s is not in both parts:\n%s\n%s", first.URL, link.Text, link.HTML)
	}
	pay, err := payments.NewStore(pool).Payment(ctx, uuid.MustParse(paymentID))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := sandbox.Charge(ctx, pay.PayToken, "4000 0000 0000 0002"); err != nil {
		t.Fatal(err)
	}
	attempt.Attempt, attempt.PreviousRef = 2, first.ProviderRef
	if _, err := a.OpenCardAttempt(ctx, attempt); err != nil {
		t.Fatal(err)
	}
	retry := inbox(t, mp, customer, "Повторная попытка оплаты", 1)[0]
	if !strings.Contains(retry.Text, "не прошла") || !strings.Contains(retry.Text, first.URL) {
		t.Errorf("decline notice: %s", retry.Text)
	}

	receipt := activities.ReceiptRequest{SaleID: s.ID, PaymentID: paymentID, SalonID: s.SalonID, Number: s.Number + "-1",
		ContractNumber: s.Number, CustomerName: s.Customer.FullName, Purpose: payments.PurposeSale,
		Method: payments.MethodCard, Reference: "pi_sbx_1", Amount: s.Price, PaidAt: time.Now()}
	for range 2 { // a retried activity
		if _, err := a.ArchiveReceipt(ctx, receipt); err != nil {
			t.Fatal(err)
		}
	}
	paid := inbox(t, mp, customer, "оплачен", 1)[0]
	want := []string{"contract-" + s.Number + ".pdf application/pdf", "receipt-" + s.Number + "-1.pdf application/pdf"}
	if got := attachmentNames(paid); !slices.Equal(got, want) {
		t.Errorf("paid mail carries %v, want %v", got, want)
	}
	if contract.ID == "" || !strings.Contains(paid.Text, "Договор вступил в силу") {
		t.Errorf("paid mail: %s", paid.Text)
	}

	before := activities.ContractTermsRequest{TariffVersionID: tariff, TermMonths: 24, Quote: quote}
	after := before
	after.TermMonths, after.Quote.PriceKopecks = 12, s.Price-10_000_00
	if _, err := a.IssueAddendum(ctx, activities.AddendumRequest{SaleID: s.ID, SalonID: s.SalonID, N: 1,
		ContractNumber: s.Number, ContractDate: time.Now(), IssuedAt: time.Now(), TimeZone: "Europe/Moscow",
		Customer: s.Customer, Vehicle: s.Vehicle, Before: before, After: after}); err != nil {
		t.Fatal(err)
	}
	addendum := inbox(t, mp, customer, "Дополнительное соглашение № 1", 1)[0]
	if got := attachmentNames(addendum); !slices.Equal(got, []string{"addendum-1.pdf application/pdf"}) {
		t.Errorf("addendum mail carries %v", got)
	}
	if !strings.Contains(addendum.Text, "будет возвращена") || !strings.Contains(addendum.Text, warranty.FormatRUB(10_000_00)) {
		t.Errorf("addendum mail does not tell of the refund: %s", addendum.Text)
	}

	if _, err := a.ArchiveCancellationAct(ctx, activities.CancellationActRequest{SaleID: s.ID, SalonID: s.SalonID,
		ContractNumber: s.Number, ContractDate: time.Now(), IssuedAt: time.Now(), TimeZone: "Europe/Moscow",
		Customer: s.Customer, Vehicle: s.Vehicle, Reason: "Отказ клиента", Paid: s.Price, Refunded: s.Price}); err != nil {
		t.Fatal(err)
	}
	cancelled := inbox(t, mp, customer, "расторгнут", 1)[0]
	if got := attachmentNames(cancelled); !slices.Equal(got, []string{"cancellation-act.pdf application/pdf"}) {
		t.Errorf("cancellation mail carries %v", got)
	}
	if !strings.Contains(cancelled.Text, "Возврат: "+warranty.FormatRUB(s.Price)) || !strings.Contains(cancelled.Text, "Отказ клиента") {
		t.Errorf("cancellation mail: %s", cancelled.Text)
	}
	inbox(t, mp, customer, s.Number, 5) // and nothing else, nothing twice
}

// The dealer who sold the sale hears of the manager's decision (with the comment), of the
// invoice to pay and of the money; the dealer and finance of a payment that failed for good.
func TestDealerAndFinanceAreMailedTheSalesEvents(t *testing.T) {
	ctx := context.Background()
	mp := startMail(t)
	a := newActivities(0)
	s := newSaleOf(t, "")
	project := func(rev int64, status warranty.SaleStatus, ev activities.SaleEvent) {
		t.Helper()
		now := time.Now()
		quote := warranty.Quote{PriceKopecks: s.Price}
		ev.At = now
		for range 2 { // a retried local activity
			if err := a.ProjectSale(ctx, activities.SaleProjection{Sale: activities.SaleRecord{ID: s.ID,
				WorkflowID: "sale-" + s.ID, Revision: rev, Status: status, ContractNumber: s.Number, PartnerID: s.PartnerID,
				SalonID: s.SalonID, SellerID: s.SellerID, City: "Москва", Customer: &s.Customer, Vehicle: &s.Vehicle, Quote: &quote,
				SaleMonth: warranty.SaleMonth(now, nil), CreatedAt: now, UpdatedAt: now}, Event: ev}); err != nil {
				t.Fatal(err)
			}
		}
	}
	project(2, warranty.StatusDraft, activities.SaleEvent{ActorName: "Петров Пётр", Action: "changes_requested",
		Comment: "Уточните пробег"})
	changes := inbox(t, mp, "dealer@karso.test", "нужно исправить: Kia Rio, VIN "+s.Vehicle.VIN, 1)[0]
	if !strings.Contains(changes.Text, "Что исправить: Уточните пробег") || !strings.Contains(changes.Text, "Петров Пётр") {
		t.Errorf("changes requested: %s", changes.Text)
	}
	project(3, warranty.StatusAwaitingPayment, activities.SaleEvent{ActorName: "Петров Пётр", Action: "approved"})
	inbox(t, mp, "dealer@karso.test", "Продажа согласована: Kia Rio, VIN "+s.Vehicle.VIN, 1)

	paymentID := uuid.NewString()
	if _, err := a.IssueInvoice(ctx, activities.InvoiceRequest{PaymentID: paymentID, SaleID: s.ID, PartnerID: s.PartnerID,
		SalonID: s.SalonID, Purpose: payments.PurposeSale, Amount: s.Price, Number: s.Number + "-1",
		ContractNumber: s.Number, CustomerName: s.Customer.FullName, IssuedAt: time.Now(), DueOn: "2026-04-09"}); err != nil {
		t.Fatal(err)
	}
	invoice := inbox(t, mp, "dealer@karso.test", "Счёт № "+s.Number+"-1", 1)[0]
	if got := attachmentNames(invoice); !slices.Equal(got, []string{"invoice-" + s.Number + "-1.pdf application/pdf"}) {
		t.Errorf("invoice mail carries %v", got)
	}
	if !strings.Contains(invoice.Text, "до 09.04.2026") {
		t.Errorf("invoice mail: %s", invoice.Text)
	}

	cancels := time.Date(2026, time.April, 20, 9, 30, 0, 0, time.UTC)
	project(4, warranty.StatusAwaitingPayment, activities.SaleEvent{Action: "payment_failed", Changes: map[string]any{
		"payment_id": paymentID, "attempt": 4, "decline_code": "insufficient_funds", "cancels_at": cancels.Format(time.RFC3339)}})
	failed := inbox(t, mp, "dealer@karso.test", "Оплата не прошла окончательно: договор "+s.Number, 1)[0]
	if !strings.Contains(failed.Text, "20.04.2026 12:30") || !strings.Contains(failed.Text, "insufficient_funds") ||
		!strings.Contains(failed.Text, warranty.FormatRUB(s.Price)) {
		t.Errorf("payment failed: %s", failed.Text)
	}
	inbox(t, mp, "finance@karso.test", "Оплата не прошла окончательно: договор "+s.Number, 1)

	project(5, warranty.StatusActive, activities.SaleEvent{Action: "activated"})
	received := inbox(t, mp, "dealer@karso.test", "Оплата получена: договор "+s.Number, 1)[0]
	if !strings.Contains(received.HTML, "/sales/"+s.ID) {
		t.Errorf("payment received has no link to the sale: %s", received.HTML)
	}
	// and nothing else, nothing twice
	inboxWhere(t, mp, "dealer@karso.test", 5, func(m testenv.MailMessage) bool { return strings.Contains(m.HTML, "/sales/"+s.ID) })
}

// A manager reads English when their profile says so; the approval mails go to the salon's
// managers, the 48-hour alert to the admins.
func TestApprovalMailsReachTheDecidersInTheirLanguage(t *testing.T) {
	ctx := context.Background()
	mp := startMail(t)
	a := newActivities(0)
	s := newSale(t)
	if _, err := pool.Exec(ctx, `UPDATE users SET locale = 'en' WHERE email = 'manager@karso.test'`); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _, _ = pool.Exec(ctx, `UPDATE users SET locale = 'ru' WHERE email = 'manager@karso.test'`) })
	for _, kind := range []string{activities.NoticeApprovalRequested, activities.NoticeApprovalAlert} {
		if err := a.NotifyApprovers(ctx, activities.ApprovalNotice{SaleID: s.ID, SalonID: s.SalonID, Kind: kind,
			Submission: 1}); err != nil {
			t.Fatal(err)
		}
	}
	// every sale of these tests has the same car: the sale's own link tells its mails apart
	about := func(m testenv.MailMessage) bool { return strings.Contains(m.HTML, "/sales/"+s.ID) }
	request := inboxWhere(t, mp, "manager@karso.test", 1, about)[0]
	if !strings.HasPrefix(request.Subject, "A sale waits for your approval: Kia Rio") || !strings.Contains(request.Text, "Karso LLC") {
		t.Errorf("the manager reads English: %s\n%s", request.Subject, request.Text)
	}
	alert := inboxWhere(t, mp, "admin@karso.test", 1, about)[0]
	if !strings.HasPrefix(alert.Subject, "Внимание: продажа ждёт согласования 48 часов") {
		t.Errorf("alert: %s", alert.Subject)
	}
}

// A closed month reaches the partner's dealers with the commission statement and the act as
// PDFs (their Excel copies stay in the archive).
func TestClosedMonthIsMailedWithItsStatementAndAct(t *testing.T) {
	ctx := context.Background()
	mp := startMail(t)
	m := newClosingMonth(t)
	a := newActivities(closingVAT)
	if err := a.StartPartnerClosing(ctx, m.PartnerClosing); err != nil {
		t.Fatal(err)
	}
	docs, err := a.IssueClosingDocuments(ctx, m.PartnerClosing)
	if err != nil {
		t.Fatal(err)
	}
	if err := a.NotifyClosing(ctx, activities.ClosingNotice{PartnerClosing: m.PartnerClosing, Documents: docs,
		Matched: true}); err != nil {
		t.Fatal(err)
	}
	var dealer string
	if err := pool.QueryRow(ctx, `SELECT email FROM users WHERE id = $1`, m.dealerID).Scan(&dealer); err != nil {
		t.Fatal(err)
	}
	closed := inbox(t, mp, dealer, "Месяц 2025-06 закрыт", 1)[0]
	want := []string{"commission-statement-2025-06.pdf application/pdf", "act-2025-06.pdf application/pdf"}
	if got := attachmentNames(closed); !slices.Equal(got, want) {
		t.Errorf("the closing mail carries %v, want %v", got, want)
	}
	if !strings.Contains(closed.Text, "Договоров: 3") || !strings.Contains(closed.Text, "сходится") {
		t.Errorf("closing mail: %s", closed.Text)
	}
}
