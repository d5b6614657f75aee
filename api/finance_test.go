package api_test

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"

	"karso.ru/prm/payments"
	"karso.ru/prm/warranty"
)

type attemptJSON struct {
	N           int       `json:"n"`
	At          time.Time `json:"at"`
	Result      string    `json:"result"`
	DeclineCode string    `json:"decline_code"`
}

type paymentJSON struct {
	ID             string        `json:"id"`
	SaleID         string        `json:"sale_id"`
	ContractNumber string        `json:"contract_number"`
	PartnerID      int64         `json:"partner_id"`
	PartnerName    string        `json:"partner_name"`
	Method         string        `json:"method"`
	Status         string        `json:"status"`
	AmountKopecks  int64         `json:"amount_kopecks"`
	Attempts       []attemptJSON `json:"attempts"`
	NextRetryAt    *time.Time    `json:"next_retry_at"`
	DueOn          *string       `json:"due_on"`
	Overdue        bool          `json:"overdue"`
	DaysOverdue    int           `json:"days_overdue"`
	PaidAt         *time.Time    `json:"paid_at"`
	Reference      string        `json:"reference"`
	CreatedAt      time.Time     `json:"created_at"`
	AllowedActions []string      `json:"allowed_actions"`
}

type documentJSON struct {
	ID             string  `json:"id"`
	Kind           string  `json:"kind"`
	FileName       string  `json:"file_name"`
	PartnerID      int64   `json:"partner_id"`
	PartnerName    string  `json:"partner_name"`
	SaleID         *string `json:"sale_id"`
	ContractNumber *string `json:"contract_number"`
	Month          string  `json:"month"`
	SizeBytes      int64   `json:"size_bytes"`
	SHA256         string  `json:"sha256"`
	DownloadURL    string  `json:"download_url"`
}

// submittedSale sells a clean (unflagged) warranty through the wizard: its contract is issued
// at submit and the sale waits for payment.
func submittedSale(t *testing.T, dealer *session) saleJSON {
	t.Helper()
	draft := draftSale(t, dealer, newVIN(t), "used")
	sale := dealer.sale("POST", "/api/v1/sales/"+draft.ID+"/submit", nil, http.StatusOK)
	if sale.Status != "awaiting_payment" || sale.number() == "" {
		t.Fatalf("submit of a clean sale: %+v", sale)
	}
	return sale
}

// paymentBook writes payments of real sales straight into the store, as the payment activities
// would, so the finance view can be read in every state without waiting for dunning.
type paymentBook struct {
	t  *testing.T
	st *payments.Store
}

func newPaymentBook(t *testing.T) paymentBook { return paymentBook{t: t, st: payments.NewStore(pool)} }

func (b paymentBook) create(sale saleJSON, method string, amount warranty.Kopecks, due *time.Time) uuid.UUID {
	b.t.Helper()
	ctx := context.Background()
	var partnerID int64
	if err := pool.QueryRow(ctx, `SELECT partner_id FROM sales WHERE id = $1`, sale.ID).Scan(&partnerID); err != nil {
		b.t.Fatal(err)
	}
	id := uuid.New()
	_, err := b.st.CreatePayment(ctx, payments.NewPayment{ID: id, SaleID: uuid.MustParse(sale.ID), PartnerID: partnerID,
		Purpose: payments.PurposeUpsell, Method: method, Amount: amount, DueOn: due})
	if err != nil {
		b.t.Fatal(err)
	}
	return id
}

// attempt opens attempt n of a card payment and records how it ended.
func (b paymentBook) attempt(id uuid.UUID, n int, result payments.AttemptResult, declineCode string) {
	b.t.Helper()
	ctx := context.Background()
	ref := fmt.Sprintf("pi_test_%s_%d", id.String()[:8], n)
	if _, err := b.st.AddAttempt(ctx, id, n, "sandbox", ref); err != nil {
		b.t.Fatal(err)
	}
	err := pgx.BeginFunc(ctx, pool, func(tx pgx.Tx) error {
		_, err := payments.NewStore(tx).RecordOutcome(ctx, payments.Outcome{PaymentID: id, Attempt: n,
			ProviderRef: ref, Result: result, DeclineCode: declineCode, At: time.Now()})
		return err
	})
	if err != nil {
		b.t.Fatal(err)
	}
}

func (b paymentBook) status(id uuid.UUID, status string, next *time.Time) {
	b.t.Helper()
	if err := b.st.SetStatus(context.Background(), id, status, next); err != nil {
		b.t.Fatal(err)
	}
}

// companyDay is a calendar day of the company's zone, days from today.
func companyDay(days int) time.Time {
	y, m, d := time.Now().In(testCfg.CompanyTZ).Date()
	return time.Date(y, m, d+days, 0, 0, 0, 0, time.UTC)
}

func paymentsOf(t *testing.T, s *session, query string) listOf[paymentJSON] {
	t.Helper()
	r := s.do("GET", "/api/v1/payments"+query, nil)
	expectStatus(t, r, http.StatusOK)
	var l listOf[paymentJSON]
	r.json(t, &l)
	return l
}

func paymentOf(t *testing.T, s *session, id uuid.UUID) paymentJSON {
	t.Helper()
	r := s.do("GET", "/api/v1/payments/"+id.String(), nil)
	expectStatus(t, r, http.StatusOK)
	var p paymentJSON
	r.json(t, &p)
	return p
}

func findPayment(items []paymentJSON, id uuid.UUID) (paymentJSON, bool) {
	i := slices.IndexFunc(items, func(p paymentJSON) bool { return p.ID == id.String() })
	if i < 0 {
		return paymentJSON{}, false
	}
	return items[i], true
}

// attentionRank is how urgently finance must look at a payment: failed, retrying, overdue, rest.
func attentionRank(p paymentJSON) int {
	switch {
	case p.Status == "failed":
		return 0
	case p.Status == "retrying":
		return 1
	case p.Overdue:
		return 2
	}
	return 3
}

func TestFinanceListsPaymentsWithAttemptsNeedingAttentionFirst(t *testing.T) {
	dealer, dealer2 := login(t, "dealer@karso.test"), login(t, "dealer2@karso.test")
	cardSale, invoiceSale := submittedSale(t, dealer), submittedSale(t, dealer2)
	book := newPaymentBook(t)

	paid := book.create(cardSale, payments.MethodCard, 150_000, nil)
	book.attempt(paid, 1, payments.ResultSucceeded, "")
	failed := book.create(cardSale, payments.MethodCard, 120_000, nil)
	for n, code := range []string{"card_declined", "insufficient_funds", "card_declined"} {
		book.attempt(failed, n+1, payments.ResultDeclined, code)
	}
	book.status(failed, payments.StatusFailed, nil)
	retrying := book.create(cardSale, payments.MethodCard, 90_000, nil)
	book.attempt(retrying, 1, payments.ResultDeclined, "insufficient_funds")
	nextRetry := time.Now().Add(time.Hour).Truncate(time.Second)
	book.status(retrying, payments.StatusRetrying, &nextRetry)
	due := companyDay(-5)
	overdue := book.create(invoiceSale, payments.MethodInvoice, 200_000, &due)
	notDue := companyDay(9)
	current := book.create(invoiceSale, payments.MethodInvoice, 210_000, &notDue)

	finance := login(t, "finance@karso.test")
	all := paymentsOf(t, finance, "?per_page=100")
	for i := 1; i < len(all.Items); i++ {
		if attentionRank(all.Items[i-1]) > attentionRank(all.Items[i]) {
			t.Fatalf("payment %d (%s, overdue %v) is listed after a less urgent one", i, all.Items[i].Status, all.Items[i].Overdue)
		}
	}
	if _, ok := findPayment(all.Items, failed); !ok {
		t.Fatalf("finance does not see the failed payment among %d", all.Total)
	}
	f := paymentOf(t, finance, failed)
	if f.Method != "card" || f.Status != "failed" || f.AmountKopecks != 120_000 || f.SaleID != cardSale.ID ||
		f.ContractNumber != cardSale.number() || f.PartnerName != "Автомир" || len(f.Attempts) != 3 ||
		f.Attempts[1].Result != "declined" || f.Attempts[1].DeclineCode != "insufficient_funds" || f.Attempts[0].At.IsZero() ||
		!slices.Equal(f.AllowedActions, []string{"retry"}) {
		t.Errorf("failed payment as finance sees it: %+v", f)
	}
	if r := paymentOf(t, finance, retrying); r.Status != "retrying" || r.NextRetryAt == nil || !r.NextRetryAt.Equal(nextRetry) ||
		len(r.Attempts) != 1 || r.Attempts[0].DeclineCode != "insufficient_funds" {
		t.Errorf("retrying payment: %+v", r)
	}
	if o := paymentOf(t, finance, overdue); !o.Overdue || o.DaysOverdue != 5 || o.DueOn == nil ||
		*o.DueOn != due.Format(time.DateOnly) || o.PartnerName != "Северный Авто" || !slices.Equal(o.AllowedActions, []string{"mark_paid"}) {
		t.Errorf("overdue invoice: %+v", o)
	}
	if c := paymentOf(t, finance, current); c.Overdue || c.DaysOverdue != 0 || c.Status != "pending" {
		t.Errorf("an invoice not yet due is overdue: %+v", c)
	}
	if p := paymentOf(t, finance, paid); p.Status != "succeeded" || p.PaidAt == nil || len(p.Attempts) != 1 ||
		p.Attempts[0].Result != "succeeded" || len(p.AllowedActions) != 0 {
		t.Errorf("paid payment: %+v", p)
	}

	// filters, and newest first on request
	onlyFailed := paymentsOf(t, finance, fmt.Sprintf("?status=failed&method=card&partner_id=%d&per_page=100", f.PartnerID))
	if _, ok := findPayment(onlyFailed.Items, failed); !ok {
		t.Errorf("the failed filter misses the failed payment")
	}
	for _, p := range onlyFailed.Items {
		if p.Status != "failed" || p.Method != "card" || p.PartnerID != f.PartnerID {
			t.Errorf("filtered list holds %+v", p)
		}
	}
	newest := paymentsOf(t, finance, "?sort=newest&per_page=100")
	for i := 1; i < len(newest.Items); i++ {
		if newest.Items[i].CreatedAt.After(newest.Items[i-1].CreatedAt) {
			t.Fatalf("sort=newest is not newest first at %d", i)
		}
	}
	if later := paymentsOf(t, finance, "?from="+url.QueryEscape(time.Now().Add(time.Hour).Format(time.RFC3339))); later.Total != 0 {
		t.Errorf("payments created in the future: %+v", later)
	}

	// the overdue list: unpaid invoices past due, oldest due first, for finance only
	var overdueList listOf[paymentJSON]
	r := finance.do("GET", "/api/v1/payments/overdue?per_page=100", nil)
	expectStatus(t, r, http.StatusOK)
	r.json(t, &overdueList)
	if o, ok := findPayment(overdueList.Items, overdue); !ok || o.DaysOverdue != 5 {
		t.Errorf("overdue list misses the overdue invoice: %+v", overdueList)
	}
	for i, p := range overdueList.Items {
		if !p.Overdue || p.Method != "invoice" || i > 0 && *p.DueOn < *overdueList.Items[i-1].DueOn {
			t.Errorf("overdue list item %d: %+v", i, p)
		}
	}
	expectStatus(t, dealer2.do("GET", "/api/v1/payments/overdue", nil), http.StatusForbidden)

	// dealers and managers see the payments of their own salons' sales only
	for _, c := range []struct {
		who       string
		sees, not uuid.UUID
	}{
		{"dealer@karso.test", failed, overdue},
		{"dealer2@karso.test", overdue, failed},
		{"manager@karso.test", failed, overdue},
		{"manager2@karso.test", overdue, failed},
	} {
		s := login(t, c.who)
		l := paymentsOf(t, s, "?per_page=100")
		if _, ok := findPayment(l.Items, c.sees); !ok {
			t.Errorf("%s does not see their own payment", c.who)
		}
		for _, p := range l.Items {
			if p.ID == c.not.String() || len(p.AllowedActions) != 0 {
				t.Errorf("%s sees %+v", c.who, p)
			}
		}
		expectStatus(t, s.do("GET", "/api/v1/payments/"+c.not.String(), nil), http.StatusNotFound)
		expectStatus(t, s.do("GET", "/api/v1/payments/"+c.sees.String(), nil), http.StatusOK)
	}
}

func TestFinanceCannotMarkACardPaymentPaidNorRetryAnInvoice(t *testing.T) {
	dealer, dealer2 := login(t, "dealer@karso.test"), login(t, "dealer2@karso.test")
	cardSale, invoiceSale := submittedSale(t, dealer), submittedSale(t, dealer2)
	book := newPaymentBook(t)
	card := book.create(cardSale, payments.MethodCard, 100_000, nil)
	book.attempt(card, 1, payments.ResultSucceeded, "")
	due := companyDay(3)
	invoice := book.create(invoiceSale, payments.MethodInvoice, 100_000, &due)

	finance := login(t, "finance@karso.test")
	finance.lang = "en"
	transfer := map[string]string{"paid_at": companyDay(0).Format(time.DateOnly), "reference": "п/п 1542"}
	r := finance.do("POST", "/api/v1/payments/"+card.String()+"/mark-paid", transfer)
	expectStatus(t, r, http.StatusConflict)
	if p := r.problem(t); p.Code != "not_an_invoice" || p.Message == "" {
		t.Errorf("mark-paid on a card payment: %+v", p)
	}
	r = finance.do("POST", "/api/v1/payments/"+invoice.String()+"/retry", nil)
	expectStatus(t, r, http.StatusConflict)
	if p := r.problem(t); p.Code != "not_a_card_payment" {
		t.Errorf("retry of an invoice: %+v", p)
	}
	r = finance.do("POST", "/api/v1/payments/"+card.String()+"/retry", nil)
	expectStatus(t, r, http.StatusConflict)
	if p := r.problem(t); p.Code != "payment_not_failed" || !strings.Contains(p.Message, "paid") {
		t.Errorf("retry of a paid card payment: %+v", p)
	}

	// a transfer needs a date not in the future and a reference; both are named at once
	r = finance.do("POST", "/api/v1/payments/"+invoice.String()+"/mark-paid",
		map[string]string{"paid_at": time.Now().Add(48 * time.Hour).Format(time.RFC3339), "reference": "  "})
	expectStatus(t, r, http.StatusUnprocessableEntity)
	if p := r.problem(t); p.Fields["paid_at"] == "" || p.Fields["reference"] == "" {
		t.Errorf("a future transfer without a reference: %+v", p)
	}
	r = finance.do("POST", "/api/v1/payments/"+invoice.String()+"/mark-paid", map[string]string{"paid_at": "yesterday", "reference": "1"})
	expectStatus(t, r, http.StatusUnprocessableEntity)
	if p := r.problem(t); p.Fields["paid_at"] == "" {
		t.Errorf("a transfer dated yesterday in words: %+v", p)
	}

	// only finance and admin act; an unknown payment is a 404
	expectStatus(t, dealer2.do("POST", "/api/v1/payments/"+invoice.String()+"/mark-paid", transfer), http.StatusForbidden)
	expectStatus(t, login(t, "manager2@karso.test").do("POST", "/api/v1/payments/"+invoice.String()+"/mark-paid", transfer), http.StatusForbidden)
	expectStatus(t, finance.do("POST", "/api/v1/payments/"+uuid.NewString()+"/mark-paid", transfer), http.StatusNotFound)
	expectStatus(t, finance.do("POST", "/api/v1/payments/not-a-payment/retry", nil), http.StatusNotFound)
}

func TestPaymentListRefusesBadQueryParameters(t *testing.T) {
	finance := login(t, "finance@karso.test")
	r := finance.do("GET", "/api/v1/payments?status=paid&method=cash&partner_id=abc&from=last-week&sort=biggest&per_page=500", nil)
	expectStatus(t, r, http.StatusBadRequest)
	if p := r.problem(t); p.Fields["per_page"] == "" {
		t.Errorf("per_page: %+v", p)
	}
	r = finance.do("GET", "/api/v1/payments?status=paid&method=cash&partner_id=abc&from=last-week&sort=biggest", nil)
	expectStatus(t, r, http.StatusBadRequest)
	p := r.problem(t)
	for _, field := range []string{"status", "method", "partner_id", "from", "sort"} {
		if p.Fields[field] == "" {
			t.Errorf("%s is not named: %+v", field, p)
		}
	}
	r = finance.do("GET", "/api/v1/payments?from=2026-03-10&to=2026-03-01", nil)
	expectStatus(t, r, http.StatusBadRequest)
	if p := r.problem(t); p.Fields["to"] == "" {
		t.Errorf("to before from: %+v", p)
	}
	expectStatus(t, finance.do("GET", "/api/v1/payments/overdue?partner_id=x", nil), http.StatusBadRequest)
}

func documentsOf(t *testing.T, s *session, query string) listOf[documentJSON] {
	t.Helper()
	r := s.do("GET", "/api/v1/documents"+query, nil)
	expectStatus(t, r, http.StatusOK)
	var l listOf[documentJSON]
	r.json(t, &l)
	return l
}

func TestDocumentArchiveListsTheContractOfASubmittedSale(t *testing.T) {
	dealer := login(t, "dealer@karso.test")
	sale := submittedSale(t, dealer)
	var contract documentJSON
	eventually(t, "the contract is archived", func() bool {
		l := documentsOf(t, dealer, "?sale_id="+sale.ID)
		if len(l.Items) == 0 {
			return false
		}
		contract = l.Items[0]
		return true
	})
	month := time.Now().In(testCfg.CompanyTZ).Format("2006-01")
	if contract.Kind != "contract" || contract.ContractNumber == nil || *contract.ContractNumber != sale.number() ||
		contract.PartnerName != "Автомир" || contract.SaleID == nil || *contract.SaleID != sale.ID ||
		contract.Month != month || contract.SizeBytes <= 0 || len(contract.SHA256) != 64 ||
		!strings.HasSuffix(contract.FileName, ".pdf") || contract.DownloadURL != "/api/v1/documents/"+contract.ID+"/download" {
		t.Fatalf("archived contract: %+v", contract)
	}

	r := dealer.do("GET", contract.DownloadURL, nil)
	expectStatus(t, r, http.StatusOK)
	sum := sha256.Sum256(r.Body)
	if r.Header.Get("Content-Type") != "application/pdf" || !strings.HasPrefix(string(r.Body), "%PDF") ||
		int64(len(r.Body)) != contract.SizeBytes || hex.EncodeToString(sum[:]) != contract.SHA256 {
		t.Fatalf("download: %s, %d bytes", r.Header.Get("Content-Type"), len(r.Body))
	}
	if cd := r.Header.Get("Content-Disposition"); !strings.HasPrefix(cd, "attachment") || !strings.Contains(cd, contract.FileName) {
		t.Errorf("Content-Disposition %q", cd)
	}

	// finance finds it by partner, month and kind; the salon's manager sees it too
	finance := login(t, "finance@karso.test")
	byPartner := documentsOf(t, finance, fmt.Sprintf("?partner_id=%d&month=%s&kind=contract&per_page=100", contract.PartnerID, month))
	if !slices.ContainsFunc(byPartner.Items, func(d documentJSON) bool { return d.ID == contract.ID }) {
		t.Errorf("finance's filtered archive misses the contract: %+v", byPartner)
	}
	for _, d := range byPartner.Items {
		if d.Kind != "contract" || d.Month != month || d.PartnerID != contract.PartnerID {
			t.Errorf("filtered archive holds %+v", d)
		}
	}
	expectStatus(t, finance.do("GET", contract.DownloadURL, nil), http.StatusOK)
	manager := login(t, "manager@karso.test")
	if l := documentsOf(t, manager, "?sale_id="+sale.ID); l.Total != 1 {
		t.Errorf("the salon's manager sees %d documents of the sale", l.Total)
	}
	expectStatus(t, manager.do("GET", contract.DownloadURL, nil), http.StatusOK)

	// another partner's dealer, and another salons' manager, cannot tell it exists
	for _, who := range []string{"dealer2@karso.test", "manager2@karso.test"} {
		s := login(t, who)
		if l := documentsOf(t, s, "?sale_id="+sale.ID); l.Total != 0 {
			t.Errorf("%s sees the contract: %+v", who, l)
		}
		for _, d := range documentsOf(t, s, "?per_page=100").Items {
			if d.PartnerName == "Автомир" {
				t.Errorf("%s sees Автомир's %+v", who, d)
			}
		}
		expectStatus(t, s.do("GET", contract.DownloadURL, nil), http.StatusNotFound)
	}
	expectStatus(t, dealer.do("GET", "/api/v1/documents/"+uuid.NewString()+"/download", nil), http.StatusNotFound)
	expectStatus(t, dealer.do("GET", "/api/v1/documents/not-a-document/download", nil), http.StatusNotFound)
}

func TestDocumentArchiveRefusesBadQueryParameters(t *testing.T) {
	dealer := login(t, "dealer@karso.test")
	dealer.lang = "en"
	r := dealer.do("GET", "/api/v1/documents?month=2026-13&kind=passport&sale_id=42&partner_id=-1", nil)
	expectStatus(t, r, http.StatusBadRequest)
	p := r.problem(t)
	for _, field := range []string{"month", "kind", "sale_id", "partner_id"} {
		if p.Fields[field] == "" {
			t.Errorf("%s is not named: %+v", field, p)
		}
	}
	if p.Fields["month"] != "Expected a month as YYYY-MM" {
		t.Errorf("month message %q", p.Fields["month"])
	}
}

// The whole road of an invoice: the sale's workflow opens it at submit, finance records the
// transfer, the sale becomes active and its receipt is archived.
func TestFinanceMarksAnInvoicePaidAndTheSaleActivates(t *testing.T) {
	dealer2 := login(t, "dealer2@karso.test")
	sale := submittedSale(t, dealer2)
	var paymentID uuid.UUID
	eventually(t, "the sale's workflow opens the invoice", func() bool {
		err := pool.QueryRow(context.Background(), `SELECT id FROM payments WHERE sale_id = $1 AND purpose = 'sale'`,
			sale.ID).Scan(&paymentID)
		if err != nil && !errors.Is(err, pgx.ErrNoRows) {
			t.Fatal(err)
		}
		return err == nil
	})

	finance := login(t, "finance@karso.test")
	invoice := paymentOf(t, finance, paymentID)
	if invoice.Method != "invoice" || invoice.Status != "pending" || invoice.Overdue || invoice.DueOn == nil ||
		*invoice.DueOn != companyDay(14).Format(time.DateOnly) || invoice.ContractNumber != sale.number() ||
		!slices.Equal(invoice.AllowedActions, []string{"mark_paid"}) {
		t.Errorf("the invoice of a partner with 14 days' deferral: %+v", invoice)
	}
	r := finance.do("POST", "/api/v1/payments/"+paymentID.String()+"/mark-paid",
		map[string]string{"paid_at": companyDay(0).Format(time.DateOnly), "reference": "п/п 1542"})
	if r.Status != http.StatusOK && r.Status != http.StatusAccepted {
		t.Fatalf("mark-paid: %d %s", r.Status, r.Body)
	}
	eventually(t, "the invoice is paid and the sale active", func() bool {
		var p paymentJSON
		finance.do("GET", "/api/v1/payments/"+paymentID.String(), nil).json(t, &p)
		s := dealer2.sale("GET", "/api/v1/sales/"+sale.ID, nil, http.StatusOK)
		return p.Status == "succeeded" && p.Reference == "п/п 1542" && p.PaidAt != nil && s.Status == "active"
	})
	eventually(t, "the contract, invoice and receipt are archived", func() bool {
		var kinds []string
		for _, d := range documentsOf(t, dealer2, "?sale_id="+sale.ID).Items {
			kinds = append(kinds, d.Kind)
		}
		slices.Sort(kinds)
		return slices.Equal(kinds, []string{"contract", "invoice", "receipt"})
	})
	var audited int
	err := pool.QueryRow(context.Background(), `SELECT count(*) FROM audit_log
		WHERE action = 'payment.mark_paid' AND entity_id = $1 AND actor_email = 'finance@karso.test'`, paymentID.String()).Scan(&audited)
	if err != nil || audited != 1 {
		t.Errorf("audit entries %d (%v)", audited, err)
	}
	r = finance.do("POST", "/api/v1/payments/"+paymentID.String()+"/mark-paid",
		map[string]string{"paid_at": companyDay(0).Format(time.DateOnly), "reference": "again"})
	expectStatus(t, r, http.StatusConflict)
	recordHistory(t, "sale-"+sale.ID, "invoice_marked_paid")
}
