#!/usr/bin/env python3
"""Perturb a generated canonical petitions.csv into a messy one that probes the
deadline / timeliness / acceptance / feedback / veto / appraisal definitions
(SPEC §3–6). Deterministic: the same input and --seed give the same output.

usage: make_messy_b.py IN.csv OUT.csv --as-of 2026-05-20 [--seed 7]

Edge cases written (each on a deterministic slice of the rows):
  closures exactly on the handling deadline day and on the day after; feedback on the
  feedback deadline and a day late; extension_days 31/45 (capped at 30), -3 and 'abc'
  (stored blank -> 0); due_at given (overrides, no extension); accepted_at blank or after
  the as-of date (then the base is received_date); feedback_due given vs blank; closures
  and feedback after the as-of date; unknown units (ZZ9, ZZ8); handlers moved across
  units including unknown ones; justified/partly closures straddling New Year, some as
  offset datetimes (UTC 'Z') that cross midnight local; Chinese aliases (合理, 部分合理,
  上级交办, 上级督办); records received after the as-of date; duplicate petition_ids with
  a later/earlier updated_at; mass incidents.
"""
import argparse
import csv
import datetime as dt
import random

FMT = "%Y-%m-%d %H:%M:%S"


def d(s):
    return dt.date.fromisoformat(s[:10])


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("inp")
    ap.add_argument("out")
    ap.add_argument("--as-of", required=True)
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--units-in", help="units.csv to extend with units XU1 (unknown parent), XU2 (child of XU1), XU3 (no records)")
    ap.add_argument("--units-out")
    a = ap.parse_args()
    as_of = dt.date.fromisoformat(a.as_of)
    rng = random.Random(a.seed)
    with open(a.inp, newline="", encoding="utf-8") as f:
        rd = csv.DictReader(f)
        cols = rd.fieldnames
        rows = list(rd)

    def tm():
        return "%02d:%02d:%02d" % (rng.randrange(24), rng.randrange(60), rng.randrange(60))

    def deadline(r):
        # the calendar deadline as SPEC §4 computes it from the *current* raw row
        if r["due_at"].strip():
            return d(r["due_at"])
        base = d(r["received_at"])
        try:
            acc = d(r["accepted_at"]) if r["accepted_at"].strip() else None
        except ValueError:
            acc = None
        if acc is not None and acc <= as_of:
            base = acc
        try:
            ext = int(r["extension_days"] or 0)
        except ValueError:
            ext = 0
        ext = min(max(ext, 0), 30) if 0 <= ext else 0
        return base + dt.timedelta(days=60 + ext)

    units = sorted({r["unit_id"] for r in rows})
    handlers = sorted({r["handler_id"] for r in rows if r["handler_id"]})
    out = []
    for i, r in enumerate(rows):
        k = i % 97
        rec = d(r["received_at"])
        # --- inputs to the deadline first ---
        if k == 1:
            r["extension_days"] = "31"
        elif k == 2:
            r["extension_days"] = "45"
        elif k == 3:
            r["extension_days"] = "-3"
        elif k == 4:
            r["extension_days"] = "abc"
        if k in (5, 6, 7):
            r["due_at"] = (rec + dt.timedelta(days=rng.choice([10, 30, 45, 75, 90]))).isoformat()
            r["extension_days"] = "20"  # ignored: due_at overrides
        if k == 8:
            r["accepted_at"] = ""
        if k == 9:
            # acceptance after as-of: not happened, base falls back to received_date
            r["accepted_at"] = (max(rec, as_of) + dt.timedelta(days=rng.randint(1, 9))).isoformat()
        if k == 10:
            r["accepted_at"] = (rec + dt.timedelta(days=15)).isoformat()  # on the accept deadline
        if k == 11:
            r["accepted_at"] = (rec + dt.timedelta(days=16)).isoformat()  # a day late
        if k == 12:
            r["accepted_at"] = "not-a-date"  # invalid -> blank -> not accepted
        # --- closures on / after the deadline ---
        dl = deadline(r)
        if k in (13, 14, 15, 5):
            r["closed_at"] = "%s %s" % (dl.isoformat(), tm())
        elif k in (16, 17, 6):
            r["closed_at"] = "%s %s" % ((dl + dt.timedelta(days=1)).isoformat(), tm())
        elif k == 18:
            r["closed_at"] = dl.isoformat()  # date-only: 00:00 local
        elif k == 19:
            r["closed_at"] = ""
        elif k == 20:
            # last second of the deadline day, local
            r["closed_at"] = "%s 23:59:59" % dl.isoformat()
        elif k == 21:
            # UTC offset: 16:30Z on the deadline day is 00:30 local the day after (late)
            r["closed_at"] = "%sT16:30:00Z" % dl.isoformat()
        elif k == 22:
            # 15:59:59Z on the deadline day is 23:59:59 local the same day (on time)
            r["closed_at"] = "%sT15:59:59Z" % dl.isoformat()
        # --- feedback ---
        if k in (23, 24, 25, 26, 27, 28):
            r["source_type"] = rng.choice(["transferred", "assigned", "supervised", "上级交办", "上级督办", "上级转送"])
            if k in (23, 24):
                r["feedback_due"] = (rec + dt.timedelta(days=rng.choice([7, 15, 30, 90]))).isoformat()
            else:
                r["feedback_due"] = ""
            fd = d(r["feedback_due"]) if r["feedback_due"] else rec + dt.timedelta(days=60)
            if k in (23, 25):
                r["feedback_at"] = fd.isoformat()
            elif k in (24, 26):
                r["feedback_at"] = (fd + dt.timedelta(days=1)).isoformat()
            elif k == 27:
                r["feedback_at"] = ""
            else:
                r["feedback_at"] = (rec + dt.timedelta(days=3)).isoformat()
        if k == 29 and r["source_type"] == "self":
            r["feedback_due"] = (rec + dt.timedelta(days=5)).isoformat()  # self: never counts
            r["feedback_at"] = ""
        # --- units / handlers ---
        if k in (30, 31):
            r["unit_id"] = "ZZ9" if k == 30 else "ZZ8"
        if k == 32 and handlers:
            r["handler_id"] = rng.choice(handlers)  # a handler of some other unit
        if k in (30, 33):
            r["handler_id"] = "HX%02d" % rng.randrange(6)  # handlers seen on unknown and known units
        if k == 34:
            r["handler_id"] = ""
        # --- Chinese aliases ---
        if k == 35 and r["justified"] == "justified":
            r["justified"] = "合理"
        if k == 36:
            r["justified"] = "部分合理"
        if k == 37:
            r["justified"] = "合理"
        if k == 38 and r["source_type"] == "assigned":
            r["source_type"] = "上级交办"
        # --- justified closures straddling New Year ---
        if k in (39, 40, 41) and rec.month == 12:
            y = rec.year
            r["justified"] = ["合理", "部分合理", "justified"][k - 39]
            if k == 39:
                r["closed_at"] = "%d-12-31 23:59:59" % y
            elif k == 40:
                r["closed_at"] = "%d-01-01 00:00:01" % (y + 1)
            else:
                r["closed_at"] = "%d-12-31T16:30:00Z" % y  # local 1 Jan 00:30
        if k == 42:
            r["mass_incident"] = "true"
        # --- events after as-of ---
        if k == 43 and rec >= as_of - dt.timedelta(days=120):
            r["closed_at"] = "%s 10:00:00" % (as_of + dt.timedelta(days=2)).isoformat()
        if k == 44 and rec >= as_of - dt.timedelta(days=120) and r["source_type"] != "self":
            r["feedback_at"] = (as_of + dt.timedelta(days=1)).isoformat()
        # --- date-typed fields given as datetimes (offsets convert to the local date) ---
        if k == 45:
            r["due_at"] = "%sT20:00:00Z" % (rec + dt.timedelta(days=40)).isoformat()  # local: +41 days
        if k == 46 and r["source_type"] != "self":
            r["feedback_due"] = "%s 23:30:00" % (rec + dt.timedelta(days=20)).isoformat()
            r["feedback_at"] = "%sT17:00:00Z" % (rec + dt.timedelta(days=20)).isoformat()  # local next day: late
        if k == 47:
            r["accepted_at"] = "%sT16:00:00Z" % (rec + dt.timedelta(days=14)).isoformat()  # local +15 00:00: on time
        if k == 48:
            r["closed_at"] = "%s 09:00:00" % (rec - dt.timedelta(days=2)).isoformat()  # closed before received
        if k == 49:
            r["unit_id"] = "XU2"  # a unit whose parent's parent is unknown
        if k == 50 and rec >= as_of - dt.timedelta(days=70):
            # open records with the deadline exactly on as-of, and one closed on as-of
            r["due_at"] = as_of.isoformat()
            r["closed_at"] = "" if i % 2 else "%s 18:00:00" % as_of.isoformat()
        out.append(r)

    # a cluster of justified closures for a few units and handlers around the veto threshold
    for j, u in enumerate(units[:6]):
        n = 2 + (j % 3)  # 2, 3, 4 (threshold 3)
        for m in range(n):
            out.append(extra(cols, "XB%02d%02d" % (j, m), u, "2025-%02d-10 09:00:00" % (3 + m),
                             closed="2025-%02d-20 09:00:00" % (4 + m), justified=["合理", "部分合理"][m % 2],
                             handler="HV%02d" % j))
    # deadlines (due_at, feedback_due) before the first month of the data but inside its
    # first quarter / year
    first = min(d(r["received_at"]) for r in rows)
    fq = dt.date(first.year, (first.month - 1) // 3 * 3 + 1, 1)
    for m in range(6):
        x = extra(cols, "XE%02d" % m, units[10 + m], "%s 09:00:00" % first.isoformat(), closed="",
                  justified="", handler="")
        x["due_at"] = (fq + dt.timedelta(days=m)).isoformat()
        x["closed_at"] = "" if m % 2 else "%s 10:00:00" % (first + dt.timedelta(days=1)).isoformat()
        x["source_type"] = "assigned"
        x["feedback_due"] = (fq + dt.timedelta(days=m)).isoformat()
        x["feedback_at"] = "" if m % 2 else first.isoformat()
        out.append(x)
    # a handler whose only record arrives after as-of: no veto rows
    out.append(extra(cols, "XA50", units[3], "%s 08:00:00" % (as_of + dt.timedelta(days=3)).isoformat(),
                     closed="", justified="合理", handler="HLATE"))
    # records received after as-of (ignored entirely)
    for m in range(5):
        out.append(extra(cols, "XA%02d" % m, units[m], "%s 08:00:00" % (as_of + dt.timedelta(days=1 + m)).isoformat(),
                         closed="", justified="合理", handler="HV00", mass="true"))
    # a record received late on the as-of day in UTC (local the day after): ignored
    out.append(extra(cols, "XA99", units[0], "%sT17:00:00Z" % as_of.isoformat(), closed="", justified="", handler=""))
    # duplicates: the later updated_at wins, regardless of the row order
    src = [r for r in out if r["closed_at"] and r["justified"] in ("unjustified",)][:20]
    for j, r in enumerate(src):
        r2 = dict(r)
        if j % 2 == 0:
            r2["updated_at"] = "2026-05-19 12:00:00"
            r2["justified"] = "合理"
            r2["closed_at"] = ""
        else:
            r2["updated_at"] = "2020-01-01 00:00:00"  # earlier: loses
            r2["justified"] = "合理"
            r2["closed_at"] = ""
        out.append(r2)
    # required field missing -> rejected
    out.append(extra(cols, "XR01", "", "2025-01-01 00:00:00", closed="", justified="", handler=""))
    bad = extra(cols, "XR02", units[0], "", closed="", justified="", handler="")
    out.append(bad)

    if a.units_in:
        with open(a.units_in, newline="", encoding="utf-8") as f:
            urd = csv.DictReader(f)
            ucols = urd.fieldnames
            urows = list(urd)
        add = [dict(unit_id="XU1", name="孤立县司法局", parent_id="NOPE", level="county", sector="bureau", staff="12"),
               dict(unit_id="XU2", name="孤立县监狱", parent_id="XU1", level="facility", sector="prison", staff="30"),
               dict(unit_id="XU3", name="无记录单位", parent_id=urows[0]["unit_id"], level="county",
                    sector="bureau", staff="5")]
        with open(a.units_out, "w", newline="", encoding="utf-8") as f:
            w = csv.DictWriter(f, fieldnames=ucols)
            w.writeheader()
            w.writerows(urows + [{c: u.get(c, "") for c in ucols} for u in add])
    with open(a.out, "w", newline="", encoding="utf-8") as f:
        w = csv.DictWriter(f, fieldnames=cols)
        w.writeheader()
        w.writerows(out)


def extra(cols, pid, unit, received, closed, justified, handler, mass="false"):
    r = {c: "" for c in cols}
    r.update(petition_id=pid, received_at=received, unit_id=unit, channel="letter", category="公证",
             headcount="1", source_type="self", closed_at=closed, justified=justified, handler_id=handler,
             mass_incident=mass, traced_fault="false", listed_supervision="false",
             accepted_at=received[:10], updated_at="2026-01-01 00:00:00")
    return r


if __name__ == "__main__":
    main()
