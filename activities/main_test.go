package activities_test

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5/pgxpool"

	"karso.ru/prm/activities"
	"karso.ru/prm/db"
	"karso.ru/prm/db/seed"
	"karso.ru/prm/documents"
	"karso.ru/prm/payments"
	"karso.ru/prm/testenv"
	"karso.ru/prm/warranty"
)

// The activities run against a real PostgreSQL with the demo data, the sandbox acquirer and a
// documents service writing into a temporary folder.
var (
	pool    *pgxpool.Pool
	docs    *documents.Service
	sandbox *payments.Sandbox
)

func TestMain(m *testing.M) { os.Exit(run(m)) }

func run(m *testing.M) int {
	ctx := context.Background()
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	pg, err := testenv.StartPostgres()
	if err != nil {
		fmt.Fprintln(os.Stderr, "start postgres:", err)
		return 1
	}
	defer pg.Stop()
	url, err := pg.CreateDatabase("activities_test")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	if err := db.Migrate(ctx, url, log); err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	if pool, err = db.Open(ctx, url); err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	defer pool.Close()
	if _, err := seed.IfEmpty(ctx, pool, 4, log); err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	dir, err := os.MkdirTemp("", "karso-activities-blobs-")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	defer os.RemoveAll(dir)
	bucket, err := documents.OpenBucket(ctx, "file://"+filepath.Join(dir))
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	defer bucket.Close()
	docs = documents.New(pool, bucket, warranty.Moscow())
	sandbox = payments.NewSandbox(pool)
	return m.Run()
}

// newActivities builds the activities as the worker does, with VAT at vatBP.
func newActivities(vatBP int64) *activities.Activities {
	return activities.New(activities.Deps{Pool: pool, PublicURL: "https://karso.test", Contracts: docs,
		Payments: sandbox, Documents: docs, VATBP: vatBP})
}

// testSale is a sale of the demo dealer projected into the read model, with its contract
// number, as the workflow leaves it awaiting payment.
type testSale struct {
	ID        string
	PartnerID int64
	SalonID   int64
	SellerID  int64
	Number    string
	Price     warranty.Kopecks
	Customer  warranty.Customer
	Vehicle   warranty.Vehicle
}

func newSale(t *testing.T) testSale { return newSaleOf(t, "s.ivanov@example.ru") }

// newSaleOf is newSale for a customer with this e-mail address.
func newSaleOf(t *testing.T, customerEmail string) testSale {
	t.Helper()
	ctx := context.Background()
	s := testSale{ID: uuid.NewString(), Price: 52_790_00,
		Customer: warranty.Customer{FullName: "Иванов Сергей Петрович", Phone: "+79161234567", Email: customerEmail,
			BirthDate: "1985-07-21"},
		Vehicle: warranty.Vehicle{VIN: "XWEAB41BBPM123456", Make: "Kia", Model: "Rio", Year: 2021, MileageKm: 42_000,
			EnginePowerHP: 123, EngineVolumeCC: 1591, Category: warranty.CategoryUsed, SoldOn: "2025-06-01"}}
	err := pool.QueryRow(ctx, `SELECT u.id, u.partner_id, sa.id FROM users u JOIN salons sa ON sa.partner_id = u.partner_id
		WHERE u.email = 'dealer@karso.test' ORDER BY sa.id LIMIT 1`).Scan(&s.SellerID, &s.PartnerID, &s.SalonID)
	if err != nil {
		t.Fatal(err)
	}
	a := newActivities(0)
	now := time.Now()
	s.Number, err = a.AllocateContractNumber(ctx, activities.ContractNumberRequest{SaleID: s.ID, Year: 2026})
	if err != nil {
		t.Fatal(err)
	}
	quote := warranty.Quote{TariffCode: "basic", TermMonths: 24, PriceKopecks: s.Price, CommissionKopecks: 5_279_00}
	err = a.ProjectSale(ctx, activities.SaleProjection{Sale: activities.SaleRecord{ID: s.ID, WorkflowID: "sale-" + s.ID,
		Revision: 1, Status: warranty.StatusAwaitingPayment, ContractNumber: s.Number, PartnerID: s.PartnerID,
		SalonID: s.SalonID, SellerID: s.SellerID, City: "Москва", Customer: &s.Customer, Quote: &quote, Vehicle: &s.Vehicle,
		SaleMonth: warranty.SaleMonth(now, nil), CreatedAt: now, UpdatedAt: now}, Event: activities.SaleEvent{At: now, Action: "created"}})
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// balances sums the sale's ledger entries per account.
func balances(t *testing.T, saleID string) map[string]int64 {
	t.Helper()
	rows, err := pool.Query(context.Background(), `SELECT account, sum(amount_kopecks)::bigint FROM ledger_entries
		WHERE sale_id = $1 GROUP BY account`, saleID)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	out := map[string]int64{}
	for rows.Next() {
		var account string
		var sum int64
		if err := rows.Scan(&account, &sum); err != nil {
			t.Fatal(err)
		}
		out[account] = sum
	}
	return out
}

func count(t *testing.T, query string, args ...any) int {
	t.Helper()
	var n int
	if err := pool.QueryRow(context.Background(), query, args...).Scan(&n); err != nil {
		t.Fatalf("%s: %v", query, err)
	}
	return n
}
