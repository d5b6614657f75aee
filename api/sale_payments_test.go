package api_test

import (
	"context"
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"

	"karso.ru/prm/warranty"
)

// paidSaleJSON is the payment stage's part of a sale.
type paidSaleJSON struct {
	ID      string `json:"id"`
	Status  string `json:"status"`
	Payment *struct {
		ID            string `json:"id"`
		Purpose       string `json:"purpose"`
		Method        string `json:"method"`
		Status        string `json:"status"`
		URL           string `json:"url"`
		AmountKopecks int64  `json:"amount_kopecks"`
		Attempts      []struct {
			N           int       `json:"n"`
			At          time.Time `json:"at"`
			Result      string    `json:"result"`
			DeclineCode string    `json:"decline_code"`
		} `json:"attempts"`
		NextRetryAt       *time.Time `json:"next_retry_at"`
		DueOn             string     `json:"due_on"`
		InvoiceDocumentID string     `json:"invoice_document_id"`
	} `json:"payment"`
	Quote *struct {
		PriceKopecks int64 `json:"price_kopecks"`
	} `json:"quote"`
	Tariff *struct {
		TermMonths int      `json:"term_months"`
		Options    []string `json:"options"`
	} `json:"tariff"`
	Changes []struct {
		N            int    `json:"n"`
		Status       string `json:"status"`
		DeltaKopecks int64  `json:"delta_kopecks"`
	} `json:"changes"`
	ActivatedAt          *time.Time `json:"activated_at"`
	UpsellWindowClosesAt *time.Time `json:"upsell_window_closes_at"`
	CancelReason         string     `json:"cancel_reason"`
	AllowedActions       []string   `json:"allowed_actions"`
}

func (s *session) paidSale(method, path string, body any, want int) paidSaleJSON {
	s.t.Helper()
	r := s.do(method, path, body)
	expectStatus(s.t, r, want)
	var out paidSaleJSON
	r.json(s.t, &out)
	return out
}

// saleAwaitingPayment sells a clean warranty in the dealer's first salon and waits until its
// payment is requested.
func saleAwaitingPayment(t *testing.T, dealer *session) paidSaleJSON {
	t.Helper()
	sale := draftSale(t, dealer, newVIN(t), "used")
	base := "/api/v1/sales/" + sale.ID
	dealer.sale("POST", base+"/submit", nil, http.StatusOK)
	var s paidSaleJSON
	eventually(t, "the payment is requested", func() bool {
		s = dealer.paidSale("GET", base, nil, http.StatusOK)
		return s.Payment != nil && (s.Payment.URL != "" || s.Payment.InvoiceDocumentID != "")
	})
	return s
}

// payByCard pays the open attempt on the sandbox's payment page, as its form does.
func payByCard(t *testing.T, url, card string, want int) {
	t.Helper()
	if !strings.HasPrefix(url, baseURL+"/pay/") {
		t.Fatalf("payment link %q is not on this server's pay page", url)
	}
	r := anonymous(t).do("POST", strings.TrimPrefix(url, baseURL), map[string]string{"card_number": card})
	expectStatus(t, r, want)
}

func saleDocuments(t *testing.T, saleID string) map[string]string {
	t.Helper()
	rows, err := pool.Query(context.Background(), `SELECT kind, blob_key FROM documents WHERE sale_id = $1 AND voided_at IS NULL`, saleID)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	out := map[string]string{}
	for rows.Next() {
		var kind, key string
		if err := rows.Scan(&kind, &key); err != nil {
			t.Fatal(err)
		}
		out[kind] = key
	}
	return out
}

func historyOf(t *testing.T, s *session, saleID string) []string {
	t.Helper()
	var h struct {
		Items []struct {
			Action string `json:"action"`
		} `json:"items"`
	}
	s.do("GET", "/api/v1/sales/"+saleID+"/history", nil).json(t, &h)
	var out []string
	for _, i := range h.Items {
		out = append(out, i.Action)
	}
	return out
}

func TestPaidByCardTheSaleIsActiveAndArchived(t *testing.T) {
	dealer := login(t, "dealer@karso.test")
	sale := saleAwaitingPayment(t, dealer)
	base := "/api/v1/sales/" + sale.ID
	p := sale.Payment
	if sale.Status != "awaiting_payment" || p.Method != "card" || p.Status != "pending" || len(p.Attempts) != 1 ||
		p.Attempts[0].Result != "pending" || p.AmountKopecks != sale.Quote.PriceKopecks {
		t.Fatalf("awaiting payment: %s %+v", sale.Status, p)
	}
	if !slices.Contains(sale.AllowedActions, "cancel") {
		t.Errorf("the dealer may not cancel an unpaid sale: %v", sale.AllowedActions)
	}

	payByCard(t, p.URL, "4242 4242 4242 4242", http.StatusOK)
	var active paidSaleJSON
	eventually(t, "the sale is active", func() bool {
		active = dealer.paidSale("GET", base, nil, http.StatusOK)
		return active.Status == "active"
	})
	if active.Payment.Status != "succeeded" || active.ActivatedAt == nil || active.UpsellWindowClosesAt == nil {
		t.Fatalf("active sale %+v", active)
	}
	closes := warranty.UpsellWindowCloses(*active.ActivatedAt, testCfg.CompanyTZ)
	if !active.UpsellWindowClosesAt.Equal(closes) {
		t.Errorf("the window closes %v, want %v", active.UpsellWindowClosesAt, closes)
	}
	if !slices.Contains(active.AllowedActions, "upsell") || slices.Contains(active.AllowedActions, "cancel") {
		t.Errorf("the dealer of an active sale may %v", active.AllowedActions)
	}
	// the contract and the receipt are archived under the partner and the month
	docs := saleDocuments(t, sale.ID)
	month := active.ActivatedAt.In(testCfg.CompanyTZ).Format("2006-01")
	for _, kind := range []string{"contract", "receipt"} {
		if key := docs[kind]; !strings.HasPrefix(key, "partners/") || !strings.Contains(key, "/"+month+"/"+sale.ID+"/") {
			t.Errorf("%s archived as %q (all: %v)", kind, key, docs)
		}
	}
	var postings, balance int64
	if err := pool.QueryRow(context.Background(), `SELECT count(DISTINCT p.id), coalesce(sum(e.amount_kopecks), 0)::bigint
		FROM ledger_postings p JOIN ledger_entries e ON e.posting_id = p.id WHERE p.sale_id = $1`, sale.ID).Scan(&postings, &balance); err != nil {
		t.Fatal(err)
	}
	if postings != 1 || balance != 0 {
		t.Errorf("%d postings balancing to %d", postings, balance)
	}
	h := historyOf(t, dealer, sale.ID)
	if want := []string{"payment_requested", "payment_succeeded", "activated"}; !slices.Equal(h[len(h)-3:], want) {
		t.Errorf("history %v", h)
	}
	// paying again is refused: the payment is done
	payByCard(t, p.URL, "4242 4242 4242 4242", http.StatusConflict)
	// a dealer cannot cancel a paid sale; the manager of the salon can
	expectStatus(t, dealer.do("POST", base+"/cancel", map[string]string{"reason": "передумал"}), http.StatusForbidden)
	recordHistory(t, "sale-"+sale.ID, "card_paid_active")
}

func TestUpsellAndDowngradeOverHTTP(t *testing.T) {
	dealer := login(t, "dealer@karso.test")
	sale := saleAwaitingPayment(t, dealer)
	base := "/api/v1/sales/" + sale.ID
	payByCard(t, sale.Payment.URL, "4242424242424242", http.StatusOK)
	eventually(t, "the sale is active", func() bool {
		return dealer.paidSale("GET", base, nil, http.StatusOK).Status == "active"
	})
	price := sale.Quote.PriceKopecks

	r := dealer.do("POST", base+"/upsell", map[string]any{"options": []string{"roadside"}})
	expectStatus(t, r, http.StatusUnprocessableEntity)
	if p := r.problem(t); p.Fields["options"] == "" {
		t.Errorf("an upsell of an option the contract has: %+v", p)
	}
	asked := dealer.paidSale("POST", base+"/upsell", map[string]any{"options": []string{"tyres"}}, http.StatusOK)
	up := asked.Payment
	if up.Purpose != "upsell" || up.Status != "pending" || up.AmountKopecks <= 0 || len(asked.Changes) != 1 ||
		asked.Changes[0].Status != "awaiting_payment" {
		t.Fatalf("the upsell answered %+v, changes %+v", up, asked.Changes)
	}
	expectStatus(t, dealer.do("POST", base+"/change-tariff", map[string]any{"tariff_code": "basic", "term_months": 12}),
		http.StatusConflict)
	payByCard(t, up.URL, "4242424242424242", http.StatusOK)
	var upsold paidSaleJSON
	eventually(t, "the upsell is applied", func() bool {
		upsold = dealer.paidSale("GET", base, nil, http.StatusOK)
		return len(upsold.Changes) == 1 && upsold.Changes[0].Status == "applied"
	})
	if upsold.Quote.PriceKopecks != price+up.AmountKopecks || !slices.Contains(upsold.Tariff.Options, "tyres") {
		t.Errorf("after the upsell: price %d, options %v", upsold.Quote.PriceKopecks, upsold.Tariff.Options)
	}

	down := dealer.paidSale("POST", base+"/change-tariff", map[string]any{"tariff_code": "basic", "term_months": 12}, http.StatusOK)
	if len(down.Changes) != 2 || down.Changes[1].Status != "applied" || down.Changes[1].DeltaKopecks >= 0 || down.Tariff.TermMonths != 12 {
		t.Fatalf("the downgrade answered %+v", down.Changes)
	}
	var addenda, refunds int
	if err := pool.QueryRow(context.Background(), `SELECT
		(SELECT count(*) FROM documents WHERE sale_id = $1 AND kind = 'addendum'),
		(SELECT count(*) FROM ledger_postings WHERE sale_id = $1 AND kind = 'refund_paid')`, sale.ID).Scan(&addenda, &refunds); err != nil {
		t.Fatal(err)
	}
	if addenda != 2 || refunds == 0 {
		t.Errorf("%d addenda, %d refund postings", addenda, refunds)
	}

	// the manager of the salon cancels the paid sale: everything is undone
	manager := login(t, "manager@karso.test")
	cancelled := manager.paidSale("POST", base+"/cancel", map[string]string{"reason": "Клиент отказался"}, http.StatusOK)
	if cancelled.Status != "cancelled" || cancelled.CancelReason != "Клиент отказался" {
		t.Fatalf("cancel answered %+v", cancelled)
	}
	var sum int64
	if err := pool.QueryRow(context.Background(), `SELECT coalesce(sum(abs(s)), 0)::bigint FROM (SELECT sum(amount_kopecks) AS s
		FROM ledger_entries WHERE sale_id = $1 GROUP BY account) b`, sale.ID).Scan(&sum); err != nil {
		t.Fatal(err)
	}
	if sum != 0 {
		t.Errorf("after the cancellation the sale's accounts do not net to zero: %d", sum)
	}
	h := historyOf(t, manager, sale.ID)
	want := []string{"payment_refunded", "contract_voided", "ledger_reversed", "cancellation_act_archived", "cancelled"}
	if !slices.Equal(h[len(h)-len(want):], want) {
		t.Errorf("history %v, want it to end %v", h, want)
	}
	recordHistory(t, "sale-"+sale.ID, "upsell_downgrade_cancelled_active")
}

func TestDeclinedCardIsRetriedOnTheDunningSchedule(t *testing.T) {
	dealer := login(t, "dealer@karso.test")
	sale := saleAwaitingPayment(t, dealer)
	base := "/api/v1/sales/" + sale.ID
	payByCard(t, sale.Payment.URL, "4000 0000 0000 0002", http.StatusPaymentRequired)

	var s paidSaleJSON
	eventually(t, "the payment is retrying", func() bool {
		s = dealer.paidSale("GET", base, nil, http.StatusOK)
		return s.Payment.Status == "retrying"
	})
	p := s.Payment
	if s.Status != "awaiting_payment" || len(p.Attempts) != 1 || p.Attempts[0].Result != "declined" ||
		p.Attempts[0].DeclineCode != "card_declined" || p.NextRetryAt == nil {
		t.Fatalf("after a decline: %s %+v", s.Status, p)
	}
	if d := time.Until(*p.NextRetryAt); d < 55*time.Minute || d > time.Hour {
		t.Errorf("the next attempt opens in %v, want about an hour", d)
	}
	// finance sees the attempt, its decline code and the next retry
	finance := login(t, "finance@karso.test")
	var seen paymentJSON
	eventually(t, "finance sees the retry", func() bool {
		r := finance.do("GET", "/api/v1/payments/"+p.ID, nil)
		if r.Status != http.StatusOK {
			return false
		}
		r.json(t, &seen)
		return seen.Status == "retrying" && seen.NextRetryAt != nil
	})
	if len(seen.Attempts) != 1 || seen.Attempts[0].Result != "declined" || seen.Attempts[0].DeclineCode != "card_declined" ||
		seen.NextRetryAt.Sub(*p.NextRetryAt).Abs() > time.Millisecond || seen.SaleID != sale.ID {
		t.Errorf("finance sees %+v", seen)
	}
	// the spent attempt cannot be paid again before the next one opens
	payByCard(t, p.URL, "4242 4242 4242 4242", http.StatusConflict)

	recordHistory(t, "sale-"+sale.ID, "card_declined_retrying")
}

func TestDealerCancelsBeforePayment(t *testing.T) {
	dealer := login(t, "dealer@karso.test")
	sale := saleAwaitingPayment(t, dealer)
	base := "/api/v1/sales/" + sale.ID
	r := dealer.do("POST", base+"/cancel", map[string]string{"reason": ""})
	expectStatus(t, r, http.StatusUnprocessableEntity)
	if p := r.problem(t); p.Fields["reason"] == "" {
		t.Errorf("cancel without a reason: %+v", p)
	}
	cancelled := dealer.paidSale("POST", base+"/cancel", map[string]string{"reason": "Клиент передумал"}, http.StatusOK)
	if cancelled.Status != "cancelled" || cancelled.Payment.Status != "voided" {
		t.Fatalf("cancel answered %s, payment %+v", cancelled.Status, cancelled.Payment)
	}
	h := historyOf(t, dealer, sale.ID)
	want := []string{"payment_voided", "contract_voided", "cancellation_act_archived", "cancelled"}
	if !slices.Equal(h[len(h)-len(want):], want) {
		t.Errorf("history %v", h)
	}
	docs := saleDocuments(t, sale.ID)
	if _, live := docs["contract"]; live || docs["cancellation_act"] == "" {
		t.Errorf("documents in force %v", docs)
	}
	expectStatus(t, dealer.do("GET", base+"/contract.pdf", nil), http.StatusNotFound)
	// the payment page no longer takes the card
	payByCard(t, sale.Payment.URL, "4242 4242 4242 4242", http.StatusConflict)
	eventually(t, "the read model shows the cancellation", func() bool {
		var status string
		err := pool.QueryRow(context.Background(), `SELECT status FROM sales WHERE id = $1`, sale.ID).Scan(&status)
		return err == nil && status == "cancelled"
	})
	expectStatus(t, dealer.do("POST", base+"/cancel", map[string]string{"reason": "ещё раз"}), http.StatusConflict)
	recordHistory(t, "sale-"+sale.ID, "card_cancelled_awaiting_payment")
}

func TestInvoicePartnerIsHeldToItsCreditLimit(t *testing.T) {
	ctx := context.Background()
	dealer2 := login(t, "dealer2@karso.test")
	var partnerID, limit int64
	if err := pool.QueryRow(ctx, `SELECT p.id, p.credit_limit_kopecks FROM partners p JOIN users u ON u.partner_id = p.id
		WHERE u.email = 'dealer2@karso.test'`).Scan(&partnerID, &limit); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		_, _ = pool.Exec(ctx, `UPDATE partners SET credit_limit_kopecks = $2 WHERE id = $1`, partnerID, limit)
	})
	sale := draftSale(t, dealer2, newVIN(t), "used")
	base := "/api/v1/sales/" + sale.ID
	if _, err := pool.Exec(ctx, `UPDATE partners SET credit_limit_kopecks = $2 WHERE id = $1`, partnerID,
		sale.Quote.PriceKopecks-1); err != nil {
		t.Fatal(err)
	}
	r := dealer2.do("POST", base+"/submit", nil)
	expectStatus(t, r, http.StatusConflict)
	if p := r.problem(t); p.Code != "credit_limit_exceeded" || !strings.Contains(p.Message, "кредитный лимит") {
		t.Errorf("over the limit: %+v", p)
	}
	if s := dealer2.sale("GET", base, nil, http.StatusOK); s.Status != "draft" {
		t.Errorf("a refused submit moved the sale to %s", s.Status)
	}

	if _, err := pool.Exec(ctx, `UPDATE partners SET credit_limit_kopecks = $2 WHERE id = $1`, partnerID, limit); err != nil {
		t.Fatal(err)
	}
	dealer2.sale("POST", base+"/submit", nil, http.StatusOK)
	var s paidSaleJSON
	eventually(t, "the invoice is issued", func() bool {
		s = dealer2.paidSale("GET", base, nil, http.StatusOK)
		return s.Payment != nil && s.Payment.InvoiceDocumentID != ""
	})
	due := time.Now().In(testCfg.CompanyTZ).AddDate(0, 0, 14).Format("2006-01-02") // Северный Авто: 14 days
	if s.Payment.Method != "invoice" || s.Payment.Status != "pending" || s.Payment.URL != "" || s.Payment.DueOn != due {
		t.Errorf("invoice payment %+v, want due %s", s.Payment, due)
	}
	if docs := saleDocuments(t, sale.ID); docs["invoice"] == "" {
		t.Errorf("no invoice archived: %v", docs)
	}
}

func TestUpsellAfterTheWindowClosedSaysWhen(t *testing.T) {
	dealer := login(t, "dealer@karso.test")
	sale := draftSale(t, dealer, newVIN(t), "used")
	// a sale the read model shows closed: its workflow has ended and cannot answer
	closedAt := time.Date(2026, time.April, 1, 0, 0, 0, 0, testCfg.CompanyTZ)
	if _, err := pool.Exec(context.Background(), `UPDATE sales SET status = 'closed', closed_at = $2, revision = revision + 1000
		WHERE id = $1`, sale.ID, closedAt); err != nil {
		t.Fatal(err)
	}
	for _, path := range []string{"/upsell", "/change-tariff"} {
		r := dealer.do("POST", "/api/v1/sales/"+sale.ID+path, map[string]any{"options": []string{"tyres"}})
		expectStatus(t, r, http.StatusConflict)
		if p := r.problem(t); p.Code != "upsell_window_closed" || !strings.Contains(p.Message, "01.04.2026 в 00:00 (MSK)") {
			t.Errorf("%s after the close: %+v", path, p)
		}
	}
	dealer.lang = "en"
	r := dealer.do("POST", "/api/v1/sales/"+sale.ID+"/upsell", map[string]any{"options": []string{"tyres"}})
	if p := r.problem(t); !strings.Contains(p.Message, "closed on 1 Apr 2026 at 00:00 (MSK)") {
		t.Errorf("in English: %+v", p)
	}
}
