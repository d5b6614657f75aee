package api_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/prometheus/client_golang/prometheus"
	"go.temporal.io/sdk/client"

	"karso.ru/prm/api"
	"karso.ru/prm/config"
	"karso.ru/prm/db"
	"karso.ru/prm/db/seed"
	"karso.ru/prm/documents"
	"karso.ru/prm/mail"
	"karso.ru/prm/payments"
	"karso.ru/prm/temporalcodec"
	"karso.ru/prm/testenv"
	"karso.ru/prm/web"
	"karso.ru/prm/worker"
	"karso.ru/prm/workflows"
)

// The suite runs against the real parts: a private PostgreSQL cluster with the migrations and
// demo data, a Temporal dev server, and a Mailpit the worker's mail sender delivers to.
var (
	baseURL  string
	pool     *pgxpool.Pool
	temporal client.Client
	testCfg  config.Config
	mailbox  *testenv.Mailpit
)

// testBuildID is the build the suite's worker polls as when worker versioning is on.
const testBuildID = "api-test"

func TestMain(m *testing.M) {
	os.Exit(run(m))
}

func run(m *testing.M) int {
	ctx := context.Background()
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	pg, err := testenv.StartPostgres()
	if err != nil {
		fmt.Fprintln(os.Stderr, "start postgres:", err)
		return 1
	}
	defer pg.Stop()
	url, err := pg.CreateDatabase("api_test")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	dev, err := testenv.StartTemporal(ctx)
	if err != nil {
		fmt.Fprintln(os.Stderr, "start temporal:", err)
		return 1
	}
	defer dev.Stop()
	temporal = dev.Client()

	if mailbox, err = testenv.StartMailpit(testenv.MailpitOptions{}); err != nil {
		fmt.Fprintln(os.Stderr, "start mailpit:", err)
		return 1
	}
	defer mailbox.Close()
	os.Setenv("SMTP_URL", mailbox.SMTPURL())
	os.Setenv("DATABASE_URL", url)
	os.Setenv("BCRYPT_COST", "4")
	os.Setenv("BLOB_URL", "file://"+os.TempDir()+"/karso-api-test-blobs")
	testCfg, err = config.Load()
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	testCfg.TemporalAddress = dev.FrontendHostPort()
	// the tests run the encrypted path: the dev server's client seals with the test key
	if testCfg.PayloadKeys, err = temporalcodec.ParseKeys(testenv.PayloadKeys); err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	workflows.SetActorSealKeys(temporalcodec.ActorSealKeys(testCfg.PayloadKeys))
	// the API listens here; payment links in the sales point at it
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	testCfg.PublicURL = "http://" + ln.Addr().String()
	if err := db.Migrate(ctx, url, log); err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	if pool, err = db.Open(ctx, url); err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	defer pool.Close()
	if _, err := seed.IfEmpty(ctx, pool, 4, log); err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	bucket, err := documents.OpenBucket(ctx, testCfg.BlobURL)
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	defer bucket.Close()
	docs := documents.New(pool, bucket, testCfg.CompanyTZ)
	// the sales run on a real worker polling the dev server
	w, err := worker.New(temporal, worker.Deps{Config: testCfg, Log: log, Pool: pool, Documents: docs,
		Payments: payments.NewSandbox(pool), BuildID: testBuildID})
	if err != nil {
		fmt.Fprintln(os.Stderr, "worker:", err)
		return 1
	}
	if err := w.Start(); err != nil {
		fmt.Fprintln(os.Stderr, "start worker:", err)
		return 1
	}
	defer w.Stop()
	// with TEMPORAL_WORKER_VERSIONING the sales go to the worker only once its build is current
	if testCfg.TemporalWorkerVersioning {
		vctx, cancel := context.WithTimeout(ctx, time.Minute)
		err := worker.SetCurrentVersion(vctx, temporal, testCfg, testBuildID)
		cancel()
		if err != nil {
			fmt.Fprintln(os.Stderr, err)
			return 1
		}
	}
	// the worker's mail sender, as `karso worker` runs it
	sender := mail.NewSender(mail.SenderDeps{Pool: pool, Log: log, SMTP: testCfg.SMTP, From: testCfg.MailFrom, Documents: docs})
	senderCtx, stopSender := context.WithCancel(ctx)
	senderDone := make(chan struct{})
	go func() { _ = sender.Run(senderCtx); close(senderDone) }()
	defer func() { stopSender(); <-senderDone }()
	reg := prometheus.NewRegistry()
	srv := api.New(api.Deps{Config: testCfg, Log: log, Pool: pool, Temporal: temporal, Registry: reg, Gatherer: reg,
		Web: web.Assets(), Documents: docs, PayloadCodec: testenv.PayloadCodec()})
	hs := &httptest.Server{Listener: ln, Config: &http.Server{Handler: srv.Handler()}}
	hs.Start()
	defer hs.Close()
	baseURL = hs.URL
	return m.Run()
}

// session is a signed-in HTTP client.
type session struct {
	t      testing.TB
	client *http.Client
	token  string
	lang   string
}

type response struct {
	Status int
	Body   []byte
	Header http.Header
}

func (r response) json(t testing.TB, dst any) {
	t.Helper()
	if err := json.Unmarshal(r.Body, dst); err != nil {
		t.Fatalf("decode %s: %v", r.Body, err)
	}
}

// problem decodes the error envelope.
func (r response) problem(t testing.TB) api.Problem {
	t.Helper()
	var env struct {
		Error api.Problem `json:"error"`
	}
	r.json(t, &env)
	return env.Error
}

func anonymous(t testing.TB) *session {
	jar, _ := cookiejar.New(nil)
	return &session{t: t, client: &http.Client{Jar: jar, Timeout: 30 * time.Second}}
}

// login signs in with the cookie the server sets; useToken switches to the bearer header.
func login(t testing.TB, email string) *session {
	t.Helper()
	s := anonymous(t)
	r := s.do("POST", "/api/v1/auth/login", map[string]string{"email": email, "password": seed.DemoPassword})
	if r.Status != http.StatusOK {
		t.Fatalf("login %s: %d %s", email, r.Status, r.Body)
	}
	var out struct{ Token string }
	r.json(t, &out)
	s.token = out.Token
	return s
}

func (s *session) do(method, path string, body any) response {
	s.t.Helper()
	var rd io.Reader
	if body != nil {
		switch b := body.(type) {
		case string:
			rd = strings.NewReader(b)
		case []byte:
			rd = bytes.NewReader(b)
		default:
			buf, _ := json.Marshal(b)
			rd = bytes.NewReader(buf)
		}
	}
	req, err := http.NewRequest(method, baseURL+path, rd)
	if err != nil {
		s.t.Fatal(err)
	}
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	if s.lang != "" {
		req.Header.Set("Accept-Language", s.lang)
	}
	resp, err := s.client.Do(req)
	if err != nil {
		s.t.Fatalf("%s %s: %v", method, path, err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return response{Status: resp.StatusCode, Body: b, Header: resp.Header}
}

// bearer is a client that authenticates only with the Authorization header.
func (s *session) bearer() *session {
	b := anonymous(s.t)
	b.client.Transport = tokenTransport{token: s.token}
	return b
}

type tokenTransport struct{ token string }

func (t tokenTransport) RoundTrip(r *http.Request) (*http.Response, error) {
	r = r.Clone(r.Context())
	r.Header.Set("Authorization", "Bearer "+t.token)
	return http.DefaultTransport.RoundTrip(r)
}

func expectStatus(t testing.TB, r response, want int) {
	t.Helper()
	if r.Status != want {
		t.Fatalf("status %d, want %d: %s", r.Status, want, r.Body)
	}
}
