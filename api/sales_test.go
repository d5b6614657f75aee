package api_test

import (
	"context"
	"fmt"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/google/uuid"

	"karso.ru/prm/activities"
	"karso.ru/prm/warranty"
)

type saleJSON struct {
	ID             string  `json:"id"`
	Status         string  `json:"status"`
	ContractNumber *string `json:"contract_number"`
	SalonID        int64   `json:"salon_id"`
	SalonName      string  `json:"salon_name"`
	PartnerName    string  `json:"partner_name"`
	Vehicle        *struct {
		VIN       string `json:"vin"`
		Make      string `json:"make"`
		Model     string `json:"model"`
		MileageKm int    `json:"mileage_km"`
		MakeID    int64  `json:"make_id"`
		ModelID   int64  `json:"model_id"`
	} `json:"vehicle"`
	Customer *struct {
		FullName string `json:"full_name"`
		Phone    string `json:"phone"`
	} `json:"customer"`
	Tariff *struct {
		TariffCode  string  `json:"tariff_code"`
		DiscountPct float64 `json:"discount_pct"`
	} `json:"tariff"`
	Quote *struct {
		PriceKopecks      int64 `json:"price_kopecks"`
		CommissionKopecks int64 `json:"commission_kopecks"`
		Coefficients      []any `json:"coefficients"`
	} `json:"quote"`
	Flags []struct {
		Code    string `json:"code"`
		Message string `json:"message"`
	} `json:"flags"`
	Comments []struct {
		Text string `json:"text"`
		Kind string `json:"kind"`
	} `json:"comments"`
	AllowedActions []string `json:"allowed_actions"`
}

func (s saleJSON) number() string {
	if s.ContractNumber == nil {
		return ""
	}
	return *s.ContractNumber
}

// vinSerial makes every test sale's VIN unique, so no sale is flagged for another's contract.
var vinSerial atomic.Int64

// newVIN is a well-formed VIN whose check digit (position 9) is right: no risk flag.
func newVIN(t testing.TB) string {
	t.Helper()
	vin := []byte(fmt.Sprintf("1HGCM8260%dA%06d", time.Now().Unix()%10, vinSerial.Add(1)))
	digit, ok := warranty.VINCheckDigit(string(vin))
	if !ok {
		t.Fatalf("bad test VIN %s", vin)
	}
	vin[8] = digit
	return string(vin)
}

func vehicleBody(vin, category string) map[string]any {
	return map[string]any{"vin": strings.ToLower(vin), "make": "Honda", "model": "Accord", "year": 2022,
		"mileage_km": 30000, "engine_power_hp": 180, "engine_volume_cc": 2400, "category": category,
		"sold_on": "2025-06-01"}
}

var customerBody = map[string]any{"full_name": "Иванов Сергей Петрович", "phone": "8 (916) 123-45-67",
	"email": "s.ivanov@example.ru", "birth_date": "1985-07-21", "passport_series": "4510", "passport_number": "123456"}

var tariffBody = map[string]any{"tariff_code": "basic", "term_months": 24, "options": []string{"roadside"},
	"discount_pct": 5}

func (s *session) sale(method, path string, body any, want int) saleJSON {
	s.t.Helper()
	r := s.do(method, path, body)
	expectStatus(s.t, r, want)
	var out saleJSON
	r.json(s.t, &out)
	return out
}

// draftSale opens a sale in the dealer's first salon and fills every wizard step.
func draftSale(t *testing.T, dealer *session, vin, category string) saleJSON {
	t.Helper()
	salon := salonsOf(t, dealer)[0]
	created := dealer.sale("POST", "/api/v1/sales", map[string]any{"salon_id": salon.ID}, http.StatusCreated)
	if created.Status != "draft" || created.ID == "" || created.SalonName != salon.Name {
		t.Fatalf("created %+v", created)
	}
	base := "/api/v1/sales/" + created.ID
	dealer.sale("PUT", base+"/vehicle", vehicleBody(vin, category), http.StatusOK)
	dealer.sale("PUT", base+"/customer", customerBody, http.StatusOK)
	filled := dealer.sale("PUT", base+"/tariff", tariffBody, http.StatusOK)
	if filled.Quote == nil || filled.Quote.PriceKopecks <= 0 || len(filled.Quote.Coefficients) == 0 {
		t.Fatalf("tariff step gave no quote: %+v", filled.Quote)
	}
	return filled
}

// eventually polls check until it holds or the deadline passes.
func eventually(t *testing.T, what string, check func() bool) {
	t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for !check() {
		if time.Now().After(deadline) {
			t.Fatalf("gave up waiting: %s", what)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

var contractNumber = regexp.MustCompile(`^KR-\d{4}-\d{6}$`)

func TestDealerSellsAWarrantyAndDownloadsTheContract(t *testing.T) {
	dealer := login(t, "dealer@karso.test")
	vin := newVIN(t)
	salon := salonsOf(t, dealer)[0]
	created := dealer.sale("POST", "/api/v1/sales", map[string]any{"salon_id": salon.ID}, http.StatusCreated)
	base := "/api/v1/sales/" + created.ID

	// a bad VIN is refused with a field error and saves nothing
	r := dealer.do("PUT", base+"/vehicle", vehicleBody("XW8ZZZ61ZEG0617", "used"))
	expectStatus(t, r, http.StatusUnprocessableEntity)
	if p := r.problem(t); p.Fields["vin"] == "" {
		t.Fatalf("no vin error: %+v", p)
	}
	if s := dealer.sale("GET", base, nil, http.StatusOK); s.Vehicle != nil {
		t.Fatalf("a refused step was saved: %+v", s.Vehicle)
	}
	// submit before the steps names each missing one
	r = dealer.do("POST", base+"/submit", nil)
	expectStatus(t, r, http.StatusUnprocessableEntity)
	if p := r.problem(t); p.Fields["vehicle"] == "" || p.Fields["customer"] == "" || p.Fields["tariff"] == "" {
		t.Fatalf("missing steps: %+v", p)
	}

	dealer.sale("PUT", base+"/vehicle", vehicleBody(vin, "used"), http.StatusOK)
	filledCustomer := dealer.sale("PUT", base+"/customer", customerBody, http.StatusOK)
	if filledCustomer.Customer.Phone != "+79161234567" {
		t.Errorf("phone not normalized: %+v", filledCustomer.Customer)
	}
	dealer.sale("PUT", base+"/tariff", tariffBody, http.StatusOK)

	submitted := dealer.sale("POST", base+"/submit", nil, http.StatusOK)
	if submitted.Status != "awaiting_payment" || !contractNumber.MatchString(submitted.number()) || len(submitted.Flags) != 0 {
		t.Fatalf("submit of a clean sale: status %s number %q flags %+v", submitted.Status, submitted.number(), submitted.Flags)
	}
	if !slices.Contains(submitted.AllowedActions, "download_contract") || slices.Contains(submitted.AllowedActions, "submit") {
		t.Errorf("allowed actions %v", submitted.AllowedActions)
	}

	text := contractText(t, dealer, base+"/contract.pdf")
	for _, want := range []string{vin, submitted.number(), "Иванов Сергей Петрович"} {
		if !strings.Contains(text, want) {
			t.Errorf("the contract PDF does not say %q:\n%s", want, text)
		}
	}

	// the read model finds it by VIN (in any case), and a second submit is refused
	var list listOf[struct {
		ID             string  `json:"id"`
		Status         string  `json:"status"`
		ContractNumber *string `json:"contract_number"`
		CustomerName   string  `json:"customer_name"`
	}]
	dealer.do("GET", "/api/v1/sales?q="+strings.ToLower(vin[5:]), nil).json(t, &list)
	if list.Total != 1 || list.Items[0].ID != created.ID || list.Items[0].Status != "awaiting_payment" ||
		list.Items[0].CustomerName != "Иванов Сергей Петрович" {
		t.Errorf("search by VIN: %+v", list)
	}
	expectStatus(t, dealer.do("POST", base+"/submit", nil), http.StatusConflict)

	var history struct {
		Items []struct {
			Actor  string `json:"actor"`
			Action string `json:"action"`
		} `json:"items"`
	}
	dealer.do("GET", base+"/history", nil).json(t, &history)
	var actions []string
	for _, h := range history.Items {
		actions = append(actions, h.Action)
	}
	// then the payment is requested, maybe before this read (sale_payments_test.go)
	want := []string{"created", "vehicle_saved", "customer_saved", "tariff_saved", "submitted", "contract_issued"}
	if len(actions) == len(want)+1 && actions[len(want)] == "payment_requested" {
		actions = actions[:len(want)]
	}
	if !slices.Equal(actions, want) || history.Items[0].Actor != "Продавцов Дмитрий Игоревич" {
		t.Errorf("history %v (first by %q), want %v", actions, history.Items[0].Actor, want)
	}

	// another partner's dealer cannot tell the sale exists
	dealer2 := login(t, "dealer2@karso.test")
	for _, path := range []string{base, base + "/history", base + "/contract.pdf"} {
		expectStatus(t, dealer2.do("GET", path, nil), http.StatusNotFound)
	}
	expectStatus(t, dealer2.do("PUT", base+"/customer", customerBody), http.StatusNotFound)
	dealer2.do("GET", "/api/v1/sales?q="+vin, nil).json(t, &list)
	if list.Total != 0 {
		t.Errorf("dealer2 finds dealer's sale: %+v", list)
	}
	// finance reads every sale and its contract
	finance := login(t, "finance@karso.test")
	expectStatus(t, finance.do("GET", base, nil), http.StatusOK)
	expectStatus(t, finance.do("GET", base+"/contract.pdf", nil), http.StatusOK)
}

// contractText downloads a contract and extracts its text with pdftotext.
func contractText(t *testing.T, s *session, path string) string {
	t.Helper()
	r := s.do("GET", path, nil)
	expectStatus(t, r, http.StatusOK)
	if ct := r.Header.Get("Content-Type"); ct != "application/pdf" || !strings.HasPrefix(string(r.Body), "%PDF") {
		t.Fatalf("not a PDF: %s", ct)
	}
	file := filepath.Join(t.TempDir(), "contract.pdf")
	if err := os.WriteFile(file, r.Body, 0o600); err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command("pdftotext", "-layout", file, "-").CombinedOutput()
	if err != nil {
		t.Fatalf("pdftotext (Debian poppler-utils; `make test` installs it): %v: %s", err, out)
	}
	return string(out)
}

func TestFlaggedSaleWaitsForItsManager(t *testing.T) {
	dealer := login(t, "dealer@karso.test")
	sale := draftSale(t, dealer, newVIN(t), "parallel_import")
	base := "/api/v1/sales/" + sale.ID
	if len(sale.Flags) != 1 || sale.Flags[0].Code != warranty.FlagParallelImport {
		t.Errorf("a draft shows its flags before submit: %+v", sale.Flags)
	}

	submitted := dealer.sale("POST", base+"/submit", nil, http.StatusOK)
	if submitted.Status != "pending_approval" || submitted.number() != "" || !slices.Equal(submitted.AllowedActions, []string{"cancel"}) {
		t.Fatalf("flagged submit: %+v", submitted)
	}
	expectStatus(t, dealer.do("POST", base+"/approve", map[string]string{}), http.StatusForbidden)
	eventually(t, "the salon's manager is mailed", func() bool {
		var n int
		err := pool.QueryRow(context.Background(), `SELECT count(*) FROM mail_outbox
			WHERE sale_id = $1 AND to_address = 'manager@karso.test' AND kind = 'approval_requested'`, sale.ID).Scan(&n)
		return err == nil && n == 1
	})

	// the manager of another partner's salons neither sees nor decides it
	manager2 := login(t, "manager2@karso.test")
	if ids := approvalIDs(t, manager2); slices.Contains(ids, sale.ID) {
		t.Errorf("manager2 sees the sale in approvals")
	}
	expectStatus(t, manager2.do("POST", base+"/approve", map[string]string{"comment": "ok"}), http.StatusNotFound)
	expectStatus(t, manager2.do("GET", base, nil), http.StatusNotFound)

	manager := login(t, "manager@karso.test")
	var approvals listOf[struct {
		ID    string `json:"id"`
		Flags []struct {
			Code    string `json:"code"`
			Message string `json:"message"`
		} `json:"flags"`
	}]
	manager.do("GET", "/api/v1/approvals?per_page=100", nil).json(t, &approvals)
	i := slices.IndexFunc(approvals.Items, func(a struct {
		ID    string `json:"id"`
		Flags []struct {
			Code    string `json:"code"`
			Message string `json:"message"`
		} `json:"flags"`
	}) bool {
		return a.ID == sale.ID
	})
	if i < 0 || len(approvals.Items[i].Flags) == 0 || approvals.Items[i].Flags[0].Message == "" {
		t.Fatalf("manager's approvals %+v", approvals)
	}
	waiting := manager.sale("GET", base, nil, http.StatusOK)
	if !slices.Equal(waiting.AllowedActions, []string{"approve", "request_changes", "reject", "cancel"}) {
		t.Errorf("manager may %v", waiting.AllowedActions)
	}
	r := manager.do("POST", base+"/reject", map[string]string{"comment": ""})
	expectStatus(t, r, http.StatusUnprocessableEntity)
	if p := r.problem(t); p.Fields["comment"] == "" {
		t.Errorf("reject without a reason: %+v", p)
	}

	approved := manager.sale("POST", base+"/approve", map[string]string{"comment": "Документы проверены"}, http.StatusOK)
	if approved.Status != "awaiting_payment" || !contractNumber.MatchString(approved.number()) ||
		len(approved.Comments) != 1 || approved.Comments[0].Text != "Документы проверены" {
		t.Fatalf("approved: %+v", approved)
	}
	eventually(t, "the approved sale leaves the approvals list", func() bool {
		return !slices.Contains(approvalIDs(t, manager), sale.ID)
	})
	expectStatus(t, manager.do("POST", base+"/approve", map[string]string{}), http.StatusConflict)
	recordHistory(t, "sale-"+sale.ID, "flagged_approved_awaiting_card")
}

func TestChangesRequestedAreShownToTheDealer(t *testing.T) {
	dealer := login(t, "dealer@karso.test")
	sale := draftSale(t, dealer, newVIN(t), "parallel_import")
	base := "/api/v1/sales/" + sale.ID
	dealer.sale("POST", base+"/submit", nil, http.StatusOK)

	admin := login(t, "admin@karso.test")
	back := admin.sale("POST", base+"/request-changes", map[string]string{"comment": "Приложите ПТС"}, http.StatusOK)
	if back.Status != "draft" {
		t.Fatalf("after request-changes: %s", back.Status)
	}
	seen := dealer.sale("GET", base, nil, http.StatusOK)
	if len(seen.Comments) != 1 || seen.Comments[0].Text != "Приложите ПТС" || seen.Comments[0].Kind != "request_changes" ||
		!slices.Contains(seen.AllowedActions, "submit") {
		t.Errorf("dealer sees %+v", seen)
	}
	again := dealer.sale("POST", base+"/submit", nil, http.StatusOK)
	if again.Status != "pending_approval" {
		t.Errorf("resubmitted: %s", again.Status)
	}
	rejected := admin.sale("POST", base+"/reject", map[string]string{"comment": "Не подходит"}, http.StatusOK)
	if rejected.Status != "rejected" || len(rejected.AllowedActions) != 0 {
		t.Errorf("rejected: %+v", rejected)
	}
	eventually(t, "a rejected sale's workflow refuses further decisions", func() bool {
		return admin.do("POST", base+"/approve", map[string]string{}).Status == http.StatusConflict
	})
	recordHistory(t, "sale-"+sale.ID, "changes_requested_resubmitted_rejected")
}

func TestOnlyDealersSellInVisibleSalons(t *testing.T) {
	admin := login(t, "admin@karso.test")
	north := salonOfPartner(t, "Северный Авто")
	expectStatus(t, admin.do("POST", "/api/v1/sales", map[string]any{"salon_id": north.ID}), http.StatusForbidden)
	dealer := login(t, "dealer@karso.test")
	expectStatus(t, dealer.do("POST", "/api/v1/sales", map[string]any{"salon_id": north.ID}), http.StatusNotFound)
	expectStatus(t, dealer.do("GET", "/api/v1/sales/not-a-uuid", nil), http.StatusNotFound)
	expectStatus(t, dealer.do("GET", "/api/v1/approvals", nil), http.StatusForbidden)
}

func TestQuoteBeforeASale(t *testing.T) {
	dealer := login(t, "dealer@karso.test")
	var q struct {
		Eligible bool `json:"eligible"`
		Quote    *struct {
			PriceKopecks      int64 `json:"price_kopecks"`
			CommissionKopecks int64 `json:"commission_kopecks"`
		} `json:"quote"`
		Reasons []struct {
			Field string `json:"field"`
			Code  string `json:"code"`
		} `json:"reasons"`
	}
	body := map[string]any{"vehicle": map[string]any{"make": "Honda", "year": 2022, "mileage_km": 30000,
		"engine_power_hp": 180, "category": "used"}, "tariff_code": "basic", "term_months": 12}
	r := dealer.do("POST", "/api/v1/quotes", body)
	expectStatus(t, r, http.StatusOK)
	r.json(t, &q)
	// Автомир's commission is 10%
	if !q.Eligible || q.Quote == nil || q.Quote.PriceKopecks <= 0 ||
		q.Quote.CommissionKopecks != int64(warranty.PercentOf(warranty.Kopecks(q.Quote.PriceKopecks), 1000)) {
		t.Errorf("quote %+v", q.Quote)
	}
	body["tariff_code"], body["vehicle"].(map[string]any)["category"] = "premium", "parallel_import"
	r = dealer.do("POST", "/api/v1/quotes", body)
	expectStatus(t, r, http.StatusOK)
	r.json(t, &q)
	if q.Eligible || len(q.Reasons) == 0 || q.Reasons[0].Field != "vehicle.category" {
		t.Errorf("premium for a parallel import: %+v", q)
	}
	body["discount_pct"] = 40
	r = dealer.do("POST", "/api/v1/quotes", body)
	expectStatus(t, r, http.StatusUnprocessableEntity)
	if p := r.problem(t); p.Fields["discount_pct"] == "" {
		t.Errorf("a discount over the maximum: %+v", p)
	}
}

func approvalIDs(t *testing.T, s *session) []string {
	t.Helper()
	var l listOf[struct {
		ID string `json:"id"`
	}]
	r := s.do("GET", "/api/v1/approvals?per_page=100", nil)
	expectStatus(t, r, http.StatusOK)
	r.json(t, &l)
	var ids []string
	for _, a := range l.Items {
		ids = append(ids, a.ID)
	}
	return ids
}

// Contract numbers are handed out by the activity itself against the real database:
// concurrent and repeated allocations give every sale one number, without gaps.
func TestContractNumbersAreGapFreeAndStable(t *testing.T) {
	acts := activities.New(activities.Deps{Pool: pool})
	const year, sales = 2099, 10
	ids := make([]string, sales)
	for i := range ids {
		ids[i] = uuid.NewString()
	}
	numbers := make([]string, 2*sales)
	var wg sync.WaitGroup
	for i := range numbers {
		wg.Go(func() {
			n, err := acts.AllocateContractNumber(context.Background(),
				activities.ContractNumberRequest{SaleID: ids[i%sales], Year: year})
			if err != nil {
				t.Errorf("allocate: %v", err)
			}
			numbers[i] = n
		})
	}
	wg.Wait()
	seen := map[string]bool{}
	for i := range sales {
		if numbers[i] != numbers[i+sales] {
			t.Errorf("sale %d got %s and then %s", i, numbers[i], numbers[i+sales])
		}
		seen[numbers[i]] = true
	}
	for seq := 1; seq <= sales; seq++ {
		if want := warranty.FormatContractNumber(year, int64(seq)); !seen[want] {
			t.Errorf("%s was not handed out: %v", want, numbers)
		}
	}
}

func TestCancelADraftAndASaleWaitingForApproval(t *testing.T) {
	dealer := login(t, "dealer@karso.test")
	draft := draftSale(t, dealer, newVIN(t), "used")
	cancelled := dealer.sale("POST", "/api/v1/sales/"+draft.ID+"/cancel", map[string]string{"reason": "Клиент ушёл"}, http.StatusOK)
	if cancelled.Status != "cancelled" {
		t.Fatalf("a cancelled draft is %s", cancelled.Status)
	}
	recordHistory(t, "sale-"+draft.ID, "draft_cancelled")

	flagged := draftSale(t, dealer, newVIN(t), "parallel_import")
	base := "/api/v1/sales/" + flagged.ID
	if s := dealer.sale("POST", base+"/submit", nil, http.StatusOK); s.Status != "pending_approval" {
		t.Fatalf("flagged submit: %s", s.Status)
	}
	cancelled = dealer.sale("POST", base+"/cancel", map[string]string{"reason": "Передумали"}, http.StatusOK)
	if cancelled.Status != "cancelled" {
		t.Fatalf("a cancelled sale waiting for approval is %s", cancelled.Status)
	}
	manager := login(t, "manager@karso.test")
	eventually(t, "the cancelled sale leaves the approvals list", func() bool {
		return !slices.Contains(approvalIDs(t, manager), flagged.ID)
	})
	recordHistory(t, "sale-"+flagged.ID, "pending_approval_cancelled")
}

// A NUL byte or another control character used to reach the workflow and then fail the
// projection for ever. It is refused at the edge, naming the field, and the sale goes on.
func TestControlCharactersAreRefusedNamingTheField(t *testing.T) {
	dealer := login(t, "dealer@karso.test")
	sale := draftSale(t, dealer, newVIN(t), "used")
	base := "/api/v1/sales/" + sale.ID
	body := vehicleBody(newVIN(t), "used")
	body["make"] = "Lada\x00"
	r := dealer.do("PUT", base+"/vehicle", body)
	expectStatus(t, r, http.StatusUnprocessableEntity)
	if p := r.problem(t); p.Fields["make"] == "" {
		t.Errorf("a NUL in the make: %+v", p)
	}
	r = dealer.do("POST", base+"/cancel", map[string]string{"reason": "нет\x1b[2J"})
	expectStatus(t, r, http.StatusUnprocessableEntity)
	if p := r.problem(t); p.Fields["reason"] == "" {
		t.Errorf("a control character in the reason: %+v", p)
	}
	r = dealer.do("GET", "/api/v1/sales?q=%00", nil)
	expectStatus(t, r, http.StatusUnprocessableEntity)
	if p := r.problem(t); p.Fields["q"] == "" {
		t.Errorf("a NUL in the search: %+v", p)
	}
	// nothing was saved from the refused requests, and the sale goes on
	var make string
	if err := pool.QueryRow(context.Background(), `SELECT make FROM sales WHERE id = $1`, sale.ID).Scan(&make); err != nil || make != "Honda" {
		t.Errorf("after a refused vehicle the read model has make %q (%v)", make, err)
	}
	if s := dealer.sale("POST", base+"/submit", nil, http.StatusOK); s.Status != "awaiting_payment" {
		t.Errorf("submit after refused input: %s", s.Status)
	}
}
