#!/bin/sh
# The demo country that scripts/prod-smoke.sh builds is kept as a PostgreSQL template, so that CI's later
# smoke runs (bench/reliability/run.py --smoke) copy it in a second instead of building the same country
# again (about 90 s). Only a build of the same code (every file under maharat/), scale and day is reused:
# anything else builds afresh.
#
#   demo-template.sh key SCALE            the key of such a build
#   demo-template.sh save DB KEY DIR      keep DB as the template, with DIR's signing key and demo log
#   demo-template.sh copy DB KEY DIR      DB := a copy of the template, DIR gets its signing key and log;
#                                         exits 1 when there is no template for KEY
set -eu
cd "$(dirname "$0")/.."
PG="-h 127.0.0.1 -p 5432 -U postgres"
TEMPLATE=maharat_demo_template
CACHE=var/demo-template

case "$1" in
key)
  # The content of every file of the package (committed or not), the scale and the day.
  code=$(git ls-files -co --exclude-standard -z maharat 2>/dev/null | sort -z | xargs -0 sha1sum | sha1sum | cut -c1-16)
  echo "code-$code-scale-$2-day-$(date +%Y%m%d)" ;;
save)
  db=$2 key=$3 dir=$4
  [ -n "$key" ] || exit 0
  dropdb $PG --if-exists --force "$TEMPLATE"
  createdb $PG -T "$db" "$TEMPLATE"
  mkdir -p "$CACHE"
  cp "$dir/signing-key.pem" "$CACHE/signing-key.pem"
  cp "$dir/demo.log" "$CACHE/demo.log"
  echo "$key" > "$CACHE/key" ;;
copy)
  db=$2 key=$3 dir=$4
  [ -n "$key" ] && [ -f "$CACHE/key" ] && [ "$(cat "$CACHE/key")" = "$key" ] || exit 1
  psql $PG -tAc "SELECT 1 FROM pg_database WHERE datname='$TEMPLATE'" | grep -q 1 || exit 1
  dropdb $PG --if-exists --force "$db"
  createdb $PG -T "$TEMPLATE" "$db"
  cp "$CACHE/signing-key.pem" "$dir/signing-key.pem"
  chmod 600 "$dir/signing-key.pem"
  cp "$CACHE/demo.log" "$dir/demo.log" ;;
*)
  echo "usage: $0 key SCALE | save DB KEY DIR | copy DB KEY DIR" >&2; exit 2 ;;
esac
