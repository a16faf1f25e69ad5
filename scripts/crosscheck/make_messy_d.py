#!/usr/bin/env python3
"""Append the edge rows of cross-check D to a (messy) canonical petitions CSV.

usage: make_messy_d.py IN.csv OUT.csv --as-of A [--as-of B ...]

For each as-of date: in its alert week (the last ISO week ending on or before it) unit
P01C01K01 gets 9 petitions after exactly 2 in each of the 8 weeks before (a zero-variance
baseline: m 2, s 0, σ √2 → amber), and P01C01K02 two 来访 (visit) of headcount 6 (the collective
rule). For the 29 February campaign: P03F01 petitions received on 2023-02-28 (the base's first
day), 2024-02-28 (the day before start) and 2024-02-29 (the start).
"""
import argparse
import csv
import datetime as dt


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("inp")
    ap.add_argument("out")
    ap.add_argument("--as-of", action="append", required=True)
    a = ap.parse_args()
    with open(a.inp, newline="", encoding="utf-8") as f:
        rd = csv.DictReader(f)
        cols = rd.fieldnames
        rows = list(rd)
    n = 0

    def add(unit, day, **kw):
        nonlocal n
        n += 1
        r = {c: "" for c in cols}
        r.update(petition_id="D%05d" % n, unit_id=unit, received_at=day.isoformat() + " 10:00:00", **kw)
        rows.append(r)

    for s in a.as_of:
        as_of = dt.date.fromisoformat(s)
        sunday = as_of - dt.timedelta(days=(as_of.weekday() + 1) % 7)
        monday = sunday - dt.timedelta(days=6)
        for k in range(1, 9):
            for _ in range(2):
                add("P01C01K01", monday - dt.timedelta(days=7 * k - 2), category="公证")
        for _ in range(9):
            add("P01C01K01", monday + dt.timedelta(days=1), category="公证")
        for _ in range(2):
            add("P01C01K02", monday + dt.timedelta(days=4), channel="来访", headcount="6")
    for d in ("2023-02-28", "2024-02-28", "2024-02-29"):
        add("P03F01", dt.date.fromisoformat(d), category="监狱管理", closed_at="2024-03-05")
    with open(a.out, "w", newline="", encoding="utf-8") as f:
        w = csv.DictWriter(f, fieldnames=cols)
        w.writeheader()
        w.writerows(rows)


if __name__ == "__main__":
    main()
