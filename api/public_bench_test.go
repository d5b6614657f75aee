package api_test

import (
	"fmt"
	"net/http"
	"runtime"
	"slices"
	"sync"
	"testing"
	"time"
)

// The website channel's speed on the real stack (issue 13: public quote p95 under 30 ms at 50
// concurrent clients, create-sale p95 under 300 ms). Run with
// `go test ./api -run '^$' -bench Public -benchtime 2000x`; the p95 is reported as p95_ms.

// latencies collects request durations from concurrent clients.
type latencies struct {
	mu sync.Mutex
	d  []time.Duration
}

func (l *latencies) add(d time.Duration) {
	l.mu.Lock()
	l.d = append(l.d, d)
	l.mu.Unlock()
}

func (l *latencies) report(b *testing.B) {
	slices.Sort(l.d)
	if len(l.d) == 0 {
		return
	}
	p95 := l.d[len(l.d)*95/100]
	b.ReportMetric(float64(p95.Microseconds())/1000, "p95_ms")
}

// parallelClients makes b.RunParallel use about n goroutines.
func parallelClients(b *testing.B, n int) {
	b.SetParallelism(max(1, n/runtime.GOMAXPROCS(0)))
}

func BenchmarkPublicQuote(b *testing.B) {
	key := createKey(b, login(b, "admin@karso.test"), "bench", 100000, "quotes")
	var lat latencies
	parallelClients(b, 50)
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		site := withKey(b, key.Secret)
		for pb.Next() {
			start := time.Now()
			r := site.do("POST", "/api/v1/public/quotes", websiteCar)
			lat.add(time.Since(start))
			if r.Status != http.StatusOK {
				b.Errorf("quote: %d %s", r.Status, r.Body)
				return
			}
		}
	})
	lat.report(b)
}

func BenchmarkPublicCreateSale(b *testing.B) {
	key := createKey(b, login(b, "admin@karso.test"), "bench", 100000, "sales:create")
	var lat latencies
	parallelClients(b, 4)
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		site := withKey(b, key.Secret)
		for pb.Next() {
			vin := newVIN(b)
			start := time.Now()
			r := site.post("/api/v1/public/sales", fmt.Sprintf("bench-%s", vin), websiteSale(vin, "used"))
			lat.add(time.Since(start))
			if r.Status != http.StatusCreated {
				b.Errorf("sale: %d %s", r.Status, r.Body)
				return
			}
		}
	})
	lat.report(b)
}
