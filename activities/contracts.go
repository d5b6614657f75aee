package activities

import (
	"context"
	"errors"
	"fmt"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"

	"karso.ru/prm/db/store"
	"karso.ru/prm/warranty"
)

// ContractNumberRequest asks for the contract number of a sale in a year.
type ContractNumberRequest struct {
	SaleID string `json:"SaleID"`
	Year   int    `json:"Year"`
}

// AllocateContractNumber gives the sale its contract number, KR-<year>-<6 digits>. The
// counter moves in the same transaction that records the number against the sale, so
// numbers have no gaps within a year; a retry (or a second submit after a failed one)
// finds the recorded number and returns it unchanged.
func (a *Activities) AllocateContractNumber(ctx context.Context, in ContractNumberRequest) (string, error) {
	saleID, err := uuid.Parse(in.SaleID)
	if err != nil {
		return "", businessError(ErrTypeSaleNotFound, "bad sale id", err)
	}
	var number string
	err = pgx.BeginFunc(ctx, a.pool, func(tx pgx.Tx) error {
		number, err = allocateInTx(ctx, a.q.WithTx(tx), saleID, in.Year)
		return err
	})
	if isUniqueViolation(err) {
		// A concurrent attempt for this sale won the race; its transaction rolled our
		// counter bump back with ours, so the number it recorded is the one.
		number, err = a.q.GetSaleContractNumber(ctx, saleID)
	}
	if err != nil {
		return "", fmt.Errorf("allocate contract number: %w", err)
	}
	return number, nil
}

func allocateInTx(ctx context.Context, q *store.Queries, saleID uuid.UUID, year int) (string, error) {
	number, err := q.GetSaleContractNumber(ctx, saleID)
	if err == nil {
		return number, nil
	}
	if !errors.Is(err, pgx.ErrNoRows) {
		return "", err
	}
	seq, err := q.BumpContractCounter(ctx, int32(year))
	if err != nil {
		return "", err
	}
	number = warranty.FormatContractNumber(year, seq)
	err = q.InsertContractNumber(ctx, store.InsertContractNumberParams{SaleID: saleID, Year: int32(year), Seq: seq,
		Number: number})
	return number, err
}
