#!/usr/bin/env bash
# Cross-check mart.volume / mart.repeat / mart.closure against spec_a.py.
# Usage: scripts/crosscheck/run.sh WORKDIR GEN_AS_OF [COMPUTE_AS_OF ...]
# Builds the binary, generates 20000 records (seed 3, 3 years to GEN_AS_OF), perturbs them,
# ingests once, then for each COMPUTE_AS_OF (default GEN_AS_OF) computes, exports and compares.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/../.." && pwd)
work=$1; gen_asof=$2; shift 2
asofs=("$@"); [ ${#asofs[@]} -gt 0 ] || asofs=("$gen_asof")
mkdir -p "$work"; work=$(cd "$work" && pwd)
bin=$work/xinfang
(cd "$repo" && go build -tags duckdb_arrow -o "$bin" .)
"$bin" generate --records 20000 --seed 3 --years 3 --out "$work/gen" --as-of "$gen_asof"
python3 "$here/make_messy.py" "$work/gen/petitions.csv" "$work/messy.csv" --as-of "$gen_asof"
rm -f "$work/x.duckdb" "$work/x.duckdb.wal"
cat > "$work/cfg.yaml" <<YAML
time_zone: Asia/Shanghai
database: $work/x.duckdb
reports_dir: $work/reports
pseudonym:
  key_file: $work/key
units:
  file: $work/gen/units.csv
sources:
  - name: messy
    kind: csv
    path: $work/messy.csv
YAML
"$bin" ingest --config "$work/cfg.yaml" >/dev/null
rc=0
for a in "${asofs[@]}"; do
  echo "== as-of $a"
  out=$work/product-$a; mkdir -p "$out"
  "$bin" compute --config "$work/cfg.yaml" --as-of "$a" >/dev/null
  for t in volume repeat closure; do
    "$bin" export "$t" --format csv --raw --config "$work/cfg.yaml" >"$out/$t.csv"
  done
  python3 "$here/spec_a.py" "$work/messy.csv" "$work/gen/units.csv" "$work/spec-$a" --as-of "$a"
  python3 "$here/compare.py" "$out" "$work/spec-$a" || rc=1
  "$bin" export trend --format csv --raw --config "$work/cfg.yaml" >"$out/trend.csv"
  python3 "$here/trend_check.py" "$out/volume.csv" "$out/trend.csv" || rc=1
done
exit $rc
