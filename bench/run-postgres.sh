#!/usr/bin/env bash
# Runs a Palisade benchmark against a throwaway PostgreSQL cluster, made as test.sh makes its own
# (scripts/test-postgres.sh: initdb into a temporary folder, a free port of 127.0.0.1, as the unprivileged user
# "postgres" when run as root, no Docker), and stops it and removes its folder afterwards, whatever happens.
#
#   bench/run-postgres.sh fleet --devices 1000 --duration 30 --no-baseline      # SQLite and PostgreSQL in turns
#   bench/run-postgres.sh fleet --devices 1000 --duration 30 --nodes 2          # two nodes on the one database
#   bench/run-postgres.sh pg-scale --devices 1000000 --parameters 200           # seed, size, sessions/s at scale
#
# The bench is given --db postgresql://palisade@127.0.0.1:PORT/palisade_test (trust authentication, no password) and
# --pg-data (the cluster's data folder, whose postmaster.pid lets it read the cluster's CPU). Unlike the tests'
# cluster, this one keeps fsync and full-page writes on, like the embedded store's WAL with synchronous=NORMAL: a
# commit is not flushed on its own (synchronous_commit=off, as SQLite's NORMAL), but the database survives a crash.
# PG_BENCH_SHARED_BUFFERS (default 512MB) sizes its cache; PG_BENCH_OPTIONS adds server settings of your own
# (e.g. "-c checkpoint_timeout=15min -c wal_compression=lz4"), after these.
#
# PG_BENCH_KEEP=FOLDER keeps the cluster in FOLDER instead (made on first use, stopped cleanly, not removed), so that
# a seeded pg-scale population can be measured again without seeding it again (its key file kept in FOLDER/keys):
#   PG_BENCH_KEEP=/var/tmp/pg-1m bench/run-postgres.sh pg-scale --devices 1000000 --parameters 200           # seeds
#   PG_BENCH_KEEP=/var/tmp/pg-1m bench/run-postgres.sh pg-scale --devices 1000000 --parameters 200 --reuse   # measures again
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
# shellcheck source=../scripts/test-postgres.sh
source "$root/scripts/test-postgres.sh"
export PG_TEST_EXTRA_OPTIONS="-c fsync=on -c full_page_writes=on -c synchronous_commit=off -c shared_buffers=${PG_BENCH_SHARED_BUFFERS:-512MB} -c max_wal_size=4GB ${PG_BENCH_OPTIONS:-}"
if [ -n "${PG_BENCH_KEEP:-}" ]; then export PG_TEST_KEEP_DIR=$PG_BENCH_KEEP; fi
trap pg_test_stop EXIT
trap 'exit 130' INT TERM
pg_test_start
port=$(sed -n 's/.*Port=\([0-9]*\);.*/\1/p' <<<"$PALISADE_TEST_PG")
kept=()
# A kept pg-scale cluster keeps its store's key file beside it, for the next --reuse.
if [ -n "${PG_BENCH_KEEP:-}" ] && [ "${1:-}" = pg-scale ]; then kept=(--keys "$PG_TEST_DIR/keys"); fi
dotnet run -c Release --project "$root/bench/Palisade.Bench" -- "$@" \
  --db "postgresql://palisade@127.0.0.1:$port/palisade_test" --pg-data "$PG_TEST_DIR/data" "${kept[@]}"
