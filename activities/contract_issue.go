package activities

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"

	"karso.ru/prm/documents"
	"karso.ru/prm/warranty"
)

// ContractIssuer renders the published contract template for a sale, stores the PDF and
// records it; issuing the same sale's contract again answers the same document.
// *documents.Service is the one the worker uses.
type ContractIssuer interface {
	IssueContract(ctx context.Context, d documents.ContractData) (documents.Ref, error)
}

// ContractRequest is what the workflow knows of a sale whose contract is due.
type ContractRequest struct {
	SaleID          string            `json:"SaleID"`
	ContractNumber  string            `json:"ContractNumber"`
	SalonID         int64             `json:"SalonID"`
	TariffVersionID int64             `json:"TariffVersionID"`
	Vehicle         warranty.Vehicle  `json:"Vehicle"`
	Customer        warranty.Customer `json:"Customer"`
	TermMonths      int               `json:"TermMonths"`
	Quote           warranty.Quote    `json:"Quote"`
	// IssuedAt is the contract's date, fixed by the workflow so that a retry renders the
	// same contract.
	IssuedAt time.Time `json:"IssuedAt"`
	TimeZone string    `json:"TimeZone"`
}

// ContractDocument names the issued contract PDF.
type ContractDocument struct {
	ID string `json:"ID"`
}

// IssueContract completes the sale's facts with the partner, the salon and the tariff
// version from PostgreSQL and has the contract rendered, stored and recorded.
func (a *Activities) IssueContract(ctx context.Context, in ContractRequest) (ContractDocument, error) {
	data, err := a.contractData(ctx, in)
	if err != nil {
		return ContractDocument{}, err
	}
	ref, err := a.contracts.IssueContract(ctx, data)
	if err != nil {
		return ContractDocument{}, fmt.Errorf("issue contract %s: %w", in.ContractNumber, err)
	}
	return ContractDocument{ID: ref.ID.String()}, nil
}

func (a *Activities) contractData(ctx context.Context, in ContractRequest) (documents.ContractData, error) {
	saleID, err := uuid.Parse(in.SaleID)
	if err != nil {
		return documents.ContractData{}, businessError(ErrTypeSaleNotFound, "bad sale id", err)
	}
	if in.ContractNumber == "" || in.TariffVersionID == 0 || in.TermMonths == 0 {
		return documents.ContractData{}, businessError(ErrTypeContractData, "the sale has no number or tariff", nil)
	}
	parties, err := a.q.ContractParties(ctx, in.SalonID)
	if errors.Is(err, pgx.ErrNoRows) {
		return documents.ContractData{}, businessError(ErrTypeContractData, "the salon is gone", err)
	}
	if err != nil {
		return documents.ContractData{}, fmt.Errorf("contract parties: %w", err)
	}
	tariff, err := a.q.ContractTariff(ctx, in.TariffVersionID)
	if errors.Is(err, pgx.ErrNoRows) {
		return documents.ContractData{}, businessError(ErrTypeContractData, "the tariff version is gone", err)
	}
	if err != nil {
		return documents.ContractData{}, fmt.Errorf("contract tariff: %w", err)
	}
	var coverage []string
	_ = json.Unmarshal(tariff.Coverage, &coverage) // coverage the data does not describe prints empty
	loc, err := time.LoadLocation(in.TimeZone)
	if err != nil {
		loc = warranty.Moscow()
	}
	issued := in.IssuedAt.In(loc)
	// the warranty runs from the day after the contract for the whole term
	validFrom := time.Date(issued.Year(), issued.Month(), issued.Day()+1, 0, 0, 0, 0, loc)
	options := make([]documents.Option, 0, len(in.Quote.Options))
	for _, o := range in.Quote.Options {
		options = append(options, documents.Option{Code: o.Code, Name: o.Name, PriceKopecks: o.PriceKopecks})
	}
	return documents.ContractData{
		SaleID: saleID, ContractNumber: in.ContractNumber, IssuedAt: issued,
		Partner: documents.Partner{ID: parties.PartnerID, Name: parties.PartnerName, INN: parties.Inn, KPP: parties.Kpp,
			OGRN: parties.Ogrn, LegalAddress: parties.LegalAddress, BankName: parties.BankName, BIK: parties.Bik,
			BankAccount: parties.BankAccount, CorrAccount: parties.CorrAccount},
		Salon:    documents.Salon{Name: parties.SalonName, City: parties.SalonCity, Address: parties.SalonAddress},
		Vehicle:  in.Vehicle,
		Customer: in.Customer,
		Tariff:   documents.Tariff{Code: tariff.Code, Name: tariff.Name, Version: tariff.Version},
		Coverage: documents.List(coverage), TermMonths: in.TermMonths, Options: options,
		GrossKopecks: in.Quote.GrossKopecks, DiscountKopecks: in.Quote.DiscountKopecks,
		PriceKopecks: in.Quote.PriceKopecks, CommissionKopecks: in.Quote.CommissionKopecks,
		ValidFrom: validFrom, ValidTo: validFrom.AddDate(0, in.TermMonths, -1),
	}, nil
}
