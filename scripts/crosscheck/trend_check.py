#!/usr/bin/env python3
"""Check mart.trend against SPEC §4's seasonal Kendall test, recomputed here from the
monthly petitions of mart.volume (which spec_a.py checks independently).

Usage: trend_check.py VOLUME.csv TREND.csv [--months 36 --min-months 24 --z 1.645]
For each (unit_id, rollup): the complete months from the data's first month, the last 36
(at least 24, else 'insufficient'); per calendar month Mann-Kendall S over successive years
and its tie-corrected variance, summed; Z with continuity correction; Sen's seasonal slope
= median of within-month (later - earlier) / years apart; ttm and prev_ttm. Exit 1 on any
difference.
"""
import argparse
import csv
import math
import statistics
import sys
from collections import Counter, defaultdict


def seasonal_kendall(complete, months, min_months, zcrit):
    complete = sorted(complete)
    win = complete[-months:]
    out = {"months": len(win),
           "ttm": sum(v for _, v in complete[-12:]) if len(complete) >= 12 else None,
           "prev_ttm": sum(v for _, v in complete[-24:-12]) if len(complete) >= 24 else None}
    if len(win) < min_months:
        out["label"] = "insufficient"
        return out
    by_month = defaultdict(list)
    for period, v in win:
        y, m = map(int, period.split("-"))
        by_month[m].append((y, v))
    s_total, var_total, slopes = 0, 0.0, []
    for vals in by_month.values():
        vals.sort()
        n = len(vals)
        for i in range(n):
            for j in range(i + 1, n):
                d = vals[j][1] - vals[i][1]
                s_total += (d > 0) - (d < 0)
                slopes.append(d / (vals[j][0] - vals[i][0]))
        ties = Counter(v for _, v in vals)
        var_total += n * (n - 1) * (2 * n + 5) / 18 - sum(t * (t - 1) * (2 * t + 5) / 18 for t in ties.values())
    if var_total == 0 or s_total == 0:
        z = 0.0
    else:
        z = (s_total - 1 if s_total > 0 else s_total + 1) / math.sqrt(var_total)
    out.update(mk_s=s_total, mk_z=z, sens_slope=statistics.median(slopes),
               label="declining" if z <= -zcrit else "rising" if z >= zcrit else "flat")
    return out


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("volume")
    ap.add_argument("trend")
    ap.add_argument("--months", type=int, default=36)
    ap.add_argument("--min-months", type=int, default=24)
    ap.add_argument("--z", type=float, default=1.645)
    a = ap.parse_args()
    series = defaultdict(list)
    with open(a.volume, newline="", encoding="utf-8") as f:
        for r in csv.DictReader(f):
            if r["period_type"] == "month" and r["complete"] == "true":
                series[(r["unit_id"], r["rollup"])].append((r["period"], int(r["petitions"])))
    rows = bad = 0
    with open(a.trend, newline="", encoding="utf-8") as f:
        for r in csv.DictReader(f):
            rows += 1
            want = seasonal_kendall(series[(r["unit_id"], r["rollup"])], a.months, a.min_months, a.z)
            diffs = []
            for col in ("label", "months", "ttm", "prev_ttm", "mk_s", "mk_z", "sens_slope"):
                w, g = want.get(col), r[col]
                if w is None:
                    ok = g == ""
                elif isinstance(w, str):
                    ok = g == w
                else:
                    ok = g != "" and abs(float(g) - w) <= 1e-9 * max(1.0, abs(w))
                if not ok:
                    diffs.append("%s: product %r, spec %r" % (col, g, w))
            if diffs:
                bad += 1
                if bad <= 5:
                    print("trend mismatch", r["unit_id"], r["rollup"], "; ".join(diffs))
    print("trend rows=%d mismatched=%d" % (rows, bad))
    sys.exit(1 if bad or rows == 0 else 0)


if __name__ == "__main__":
    main()
