package ledger_test

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"os"
	"testing"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5/pgxpool"

	"karso.ru/prm/db"
	"karso.ru/prm/payments/paymenttest"
	"karso.ru/prm/testenv"
)

// pool is a migrated database on a private PostgreSQL cluster.
var pool *pgxpool.Pool

func TestMain(m *testing.M) { os.Exit(run(m)) }

func run(m *testing.M) int {
	ctx := context.Background()
	pg, err := testenv.StartPostgres()
	if err != nil {
		fmt.Fprintln(os.Stderr, "start postgres:", err)
		return 1
	}
	defer pg.Stop()
	url, err := pg.CreateDatabase("ledger_test")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	if err := db.Migrate(ctx, url, slog.New(slog.NewTextHandler(io.Discard, nil))); err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	if pool, err = db.Open(ctx, url); err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	defer pool.Close()
	return m.Run()
}

// newSale inserts a sale awaiting payment and returns its id and its partner's.
func newSale(t *testing.T) (uuid.UUID, int64) {
	t.Helper()
	s, err := paymenttest.NewSale(context.Background(), pool, 0)
	if err != nil {
		t.Fatal(err)
	}
	return s.ID, s.PartnerID
}
