// Package activities holds every side effect the sale workflows need: the projection of a
// sale into PostgreSQL, contract numbers, the contract PDF, look-ups and notifications.
// Workflows name these methods through a nil *Activities; the worker registers a real one.
package activities

import (
	"errors"
	"log/slog"

	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgxpool"
	"go.temporal.io/sdk/temporal"

	"karso.ru/prm/db/store"
)

// Error types of business failures. They are non-retryable application errors: retrying
// cannot fix them, so the workflow sees them at once and decides.
const (
	// ErrTypeSaleNotFound: the sale has no row in the read model yet.
	ErrTypeSaleNotFound = "SaleNotFound"
	// ErrTypeContractData: the sale lacks what a contract must name (number, tariff, salon).
	ErrTypeContractData = "ContractDataMissing"
)

// Activities carries the dependencies of every activity; its exported methods are the
// activities the worker registers.
type Activities struct {
	pool      *pgxpool.Pool
	q         *store.Queries
	log       *slog.Logger
	publicURL string
	contracts ContractIssuer
}

// Deps are what the activities need from the process.
type Deps struct {
	Pool *pgxpool.Pool
	Log  *slog.Logger
	// PublicURL is where the cabinets live, for links in mail.
	PublicURL string
	// Contracts renders and stores contract PDFs.
	Contracts ContractIssuer
}

// New builds the activities.
func New(d Deps) *Activities {
	return &Activities{pool: d.Pool, q: store.New(d.Pool), log: d.Log, publicURL: d.PublicURL, contracts: d.Contracts}
}

// businessError is a failure no retry can fix, named by its type for the workflow.
func businessError(errType, msg string, cause error) error {
	return temporal.NewNonRetryableApplicationError(msg, errType, cause)
}

func isUniqueViolation(err error) bool {
	var pg *pgconn.PgError
	return errors.As(err, &pg) && pg.Code == "23505"
}
