package activities

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"

	"karso.ru/prm/db/store"
	"karso.ru/prm/warranty"
)

// SaleProjection is one revision of a sale as the read model stores it, with the history
// line that explains the change.
type SaleProjection struct {
	Sale  SaleRecord `json:"Sale"`
	Event SaleEvent  `json:"Event"`
	// State is the whole state the sale's page shows at this revision, as JSON: the workflow's
	// query answer (workflows.SaleState, which this package cannot name). It is stored as it
	// is, so the page still shows when the workflow cannot answer or is gone from Temporal.
	State json.RawMessage `json:"State"`
}

// SaleRecord is the row of the sales table at one workflow revision.
type SaleRecord struct {
	ID              string              `json:"ID"`
	WorkflowID      string              `json:"WorkflowID"`
	Revision        int64               `json:"Revision"`
	Status          warranty.SaleStatus `json:"Status"`
	ContractNumber  string              `json:"ContractNumber"`
	PartnerID       int64               `json:"PartnerID"`
	SalonID         int64               `json:"SalonID"`
	SellerID        int64               `json:"SellerID"`
	City            string              `json:"City"`
	Vehicle         *warranty.Vehicle   `json:"Vehicle"`
	Customer        *warranty.Customer  `json:"Customer"`
	TariffVersionID int64               `json:"TariffVersionID"`
	TariffCode      string              `json:"TariffCode"`
	TermMonths      int                 `json:"TermMonths"`
	Options         []string            `json:"Options"`
	DiscountBP      int64               `json:"DiscountBP"`
	Quote           *warranty.Quote     `json:"Quote"`
	UpsellKopecks   warranty.Kopecks    `json:"UpsellKopecks"`
	Flags           []warranty.Flag     `json:"Flags"`
	// SaleMonth is the accounting month, "2026-11".
	SaleMonth   string     `json:"SaleMonth"`
	CreatedAt   time.Time  `json:"CreatedAt"`
	UpdatedAt   time.Time  `json:"UpdatedAt"`
	SubmittedAt *time.Time `json:"SubmittedAt"`
	ApprovedAt  *time.Time `json:"ApprovedAt"`
	ActivatedAt *time.Time `json:"ActivatedAt"`
	ClosedAt    *time.Time `json:"ClosedAt"`
	CancelledAt *time.Time `json:"CancelledAt"`
}

// SaleEvent is one line of a sale's history: who did what, when, and what changed.
type SaleEvent struct {
	At time.Time `json:"At"`
	// ActorID is the user who acted; 0 for the system (timers, reminders).
	ActorID   int64          `json:"ActorID"`
	ActorName string         `json:"ActorName"`
	Action    string         `json:"Action"`
	Comment   string         `json:"Comment"`
	Changes   map[string]any `json:"Changes"`
}

// ProjectSale writes a sale revision and its history line in one transaction, with the mail
// the line tells people (see mailSaleEvent). It is a local activity: short, idempotent, and
// an older revision never overwrites a newer one.
func (a *Activities) ProjectSale(ctx context.Context, p SaleProjection) error {
	row, err := saleRow(p.Sale)
	if err != nil {
		return businessError("ProjectionInvalid", err.Error(), err)
	}
	changes, err := json.Marshal(p.Event.Changes)
	if err != nil || p.Event.Changes == nil {
		changes = []byte("{}")
	}
	var actor *int64
	if p.Event.ActorID != 0 {
		actor = &p.Event.ActorID
	}
	err = pgx.BeginFunc(ctx, a.pool, func(tx pgx.Tx) error {
		q := a.q.WithTx(tx)
		if _, err := q.UpsertSale(ctx, row); err != nil {
			return err
		}
		if len(p.State) > 0 {
			// the sale workflow always sends it; a caller without one still moves the row on
			if _, err := q.UpsertSaleState(ctx, store.UpsertSaleStateParams{SaleID: row.ID, Revision: row.Revision,
				State: p.State}); err != nil {
				return err
			}
		}
		if err := q.InsertSaleEvent(ctx, store.InsertSaleEventParams{SaleID: row.ID, Revision: row.Revision,
			At: p.Event.At, ActorID: actor, ActorName: p.Event.ActorName, Action: p.Event.Action,
			Comment: p.Event.Comment, Changes: changes}); err != nil {
			return err
		}
		if err := q.ClearProjectionFault(ctx, store.ClearProjectionFaultParams{SaleID: row.ID, Revision: row.Revision}); err != nil {
			return err
		}
		return a.mailSaleEventApart(ctx, tx, p, row.ID)
	})
	if isDataException(err) {
		// PostgreSQL refuses the value itself (a NUL byte, a text too long): no retry can
		// store it, so the workflow is told at once and goes on with the read model behind;
		// the fault shows on the stuck-sales page until a later revision is stored
		msg := fmt.Sprintf("project sale %s revision %d: %v", p.Sale.ID, p.Sale.Revision, err)
		if ferr := a.q.RecordProjectionFault(ctx, store.RecordProjectionFaultParams{SaleID: row.ID,
			Revision: row.Revision, Error: err.Error()}); ferr != nil {
			return fmt.Errorf("%s; record the fault: %w", msg, ferr)
		}
		return businessError(ErrTypeProjectionRefused, msg, err)
	}
	if err != nil {
		return fmt.Errorf("project sale %s revision %d: %w", p.Sale.ID, p.Sale.Revision, err)
	}
	return nil
}

// ErrTypeProjectionRefused: PostgreSQL refused a value of the sale's projection; retrying
// the same revision cannot succeed.
const ErrTypeProjectionRefused = "ProjectionRefused"

// isDataException says whether PostgreSQL refused the data itself (SQLSTATE class 22).
func isDataException(err error) bool {
	var pg *pgconn.PgError
	return errors.As(err, &pg) && strings.HasPrefix(pg.Code, "22")
}

// saleRow maps a revision onto the table's columns.
func saleRow(r SaleRecord) (store.UpsertSaleParams, error) {
	id, err := uuid.Parse(r.ID)
	if err != nil {
		return store.UpsertSaleParams{}, fmt.Errorf("sale id: %w", err)
	}
	month, err := time.Parse("2006-01", r.SaleMonth)
	if err != nil {
		return store.UpsertSaleParams{}, fmt.Errorf("sale month: %w", err)
	}
	options, _ := json.Marshal(nonNil(r.Options))
	flags, _ := json.Marshal(nonNil(r.Flags))
	p := store.UpsertSaleParams{ID: id, WorkflowID: r.WorkflowID, Revision: r.Revision, Status: string(r.Status),
		ContractNumber: optText(r.ContractNumber), PartnerID: r.PartnerID, SalonID: r.SalonID, SellerID: r.SellerID,
		City: r.City, TariffCode: r.TariffCode, Options: options, DiscountBp: int32(r.DiscountBP),
		UpsellKopecks: int64(r.UpsellKopecks), Flags: flags, SaleMonth: month, CreatedAt: r.CreatedAt,
		UpdatedAt: r.UpdatedAt, SubmittedAt: r.SubmittedAt, ApprovedAt: r.ApprovedAt, ActivatedAt: r.ActivatedAt,
		ClosedAt: r.ClosedAt, CancelledAt: r.CancelledAt}
	if r.TariffVersionID != 0 {
		p.TariffVersionID = &r.TariffVersionID
	}
	if r.TermMonths != 0 {
		p.TermMonths = optInt(r.TermMonths)
	}
	if v := r.Vehicle; v != nil {
		p.Vin, p.Make, p.Model, p.VehicleCategory = v.VIN, v.Make, v.Model, string(v.Category)
		p.VehicleYear, p.MileageKm = optInt(v.Year), optInt(v.MileageKm)
		p.EnginePowerHp, p.EngineVolumeCc = optInt(v.EnginePowerHP), optInt(v.EngineVolumeCC)
		p.VehicleSoldOn = optDate(v.SoldOn)
	}
	if c := r.Customer; c != nil {
		p.CustomerName, p.CustomerPhone, p.CustomerEmail = c.FullName, c.Phone, c.Email
		p.CustomerBirthDate = optDate(c.BirthDate)
	}
	if q := r.Quote; q != nil {
		p.GrossKopecks, p.DiscountKopecks = int64(q.GrossKopecks), int64(q.DiscountKopecks)
		p.PriceKopecks, p.CommissionKopecks = int64(q.PriceKopecks), int64(q.CommissionKopecks)
		p.DiscountBp = int32(q.DiscountBP)
	}
	return p, nil
}

func nonNil[T any](s []T) []T {
	if s == nil {
		return []T{}
	}
	return s
}

func optText(s string) *string {
	if s == "" {
		return nil
	}
	return &s
}

func optInt(n int) *int32 {
	v := int32(n)
	return &v
}

// optDate reads a YYYY-MM-DD date; the workflow only keeps validated dates, so anything
// else is an absent date rather than an error.
func optDate(s string) *time.Time {
	t, err := time.Parse(warranty.DateLayout, s)
	if err != nil {
		return nil
	}
	return &t
}
