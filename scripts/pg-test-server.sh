#!/usr/bin/env bash
# Starts a throwaway PostgreSQL cluster for the ingest tests and prints its DSN on
# stdout (everything else goes to stderr), e.g.
#   export XINFANG_TEST_PG_DSN=$(scripts/pg-test-server.sh)
# Installs PostgreSQL with apt-get when no server binaries are found. Idempotent:
# a cluster already running in the data folder is reused. Stop it with
#   scripts/pg-test-server.sh stop
# Env: PGTEST_PORT (55432), PGTEST_DIR (/tmp/xinfang-pgtest).
set -euo pipefail

PORT="${PGTEST_PORT:-55432}"
DIR="${PGTEST_DIR:-/tmp/xinfang-pgtest}"
DSN="postgres://postgres@127.0.0.1:${PORT}/postgres?sslmode=disable"

log() { echo "pg-test-server: $*" >&2; }

find_bin() {
	local d
	for d in /usr/lib/postgresql/*/bin; do
		if [[ -x "$d/initdb" && -x "$d/pg_ctl" ]]; then
			echo "$d"
		fi
	done | sort -V | tail -n 1
}

BIN="$(find_bin)"
if [[ -z "$BIN" ]]; then
	log "installing postgresql with apt-get"
	export DEBIAN_FRONTEND=noninteractive
	if [[ $(id -u) -eq 0 ]]; then SUDO=""; else SUDO="sudo"; fi
	$SUDO apt-get update -qq >&2
	$SUDO apt-get install -y -qq postgresql >&2
	BIN="$(find_bin)"
	[[ -n "$BIN" ]] || { log "no PostgreSQL binaries after install"; exit 1; }
fi

# PostgreSQL refuses to run as root: use the postgres system user then.
as_pg() {
	if [[ $(id -u) -eq 0 ]]; then
		runuser -u postgres -- "$@"
	else
		"$@"
	fi
}

if [[ "${1:-}" == "stop" ]]; then
	if [[ -f "$DIR/data/postmaster.pid" ]]; then
		as_pg "$BIN/pg_ctl" -D "$DIR/data" -m fast stop >&2
	fi
	exit 0
fi

mkdir -p "$DIR"
if [[ $(id -u) -eq 0 ]]; then chown postgres: "$DIR"; fi

if [[ ! -f "$DIR/data/PG_VERSION" ]]; then
	log "initdb in $DIR/data"
	as_pg "$BIN/initdb" -D "$DIR/data" -U postgres --auth=trust -E UTF8 --locale=C.UTF-8 >&2
fi

if ! as_pg "$BIN/pg_ctl" -D "$DIR/data" status >/dev/null 2>&1; then
	log "starting on 127.0.0.1:$PORT"
	as_pg "$BIN/pg_ctl" -D "$DIR/data" -l "$DIR/server.log" -w -t 60 \
		-o "-p $PORT -c listen_addresses=127.0.0.1 -k $DIR -c fsync=off -c synchronous_commit=off -c full_page_writes=off" start >&2
fi
echo "$DSN"
