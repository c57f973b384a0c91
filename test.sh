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
pg_test_start
source scripts/test-prosody.sh
prosody_test_start
source scripts/test-chromium.sh
source scripts/test-netns.sh
netns_test_start

dotnet build Palisade.slnx -c Release -nologo -v quiet
status=0
for proj in tests/*.Tests/*.Tests.csproj; do
  name=$(basename "$proj" .csproj)
  dotnet test "$proj" -c Release --no-build -nologo \
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
