package activities

import (
	"context"
	"fmt"

	"github.com/google/uuid"

	"karso.ru/prm/db/store"
)

// VINCheck asks whether a VIN already has a live contract on another sale.
type VINCheck struct {
	SaleID string `json:"SaleID"`
	VIN    string `json:"VIN"`
}

// VINUnderContract reports whether another sale of the VIN is awaiting payment or active:
// a second warranty on the same car is a risk flag for the manager.
func (a *Activities) VINUnderContract(ctx context.Context, in VINCheck) (bool, error) {
	id, err := uuid.Parse(in.SaleID)
	if err != nil {
		return false, businessError(ErrTypeSaleNotFound, "bad sale id", err)
	}
	found, err := a.q.VINUnderContract(ctx, store.VINUnderContractParams{Vin: in.VIN, SaleID: id})
	if err != nil {
		return false, fmt.Errorf("vin under contract: %w", err)
	}
	return found, nil
}
