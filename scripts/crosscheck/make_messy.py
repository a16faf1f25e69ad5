#!/usr/bin/env python3
"""Perturb a generated canonical petitions.csv into a messy one (deterministic).

Usage: make_messy.py IN.csv OUT.csv [--as-of 2026-05-20] [--seed 7]

Edge cases added (each a handful to a few hundred rows):
blank petitioner_id / category / closed_at / satisfaction / headcount; unknown unit ids (ZZ9, ZZ8);
ties on received_at with different petition_ids (in other units, same matter); records exactly
365 / 366 days after an earlier record of the same petitioner and matter; returns exactly 0 / 180 /
181 days after a closure; Chinese enum aliases; invalid optional values (headcount 0/abc, unknown
enums); headcount 4/5/6 visits; records received after the as-of date; closures and follow-ups
after the as-of date; follow-ups before the closure; datetimes with a UTC offset; duplicate
petition_ids (later updated_at wins, equal updated_at -> later row); closures before receipt;
rows to reject (blank or
unparseable received_at, blank unit_id).
"""
import csv
import random
import sys
from datetime import datetime, timedelta, date

FMT = "%Y-%m-%d %H:%M:%S"


def main():
    args = sys.argv[1:]
    asof = date(2026, 5, 20)
    seed = 7
    if "--as-of" in args:
        i = args.index("--as-of")
        asof = date.fromisoformat(args[i + 1])
        del args[i:i + 2]
    if "--seed" in args:
        i = args.index("--seed")
        seed = int(args[i + 1])
        del args[i:i + 2]
    src, dst = args
    rng = random.Random(seed)
    with open(src, newline="", encoding="utf-8") as f:
        rd = csv.DictReader(f)
        cols = rd.fieldnames
        rows = list(rd)
    n = len(rows)
    seq = [0]

    def new_id(prefix="XM"):
        seq[0] += 1
        return "%s%07d" % (prefix, seq[0])

    def pick(k):
        return rng.sample(range(n), k)

    # Blanks.
    for c, k in [("petitioner_id", 300), ("category", 300), ("closed_at", 300),
                 ("satisfaction", 300), ("headcount", 300), ("matter_id", 300)]:
        for i in pick(k):
            rows[i][c] = ""
    # Unknown units.
    for i in pick(150):
        rows[i]["unit_id"] = rng.choice(["ZZ9", "ZZ8"])
    # Aliases and invalid values.
    alias = {"satisfaction": {"satisfied": "满意", "basically": "基本满意", "unsatisfied": "不满意",
                              "unrated": "未评价"},
             "channel": {"visit": "来访", "letter": "来信", "online": "网上", "phone": "来电"},
             "justified": {"justified": "合理", "partly": "部分合理", "unjustified": "不合理"}}
    for c, m in alias.items():
        for i in pick(400):
            v = rows[i][c]
            if v in m:
                rows[i][c] = m[v]
    for i in pick(20):
        rows[i]["satisfaction"] = rng.choice(["very", "满意 ", "SATISFIED"])
    for i in pick(20):
        rows[i]["headcount"] = rng.choice(["0", "abc", "-2", "1.5"])
    # Collective-visit thresholds.
    for i in pick(300):
        rows[i]["channel"] = rng.choice(["visit", "来访", "visit", "letter"])
        rows[i]["headcount"] = str(rng.choice([4, 5, 6]))

    extra = []
    closed_idx = [i for i in range(n) if rows[i]["closed_at"] and rows[i]["petitioner_id"]]
    pet_idx = [i for i in range(n) if rows[i]["petitioner_id"]]

    def copy(i, **kw):
        r = dict(rows[i])
        r["petition_id"] = new_id()
        r.update(kw)
        return r

    def shift(ts, days, hh=None):
        d = datetime.strptime(ts, FMT) + timedelta(days=days)
        if hh is not None:
            d = d.replace(hour=hh, minute=rng.randint(0, 59), second=rng.randint(0, 59))
        return d.strftime(FMT)

    # Ties: same received_at, another unit, same matter (some ids sort before, some after).
    for i in rng.sample(pet_idx, 150):
        other = rows[rng.randrange(n)]["unit_id"]
        r = copy(i, unit_id=other)
        if not rows[i]["matter_id"]:
            r["matter_id"] = "TIE" + rows[i]["petition_id"]
            rows[i]["matter_id"] = r["matter_id"]
        r["petition_id"] = rng.choice(["XA", "XZ"]) + rows[i]["petition_id"]
        extra.append(r)
    # 365 / 366 days after an earlier record of the same petitioner and matter.
    for i in rng.sample(pet_idx, 300):
        d = rng.choice([364, 365, 365, 366, 366, 367])
        r = copy(i, received_at=shift(rows[i]["received_at"], d, rng.choice([0, 8, 23])))
        r["closed_at"] = "" if rng.random() < 0.3 else shift(r["received_at"], 20)
        r["followup_at"] = ""
        extra.append(r)
    # Returns 0 / 180 / 181 days after closure (same or another unit when matter_id is set).
    for i in rng.sample(closed_idx, 400):
        d = rng.choice([0, 1, 179, 180, 180, 181, 181])
        cd = rows[i]["closed_at"]
        r = copy(i, received_at=shift(cd, d, rng.choice([0, 9, 23])))
        if rows[i]["matter_id"] and rng.random() < 0.3:
            r["unit_id"] = rows[rng.randrange(n)]["unit_id"]
        r["closed_at"] = "" if rng.random() < 0.4 else shift(r["received_at"], 30)
        extra.append(r)
    # Received after as-of (also as returns, which must not count).
    late = [i for i in closed_idx if rows[i]["closed_at"][:10] >= str(asof - timedelta(days=170))]
    for i in rng.sample(late, min(80, len(late))):
        day = asof + timedelta(days=rng.randint(1, 40))
        r = copy(i, received_at=day.strftime("%Y-%m-%d") + " 10:00:00")
        extra.append(r)
    # Closures / follow-ups after as-of; follow-ups before closure.
    recent = [i for i in range(n) if rows[i]["received_at"][:7] in ("2026-04", "2026-05")]
    for i in rng.sample(recent, min(150, len(recent))):
        rows[i]["closed_at"] = (asof + timedelta(days=rng.randint(1, 20))).strftime("%Y-%m-%d") + " 09:00:00"
    for i in rng.sample(recent, min(100, len(recent))):
        if rows[i]["closed_at"] and rows[i]["closed_at"][:10] <= str(asof):
            rows[i]["followup_at"] = (asof + timedelta(days=rng.randint(1, 9))).strftime("%Y-%m-%d")
    for i in rng.sample(closed_idx, 100):
        c = datetime.strptime(rows[i]["closed_at"], FMT).date()
        rows[i]["followup_at"] = str(c - timedelta(days=rng.choice([0, 1, 3])))
    # Closed exactly on the as-of day and closed on the last/first day of a month at midnight edges.
    for i in rng.sample(recent, 20):
        rows[i]["closed_at"] = str(asof) + " 23:59:59"
    # Closed before received (bad source data, kept as given): a record must not be its own return.
    for i in rng.sample(closed_idx, 30):
        rec = datetime.strptime(rows[i]["received_at"], FMT)
        rows[i]["closed_at"] = (rec - timedelta(days=rng.choice([1, 5, 40]))).strftime(FMT)
    # UTC offsets near local midnight: 2025-03-01 00:30 local = 2025-02-28T16:30:00Z.
    for i in rng.sample(range(n), 40):
        d = datetime.strptime(rows[i]["received_at"], FMT).replace(hour=rng.choice([0, 7, 23]), minute=30)
        rows[i]["received_at"] = (d - timedelta(hours=8)).strftime("%Y-%m-%dT%H:%M:%SZ")
    for i in rng.sample(closed_idx, 40):
        if not rows[i]["closed_at"] or "T" in rows[i]["closed_at"]:
            continue
        d = datetime.strptime(rows[i]["closed_at"], FMT).replace(hour=rng.choice([0, 7]), minute=15)
        rows[i]["closed_at"] = (d - timedelta(hours=8)).strftime("%Y-%m-%dT%H:%M:%S+00:00")
    # Date-only received_at.
    for i in rng.sample(range(n), 40):
        if "T" not in rows[i]["received_at"]:
            rows[i]["received_at"] = rows[i]["received_at"][:10]
    # Duplicate petition ids: later updated_at wins; equal updated_at -> the later row wins.
    for i in rng.sample(range(n), 60):
        r = dict(rows[i])
        kind = rng.choice(["later", "earlier", "equal"])
        u = datetime.strptime(r["updated_at"], FMT)
        if kind == "later":
            r["updated_at"] = (u + timedelta(days=1)).strftime(FMT)
        elif kind == "earlier":
            r["updated_at"] = (u - timedelta(days=1)).strftime(FMT)
        r["unit_id"] = rows[rng.randrange(n)]["unit_id"]
        r["closed_at"] = ""
        r["channel"] = "visit"
        r["headcount"] = "5"
        extra.append(r)
    # Rows to reject.
    for i, (c, v) in enumerate([("received_at", ""), ("received_at", "not a date"), ("unit_id", ""),
                                ("received_at", "2025-13-40 10:00:00")]):
        r = copy(i)
        r["petition_id"] = "XBAD%d" % i
        r[c] = v
        extra.append(r)

    out = rows + extra
    with open(dst, "w", newline="", encoding="utf-8") as f:
        w = csv.DictWriter(f, fieldnames=cols)
        w.writeheader()
        w.writerows(out)
    print("wrote %s: %d rows (%d added)" % (dst, len(out), len(extra)))


if __name__ == "__main__":
    main()
