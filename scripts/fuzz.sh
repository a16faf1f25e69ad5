#!/usr/bin/env bash
# Runs each Go fuzz target briefly (FUZZTIME each, default 5s) over its committed
# seed corpus (testdata/fuzz/<target>) plus what the fuzzer finds in that time.
# A failure leaves the crashing input in testdata/fuzz/<target>/ — commit it with
# the fix, it then runs in every plain `go test` as a regression case.
# Usage: scripts/fuzz.sh [FUZZTIME]   e.g. scripts/fuzz.sh 30s
set -euo pipefail
cd "$(dirname "$0")/.."
t="${1:-${FUZZTIME:-5s}}"
targets=(
  "./internal/pipeline FuzzParseTime"
  "./internal/pipeline FuzzValueMapping"
  "./internal/pipeline FuzzDelimitedReader"
  "./internal/config FuzzParse"
)
for tg in "${targets[@]}"; do
  set -- $tg
  echo "== fuzz $2 ($1) for $t"
  # -parallel 2: the fuzzing workers share a small CI machine.
  go test -tags duckdb_arrow -run '^$' -fuzz "^$2\$" -fuzztime "$t" -parallel 2 "$1"
done
echo "fuzz: all targets passed"
