package documents_test

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5/pgxpool"
	"gocloud.dev/blob"

	"karso.ru/prm/db"
	"karso.ru/prm/documents"
	"karso.ru/prm/testenv"
	"karso.ru/prm/warranty"
)

// pool is a migrated database on a private PostgreSQL cluster.
var pool *pgxpool.Pool

func TestMain(m *testing.M) { os.Exit(run(m)) }

func run(m *testing.M) int {
	ctx := context.Background()
	pg, err := testenv.StartPostgres()
	if err != nil {
		fmt.Fprintln(os.Stderr, "start postgres:", err)
		return 1
	}
	defer pg.Stop()
	url, err := pg.CreateDatabase("documents_test")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	if err := db.Migrate(ctx, url, slog.New(slog.NewTextHandler(io.Discard, nil))); err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	if pool, err = db.Open(ctx, url); err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	defer pool.Close()
	return m.Run()
}

// newService stores into a fresh folder of the test.
func newService(t *testing.T) (*documents.Service, *blob.Bucket) {
	t.Helper()
	bucket, err := documents.OpenBucket(context.Background(), "file://"+filepath.Join(t.TempDir(), "blobs"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { bucket.Close() })
	return documents.New(pool, bucket, warranty.Moscow()), bucket
}

// newSale inserts a partner, its salon, a seller and a sale, the rows a document refers to,
// and returns contract data for that sale.
func newSale(t *testing.T) documents.ContractData {
	t.Helper()
	saleID := uuid.New()
	var partnerID int64
	err := pool.QueryRow(context.Background(), `
		WITH p AS (INSERT INTO partners (name, inn) VALUES ('ООО «Автомир»', $2) RETURNING id),
		     s AS (INSERT INTO salons (partner_id, name, city) SELECT id, 'Автомир', 'Москва' FROM p RETURNING id, partner_id),
		     u AS (INSERT INTO users (email, password_hash, role, partner_id)
		           SELECT $3, 'x', 'dealer', id FROM p RETURNING id),
		     sale AS (INSERT INTO sales (id, workflow_id, status, partner_id, salon_id, seller_id, sale_month, created_at, updated_at)
		           SELECT $1::uuid, 'sale-' || $1::uuid::text, 'awaiting_payment', s.partner_id, s.id, u.id,
		                  date_trunc('month', now()), now(), now()
		             FROM s, u RETURNING partner_id)
		SELECT partner_id FROM sale`, saleID, saleID.String()[:12], saleID.String()+"@example.ru").Scan(&partnerID)
	if err != nil {
		t.Fatalf("insert sale: %v", err)
	}
	d := documents.SampleContractData()
	d.SaleID, d.Partner.ID = saleID, partnerID
	d.ContractNumber = fmt.Sprintf("KR-2026-%06d", partnerID)
	// 23:30 on 31 March in UTC is already 1 April in Moscow, the month the archive files it under
	d.IssuedAt = time.Date(2026, time.March, 31, 23, 30, 0, 0, time.UTC)
	return d
}

func countDocuments(t *testing.T, saleID uuid.UUID) int {
	t.Helper()
	var n int
	if err := pool.QueryRow(context.Background(), `SELECT count(*) FROM documents WHERE sale_id = $1`, saleID).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

func TestIssueContractStoresTheRenderedPDF(t *testing.T) {
	ctx := context.Background()
	svc, bucket := newService(t)
	data := newSale(t)
	ref, err := svc.IssueContract(ctx, data)
	if err != nil {
		t.Fatal(err)
	}
	wantKey := fmt.Sprintf("partners/%d/2026-04/%s/contract-%s.pdf", data.Partner.ID, data.SaleID, data.ContractNumber)
	if ref.BlobKey != wantKey || ref.Kind != "contract" || ref.Mime != "application/pdf" ||
		ref.FileName != "contract-"+data.ContractNumber+".pdf" {
		t.Errorf("ref = %+v, want key %s", ref, wantKey)
	}
	stored, err := bucket.ReadAll(ctx, ref.BlobKey)
	if err != nil {
		t.Fatal(err)
	}
	sum := sha256.Sum256(stored)
	if int64(len(stored)) != ref.Size || hex.EncodeToString(sum[:]) != ref.SHA256 {
		t.Errorf("stored %d bytes, ref says %d / %s", len(stored), ref.Size, ref.SHA256)
	}
	if text := pdfText(t, stored); !strings.Contains(text, "Иванов Сергей Петрович") || !strings.Contains(text, data.ContractNumber) {
		t.Errorf("the stored contract lacks the customer or the number:\n%s", text)
	}
	var month time.Time
	if err := pool.QueryRow(ctx, `SELECT month FROM documents WHERE id = $1`, ref.ID).Scan(&month); err != nil {
		t.Fatal(err)
	}
	if month.Format("2006-01-02") != "2026-04-01" {
		t.Errorf("archived under %s, want the Moscow month 2026-04", month.Format("2006-01-02"))
	}

	r, opened, err := svc.Open(ctx, ref.ID)
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	body, _ := io.ReadAll(r)
	if opened != ref || string(body) != string(stored) {
		t.Errorf("Open gave %+v and %d bytes", opened, len(body))
	}
}

func TestIssueContractTwiceKeepsOneDocument(t *testing.T) {
	ctx := context.Background()
	svc, _ := newService(t)
	data := newSale(t)
	first, err := svc.IssueContract(ctx, data)
	if err != nil {
		t.Fatal(err)
	}
	// a retried activity, even after an admin republished the template in between
	_, err = pool.Exec(ctx, `
		WITH t AS (INSERT INTO document_templates (kind, name) VALUES ('contract', 'Договор')
		           ON CONFLICT (kind) DO UPDATE SET name = EXCLUDED.name RETURNING id)
		INSERT INTO document_template_versions (template_id, version, title, body, published_at)
		SELECT id, coalesce((SELECT max(version) FROM document_template_versions WHERE template_id = t.id), 0) + 1,
		       'Новая редакция {{.ContractNumber}}', 'Текст', now() FROM t`)
	if err != nil {
		t.Fatal(err)
	}
	again, err := svc.IssueContract(ctx, data)
	if err != nil {
		t.Fatal(err)
	}
	if again != first {
		t.Errorf("the retry answered %+v, want %+v", again, first)
	}
	if n := countDocuments(t, data.SaleID); n != 1 {
		t.Errorf("%d document rows, want 1", n)
	}
}

func TestConcurrentIssuesOfOneContractWriteOnce(t *testing.T) {
	ctx := context.Background()
	svc, _ := newService(t)
	data := newSale(t)
	refs := make([]documents.Ref, 4)
	errs := make([]error, 4)
	var wg sync.WaitGroup
	for i := range refs {
		wg.Go(func() { refs[i], errs[i] = svc.IssueContract(ctx, data) })
	}
	wg.Wait()
	for i := range refs {
		if errs[i] != nil {
			t.Fatal(errs[i])
		}
		if refs[i].ID != refs[0].ID {
			t.Errorf("attempt %d got document %s, another got %s", i, refs[i].ID, refs[0].ID)
		}
	}
	if n := countDocuments(t, data.SaleID); n != 1 {
		t.Errorf("%d document rows, want 1", n)
	}
}

func TestIssueRendersThePublishedTemplateOfItsKind(t *testing.T) {
	ctx := context.Background()
	svc, bucket := newService(t)
	data := newSale(t)
	_, err := pool.Exec(ctx, `
		WITH t AS (INSERT INTO document_templates (kind, name) VALUES ('receipt', 'Квитанция') RETURNING id)
		INSERT INTO document_template_versions (template_id, version, title, body, published_at)
		SELECT id, v, 'Квитанция редакции ' || v || ' № {{.Number}}', 'Сумма {{money .AmountKopecks}}',
		       CASE WHEN v < 3 THEN now() END
		  FROM t, generate_series(1, 3) v`)
	if err != nil {
		t.Fatal(err)
	}
	receipt := documents.SampleData(documents.KindReceipt).(documents.ReceiptData)
	saleID := data.SaleID
	ref, err := svc.Issue(ctx, documents.KindReceipt, data.Partner.ID, &saleID, "receipt-1.pdf", receipt)
	if err != nil {
		t.Fatal(err)
	}
	stored, err := bucket.ReadAll(ctx, ref.BlobKey)
	if err != nil {
		t.Fatal(err)
	}
	// version 3 is a draft: the current version is the highest published one
	if text := pdfText(t, stored); !strings.Contains(text, "Квитанция редакции 2 № КВ-2026-000031") {
		t.Errorf("not rendered with version 2:\n%s", text)
	}
	if !strings.HasPrefix(ref.BlobKey, fmt.Sprintf("partners/%d/2026-03/%s/", data.Partner.ID, saleID)) {
		t.Errorf("key %s", ref.BlobKey)
	}
	again, err := svc.Issue(ctx, documents.KindReceipt, data.Partner.ID, &saleID, "receipt-1.pdf", receipt)
	if err != nil || again != ref {
		t.Errorf("reissue: %+v, %v", again, err)
	}
	second, err := svc.Issue(ctx, documents.KindReceipt, data.Partner.ID, &saleID, "receipt-2.pdf", receipt)
	if err != nil || second.ID == ref.ID {
		t.Errorf("a second receipt of the sale: %+v, %v", second, err)
	}
}

func TestIssueWithoutSaleFilesUnderThePartner(t *testing.T) {
	ctx := context.Background()
	svc, _ := newService(t)
	data := newSale(t)
	act := documents.SampleData(documents.KindAct)
	ref, err := svc.Issue(ctx, documents.KindAct, data.Partner.ID, nil, "act-2026-03.pdf", act)
	if err != nil {
		t.Fatal(err)
	}
	if want := fmt.Sprintf("partners/%d/2026-03/act-2026-03.pdf", data.Partner.ID); ref.BlobKey != want {
		t.Errorf("key %s, want %s", ref.BlobKey, want)
	}
	if _, err := svc.Issue(ctx, "poster", data.Partner.ID, nil, "x.pdf", act); err == nil {
		t.Error("an unknown kind was issued")
	}
}

func TestOpenUnknownDocument(t *testing.T) {
	svc, _ := newService(t)
	if _, _, err := svc.Open(context.Background(), uuid.New()); err != documents.ErrNotFound {
		t.Errorf("got %v", err)
	}
}

func TestOpenBucketCreatesARelativeFolder(t *testing.T) {
	dir := t.TempDir()
	t.Chdir(dir)
	ctx := context.Background()
	bucket, err := documents.OpenBucket(ctx, "file://.data/blobs")
	if err != nil {
		t.Fatal(err)
	}
	defer bucket.Close()
	if err := bucket.WriteAll(ctx, "partners/1/2026-03/a.pdf", []byte("%PDF-1.3"), nil); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(filepath.Join(dir, ".data", "blobs", "partners", "1", "2026-03", "a.pdf")); err != nil {
		t.Errorf("not stored under the relative folder: %v", err)
	}
}
