#!/usr/bin/env bash
# Cross-check D: mart.campaign, mart.campaign_groups (SPEC §9), mart.alerts (§10) and
# mart.cohort (§11) against spec_d.py, cell by cell, as of three dates.
# Usage: scripts/crosscheck/run_d.sh WORKDIR   (see README_d.md); exit 1 on any difference.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/../.." && pwd)
D=$1; gen=2026-05-20
asofs=(2026-05-20 2026-01-04 2024-02-29)
mkdir -p "$D"; D=$(cd "$D" && pwd)
bin=$D/xinfang
(cd "$repo" && go build -tags duckdb_arrow -o "$bin" .)
rm -rf "$D/gen" "$D"/db.duckdb* "$D"/exp_* "$D"/mine_*
"$bin" generate --records 20000 --seed 4 --years 3 --out "$D/gen" --as-of "$gen" >/dev/null
python3 "$here/make_messy_b.py" "$D/gen/petitions.csv" "$D/messy_b.csv" --as-of "$gen" \
    --units-in "$D/gen/units.csv" --units-out "$D/units.csv"
python3 "$here/make_messy_d.py" "$D/messy_b.csv" "$D/messy.csv" $(printf -- '--as-of %s ' "${asofs[@]}")
# the campaigns: the generator's drive (P02 with descendants), a 29 February start listing a
# city and a facility, '*' (cut at as_of; no row before its start), the messy unit XU1 whose
# parent is unknown (with its child XU2), and one that never starts.
cat > "$D/campaigns.json" <<'JSON'
[{"id": "drive", "name": "联合接访", "start": "2026-01-01", "end": "2026-03-31", "units": ["P02"]},
 {"id": "leap", "name": "leap", "start": "2024-02-29", "end": "2024-05-31", "units": ["P01C01", "P03F01"]},
 {"id": "all", "name": "all units", "start": "2025-12-15", "end": "2026-06-30", "units": "*"},
 {"id": "xu", "name": "orphans", "start": "2025-03-01", "end": "2025-04-30", "units": ["XU1"]},
 {"id": "late", "name": "later", "start": "2026-06-01", "end": "2026-07-01", "units": ["P02"]}]
JSON
python3 - "$D/campaigns.json" > "$D/campaigns.yaml" <<'PY'
import json, sys
print("campaigns:")
for c in json.load(open(sys.argv[1], encoding="utf-8")):
    print("  - " + json.dumps(c, ensure_ascii=False))
PY
cat > "$D/cfg.yaml" <<YAML
time_zone: Asia/Shanghai
database: $D/db.duckdb
reports_dir: $D/reports
pseudonym: {key_file: $D/key}
units: {file: $D/units.csv}
sources: [{name: messy, kind: csv, path: $D/messy.csv}]
$(cat "$D/campaigns.yaml")
YAML
"$bin" ingest --config "$D/cfg.yaml" >/dev/null 2>"$D/ingest.log"
rc=0
for a in "${asofs[@]}"; do
  echo "== as-of $a"
  "$bin" compute --config "$D/cfg.yaml" --as-of "$a" >/dev/null 2>"$D/compute_$a.log"
  mkdir -p "$D/exp_$a"
  for t in campaign campaign_groups alerts cohort; do
    "$bin" export $t --format csv --config "$D/cfg.yaml" > "$D/exp_$a/$t.csv"
  done
  python3 "$here/spec_d.py" --petitions "$D/messy.csv" --units "$D/units.csv" --as-of "$a" \
      --out "$D/mine_$a" --campaigns "$D/campaigns.json"
  python3 "$here/compare_d.py" "$D/exp_$a" "$D/mine_$a" campaign campaign_groups alerts cohort || rc=1
done
exit $rc
