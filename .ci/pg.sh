#!/usr/bin/env bash
# CI, second half: the services, CLI and fault tests again, on a real PostgreSQL server.
# Called by .ci/run after the SQLite run, with the venv active. Installs PostgreSQL when no
# initdb is found (Debian: apt-get, as root or through sudo), starts a throwaway server on a
# temporary directory (loopback, a free port, fsync off), points FRONTDESK_TEST_PG at it, runs
# the tests, and stops the server and removes its files on exit, whatever happened.
set -euo pipefail
cd "$(dirname "$0")/.."

find_bindir() {
    if command -v initdb >/dev/null 2>&1; then dirname "$(command -v initdb)"; return; fi
    ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1
}

BINDIR="$(find_bindir || true)"
if [ -z "$BINDIR" ] || [ ! -x "$BINDIR/initdb" ]; then
    echo "pg.sh: no initdb; installing PostgreSQL"
    SUDO=""
    if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi
    $SUDO env DEBIAN_FRONTEND=noninteractive apt-get update -qq
    $SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >/dev/null
    BINDIR="$(find_bindir)"
fi

# initdb and postgres refuse to run as root: run them as the postgres user then.
AS=()
if [ "$(id -u)" -eq 0 ]; then
    if ! id postgres >/dev/null 2>&1; then
        useradd --system --home-dir /nonexistent --shell /usr/sbin/nologin postgres
    fi
    if command -v runuser >/dev/null 2>&1; then AS=(runuser -u postgres --); else AS=(su postgres -s /bin/sh -c); fi
fi
as_pg() {
    if [ "${#AS[@]}" -eq 0 ]; then "$@";
    elif [ "${AS[0]}" = "su" ]; then "${AS[@]}" "$(printf '%q ' "$@")";
    else "${AS[@]}" "$@"; fi
}

HOME_DIR="$(mktemp -d /tmp/frontdesk-ci-pg.XXXXXX)"
chmod 755 "$HOME_DIR"
if [ "$(id -u)" -eq 0 ]; then chown postgres "$HOME_DIR"; fi
DATA="$HOME_DIR/data"
PORT="$(python -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')"

stop() {
    as_pg "$BINDIR/pg_ctl" -D "$DATA" -m immediate -w stop >/dev/null 2>&1 || true
    rm -rf "$HOME_DIR"
}
trap stop EXIT

as_pg "$BINDIR/initdb" -D "$DATA" -U postgres -A trust -E UTF8 --locale=C.UTF-8 --no-sync >/dev/null
as_pg "$BINDIR/pg_ctl" -D "$DATA" -l "$HOME_DIR/server.log" -w -t 60 \
    -o "-p $PORT -k $HOME_DIR -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=300" \
    start >/dev/null

export FRONTDESK_TEST_PG="postgresql+psycopg://postgres@127.0.0.1:$PORT/postgres"
echo "pg.sh: PostgreSQL $("$BINDIR/postgres" --version | awk '{print $3}') on 127.0.0.1:$PORT"
start=$(date +%s)
rc=0
python -m pytest tests/services tests/cli tests/faults tests/test_backends.py "$@" || rc=$?
echo "pg.sh: PostgreSQL part took $(( $(date +%s) - start )) s"
exit "$rc"
