#!/usr/bin/env bash
# `make run`: the whole system on local defaults — a private PostgreSQL cluster, the Temporal
# dev server and Mailpit (the mail server the messages go to) under .data/, migrations, demo
# data on first start, then `karso all`.
# Ctrl-C stops everything it started; the data stays for the next run.
source "$(dirname "$0")/lib.sh"
cd "$ROOT"

DATA="$ROOT/.data"
PGPORT=${PGPORT:-54329}
TEMPORAL_PORT=${TEMPORAL_PORT:-7233}
TEMPORAL_UI_PORT=${TEMPORAL_UI_PORT:-8233}
MAILPIT_SMTP_PORT=${MAILPIT_SMTP_PORT:-1025}
MAILPIT_HTTP_PORT=${MAILPIT_HTTP_PORT:-8025}
export HTTP_ADDR=${HTTP_ADDR:-127.0.0.1:8080}
export DATABASE_URL=${DATABASE_URL:-postgres://karso@127.0.0.1:$PGPORT/karso?sslmode=disable}
export TEMPORAL_ADDRESS=${TEMPORAL_ADDRESS:-127.0.0.1:$TEMPORAL_PORT}
export BLOB_URL=${BLOB_URL:-file://$DATA/blobs}
export SMTP_URL=${SMTP_URL:-smtp://127.0.0.1:$MAILPIT_SMTP_PORT}
# the UI's browser origins may call the codec endpoint with the admin's cookie
export TEMPORAL_UI_ORIGINS=${TEMPORAL_UI_ORIGINS:-http://127.0.0.1:$TEMPORAL_UI_PORT,http://localhost:$TEMPORAL_UI_PORT}
mkdir -p "$DATA/blobs"
# payloads in Temporal are encrypted with a key kept in .data/ (made on the first run)
if [ -z "${PAYLOAD_KEYS:-}" ] && [ "${PAYLOAD_ENCRYPTION:-on}" != off ]; then
  PAYLOAD_KEYS=$(payload_keys "$DATA/payload-keys")
  export PAYLOAD_KEYS
fi
CODEC_ENDPOINT="http://$HTTP_ADDR/api/v1/codec"
command -v curl >/dev/null || apt_install curl

temporal_bin >/dev/null
mailpit_bin >/dev/null
pg_bindir >/dev/null
web_build
# the build id the versioned worker polls as: one per commit (and -dirty for local changes)
KARSO_VERSION=$(git describe --always --dirty 2>/dev/null || echo dev)
say "building karso $KARSO_VERSION"
go build -ldflags "-X main.version=$KARSO_VERSION" -o "$DATA/bin/karso" ./cmd/karso

TEMPORAL_PID=""
MAILPIT_PID=""
KARSO_PID=""
cleanup() {
  trap - INT TERM EXIT
  say "stopping"
  [ -n "$KARSO_PID" ] && kill -INT "$KARSO_PID" 2>/dev/null && wait "$KARSO_PID" 2>/dev/null || true
  [ -n "$TEMPORAL_PID" ] && kill "$TEMPORAL_PID" 2>/dev/null && wait "$TEMPORAL_PID" 2>/dev/null || true
  [ -n "$MAILPIT_PID" ] && kill "$MAILPIT_PID" 2>/dev/null && wait "$MAILPIT_PID" 2>/dev/null || true
  pg_stop "$DATA/pg"
  say "stopped; data kept in $DATA"
}
trap cleanup INT TERM EXIT

pg_start "$DATA/pg" "$PGPORT" karso
TEMPORAL_PID=$(temporal_start "$DATA/temporal.db" "$TEMPORAL_PORT" "$TEMPORAL_UI_PORT" "$DATA/temporal.log" "$CODEC_ENDPOINT")
MAILPIT_PID=$(mailpit_start "$DATA/mailpit.db" "$MAILPIT_SMTP_PORT" "$MAILPIT_HTTP_PORT" "$DATA/mailpit.log")
"$DATA/bin/karso" migrate
"$DATA/bin/karso" seed

"$DATA/bin/karso" all &
KARSO_PID=$!
wait_http "http://$HTTP_ADDR/readyz" 60 || die "karso did not become ready; see the log above"

cat <<TEXT

  Karso PRM is running.

    Cabinets     http://$HTTP_ADDR/
    API          http://$HTTP_ADDR/api/v1   (health: /healthz, /readyz, metrics: /metrics)
    Temporal UI  http://127.0.0.1:$TEMPORAL_UI_PORT/
    PostgreSQL   $DATABASE_URL
    Mail         every message the system sends: the admin's «Почта» page
                 (http://$HTTP_ADDR/admin/mail), or Mailpit's API
                 http://127.0.0.1:$MAILPIT_HTTP_PORT/api/v1/messages (SMTP $SMTP_URL)

  Payloads in Temporal are encrypted (key in $DATA/payload-keys). To read histories in the
  Temporal UI: sign in to the cabinets as admin@karso.test in the same browser, then in the UI's
  "Configure Codec Server" choose "Use my browser setting", endpoint $CODEC_ENDPOINT,
  and tick "Include cross-origin credentials".

  Demo logins, password demo12345:
    admin@karso.test      administrator
    manager@karso.test    manager of «Автомир»'s salons
    manager2@karso.test   manager of the other salons
    dealer@karso.test     dealer of «Автомир» (two salons in Москва)
    dealer2@karso.test    dealer of «Северный Авто» (Санкт-Петербург)
    finance@karso.test    finance

  Press Ctrl-C to stop everything.

TEXT
wait "$KARSO_PID"
