#!/usr/bin/env python3
"""Compare the product's exported marts with spec_b.py's output, cell by cell.

usage: compare_b.py PRODUCT_DIR MINE_DIR [tables...]

Numbers compare within 1e-9 (absolute, or relative for large values); an empty cell (NULL)
equals only an empty cell; anything else compares as text. Missing and extra rows are
reported. Exit status 1 when anything differs.
"""
import csv
import os
import sys
from collections import Counter

KEYS = {
    "timeliness": ["unit_id", "rollup", "period_type", "period"],
    "acceptance": ["unit_id", "rollup", "period_type", "period"],
    "feedback": ["unit_id", "rollup", "period_type", "period"],
    "appraisal": ["unit_id", "rollup", "period_type", "period"],
    "veto": ["scope", "subject_id", "year", "rule_id"],
}


def load(path, key):
    with open(path, newline="", encoding="utf-8") as f:
        rd = csv.DictReader(f)
        rows = {}
        for r in rd:
            rows[tuple(r[k] for k in key)] = r
        return rd.fieldnames, rows


def same(a, b):
    if a == b:
        return True
    if a == "" or b == "":
        return False
    try:
        x, y = float(a), float(b)
    except ValueError:
        return False
    return abs(x - y) <= 1e-9 * max(1.0, abs(x), abs(y))


def main():
    prod, mine = sys.argv[1], sys.argv[2]
    tables = sys.argv[3:] or list(KEYS)
    total = equal = 0
    bad = False
    for t in tables:
        key = KEYS[t]
        pcols, p = load(os.path.join(prod, t + ".csv"), key)
        mcols, m = load(os.path.join(mine, t + ".csv"), key)
        cols = [c for c in mcols if c not in key]
        missing = [k for k in m if k not in p]
        extra = [k for k in p if k not in m]
        diffs = Counter()
        examples = {}
        n = eq = 0
        for k, mr in m.items():
            pr = p.get(k)
            if pr is None:
                continue
            for c in cols:
                n += 1
                if c not in pr:
                    diffs[c] += 1
                    continue
                if same(pr[c], mr[c]):
                    eq += 1
                else:
                    diffs[c] += 1
                    examples.setdefault(c, []).append((k, pr[c], mr[c]))
        total += n
        equal += eq
        print("%-11s rows mine=%d product=%d missing=%d extra=%d cells=%d equal=%d" % (
            t, len(m), len(p), len(missing), len(extra), n, eq))
        for k in missing[:5]:
            print("   missing in product:", k)
        for k in extra[:5]:
            print("   extra in product:", k)
        for c, cnt in diffs.most_common():
            print("   column %s: %d differ; e.g." % (c, cnt))
            for k, pv, mv in examples.get(c, [])[:6]:
                print("      %s product=%r mine=%r" % ("/".join(k), pv, mv))
        if missing or extra or diffs:
            bad = True
    print("TOTAL cells compared=%d equal=%d" % (total, equal))
    sys.exit(1 if bad else 0)


if __name__ == "__main__":
    main()
