#!/usr/bin/env bash
# Cross-check mart.timeliness / acceptance / feedback / veto / appraisal against spec_b.py.
# Usage: scripts/crosscheck/run_b.sh WORKDIR [AS_OF]   (see README_b.md)
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/../.." && pwd)
D=$1; asof=${2:-2026-05-20}
mkdir -p "$D/exp"; D=$(cd "$D" && pwd)
bin=$D/xinfang
(cd "$repo" && go build -tags duckdb_arrow -o "$bin" .)
rm -f "$D/db.duckdb" "$D/db.duckdb.wal"
"$bin" generate --records 20000 --seed 4 --years 3 --out "$D/gen" --as-of "$asof" >/dev/null
python3 "$here/make_messy_b.py" "$D/gen/petitions.csv" "$D/messy.csv" --as-of "$asof" \
    --units-in "$D/gen/units.csv" --units-out "$D/units.csv"
cat > "$D/cfg.yaml" <<YAML
time_zone: Asia/Shanghai
as_of: $asof
database: $D/db.duckdb
reports_dir: $D/reports
pseudonym: {key_file: $D/key}
units: {file: $D/units.csv}
sources: [{name: messy, kind: csv, path: $D/messy.csv}]
YAML
"$bin" ingest --config "$D/cfg.yaml" >/dev/null
"$bin" compute --config "$D/cfg.yaml" --as-of "$asof" >/dev/null
for t in timeliness acceptance feedback veto appraisal repeat closure volume; do
  "$bin" export "$t" --format csv --raw --config "$D/cfg.yaml" > "$D/exp/$t.csv"
done
# The appraisal's repeat, closure and volume inputs come from spec_a.py on the same
# records (checked against the product's marts here too), never from the product.
python3 "$here/spec_a.py" "$D/messy.csv" "$D/units.csv" "$D/a" --as-of "$asof" >/dev/null
python3 "$here/spec_b.py" --petitions "$D/messy.csv" --units "$D/units.csv" \
    --as-of "$asof" --out "$D/mine" --inputs "$D/a"
rc=0
python3 "$here/compare.py" "$D/exp" "$D/a" || rc=1
python3 "$here/compare_b.py" "$D/exp" "$D/mine" || rc=1
exit $rc
