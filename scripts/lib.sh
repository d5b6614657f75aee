# Shared by scripts/run.sh and scripts/test.sh: installs what the project needs and starts its
# local parts (PostgreSQL cluster, Temporal dev server, Mailpit). Source it; do not run it.
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
# Pinned tools, each built once into a folder named by its version.
TEMPORAL_VERSION=v1.5.1
SQLC_VERSION=v1.31.1
STRIPE_MOCK_VERSION=v0.203.0
WORKFLOWCHECK_VERSION=v0.6.0
MAILPIT_VERSION=v1.33.1
TOOLS_DIR=${KARSO_TOOLS_DIR:-$HOME/.cache/karso/tools}
# How long Temporal keeps a finished sale's workflow before deleting it (the dev server's own
# default is 24 h). The sale pages do not need it (PostgreSQL holds every page); it is how far
# back an operator can read a finished workflow's history in the Temporal UI.
TEMPORAL_RETENTION=${TEMPORAL_RETENTION:-720h}

say() { printf '\033[1;34m==>\033[0m %s\n' "$*" >&2; }
die() { printf '\033[1;31merror:\033[0m %s\n' "$*" >&2; exit 1; }

as_root() {
  if [ "$(id -u)" = 0 ]; then "$@"; elif command -v sudo >/dev/null; then sudo "$@"; else die "need root for: $*"; fi
}

apt_install() {
  say "installing Debian packages: $*"
  as_root env DEBIAN_FRONTEND=noninteractive apt-get update -qq
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$@" >/dev/null
}

# go_tool NAME MODULE VERSION: prints the path of the pinned binary, building it if missing.
go_tool() {
  local name=$1 module=$2 version=$3 dir="$TOOLS_DIR/$1@$3"
  if [ ! -x "$dir/$name" ]; then
    say "installing $name $version (go install, takes a few minutes the first time)"
    mkdir -p "$dir"
    GOBIN="$dir" GOFLAGS=-mod=mod go install "$module@$version" >&2
  fi
  echo "$dir/$name"
}

temporal_bin() { go_tool temporal github.com/temporalio/cli/cmd/temporal "$TEMPORAL_VERSION"; }
sqlc_bin() { go_tool sqlc github.com/sqlc-dev/sqlc/cmd/sqlc "$SQLC_VERSION"; }
stripe_mock_bin() { go_tool stripe-mock github.com/stripe/stripe-mock "$STRIPE_MOCK_VERSION"; }
workflowcheck_bin() { go_tool workflowcheck go.temporal.io/sdk/contrib/tools/workflowcheck "$WORKFLOWCHECK_VERSION"; }
mailpit_bin() { go_tool mailpit github.com/axllent/mailpit "$MAILPIT_VERSION"; }

# pg_bindir prints the directory of initdb/pg_ctl, installing Debian's postgresql if absent.
pg_bindir() {
  local d
  d=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n1 || true)
  if [ -z "$d" ] || [ ! -x "$d/initdb" ]; then
    apt_install postgresql >&2
    d=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -n1)
  fi
  echo "$d"
}

# as_pg runs a PostgreSQL binary; PostgreSQL refuses to run as root, so root runs it as the
# postgres system user that Debian's package creates.
as_pg() {
  if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

# pg_start DATADIR PORT DBNAME: creates the cluster on first use, starts it, creates the db.
pg_start() {
  local data port=$2 dbname=$3 bin
  data=$(realpath -m "$1") # postgres changes into its data folder, so every path must be absolute
  bin=$(pg_bindir)
  if [ ! -s "$data/PG_VERSION" ]; then
    say "creating a PostgreSQL cluster in $data"
    mkdir -p "$data"
    [ "$(id -u)" = 0 ] && chown postgres: "$data" && chmod 700 "$data"
    as_pg "$bin/initdb" -D "$data" -U karso -A trust -E UTF8 --locale=C.UTF-8 >/dev/null
  fi
  if as_pg "$bin/pg_ctl" -D "$data" status >/dev/null 2>&1; then
    say "PostgreSQL already running in $data"
  else
    port_free "$port" || die "port $port is taken; set PGPORT to another port"
    say "starting PostgreSQL on 127.0.0.1:$port"
    as_pg "$bin/pg_ctl" -D "$data" -l "$data/server.log" -w -t 60 \
      -o "-p $port -k $data -c listen_addresses=127.0.0.1 ${PG_EXTRA_OPTS:-}" start >/dev/null
  fi
  as_pg "$bin/psql" -h 127.0.0.1 -p "$port" -U karso -d postgres -tAc \
    "SELECT 1 FROM pg_database WHERE datname = '$dbname'" | grep -q 1 ||
    as_pg "$bin/createdb" -h 127.0.0.1 -p "$port" -U karso "$dbname"
}

pg_stop() {
  local data=$1
  [ -s "$data/PG_VERSION" ] || return 0
  as_pg "$(pg_bindir)/pg_ctl" -D "$data" -m fast -w stop >/dev/null 2>&1 || true
}

port_free() { ! (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

# wait_http URL SECONDS: polls until the URL answers 2xx.
wait_http() {
  local url=$1 deadline=$((SECONDS + $2))
  until curl -fsS -o /dev/null "$url" 2>/dev/null; do
    [ $SECONDS -lt $deadline ] || return 1
    sleep 0.5
  done
}

# temporal_start DBFILE PORT UIPORT LOG [CODEC_ENDPOINT]: starts the dev server in the
# background with Karso's search attributes (workflows/search_attributes.go) and, when given,
# the UI's codec endpoint (karso api's /api/v1/codec), sets the namespace's retention to
# TEMPORAL_RETENTION (start-dev has no flag for it); prints its pid.
temporal_start() {
  local dbfile=$1 port=$2 ui=$3 log=$4 codec=${5:-} bin
  local -a extra=()
  bin=$(temporal_bin)
  port_free "$port" || die "port $port is taken (another Temporal?); set TEMPORAL_PORT"
  [ -n "$codec" ] && extra+=(--ui-codec-endpoint "$codec")
  say "starting Temporal dev server on 127.0.0.1:$port (UI http://127.0.0.1:$ui)"
  "$bin" server start-dev --ip 127.0.0.1 --port "$port" --ui-port "$ui" --db-filename "$dbfile" \
    --log-level warn --namespace "${TEMPORAL_NAMESPACE:-default}" \
    --search-attribute ContractNumber=Keyword --search-attribute PartnerID=Int \
    --search-attribute SaleStatus=Keyword "${extra[@]}" >"$log" 2>&1 &
  local pid=$! deadline=$((SECONDS + 60))
  until "$bin" operator cluster health --address "127.0.0.1:$port" >/dev/null 2>&1; do
    kill -0 $pid 2>/dev/null || die "Temporal dev server exited; see $log"
    [ $SECONDS -lt $deadline ] || die "Temporal dev server did not become healthy in 60 s; see $log"
    sleep 0.5
  done
  "$bin" operator namespace update --address "127.0.0.1:$port" --namespace "${TEMPORAL_NAMESPACE:-default}" \
    --retention "$TEMPORAL_RETENTION" >/dev/null || die "could not set the retention of namespace ${TEMPORAL_NAMESPACE:-default}"
  echo $pid
}

# payload_keys FILE: prints the PAYLOAD_KEYS kept in FILE, making a fresh AES-256 key there on
# first use (mode 600). Histories in the dev server's .data/temporal.db need the same key next
# time, so the file stays until `make clean`.
payload_keys() {
  local file=$1
  if [ ! -s "$file" ]; then
    say "making a payload encryption key in $file"
    mkdir -p "$(dirname "$file")"
    (umask 077; printf 'dev-%s:%s\n' "$(date +%Y%m%d)" "$(head -c 32 /dev/urandom | base64 -w0)" >"$file")
  fi
  cat "$file"
}

# web_build installs the cabinets' npm packages when the lock file changed, then builds them.
web_build() {
  command -v npm >/dev/null || die "npm is missing: install Node.js 20 and npm"
  [ -f "$ROOT/web/package.json" ] || { say "web/package.json missing: cabinets not built"; return 0; }
  if [ ! -f "$ROOT/web/node_modules/.package-lock.json" ] ||
     [ "$ROOT/web/package-lock.json" -nt "$ROOT/web/node_modules/.package-lock.json" ]; then
    say "installing the cabinets' npm packages (npm ci)"
    (cd "$ROOT/web" && npm ci --no-audit --no-fund --loglevel=error)
  fi
  say "building the cabinets"
  (cd "$ROOT/web" && npm run --silent build >/dev/null)
}

# mailpit_start DBFILE SMTPPORT HTTPPORT LOG: starts Mailpit (SMTP and its HTTP API on the loopback,
# messages kept in DBFILE) in the background; prints its pid once it answers.
# MAILPIT_ALLOWED_RECIPIENTS (a regular expression) makes it refuse every other recipient.
mailpit_start() {
  local dbfile=$1 smtp=$2 http=$3 log=$4 bin extra=()
  bin=$(mailpit_bin)
  [ -n "${MAILPIT_ALLOWED_RECIPIENTS:-}" ] && extra=(--smtp-allowed-recipients "$MAILPIT_ALLOWED_RECIPIENTS")
  port_free "$smtp" || die "port $smtp is taken (another Mailpit?); set MAILPIT_SMTP_PORT"
  port_free "$http" || die "port $http is taken (another Mailpit?); set MAILPIT_HTTP_PORT"
  say "starting Mailpit: SMTP 127.0.0.1:$smtp, API http://127.0.0.1:$http/api/v1/messages"
  "$bin" --smtp "127.0.0.1:$smtp" --listen "127.0.0.1:$http" --database "$dbfile" \
    --disable-version-check --smtp-disable-rdns --quiet "${extra[@]}" >"$log" 2>&1 &
  local pid=$!
  wait_http "http://127.0.0.1:$http/readyz" 30 || { kill $pid 2>/dev/null; die "Mailpit did not start; see $log"; }
  echo $pid
}
