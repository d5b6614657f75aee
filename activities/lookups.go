package activities

import (
	"context"
	"fmt"
	"time"

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

// VINRecord is what the sale's submit learns about the VIN from other sales: a live
// contract (a second warranty on the same car) and the latest rejection by a manager (the
// next approver reads why).
type VINRecord struct {
	UnderContract bool          `json:"under_contract"`
	Rejected      *VINRejection `json:"rejected,omitempty"`
}

// VINRejection is a manager's rejection of another sale of the VIN.
type VINRejection struct {
	SaleID  string    `json:"sale_id"`
	Comment string    `json:"comment"`
	By      string    `json:"by"`
	At      time.Time `json:"at"`
}

// VINHistory is VINUnderContract extended with the latest rejection (risk rules v2). It is
// a second activity rather than a changed result, so the histories recorded with the bool
// of VINUnderContract still decode.
func (a *Activities) VINHistory(ctx context.Context, in VINCheck) (VINRecord, error) {
	under, err := a.VINUnderContract(ctx, in)
	if err != nil {
		return VINRecord{}, err
	}
	id, _ := uuid.Parse(in.SaleID) // parsed above
	rows, err := a.q.LatestVINRejection(ctx, store.LatestVINRejectionParams{Vin: in.VIN, SaleID: id})
	if err != nil {
		return VINRecord{}, fmt.Errorf("vin rejections: %w", err)
	}
	rec := VINRecord{UnderContract: under}
	if len(rows) > 0 {
		r := rows[0]
		rec.Rejected = &VINRejection{SaleID: r.SaleID.String(), Comment: r.Comment, By: r.ActorName, At: r.At}
	}
	return rec, nil
}
