#!/bin/sh
# Start the production configuration exactly as docs/deployment.md describes it and drive it end to end:
# production settings, `maharat check --deploy`, `maharat collectstatic`, PostgreSQL, Redis as the cache,
# `maharat worker`, granian, and the reverse proxy's headers (scripts/prod_smoke.py plays the proxy and the
# browser). Fails on any answer that is not 2xx/3xx and on a missing static file. `make prod-smoke`; .ci/run.
#
#   PROD_SMOKE_DB     the dedicated PostgreSQL database, dropped and created again at the start of each run
#                     (maharat_prodsmoke; left afterwards for a look, like bench-smoke's)
#   PROD_SMOKE_REDIS  the Redis database used as the cache, flushed first (redis://127.0.0.1:6379/7)
#   PROD_SMOKE_PORT   the application server's port (a free one)
#   PROD_SMOKE_KEEP=1 keep the working folder (signing key, var/ with the collected files, the logs)
set -eu
cd "$(dirname "$0")/.."
started=$(date +%s)
BIN=$PWD/.venv/bin
DB=${PROD_SMOKE_DB:-maharat_prodsmoke}
REDIS_URL=${PROD_SMOKE_REDIS:-redis://127.0.0.1:6379/7}
PG="-h 127.0.0.1 -p 5432 -U postgres"
PUBLIC_HOST=maharat.localhost   # the public name the proxy forwards in Host (ALLOWED_HOSTS)
work=$(mktemp -d "${TMPDIR:-/tmp}/maharat-prodsmoke.XXXXXX")
pids=""
status=1

cleanup() {
  for pid in $pids; do kill "$pid" 2>/dev/null || true; done
  for pid in $pids; do wait "$pid" 2>/dev/null || true; done
  if [ "$status" -ne 0 ]; then
    for log in "$work"/*.log; do
      [ -f "$log" ] || continue
      echo "---- last lines of $(basename "$log") ----" >&2
      tail -n 40 "$log" >&2
    done
  fi
  if [ "${PROD_SMOKE_KEEP:-0}" = 1 ]; then echo "kept: $work"; else rm -rf "$work"; fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM
step() { echo "== prod smoke: $* ($(($(date +%s) - started)) s)"; }
# Run a command and wait for it. In the background, so that INT or TERM (a CI time-out) ends the run at once:
# sh keeps a trap waiting until a foreground command has finished, but interrupts `wait`.
run() { "$@" & last=$!; pids="$pids $last"; wait "$last"; }

step "PostgreSQL and Redis"
sh scripts/ensure-postgres.sh
if ! "$BIN/python" -c "import socket; socket.create_connection(('127.0.0.1', 6379), timeout=1)" 2>/dev/null; then
  if ! command -v redis-server >/dev/null 2>&1; then
    SUDO=""; [ "$(id -u)" -eq 0 ] || SUDO="sudo"
    $SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq redis-server >/dev/null
  fi
  # A throw-away Redis for this run only (no persistence), stopped on exit with the other processes.
  redis-server --bind 127.0.0.1 --port 6379 --save "" --appendonly no >"$work/redis.log" 2>&1 &
  pids="$pids $!"
  for _ in 1 2 3 4 5 6 7 8 9 10; do
    "$BIN/python" -c "import socket; socket.create_connection(('127.0.0.1', 6379), timeout=1)" 2>/dev/null && break
    sleep 0.5
  done
fi
"$BIN/python" -c "import redis, sys; redis.Redis.from_url(sys.argv[1]).flushdb()" "$REDIS_URL"
dropdb $PG --if-exists --force "$DB"  # --force: connections left by an interrupted run
createdb $PG "$DB"

# The environment of docs/deployment.md ("Settings"). What is exported here wins over a .env beside README.md.
openssl genpkey -algorithm ed25519 -out "$work/signing-key.pem"
chmod 600 "$work/signing-key.pem"
export DJANGO_SETTINGS_MODULE=maharat.config.settings.production
SECRET_KEY=$("$BIN/python" -c "import secrets; print(secrets.token_urlsafe(50))")
export SECRET_KEY
export ALLOWED_HOSTS=$PUBLIC_HOST
export DATABASE_URL="postgres://postgres@127.0.0.1:5432/$DB"
export CACHE_URL=$REDIS_URL
export MAHARAT_SIGNING_KEY_FILE="$work/signing-key.pem"
export MAHARAT_PUBLIC_URL="https://$PUBLIC_HOST"
export MAHARAT_TRUST_X_FORWARDED_FOR=true
export MAHARAT_VAR_DIR="$work/var"   # collected static files, uploads: a fresh folder, as on a new host

step "maharat check --deploy"
run "$BIN/maharat" check --deploy --fail-level WARNING

step "maharat collectstatic (in the background), migrate, demo --scale 0.002"
"$BIN/maharat" collectstatic --noinput >"$work/collectstatic.log" 2>&1 &
collect=$!
pids="$pids $collect"
run "$BIN/maharat" migrate --noinput >"$work/migrate.log" 2>&1
run "$BIN/maharat" demo --scale 0.002 >"$work/demo.log" 2>&1
wait "$collect" || { echo "collectstatic failed" >&2; exit 1; }
tail -n 1 "$work/collectstatic.log"
# Kept as a template for CI's reliability smoke run, which copies it rather than build it again.
# Not keeping it only costs the later run a build of its own: never a reason to fail this one.
sh scripts/demo-template.sh save "$DB" "$(sh scripts/demo-template.sh key 0.002)" "$work" || \
  echo "prod smoke: the demo country was not kept as a template (the reliability run builds its own)" >&2
# A valid certificate's serial, as the demo prints it: http://…/verify/MH-…/   (معتبر)
serial=$(grep -m 1 -o 'verify/MH-[0-9A-Z-]*/ *(معتبر)' "$work/demo.log" | sed 's|verify/\(MH-[0-9A-Z-]*\)/.*|\1|')
[ -n "$serial" ] || { echo "the demo printed no valid certificate" >&2; exit 1; }

step "maharat worker and granian"
port=${PROD_SMOKE_PORT:-$("$BIN/python" -c "import socket; s = socket.socket(); s.bind(('127.0.0.1', 0)); print(s.getsockname()[1])")}
"$BIN/maharat" worker >"$work/worker.log" 2>&1 &
pids="$pids $!"
worker=$!
"$BIN/granian" --interface wsgi --workers 2 --blocking-threads 1 --host 127.0.0.1 --port "$port" \
  maharat.config.wsgi:application >"$work/granian.log" 2>&1 &
pids="$pids $!"

step "driving http://127.0.0.1:$port as https://$PUBLIC_HOST"
run "$BIN/python" scripts/prod_smoke.py --base "http://127.0.0.1:$port" --host "$PUBLIC_HOST" \
  --username hq_planner --password maharat-demo-1404 --serial "$serial"

kill -0 "$worker" 2>/dev/null || { echo "maharat worker is no longer running" >&2; exit 1; }
if grep -l -E "Traceback|Internal Server Error" "$work/granian.log" "$work/worker.log"; then
  echo "an error was logged by the server or the worker" >&2
  exit 1
fi
status=0
step "passed"
