package api_test

import (
	"bytes"
	"context"
	"fmt"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/xuri/excelize/v2"
	"golang.org/x/crypto/bcrypt"

	"karso.ru/prm/db/seed"
	"karso.ru/prm/reports"
	"karso.ru/prm/warranty"
)

// The statistics tests read a small network of their own, with sales in February and March
// 2019, far from the demo data and from the sales other tests create today. The figures below
// are computed by hand from the table in statsSales.

// statsNet is the fixture's network: two dealers, three salons, a manager of two of them.
type statsNet struct {
	alpha, beta         int64 // partners
	moscow, tula, kazan int64 // salons: alpha's in Москва and Тула, beta's in Казань
	dealerA, dealerB    string
	manager             string
	alphaName, betaName string
	managerName         string
	contractOfFirstSale string
	firstSaleID         uuid.UUID
	alphaINN, betaINN   string
}

var (
	statsOnce sync.Once
	statsFix  statsNet
	statsErr  error
)

// msk is a moment on Moscow's clock.
func msk(s string) *time.Time {
	loc, _ := time.LoadLocation("Europe/Moscow")
	t, err := time.ParseInLocation("2006-01-02 15:04", s, loc)
	if err != nil {
		panic(err)
	}
	return &t
}

// statsSale is one row of the read model as the fixture writes it. Money is in roubles here
// to keep the table readable; it is stored in kopecks.
type statsSale struct {
	n                                  int
	salon                              string // moscow, tula, kazan
	tariff, category, status           string
	created, activated, cancelled      *time.Time
	gross, discount, price, commission int64
	upsell                             int64
}

// statsSales: current period March 2019, previous February 2019 (Moscow time).
//
//	#  salon   created      activated    cancelled    gross  disc  price  comm   upsell
//	1  moscow  03-05 10:00  03-05 11:00               30000  1500  28500  2850   2900
//	2  moscow  03-10 12:00  03-12 09:00               50000     0  50000  5000      0
//	3  tula    03-20 10:00  03-21 10:00               80000  8000  72000  7200   7900
//	4  kazan   03-15 10:00  03-15 10:30               40000     0  40000  4800      0
//	5  moscow  03-25 10:00               03-27 10:00  25000     0  25000  2500      0
//	6  kazan   03-28 10:00  (expired draft)           40000     0  40000  4800      0
//	7  moscow  02-27 23:30  03-01 00:30               30000     0  30000  3000      0   a February draft paid on 1 March
//	8  tula    02-10 10:00  02-10 12:00               60000  6000  54000  5400   4900
//	9  kazan   02-20 10:00               03-02 10:00  40000     0  40000  4800      0
//	10 moscow  03-31 23:50  04-01 00:10               30000     0  30000  3000      0   a March draft paid in April
var statsSales = []statsSale{
	{1, "moscow", "basic", "used", "closed", msk("2019-03-05 10:00"), msk("2019-03-05 11:00"), nil, 30000, 1500, 28500, 2850, 2900},
	{2, "moscow", "optimal", "new", "closed", msk("2019-03-10 12:00"), msk("2019-03-12 09:00"), nil, 50000, 0, 50000, 5000, 0},
	{3, "tula", "premium", "used", "closed", msk("2019-03-20 10:00"), msk("2019-03-21 10:00"), nil, 80000, 8000, 72000, 7200, 7900},
	{4, "kazan", "basic", "parallel_import", "closed", msk("2019-03-15 10:00"), msk("2019-03-15 10:30"), nil, 40000, 0, 40000, 4800, 0},
	{5, "moscow", "basic", "used", "cancelled", msk("2019-03-25 10:00"), nil, msk("2019-03-27 10:00"), 25000, 0, 25000, 2500, 0},
	{6, "kazan", "basic", "used", "expired", msk("2019-03-28 10:00"), nil, nil, 40000, 0, 40000, 4800, 0},
	{7, "moscow", "optimal", "used", "closed", msk("2019-02-27 23:30"), msk("2019-03-01 00:30"), nil, 30000, 0, 30000, 3000, 0},
	{8, "tula", "premium", "new", "closed", msk("2019-02-10 10:00"), msk("2019-02-10 12:00"), nil, 60000, 6000, 54000, 5400, 4900},
	{9, "kazan", "basic", "used", "cancelled", msk("2019-02-20 10:00"), nil, msk("2019-03-02 10:00"), 40000, 0, 40000, 4800, 0},
	{10, "moscow", "optimal", "new", "closed", msk("2019-03-31 23:50"), msk("2019-04-01 00:10"), nil, 30000, 0, 30000, 3000, 0},
}

// statsFixture loads the network and its sales once per test run, straight into the read
// model: these are tests of what is read, not of how sales get there.
func statsFixture(t *testing.T) statsNet {
	t.Helper()
	statsOnce.Do(func() { statsFix, statsErr = loadStatsFixture(context.Background()) })
	if statsErr != nil {
		t.Fatalf("stats fixture: %v", statsErr)
	}
	return statsFix
}

func loadStatsFixture(ctx context.Context) (statsNet, error) {
	n := statsNet{alphaName: "Статистика Альфа", betaName: "Статистика Бета", alphaINN: "9911000011", betaINN: "9911000022",
		dealerA: "stats-dealer-a@karso.test", dealerB: "stats-dealer-b@karso.test", manager: "stats-manager@karso.test",
		managerName: "Марина Статистикова"}
	hash, err := bcrypt.GenerateFromPassword([]byte(seed.DemoPassword), 4)
	if err != nil {
		return n, err
	}
	q := func(sql string, args ...any) *int64 {
		var id int64
		if err == nil {
			err = pool.QueryRow(ctx, sql, args...).Scan(&id)
		}
		return &id
	}
	n.alpha = *q(`INSERT INTO partners (name, inn, status, commission_bp) VALUES ($1, $2, 'active', 1000) RETURNING id`, n.alphaName, n.alphaINN)
	n.beta = *q(`INSERT INTO partners (name, inn, status, commission_bp) VALUES ($1, $2, 'active', 1200) RETURNING id`, n.betaName, n.betaINN)
	salon := `INSERT INTO salons (partner_id, name, city, region) VALUES ($1, $2, $3, $4) RETURNING id`
	n.moscow = *q(salon, n.alpha, "Альфа Москва", "Москва", "Москва")
	n.tula = *q(salon, n.alpha, "Альфа Тула", "Тула", "Тульская область")
	n.kazan = *q(salon, n.beta, "Бета Казань", "Казань", "Республика Татарстан")
	user := `INSERT INTO users (email, password_hash, role, partner_id, full_name) VALUES ($1, $2, $3, $4, $5) RETURNING id`
	sellerA := *q(user, n.dealerA, string(hash), "dealer", n.alpha, "Продавец Альфы")
	sellerB := *q(user, n.dealerB, string(hash), "dealer", n.beta, "Продавец Беты")
	manager := *q(user, n.manager, string(hash), "manager", nil, n.managerName)
	if err != nil {
		return n, err
	}
	if _, err := pool.Exec(ctx, `INSERT INTO manager_salons (manager_id, salon_id) VALUES ($1, $2), ($1, $3)`,
		manager, n.moscow, n.kazan); err != nil {
		return n, err
	}
	salons := map[string]struct {
		id, partner, seller int64
		city                string
	}{"moscow": {n.moscow, n.alpha, sellerA, "Москва"}, "tula": {n.tula, n.alpha, sellerA, "Тула"},
		"kazan": {n.kazan, n.beta, sellerB, "Казань"}}
	for _, s := range statsSales {
		sa := salons[s.salon]
		id := uuid.New()
		var contract *string
		if s.activated != nil || s.cancelled != nil {
			c := fmt.Sprintf("KR-2019-99%04d", s.n)
			contract = &c
		}
		if s.n == 1 {
			n.firstSaleID, n.contractOfFirstSale = id, *contract
		}
		month := time.Date(s.created.Year(), s.created.Month(), 1, 0, 0, 0, 0, time.UTC)
		if _, err := pool.Exec(ctx, `
			INSERT INTO sales (id, workflow_id, revision, status, contract_number, partner_id, salon_id, seller_id, city,
			                   vin, make, model, vehicle_category, customer_name, customer_phone, customer_email,
			                   tariff_code, term_months, gross_kopecks, discount_kopecks, price_kopecks,
			                   commission_kopecks, upsell_kopecks, sale_month, created_at, updated_at, submitted_at,
			                   activated_at, cancelled_at)
			VALUES ($1, $2, 1, $3, $4, $5, $6, $7, $8, 'XTA21099012345678', 'Lada', 'Vesta', $9, $10, '+79990000001',
			        'client@mail.test', $11, 12, $12, $13, $14, $15, $16, $17, $18, $18, $18, $19, $20)`,
			id, "stats-test-"+id.String(), s.status, contract, sa.partner, sa.id, sa.seller, sa.city, s.category,
			fmt.Sprintf("Клиент Номер%d", s.n), s.tariff, s.gross*100, s.discount*100, s.price*100, s.commission*100,
			s.upsell*100, month, *s.created, s.activated, s.cancelled); err != nil {
			return n, fmt.Errorf("sale %d: %w", s.n, err)
		}
	}
	// a payment of the first sale, for the payments register
	_, err = pool.Exec(ctx, `INSERT INTO payments (id, sale_id, partner_id, purpose, method, status, amount_kopecks,
	                                               provider, provider_ref, attempts, paid_at, created_at)
	                         VALUES ($1, $2, $3, 'sale', 'card', 'succeeded', 2850000, 'sandbox', 'pi_stats_1', 1, $4, $4)`,
		uuid.New(), n.firstSaleID, n.alpha, *msk("2019-03-05 11:00"))
	return n, err
}

// statsOf asks GET /stats and decodes it.
func statsOf(t *testing.T, s *session, query string) reports.Stats {
	t.Helper()
	r := s.do("GET", "/api/v1/stats?from=2019-03-01&to=2019-03-31&"+query, nil)
	expectStatus(t, r, http.StatusOK)
	var st reports.Stats
	r.json(t, &st)
	return st
}

func groupByKey(st reports.Stats, key string) (reports.Group, bool) {
	for _, g := range st.Groups {
		if g.Key == key {
			return g, true
		}
	}
	return reports.Group{}, false
}

func expectFigures(t *testing.T, what string, got, want reports.Figures) {
	t.Helper()
	if got != want {
		t.Errorf("%s:\n got  %+v\n want %+v", what, got, want)
	}
}

// rub is roubles as kopecks.
func rub(r int64) warranty.Kopecks { return warranty.Kopecks(r * 100) }

// The figures of March 2019 and of February 2019 over the whole fixture (see statsSales).
var (
	marchAll = reports.Figures{Sales: 5, GrossKopecks: 23_000_000, NetKopecks: 22_050_000, AveragePriceKopecks: 4_410_000,
		CommissionKopecks: 2_285_000, UpsellKopecks: 1_080_000, Cancellations: 2, Drafts: 7, Converted: 5, ConversionBP: 7143}
	februaryAll = reports.Figures{Sales: 1, GrossKopecks: 6_000_000, NetKopecks: 5_400_000, AveragePriceKopecks: 5_400_000,
		CommissionKopecks: 540_000, UpsellKopecks: 490_000, Cancellations: 0, Drafts: 3, Converted: 2, ConversionBP: 6667}
)

func TestStatisticsMatchHandComputedFigures(t *testing.T) {
	statsFixture(t)
	admin := login(t, "admin@karso.test")

	st := statsOf(t, admin, "group_by=city")
	if st.Period.From.Format("2006-01-02") != "2019-03-01" || st.Previous.From.Format("2006-01-02") != "2019-02-01" ||
		st.Previous.To.Format("2006-01-02") != "2019-02-28" {
		t.Fatalf("periods: %s, previous %s", st.Period, st.Previous)
	}
	expectFigures(t, "March totals", st.Totals.Current, marchAll)
	expectFigures(t, "February totals", st.Totals.Previous, februaryAll)

	moscow, ok := groupByKey(st, "Москва")
	if !ok {
		t.Fatalf("no Москва in %+v", st.Groups)
	}
	// #1, #2 and #7 were paid in March in Москва; #5 cancelled; drafts #1 #2 #5 #10, of which #1 #2 #10 paid
	expectFigures(t, "Москва March", moscow.Current, reports.Figures{Sales: 3, GrossKopecks: rub(110000),
		NetKopecks: rub(108500), AveragePriceKopecks: 3_616_667, CommissionKopecks: rub(10850), UpsellKopecks: rub(2900),
		Cancellations: 1, Drafts: 4, Converted: 3, ConversionBP: 7500})
	expectFigures(t, "Москва February", moscow.Previous, reports.Figures{Drafts: 1, Converted: 1, ConversionBP: 10000})
	if st.Groups[0].Key != "Москва" || moscow.Label != "Москва" {
		t.Errorf("the largest city comes first: %q", st.Groups[0].Key)
	}

	// a February draft paid at 00:30 on 1 March (Moscow) counts on 1 March, not on 28 February (UTC)
	days := statsOf(t, admin, "group_by=day")
	if len(days.Groups) != 31 || days.Groups[0].Key != "2019-03-01" || days.Groups[0].PreviousKey != "2019-02-01" {
		t.Fatalf("day groups: %d, first %+v", len(days.Groups), days.Groups[0])
	}
	if first := days.Groups[0].Current; first.Sales != 1 || first.NetKopecks != 3_000_000 {
		t.Errorf("1 March: %+v", first)
	}
	if tenth := days.Groups[9].Previous; tenth.Sales != 1 || tenth.NetKopecks != rub(54000) {
		t.Errorf("10 February is compared with 10 March: %+v", tenth)
	}
	expectFigures(t, "day totals", days.Totals.Current, marchAll)

	tariffs := statsOf(t, admin, "group_by=tariff&tariff_code=basic")
	expectFigures(t, "basic only", tariffs.Totals.Current, reports.Figures{Sales: 2, GrossKopecks: rub(70000),
		NetKopecks: rub(68500), AveragePriceKopecks: rub(34250), CommissionKopecks: rub(7650), UpsellKopecks: rub(2900),
		Cancellations: 2, Drafts: 4, Converted: 2, ConversionBP: 5000})
	if g, _ := groupByKey(tariffs, "basic"); g.Label != "Базовый" {
		t.Errorf("tariff label %q", g.Label)
	}

	// a salon without a manager gathers under an empty key; the totals count each sale once
	managers := statsOf(t, admin, "group_by=manager")
	none, ok := groupByKey(managers, "")
	if !ok || none.Current.Sales != 1 || none.Current.NetKopecks != rub(72000) || none.Label != "Без менеджера" {
		t.Errorf("no-manager group: %+v", none)
	}
	expectFigures(t, "manager totals", managers.Totals.Current, marchAll)

	regions := statsOf(t, admin, "group_by=region")
	if g, ok := groupByKey(regions, "Тульская область"); !ok || g.Current.Sales != 1 || g.Previous.Sales != 1 {
		t.Errorf("Тульская область: %+v", g)
	}
	months := statsOf(t, admin, "group_by=month")
	if len(months.Groups) != 1 || months.Groups[0].Label != "Март 2019" {
		t.Errorf("month groups: %+v", months.Groups)
	}
	expectFigures(t, "month", months.Groups[0].Current, marchAll)
}

func TestDealerStatisticsNeverIncludeAnotherPartner(t *testing.T) {
	net := statsFixture(t)
	dealer := login(t, net.dealerA)
	for _, g := range reports.Groupings() {
		st := statsOf(t, dealer, "group_by="+string(g))
		// alpha alone: #1 #2 #3 #7 paid in March, #5 cancelled, drafts #1 #2 #3 #5 #10 (four paid)
		expectFigures(t, string(g)+" totals", st.Totals.Current, reports.Figures{Sales: 4, GrossKopecks: rub(190000),
			NetKopecks: rub(180500), AveragePriceKopecks: rub(45125), CommissionKopecks: rub(18050), UpsellKopecks: rub(10800),
			Cancellations: 1, Drafts: 5, Converted: 4, ConversionBP: 8000})
		foreign := map[reports.Grouping]string{reports.ByPartner: fmt.Sprint(net.beta), reports.BySalon: fmt.Sprint(net.kazan),
			reports.ByCity: "Казань", reports.ByRegion: "Республика Татарстан"}[g]
		for _, grp := range st.Groups {
			if foreign != "" && grp.Key == foreign || grp.Label == net.betaName || grp.Label == "Бета Казань" {
				t.Errorf("%s: a group of the other partner: %+v", g, grp)
			}
		}
	}
	// asking for the other partner's figures finds nothing rather than them
	st := statsOf(t, dealer, fmt.Sprintf("group_by=partner&partner_id=%d", net.beta))
	if len(st.Groups) != 0 || st.Totals.Current.Sales != 0 {
		t.Errorf("dealer filtered by a foreign partner: %+v", st)
	}
	// the other dealer sees only their own sale
	other := statsOf(t, login(t, net.dealerB), "group_by=salon")
	if other.Totals.Current.Sales != 1 || other.Totals.Current.NetKopecks != rub(40000) || other.Totals.Current.Cancellations != 1 {
		t.Errorf("dealer B: %+v", other.Totals.Current)
	}
	// the manager sees the two salons assigned to them
	mgr := statsOf(t, login(t, net.manager), "group_by=salon")
	if mgr.Totals.Current.Sales != 4 || len(mgr.Groups) != 2 {
		t.Errorf("manager: %+v, %d groups", mgr.Totals.Current, len(mgr.Groups))
	}
}

func TestStatisticsRejectBadQueries(t *testing.T) {
	admin := login(t, "admin@karso.test")
	for _, q := range []string{"group_by=planet", "from=2019-03-10&to=2019-03-01", "from=yesterday",
		"status=sold", "format=docx", "partner_id=x", "group_by=day&from=2017-01-01&to=2019-03-01"} {
		r := admin.do("GET", "/api/v1/stats?"+q, nil)
		expectStatus(t, r, http.StatusBadRequest)
		if p := r.problem(t); p.Code != "invalid_query" || len(p.Fields) == 0 {
			t.Errorf("%s: %+v", q, p)
		}
	}
	// the default period is the current month
	r := admin.do("GET", "/api/v1/stats", nil)
	expectStatus(t, r, http.StatusOK)
	var st reports.Stats
	r.json(t, &st)
	if now := time.Now(); st.Period.From.Month() != now.Month() || st.Period.From.Day() != 1 || st.GroupBy != reports.ByDay {
		t.Errorf("default: %s by %s", st.Period, st.GroupBy)
	}
}

// reportPage is GET /reports/{code} as the cabinets read it.
type reportPage struct {
	Columns []reports.Column `json:"columns"`
	Items   []map[string]any `json:"items"`
	Total   int64            `json:"total"`
	Totals  reports.Totals   `json:"totals"`
}

func runReportPage(t *testing.T, s *session, code, query string) reportPage {
	t.Helper()
	r := s.do("GET", "/api/v1/reports/"+code+"?from=2019-03-01&to=2019-03-31&"+query, nil)
	expectStatus(t, r, http.StatusOK)
	var p reportPage
	r.json(t, &p)
	return p
}

func TestReportTemplatesRunWithinScopeWithTotals(t *testing.T) {
	net := statsFixture(t)
	admin := login(t, "admin@karso.test")

	reg := runReportPage(t, admin, "sales_register", "per_page=2")
	if reg.Total != 5 || len(reg.Items) != 2 || reg.Totals.Rows != 5 || reg.Totals.Sums["price_kopecks"] != 22_050_000 ||
		reg.Totals.Sums["commission_kopecks"] != 2_285_000 {
		t.Fatalf("sales register: total %d, %d items, totals %+v", reg.Total, len(reg.Items), reg.Totals)
	}
	if reg.Items[0]["contract_number"] != "KR-2019-990007" { // the first paid in March (1 March 00:30)
		t.Errorf("first row %v", reg.Items[0])
	}

	dealer := runReportPage(t, login(t, net.dealerA), "sales_register", "per_page=100")
	if dealer.Total != 4 || dealer.Totals.Sums["price_kopecks"] != int64(rub(180500)) {
		t.Errorf("dealer register: %d rows, %+v", dealer.Total, dealer.Totals)
	}
	for _, it := range dealer.Items {
		if it["partner_name"] != net.alphaName {
			t.Errorf("dealer sees %v", it)
		}
	}

	cs := runReportPage(t, admin, "commission_statement", "")
	if cs.Total != 2 || cs.Totals.Sums["commission_kopecks"] != 2_285_000 || cs.Totals.Sums["sales_count"] != 5 {
		t.Fatalf("commission statement: %+v", cs)
	}
	for _, it := range cs.Items {
		want := map[string][2]float64{net.alphaName: {4, 1_805_000}, net.betaName: {1, 480_000}}[it["partner_name"].(string)]
		if it["sales_count"] != want[0] || it["commission_kopecks"] != want[1] {
			t.Errorf("commission line %v, want %v", it, want)
		}
	}

	canc := runReportPage(t, admin, "cancellations", "")
	if canc.Total != 2 {
		t.Errorf("cancellations: %+v", canc.Items)
	}
	onlyClosed := runReportPage(t, admin, "sales_register", "status=closed&city=Москва")
	if onlyClosed.Total != 3 {
		t.Errorf("Москва closed: %d", onlyClosed.Total)
	}

	pay := runReportPage(t, login(t, net.dealerA), "payments_register", "")
	if pay.Total != 1 || pay.Items[0]["contract_number"] != net.contractOfFirstSale || pay.Totals.Sums["amount_kopecks"] != 2_850_000 {
		t.Errorf("payments register of dealer A: %+v", pay)
	}
	if other := runReportPage(t, login(t, net.dealerB), "payments_register", ""); other.Total != 0 {
		t.Errorf("dealer B sees dealer A's payment: %+v", other.Items)
	}

	expectStatus(t, admin.do("GET", "/api/v1/reports/no_such_report", nil), http.StatusNotFound)
	expectStatus(t, admin.do("GET", "/api/v1/reports/sales_register?status=lost", nil), http.StatusBadRequest)
}

func TestSalesRegisterExportsToExcel(t *testing.T) {
	statsFixture(t)
	admin := login(t, "admin@karso.test")
	r := admin.do("GET", "/api/v1/reports/sales_register?from=2019-03-01&to=2019-03-31&format=xlsx", nil)
	expectStatus(t, r, http.StatusOK)
	if ct := r.Header.Get("Content-Type"); ct != reports.XLSXContentType {
		t.Errorf("content type %q", ct)
	}
	if cd := r.Header.Get("Content-Disposition"); !strings.Contains(cd, "sales_register-2019-03-01-2019-03-31.xlsx") {
		t.Errorf("disposition %q", cd)
	}
	f, err := excelize.OpenReader(bytes.NewReader(r.Body))
	if err != nil {
		t.Fatalf("open xlsx: %v", err)
	}
	defer f.Close()
	rows, err := f.GetRows(f.GetSheetName(0))
	if err != nil {
		t.Fatal(err)
	}
	if rows[0][0] != "Реестр продаж" || !strings.Contains(rows[1][0], "01.03.2019 — 31.03.2019") {
		t.Fatalf("title rows: %q", rows[:2])
	}
	header := -1
	for i, row := range rows {
		if len(row) > 0 && row[0] == "№ договора" {
			header = i
		}
	}
	if header < 0 || len(rows) != header+1+5+1 {
		t.Fatalf("header at %d, %d rows: %q", header, len(rows), rows)
	}
	first := rows[header+1]
	if first[0] != "KR-2019-990007" || first[1] != "01.03.2019 00:30" || first[2] != "Статистика Альфа" {
		t.Errorf("first row %q", first)
	}
	// money cells are numbers of roubles
	priceCol := indexOf(rows[header], "Цена")
	cell, _ := excelize.CoordinatesToCellName(priceCol+1, header+2)
	if v, _ := f.GetCellValue(f.GetSheetName(0), cell, excelize.Options{RawCellValue: true}); v != "30000" {
		t.Errorf("price cell %s = %q", cell, v)
	}
	total := rows[len(rows)-1]
	if total[0] != "Итого (5)" || total[priceCol] != "220,500.00" {
		t.Errorf("totals row %q", total)
	}
}

func indexOf(xs []string, x string) int {
	for i, v := range xs {
		if v == x {
			return i
		}
	}
	return -1
}

// statsPDFText extracts a PDF's text with pdftotext (poppler-utils).
func statsPDFText(t *testing.T, pdf []byte) string {
	t.Helper()
	if !bytes.HasPrefix(pdf, []byte("%PDF-")) {
		t.Fatalf("not a PDF: %.200s", pdf)
	}
	dir := t.TempDir()
	in := filepath.Join(dir, "report.pdf")
	if err := os.WriteFile(in, pdf, 0o600); err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command("pdftotext", "-layout", in, "-").CombinedOutput()
	if err != nil {
		t.Fatalf("pdftotext (apt-get install poppler-utils): %v: %s", err, out)
	}
	return string(out)
}

func TestCommissionStatementExportsToPDF(t *testing.T) {
	net := statsFixture(t)
	admin := login(t, "admin@karso.test")
	r := admin.do("GET", "/api/v1/reports/commission_statement?from=2019-03-01&to=2019-03-31&format=pdf", nil)
	expectStatus(t, r, http.StatusOK)
	text := statsPDFText(t, r.Body)
	for _, want := range []string{"Ведомость комиссий", "Период: 01.03.2019 — 31.03.2019", net.alphaName, net.alphaINN,
		net.betaName, "18 050,00", "4 800,00", "Итого (2)", "22 850,00", "220 500,00", "Страница 1 из 1"} {
		if !strings.Contains(strings.ReplaceAll(text, "\u00a0", " "), want) {
			t.Errorf("the PDF lacks %q:\n%s", want, text)
		}
	}
	// statistics download too, with the city breakdown
	r = admin.do("GET", "/api/v1/stats?from=2019-03-01&to=2019-03-31&group_by=city&format=pdf", nil)
	expectStatus(t, r, http.StatusOK)
	if text := statsPDFText(t, r.Body); !strings.Contains(text, "Статистика продаж") || !strings.Contains(text, "Казань") ||
		!strings.Contains(text, "71,4 %") {
		t.Errorf("stats PDF:\n%s", text)
	}
	r = admin.do("GET", "/api/v1/stats?from=2019-03-01&to=2019-03-31&group_by=city&format=xlsx", nil)
	expectStatus(t, r, http.StatusOK)
	f, err := excelize.OpenReader(bytes.NewReader(r.Body))
	if err != nil {
		t.Fatalf("stats xlsx: %v", err)
	}
	defer f.Close()
	rows, _ := f.GetRows(f.GetSheetName(0))
	if last := rows[len(rows)-2]; last[0] != "Итого" || last[2] != "5" {
		t.Errorf("stats xlsx totals %q", last)
	}
}

func TestAdminsEditReportTemplatesWithAudit(t *testing.T) {
	admin := login(t, "admin@karso.test")
	r := admin.do("GET", "/api/v1/report-templates", nil)
	expectStatus(t, r, http.StatusOK)
	var list struct{ Items []reports.Template }
	r.json(t, &list)
	var codes []string
	for _, tpl := range list.Items {
		codes = append(codes, tpl.Code)
	}
	for _, want := range []string{"sales_register", "commission_statement", "payments_register", "cancellations"} {
		if !strings.Contains(strings.Join(codes, ","), want) {
			t.Errorf("seeded template %s missing from %v", want, codes)
		}
	}

	body := map[string]any{"code": "salon_sales", "name": "Продажи по салонам", "source": "sales",
		"columns": []string{"salon_name", "city", "sales_count", "price_kopecks"},
		"filters": map[string]any{"date_field": "activated_at", "statuses": []string{"active", "closed"}}, "group_by": "salon"}
	expectStatus(t, login(t, "dealer@karso.test").do("POST", "/api/v1/report-templates", body), http.StatusForbidden)
	r = admin.do("POST", "/api/v1/report-templates", body)
	expectStatus(t, r, http.StatusCreated)
	var created reports.Template
	r.json(t, &created)
	expectStatus(t, admin.do("POST", "/api/v1/report-templates", body), http.StatusConflict)

	// a column that means nothing per salon, an unknown moment and grouping
	bad := map[string]any{"code": "bad_one", "name": "Плохой", "source": "sales", "columns": []string{"vin"},
		"filters": map[string]any{"date_field": "paid_someday"}, "group_by": "planet"}
	r = admin.do("POST", "/api/v1/report-templates", bad)
	expectStatus(t, r, http.StatusUnprocessableEntity)
	if p := r.problem(t); p.Fields["filters.date_field"] == "" || p.Fields["group_by"] == "" || p.Fields["columns"] == "" {
		t.Errorf("fields %v", p.Fields)
	}

	body["name"] = "Продажи салонов"
	body["columns"] = []string{"salon_name", "sales_count", "commission_kopecks"}
	r = admin.do("PUT", fmt.Sprintf("/api/v1/report-templates/%d", created.ID), body)
	expectStatus(t, r, http.StatusOK)
	statsFixture(t)
	page := runReportPage(t, admin, "salon_sales", "")
	if page.Total != 3 || page.Totals.Sums["commission_kopecks"] != 2_285_000 || len(page.Columns) != 3 {
		t.Errorf("the edited template: %+v", page)
	}

	r = admin.do("GET", "/api/v1/audit?entity_type=report_template&entity_id="+url.QueryEscape(fmt.Sprint(created.ID)), nil)
	expectStatus(t, r, http.StatusOK)
	var audit listOf[struct {
		Action string `json:"action"`
	}]
	r.json(t, &audit)
	if audit.Total != 2 {
		t.Errorf("audit of the template: %+v", audit.Items)
	}
	expectStatus(t, admin.do("PUT", "/api/v1/report-templates/999999", body), http.StatusNotFound)
}
