// Command karso is the one binary of Karso PRM:
//
//	karso api      serve the HTTP API and the cabinets
//	karso worker   run the Temporal worker
//	karso all      both in one process (the default for a developer machine)
//	karso migrate  apply the database migrations
//	karso seed     load the demo data into an empty database (--synthetic: and the benchmark data)
//	karso version  print the version (the worker's build id)
//	karso payload-key [id]  print a new PAYLOAD_KEYS entry
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"log/slog"
	"net/http"
	"os"
	"os/signal"
	"syscall"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"go.temporal.io/sdk/client"
	tlog "go.temporal.io/sdk/log"
	"golang.org/x/sync/errgroup"

	"karso.ru/prm/api"
	"karso.ru/prm/config"
	"karso.ru/prm/db"
	"karso.ru/prm/db/seed"
	"karso.ru/prm/documents"
	"karso.ru/prm/mail"
	"karso.ru/prm/payments"
	"karso.ru/prm/temporalcodec"
	"karso.ru/prm/web"
	"karso.ru/prm/worker"
	"karso.ru/prm/workflows"
)

// version is set at build time with -ldflags "-X main.version=...".
var version = "dev"

const usage = `usage: karso <command>

commands:
  api       serve the HTTP API and the cabinets
  worker    run the Temporal worker
  all       api and worker in one process
  migrate   apply database migrations
  seed      load demo data into an empty database; --synthetic also loads
            1,000 partners, 5,000 salons and 1,000,000 sales (benchmarks)
  version   print the version (the worker's build id with TEMPORAL_WORKER_VERSIONING)
  payload-key [id]
            print a new key for PAYLOAD_KEYS (id defaults to kYYYYMMDD)
`

func main() {
	if len(os.Args) < 2 {
		fmt.Fprint(os.Stderr, usage)
		os.Exit(2)
	}
	cfg, err := config.Load()
	if err != nil {
		fmt.Fprintln(os.Stderr, "configuration:", err)
		os.Exit(2)
	}
	log := slog.New(slog.NewJSONHandler(os.Stderr, &slog.HandlerOptions{Level: cfg.LogLevel}))
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()

	switch cmd := os.Args[1]; cmd {
	case "api", "worker", "all":
		err = serve(ctx, cfg, log, cmd)
	case "migrate":
		err = db.Migrate(ctx, cfg.DatabaseURL, log)
	case "seed":
		err = runSeed(ctx, cfg, log, os.Args[2:])
	case "version":
		fmt.Println(version)
	case "payload-key":
		err = printPayloadKey(os.Args[2:])
	case "help", "-h", "--help":
		fmt.Print(usage)
	default:
		fmt.Fprintf(os.Stderr, "unknown command %q\n\n%s", cmd, usage)
		os.Exit(2)
	}
	if err != nil {
		log.Error("karso failed", "err", err)
		os.Exit(1)
	}
}

func runSeed(ctx context.Context, cfg config.Config, log *slog.Logger, args []string) error {
	opts, err := parseSeedFlags(args)
	if err != nil {
		return err
	}
	pool, err := db.Open(ctx, cfg.DatabaseURL)
	if err != nil {
		return err
	}
	defer pool.Close()
	seeded, err := seed.IfEmpty(ctx, pool, cfg.BcryptCost, log)
	if err == nil && !seeded {
		log.Info("database already has users; demo data not loaded")
	}
	if err != nil || !opts.synthetic {
		return err
	}
	// the large network for load tests and benchmarks, next to the demo data
	loaded, err := seed.Synthetic(ctx, pool, seed.SyntheticOptions{Sales: opts.sales, Now: time.Now(),
		Loc: cfg.CompanyTZ, BcryptCost: cfg.BcryptCost}, log)
	if err == nil && !loaded {
		log.Info("synthetic data already present; nothing loaded")
	}
	return err
}

// seedOptions are the flags of `karso seed`.
type seedOptions struct {
	synthetic bool
	sales     int
}

func parseSeedFlags(args []string) (seedOptions, error) {
	var o seedOptions
	fs := flag.NewFlagSet("seed", flag.ContinueOnError)
	fs.BoolVar(&o.synthetic, "synthetic", false, "also load 1,000 partners, 5,000 salons and 1,000,000 sales over 24 months (benchmarks)")
	fs.IntVar(&o.sales, "sales", 1_000_000, "how many synthetic sales to generate with --synthetic")
	err := fs.Parse(args)
	return o, err
}

// serve runs the API, the worker or both until ctx is cancelled, then stops them gracefully:
// in-flight requests finish and the worker stops polling and lets running tasks end.
func serve(ctx context.Context, cfg config.Config, log *slog.Logger, what string) error {
	// before anything connects: without keys there is nothing to start
	codec, err := payloadCodec(cfg, log)
	if err != nil {
		return err
	}
	// the API seals the actors of its updates and the worker's validators check the seals
	workflows.SetActorSealKeys(temporalcodec.ActorSealKeys(cfg.PayloadKeys))
	pool, err := db.Open(ctx, cfg.DatabaseURL)
	if err != nil {
		return err
	}
	defer pool.Close()

	topts := client.Options{HostPort: cfg.TemporalAddress, Namespace: cfg.TemporalNamespace,
		Logger: tlog.NewStructuredLogger(log.With("component", "temporal"))}
	if codec != nil {
		topts = temporalcodec.WithCodec(topts, codec)
	}
	tc, err := client.NewLazyClient(topts)
	if err != nil {
		return fmt.Errorf("temporal client: %w", err)
	}
	defer tc.Close()

	bucket, err := documents.OpenBucket(ctx, cfg.BlobURL)
	if err != nil {
		return err
	}
	defer bucket.Close()
	docs := documents.New(pool, bucket, cfg.CompanyTZ)

	g, ctx := errgroup.WithContext(ctx)
	if what == "worker" || what == "all" {
		provider := payments.NewProvider(cfg, pool)
		log.Info("payments", "provider", provider.Name())
		w, err := worker.New(tc, worker.Deps{Config: cfg, Log: log, Pool: pool, Documents: docs, Payments: provider,
			BuildID: version})
		if err != nil {
			return err
		}
		// the outbox is delivered next to the activities that fill it (see docs/decisions.md)
		sender := mail.NewSender(mail.SenderDeps{Pool: pool, Log: log, SMTP: cfg.SMTP, From: cfg.MailFrom, Documents: docs})
		g.Go(func() error { return sender.Run(ctx) })
		g.Go(func() error {
			if err := w.Start(); err != nil {
				return fmt.Errorf("start worker: %w", err)
			}
			log.Info("worker polling", "task_queue", cfg.TemporalTaskQueue, "temporal", cfg.TemporalAddress,
				"versioning", cfg.TemporalWorkerVersioning, "build_id", version)
			if err := becomeCurrent(ctx, tc, cfg, log); err != nil {
				w.Stop()
				return err
			}
			// the sales keep running without the schedule, and an admin can close a month by
			// hand, so a schedule Temporal refuses is an error to fix, not a reason to stop
			scheduleCtx, cancel := context.WithTimeout(ctx, 30*time.Second)
			if err := worker.EnsureClosingSchedule(scheduleCtx, tc, cfg); err != nil {
				log.Error("the monthly closing is not scheduled", "schedule", worker.ClosingScheduleID, "err", err)
			} else {
				log.Info("monthly closing scheduled", "schedule", worker.ClosingScheduleID, "time_zone", cfg.CompanyTZ.String())
			}
			cancel()
			<-ctx.Done()
			w.Stop()
			log.Info("worker stopped")
			return nil
		})
	}
	if what == "api" || what == "all" {
		reg := prometheus.NewRegistry()
		reg.MustRegister(collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
		srv := api.New(api.Deps{Config: cfg, Log: log, Pool: pool, Temporal: tc, Registry: reg, Gatherer: reg, Web: web.Assets(),
			Documents: docs, PayloadCodec: codec})
		httpSrv := &http.Server{Addr: cfg.HTTPAddr, Handler: srv.Handler(), ReadHeaderTimeout: 10 * time.Second}
		g.Go(func() error {
			log.Info("api listening", "addr", cfg.HTTPAddr)
			if err := httpSrv.ListenAndServe(); err != nil && !errors.Is(err, http.ErrServerClosed) {
				return fmt.Errorf("http: %w", err)
			}
			return nil
		})
		g.Go(func() error {
			<-ctx.Done()
			shutdownCtx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
			defer cancel()
			log.Info("api shutting down")
			return httpSrv.Shutdown(shutdownCtx)
		})
	}
	return g.Wait()
}

// payloadCodec is the codec every Temporal client of this process seals payloads with. Without
// keys the process refuses to start: customers' personal data must not reach Temporal in
// plaintext by accident. PAYLOAD_ENCRYPTION=off is the one way to run without (nil codec).
func payloadCodec(cfg config.Config, log *slog.Logger) (*temporalcodec.Codec, error) {
	if cfg.PayloadEncryptionOff {
		log.Warn("PAYLOAD_ENCRYPTION=off: personal data goes to Temporal in plaintext")
		return nil, nil
	}
	if len(cfg.PayloadKeys) == 0 {
		return nil, errors.New("PAYLOAD_KEYS is empty: set it to id:base64key (`karso payload-key` prints one; " +
			"`make run` keeps one in .data/payload-keys), or PAYLOAD_ENCRYPTION=off to run with plaintext payloads")
	}
	codec, err := temporalcodec.New(cfg.PayloadKeys)
	if err != nil {
		return nil, fmt.Errorf("PAYLOAD_KEYS: %w", err)
	}
	log.Info("payloads encrypted", "key_id", codec.CurrentKeyID(), "keys", len(cfg.PayloadKeys))
	return codec, nil
}

// becomeCurrent makes a versioned worker's build the deployment's current version when
// TEMPORAL_WORKER_SET_CURRENT says so (developer machines); otherwise the release pipeline
// does it with `temporal worker deployment set-current-version` (docs/operations.md).
func becomeCurrent(ctx context.Context, tc client.Client, cfg config.Config, log *slog.Logger) error {
	if !cfg.TemporalWorkerVersioning || !cfg.TemporalWorkerSetCurrent {
		return nil
	}
	ctx, cancel := context.WithTimeout(ctx, 60*time.Second)
	defer cancel()
	if err := worker.SetCurrentVersion(ctx, tc, cfg, version); err != nil {
		return err
	}
	log.Info("worker deployment version is current", "deployment", cfg.TemporalDeploymentName, "build_id", version)
	return nil
}

// printPayloadKey prints a fresh PAYLOAD_KEYS entry: put it first in PAYLOAD_KEYS to rotate.
func printPayloadKey(args []string) error {
	id := "k" + time.Now().Format("20060102")
	if len(args) > 0 {
		id = args[0]
	}
	k, err := temporalcodec.NewKey(id)
	if err != nil {
		return err
	}
	fmt.Println(temporalcodec.FormatKeys([]temporalcodec.Key{k}))
	return nil
}
