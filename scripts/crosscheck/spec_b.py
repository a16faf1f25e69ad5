#!/usr/bin/env python3
"""Independent implementation of SPEC §3–6 (deadlines, timeliness, acceptance, feedback,
veto, appraisal) in plain Python, written from SPEC's text (not from queries/sql).

usage: spec_b.py --petitions P.csv --units U.csv --as-of YYYY-MM-DD --out DIR

Assumes one CSV source with the canonical column names (every field mapped, so every
metric is tracked) and the default config (calendar days, accept 15, handle 60,
feedback 60, extension cap 30, basis 'due', default veto rules and appraisal table).
Writes timeliness.csv, acceptance.csv, feedback.csv, veto.csv, appraisal.csv,
appraisal_indicators.csv, appraisal_peer_median.csv, commendation_candidates.csv,
peer_quantiles.csv, inspection_priority.csv, veto_handler_units.csv and unknown_units.csv
to --out. Everything is computed from
the raw petitions and units CSVs: the appraisal's repeat, first-contact, follow-up,
satisfaction and year-on-year indicators come from spec_a.compute() on the same input, in
process; no product output (and no file written by another script) is read.
"""
import argparse
import csv
import datetime as dt
import os
import re
import sys
from collections import defaultdict
from zoneinfo import ZoneInfo

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import spec_a as A  # noqa: E402

TZ = ZoneInfo("Asia/Shanghai")
ACCEPT_DAYS, HANDLE_DAYS, FEEDBACK_DAYS, MAX_EXT = 15, 60, 60, 30
FORWARDED = {"transferred", "assigned", "supervised"}
ALIASES = {
    "source_type": {"self": "self", "transferred": "transferred", "assigned": "assigned",
                    "supervised": "supervised", "本级受理": "self", "上级转送": "transferred",
                    "上级交办": "assigned", "上级督办": "supervised"},
    "justified": {"justified": "justified", "partly": "partly", "unjustified": "unjustified",
                  "undetermined": "undetermined", "合理": "justified", "部分合理": "partly",
                  "不合理": "unjustified", "未认定": "undetermined"},
}
VETO_RULES = [  # id, metric, op, threshold, scope
    ("justified_complaints_unit", "justified_complaints", ">=", 3, "unit"),
    ("justified_complaints_handler", "justified_complaints", ">=", 3, "handler"),
    ("mass_incident_unit", "mass_incident", ">=", 1, "unit"),
]
INDICATORS = [  # id, weight, target, direction, k
    ("on_time_rate", 25, 100, "higher", 0.5),
    ("acceptance_rate", 10, 100, "higher", 0.5),
    ("repeat_rate", 20, 10, "lower", 1),
    ("first_contact_rate", 15, 90, "higher", 0.5),
    ("feedback_rate", 10, 100, "higher", 0.5),
    ("followup_rate", 5, 100, "higher", 0.25),
    ("satisfaction_rate", 10, 90, "higher", 0.5),
    ("yoy_pct", 5, 0, "lower", 0.25),
]
GRADES = [("优秀", 90), ("良好", 80), ("合格", 60), ("不合格", float("-inf"))]
GRADE_CAP = "合格"
COMMEND_MIN_GRADE = "良好"  # appraisal.commend_min_grade's default
MIN_N = 5

DT_RE = re.compile(r"^(\d{4})-(\d{2})-(\d{2})(?:[ T](\d{2}):(\d{2})(?::(\d{2}))?)?\s*(Z|[+-]\d{2}:?\d{2})?$")


def parse_dt(s):
    """A local datetime (Asia/Shanghai) or None. Naive = local; offset converted."""
    s = (s or "").strip()
    if not s:
        return None
    m = DT_RE.match(s)
    if not m:
        return None
    y, mo, d, hh, mi, ss, off = m.groups()
    try:
        t = dt.datetime(int(y), int(mo), int(d), int(hh or 0), int(mi or 0), int(ss or 0))
    except ValueError:
        return None
    if off:
        if off == "Z":
            tz = dt.timezone.utc
        else:
            sign = 1 if off[0] == "+" else -1
            o = off[1:].replace(":", "")
            tz = dt.timezone(sign * dt.timedelta(hours=int(o[:2]), minutes=int(o[2:])))
        return t.replace(tzinfo=tz).astimezone(TZ).replace(tzinfo=None)
    return t


def pdate(s):
    t = parse_dt(s)
    return t.date() if t else None


def month_start(d):
    return dt.date(d.year, d.month, 1)


def add_months(d, n):
    m = d.month - 1 + n
    return dt.date(d.year + m // 12, m % 12 + 1, 1)


def period_keys(d):
    return [("month", "%04d-%02d" % (d.year, d.month)),
            ("quarter", "%04d-Q%d" % (d.year, (d.month - 1) // 3 + 1)),
            ("year", "%04d" % d.year)]


def load_records(path, as_of):
    raw = {}
    order = 0
    with open(path, newline="", encoding="utf-8-sig") as f:
        for r in csv.DictReader(f):
            order += 1
            pid = (r.get("petition_id") or "").strip()
            rec_at = parse_dt(r.get("received_at"))
            unit = (r.get("unit_id") or "").strip()
            if not pid or rec_at is None or not unit:
                continue  # rejected
            upd = parse_dt(r.get("updated_at"))
            prev = raw.get(pid)
            if prev is not None:
                pu = prev[0]
                # later updated_at wins, else the later row
                if pu is not None and upd is not None and upd < pu:
                    continue
            raw[pid] = (upd, order, r, rec_at, unit)
    recs = []
    for pid, (upd, _, r, rec_at, unit) in raw.items():
        rd = rec_at.date()
        if rd > as_of:
            continue

        def ev(name):
            x = pdate(r.get(name))
            return x if x is not None and x <= as_of else None

        ext_s = (r.get("extension_days") or "").strip()
        try:
            ext = int(ext_s)
            if ext < 0:
                ext = 0
            ext = min(ext, MAX_EXT)
        except ValueError:
            ext = 0
        recs.append(dict(
            pid=pid, unit=unit, received=rd,
            accepted=ev("accepted_at"), closed=ev("closed_at"), feedback=ev("feedback_at"),
            due_at=pdate(r.get("due_at")), feedback_due=pdate(r.get("feedback_due")), ext=ext,
            source_type=ALIASES["source_type"].get((r.get("source_type") or "").strip()),
            justified=ALIASES["justified"].get((r.get("justified") or "").strip()),
            handler=(r.get("handler_id") or "").strip(),
            mass=(r.get("mass_incident") or "").strip().lower() in ("true", "1", "yes", "是"),
        ))
    for x in recs:
        x["accept_dl"] = x["received"] + dt.timedelta(days=ACCEPT_DAYS)
        if x["due_at"] is not None:
            x["handle_dl"] = x["due_at"]
        else:
            base = x["accepted"] if x["accepted"] is not None else x["received"]
            x["handle_dl"] = base + dt.timedelta(days=HANDLE_DAYS + min(x["ext"], MAX_EXT))
        x["feedback_dl"] = x["feedback_due"] if x["feedback_due"] is not None else x["received"] + dt.timedelta(days=FEEDBACK_DAYS)
    return recs


def load_units(path):
    units = {}
    with open(path, newline="", encoding="utf-8-sig") as f:
        for r in csv.DictReader(f):
            units[r["unit_id"].strip()] = dict(parent=(r.get("parent_id") or "").strip(),
                                               level=r["level"].strip(), sector=r["sector"].strip())
    return units


def scopes_of(unit, units):
    """Output keys (unit_id, rollup) a record of `unit` counts under."""
    out = [("ALL", True)]
    if unit not in units:
        return out
    out.append((unit, False))
    seen = set()
    u = unit
    while u in units and u not in seen:
        seen.add(u)
        out.append((u, True))
        u = units[u]["parent"]
    return out


def build_periods(recs, as_of):
    first = month_start(min(x["received"] for x in recs)) if recs else month_start(as_of)
    ps = []
    m = first
    while m <= as_of:
        end = add_months(m, 1) - dt.timedelta(days=1)
        ps.append(("month", "%04d-%02d" % (m.year, m.month), m, end))
        m = add_months(m, 1)
    q = dt.date(first.year, (first.month - 1) // 3 * 3 + 1, 1)
    while q <= as_of:
        end = add_months(q, 3) - dt.timedelta(days=1)
        ps.append(("quarter", "%04d-Q%d" % (q.year, (q.month - 1) // 3 + 1), q, end))
        q = add_months(q, 3)
    for y in range(first.year, as_of.year + 1):
        ps.append(("year", "%04d" % y, dt.date(y, 1, 1), dt.date(y, 12, 31)))
    return ps


def fmt(v):
    if v is None:
        return ""
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, float):
        return repr(v)
    return str(v)


def rate(n, d):
    return n / d if d else None


def median(xs):
    if not xs:
        return None
    xs = sorted(xs)
    n = len(xs)
    if n % 2:
        return float(xs[n // 2])
    return (xs[n // 2 - 1] + xs[n // 2]) / 2


# The three deadline tables, shared with spec_c.py (which changes only how deadlines
# are computed).
DEADLINE_TABLES = {
    "timeliness": ["due", "on_time", "late_closed", "overdue_open", "on_time_rate", "closed", "median_handling_days"],
    "acceptance": ["accept_due", "accepted_on_time", "acceptance_rate"],
    "feedback": ["feedback_due", "feedback_on_time", "feedback_rate"],
}


def make_counter(units, pset):
    """Counters per (unit, rollup, period_type, period); add(x, date, name) counts record x
    in every scope of its unit and every period containing date."""
    agg = defaultdict(lambda: defaultdict(int))
    hd = defaultdict(list)

    def add(x, d, name, inc=1):
        for sk in scopes_of(x["unit"], units):
            for pt, p in period_keys(d):
                if (pt, p) in pset:
                    agg[sk + (pt, p)][name] += inc
    return agg, hd, add


def count_deadline_events(x, as_of, add, hd, units, pset):
    """Timeliness, acceptance and feedback counts of one record (SPEC §4)."""
    dl = x["handle_dl"]
    if dl <= as_of:
        add(x, dl, "due")
        if x["closed"] is None:
            add(x, dl, "overdue_open")
        elif x["closed"] <= dl:
            add(x, dl, "on_time")
        else:
            add(x, dl, "late_closed")
    if x["closed"] is not None:
        add(x, x["closed"], "closed")
        for sk in scopes_of(x["unit"], units):
            for pt, p in period_keys(x["closed"]):
                if (pt, p) in pset:
                    hd[sk + (pt, p)].append((x["closed"] - x["received"]).days)
    adl = x["accept_dl"]
    if adl <= as_of:
        add(x, adl, "accept_due")
        if x["accepted"] is not None and x["accepted"] <= adl:
            add(x, adl, "accepted_on_time")
    if x["source_type"] in FORWARDED:
        fdl = x["feedback_dl"]
        if fdl <= as_of:
            add(x, fdl, "feedback_due")
            if x["feedback"] is not None and x["feedback"] <= fdl:
                add(x, fdl, "feedback_on_time")


def deadline_values(table, c, handling_days):
    """One row's values of a DEADLINE_TABLES table from its counters."""
    if table == "timeliness":
        return dict(due=c["due"], on_time=c["on_time"], late_closed=c["late_closed"],
                    overdue_open=c["overdue_open"], on_time_rate=rate(c["on_time"], c["due"]),
                    closed=c["closed"], median_handling_days=median(handling_days))
    if table == "acceptance":
        return dict(accept_due=c["accept_due"], accepted_on_time=c["accepted_on_time"],
                    acceptance_rate=rate(c["accepted_on_time"], c["accept_due"]))
    return dict(feedback_due=c["feedback_due"], feedback_on_time=c["feedback_on_time"],
                feedback_rate=rate(c["feedback_on_time"], c["feedback_due"]))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--petitions", required=True)
    ap.add_argument("--units", required=True)
    ap.add_argument("--as-of", required=True)
    ap.add_argument("--out", required=True)
    a = ap.parse_args()
    as_of = dt.date.fromisoformat(a.as_of)
    units = load_units(a.units)
    recs = load_records(a.petitions, as_of)
    periods = build_periods(recs, as_of)
    pset = {(pt, p) for pt, p, _, _ in periods}
    keys = [("ALL", True)] + [(u, r) for u in sorted(units) for r in (False, True)]
    os.makedirs(a.out, exist_ok=True)

    agg, hd, add = make_counter(units, pset)
    for x in recs:
        count_deadline_events(x, as_of, add, hd, units, pset)

    head = ["unit_id", "rollup", "period_type", "period", "period_start", "period_end", "complete"]
    tables = DEADLINE_TABLES
    mine = {}  # (table, unit, rollup, pt, p) -> dict
    for t, cols in tables.items():
        with open(os.path.join(a.out, t + ".csv"), "w", newline="", encoding="utf-8") as f:
            w = csv.writer(f)
            w.writerow(head + cols)
            for u, ru in keys:
                for pt, p, ps, pe in periods:
                    v = deadline_values(t, agg[(u, ru, pt, p)], hd.get((u, ru, pt, p)))
                    mine[(t, u, ru, pt, p)] = v
                    w.writerow([fmt(x) for x in [u, ru, pt, p, ps.isoformat(), pe.isoformat(), pe <= as_of]]
                               + [fmt(v[k]) for k in cols])

    # ---- veto (§5) ----
    years = [int(p) for pt, p, _, _ in periods if pt == "year"]
    vu = defaultdict(int)  # (scope, subject, year, metric) -> value
    handlers = set()
    for x in recs:
        if x["handler"]:
            handlers.add(x["handler"])
        if x["justified"] in ("justified", "partly") and x["closed"] is not None:
            if x["unit"] in units:
                vu[("unit", x["unit"], x["closed"].year, "justified_complaints")] += 1
            if x["handler"]:
                vu[("handler", x["handler"], x["closed"].year, "justified_complaints")] += 1
        if x["mass"]:
            if x["unit"] in units:
                vu[("unit", x["unit"], x["received"].year, "mass_incident")] += 1
            if x["handler"]:
                vu[("handler", x["handler"], x["received"].year, "mass_incident")] += 1
    vetoed = set()  # (unit, year)
    with open(os.path.join(a.out, "veto.csv"), "w", newline="", encoding="utf-8") as f:
        w = csv.writer(f)
        w.writerow(["scope", "subject_id", "year", "rule_id", "metric", "op", "value", "threshold", "triggered"])
        for rid, metric, op, th, scope in VETO_RULES:
            subjects = sorted(units) if scope == "unit" else sorted(handlers)
            for s in subjects:
                for y in years:
                    v = vu[(scope, s, y, metric)]
                    trig = v >= th
                    if trig and scope == "unit":
                        vetoed.add((s, y))
                    w.writerow([scope, s, y, rid, metric, op, v, fmt(float(th)), fmt(trig)])

    # The units of each handler (the veto page) and the unknown units (data quality), from
    # the records up to as_of.
    hu = defaultdict(list)
    uu = defaultdict(list)
    for x in recs:
        if x["handler"]:
            hu[(x["handler"], x["unit"])].append(x["received"])
        if x["unit"] not in units:
            uu[x["unit"]].append(x["received"])
    with open(os.path.join(a.out, "veto_handler_units.csv"), "w", newline="", encoding="utf-8") as f:
        w = csv.writer(f)
        w.writerow(["handler_id", "unit_id", "known_unit", "records", "last_received"])
        for (h, u), ds in sorted(hu.items()):
            w.writerow([h, u, fmt(u in units), len(ds), max(ds).isoformat()])
    with open(os.path.join(a.out, "unknown_units.csv"), "w", newline="", encoding="utf-8") as f:
        w = csv.writer(f)
        w.writerow(["unit_id", "petitions", "first_received", "last_received"])
        for u, ds in sorted(uu.items()):
            w.writerow([u, len(ds), min(ds).isoformat(), max(ds).isoformat()])

    # ---- appraisal (§6) ----
    # Every indicator from the raw input: on_time/acceptance/feedback from the tables above,
    # repeat/closure/volume from spec_a.compute on the same petitions and units (in process).
    sa = A.compute(a.petitions, a.units, as_of)
    ext = {t: A.indexed(sa, t) for t in ("repeat", "closure", "volume")}
    appraisal(a, as_of, units, periods, mine, ext, vetoed)
    tr = {(r[0], r[1]): dict(zip(sa["trend"][0], r)) for r in sa["trend"][1]}
    inspection_priority(a, units, periods, mine, ext, tr)


def inspection_priority(a, units, periods, mine, ext, tr):
    """The quarterly review's inspection priorities (docs/METRICS.md's reading): per quarter
    and known unit, listed when its own volume rises (trend 'rising', or a positive
    ttm_change_pct) while its on-time rate is at or below the quarter's 25th percentile of
    unit rates or its repeat rate at or above the 75th; a rate counts (for the unit and the
    percentile) only when its base reaches MIN_N."""
    cols = ["unit_id", "period_type", "period", "on_time_rate", "repeat_rate", "on_time_cut", "repeat_cut",
            "label", "mk_z", "ttm", "ttm_change_pct", "rising", "low_on_time", "high_repeat", "priority"]
    with open(os.path.join(a.out, "inspection_priority.csv"), "w", newline="", encoding="utf-8") as f:
        w = csv.writer(f)
        w.writerow(cols)
        for pt, p, _, _ in periods:
            if pt != "quarter":
                continue
            ot, rr = {}, {}
            for u in units:
                t = mine[("timeliness", u, False, pt, p)]
                if t["due"] >= MIN_N and t["on_time_rate"] is not None:
                    ot[u] = t["on_time_rate"]
                r = ext["repeat"][(u, False, pt, p)]
                if r["petitions"] >= MIN_N and r["repeat_rate"] is not None:
                    rr[u] = r["repeat_rate"]
            oc = quantile(list(ot.values()), 0.25) if ot else None
            rc = quantile(list(rr.values()), 0.75) if rr else None
            for u in sorted(units):
                t = tr[(u, False)]
                ch = t["ttm_change_pct"]
                rising = t["label"] == "rising" or (ch is not None and ch > 0)
                low = u in ot and oc is not None and ot[u] <= oc
                high = u in rr and rc is not None and rr[u] >= rc
                w.writerow([fmt(x) for x in [u, pt, p, ot.get(u), rr.get(u), oc, rc, t["label"], t["mk_z"], t["ttm"],
                                              ch, rising, low, high, rising and (low or high)]])


def appraisal(a, as_of, units, periods, mine, ext, vetoed):
    """SPEC §6: mart.appraisal_indicators, mart.appraisal and the peer medians."""
    def pct(r):
        return None if r is None else r * 100

    ind_rows, peer = [], defaultdict(list)
    rows = []
    for u in sorted(units):
        for pt, p, ps, pe in periods:
            if pt == "month":
                continue
            tl = mine[("timeliness", u, False, pt, p)]
            ac = mine[("acceptance", u, False, pt, p)]
            fb = mine[("feedback", u, False, pt, p)]
            rp = ext["repeat"][(u, False, pt, p)]
            cl = ext["closure"][(u, False, pt, p)]
            vo = ext["volume"][(u, False, pt, p)]
            vals = {  # indicator -> (value in percent, its denominator)
                "on_time_rate": (pct(tl["on_time_rate"]), tl["due"]),
                "acceptance_rate": (pct(ac["acceptance_rate"]), ac["accept_due"]),
                "repeat_rate": (pct(rp["repeat_rate"]), rp["petitions"]),
                "first_contact_rate": (pct(cl["first_contact_rate"]), cl["first_contact_closed"]),
                "feedback_rate": (pct(fb["feedback_rate"]), fb["feedback_due"]),
                "followup_rate": (pct(cl["followup_rate"]), cl["closed"]),
                "satisfaction_rate": (pct(cl["satisfaction_rate"]), cl["rated"]),
                "yoy_pct": (vo["yoy_pct"], vo["yoy_base"]),  # the base period's petitions
            }
            sp = sw = 0.0
            navail = 0
            for ordn, (iid, wgt, tgt, direction, k) in enumerate(INDICATORS):
                v, den = vals[iid]
                avail = v is not None and den is not None and den >= MIN_N
                pts = None
                if avail:
                    navail += 1
                    if direction == "higher":
                        pts = max(0.0, wgt - k * max(0.0, tgt - v))
                    else:
                        pts = max(0.0, wgt - k * max(0.0, v - tgt))
                    sp += pts
                    sw += wgt
                    if wgt > 0:
                        peer[(units[u]["sector"] + "/" + units[u]["level"], pt, p, iid)].append(v)
                ind_rows.append([u, False, pt, p, ps.isoformat(), pe.isoformat(), pe <= as_of, iid, ordn,
                                 None if v is None else float(v), den, avail, float(wgt), float(tgt),
                                 direction, float(k), pts])
            score = round(100 * sp / sw, 9) if sw > 0 else None
            grade = None
            if score is not None:
                for g, mn in GRADES:
                    if score >= mn:
                        grade = g
                        break
            veto = (u, ps.year) in vetoed
            final = grade
            names = [g for g, _ in GRADES]
            if veto and grade is not None and names.index(grade) < names.index(GRADE_CAP):
                final = GRADE_CAP
            rows.append(dict(unit_id=u, rollup=False, period_type=pt, period=p, period_start=ps.isoformat(),
                             period_end=pe.isoformat(), complete=pe <= as_of, sector=units[u]["sector"],
                             level=units[u]["level"], peer_group=units[u]["sector"] + "/" + units[u]["level"],
                             score=score, grade=grade, veto=veto, final_grade=final, eligible_for_awards=not veto,
                             rank=None, peer_size=None, indicators_available=navail))
    groups = defaultdict(list)
    for r in rows:
        groups[(r["period_type"], r["period"], r["peer_group"])].append(r)
    for g in groups.values():
        scored = [r for r in g if r["score"] is not None]
        for r in g:
            r["peer_size"] = len(scored)
        for r in scored:
            r["rank"] = 1 + sum(1 for o in scored if o["score"] > r["score"])
    cols = ["unit_id", "rollup", "period_type", "period", "period_start", "period_end", "complete", "sector",
            "level", "peer_group", "score", "grade", "veto", "final_grade", "eligible_for_awards", "rank",
            "peer_size", "indicators_available"]
    with open(os.path.join(a.out, "appraisal.csv"), "w", newline="", encoding="utf-8") as f:
        w = csv.writer(f)
        w.writerow(cols)
        for r in rows:
            w.writerow([fmt(r[c]) for c in cols])
    icols = ["unit_id", "rollup", "period_type", "period", "period_start", "period_end", "complete",
             "indicator", "ord", "value", "denominator", "available", "weight", "target", "direction", "k",
             "points"]
    with open(os.path.join(a.out, "appraisal_indicators.csv"), "w", newline="", encoding="utf-8") as f:
        w = csv.writer(f)
        w.writerow(icols)
        for r in ind_rows:
            w.writerow([fmt(x) for x in r])
    # Peer medians: per peer group, period and indicator, the median (the mean of the two
    # middle values for an even count) of the available values of the group's units.
    with open(os.path.join(a.out, "appraisal_peer_median.csv"), "w", newline="", encoding="utf-8") as f:
        w = csv.writer(f)
        w.writerow(["peer_group", "period_type", "period", "indicator", "n", "p50"])
        for (g, pt, p, iid), vs in sorted(peer.items()):
            w.writerow([g, pt, p, iid, len(vs), fmt(median(vs))])

    # Commendation candidates (the quarterly review's reading, docs/METRICS.md): per period and
    # peer group, the highest-scored units among those eligible for awards, with a final grade
    # at least COMMEND_MIN_GRADE, in a group of at least 2 scored units; ties all candidates.
    names = [g for g, _ in GRADES]
    best = defaultdict(list)
    for r in rows:
        if (r["eligible_for_awards"] and not r["veto"] and r["score"] is not None and r["peer_size"] >= 2
                and names.index(r["final_grade"]) <= names.index(COMMEND_MIN_GRADE)):
            best[(r["period_type"], r["period"], r["peer_group"])].append(r)
    with open(os.path.join(a.out, "commendation_candidates.csv"), "w", newline="", encoding="utf-8") as f:
        w = csv.writer(f)
        w.writerow(cols)
        for g in best.values():
            top = max(r["score"] for r in g)
            for r in g:
                if r["score"] == top:
                    w.writerow([fmt(r[c]) for c in cols])

    # Peer quantiles (planners): per peer group and year, the 25th/50th/75th percentiles
    # (linear interpolation between the two nearest values) of the known units' own yearly
    # yoy_pct, on_time_rate and repeat_rate in percent, leaving out NULLs (no min_n here).
    pq = defaultdict(list)
    for u in sorted(units):
        for pt, p, _, _ in periods:
            if pt != "year":
                continue
            for metric, v in (("yoy_pct", ext["volume"][(u, False, pt, p)]["yoy_pct"]),
                              ("on_time_rate", pct(mine[("timeliness", u, False, pt, p)]["on_time_rate"])),
                              ("repeat_rate", pct(ext["repeat"][(u, False, pt, p)]["repeat_rate"]))):
                if v is not None:
                    pq[(units[u]["sector"], units[u]["level"], p, metric)].append(float(v))
    with open(os.path.join(a.out, "peer_quantiles.csv"), "w", newline="", encoding="utf-8") as f:
        w = csv.writer(f)
        w.writerow(["sector", "level", "peer_group", "period_type", "period", "metric", "n", "p25", "p50", "p75"])
        for (sec, lev, p, metric), vs in sorted(pq.items()):
            w.writerow([sec, lev, sec + "/" + lev, "year", p, metric, len(vs)]
                       + [fmt(quantile(vs, q)) for q in (0.25, 0.5, 0.75)])


def quantile(xs, q):
    """Linear interpolation between the closest ranks: position q·(n−1) in the sorted values."""
    xs = sorted(xs)
    h = q * (len(xs) - 1)
    lo = int(h)
    hi = min(lo + 1, len(xs) - 1)
    return xs[lo] + (h - lo) * (xs[hi] - xs[lo])


if __name__ == "__main__":
    main()
