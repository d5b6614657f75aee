package activities

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"

	"karso.ru/prm/db/store"
	"karso.ru/prm/documents"
	"karso.ru/prm/ledger"
	"karso.ru/prm/mail"
	"karso.ru/prm/warranty"
)

// ErrTypeBadClosingMonth: the month to close is not a YYYY-MM month.
const ErrTypeBadClosingMonth = "BadClosingMonth"

// The statuses of a partner's closing of a month (closings.status), in the order it moves.
const (
	ClosingInProgress      = "in_progress"
	ClosingDocumentsIssued = "documents_issued"
	// ClosingReconciled: the ledger matches the sales; it becomes ClosingClosed once notified.
	ClosingReconciled = "reconciled"
	// ClosingMismatch: the ledger differs from the sales and finance was alerted; the closing
	// ends in this status (with finished_at) so the register shows it.
	ClosingMismatch = "mismatch"
	ClosingClosed   = "closed"
)

// Kinds of closing notices (mail_outbox.kind, tasks.kind).
const (
	// NoticeMonthClosed tells a partner's dealers and finance that the month's statement and
	// act are in the archive.
	NoticeMonthClosed = mail.KindMonthClosed
	// NoticeLedgerMismatch alerts finance that the ledger differs from the sales of a closed month.
	NoticeLedgerMismatch = mail.KindLedgerMismatch
)

// ClosingPeriod names the month being closed.
type ClosingPeriod struct {
	// Month is the month closed, "2026-03".
	Month string `json:"Month"`
	// TimeZone is the company's zone, whose calendar the month is.
	TimeZone string `json:"TimeZone"`
}

// bounds are the month's first instant and the first instant of the next month, and the zone.
func (p ClosingPeriod) bounds() (start, end time.Time, loc *time.Location, err error) {
	loc = zone(p.TimeZone)
	start, err = time.ParseInLocation("2006-01", p.Month, loc)
	if err != nil {
		return time.Time{}, time.Time{}, nil, businessError(ErrTypeBadClosingMonth, "bad month "+p.Month, err)
	}
	return start, start.AddDate(0, 1, 0), loc, nil
}

// monthKey is the month as the closings register keys it: its first day, as a date.
func (p ClosingPeriod) monthKey() (time.Time, error) {
	start, _, _, err := p.bounds()
	if err != nil {
		return time.Time{}, err
	}
	return time.Date(start.Year(), start.Month(), 1, 0, 0, 0, 0, time.UTC), nil
}

// PartnerClosing is one partner's closing of one month.
type PartnerClosing struct {
	ClosingPeriod
	PartnerID int64 `json:"PartnerID"`
}

// ClosingPartners lists, by id, the partners with activity in the month: a contract activated
// in it, or a ledger posting in it for a sale the read model does not show as activated.
func (a *Activities) ClosingPartners(ctx context.Context, p ClosingPeriod) ([]int64, error) {
	start, end, _, err := p.bounds()
	if err != nil {
		return nil, err
	}
	ids, err := a.q.ClosingPartners(ctx, store.ClosingPartnersParams{PeriodStart: start, PeriodEnd: end})
	if err != nil {
		return nil, fmt.Errorf("closing partners of %s: %w", p.Month, err)
	}
	return ids, nil
}

// StartPartnerClosing records that the partner's closing of the month has begun (again): the
// register has one row per month and partner, whatever the number of runs.
func (a *Activities) StartPartnerClosing(ctx context.Context, c PartnerClosing) error {
	month, err := c.monthKey()
	if err != nil {
		return err
	}
	if err := a.q.StartClosing(ctx, store.StartClosingParams{Month: month, PartnerID: c.PartnerID}); err != nil {
		return fmt.Errorf("start closing %s of partner %d: %w", c.Month, c.PartnerID, err)
	}
	return nil
}

// ClosingDocuments are the partner's archived documents of a month and the totals they print.
type ClosingDocuments struct {
	// DocumentIDs are the statement and the act, each as PDF and Excel, in that order.
	DocumentIDs       []string         `json:"DocumentIDs"`
	SalesCount        int              `json:"SalesCount"`
	TotalPrice        warranty.Kopecks `json:"TotalPrice"`
	TotalCommission   warranty.Kopecks `json:"TotalCommission"`
	StatementFileName string           `json:"StatementFileName"`
	ActFileName       string           `json:"ActFileName"`
}

// IssueClosingDocuments archives the partner's commission statement and act of the month, each
// as a PDF and as an Excel workbook. The statement lists the contracts activated in the month
// and still in force, at their price after the month's upsells. Each file is named by the
// month and dated the first day of the next month, so a retry or a re-run of the closing finds
// the files already archived and stores nothing new.
func (a *Activities) IssueClosingDocuments(ctx context.Context, c PartnerClosing) (ClosingDocuments, error) {
	start, end, loc, err := c.bounds()
	if err != nil {
		return ClosingDocuments{}, err
	}
	partner, err := a.closingPartner(ctx, c.PartnerID)
	if err != nil {
		return ClosingDocuments{}, err
	}
	rows, err := a.q.ClosingStatementLines(ctx, store.ClosingStatementLinesParams{PartnerID: c.PartnerID,
		PeriodStart: start, PeriodEnd: end})
	if err != nil {
		return ClosingDocuments{}, fmt.Errorf("closing statement of partner %d: %w", c.PartnerID, err)
	}
	statement := commissionStatement(c, partner, rows, start, end, loc)
	act := monthlyAct(c, statement)
	out := ClosingDocuments{SalesCount: statement.SalesCount, TotalPrice: statement.TotalPriceKopecks,
		TotalCommission:   statement.TotalCommissionKopecks,
		StatementFileName: "commission-statement-" + c.Month, ActFileName: "act-" + c.Month}
	if out.DocumentIDs, err = a.archiveClosingDocuments(ctx, c, start, statement, act, out); err != nil {
		return ClosingDocuments{}, err
	}
	if err := a.setClosingStatus(ctx, c, ClosingDocumentsIssued); err != nil {
		return ClosingDocuments{}, err
	}
	return out, nil
}

// archiveClosingDocuments issues the two PDFs and stores their Excel copies.
func (a *Activities) archiveClosingDocuments(ctx context.Context, c PartnerClosing, month time.Time,
	statement documents.CommissionStatementData, act documents.ActData, names ClosingDocuments) ([]string, error) {
	statementXLSX, err := documents.CommissionStatementWorkbook(statement)
	if err != nil {
		return nil, fmt.Errorf("commission statement workbook: %w", err)
	}
	actXLSX, err := documents.ActWorkbook(act)
	if err != nil {
		return nil, fmt.Errorf("act workbook: %w", err)
	}
	var ids []string
	for _, issue := range []func() (documents.Ref, error){
		func() (documents.Ref, error) {
			return a.archive.Issue(ctx, documents.KindCommissionStatement, c.PartnerID, nil, names.StatementFileName+".pdf", statement)
		},
		func() (documents.Ref, error) {
			return a.archive.Store(ctx, documents.KindCommissionStatement, c.PartnerID, month,
				names.StatementFileName+".xlsx", documents.MimeXLSX, statementXLSX)
		},
		func() (documents.Ref, error) {
			return a.archive.Issue(ctx, documents.KindAct, c.PartnerID, nil, names.ActFileName+".pdf", act)
		},
		func() (documents.Ref, error) {
			return a.archive.Store(ctx, documents.KindAct, c.PartnerID, month, names.ActFileName+".xlsx", documents.MimeXLSX, actXLSX)
		},
	} {
		ref, err := issue()
		if err != nil {
			return nil, fmt.Errorf("closing documents of partner %d: %w", c.PartnerID, err)
		}
		ids = append(ids, ref.ID.String())
	}
	return ids, nil
}

func (a *Activities) closingPartner(ctx context.Context, id int64) (documents.Partner, error) {
	p, err := a.q.ClosingPartner(ctx, id)
	if errors.Is(err, pgx.ErrNoRows) {
		return documents.Partner{}, businessError(ErrTypePartnerNotFound, fmt.Sprintf("partner %d is gone", id), err)
	}
	if err != nil {
		return documents.Partner{}, fmt.Errorf("closing partner %d: %w", id, err)
	}
	return documents.Partner{ID: p.ID, Name: p.Name, INN: p.Inn, KPP: p.Kpp, OGRN: p.Ogrn, LegalAddress: p.LegalAddress,
		BankName: p.BankName, BIK: p.Bik, BankAccount: p.BankAccount, CorrAccount: p.CorrAccount}, nil
}

// commissionStatement is the statement's data. It is dated the first day of the next month,
// the day the month is closed, whenever the closing runs: the same month gives the same data.
func commissionStatement(c PartnerClosing, partner documents.Partner, rows []store.ClosingStatementLinesRow,
	start, end time.Time, loc *time.Location) documents.CommissionStatementData {
	d := documents.CommissionStatementData{Number: fmt.Sprintf("ВК-%s-%04d", c.Month, c.PartnerID), Month: start,
		IssuedAt: end, Partner: partner, Lines: make([]documents.CommissionLine, 0, len(rows)), SalesCount: len(rows)}
	for _, r := range rows {
		line := documents.CommissionLine{ContractNumber: r.ContractNumber, Salon: r.SalonName, Customer: r.CustomerName,
			Tariff: r.TariffName, PriceKopecks: warranty.Kopecks(r.PriceKopecks),
			CommissionKopecks: warranty.Kopecks(r.CommissionKopecks)}
		if r.ActivatedAt != nil {
			line.Date = r.ActivatedAt.In(loc)
		}
		d.Lines = append(d.Lines, line)
		d.TotalPriceKopecks += line.PriceKopecks
		d.TotalCommissionKopecks += line.CommissionKopecks
	}
	return d
}

// monthlyAct is the act of the agent's services for the statement's month. The agent's VAT
// status is not recorded for partners, so the act states its fee without VAT.
func monthlyAct(c PartnerClosing, s documents.CommissionStatementData) documents.ActData {
	return documents.ActData{Number: fmt.Sprintf("АКТ-%s-%04d", c.Month, c.PartnerID), Month: s.Month, IssuedAt: s.IssuedAt,
		Partner: s.Partner, SalesCount: s.SalesCount, TotalPriceKopecks: s.TotalPriceKopecks,
		CommissionKopecks: s.TotalCommissionKopecks}
}

// LedgerMismatch is one sale whose ledger differs from what the sale calls for.
type LedgerMismatch struct {
	SaleID         string `json:"SaleID"`
	ContractNumber string `json:"ContractNumber"`
	Status         string `json:"Status"`
	// ExpectedPrice is the price the ledger must have credited (revenue plus the VAT in it):
	// the sale's price after its upsells for a contract in force, 0 for a cancelled sale.
	ExpectedPrice warranty.Kopecks `json:"ExpectedPrice"`
	LedgerPrice   warranty.Kopecks `json:"LedgerPrice"`
	// ExpectedCommission is what the ledger must owe the partner (commission payable).
	ExpectedCommission warranty.Kopecks `json:"ExpectedCommission"`
	LedgerCommission   warranty.Kopecks `json:"LedgerCommission"`
}

// Reconciliation compares the partner's ledger with its sales of a month.
type Reconciliation struct {
	// Sales is how many sales were compared.
	Sales int `json:"Sales"`
	// SalesTotal and LedgerTotal are the price the sales call for and the price the ledger
	// credited, over every sale compared; the register keeps them.
	SalesTotal  warranty.Kopecks `json:"SalesTotal"`
	LedgerTotal warranty.Kopecks `json:"LedgerTotal"`
	// SalesCommission and LedgerCommission are the same for the partner's commission.
	SalesCommission  warranty.Kopecks `json:"SalesCommission"`
	LedgerCommission warranty.Kopecks `json:"LedgerCommission"`
	// MismatchCount is how many sales differ. Totals may agree while sales differ (two errors
	// cancelling out), so a closing matches only when none does.
	MismatchCount int `json:"MismatchCount"`
	// Mismatches are the sales that differ, in the statement's order, the first
	// MaxReportedMismatches of them: what an alert can list and a workflow can carry.
	Mismatches []LedgerMismatch `json:"Mismatches"`
}

// MaxReportedMismatches bounds the sales a reconciliation reports one by one; a ledger wrong
// for more sales than that is one problem for finance, not a list to read.
const MaxReportedMismatches = 200

// Matched reports whether every sale's ledger agrees with the sale.
func (r Reconciliation) Matched() bool { return r.MismatchCount == 0 }

// ReconcileClosing checks, sale by sale, the partner's ledger against its sales of the month:
// every sale activated in the month, and every sale posted in it without being activated. A
// contract in force must have its price (after upsells) credited to revenue and VAT payable
// and its commission credited to commission payable; a cancelled or never activated sale must
// net to zero on both. It records the totals and the outcome in the register.
func (a *Activities) ReconcileClosing(ctx context.Context, c PartnerClosing) (Reconciliation, error) {
	start, end, _, err := c.bounds()
	if err != nil {
		return Reconciliation{}, err
	}
	rows, err := a.q.ClosingLedgerComparison(ctx, store.ClosingLedgerComparisonParams{PartnerID: c.PartnerID,
		PeriodStart: start, PeriodEnd: end, PriceAccounts: []string{string(ledger.Revenue), string(ledger.VATPayable)},
		CommissionAccount: string(ledger.CommissionPayable)})
	if err != nil {
		return Reconciliation{}, fmt.Errorf("reconcile closing %s of partner %d: %w", c.Month, c.PartnerID, err)
	}
	r := reconcile(rows)
	status := ClosingReconciled
	if !r.Matched() {
		status = ClosingMismatch
	}
	month, _ := c.monthKey()
	err = a.q.RecordClosingTotals(ctx, store.RecordClosingTotalsParams{Month: month, PartnerID: c.PartnerID, Status: status,
		SalesTotal: int64(r.SalesTotal), LedgerTotal: int64(r.LedgerTotal)})
	if err != nil {
		return Reconciliation{}, fmt.Errorf("record closing totals: %w", err)
	}
	return r, nil
}

// reconcile adds up the comparison and keeps the sales that differ.
func reconcile(rows []store.ClosingLedgerComparisonRow) Reconciliation {
	r := Reconciliation{Sales: len(rows), Mismatches: []LedgerMismatch{}}
	for _, row := range rows {
		m := LedgerMismatch{SaleID: row.ID.String(), ContractNumber: row.ContractNumber, Status: row.Status,
			ExpectedPrice: warranty.Kopecks(row.ExpectedPrice), LedgerPrice: warranty.Kopecks(row.LedgerPrice),
			ExpectedCommission: warranty.Kopecks(row.ExpectedCommission), LedgerCommission: warranty.Kopecks(row.LedgerCommission)}
		r.SalesTotal += m.ExpectedPrice
		r.LedgerTotal += m.LedgerPrice
		r.SalesCommission += m.ExpectedCommission
		r.LedgerCommission += m.LedgerCommission
		if m.ExpectedPrice == m.LedgerPrice && m.ExpectedCommission == m.LedgerCommission {
			continue
		}
		r.MismatchCount++
		if len(r.Mismatches) < MaxReportedMismatches {
			r.Mismatches = append(r.Mismatches, m)
		}
	}
	return r
}

// MismatchAlert asks to alert finance to the sales whose ledger differs.
type MismatchAlert struct {
	PartnerClosing
	// Count is how many sales differ; Mismatches lists the first of them.
	Count      int              `json:"Count"`
	Mismatches []LedgerMismatch `json:"Mismatches"`
}

// AlertLedgerMismatch mails every active finance user the list of sales whose ledger differs
// and gives each a task. The key names the month, the partner, the differences found (a digest)
// and the person: a re-run that finds the same differences alerts nobody twice, while a new
// difference found later is a new alert.
func (a *Activities) AlertLedgerMismatch(ctx context.Context, in MismatchAlert) error {
	if in.Count == 0 && len(in.Mismatches) == 0 {
		return nil
	}
	partner, err := a.closingPartner(ctx, in.PartnerID)
	if err != nil {
		return err
	}
	people, err := a.q.ActiveUsersByRole(ctx, "finance")
	if err != nil {
		return fmt.Errorf("alert ledger mismatch: %w", err)
	}
	digest := mismatchDigest(in)
	data := mismatchData(in, partner.Name)
	err = pgx.BeginFunc(ctx, a.pool, func(tx pgx.Tx) error {
		q := a.q.WithTx(tx)
		for _, p := range people {
			key := fmt.Sprintf("%s:%s:%d:%s:%d", NoticeLedgerMismatch, in.Month, in.PartnerID, digest, p.ID)
			if _, err := mail.Queue(ctx, tx, mail.Message{Kind: mail.KindLedgerMismatch, To: p.Email, UserID: p.ID,
				Locale: p.Locale, Data: data, DedupKey: key}); err != nil {
				return err
			}
			title, err := mail.Render(mail.KindLedgerMismatch, p.Locale, data)
			if err != nil {
				return err
			}
			assignee := p.ID
			if err := q.CreateTask(ctx, store.CreateTaskParams{AssigneeID: &assignee, Role: "finance",
				Kind: NoticeLedgerMismatch, PartnerID: &in.PartnerID, Link: "/finance/closings", Title: title.Subject,
				DedupKey: &key}); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("alert ledger mismatch: %w", err)
	}
	return nil
}

// mismatchDigest names a set of differences: the same sales with the same figures give the
// same digest.
func mismatchDigest(in MismatchAlert) string {
	h := sha256.New()
	fmt.Fprintf(h, "%d\n", in.Count)
	for _, m := range in.Mismatches {
		fmt.Fprintf(h, "%s:%d:%d:%d:%d\n", m.SaleID, m.ExpectedPrice, m.LedgerPrice, m.ExpectedCommission, m.LedgerCommission)
	}
	return hex.EncodeToString(h.Sum(nil))[:16]
}

// mismatchData is what the alert lists: the sales found (by contract, or by sale id for a sale
// without one) and how many more differ.
func mismatchData(in MismatchAlert, partnerName string) mail.LedgerMismatch {
	count := max(in.Count, len(in.Mismatches))
	d := mail.LedgerMismatch{Month: in.Month, Partner: partnerName, Count: count, More: count - len(in.Mismatches)}
	for _, m := range in.Mismatches {
		name := m.ContractNumber
		if name == "" {
			name = m.SaleID
		}
		d.Lines = append(d.Lines, mail.MismatchLine{Contract: name, SaleID: m.SaleID, Status: m.Status,
			ExpectedPrice: m.ExpectedPrice, LedgerPrice: m.LedgerPrice,
			ExpectedCommission: m.ExpectedCommission, LedgerCommission: m.LedgerCommission})
	}
	return d
}

// ClosingNotice asks to tell a partner's dealers and finance that the month is closed.
type ClosingNotice struct {
	PartnerClosing
	Documents ClosingDocuments `json:"Documents"`
	// Matched is whether the ledger agreed with the sales (finance is told either way).
	Matched bool `json:"Matched"`
}

// NotifyClosing mails the partner's active dealers and every active finance user that the
// month's statement and act are in the archive. Each mail is keyed by the month, the partner
// and the person, so however often the month is closed each person is told once.
func (a *Activities) NotifyClosing(ctx context.Context, n ClosingNotice) error {
	partner, err := a.closingPartner(ctx, n.PartnerID)
	if err != nil {
		return err
	}
	dealers, err := a.q.PartnerDealers(ctx, n.PartnerID)
	if err != nil {
		return fmt.Errorf("notify closing: %w", err)
	}
	finance, err := a.q.ActiveUsersByRole(ctx, "finance")
	if err != nil {
		return fmt.Errorf("notify closing: %w", err)
	}
	var people []recipient
	for _, d := range dealers {
		people = append(people, recipient{id: d.ID, email: d.Email, locale: d.Locale})
	}
	for _, f := range finance {
		people = append(people, recipient{id: f.ID, email: f.Email, locale: f.Locale})
	}
	data := mail.MonthClosed{Month: n.Month, Partner: partner.Name, SalesCount: n.Documents.SalesCount,
		TotalPrice: n.Documents.TotalPrice, TotalCommission: n.Documents.TotalCommission, Matched: n.Matched,
		URL: a.publicURL + "/documents"}
	attachments, err := closingPDFs(n.Documents)
	if err != nil {
		return err
	}
	err = pgx.BeginFunc(ctx, a.pool, func(tx pgx.Tx) error {
		for _, p := range people {
			key := fmt.Sprintf("%s:%s:%d:%d", NoticeMonthClosed, n.Month, n.PartnerID, p.id)
			if _, err := mail.Queue(ctx, tx, mail.Message{Kind: mail.KindMonthClosed, To: p.email, UserID: p.id,
				Locale: p.locale, Data: data, Attachments: attachments, DedupKey: key}); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("notify closing: %w", err)
	}
	return nil
}

// closingPDFs are the statement's and the act's PDFs, which the closing mail carries; their
// Excel copies stay in the archive (IssueClosingDocuments lists them PDF, Excel, PDF, Excel).
func closingPDFs(d ClosingDocuments) ([]uuid.UUID, error) {
	var out []uuid.UUID
	for i := 0; i < len(d.DocumentIDs); i += 2 {
		id, err := uuid.Parse(d.DocumentIDs[i])
		if err != nil {
			return nil, businessError(ErrTypeContractData, "bad document id "+d.DocumentIDs[i], err)
		}
		out = append(out, id)
	}
	return out, nil
}

// ClosingFinish records how a partner's closing of a month ended.
type ClosingFinish struct {
	PartnerClosing
	// Status is ClosingClosed or ClosingMismatch.
	Status string `json:"Status"`
	// At is when the closing finished, by the workflow's clock.
	At time.Time `json:"At"`
}

// FinishPartnerClosing records the closing's final status and when it finished.
func (a *Activities) FinishPartnerClosing(ctx context.Context, f ClosingFinish) error {
	month, err := f.monthKey()
	if err != nil {
		return err
	}
	at := f.At
	err = a.q.FinishClosing(ctx, store.FinishClosingParams{Month: month, PartnerID: f.PartnerID, Status: f.Status, FinishedAt: &at})
	if err != nil {
		return fmt.Errorf("finish closing %s of partner %d: %w", f.Month, f.PartnerID, err)
	}
	return nil
}

func (a *Activities) setClosingStatus(ctx context.Context, c PartnerClosing, status string) error {
	month, err := c.monthKey()
	if err != nil {
		return err
	}
	if err := a.q.SetClosingStatus(ctx, store.SetClosingStatusParams{Month: month, PartnerID: c.PartnerID, Status: status}); err != nil {
		return fmt.Errorf("closing status: %w", err)
	}
	return nil
}
