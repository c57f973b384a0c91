#!/usr/bin/env bash
# Sourced by test.sh: a throwaway PostgreSQL cluster for one test run. Installs PostgreSQL from Debian's packages
# when it is missing, initdb's a cluster into a temporary folder, starts it on a free port of 127.0.0.1 (its unix
# socket in the same folder), as the unprivileged user "postgres" when running as root, and exports
# PALISADE_TEST_PG (an Npgsql connection string to an empty database). pg_test_stop stops it and removes the folder.
# PG_TEST_EXTRA_OPTIONS (e.g. "-c fsync=on") is appended to the server's options; later settings win (bench/run-postgres.sh).
# PG_TEST_KEEP_DIR (bench/run-postgres.sh's PG_BENCH_KEEP) names a folder whose cluster is kept: made there on first
# use, started again later on a new free port, stopped cleanly and not removed by pg_test_stop.
# Any failure fails the run: the PostgreSQL tests never skip.

pg_test_bindir() {
  local dir
  for dir in $(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V -r); do
    if [ -x "$dir/initdb" ] && [ -x "$dir/pg_ctl" ]; then echo "$dir"; return 0; fi
  done
  if command -v initdb >/dev/null 2>&1 && command -v pg_ctl >/dev/null 2>&1; then dirname "$(command -v initdb)"; return 0; fi
  return 1
}

source "$(dirname "${BASH_SOURCE[0]}")/test-apt.sh"

pg_test_install() {
  if pg_test_bindir >/dev/null; then return 0; fi
  test_apt_install PostgreSQL postgresql || return 1
  pg_test_bindir >/dev/null
}

pg_test_free_port() {
  python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()' 2>/dev/null \
    || echo $((20000 + RANDOM % 20000))
}

pg_test_start() {
  pg_test_install || return 1
  local bin; bin=$(pg_test_bindir) || return 1
  if [ -n "${PG_TEST_KEEP_DIR:-}" ]; then
    PG_TEST_DIR=$(mkdir -p "$PG_TEST_KEEP_DIR" && cd "$PG_TEST_KEEP_DIR" && pwd) || return 1
  else
    PG_TEST_DIR=$(mktemp -d /tmp/palisade-pg.XXXXXX)
  fi
  local as=()
  if [ "$(id -u)" -eq 0 ]; then
    # PostgreSQL refuses to run as root: the cluster belongs to the unprivileged user the package created.
    id postgres >/dev/null 2>&1 || useradd --system --no-create-home postgres
    chown postgres "$PG_TEST_DIR"
    as=(runuser -u postgres --)
  fi
  PG_TEST_AS=("${as[@]}")
  PG_TEST_BIN=$bin
  if [ ! -f "$PG_TEST_DIR/data/PG_VERSION" ]; then
    "${as[@]}" "$bin/initdb" -D "$PG_TEST_DIR/data" -U palisade --auth=trust -E UTF8 --locale=C.UTF-8 >"$PG_TEST_DIR/initdb.log" 2>&1 \
      || { cat "$PG_TEST_DIR/initdb.log" >&2; return 1; }
  fi
  local port attempt
  for attempt in 1 2 3 4 5; do
    port=$(pg_test_free_port)
    # Throwaway data: durability is traded for speed (nothing here survives the run anyway).
    if "${as[@]}" "$bin/pg_ctl" -D "$PG_TEST_DIR/data" -l "$PG_TEST_DIR/server.log" -w -t 60 start \
        -o "-p $port -k $PG_TEST_DIR -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=400 -c shared_buffers=64MB ${PG_TEST_EXTRA_OPTIONS:-}" >/dev/null; then
      break
    fi
    port=
  done
  if [ -z "$port" ]; then cat "$PG_TEST_DIR/server.log" >&2; return 1; fi
  if [ -z "$("${as[@]}" "$bin/psql" -h 127.0.0.1 -p "$port" -U palisade -d postgres -tAc "SELECT 1 FROM pg_database WHERE datname = 'palisade_test'")" ]; then
    "${as[@]}" "$bin/createdb" -h 127.0.0.1 -p "$port" -U palisade palisade_test || return 1
  fi
  export PALISADE_TEST_PG="Host=127.0.0.1;Port=$port;Username=palisade;Database=palisade_test;Pooling=true"
  echo "test.sh: PostgreSQL $("$bin/postgres" --version | awk '{print $3}') on 127.0.0.1:$port ($PG_TEST_DIR)" >&2
}

pg_test_stop() {
  if [ -n "${PG_TEST_KEEP_DIR:-}" ]; then
    # Kept: a clean shutdown, so that the next start needs no crash recovery.
    if [ -n "${PG_TEST_DIR:-}" ] && [ -f "$PG_TEST_DIR/data/postmaster.pid" ]; then
      "${PG_TEST_AS[@]}" "$PG_TEST_BIN/pg_ctl" -D "$PG_TEST_DIR/data" -m fast -w -t 300 stop >/dev/null 2>&1 || true
    fi
    return 0
  fi
  if [ -n "${PG_TEST_DIR:-}" ] && [ -d "$PG_TEST_DIR/data" ]; then
    "${PG_TEST_AS[@]}" "$PG_TEST_BIN/pg_ctl" -D "$PG_TEST_DIR/data" -m immediate -w stop >/dev/null 2>&1 || true
  fi
  if [ -n "${PG_TEST_DIR:-}" ]; then rm -rf "$PG_TEST_DIR"; fi
}
