#!/usr/bin/env bash
# The project's test command (README): every package, real DuckDB, PostgreSQL
# (when XINFANG_TEST_PG_DSN is set) and Chromium.
set -euo pipefail
cd "$(dirname "$0")/.."
exec go test -tags duckdb_arrow -count=1 -timeout 30m ./... "$@"
