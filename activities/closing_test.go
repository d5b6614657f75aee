package activities_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"os/exec"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/xuri/excelize/v2"
	"go.temporal.io/sdk/temporal"

	"karso.ru/prm/activities"
	"karso.ru/prm/documents"
	"karso.ru/prm/ledger"
	"karso.ru/prm/warranty"
)

// closingVAT is the VAT rate the closing fixture posts with: the ledger credits revenue and
// VAT separately, and the reconciliation adds them back up.
const closingVAT = 2000

// closingMonth is a partner's month of sales with their ledger, as the sale workflows leave
// them, in a month no other test touches.
type closingMonth struct {
	activities.PartnerClosing
	salonID, dealerID int64
	// the contracts: in force (the last one activated at 23:30 on the month's last day),
	// upsold, posted short, and cancelled; and one of the month before.
	lateNight, upsold, short, cancelled, before testClosingSale
}

type testClosingSale struct {
	ID, Number        string
	Price, Commission warranty.Kopecks
}

// newClosingMonth makes a partner of its own with a salon and a dealer, and its June 2025.
func newClosingMonth(t *testing.T) closingMonth {
	t.Helper()
	ctx := context.Background()
	m := closingMonth{PartnerClosing: activities.PartnerClosing{ClosingPeriod: activities.ClosingPeriod{Month: "2025-06",
		TimeZone: "Europe/Moscow"}}}
	inn := fmt.Sprintf("77%08d", rand.IntN(100_000_000))
	err := pool.QueryRow(ctx, `INSERT INTO partners (name, inn, kpp, status) VALUES ($1, $2, '770101001', 'active')
		RETURNING id`, "ООО «Закрытие "+inn+"»", inn).Scan(&m.PartnerID)
	if err != nil {
		t.Fatal(err)
	}
	if err := pool.QueryRow(ctx, `INSERT INTO salons (partner_id, name, city) VALUES ($1, 'Салон на Ленинском', 'Москва')
		RETURNING id`, m.PartnerID).Scan(&m.salonID); err != nil {
		t.Fatal(err)
	}
	if err := pool.QueryRow(ctx, `INSERT INTO users (email, password_hash, role, partner_id, full_name)
		VALUES ($1, 'x', 'dealer', $2, 'Дилеров Дмитрий') RETURNING id`,
		fmt.Sprintf("closing-%d@karso.test", m.PartnerID), m.PartnerID).Scan(&m.dealerID); err != nil {
		t.Fatal(err)
	}
	moscow := warranty.Moscow()
	m.lateNight = m.sale(t, 52_790_00, 5_279_00, time.Date(2025, time.June, 30, 23, 30, 0, 0, moscow), nil)
	m.post(t, m.lateNight, m.lateNight.Price, m.lateNight.Commission)
	m.upsold = m.sale(t, 40_000_00, 4_000_00, time.Date(2025, time.June, 3, 10, 0, 0, 0, moscow), nil)
	m.post(t, m.upsold, 38_000_00, 3_800_00)
	m.adjust(t, m.upsold, 2_000_00, 200_00)
	m.short = m.sale(t, 30_000_00, 3_000_00, time.Date(2025, time.June, 12, 15, 0, 0, 0, moscow), nil)
	m.post(t, m.short, 25_000_00, 3_000_00) // the ledger holds less than the sale's price
	cancelledAt := time.Date(2025, time.June, 20, 9, 0, 0, 0, moscow)
	m.cancelled = m.sale(t, 20_000_00, 2_000_00, time.Date(2025, time.June, 5, 11, 0, 0, 0, moscow), &cancelledAt)
	m.reverse(t, m.post(t, m.cancelled, m.cancelled.Price, m.cancelled.Commission))
	m.before = m.sale(t, 10_000_00, 1_000_00, time.Date(2025, time.May, 31, 23, 30, 0, 0, moscow), nil)
	return m
}

// sale projects an activated contract (or a cancelled one) into the read model.
func (m closingMonth) sale(t *testing.T, price, commission warranty.Kopecks, activatedAt time.Time, cancelledAt *time.Time) testClosingSale {
	t.Helper()
	ctx := context.Background()
	a := newActivities(closingVAT)
	s := testClosingSale{ID: uuid.NewString(), Price: price, Commission: commission}
	var err error
	if s.Number, err = a.AllocateContractNumber(ctx, activities.ContractNumberRequest{SaleID: s.ID, Year: 2025}); err != nil {
		t.Fatal(err)
	}
	status := warranty.StatusActive
	if cancelledAt != nil {
		status = warranty.StatusCancelled
	}
	quote := warranty.Quote{TariffCode: "basic", TermMonths: 24, PriceKopecks: price, CommissionKopecks: commission}
	err = a.ProjectSale(ctx, activities.SaleProjection{Sale: activities.SaleRecord{ID: s.ID, WorkflowID: "sale-" + s.ID,
		Revision: 1, Status: status, ContractNumber: s.Number, PartnerID: m.PartnerID, SalonID: m.salonID,
		SellerID: m.dealerID, City: "Москва", Customer: &warranty.Customer{FullName: "Клиентов Кирилл " + s.Number},
		TariffCode: "basic", TermMonths: 24, Quote: &quote, SaleMonth: warranty.SaleMonth(activatedAt, nil),
		CreatedAt: activatedAt.Add(-time.Hour), UpdatedAt: activatedAt, ActivatedAt: &activatedAt, CancelledAt: cancelledAt},
		Event: activities.SaleEvent{At: activatedAt, Action: "activated"}})
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func (m closingMonth) post(t *testing.T, s testClosingSale, price, commission warranty.Kopecks) uuid.UUID {
	t.Helper()
	id, err := ledger.Post(context.Background(), pool, ledger.SalePaid(ledger.SaleMoney{SaleID: uuid.MustParse(s.ID),
		PartnerID: m.PartnerID, Method: ledger.MethodCard, Price: price, Commission: commission, VATBP: closingVAT}))
	if err != nil {
		t.Fatal(err)
	}
	return id
}

func (m closingMonth) adjust(t *testing.T, s testClosingSale, price, commission warranty.Kopecks) {
	t.Helper()
	_, err := ledger.Post(context.Background(), pool, ledger.Adjustment("change-1", ledger.SaleMoney{
		SaleID: uuid.MustParse(s.ID), PartnerID: m.PartnerID, Method: ledger.MethodCard, Price: price,
		Commission: commission, VATBP: closingVAT}))
	if err != nil {
		t.Fatal(err)
	}
}

func (m closingMonth) reverse(t *testing.T, posting uuid.UUID) {
	t.Helper()
	if _, err := ledger.Reverse(context.Background(), pool, posting, "sale cancelled"); err != nil {
		t.Fatal(err)
	}
}

func TestClosingDocumentsAreArchivedOnceHoweverOftenTheMonthIsClosed(t *testing.T) {
	ctx := context.Background()
	m := newClosingMonth(t)
	a := newActivities(closingVAT)
	partners, err := a.ClosingPartners(ctx, m.ClosingPeriod)
	if err != nil || !slices.Contains(partners, m.PartnerID) {
		t.Fatalf("partners of June %v (%v) lack %d", partners, err, m.PartnerID)
	}
	if err := a.StartPartnerClosing(ctx, m.PartnerClosing); err != nil {
		t.Fatal(err)
	}
	first, err := a.IssueClosingDocuments(ctx, m.PartnerClosing)
	if err != nil {
		t.Fatal(err)
	}
	// the contracts in force of June: not the cancelled one, not May's
	wantTotal := m.lateNight.Price + m.upsold.Price + m.short.Price
	if first.SalesCount != 3 || first.TotalPrice != wantTotal ||
		first.TotalCommission != m.lateNight.Commission+m.upsold.Commission+m.short.Commission || len(first.DocumentIDs) != 4 {
		t.Fatalf("documents %+v", first)
	}
	again, err := a.IssueClosingDocuments(ctx, m.PartnerClosing)
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(first.DocumentIDs, again.DocumentIDs) {
		t.Errorf("the second closing archived %v, the first %v", again.DocumentIDs, first.DocumentIDs)
	}
	if n := count(t, `SELECT count(*) FROM documents WHERE partner_id = $1`, m.PartnerID); n != 4 {
		t.Errorf("%d documents archived, want 4", n)
	}
	want := map[string]string{
		"commission-statement-2025-06.pdf":  documents.MimePDF,
		"commission-statement-2025-06.xlsx": documents.MimeXLSX,
		"act-2025-06.pdf":                   documents.MimePDF,
		"act-2025-06.xlsx":                  documents.MimeXLSX,
	}
	rows, err := pool.Query(ctx, `SELECT file_name, mime, blob_key, to_char(month, 'YYYY-MM') FROM documents
		WHERE partner_id = $1 AND sale_id IS NULL`, m.PartnerID)
	if err != nil {
		t.Fatal(err)
	}
	for rows.Next() {
		var name, mime, key, month string
		if err := rows.Scan(&name, &mime, &key, &month); err != nil {
			t.Fatal(err)
		}
		if want[name] != mime || month != "2025-06" || key != fmt.Sprintf("partners/%d/2025-06/%s", m.PartnerID, name) {
			t.Errorf("archived %s (%s) as %s in %s", name, mime, key, month)
		}
	}
	rows.Close()
	if status := closingStatus(t, m.PartnerClosing); status != activities.ClosingDocumentsIssued {
		t.Errorf("register says %s", status)
	}

	// the Excel statement lists the month's contracts and adds them up
	cells := workbookText(t, first.DocumentIDs[1])
	for _, s := range []testClosingSale{m.lateNight, m.upsold, m.short} {
		if !strings.Contains(cells, s.Number) {
			t.Errorf("the statement workbook lacks %s:\n%s", s.Number, cells)
		}
	}
	if strings.Contains(cells, m.cancelled.Number) || strings.Contains(cells, m.before.Number) ||
		!strings.Contains(cells, "122790") || !strings.Contains(cells, "30.06.2025") {
		t.Errorf("the statement workbook:\n%s", cells)
	}
	// and so does the PDF
	text := pdfText(t, first.DocumentIDs[0])
	if !strings.Contains(text, m.lateNight.Number) || strings.Contains(text, m.cancelled.Number) {
		t.Errorf("the statement PDF:\n%s", text)
	}
}

func TestClosingReconciliationFindsTheSaleWhoseLedgerDiffersAndAlertsFinanceOnce(t *testing.T) {
	ctx := context.Background()
	m := newClosingMonth(t)
	a := newActivities(closingVAT)
	if err := a.StartPartnerClosing(ctx, m.PartnerClosing); err != nil {
		t.Fatal(err)
	}
	rec, err := a.ReconcileClosing(ctx, m.PartnerClosing)
	if err != nil {
		t.Fatal(err)
	}
	want := []activities.LedgerMismatch{{SaleID: m.short.ID, ContractNumber: m.short.Number, Status: "active",
		ExpectedPrice: 30_000_00, LedgerPrice: 25_000_00, ExpectedCommission: 3_000_00, LedgerCommission: 3_000_00}}
	if !slices.Equal(rec.Mismatches, want) || rec.MismatchCount != 1 || rec.Matched() {
		t.Fatalf("mismatches %+v, want %+v", rec.Mismatches, want)
	}
	// four sales of June compared (the cancelled one nets to zero on both sides)
	inForce := m.lateNight.Price + m.upsold.Price + m.short.Price
	if rec.Sales != 4 || rec.SalesTotal != inForce || rec.LedgerTotal != inForce-5_000_00 ||
		rec.SalesCommission != rec.LedgerCommission {
		t.Errorf("reconciliation %+v", rec)
	}
	var status string
	var salesTotal, ledgerTotal int64
	err = pool.QueryRow(ctx, `SELECT status, sales_total, ledger_total FROM closings WHERE month = '2025-06-01' AND partner_id = $1`,
		m.PartnerID).Scan(&status, &salesTotal, &ledgerTotal)
	if err != nil || status != activities.ClosingMismatch || salesTotal != int64(inForce) || ledgerTotal != int64(inForce-5_000_00) {
		t.Errorf("register: %s %d %d (%v)", status, salesTotal, ledgerTotal, err)
	}

	alert := activities.MismatchAlert{PartnerClosing: m.PartnerClosing, Count: rec.MismatchCount, Mismatches: rec.Mismatches}
	notice := activities.ClosingNotice{PartnerClosing: m.PartnerClosing, Matched: false,
		Documents: activities.ClosingDocuments{SalesCount: 3, TotalPrice: inForce}}
	for range 2 { // a re-run alerts and notifies nobody twice
		if err := a.AlertLedgerMismatch(ctx, alert); err != nil {
			t.Fatal(err)
		}
		if err := a.NotifyClosing(ctx, notice); err != nil {
			t.Fatal(err)
		}
	}
	finance := count(t, `SELECT count(*) FROM users WHERE role = 'finance' AND active`)
	mismatchKey := fmt.Sprintf("%s:2025-06:%d:%%", activities.NoticeLedgerMismatch, m.PartnerID)
	if n := count(t, `SELECT count(*) FROM mail_outbox m JOIN users u ON u.email = m.to_address AND u.role = 'finance'
		WHERE m.dedup_key LIKE $1 AND m.body LIKE '%' || $2 || '%' AND m.body NOT LIKE '%' || $3 || '%'`,
		mismatchKey, m.short.Number, m.upsold.Number); n != finance || finance == 0 {
		t.Errorf("%d mismatch mails naming %s, want one per finance user (%d)", n, m.short.Number, finance)
	}
	if n := count(t, `SELECT count(*) FROM tasks WHERE dedup_key LIKE $1 AND role = 'finance'`, mismatchKey); n != finance {
		t.Errorf("%d mismatch tasks, want %d", n, finance)
	}
	closedKey := fmt.Sprintf("%s:2025-06:%d:%%", activities.NoticeMonthClosed, m.PartnerID)
	if n := count(t, `SELECT count(*) FROM mail_outbox WHERE dedup_key LIKE $1`, closedKey); n != finance+1 {
		t.Errorf("%d month-closed mails, want the dealer's and one per finance user (%d)", n, finance+1)
	}
	if n := count(t, `SELECT count(*) FROM mail_outbox WHERE dedup_key = $1`,
		fmt.Sprintf("%s:2025-06:%d:%d", activities.NoticeMonthClosed, m.PartnerID, m.dealerID)); n != 1 {
		t.Errorf("the dealer got %d month-closed mails", n)
	}

	at := time.Date(2025, time.July, 1, 3, 0, 5, 0, warranty.Moscow())
	if err := a.FinishPartnerClosing(ctx, activities.ClosingFinish{PartnerClosing: m.PartnerClosing,
		Status: activities.ClosingMismatch, At: at}); err != nil {
		t.Fatal(err)
	}
	var finished time.Time
	if err := pool.QueryRow(ctx, `SELECT finished_at FROM closings WHERE month = '2025-06-01' AND partner_id = $1`,
		m.PartnerID).Scan(&finished); err != nil || !finished.Equal(at) {
		t.Errorf("finished at %s (%v), want %s", finished, err, at)
	}
}

func TestClosingOfAMalformedMonthIsABusinessError(t *testing.T) {
	_, err := newActivities(0).ClosingPartners(context.Background(), activities.ClosingPeriod{Month: "June", TimeZone: "Europe/Moscow"})
	var app *temporal.ApplicationError
	if !errors.As(err, &app) || app.Type() != activities.ErrTypeBadClosingMonth || !app.NonRetryable() {
		t.Fatalf("err %v", err)
	}
}

func closingStatus(t *testing.T, c activities.PartnerClosing) string {
	t.Helper()
	var status string
	if err := pool.QueryRow(context.Background(), `SELECT status FROM closings WHERE month = to_date($1, 'YYYY-MM')
		AND partner_id = $2`, c.Month, c.PartnerID).Scan(&status); err != nil {
		t.Fatal(err)
	}
	return status
}

func archived(t *testing.T, id string) []byte {
	t.Helper()
	r, _, err := docs.Open(context.Background(), uuid.MustParse(id))
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	b, err := io.ReadAll(r)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// workbookText is every cell of the workbook's first sheet as Excel shows it, a row a line.
func workbookText(t *testing.T, id string) string {
	t.Helper()
	f, err := excelize.OpenReader(bytes.NewReader(archived(t, id)))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	rows, err := f.GetRows(f.GetSheetName(0), excelize.Options{RawCellValue: true})
	if err != nil {
		t.Fatal(err)
	}
	var b strings.Builder
	for _, r := range rows {
		b.WriteString(strings.Join(r, "|") + "\n")
	}
	// dates come back formatted; read them apart
	formatted, _ := f.GetRows(f.GetSheetName(0))
	for _, r := range formatted {
		b.WriteString(strings.Join(r, "|") + "\n")
	}
	return b.String()
}

func pdfText(t *testing.T, id string) string {
	t.Helper()
	cmd := exec.Command("pdftotext", "-layout", "-", "-")
	cmd.Stdin = bytes.NewReader(archived(t, id))
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("pdftotext: %v", err)
	}
	return string(out)
}
