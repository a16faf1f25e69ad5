#!/usr/bin/env python3
"""Cross-check C: independent plain-Python (stdlib) implementation, from SPEC §4/§7 and the
readings in docs/METRICS.md, of
  - working-day deadlines (`day_basis: working` + holiday file) for mart.timeliness,
    mart.acceptance and mart.feedback (calendar days when --holidays is not given);
  - mart.supervision (period of received_date);
  - mart.targets and mart.targets_backtest for the default targets
    ('*' volume_change_pct <= -3, on_time_rate >= 0.95, repeat_rate <= 0.10).

usage: spec_c.py --petitions P.csv --units U.csv --as-of YYYY-MM-DD --out DIR
                 [--holidays H.csv] [--targets]

Reuses spec_b.py's ingest (SPEC §3) and period/scope helpers. repeat_rate for the targets
comes from spec_a.compute() on the same raw input, in process (never a product output).
"""
import argparse
import csv
import datetime as dt
import os
import sys
from collections import defaultdict

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import spec_a as A  # noqa: E402
import spec_b as B  # noqa: E402

TRUE = ("true", "1", "yes", "是", "t", "y")


def load_holidays(path):
    hol, work = set(), set()
    with open(path, newline="", encoding="utf-8") as f:
        for line in f:
            line = line.strip()
            if not line or line.startswith("#") or line.lower().startswith("date"):
                continue
            d, k = [x.strip() for x in line.split(",")[:2]]
            (hol if k == "holiday" else work).add(dt.date.fromisoformat(d))
    return hol, work


class Cal:
    """Working days: Mon–Fri not listed as holiday, or any day listed as workday; a weekday
    listed as both is a holiday, a weekend day listed as both works (METRICS.md)."""

    def __init__(self, hol, work):
        self.hol, self.work = hol, work

    def working(self, d):
        if d.weekday() < 5:
            return d not in self.hol
        return d in self.work

    def add(self, base, n):
        # "+ N" = the N-th working day after base; + 0 is base itself.
        d, k = base, 0
        while k < n:
            d += dt.timedelta(days=1)
            if self.working(d):
                k += 1
        return d


def extra_fields(path, as_of):
    """pid -> raw row of the surviving version (same dedupe as spec_b.load_records)."""
    raw = {}
    with open(path, newline="", encoding="utf-8-sig") as f:
        for r in csv.DictReader(f):
            pid = (r.get("petition_id") or "").strip()
            if not pid or B.parse_dt(r.get("received_at")) is None or not (r.get("unit_id") or "").strip():
                continue
            upd = B.parse_dt(r.get("updated_at"))
            prev = raw.get(pid)
            if prev is not None and prev[0] is not None and upd is not None and upd < prev[0]:
                continue
            raw[pid] = (upd, r)
    return {k: v[1] for k, v in raw.items()}


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--petitions", required=True)
    ap.add_argument("--units", required=True)
    ap.add_argument("--as-of", required=True)
    ap.add_argument("--out", required=True)
    ap.add_argument("--holidays")
    ap.add_argument("--targets", action="store_true")
    a = ap.parse_args()
    as_of = dt.date.fromisoformat(a.as_of)
    units = B.load_units(a.units)
    recs = B.load_records(a.petitions, as_of)
    rawx = extra_fields(a.petitions, as_of)
    cal = Cal(*load_holidays(a.holidays)) if a.holidays else None
    for x in recs:
        r = rawx[x["pid"]]
        x["listed"] = (r.get("listed_supervision") or "").strip().lower() in TRUE
        x["leader"] = bool((r.get("leader_owner") or "").strip())
        x["traced"] = (r.get("traced_fault") or "").strip().lower() in TRUE
        if cal is not None:
            x["accept_dl"] = cal.add(x["received"], B.ACCEPT_DAYS)
            if x["due_at"] is not None:
                x["handle_dl"] = x["due_at"]
            else:
                base = x["accepted"] if x["accepted"] is not None else x["received"]
                x["handle_dl"] = cal.add(base, B.HANDLE_DAYS + min(x["ext"], B.MAX_EXT))
            x["feedback_dl"] = x["feedback_due"] if x["feedback_due"] is not None else cal.add(x["received"], B.FEEDBACK_DAYS)
    periods = B.build_periods(recs, as_of)
    pset = {(pt, p) for pt, p, _, _ in periods}
    keys = [("ALL", True)] + [(u, r) for u in sorted(units) for r in (False, True)]
    os.makedirs(a.out, exist_ok=True)

    agg, hd, add = B.make_counter(units, pset)

    for x in recs:
        B.count_deadline_events(x, as_of, add, hd, units, pset)
        dl = x["handle_dl"]
        # supervision: period of received_date
        rd = x["received"]
        is_open_overdue = x["closed"] is None and dl < as_of
        for flag, col in ((x["listed"], "listed"), (x["leader"], "leader_owned")):
            if flag:
                add(x, rd, col)
                if x["closed"] is not None:
                    add(x, rd, col + "_closed")
                if is_open_overdue:
                    add(x, rd, col + "_overdue")
        if x["mass"]:
            add(x, rd, "mass_incidents")
        if x["traced"]:
            add(x, rd, "traced_faults")

    head = ["unit_id", "rollup", "period_type", "period", "period_start", "period_end", "complete"]
    tables = {
        **B.DEADLINE_TABLES,
        "supervision": ["listed", "listed_closed", "listed_overdue", "leader_owned", "leader_owned_closed",
                        "leader_owned_overdue", "mass_incidents", "traced_faults"],
    }
    mine = {}
    for t, cols in tables.items():
        with open(os.path.join(a.out, t + ".csv"), "w", newline="", encoding="utf-8") as f:
            w = csv.writer(f)
            w.writerow(head + cols)
            for u, ru in keys:
                for pt, p, ps, pe in periods:
                    c = agg[(u, ru, pt, p)]
                    if t in B.DEADLINE_TABLES:
                        v = B.deadline_values(t, c, hd.get((u, ru, pt, p)))
                    else:
                        v = {k: c[k] for k in cols}
                    mine[(t, u, ru, pt, p)] = v
                    w.writerow([B.fmt(x) for x in [u, ru, pt, p, ps.isoformat(), pe.isoformat(), pe <= as_of]]
                               + [B.fmt(v[k]) for k in cols])
    if a.targets:
        targets(a, as_of, units, recs, periods, mine)


def targets(a, as_of, units, recs, periods, mine):
    """SPEC §7 with METRICS.md's Targets reading; default targets, rollup = true scopes."""
    y0 = as_of.year
    first = min(ps for pt, _, ps, _ in periods if pt == "month")
    full_years = [y for y in range(first.year, y0 + 1)
                  if dt.date(y, 1, 1) >= first and dt.date(y, 12, 31) <= as_of]

    def md_in(y):  # as_of's month-day in year y (29 Feb -> 28 Feb)
        try:
            return dt.date(y, as_of.month, as_of.day)
        except ValueError:
            return dt.date(y, as_of.month, 28)

    cnt = defaultdict(lambda: defaultdict(int))   # scope -> date -> petitions
    for x in recs:
        for sk in B.scopes_of(x["unit"], units):
            if sk[1]:
                cnt[sk[0]][x["received"]] += 1

    def span(scope, s, e):
        return sum(n for d, n in cnt[scope].items() if s <= d <= e)

    def project(scope, y, ytd):
        """(projected, n prior years) for year y from its YTD at as_of's month-day."""
        prior = [py for py in (y - 1, y - 2, y - 3) if py in full_years]
        if prior:
            tot = sum(span(scope, dt.date(py, 1, 1), dt.date(py, 12, 31)) for py in prior)
            same = sum(span(scope, dt.date(py, 1, 1), md_in(py)) for py in prior)
            return (ytd * tot / same if same else None), len(prior)
        cm = sum(1 for m in range(1, 13)
                 if B.add_months(dt.date(y, m, 1), 1) - dt.timedelta(days=1) <= as_of)
        return (ytd * 12 / cm if cm else None), 0

    # repeat_rate from spec_a.compute on the same raw input, in process.
    rep = {(k[0], k[1], k[3]): r for k, r in A.indexed(A.compute(a.petitions, a.units, as_of), "repeat").items()
           if k[2] == "year"}

    scopes = ["ALL"] + sorted(units)
    tgt = [("volume_change_pct", "<=", -3.0), ("on_time_rate", ">=", 0.95), ("repeat_rate", "<=", 0.10)]
    year_complete = dt.date(y0, 12, 31) <= as_of
    rows, bt = [], []
    for scope in scopes:
        # backtest (volume)
        errs = []
        for y in full_years:
            # SPEC §7: the full years before the as-of year.
            if y >= y0 or not any(py in full_years for py in (y - 1, y - 2, y - 3)):
                continue
            ytd = span(scope, dt.date(y, 1, 1), md_in(y))
            proj, npr = project(scope, y, ytd)
            actual = span(scope, dt.date(y, 1, 1), dt.date(y, 12, 31))
            err = (proj - actual) / actual * 100 if proj is not None and actual else None
            if err is not None:
                errs.append(abs(err))
            bt.append(dict(unit_id=scope, rollup=True, metric="volume_change_pct", year=y, ytd=ytd,
                           prior_years=npr, projected=proj, actual=actual, error_pct=err))
        for metric, op, th in tgt:
            r = dict(unit_id=scope, rollup=True, year=y0, metric=metric, op=op, target=th,
                     actual_ytd=None, projected=None, actual_change_pct=None, projected_change_pct=None,
                     prior_ytd=None, prior_total=None, year_complete=year_complete, status=None,
                     backtest_error_pct=None)
            if metric == "volume_change_pct":
                end = min(as_of, dt.date(y0, 12, 31))
                ytd = span(scope, dt.date(y0, 1, 1), end)
                pe = md_in(y0 - 1) if end == as_of else dt.date(y0 - 1, 12, 31)
                prior_ytd = span(scope, dt.date(y0 - 1, 1, 1), pe)
                prior_total = span(scope, dt.date(y0 - 1, 1, 1), dt.date(y0 - 1, 12, 31))
                proj, _ = project(scope, y0, ytd)
                r.update(actual_ytd=ytd, prior_ytd=prior_ytd, prior_total=prior_total, projected=proj,
                         actual_change_pct=(ytd - prior_ytd) / prior_ytd * 100 if prior_ytd else None,
                         projected_change_pct=(proj - prior_total) / prior_total * 100
                         if proj is not None and prior_total else None,
                         backtest_error_pct=sum(errs) / len(errs) if errs else None)
                val, slack = r["projected_change_pct"], 2.0
            else:
                if metric == "on_time_rate":
                    v = mine[("timeliness", scope, True, "year", str(y0))]["on_time_rate"]
                else:
                    v = rep[(scope, True, str(y0))]["repeat_rate"]
                r.update(actual_ytd=v, projected=v)
                val, slack = v, 0.02
            if val is not None:
                holds = val <= th if op == "<=" else val >= th
                miss = (val - th) if op == "<=" else (th - val)
                if holds:
                    r["status"] = "met" if year_complete else "on track"
                elif miss <= slack:
                    r["status"] = "at risk"
                else:
                    r["status"] = "off track"
            rows.append(r)
    cols = ["unit_id", "rollup", "year", "metric", "op", "target", "actual_ytd", "projected", "actual_change_pct",
            "projected_change_pct", "prior_ytd", "prior_total", "year_complete", "status", "backtest_error_pct"]
    with open(os.path.join(a.out, "targets.csv"), "w", newline="", encoding="utf-8") as f:
        w = csv.writer(f)
        w.writerow(cols)
        for r in rows:
            w.writerow([B.fmt(r[c]) for c in cols])
    cols = ["unit_id", "rollup", "metric", "year", "ytd", "prior_years", "projected", "actual", "error_pct"]
    with open(os.path.join(a.out, "targets_backtest.csv"), "w", newline="", encoding="utf-8") as f:
        w = csv.writer(f)
        w.writerow(cols)
        for r in bt:
            w.writerow([B.fmt(r[c]) for c in cols])


if __name__ == "__main__":
    main()
