// Package activities holds every side effect the sale workflows need: the projection of a
// sale into PostgreSQL, contract numbers, the contract PDF, look-ups and notifications,
// payments at the acquirer, ledger postings and the documents of the accounting archive.
// Workflows name these methods through a nil *Activities; the worker registers a real one.
package activities

import (
	"context"
	"errors"
	"log/slog"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgxpool"
	"go.temporal.io/sdk/temporal"

	"karso.ru/prm/db/store"
	"karso.ru/prm/documents"
	"karso.ru/prm/payments"
	"karso.ru/prm/warranty"
)

// Error types of business failures. They are non-retryable application errors: retrying
// cannot fix them, so the workflow sees them at once and decides.
const (
	// ErrTypeSaleNotFound: the sale has no row in the read model yet.
	ErrTypeSaleNotFound = "SaleNotFound"
	// ErrTypeContractData: the sale lacks what a contract must name (number, tariff, salon).
	ErrTypeContractData = "ContractDataMissing"
	// ErrTypePartnerNotFound: the partner of the sale is gone.
	ErrTypePartnerNotFound = "PartnerNotFound"
	// ErrTypePaymentRejected: the acquirer can never accept the request as sent (a bug or a
	// state mismatch, see payments.ErrInvalidRequest).
	ErrTypePaymentRejected = "PaymentRejected"
	// ErrTypePaymentCaptured: a payment to void has already been paid; it must be refunded.
	ErrTypePaymentCaptured = "PaymentCaptured"
	// ErrTypePaymentStatusFinal: the payment already ended and cannot take the status.
	ErrTypePaymentStatusFinal = "PaymentStatusFinal"
	// ErrTypeLedgerInvalid: a posting was refused (unbalanced, empty): a bug to fix.
	ErrTypeLedgerInvalid = "LedgerInvalid"
)

// Activities carries the dependencies of every activity; its exported methods are the
// activities the worker registers.
type Activities struct {
	pool      *pgxpool.Pool
	q         *store.Queries
	log       *slog.Logger
	publicURL string
	contracts ContractIssuer
	payments  payments.Provider
	archive   DocumentArchive
	vatBP     int64
	loc       *time.Location
}

// Deps are what the activities need from the process.
type Deps struct {
	Pool *pgxpool.Pool
	Log  *slog.Logger
	// PublicURL is where the cabinets live, for links in mail.
	PublicURL string
	// Contracts renders and stores contract PDFs.
	Contracts ContractIssuer
	// Payments is the acquirer card payments go through (payments.NewProvider).
	Payments payments.Provider
	// Documents issues and voids the invoices, receipts, addenda and cancellation acts.
	Documents DocumentArchive
	// VATBP is the VAT rate posted to the ledger, in basis points (0: no VAT).
	VATBP int64
	// TimeZone is the company's zone, in which mails print times (nil: Moscow).
	TimeZone *time.Location
}

// DocumentArchive issues documents into the accounting archive, stores files made elsewhere
// (the Excel copies of the monthly statements) and voids them; *documents.Service is the one
// the worker uses.
type DocumentArchive interface {
	Issue(ctx context.Context, kind string, partnerID int64, saleID *uuid.UUID, fileName string, data any) (documents.Ref, error)
	Store(ctx context.Context, kind string, partnerID int64, month time.Time, fileName, mime string, content []byte) (documents.Ref, error)
	Void(ctx context.Context, docID uuid.UUID) error
}

// New builds the activities.
func New(d Deps) *Activities {
	log := d.Log
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	loc := d.TimeZone
	if loc == nil {
		loc = warranty.Moscow()
	}
	return &Activities{pool: d.Pool, q: store.New(d.Pool), log: log, publicURL: d.PublicURL, contracts: d.Contracts,
		payments: d.Payments, archive: d.Documents, vatBP: d.VATBP, loc: loc}
}

// businessError is a failure no retry can fix, named by its type for the workflow.
func businessError(errType, msg string, cause error) error {
	return temporal.NewNonRetryableApplicationError(msg, errType, cause)
}

func isUniqueViolation(err error) bool {
	var pg *pgconn.PgError
	return errors.As(err, &pg) && pg.Code == "23505"
}
