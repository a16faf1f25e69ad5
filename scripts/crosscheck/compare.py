#!/usr/bin/env python3
"""Compare product exports with spec_a.py output, cell by cell.

Usage: compare.py PRODUCT_DIR SPEC_DIR [table ...]   (tables default: volume repeat closure)
Each dir holds TABLE.csv. Rows are matched on (unit_id, rollup, period_type, period); every
column both files have is compared: numbers with 1e-9 tolerance (absolute or relative), empty
(NULL) only equals empty. Prints a summary per table and per column, and up to 5 example
mismatches per column. Exit status 1 when anything differs.
"""
import csv
import os
import sys
from collections import Counter, defaultdict

KEY = ("unit_id", "rollup", "period_type", "period")


def load(path):
    with open(path, newline="", encoding="utf-8") as f:
        rd = csv.DictReader(f)
        return rd.fieldnames, {tuple(r[k] for k in KEY): r for r in rd}


def same(a, b):
    if a == b:
        return True
    if a == "" or b == "":
        return False
    try:
        x, y = float(a), float(b)
    except ValueError:
        return a.lower() == b.lower()
    return abs(x - y) <= 1e-9 or abs(x - y) <= 1e-9 * max(abs(x), abs(y))


def main():
    pdir, sdir, *tables = sys.argv[1:]
    tables = tables or ["volume", "repeat", "closure"]
    total = equal = 0
    bad = False
    for t in tables:
        pc, prows = load(os.path.join(pdir, t + ".csv"))
        sc, srows = load(os.path.join(sdir, t + ".csv"))
        cols = [c for c in sc if c in pc and c not in KEY]
        missing = set(srows) - set(prows)
        extra = set(prows) - set(srows)
        diffs = defaultdict(list)
        n = eq = 0
        for k, sr in srows.items():
            pr = prows.get(k)
            if pr is None:
                n += len(cols)
                continue
            for c in cols:
                n += 1
                if same(pr[c], sr[c]):
                    eq += 1
                else:
                    diffs[c].append((k, pr[c], sr[c]))
        total += n
        equal += eq
        print("%s: %d rows (product %d), %d cells compared, %d equal; rows missing in product %d, extra %d"
              % (t, len(srows), len(prows), n, eq, len(missing), len(extra)))
        for k in sorted(missing)[:5]:
            print("  missing row", k)
        for k in sorted(extra)[:5]:
            print("  extra row", k)
        for c, ds in diffs.items():
            bad = True
            print("  column %s: %d mismatches (by period_type %s)" % (
                c, len(ds), dict(Counter(d[0][2] for d in ds))))
            for k, a, b in ds[:5]:
                print("    %s product=%r spec=%r" % ("/".join(k), a, b))
        if missing or extra:
            bad = True
    print("TOTAL: %d cells compared, %d equal" % (total, equal))
    sys.exit(1 if bad else 0)


if __name__ == "__main__":
    main()
