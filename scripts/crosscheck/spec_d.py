#!/usr/bin/env python3
"""Cross-check D: an independent plain-Python (stdlib only) implementation of SPEC §9
(mart.campaign, mart.campaign_groups), §10 (mart.alerts) and §11 (mart.cohort), written from
SPEC's text and the readings in docs/METRICS.md, not from queries/sql.

usage: spec_d.py --petitions P.csv --units U.csv --as-of YYYY-MM-DD --out DIR
                 [--campaigns C.json]   # [{"id", "name", "start", "end", "units": [...] | "*"}]

Assumes one CSV source with the canonical column names (every optional field mapped) and the
default config otherwise (calendar days, accept 15, handle 60, extension cap 30, repeat window
365, collective visit = channel visit and headcount >= 5; alerts baseline_weeks 8, min_count 5,
collective_min 2). Writes campaign.csv, campaign_groups.csv, campaign_weekly.csv, alerts.csv,
alert_series.csv and cohort.csv to --out.
Only small helpers (date parsing, unit table, scopes, periods, median, CSV formatting) come
from spec_b.py; everything §9–§11 is here.
"""
import argparse
import csv
import datetime as dt
import json
import math
import os
import re
import sys
from collections import defaultdict

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import spec_b as B  # noqa: E402

HANDLE_DAYS, MAX_EXT, REPEAT_WINDOW, COLLECTIVE_HEADCOUNT = 60, 30, 365, 5
BASELINE_WEEKS, MIN_COUNT, COLLECTIVE_MIN = 8, 5, 2
CHANNEL = {"letter": "letter", "来信": "letter", "visit": "visit", "来访": "visit", "online": "online",
           "网上": "online", "phone": "phone", "来电": "phone", "other": "other", "其他": "other"}
DAY = dt.timedelta(days=1)


def load(path, as_of):
    """Records received on or before as_of (SPEC §2/§3): rejected rows dropped, the later
    updated_at (else the later row) wins, events after as_of count as not happened."""
    raw = {}
    with open(path, newline="", encoding="utf-8-sig") as f:
        for r in csv.DictReader(f):
            pid = (r.get("petition_id") or "").strip()
            rec_at = B.parse_dt(r.get("received_at"))
            unit = (r.get("unit_id") or "").strip()
            if not pid or rec_at is None or not unit:
                continue
            upd = B.parse_dt(r.get("updated_at"))
            prev = raw.get(pid)
            if prev is not None and prev[0] is not None and upd is not None and upd < prev[0]:
                continue
            raw[pid] = (upd, r, rec_at, unit)
    out = []
    for pid, (_, r, rec_at, unit) in raw.items():
        rd = rec_at.date()
        if rd > as_of:
            continue

        def ev(name):
            x = B.pdate(r.get(name))
            return x if x is not None and x <= as_of else None

        try:
            ext = min(max(int((r.get("extension_days") or "").strip()), 0), MAX_EXT)
        except ValueError:
            ext = 0
        hs = (r.get("headcount") or "").strip()
        head = int(hs) if re.fullmatch(r"[0-9]+", hs) and int(hs) >= 1 else 1
        cat = (r.get("category") or "").strip() or None
        mid = (r.get("matter_id") or "").strip()
        accepted, due_at = ev("accepted_at"), B.pdate(r.get("due_at"))
        if due_at is not None:
            hdl = due_at
        else:
            hdl = (accepted or rd) + dt.timedelta(days=HANDLE_DAYS + ext)
        out.append(dict(pid=pid, at=rec_at, rd=rd, received=rd, unit=unit, cat=cat,
                        pet=(r.get("petitioner_id") or "").strip() or None,
                        key=("m", mid) if mid else ("u", unit, cat),
                        channel=CHANNEL.get((r.get("channel") or "").strip()), head=head,
                        closed=ev("closed_at"), hdl=hdl))
    # §4 repeats: ordered by (received_at, petition_id); an earlier record of the same
    # petitioner and matter key received at most 365 days before (the latest earlier one
    # is the closest).
    out.sort(key=lambda x: (x["at"], x["pid"]))
    last = {}
    for x in out:
        x["repeat"] = False
        if x["pet"] is None:
            continue
        k = (x["pet"], x["key"])
        if k in last and (x["rd"] - last[k]).days <= REPEAT_WINDOW:
            x["repeat"] = True
        last[k] = x["rd"]
    return out


def minus_year(d):
    try:
        return d.replace(year=d.year - 1)
    except ValueError:
        return d.replace(year=d.year - 1, day=28)


def pct(n, base):
    return 100.0 * (n - base) / base if base else None


# ---- §9 campaigns ----

CAMP_COLS = ["name", "start_date", "end_date", "w_start", "w_end", "b_start", "b_end", "p_start", "p_end",
             "participating", "days", "petitions_w", "petitions_b", "petitions_p", "change_yoy_pct",
             "change_prev_pct", "backlog", "backlog_cleared", "backlog_clearance_rate", "overdue_backlog",
             "overdue_cleared", "overdue_clearance_rate", "repeat_rate_w", "repeat_rate_b"]
GROUP_COLS = ["name", "start_date", "end_date", "w_start", "w_end", "b_start", "b_end", "p_start", "p_end",
              "units", "days", "petitions_w", "petitions_b", "petitions_p", "change_yoy_pct", "change_prev_pct",
              "backlog", "backlog_cleared", "backlog_clearance_rate", "overdue_backlog", "overdue_cleared",
              "overdue_clearance_rate", "repeat_rate_w", "repeat_rate_b", "did_pct"]


def campaign_counts(c, recs):
    """Per record unit: the §9 counts of campaign c (windows already set on c)."""
    per = defaultdict(lambda: defaultdict(int))
    for x in recs:
        rd, u = x["rd"], x["unit"]
        for w in ("w", "b", "p"):
            if c[w + "_start"] <= rd <= c[w + "_end"]:
                per[u]["petitions_" + w] += 1
                if w != "p" and x["repeat"]:
                    per[u]["rep_" + w] += 1
        if rd < c["start"] and (x["closed"] is None or x["closed"] >= c["start"]):
            cleared = x["closed"] is not None and c["w_start"] <= x["closed"] <= c["w_end"]
            per[u]["backlog"] += 1
            per[u]["backlog_cleared"] += cleared
            if x["hdl"] < c["start"]:
                per[u]["overdue_backlog"] += 1
                per[u]["overdue_cleared"] += cleared
    return per


def campaign_values(c, s):
    return dict(
        name=c["name"], start_date=c["start"], end_date=c["end"], w_start=c["w_start"], w_end=c["w_end"],
        b_start=c["b_start"], b_end=c["b_end"], p_start=c["p_start"], p_end=c["p_end"], days=c["days"],
        petitions_w=s["petitions_w"], petitions_b=s["petitions_b"], petitions_p=s["petitions_p"],
        change_yoy_pct=pct(s["petitions_w"], s["petitions_b"]), change_prev_pct=pct(s["petitions_w"], s["petitions_p"]),
        backlog=s["backlog"], backlog_cleared=s["backlog_cleared"],
        backlog_clearance_rate=B.rate(s["backlog_cleared"], s["backlog"]),
        overdue_backlog=s["overdue_backlog"], overdue_cleared=s["overdue_cleared"],
        overdue_clearance_rate=B.rate(s["overdue_cleared"], s["overdue_backlog"]),
        repeat_rate_w=B.rate(s["rep_w"], s["petitions_w"]), repeat_rate_b=B.rate(s["rep_b"], s["petitions_b"]))


def campaigns(camps, recs, units, as_of, out):
    fc = open(os.path.join(out, "campaign.csv"), "w", newline="", encoding="utf-8")
    fg = open(os.path.join(out, "campaign_groups.csv"), "w", newline="", encoding="utf-8")
    wc, wg = csv.writer(fc), csv.writer(fg)
    fw = open(os.path.join(out, "campaign_weekly.csv"), "w", newline="", encoding="utf-8")
    ww = csv.writer(fw)
    wc.writerow(["campaign_id", "unit_id", "rollup"] + CAMP_COLS)
    wg.writerow(["campaign_id", "group"] + GROUP_COLS)
    ww.writerow(["campaign_id", "series", "window", "week_no", "week_start", "week_end", "days", "petitions"])
    for c in camps:
        c = dict(c)
        c["start"], c["end"] = dt.date.fromisoformat(c["start"]), dt.date.fromisoformat(c["end"])
        if as_of < c["start"]:
            continue  # no row at all before start
        c["w_start"], c["w_end"] = c["start"], min(c["end"], as_of)
        c["days"] = (c["w_end"] - c["w_start"]).days + 1
        # B: the same month-days a year earlier (29 Feb -> 28 Feb), cut to W's elapsed length
        c["b_start"] = minus_year(c["start"])
        c["b_end"] = min(minus_year(c["end"]), c["b_start"] + (c["days"] - 1) * DAY)
        c["p_start"], c["p_end"] = c["start"] - c["days"] * DAY, c["start"] - DAY
        listed = c["units"] if isinstance(c["units"], list) else [c["units"]]
        star = "*" in listed

        def participates(u):
            if star:
                return True
            seen = set()
            while u in units and u not in seen:
                if u in listed:
                    return True
                seen.add(u)
                u = units[u]["parent"]
            return False

        per = campaign_counts(c, recs)
        sums = defaultdict(lambda: defaultdict(int))
        for u, cnt in per.items():
            for sk in B.scopes_of(u, units):
                for k, v in cnt.items():
                    sums[sk][k] += v
        keys = [(u, r) for u in sorted(units) for r in (False, True)] + [("ALL", True)]
        for u, r in keys:
            v = campaign_values(c, sums[(u, r)])
            v["participating"] = star if u == "ALL" else participates(u)
            wc.writerow([c["id"], u, B.fmt(r)] + [fmt(v[k]) for k in CAMP_COLS])
        grp = {"participating": defaultdict(int), "other": defaultdict(int)}
        nunits = {"participating": 0, "other": 0}
        for u in units:
            g = "participating" if participates(u) else "other"
            nunits[g] += 1
            for k, v in per.get(u, {}).items():
                grp[g][k] += v
        vals = {g: campaign_values(c, grp[g]) for g in grp}
        for g in ("participating", "other"):
            v = vals[g]
            v["units"] = nunits[g]
            a, b = vals["participating"]["change_yoy_pct"], vals["other"]["change_yoy_pct"]
            v["did_pct"] = a - b if g == "participating" and a is not None and b is not None else None
            wg.writerow([c["id"], g] + [fmt(v[k]) for k in GROUP_COLS])
        campaign_weekly(ww, c, recs, units, participates, as_of)
    fc.close()
    fg.close()
    fw.close()


def campaign_weekly(w, c, recs, units, participates, as_of):
    """The campaign page's weekly series (docs/METRICS.md's reading): windows P, W and, once
    the campaign has ended before as_of, 'after' = end + 1 .. min(as_of, end + days); each cut
    into 7-day weeks from its own first day (the last may be shorter); per week the petitions
    received: ALL records, and the known units' own records split participating / other."""
    wins = [("P", c["p_start"], c["p_end"]), ("W", c["w_start"], c["w_end"])]
    if c["end"] < as_of:
        wins.append(("after", c["end"] + DAY, min(as_of, c["end"] + c["days"] * DAY)))
    weeks = []
    for name, ws, we in wins:
        for k in range((we - ws).days // 7 + 1):
            a = ws + 7 * k * DAY
            weeks.append((name, k, a, min(a + 6 * DAY, we)))
    part = {u: participates(u) for u in units}
    for series in ("ALL", "participating", "other"):
        for name, k, a, b in weeks:
            n = 0
            for x in recs:
                if a <= x["rd"] <= b and (series == "ALL" or (x["unit"] in part and part[x["unit"]] == (series == "participating"))):
                    n += 1
            w.writerow([c["id"], series, name, k, a.isoformat(), b.isoformat(), (b - a).days + 1, n])


# ---- §10 alerts ----

def alerts(recs, units, as_of, out):
    def monday(d):
        return d - d.weekday() * DAY

    week_end = as_of - ((as_of.weekday() + 1) % 7) * DAY  # the last Sunday on or before as_of
    week_start = week_end - 6 * DAY
    first = monday(min(x["rd"] for x in recs)) if recs else week_start
    nb = max(0, min(BASELINE_WEEKS, (week_start - first).days // 7))
    series = defaultdict(lambda: defaultdict(int))  # (unit, kind, category) -> k -> count
    coll = defaultdict(int)
    for x in recs:
        if x["unit"] not in units:
            continue
        k = (week_start - monday(x["rd"])).days // 7
        if k < 0 or k > BASELINE_WEEKS:
            continue
        series[(x["unit"], "total", None)][k] += 1
        series[(x["unit"], "category", x["cat"])][k] += 1
        if x["channel"] == "visit" and x["head"] >= COLLECTIVE_HEADCOUNT:
            series[(x["unit"], "collective", None)][k] += 1
            if k == 0:
                coll[x["unit"]] += 1
    rows = []
    for (u, kind, cat), ks in series.items():
        if kind == "collective":
            continue
        xv = ks.get(0, 0)
        if nb < 4:
            continue
        base = [ks.get(k, 0) for k in range(1, nb + 1)]
        m = sum(base) / nb
        s = 0.0 if min(base) == max(base) else math.sqrt(sum((v - m) ** 2 for v in base) / (nb - 1))
        sigma = max(s, math.sqrt(max(m, 1.0)))
        if xv >= MIN_COUNT and xv > m + 3 * sigma:
            rows.append((u, kind, cat, xv, nb, m, s, m + 3 * sigma, "red" if xv > m + 5 * sigma else "amber"))
    for u, n in coll.items():
        if n >= COLLECTIVE_MIN:
            rows.append((u, "collective", None, n, None, None, None, float(COLLECTIVE_MIN), "red"))
    with open(os.path.join(out, "alerts.csv"), "w", newline="", encoding="utf-8") as f:
        w = csv.writer(f)
        w.writerow(["week_start", "unit_id", "kind", "category", "week_end", "unit_name", "count",
                    "baseline_weeks", "baseline_mean", "baseline_sd", "threshold", "level"])
        for u, kind, cat, xv, n, m, s, th, lvl in sorted(rows, key=lambda r: (r[0], r[1], r[2] or "")):
            w.writerow([week_start.isoformat(), u, kind, fmt(cat), week_end.isoformat(), units[u]["name"],
                        xv, fmt(n), fmt(m), fmt(s), fmt(th), lvl])
    # The weekly series behind each alert: the alert week (k = 0) and the BASELINE_WEEKS weeks
    # before it, from the data's first week; in_baseline for the weeks its baseline used.
    with open(os.path.join(out, "alert_series.csv"), "w", newline="", encoding="utf-8") as f:
        w = csv.writer(f)
        w.writerow(["alert_week_start", "unit_id", "kind", "category", "k", "week_start", "week_end", "count",
                    "in_baseline", "threshold"])
        for u, kind, cat, xv, n, m, s, th, lvl in rows:
            for k in range(BASELINE_WEEKS + 1):
                ws = week_start - 7 * k * DAY
                if ws < first:
                    continue
                w.writerow([week_start.isoformat(), u, kind, fmt(cat), k, ws.isoformat(), (ws + 6 * DAY).isoformat(),
                            series[(u, kind, cat)].get(k, 0), fmt(kind != "collective" and 1 <= k <= (n or 0)),
                            fmt(th)])


# ---- §11 cohorts ----

COHORT_COLS = ["received", "closed", "closed_on_time", "open_overdue", "open_within_deadline", "closed_share",
               "on_time_share", "median_days_to_close", "p90_days_to_close"]


def cohorts(recs, units, as_of, out):
    periods = B.build_periods(recs, as_of)
    pset = {(pt, p) for pt, p, _, _ in periods}
    cnt = defaultdict(lambda: defaultdict(int))
    days = defaultdict(list)
    for x in recs:
        c = x["closed"]
        for sk in B.scopes_of(x["unit"], units):
            for pt, p in B.period_keys(x["rd"]):
                if (pt, p) not in pset:
                    continue
                k = sk + (pt, p)
                cnt[k]["received"] += 1
                if c is not None:
                    cnt[k]["closed"] += 1
                    days[k].append((c - x["rd"]).days)
                    if c <= x["hdl"]:
                        cnt[k]["closed_on_time"] += 1
                elif x["hdl"] < as_of:
                    cnt[k]["open_overdue"] += 1
                else:
                    cnt[k]["open_within_deadline"] += 1
    with open(os.path.join(out, "cohort.csv"), "w", newline="", encoding="utf-8") as f:
        w = csv.writer(f)
        w.writerow(["unit_id", "rollup", "period_type", "period", "period_start", "period_end", "complete"] + COHORT_COLS)
        for u, r in [("ALL", True)] + [(u, r) for u in sorted(units) for r in (False, True)]:
            for pt, p, ps, pe in periods:
                k = (u, r, pt, p)
                c = cnt[k]
                ds = sorted(days.get(k, []))
                # p90: the smallest value with at least 90 % of values at or below it
                p90 = ds[-(-9 * len(ds) // 10) - 1] if ds else None
                v = dict(received=c["received"], closed=c["closed"], closed_on_time=c["closed_on_time"],
                         open_overdue=c["open_overdue"], open_within_deadline=c["open_within_deadline"],
                         closed_share=B.rate(c["closed"], c["received"]),
                         on_time_share=B.rate(c["closed_on_time"], c["received"]),
                         median_days_to_close=B.median(ds), p90_days_to_close=p90)
                w.writerow([u, B.fmt(r), pt, p, ps.isoformat(), pe.isoformat(), B.fmt(pe <= as_of)]
                           + [fmt(v[k2]) for k2 in COHORT_COLS])


def fmt(v):
    if isinstance(v, dt.date):
        return v.isoformat()
    return B.fmt(v)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--petitions", required=True)
    ap.add_argument("--units", required=True)
    ap.add_argument("--as-of", required=True)
    ap.add_argument("--out", required=True)
    ap.add_argument("--campaigns")
    a = ap.parse_args()
    as_of = dt.date.fromisoformat(a.as_of)
    units = B.load_units(a.units)
    with open(a.units, newline="", encoding="utf-8-sig") as f:
        for r in csv.DictReader(f):
            units[r["unit_id"].strip()]["name"] = r["name"]
    recs = load(a.petitions, as_of)
    os.makedirs(a.out, exist_ok=True)
    camps = []
    if a.campaigns:
        with open(a.campaigns, encoding="utf-8") as f:
            camps = json.load(f)
    campaigns(camps, recs, units, as_of, a.out)
    alerts(recs, units, as_of, a.out)
    cohorts(recs, units, as_of, a.out)


if __name__ == "__main__":
    main()
