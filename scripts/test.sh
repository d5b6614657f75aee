#!/usr/bin/env bash
# `make test`: every check and test on real parts. Installs what is missing first (pinned Go
# tools, Debian's postgresql and chromium, the cabinets' npm packages), then runs:
# sqlc diff + vet, go vet, workflowcheck, Go unit and integration tests (each package starts its own
# PostgreSQL cluster, and a Temporal dev server or a Mailpit where it needs one), the cabinets'
# unit tests and the browser suite
# against the whole system.
source "$(dirname "$0")/lib.sh"
cd "$ROOT"

export KARSO_TOOLS_DIR="$TOOLS_DIR"
export KARSO_TEMPORAL_BIN; KARSO_TEMPORAL_BIN=$(temporal_bin)
export KARSO_STRIPE_MOCK_BIN; KARSO_STRIPE_MOCK_BIN=$(stripe_mock_bin)
export KARSO_MAILPIT_BIN; KARSO_MAILPIT_BIN=$(mailpit_bin)
SQLC=$(sqlc_bin)
WORKFLOWCHECK=$(workflowcheck_bin)
pg_bindir >/dev/null
command -v curl >/dev/null || apt_install curl
[ -x /usr/bin/chromium ] || apt_install chromium
command -v pdftotext >/dev/null || apt_install poppler-utils

say "sqlc: generated code up to date, queries vetted"
"$SQLC" diff || die "db/store is stale: run \`make generate\` and commit the result"
"$SQLC" vet

web_build

say "go vet"
go vet ./...

say "workflowcheck: the workflows call nothing non-deterministic"
"$WORKFLOWCHECK" -config workflows/workflowcheck.yaml ./workflows/...

say "go test (unit and integration)"
go test -count=1 -timeout 30m ./...

if [ -f web/package.json ]; then
  say "cabinets: unit tests"
  (cd web && npm test --silent)
  say "cabinets: browser suite against the whole system"
  bash scripts/e2e.sh
fi
say "all tests passed"
