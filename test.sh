#!/usr/bin/env bash
# The whole test suite, from a fresh clone: builds, installs what the tests need, runs every
# test project and ends with one line "N passed, N failed[, N skipped]".
set -euo pipefail
cd "$(dirname "$0")"

results="${PALISADE_TEST_RESULTS:-$(mktemp -d)}"
rm -rf "$results"/*.trx 2>/dev/null || true

# A throwaway PostgreSQL cluster for the PostgreSQL store's tests (installed from Debian's packages when missing);
# stopped and removed at exit. If it cannot start, the run fails: those tests never skip.
source scripts/test-postgres.sh
trap 'pg_test_stop; prosody_test_stop' EXIT
# Killed or interrupted, the run ends at once (non-zero) and the EXIT trap above stops its services. Bash runs a trap only
# after the foreground command ends, so the long steps run under `step` (in the background, waited for), and the step
# in progress is stopped too.
step_pid=
step() { "$@" & step_pid=$!; local rc=0; wait "$step_pid" || rc=$?; step_pid=; return "$rc"; }
stop_step() {
  [ -n "$step_pid" ] || return 0
  kill -TERM "$step_pid" 2>/dev/null || return 0
  for _ in $(seq 1 100); do kill -0 "$step_pid" 2>/dev/null || return 0; sleep 0.2; done
  kill -KILL "$step_pid" 2>/dev/null || true
}
trap 'stop_step; exit 129' HUP
trap 'stop_step; exit 130' INT
trap 'stop_step; exit 143' TERM
pg_test_start
source scripts/test-prosody.sh
prosody_test_start
source scripts/test-chromium.sh
source scripts/test-netns.sh
netns_test_start

step dotnet build Palisade.slnx -c Release -nologo -v quiet
status=0
for proj in tests/*.Tests/*.Tests.csproj; do
  name=$(basename "$proj" .csproj)
  step dotnet test "$proj" -c Release --no-build -nologo \
    --logger "trx;LogFileName=$name.trx" --logger "console;verbosity=minimal" \
    --results-directory "$results" || status=1
done

passed=0; failed=0; skipped=0
shopt -s nullglob
for trx in "$results"/*.trx; do
  counters=$(grep -o '<Counters [^>]*>' "$trx" | head -n 1)
  get() { echo "$counters" | sed -n "s/.* $1=\"\([0-9]*\)\".*/\1/p"; }
  passed=$((passed + $(get passed)))
  failed=$((failed + $(get failed) + $(get error) + $(get timeout) + $(get aborted)))
  skipped=$((skipped + $(get notExecuted)))
done

if [ "$skipped" -gt 0 ]; then
  echo "$passed passed, $failed failed, $skipped skipped"
else
  echo "$passed passed, $failed failed"
fi
if [ "$status" -ne 0 ] || [ "$failed" -gt 0 ]; then exit 1; fi
