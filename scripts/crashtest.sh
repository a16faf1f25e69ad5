#!/usr/bin/env bash
# Kill -9 the real xinfang binary at random points of ingest, compute, report and
# report --quarter, let the next run recover, and compare the database (every
# table but run bookkeeping) and the site (timestamps masked) with a clean run's;
# also checks file modes under umask 027. Usage: scripts/crashtest.sh [TRIALS]
# (default 4, one kill per stage). XINFANG_CRASH_SEED=N repeats a run's kill points.
set -euo pipefail
cd "$(dirname "$0")/.."
XINFANG_CRASHTEST=1 XINFANG_CRASH_TRIALS="${1:-4}" \
  exec go test -tags duckdb_arrow -count=1 -timeout 20m -v -run '^TestCrashRecovery$' ./scripts/crashtest/
