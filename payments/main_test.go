package payments_test

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5/pgxpool"

	"karso.ru/prm/db"
	"karso.ru/prm/payments"
	"karso.ru/prm/payments/paymenttest"
	"karso.ru/prm/testenv"
	"karso.ru/prm/warranty"
)

// stripeMockVersion is the stripe-mock scripts/lib.sh pins and `make test` installs.
const stripeMockVersion = "v0.203.0"

// The suite runs against the real parts: a private PostgreSQL cluster and a stripe-mock process.
var (
	pool          *pgxpool.Pool
	stripeMockURL string
)

func TestMain(m *testing.M) { os.Exit(run(m)) }

func run(m *testing.M) int {
	ctx := context.Background()
	pg, err := testenv.StartPostgres()
	if err != nil {
		fmt.Fprintln(os.Stderr, "start postgres:", err)
		return 1
	}
	defer pg.Stop()
	url, err := pg.CreateDatabase("payments_test")
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
	stop, err := startStripeMock()
	if err != nil {
		fmt.Fprintln(os.Stderr, "start stripe-mock:", err)
		return 1
	}
	defer stop()
	return m.Run()
}

// stripeMockBin finds the pinned stripe-mock: $KARSO_STRIPE_MOCK_BIN, else the tools folder.
func stripeMockBin() (string, error) {
	if p := os.Getenv("KARSO_STRIPE_MOCK_BIN"); p != "" {
		return p, nil
	}
	dir := os.Getenv("KARSO_TOOLS_DIR")
	if dir == "" {
		home, _ := os.UserHomeDir()
		dir = filepath.Join(home, ".cache", "karso", "tools")
	}
	p := filepath.Join(dir, "stripe-mock@"+stripeMockVersion, "stripe-mock")
	if _, err := os.Stat(p); err != nil {
		return "", fmt.Errorf("stripe-mock %s not found at %s: run `make test` (or `make tools`), which installs it", stripeMockVersion, p)
	}
	return p, nil
}

// startStripeMock runs stripe-mock on a free port and waits until it answers.
func startStripeMock() (stop func(), err error) {
	bin, err := stripeMockBin()
	if err != nil {
		return nil, err
	}
	port, err := testenv.FreePort()
	if err != nil {
		return nil, err
	}
	cmd := exec.Command(bin, "-http-port", strconv.Itoa(port))
	cmd.Stdout, cmd.Stderr = io.Discard, io.Discard
	if err := cmd.Start(); err != nil {
		return nil, err
	}
	exited := make(chan error, 1)
	go func() { exited <- cmd.Wait() }()
	stop = func() {
		_ = cmd.Process.Kill()
		<-exited
	}
	stripeMockURL = fmt.Sprintf("http://127.0.0.1:%d", port)
	deadline := time.Now().Add(30 * time.Second)
	for {
		req, _ := http.NewRequest(http.MethodGet, stripeMockURL+"/v1/balance", nil)
		req.SetBasicAuth("sk_test_123", "")
		if resp, err := http.DefaultClient.Do(req); err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return stop, nil
			}
		}
		select {
		case err := <-exited:
			return nil, fmt.Errorf("stripe-mock exited: %v", err)
		default:
		}
		if time.Now().After(deadline) {
			stop()
			return nil, fmt.Errorf("stripe-mock did not answer on %s in 30 s", stripeMockURL)
		}
		time.Sleep(100 * time.Millisecond)
	}
}

type sale = paymenttest.Sale

// newSale inserts a sale awaiting payment of a new partner (under parent, when not 0).
func newSale(t *testing.T, parent int64) sale {
	t.Helper()
	s, err := paymenttest.NewSale(context.Background(), pool, parent)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// newPayment creates a pending payment of the sale.
func newPayment(t *testing.T, s sale, method string, amount warranty.Kopecks) payments.Payment {
	t.Helper()
	p, err := payments.NewStore(pool).CreatePayment(context.Background(), payments.NewPayment{ID: uuid.New(),
		SaleID: s.ID, PartnerID: s.PartnerID, Purpose: payments.PurposeSale, Method: method, Amount: amount})
	if err != nil {
		t.Fatal(err)
	}
	return p
}
