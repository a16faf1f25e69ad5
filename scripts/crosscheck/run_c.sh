#!/usr/bin/env bash
# Cross-check C: mart.supervision, mart.targets, mart.targets_backtest (calendar days) and
# mart.timeliness / acceptance / feedback / supervision with day_basis: working, against spec_c.py.
# Usage: scripts/crosscheck/run_c.sh WORKDIR [AS_OF]   (see README_c.md); exit 1 on any difference.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/../.." && pwd)
D=$1; asof=${2:-2026-05-20}
mkdir -p "$D"; D=$(cd "$D" && pwd)
bin=$D/xinfang
hol=$here/holidays_cn.csv
(cd "$repo" && go build -tags duckdb_arrow -o "$bin" .)
rm -rf "$D/gen" "$D"/db_*.duckdb* "$D"/exp_* "$D"/mine_* "$D"/a_*
"$bin" generate --records 20000 --seed 4 --years 3 --out "$D/gen" --as-of "$asof" >/dev/null
python3 "$here/make_messy_b.py" "$D/gen/petitions.csv" "$D/messy.csv" --as-of "$asof" \
    --units-in "$D/gen/units.csv" --units-out "$D/units.csv"
python3 "$here/make_messy_c.py" "$D/messy.csv" "$D/messy_c.csv" --holidays "$hol" --as-of "$asof"
rc=0
# cal: the product's defaults on make_messy_b's data; work: working days on the edge-shifted data.
for m in cal work; do
  if [ $m = cal ]; then src=$D/messy.csv; extra=""; hopt=""
  else src=$D/messy_c.csv; extra="metrics: {day_basis: working, holiday_file: $hol}"; hopt="--holidays $hol"; fi
  cat > "$D/cfg_$m.yaml" <<YAML
time_zone: Asia/Shanghai
as_of: $asof
database: $D/db_$m.duckdb
reports_dir: $D/reports_$m
pseudonym: {key_file: $D/key}
units: {file: $D/units.csv}
sources: [{name: messy, kind: csv, path: $src}]
$extra
YAML
  "$bin" ingest --config "$D/cfg_$m.yaml" >/dev/null 2>"$D/ingest_$m.log"
  "$bin" compute --config "$D/cfg_$m.yaml" --as-of "$asof" >/dev/null 2>"$D/compute_$m.log"
  mkdir -p "$D/exp_$m"
  for t in timeliness acceptance feedback supervision targets targets_backtest repeat; do
    "$bin" export $t --format csv --raw --config "$D/cfg_$m.yaml" > "$D/exp_$m/$t.csv"
  done
  # repeat_rate for the targets: spec_a.py on the same records, not the product's export.
  python3 "$here/spec_a.py" "$src" "$D/units.csv" "$D/a_$m" --as-of "$asof" >/dev/null
  # shellcheck disable=SC2086
  python3 "$here/spec_c.py" --petitions "$src" --units "$D/units.csv" --as-of "$asof" \
      --out "$D/mine_$m" $hopt --targets --inputs "$D/a_$m"
  echo "== day basis: $m"
  python3 "$here/compare_c.py" "$D/exp_$m" "$D/mine_$m" \
      timeliness acceptance feedback supervision targets targets_backtest || rc=1
  python3 "$here/compare.py" "$D/exp_$m" "$D/a_$m" repeat || rc=1
done
exit $rc
