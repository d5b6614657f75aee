#!/usr/bin/env bash
# The browser suite: the whole system on its own ports and fresh data, seeded, driven by
# headless Debian Chromium through playwright-core (web/e2e). Screenshots: test-output/screenshots.
source "$(dirname "$0")/lib.sh"
cd "$ROOT"

DATA="$ROOT/.data/e2e"
rm -rf "$DATA"; mkdir -p "$DATA/blobs"
PGPORT=${E2E_PGPORT:-54339}
TPORT=${E2E_TEMPORAL_PORT:-7243}
HTTP_PORT=${E2E_HTTP_PORT:-18080}
MAILPIT_SMTP=${E2E_MAILPIT_SMTP_PORT:-11025}
MAILPIT_HTTP=${E2E_MAILPIT_HTTP_PORT:-18025}
export HTTP_ADDR=127.0.0.1:$HTTP_PORT
export METRICS_ADDR=127.0.0.1:${E2E_METRICS_PORT:-19464}
export DATABASE_URL=postgres://karso@127.0.0.1:$PGPORT/karso?sslmode=disable
export TEMPORAL_ADDRESS=127.0.0.1:$TPORT
# the dev server's UI decodes histories through the API's codec endpoint (web/e2e/temporal-ui)
TEMPORAL_UI_URL=http://127.0.0.1:$((TPORT + 1000))
export TEMPORAL_UI_ORIGINS=$TEMPORAL_UI_URL
export BLOB_URL=file://$DATA/blobs
export TEMPORAL_TASK_QUEUE=karso-e2e
export BCRYPT_COST=4
export SMTP_URL=smtp://127.0.0.1:$MAILPIT_SMTP
# a fresh payload key for the fresh data
PAYLOAD_KEYS=$(payload_keys "$DATA/payload-keys")
export PAYLOAD_KEYS

go build -ldflags "-X main.version=e2e-$(git describe --always --dirty 2>/dev/null || echo dev)" -o "$DATA/karso" ./cmd/karso
TEMPORAL_PID=""; KARSO_PID=""; MAILPIT_PID=""
cleanup() {
  [ -n "$KARSO_PID" ] && kill -INT "$KARSO_PID" 2>/dev/null && wait "$KARSO_PID" 2>/dev/null || true
  [ -n "$TEMPORAL_PID" ] && kill "$TEMPORAL_PID" 2>/dev/null && wait "$TEMPORAL_PID" 2>/dev/null || true
  [ -n "$MAILPIT_PID" ] && kill "$MAILPIT_PID" 2>/dev/null && wait "$MAILPIT_PID" 2>/dev/null || true
  pg_stop "$DATA/pg"
}
trap cleanup EXIT
PG_EXTRA_OPTS="-c fsync=off -c synchronous_commit=off" pg_start "$DATA/pg" "$PGPORT" karso
TEMPORAL_PID=$(temporal_start "$DATA/temporal.db" "$TPORT" "$((TPORT + 1000))" "$DATA/temporal.log" \
  "http://$HTTP_ADDR/api/v1/codec")
# the mail server refuses every domain but the demo's, so the suite sees a message fail (550)
MAILPIT_PID=$(MAILPIT_ALLOWED_RECIPIENTS='@(karso\.test|example\.ru|example\.com)$' \
  mailpit_start "$DATA/mailpit.db" "$MAILPIT_SMTP" "$MAILPIT_HTTP" "$DATA/mailpit.log")
"$DATA/karso" migrate 2>"$DATA/karso.log"
"$DATA/karso" seed 2>>"$DATA/karso.log"
"$DATA/karso" all 2>>"$DATA/karso.log" &
KARSO_PID=$!
wait_http "http://$HTTP_ADDR/readyz" 60 || die "karso did not become ready; see $DATA/karso.log"

mkdir -p "$ROOT/test-output/screenshots"
export KARSO_URL="http://$HTTP_ADDR" TEMPORAL_UI_URL="$TEMPORAL_UI_URL" MAILPIT_URL="http://127.0.0.1:$MAILPIT_HTTP" \
  SCREENSHOT_DIR="$ROOT/test-output/screenshots" CHROMIUM=/usr/bin/chromium
if [ -n "${E2E_TESTS:-}" ]; then
  # E2E_TESTS="e2e/notifications.test.mjs" runs only those files of web/e2e
  (cd web && node --test $E2E_TESTS)
else
  (cd web && npm run --silent e2e)
fi
