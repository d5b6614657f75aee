package api

import (
	"context"
	"log/slog"
	"time"

	"github.com/gin-gonic/gin"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/prometheus/client_golang/prometheus"

	"karso.ru/prm/db/store"
)

// StuckSale is a sale an operator must look at: its read model is behind its workflow (a
// value PostgreSQL refused), or its contract keeps failing.
type StuckSale struct {
	SaleID string `json:"sale_id"`
	// Reason is read_model_behind or contract_failing.
	Reason           string    `json:"reason"`
	Since            time.Time `json:"since"`
	Detail           string    `json:"detail"`
	StoredRevision   *int64    `json:"stored_revision"`
	WorkflowRevision int64     `json:"workflow_revision"`
	ContractNumber   *string   `json:"contract_number"`
	Status           *string   `json:"status"`
	SalonName        *string   `json:"salon_name"`
}

// listStuckSales is the admin's «Зависшие продажи»: oldest first.
func (s *Server) listStuckSales(c *gin.Context) {
	p, ok := paging(c)
	if !ok {
		return
	}
	ctx := c.Request.Context()
	rows, err := s.q.ListStuckSales(ctx, store.ListStuckSalesParams{Limit: p.limit(), Offset: p.offset()})
	if err != nil {
		s.failInternal(c, err)
		return
	}
	counts, err := s.q.CountStuckSales(ctx)
	if err != nil {
		s.failInternal(c, err)
		return
	}
	var total int64
	for _, n := range counts {
		total += n.N
	}
	items := make([]StuckSale, 0, len(rows))
	for _, r := range rows {
		items = append(items, StuckSale{SaleID: r.SaleID.String(), Reason: r.Reason, Since: r.Since, Detail: r.Detail,
			StoredRevision: r.StoredRevision, WorkflowRevision: r.WorkflowRevision, ContractNumber: r.ContractNumber,
			Status: r.Status, SalonName: r.SalonName})
	}
	p.answer(c, items, total)
}

// stuckSalesCollector exports karso_sales_stuck{reason} on every scrape, counted in SQL, so
// an alert fires on a sale that needs an operator without anyone opening the page.
type stuckSalesCollector struct {
	pool *pgxpool.Pool
	log  *slog.Logger
	desc *prometheus.Desc
}

func newStuckSalesCollector(pool *pgxpool.Pool, log *slog.Logger) *stuckSalesCollector {
	return &stuckSalesCollector{pool: pool, log: log, desc: prometheus.NewDesc("karso_sales_stuck",
		"Sales an operator must look at: read model behind the workflow, contract failing for over 10 minutes.",
		[]string{"reason"}, nil)}
}

func (c *stuckSalesCollector) Describe(ch chan<- *prometheus.Desc) { ch <- c.desc }

func (c *stuckSalesCollector) Collect(ch chan<- prometheus.Metric) {
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
	defer cancel()
	counts := map[string]float64{"read_model_behind": 0, "contract_failing": 0}
	rows, err := store.New(c.pool).CountStuckSales(ctx)
	if err != nil {
		c.log.Warn("count stuck sales", "err", err)
		return
	}
	for _, r := range rows {
		counts[r.Reason] = float64(r.N)
	}
	for reason, n := range counts {
		ch <- prometheus.MustNewConstMetric(c.desc, prometheus.GaugeValue, n, reason)
	}
}
