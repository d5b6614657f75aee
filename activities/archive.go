package activities

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"

	"karso.ru/prm/documents"
	"karso.ru/prm/payments"
	"karso.ru/prm/warranty"
)

// ReceiptRequest asks for the receipt of a payment received.
type ReceiptRequest struct {
	SaleID         string           `json:"SaleID"`
	PaymentID      string           `json:"PaymentID"`
	SalonID        int64            `json:"SalonID"`
	Number         string           `json:"Number"`
	ContractNumber string           `json:"ContractNumber"`
	CustomerName   string           `json:"CustomerName"`
	Purpose        string           `json:"Purpose"`
	Method         string           `json:"Method"`
	Reference      string           `json:"Reference"`
	Amount         warranty.Kopecks `json:"Amount"`
	PaidAt         time.Time        `json:"PaidAt"`
}

// ArchiveReceipt issues the payment receipt into the partner's archive for the month it was
// paid in (the contract is archived there when it is issued) and mails it to the customer,
// with the contract when the sale's own payment made it take effect.
func (a *Activities) ArchiveReceipt(ctx context.Context, in ReceiptRequest) (IssuedDocument, error) {
	saleID, err := uuid.Parse(in.SaleID)
	if err != nil {
		return IssuedDocument{}, businessError(ErrTypeSaleNotFound, "bad sale id", err)
	}
	partner, salon, err := a.parties(ctx, in.SalonID)
	if err != nil {
		return IssuedDocument{}, err
	}
	method := "банковская карта"
	if in.Method == payments.MethodInvoice {
		method = "безналичный перевод"
	}
	purpose := "Оплата по договору гарантийного обслуживания " + in.ContractNumber
	if in.Purpose == payments.PurposeUpsell {
		purpose = "Доплата по дополнительному соглашению к договору гарантийного обслуживания " + in.ContractNumber
	}
	data := documents.ReceiptData{Number: in.Number, PaidAt: in.PaidAt, SaleID: saleID, ContractNumber: in.ContractNumber,
		Partner: partner, Salon: salon, Customer: in.CustomerName, Purpose: purpose, Method: method,
		Reference: in.Reference, AmountKopecks: in.Amount}
	ref, err := a.archive.Issue(ctx, documents.KindReceipt, partner.ID, &saleID, "receipt-"+in.Number+".pdf", data)
	if err != nil {
		return IssuedDocument{}, err
	}
	if err := a.mailReceipt(ctx, in, saleID, ref.ID); err != nil {
		return IssuedDocument{}, err
	}
	return IssuedDocument{ID: ref.ID.String()}, nil
}

// ContractTermsRequest are a sale's priced terms before or after a change.
type ContractTermsRequest struct {
	TariffVersionID int64          `json:"TariffVersionID"`
	TermMonths      int            `json:"TermMonths"`
	Quote           warranty.Quote `json:"Quote"`
}

// AddendumRequest asks for the addendum that records change N of a contract.
type AddendumRequest struct {
	SaleID         string               `json:"SaleID"`
	SalonID        int64                `json:"SalonID"`
	N              int                  `json:"N"`
	ContractNumber string               `json:"ContractNumber"`
	ContractDate   time.Time            `json:"ContractDate"`
	IssuedAt       time.Time            `json:"IssuedAt"`
	TimeZone       string               `json:"TimeZone"`
	Customer       warranty.Customer    `json:"Customer"`
	Vehicle        warranty.Vehicle     `json:"Vehicle"`
	Before         ContractTermsRequest `json:"Before"`
	After          ContractTermsRequest `json:"After"`
}

// IssueAddendum issues the contract addendum of an upsell or a tariff change into the
// partner's archive and mails it to the customer; change N of a sale has one addendum (and
// one mail) however often it is asked.
func (a *Activities) IssueAddendum(ctx context.Context, in AddendumRequest) (IssuedDocument, error) {
	saleID, err := uuid.Parse(in.SaleID)
	if err != nil {
		return IssuedDocument{}, businessError(ErrTypeSaleNotFound, "bad sale id", err)
	}
	partner, salon, err := a.parties(ctx, in.SalonID)
	if err != nil {
		return IssuedDocument{}, err
	}
	loc := zone(in.TimeZone)
	before, err := a.contractTerms(ctx, in.Before, in.ContractDate, loc)
	if err != nil {
		return IssuedDocument{}, err
	}
	after, err := a.contractTerms(ctx, in.After, in.ContractDate, loc)
	if err != nil {
		return IssuedDocument{}, err
	}
	data := documents.AddendumData{Number: strconv.Itoa(in.N), IssuedAt: in.IssuedAt.In(loc), SaleID: saleID,
		ContractNumber: in.ContractNumber, ContractDate: in.ContractDate.In(loc), Partner: partner, Salon: salon,
		Customer: in.Customer, Vehicle: in.Vehicle, Before: before, After: after,
		DifferenceKopecks: in.After.Quote.PriceKopecks - in.Before.Quote.PriceKopecks}
	ref, err := a.archive.Issue(ctx, documents.KindAddendum, partner.ID, &saleID, fmt.Sprintf("addendum-%d.pdf", in.N), data)
	if err != nil {
		return IssuedDocument{}, err
	}
	if err := a.mailAddendum(ctx, in, saleID, ref.ID, after.Tariff.Name); err != nil {
		return IssuedDocument{}, err
	}
	return IssuedDocument{ID: ref.ID.String()}, nil
}

func (a *Activities) contractTerms(ctx context.Context, t ContractTermsRequest, contractDate time.Time, loc *time.Location) (documents.ContractTerms, error) {
	tariff, err := a.q.ContractTariff(ctx, t.TariffVersionID)
	if errors.Is(err, pgx.ErrNoRows) {
		return documents.ContractTerms{}, businessError(ErrTypeContractData, "the tariff version is gone", err)
	}
	if err != nil {
		return documents.ContractTerms{}, fmt.Errorf("contract tariff: %w", err)
	}
	var coverage []string
	_ = json.Unmarshal(tariff.Coverage, &coverage)
	options := make([]documents.Option, 0, len(t.Quote.Options))
	for _, o := range t.Quote.Options {
		options = append(options, documents.Option{Code: o.Code, Name: o.Name, PriceKopecks: o.PriceKopecks})
	}
	_, validTo := validity(contractDate, t.TermMonths, loc)
	return documents.ContractTerms{Tariff: documents.Tariff{Code: tariff.Code, Name: tariff.Name, Version: tariff.Version},
		Coverage: documents.List(coverage), TermMonths: t.TermMonths, Options: options,
		PriceKopecks: t.Quote.PriceKopecks, ValidTo: validTo}, nil
}

// validity is when a contract of that date and term is in force: from the next day for the
// whole term, as the contract prints it.
func validity(contractDate time.Time, termMonths int, loc *time.Location) (from, to time.Time) {
	issued := contractDate.In(loc)
	from = time.Date(issued.Year(), issued.Month(), issued.Day()+1, 0, 0, 0, 0, loc)
	return from, from.AddDate(0, termMonths, -1)
}

// CancellationActRequest asks for the act that records a cancelled contract.
type CancellationActRequest struct {
	SaleID         string            `json:"SaleID"`
	SalonID        int64             `json:"SalonID"`
	ContractNumber string            `json:"ContractNumber"`
	ContractDate   time.Time         `json:"ContractDate"`
	IssuedAt       time.Time         `json:"IssuedAt"`
	TimeZone       string            `json:"TimeZone"`
	Customer       warranty.Customer `json:"Customer"`
	Vehicle        warranty.Vehicle  `json:"Vehicle"`
	Reason         string            `json:"Reason"`
	Paid           warranty.Kopecks  `json:"Paid"`
	Refunded       warranty.Kopecks  `json:"Refunded"`
}

// ArchiveCancellationAct issues the cancellation act into the partner's archive, once per
// sale, and mails it to the customer with what was refunded.
func (a *Activities) ArchiveCancellationAct(ctx context.Context, in CancellationActRequest) (IssuedDocument, error) {
	saleID, err := uuid.Parse(in.SaleID)
	if err != nil {
		return IssuedDocument{}, businessError(ErrTypeSaleNotFound, "bad sale id", err)
	}
	partner, salon, err := a.parties(ctx, in.SalonID)
	if err != nil {
		return IssuedDocument{}, err
	}
	loc := zone(in.TimeZone)
	data := documents.CancellationActData{Number: "АР-" + in.ContractNumber, IssuedAt: in.IssuedAt.In(loc),
		SaleID: saleID, ContractNumber: in.ContractNumber, ContractDate: in.ContractDate.In(loc), Partner: partner,
		Salon: salon, Customer: in.Customer, Vehicle: in.Vehicle, Reason: in.Reason, PaidKopecks: in.Paid,
		RefundKopecks: in.Refunded}
	ref, err := a.archive.Issue(ctx, documents.KindCancellationAct, partner.ID, &saleID, "cancellation-act.pdf", data)
	if err != nil {
		return IssuedDocument{}, err
	}
	if err := a.mailCancellation(ctx, in, saleID, ref.ID); err != nil {
		return IssuedDocument{}, err
	}
	return IssuedDocument{ID: ref.ID.String()}, nil
}

// VoidDocuments marks documents as no longer in force (the contract and addenda of a
// cancelled sale). They stay in the archive; voiding again changes nothing.
func (a *Activities) VoidDocuments(ctx context.Context, ids []string) error {
	for _, id := range ids {
		if err := a.voidDocument(ctx, id); err != nil {
			return err
		}
	}
	return nil
}

func (a *Activities) voidDocument(ctx context.Context, id string) error {
	docID, err := uuid.Parse(id)
	if err != nil {
		return businessError(ErrTypeContractData, "bad document id "+id, err)
	}
	if err := a.archive.Void(ctx, docID); err != nil && !errors.Is(err, documents.ErrNotFound) {
		return fmt.Errorf("void document: %w", err)
	}
	return nil
}

// parties are the partner's requisites and the salon, as documents print them.
func (a *Activities) parties(ctx context.Context, salonID int64) (documents.Partner, documents.Salon, error) {
	p, err := a.q.ContractParties(ctx, salonID)
	if errors.Is(err, pgx.ErrNoRows) {
		return documents.Partner{}, documents.Salon{}, businessError(ErrTypeContractData, "the salon is gone", err)
	}
	if err != nil {
		return documents.Partner{}, documents.Salon{}, fmt.Errorf("document parties: %w", err)
	}
	return documents.Partner{ID: p.PartnerID, Name: p.PartnerName, INN: p.Inn, KPP: p.Kpp, OGRN: p.Ogrn,
			LegalAddress: p.LegalAddress, BankName: p.BankName, BIK: p.Bik, BankAccount: p.BankAccount,
			CorrAccount: p.CorrAccount},
		documents.Salon{Name: p.SalonName, City: p.SalonCity, Address: p.SalonAddress}, nil
}

func zone(name string) *time.Location {
	if loc, err := time.LoadLocation(name); err == nil {
		return loc
	}
	return warranty.Moscow()
}
