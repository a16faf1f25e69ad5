#!/usr/bin/env python3
"""Perturb make_messy_b.py's output for the working-day cross-check (day_basis: working):
on deterministic slices of rows, received/accepted dates on holidays, weekends, make-up
working days (调休) and the edge days of the holiday file; closures, acceptances and feedback
exactly on the working-day deadline and one calendar day after; extensions 0/7/30.

usage: make_messy_c.py IN.csv OUT.csv --holidays H.csv --as-of YYYY-MM-DD
"""
import argparse
import csv
import datetime as dt
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import spec_c  # noqa: E402


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("inp")
    ap.add_argument("out")
    ap.add_argument("--holidays", required=True)
    ap.add_argument("--as-of", required=True)
    a = ap.parse_args()
    as_of = dt.date.fromisoformat(a.as_of)
    hol, work = spec_c.load_holidays(a.holidays)
    cal = spec_c.Cal(hol, work)
    # interesting base days: listed days, the weekend days next to them, before as_of - 150 days
    lim = as_of - dt.timedelta(days=150)
    special = sorted(d for d in (hol | work) if d <= lim)
    special += sorted({d + dt.timedelta(days=k) for d in special for k in (-1, 1)
                       if (d + dt.timedelta(days=k)).weekday() >= 5 and d + dt.timedelta(days=k) <= lim})
    with open(a.inp, newline="", encoding="utf-8") as f:
        rd = csv.DictReader(f)
        cols = rd.fieldnames
        rows = list(rd)
    n = 0
    for i, r in enumerate(rows):
        if i % 13 != 5 or not r["petition_id"].strip():
            continue
        j = i // 13
        rec = special[j % len(special)]
        r["received_at"] = rec.isoformat() + " 10:%02d:00" % (j % 60)
        r["due_at"] = ""
        ext = (0, 7, 30)[j % 3]
        r["extension_days"] = str(ext)
        acc = None
        if j % 4 == 1:
            acc = special[(j * 7) % len(special)]
            acc = acc if acc >= rec else rec
        elif j % 4 == 2:  # accepted exactly on the working accept deadline, or the day after
            acc = cal.add(rec, 15) + dt.timedelta(days=(j // 4) % 2)
        r["accepted_at"] = acc.isoformat() if acc else ""
        base = acc if acc and acc <= as_of else rec
        hdl = cal.add(base, 60 + ext)
        off = (j // 3) % 3  # on the deadline, the day after, or (off = 2) still open
        r["closed_at"] = "" if off == 2 else (hdl + dt.timedelta(days=off)).isoformat() + " 23:59:59"
        if j % 2:
            r["source_type"] = ("上级交办", "transferred", "supervised")[j % 3]
            r["feedback_due"] = ""
            fdl = cal.add(rec, 60)
            r["feedback_at"] = (fdl + dt.timedelta(days=(j // 2) % 2)).isoformat()
        n += 1
    with open(a.out, "w", newline="", encoding="utf-8") as f:
        w = csv.DictWriter(f, fieldnames=cols)
        w.writeheader()
        w.writerows(rows)
    print("make_messy_c: %d rows moved onto working-day edges (%d special days)" % (n, len(special)),
          file=sys.stderr)


if __name__ == "__main__":
    main()
