package activities_test

import (
	"context"
	"errors"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/google/uuid"
	"go.temporal.io/sdk/temporal"

	"karso.ru/prm/activities"
	"karso.ru/prm/ledger"
	"karso.ru/prm/payments"
	"karso.ru/prm/warranty"
)

func errType(err error) string {
	var app *temporal.ApplicationError
	if errors.As(err, &app) {
		return app.Type()
	}
	return ""
}

// A worker that dies after the posting committed and before it reported is retried: the
// retry, and any concurrent duplicate, posts nothing more.
func TestSalePaidIsPostedOnceWhateverTheRetries(t *testing.T) {
	ctx := context.Background()
	a := newActivities(2000)
	s := newSale(t)
	in := activities.SalePosting{SaleID: s.ID, PartnerID: s.PartnerID, PaymentID: uuid.NewString(),
		Method: payments.MethodCard, Price: s.Price, Commission: 5_279_00}

	first, err := a.PostSalePaid(ctx, in)
	if err != nil {
		t.Fatal(err)
	}
	ids := make([]string, 4)
	var wg sync.WaitGroup
	for i := range ids {
		wg.Go(func() {
			id, err := a.PostSalePaid(ctx, in)
			if err != nil {
				t.Errorf("retry %d: %v", i, err)
			}
			ids[i] = id
		})
	}
	wg.Wait()
	for i, id := range ids {
		if id != first {
			t.Errorf("retry %d posted %s, the first posting is %s", i, id, first)
		}
	}
	if n := count(t, `SELECT count(*) FROM ledger_postings WHERE sale_id = $1`, s.ID); n != 1 {
		t.Fatalf("%d postings for one paid sale", n)
	}
	b := balances(t, s.ID)
	vat := int64(ledger.VATIncluded(s.Price, 2000))
	if b["cash"] != int64(s.Price) || b["vat_payable"] != -vat || b["revenue"] != -(int64(s.Price)-vat) ||
		b["commission_expense"] != 5_279_00 || b["commission_payable"] != -5_279_00 {
		t.Errorf("balances %v", b)
	}
}

func TestInvoicePaidIsPostedAndSettled(t *testing.T) {
	ctx := context.Background()
	a := newActivities(0)
	s := newSale(t)
	in := activities.SalePosting{SaleID: s.ID, PartnerID: s.PartnerID, PaymentID: uuid.NewString(),
		Method: payments.MethodInvoice, Price: s.Price, Commission: 5_279_00}
	for range 2 {
		if _, err := a.PostSalePaid(ctx, in); err != nil {
			t.Fatal(err)
		}
	}
	if n := count(t, `SELECT count(*) FROM ledger_postings WHERE sale_id = $1`, s.ID); n != 2 {
		t.Errorf("%d postings, want the sale and the invoice's settlement", n)
	}
	if b := balances(t, s.ID); b["cash"] != int64(s.Price) || b["receivable"] != 0 || b["revenue"] != -int64(s.Price) {
		t.Errorf("balances %v", b)
	}
}

func TestCancelledSaleNetsEveryAccountToZero(t *testing.T) {
	ctx := context.Background()
	a := newActivities(2000)
	s := newSale(t)
	if _, err := a.PostSalePaid(ctx, activities.SalePosting{SaleID: s.ID, PartnerID: s.PartnerID,
		PaymentID: uuid.NewString(), Method: payments.MethodCard, Price: s.Price, Commission: 5_279_00}); err != nil {
		t.Fatal(err)
	}
	// a downgrade refunded part of the price
	if _, err := a.PostAdjustment(ctx, activities.AdjustmentPosting{SaleID: s.ID, PartnerID: s.PartnerID, Ref: "change-1",
		Method: payments.MethodCard, PriceDelta: -10_000_00, CommissionDelta: -1_000_00}); err != nil {
		t.Fatal(err)
	}
	for range 2 {
		n, err := a.ReverseSalePostings(ctx, s.ID)
		if err != nil || n != 2 {
			t.Fatalf("reverse: %d postings, %v", n, err)
		}
	}
	if n := count(t, `SELECT count(*) FROM ledger_postings WHERE sale_id = $1 AND kind = 'reversal'`, s.ID); n != 2 {
		t.Errorf("%d reversals, want one per posting", n)
	}
	for account, sum := range balances(t, s.ID) {
		if sum != 0 {
			t.Errorf("%s is %d after the cancellation", account, sum)
		}
	}
}

// Opening an attempt twice (a retried activity) opens one intent and sends one mail; the next
// attempt is a new intent, and the customer pays it on the sandbox page; a refund is made
// once, however often it is asked.
func TestCardAttemptsPaymentAndRefund(t *testing.T) {
	ctx := context.Background()
	a := newActivities(0)
	s := newSale(t)
	paymentID := uuid.NewString()
	req := activities.CardAttemptRequest{PaymentID: paymentID, SaleID: s.ID, PartnerID: s.PartnerID,
		Purpose: payments.PurposeSale, Amount: s.Price, Attempt: 1, ContractNumber: s.Number, Customer: s.Customer}
	first, err := a.OpenCardAttempt(ctx, req)
	if err != nil {
		t.Fatal(err)
	}
	again, err := a.OpenCardAttempt(ctx, req)
	if err != nil || again != first {
		t.Fatalf("a retried attempt opened %+v, the first %+v (%v)", again, first, err)
	}
	mails := `SELECT count(*) FROM mail_outbox WHERE sale_id = $1 AND kind IN ('payment_link', 'payment_retry') AND to_address = 's.ivanov@example.ru'`
	if n := count(t, mails, s.ID); n != 1 {
		t.Errorf("%d mails for one attempt", n)
	}
	st := payments.NewStore(pool)
	p, _ := st.Payment(ctx, uuid.MustParse(paymentID))
	if first.URL != "https://karso.test/pay/"+p.PayToken || len(p.Attempts) != 1 || p.Status != payments.StatusPending {
		t.Fatalf("payment %+v, url %s", p, first.URL)
	}

	declined, err := sandbox.Charge(ctx, p.PayToken, "4000 0000 0000 0002")
	if err != nil || declined.Succeeded() || declined.DeclineCode != "card_declined" {
		t.Fatalf("decline: %+v %v", declined, err)
	}
	next := time.Now().Add(time.Hour).Truncate(time.Second)
	if err := a.SetPaymentStatus(ctx, activities.PaymentStatusChange{PaymentID: paymentID, Status: payments.StatusRetrying,
		NextRetryAt: &next}); err != nil {
		t.Fatal(err)
	}
	req.Attempt, req.PreviousRef = 2, first.ProviderRef
	second, err := a.OpenCardAttempt(ctx, req)
	if err != nil || second.ProviderRef == first.ProviderRef || second.URL != first.URL {
		t.Fatalf("second attempt %+v (%v)", second, err)
	}
	if n := count(t, mails, s.ID); n != 2 {
		t.Errorf("%d mails after the retry", n)
	}
	paid, err := sandbox.Charge(ctx, p.PayToken, "4242 4242 4242 4242")
	if err != nil || !paid.Succeeded() || paid.Attempt != 2 {
		t.Fatalf("pay: %+v %v", paid, err)
	}

	// a paid payment cannot be voided: it must be refunded
	err = a.VoidPayment(ctx, activities.PaymentVoid{PaymentID: paymentID, OpenRef: second.ProviderRef})
	if errType(err) != activities.ErrTypePaymentCaptured {
		t.Errorf("voiding a paid payment: %v", err)
	}
	refund := activities.RefundRequest{SaleID: s.ID, PartnerID: s.PartnerID, PaymentID: paymentID,
		Method: payments.MethodCard, Amount: 10_000_00, Key: "karso-refund-test-" + paymentID, PostRefundPaid: true}
	r1, err := a.RefundPayment(ctx, refund)
	if err != nil {
		t.Fatal(err)
	}
	r2, err := a.RefundPayment(ctx, refund)
	if err != nil || r2 != r1 || r1.Ref == "" {
		t.Errorf("refund retried: %+v then %+v (%v)", r1, r2, err)
	}
	if n := count(t, `SELECT count(*) FROM ledger_postings WHERE sale_id = $1 AND kind = 'refund_paid'`, s.ID); n != 1 {
		t.Errorf("%d refund postings", n)
	}
	refund.Amount, refund.Key, refund.Full, refund.PostRefundPaid = s.Price-10_000_00, "karso-refund-rest-"+paymentID, true, false
	if _, err := a.RefundPayment(ctx, refund); err != nil {
		t.Fatal(err)
	}
	if p, _ := st.Payment(ctx, uuid.MustParse(paymentID)); p.Status != payments.StatusRefunded {
		t.Errorf("fully refunded payment is %s", p.Status)
	}
}

func TestOpenInvoiceIsVoidedWithItsDocument(t *testing.T) {
	ctx := context.Background()
	a := newActivities(2000)
	s := newSale(t)
	paymentID := uuid.NewString()
	doc, err := a.IssueInvoice(ctx, activities.InvoiceRequest{PaymentID: paymentID, SaleID: s.ID, PartnerID: s.PartnerID,
		SalonID: s.SalonID, Purpose: payments.PurposeSale, Amount: s.Price, Number: s.Number + "-1",
		ContractNumber: s.Number, CustomerName: s.Customer.FullName, IssuedAt: time.Now(), DueOn: "2026-04-09"})
	if err != nil {
		t.Fatal(err)
	}
	var due time.Time
	var kind string
	if err := pool.QueryRow(ctx, `SELECT p.due_on, d.kind FROM payments p, documents d WHERE p.id = $1 AND d.id = $2`,
		paymentID, doc.ID).Scan(&due, &kind); err != nil {
		t.Fatal(err)
	}
	if due.Format("2006-01-02") != "2026-04-09" || kind != "invoice" {
		t.Errorf("invoice due %v kind %s", due, kind)
	}
	if err := a.VoidPayment(ctx, activities.PaymentVoid{PaymentID: paymentID, InvoiceDocumentID: doc.ID}); err != nil {
		t.Fatal(err)
	}
	if n := count(t, `SELECT count(*) FROM documents WHERE id = $1 AND voided_at IS NOT NULL`, doc.ID); n != 1 {
		t.Error("the invoice is not voided")
	}
	if p, _ := payments.NewStore(pool).Payment(ctx, uuid.MustParse(paymentID)); p.Status != payments.StatusVoided {
		t.Errorf("the payment is %s", p.Status)
	}
}

// The archive's documents of the payment stage render with their default templates and are
// filed under the partner and the month.
func TestArchiveDocumentsOfAPaidAndCancelledSale(t *testing.T) {
	ctx := context.Background()
	a := newActivities(0)
	s := newSale(t)
	paidAt := time.Date(2026, time.March, 31, 23, 30, 0, 0, time.UTC) // 1 April in Moscow
	receipt, err := a.ArchiveReceipt(ctx, activities.ReceiptRequest{SaleID: s.ID, PaymentID: uuid.NewString(),
		SalonID: s.SalonID, Number: s.Number + "-1", ContractNumber: s.Number, CustomerName: s.Customer.FullName,
		Purpose: payments.PurposeSale, Method: payments.MethodCard, Reference: "pi_sbx_1", Amount: s.Price, PaidAt: paidAt})
	if err != nil {
		t.Fatal(err)
	}
	var blobKey string
	if err := pool.QueryRow(ctx, `SELECT blob_key FROM documents WHERE id = $1`, receipt.ID).Scan(&blobKey); err != nil {
		t.Fatal(err)
	}
	if want := "partners/" + itoa(s.PartnerID) + "/2026-04/" + s.ID + "/receipt-" + s.Number + "-1.pdf"; blobKey != want {
		t.Errorf("receipt filed as %s, want %s", blobKey, want)
	}
	before := activities.ContractTermsRequest{TariffVersionID: tariffVersion(t, "basic"), TermMonths: 24,
		Quote: warranty.Quote{PriceKopecks: s.Price, Options: []warranty.QuoteOption{{Code: "roadside", Name: "Помощь на дороге", PriceKopecks: 2_900_00}}}}
	after := before
	after.TermMonths, after.Quote.PriceKopecks = 12, s.Price-10_000_00
	addendum, err := a.IssueAddendum(ctx, activities.AddendumRequest{SaleID: s.ID, SalonID: s.SalonID, N: 1,
		ContractNumber: s.Number, ContractDate: paidAt, IssuedAt: paidAt.Add(time.Hour), TimeZone: "Europe/Moscow",
		Customer: s.Customer, Before: before, After: after})
	if err != nil {
		t.Fatal(err)
	}
	act, err := a.ArchiveCancellationAct(ctx, activities.CancellationActRequest{SaleID: s.ID, SalonID: s.SalonID,
		ContractNumber: s.Number, ContractDate: paidAt, IssuedAt: paidAt.Add(2 * time.Hour), TimeZone: "Europe/Moscow",
		Customer: s.Customer, Reason: "Отказ клиента", Paid: s.Price, Refunded: s.Price})
	if err != nil {
		t.Fatal(err)
	}
	if err := a.VoidDocuments(ctx, []string{addendum.ID, addendum.ID}); err != nil {
		t.Fatal(err)
	}
	kinds := count(t, `SELECT count(DISTINCT kind) FROM documents WHERE sale_id = $1 AND kind IN ('receipt', 'addendum', 'cancellation_act')`, s.ID)
	if kinds != 3 || act.ID == "" {
		t.Errorf("%d kinds archived", kinds)
	}
	if n := count(t, `SELECT count(*) FROM documents WHERE id = $1 AND voided_at IS NOT NULL`, addendum.ID); n != 1 {
		t.Error("the addendum is not voided")
	}
}

func TestOverdueInvoiceRemindsTheDealerAndTasksTheManagers(t *testing.T) {
	ctx := context.Background()
	a := newActivities(0)
	s := newSale(t)
	r := activities.OverdueReminder{SaleID: s.ID, PaymentID: uuid.NewString(), SalonID: s.SalonID, SellerID: s.SellerID,
		N: 1, ContractNumber: s.Number, DueOn: "2026-03-24", Amount: s.Price}
	for range 2 {
		if err := a.RemindOverdueInvoice(ctx, r); err != nil {
			t.Fatal(err)
		}
	}
	if n := count(t, `SELECT count(*) FROM mail_outbox WHERE sale_id = $1 AND kind = 'invoice_overdue' AND to_address = 'dealer@karso.test'`, s.ID); n != 1 {
		t.Errorf("%d mails to the dealer", n)
	}
	if n := count(t, `SELECT count(*) FROM tasks t JOIN users u ON u.id = t.assignee_id
		WHERE t.sale_id = $1 AND t.kind = 'invoice_overdue' AND u.email = 'manager@karso.test'`, s.ID); n != 1 {
		t.Errorf("%d tasks for the salon's manager", n)
	}
}

func tariffVersion(t *testing.T, code string) int64 {
	t.Helper()
	var id int64
	if err := pool.QueryRow(context.Background(), `SELECT tv.id FROM tariff_versions tv JOIN tariffs t ON t.id = tv.tariff_id
		WHERE t.code = $1 ORDER BY tv.version DESC LIMIT 1`, code).Scan(&id); err != nil {
		t.Fatal(err)
	}
	return id
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }
