#!/bin/sh
# Make sure a PostgreSQL server answers on 127.0.0.1:5432 for the suite's second run (trust auth, user postgres).
# Start the cluster if it is installed but stopped; install Debian's PostgreSQL if it is missing.
set -eu
ready() { pg_isready -q -h 127.0.0.1 -p 5432 2>/dev/null; }
command -v pg_isready >/dev/null 2>&1 && ready && exit 0
SUDO=""
[ "$(id -u)" -eq 0 ] || SUDO="sudo"
if ! command -v pg_ctlcluster >/dev/null 2>&1; then
  echo "installing PostgreSQL from Debian's packages ..."
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq postgresql >/dev/null
fi
version=$(ls /etc/postgresql | sort -n | tail -1)
conf=/etc/postgresql/$version/main
# Local trust auth, as on the development machines; CI's database is throw-away.
if ! grep -q "maharat-ci" "$conf/pg_hba.conf"; then
  $SUDO sh -c "printf '# maharat-ci\nhost all all 127.0.0.1/32 trust\nhost all all ::1/128 trust\nlocal all all trust\n' | cat - '$conf/pg_hba.conf' > /tmp/pg_hba && cp /tmp/pg_hba '$conf/pg_hba.conf'"
fi
$SUDO pg_ctlcluster --skip-systemctl-redirect "$version" main start || $SUDO pg_ctlcluster "$version" main restart
for _ in 1 2 3 4 5 6 7 8 9 10; do ready && exit 0; sleep 1; done
echo "PostgreSQL did not start" >&2
exit 1
