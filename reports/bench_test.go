package reports_test

// The speed targets of statistics, the sales list and the Excel export, measured on the
// synthetic data set (1,000 partners, 5,000 salons, 1,000,000 sales over 24 months):
//
//	export KARSO_BENCH_DATABASE_URL=postgres://karso@127.0.0.1:54329/bench?sslmode=disable
//	go test -run '^$' -bench 'Statistics|SalesList' -benchtime 40x ./reports/
//	go test -run '^$' -bench SalesRegisterXLSX -benchtime 3x ./reports/
//
// (`make bench` runs them all with Go's default benchtime: fewer samples per percentile.)
// With KARSO_BENCH_DATABASE_URL the benchmarks migrate that database and load the synthetic
// data into it once (`karso seed --synthetic` does the same); without it they start a private
// PostgreSQL cluster (testenv), seed it (about two minutes) and remove it afterwards.
// KARSO_BENCH_SALES seeds fewer sales for a quick try. Each benchmark reports the median and
// the 95th percentile of its requests (p50-ms, p95-ms); the export reports its duration, the
// time to the first byte and the server's peak memory while it ran.

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"runtime"
	"runtime/debug"
	"runtime/metrics"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"testing/fstest"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/prometheus/client_golang/prometheus"

	"karso.ru/prm/api"
	"karso.ru/prm/config"
	"karso.ru/prm/db"
	"karso.ru/prm/db/seed"
	"karso.ru/prm/db/store"
	"karso.ru/prm/reports"
	"karso.ru/prm/testenv"
)

// benchEnv is the database and the API the benchmarks run against, set up once.
type benchEnv struct {
	pool   *pgxpool.Pool
	server *httptest.Server
	cfg    config.Config
	tokens map[string]string // role → bearer token: admin, a manager, a dealer of a large network
	dealer struct{ userID, partnerID int64 }
	mgrID  int64
	stop   func()
}

var (
	benchOnce sync.Once
	bench     *benchEnv
	benchErr  error
)

func TestMain(m *testing.M) {
	code := m.Run()
	if bench != nil && bench.stop != nil {
		bench.stop()
	}
	os.Exit(code)
}

func env(tb testing.TB) *benchEnv {
	tb.Helper()
	benchOnce.Do(func() { bench, benchErr = setUpBench(context.Background()) })
	if benchErr != nil {
		tb.Fatalf("set up the benchmark database: %v", benchErr)
	}
	return bench
}

func setUpBench(ctx context.Context) (*benchEnv, error) {
	e := &benchEnv{tokens: map[string]string{}}
	var stops []func()
	e.stop = func() {
		for i := len(stops) - 1; i >= 0; i-- {
			stops[i]()
		}
	}
	url := os.Getenv("KARSO_BENCH_DATABASE_URL")
	if url == "" {
		pg, err := testenv.StartPostgres()
		if err != nil {
			return nil, err
		}
		stops = append(stops, pg.Stop)
		if url, err = pg.CreateDatabase("bench"); err != nil {
			e.stop()
			return nil, err
		}
	}
	fail := func(err error) (*benchEnv, error) { e.stop(); return nil, err }
	log := slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelWarn}))
	if err := db.Migrate(ctx, url, log); err != nil {
		return fail(err)
	}
	pool, err := db.Open(ctx, url)
	if err != nil {
		return fail(err)
	}
	stops = append(stops, pool.Close)
	e.pool = pool
	if _, err := seed.IfEmpty(ctx, pool, 4, log); err != nil {
		return fail(err)
	}
	sales, _ := strconv.Atoi(os.Getenv("KARSO_BENCH_SALES"))
	started := time.Now()
	loaded, err := seed.Synthetic(ctx, pool, seed.SyntheticOptions{Sales: sales, BcryptCost: 4}, log)
	if err != nil {
		return fail(err)
	}
	if loaded {
		fmt.Fprintf(os.Stderr, "synthetic data seeded in %s\n", time.Since(started).Round(time.Second))
	}

	os.Setenv("DATABASE_URL", url)
	if e.cfg, err = config.Load(); err != nil {
		return fail(err)
	}
	reg := prometheus.NewRegistry()
	srv := api.New(api.Deps{Config: e.cfg, Log: slog.New(slog.NewTextHandler(io.Discard, nil)), Pool: pool,
		Registry: reg, Gatherer: reg, Web: fstest.MapFS{}})
	e.server = httptest.NewServer(srv.Handler())
	stops = append(stops, e.server.Close)

	if err := e.pickCallers(ctx); err != nil {
		return fail(err)
	}
	for role, email := range map[string]string{"admin": "admin@karso.test", "manager": seed.SyntheticManagerEmail(1),
		"dealer": e.dealerEmail(ctx)} {
		if e.tokens[role], err = e.login(email); err != nil {
			return fail(err)
		}
	}
	return e, nil
}

// pickCallers chooses the synthetic manager 1 and the dealer of the partner with the most
// sales (the worst case of a dealer's scope).
func (e *benchEnv) pickCallers(ctx context.Context) error {
	if err := e.pool.QueryRow(ctx, `SELECT id FROM users WHERE email = $1`, seed.SyntheticManagerEmail(1)).Scan(&e.mgrID); err != nil {
		return fmt.Errorf("synthetic manager: %w", err)
	}
	return e.pool.QueryRow(ctx, `
		SELECT u.id, u.partner_id FROM users u
		 WHERE u.role = 'dealer' AND u.email LIKE '%@synthetic.karso.test'
		 ORDER BY (SELECT count(*) FROM salons s WHERE s.partner_id = u.partner_id) DESC, u.id LIMIT 1`).
		Scan(&e.dealer.userID, &e.dealer.partnerID)
}

func (e *benchEnv) dealerEmail(ctx context.Context) string {
	var email string
	_ = e.pool.QueryRow(ctx, `SELECT email FROM users WHERE id = $1`, e.dealer.userID).Scan(&email)
	return email
}

func (e *benchEnv) login(email string) (string, error) {
	body := fmt.Sprintf(`{"email": %q, "password": %q}`, email, seed.DemoPassword)
	resp, err := http.Post(e.server.URL+"/api/v1/auth/login", "application/json", strings.NewReader(body))
	if err != nil {
		return "", err
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != http.StatusOK {
		return "", fmt.Errorf("login %s: %d %s", email, resp.StatusCode, b)
	}
	_, after, _ := strings.Cut(string(b), `"token":"`)
	token, _, _ := strings.Cut(after, `"`)
	return token, nil
}

// get runs one request as role and reads the whole answer, failing the benchmark on an error.
func (e *benchEnv) get(b *testing.B, role, path string) int64 {
	req, _ := http.NewRequest("GET", e.server.URL+path, nil)
	req.Header.Set("Authorization", "Bearer "+e.tokens[role])
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		b.Fatal(err)
	}
	defer resp.Body.Close()
	n, err := io.Copy(io.Discard, resp.Body)
	if err != nil || resp.StatusCode != http.StatusOK {
		b.Fatalf("GET %s: %d %v", path, resp.StatusCode, err)
	}
	return n
}

// latencies collects the duration of each iteration and reports its percentiles.
type latencies []time.Duration

func (l latencies) report(b *testing.B) {
	if len(l) == 0 {
		return
	}
	slices.Sort(l)
	at := func(p float64) float64 {
		i := int(float64(len(l))*p+0.999999) - 1
		return float64(l[max(0, min(i, len(l)-1))].Microseconds()) / 1000
	}
	b.ReportMetric(at(0.50), "p50-ms")
	b.ReportMetric(at(0.95), "p95-ms")
}

// measure runs fn b.N times after one untimed warm-up (plans, caches) and reports percentiles.
// A case slower than a second is sampled at most five times: its verdict needs no forty.
func measure(b *testing.B, fn func()) {
	t := time.Now()
	fn()
	n := b.N
	if time.Since(t) > time.Second {
		n = min(n, 5)
	}
	l := make(latencies, 0, n)
	b.ResetTimer()
	for range n {
		t := time.Now()
		fn()
		l = append(l, time.Since(t))
	}
	b.StopTimer()
	l.report(b)
	var sum time.Duration
	for _, d := range l {
		sum += d
	}
	b.ReportMetric(float64(sum.Nanoseconds())/float64(len(l)), "ns/op") // the mean of the requests made
}

// BenchmarkStatistics answers GET /stats for the default period (this month against the
// last) by every grouping, as an admin (all 1,000,000 sales), a manager (about a hundred
// salons) and the dealer of the largest network. Target: p95 < 150 ms.
func BenchmarkStatistics(b *testing.B) {
	e := env(b)
	for _, role := range []string{"admin", "manager", "dealer"} {
		for _, g := range reports.Groupings() {
			b.Run(role+"/"+string(g), func(b *testing.B) {
				measure(b, func() { e.get(b, role, "/api/v1/stats?group_by="+string(g)) })
			})
		}
	}
	// for information: a whole year against the year before, by month
	year := reports.MonthOf(time.Now(), e.cfg.CompanyTZ)
	from := year.From.AddDate(0, -11, 0).Format(reports.DateLayout)
	b.Run("admin-12-months/month", func(b *testing.B) {
		measure(b, func() {
			e.get(b, "admin", "/api/v1/stats?group_by=month&from="+from+"&to="+year.To.Format(reports.DateLayout))
		})
	})
	// for information: the last 30 days against the 30 before, which the monthly rollup
	// cannot answer (the sales themselves are read), by the admin's largest groupings
	today := time.Now().In(e.cfg.CompanyTZ)
	days := "&from=" + today.AddDate(0, 0, -29).Format(reports.DateLayout) + "&to=" + today.Format(reports.DateLayout)
	for _, g := range []reports.Grouping{reports.BySalon, reports.ByRegion, reports.ByManager} {
		b.Run("admin-30-days/"+string(g), func(b *testing.B) {
			measure(b, func() { e.get(b, "admin", "/api/v1/stats?group_by="+string(g)+days) })
		})
	}
}

// BenchmarkSalesList runs the scoped sales list (store.ListSales for the page and
// store.CountSales for the capped total, exactly as GET /api/v1/sales does) with the filters
// the cabinets use most. Target: p95 < 50 ms.
func BenchmarkSalesList(b *testing.B) {
	e := env(b)
	ctx := context.Background()
	q := store.New(e.pool)
	month := reports.MonthOf(time.Now(), e.cfg.CompanyTZ)
	start, end := month.Start(), month.End()
	var bigPartner, smallDealer, smallPartner int64
	if err := e.pool.QueryRow(ctx, `SELECT partner_id FROM sales GROUP BY 1 ORDER BY count(*) DESC LIMIT 1`).Scan(&bigPartner); err != nil {
		b.Fatal(err)
	}
	if err := e.pool.QueryRow(ctx, `SELECT u.id, u.partner_id FROM users u JOIN salons s ON s.partner_id = u.partner_id
	                                 WHERE u.email LIKE 'dealer-%@synthetic.karso.test' AND NOT EXISTS
	                                       (SELECT 1 FROM partners c WHERE c.parent_id = u.partner_id)
	                                 GROUP BY u.id ORDER BY count(*), u.id LIMIT 1`).Scan(&smallDealer, &smallPartner); err != nil {
		b.Fatal(err)
	}
	cases := []struct {
		name string
		p    store.ListSalesParams
	}{
		{"dealer-largest/status=active", store.ListSalesParams{CallerRole: "dealer", CallerID: e.dealer.userID, CallerPartner: e.dealer.partnerID, Status: "active"}},
		{"dealer-largest/this-month", store.ListSalesParams{CallerRole: "dealer", CallerID: e.dealer.userID, CallerPartner: e.dealer.partnerID, FromAt: &start, ToAt: &end}},
		{"dealer-one-salon/status=active", store.ListSalesParams{CallerRole: "dealer", CallerID: smallDealer, CallerPartner: smallPartner, Status: "active"}},
		{"manager/status=closed", store.ListSalesParams{CallerRole: "manager", CallerID: e.mgrID, Status: "closed"}},
		{"manager/this-month", store.ListSalesParams{CallerRole: "manager", CallerID: e.mgrID, FromAt: &start, ToAt: &end}},
		{"admin/partner", store.ListSalesParams{CallerRole: "admin", CallerID: 1, PartnerID: &bigPartner}},
		{"admin/status=active+this-month", store.ListSalesParams{CallerRole: "admin", CallerID: 1, Status: "active", FromAt: &start, ToAt: &end}},
	}
	for _, c := range cases {
		c.p.Lim = 20
		b.Run(c.name, func(b *testing.B) {
			measure(b, func() {
				if _, err := q.ListSales(ctx, c.p); err != nil {
					b.Fatal(err)
				}
				if _, err := q.CountSales(ctx, store.CountSalesParams{CallerRole: c.p.CallerRole, CallerID: c.p.CallerID,
					CallerPartner: c.p.CallerPartner, Status: c.p.Status, SalonID: c.p.SalonID, PartnerID: c.p.PartnerID,
					FromAt: c.p.FromAt, ToAt: c.p.ToAt, Cap: 10001}); err != nil {
					b.Fatal(err)
				}
			})
		})
	}
}

// BenchmarkSalesRegisterXLSX downloads the sales register of the last ~100,000 paid sales as
// Excel, as an admin. Targets: under 10 s, the server's peak memory under 200 MB.
func BenchmarkSalesRegisterXLSX(b *testing.B) {
	e := env(b)
	ctx := context.Background()
	var since time.Time
	// the moment 100,000 paid sales ago (or the first one, on a smaller data set)
	if err := e.pool.QueryRow(ctx, `SELECT coalesce(
	        (SELECT activated_at FROM sales WHERE status IN ('active', 'closed') ORDER BY activated_at DESC OFFSET 99999 LIMIT 1),
	        (SELECT min(activated_at) FROM sales WHERE status IN ('active', 'closed')))`).Scan(&since); err != nil {
		b.Fatalf("find the period of 100,000 sales: %v", err)
	}
	loc := e.cfg.CompanyTZ
	period, err := reports.NewPeriod(since, time.Now(), loc)
	if err != nil {
		b.Fatal(err)
	}
	query := "/api/v1/reports/sales_register?from=" + period.From.Format(reports.DateLayout) +
		"&to=" + period.To.Format(reports.DateLayout)
	var rows int64
	if err := e.pool.QueryRow(ctx, `SELECT count(*) FROM sales WHERE status IN ('active', 'closed')
	                                 AND activated_at >= $1 AND activated_at < $2`, period.Start(), period.End()).Scan(&rows); err != nil {
		b.Fatal(err)
	}
	var took, ttfb latencies
	var peakHeap, peakTotal, peakRSS, idleRSS, size int64
	for range b.N {
		runtime.GC()
		debug.FreeOSMemory()
		resetPeakRSS()
		idleRSS = readPeakRSS() // the process before the export: pools, the test binary
		stop := sampleMemory(&peakHeap, &peakTotal)
		t := time.Now()
		req, _ := http.NewRequest("GET", e.server.URL+query+"&format=xlsx", nil)
		req.Header.Set("Authorization", "Bearer "+e.tokens["admin"])
		resp, err := http.DefaultClient.Do(req)
		if err != nil || resp.StatusCode != http.StatusOK {
			b.Fatalf("export: %v %v", err, resp)
		}
		ttfb = append(ttfb, time.Since(t))
		n, err := io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		if err != nil {
			b.Fatal(err)
		}
		took = append(took, time.Since(t))
		stop()
		size = n
		peakRSS = max(peakRSS, readPeakRSS())
	}
	slices.Sort(took)
	slices.Sort(ttfb)
	b.ReportMetric(float64(rows), "rows")
	b.ReportMetric(float64(size)/1e6, "xlsx-MB")
	b.ReportMetric(took[len(took)-1].Seconds(), "max-s/export")
	b.ReportMetric(float64(ttfb[len(ttfb)-1].Milliseconds()), "max-first-byte-ms")
	b.ReportMetric(float64(peakHeap)/(1<<20), "peak-heap-MiB")
	b.ReportMetric(float64(peakTotal)/(1<<20), "peak-go-MiB")
	b.ReportMetric(float64(peakRSS)/(1<<20), "peak-rss-MiB")
	b.ReportMetric(float64(idleRSS)/(1<<20), "rss-before-MiB")
}

// sampleMemory watches the Go heap (live and dead objects) and all memory the Go runtime
// holds from the system every 5 ms, without stopping the world, until stop is called.
func sampleMemory(peakHeap, peakTotal *int64) (stop func()) {
	samples := []metrics.Sample{{Name: "/memory/classes/heap/objects:bytes"}, {Name: "/memory/classes/total:bytes"}}
	var done atomic.Bool
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		for !done.Load() {
			metrics.Read(samples)
			*peakHeap = max(*peakHeap, int64(samples[0].Value.Uint64()))
			*peakTotal = max(*peakTotal, int64(samples[1].Value.Uint64()))
			time.Sleep(5 * time.Millisecond)
		}
	}()
	return func() { done.Store(true); wg.Wait() }
}

// resetPeakRSS restarts the kernel's high-water mark of this process's resident memory, so
// that the mark read after the export is the export's (the seed ran in this process too).
func resetPeakRSS() { _ = os.WriteFile("/proc/self/clear_refs", []byte("5"), 0) }

// readPeakRSS is VmHWM: the most resident memory this process had since the last reset.
func readPeakRSS() int64 {
	b, err := os.ReadFile("/proc/self/status")
	if err != nil {
		return 0
	}
	for _, line := range strings.Split(string(b), "\n") {
		if v, ok := strings.CutPrefix(line, "VmHWM:"); ok {
			kb, _ := strconv.ParseInt(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(v), "kB")), 10, 64)
			return kb << 10
		}
	}
	return 0
}
