#!/usr/bin/env python3
"""The one comparer of every cross-check: a product export (CSV, `export --format csv --raw`)
against an independent implementation's CSV of the same mart, cell by cell.

usage: compare.py PRODUCT_DIR SPEC_DIR [tables...]   # exit 1 on any difference

The equality rule (the same for every mart and every suite):
- Rows are matched on the mart's key columns (KEYS), compared exactly as text. A key present
  on one side only is a difference (one per row), and so is a key that occurs twice.
- Columns are matched by name. Every product column is either a key, produced by the
  implementation, or listed in NOT_CHECKED with the reason; a product column that is none of
  these, or an implementation column the product lacks, is a difference (one per column).
- An empty cell is NULL and equals only an empty cell.
- Two cells that both parse as numbers are equal when |x - y| <= 1e-9 * max(1, |x|, |y|):
  an absolute tolerance of 1e-9 for values up to 1 in magnitude (rates, shares), relative
  above (percentages, counts, scores). Integers are exact well below 1e9; the tolerance is
  only for floating-point summation order.
- Anything else (text, booleans, dates, grades) must be identical.
"""
import csv
import math
import os
import sys

PERIOD_KEY = ["unit_id", "rollup", "period_type", "period"]

KEYS = {
    "volume": PERIOD_KEY,
    "repeat": PERIOD_KEY,
    "closure": PERIOD_KEY,
    "trend": ["unit_id", "rollup", "as_of"],
    "timeliness": PERIOD_KEY,
    "acceptance": PERIOD_KEY,
    "feedback": PERIOD_KEY,
    "supervision": PERIOD_KEY,
    "veto": ["scope", "subject_id", "year", "rule_id"],
    "appraisal": PERIOD_KEY,
    "appraisal_indicators": PERIOD_KEY + ["indicator"],
    "appraisal_peer_median": ["peer_group", "period_type", "period", "indicator"],
    "commendation_candidates": PERIOD_KEY,
    "peer_quantiles": ["peer_group", "period_type", "period", "metric"],
    "inspection_priority": ["unit_id", "period_type", "period"],
    "volume_moving_average": PERIOD_KEY,
    "veto_handler_units": ["handler_id", "unit_id"],
    "unknown_units": ["unit_id"],
    "targets": ["unit_id", "rollup", "year", "metric"],
    "targets_backtest": ["unit_id", "rollup", "metric", "year"],
    "campaign": ["campaign_id", "unit_id", "rollup"],
    "campaign_groups": ["campaign_id", "group"],
    "alerts": ["week_start", "unit_id", "kind", "category"],  # category empty for total/collective
    "cohort": PERIOD_KEY,
    "campaign_weekly": ["campaign_id", "series", "week_start"],
    "alert_series": ["unit_id", "kind", "category", "week_start"],
}

# Product columns no implementation produces, each with the reason. Everything else in a
# product export must be compared.
NOT_CHECKED = {
    "unknown_units": {"sources": "the config's source names, not in the petitions CSV: every data set "
                                 "here has one source, named by the runner"},
}

TOL = 1e-9


def equal(a, b):
    """The equality rule above, on two CSV cells."""
    if a == b:
        return True
    if a == "" or b == "":
        return False
    try:
        x, y = float(a), float(b)
    except ValueError:
        return False
    if not (math.isfinite(x) and math.isfinite(y)):
        return False  # inf/nan: only the identical text (handled above)
    return abs(x - y) <= TOL * max(1.0, abs(x), abs(y))


def load(path, key):
    """(columns, {key tuple: row}, [duplicate keys]); no rows when a key column is missing."""
    with open(path, newline="", encoding="utf-8-sig") as f:
        rd = csv.DictReader(f)
        cols = rd.fieldnames or []
        if any(k not in cols for k in key):
            return cols, {}, []
        rows, dups = {}, []
        for r in rd:
            k = tuple(r[c] for c in key)
            if k in rows:
                dups.append(k)
            rows[k] = r
        return cols, rows, dups


class Result:
    """One mart compared: rows (product), cells compared, differences, and what they are."""

    def __init__(self, table):
        self.table = table
        self.rows = self.spec_rows = self.cells = 0
        self.problems = []   # (kind, text), each one difference
        self.cell_diffs = {}  # column -> [count, [examples]]
        self.not_checked = []

    @property
    def differences(self):
        return len(self.problems) + sum(n for n, _ in self.cell_diffs.values())

    def report(self, out=sys.stdout, examples=5):
        for kind, text in self.problems[:examples * 4]:
            print("   %s %s: %s" % (self.table, kind, text), file=out)
        if len(self.problems) > examples * 4:
            print("   %s: … %d more row/column problems" % (self.table, len(self.problems) - examples * 4), file=out)
        for c, (n, ex) in sorted(self.cell_diffs.items(), key=lambda kv: -kv[1][0]):
            print("   %s.%s: %d cells differ, e.g." % (self.table, c, n), file=out)
            for k, pv, sv in ex[:examples]:
                print("      %s product=%r spec=%r" % ("/".join(k), pv, sv), file=out)


def compare(product_csv, spec_csv, table, keep=6):
    key = KEYS[table]
    res = Result(table)
    pcols, prod, pdups = load(product_csv, key)
    scols, spec, sdups = load(spec_csv, key)
    res.rows, res.spec_rows = len(prod), len(spec)
    for side, cols in (("product", pcols), ("spec", scols)):
        for k in key:
            if k not in cols:
                res.problems.append(("key column missing in " + side, k))
    skip = NOT_CHECKED.get(table, {})
    res.not_checked = [c for c in pcols if c in skip]
    for k in pdups:
        res.problems.append(("duplicate key in product", "/".join(k)))
    for k in sdups:
        res.problems.append(("duplicate key in spec", "/".join(k)))
    for c in pcols:
        if c not in key and c not in scols and c not in skip:
            res.problems.append(("column not covered", "%s (in the product, neither computed nor listed in NOT_CHECKED)" % c))
    for c in scols:
        if c not in pcols and c not in key:
            res.problems.append(("column missing in product", c))
    cols = [c for c in scols if c in pcols and c not in key]
    for k in spec:
        if k not in prod:
            res.problems.append(("row missing in product", "/".join(k)))
    for k in prod:
        if k not in spec:
            res.problems.append(("row missing in spec", "/".join(k)))
    for k, sr in spec.items():
        pr = prod.get(k)
        if pr is None:
            continue
        for c in cols:
            res.cells += 1
            if not equal(pr[c], sr[c]):
                d = res.cell_diffs.setdefault(c, [0, []])
                d[0] += 1
                if len(d[1]) < keep:
                    d[1].append((k, pr[c], sr[c]))
    return res


def main():
    if len(sys.argv) < 3:
        raise SystemExit(__doc__)
    prod, spec = sys.argv[1], sys.argv[2]
    tables = sys.argv[3:] or [t for t in KEYS if os.path.exists(os.path.join(spec, t + ".csv"))]
    bad = False
    for t in tables:
        r = compare(os.path.join(prod, t + ".csv"), os.path.join(spec, t + ".csv"), t)
        print("%-22s rows=%d cells=%d differences=%d" % (t, r.rows, r.cells, r.differences))
        r.report()
        bad = bad or r.differences > 0
    sys.exit(1 if bad else 0)


if __name__ == "__main__":
    main()
