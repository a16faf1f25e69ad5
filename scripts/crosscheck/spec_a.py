#!/usr/bin/env python3
"""Independent implementation of SPEC §3-4 for mart.volume, mart.repeat, mart.closure and
mart.trend (the seasonal Kendall verdict) and mart.volume_moving_average, both from this file's
own monthly volume.

Written from /work/shared/docs/SPEC.md (and the column readings in docs/METRICS.md), not from
queries/sql. Plain Python 3, stdlib only. Reads one canonical CSV (every optional field mapped)
and the units CSV, writes volume.csv, repeat.csv, closure.csv, trend.csv and volume_moving_average.csv into OUTDIR with the mart's
columns (NULL = empty cell).

Usage: spec_a.py PETITIONS.csv UNITS.csv OUTDIR [--as-of 2026-05-20] [--repeat-window 365]
       [--ceased-window 180] [--collective-min 5]

spec_b.py (appraisal) and spec_c.py (targets) call compute() on the same raw input for the
repeat, closure and volume indicators, in process: no table is read back from a file.
"""
import bisect
import csv
import os
import re
import sys
from collections import defaultdict
from datetime import date, datetime, timedelta, timezone

LOCAL = timezone(timedelta(hours=8))  # Asia/Shanghai: UTC+8, no DST since 1991

ALIASES = {
    "channel": {"letter": "letter", "来信": "letter", "visit": "visit", "来访": "visit",
                "online": "online", "网上": "online", "phone": "phone", "来电": "phone",
                "other": "other", "其他": "other"},
    "justified": {"justified": "justified", "合理": "justified", "partly": "partly",
                  "部分合理": "partly", "unjustified": "unjustified", "不合理": "unjustified",
                  "undetermined": "undetermined", "未认定": "undetermined"},
    "satisfaction": {"satisfied": "satisfied", "满意": "satisfied", "basically": "basically",
                     "基本满意": "basically", "unsatisfied": "unsatisfied", "不满意": "unsatisfied",
                     "unrated": "unrated", "未评价": "unrated"},
}

DT_RE = re.compile(r"^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.\d+)?)?)?"
                   r"\s*(Z|[+-]\d{2}:?\d{2})?$")


def parse_dt(s):
    """Local naive datetime, or None when blank/unparseable."""
    s = s.strip()
    if not s:
        return None
    m = DT_RE.match(s)
    if not m:
        return None
    y, mo, d, hh, mi, ss, off = m.groups()
    try:
        dt = datetime(int(y), int(mo), int(d), int(hh or 0), int(mi or 0), int(ss or 0))
    except ValueError:
        return None
    if off:
        if off == "Z":
            tz = timezone.utc
        else:
            sign = 1 if off[0] == "+" else -1
            o = off[1:].replace(":", "")
            tz = timezone(sign * timedelta(hours=int(o[:2]), minutes=int(o[2:])))
        dt = dt.replace(tzinfo=tz).astimezone(LOCAL).replace(tzinfo=None)
    return dt


def parse_date(s):
    dt = parse_dt(s)
    return dt.date() if dt else None


def parse_headcount(s):
    s = s.strip()
    if re.fullmatch(r"[0-9]+", s) and int(s) >= 1:
        return int(s)
    return 1  # blank, unparseable or out of range -> blank -> 1


def minus_year(d):
    try:
        return d.replace(year=d.year - 1)
    except ValueError:  # 29 Feb -> 28 Feb
        return d.replace(year=d.year - 1, day=28)


def month_start(d):
    return date(d.year, d.month, 1)


def add_months(d, k):
    m = d.year * 12 + d.month - 1 + k
    return date(m // 12, m % 12 + 1, 1)


def period_of(d):
    q = (d.month - 1) // 3 + 1
    return [("month", "%04d-%02d" % (d.year, d.month)), ("quarter", "%04d-Q%d" % (d.year, q)),
            ("year", "%04d" % d.year)]


def period_bounds(ptype, start):
    if ptype == "month":
        return start, add_months(start, 1) - timedelta(days=1)
    if ptype == "quarter":
        return start, add_months(start, 3) - timedelta(days=1)
    return start, date(start.year, 12, 31)


def period_name(ptype, start):
    return dict(period_of(start))[ptype]


def load_units(path):
    units = {}
    with open(path, newline="", encoding="utf-8-sig") as f:
        for r in csv.DictReader(f):
            units[r["unit_id"]] = (r.get("parent_id") or "").strip()
    return units


def ancestors(units, u):
    chain, seen = [], set()
    while u and u in units and u not in seen:
        chain.append(u)
        seen.add(u)
        u = units[u]
    return chain


def enum(field, raw):
    """Canonical value or None. Surrounding whitespace is trimmed (the product's reading; SPEC's
    "match exactly" is read as "no fuzzy or substring matching"), case is not folded."""
    return ALIASES[field].get(raw.strip())


def load_records(path, asof):
    rows = {}
    with open(path, newline="", encoding="utf-8-sig") as f:
        for n, r in enumerate(csv.DictReader(f)):
            pid = r["petition_id"].strip()
            rec = parse_dt(r["received_at"])
            if not pid or rec is None or not r["unit_id"].strip():
                continue  # rejected
            upd = parse_dt(r.get("updated_at", ""))
            old = rows.get(pid)
            # the later updated_at wins, else (equal or missing) the later row
            if old is not None and upd is not None and old[0] is not None and upd < old[0]:
                continue
            rows[pid] = (upd, r, rec)
    out = []
    for pid, (_, r, rec) in rows.items():
        rd = rec.date()
        if rd > asof:
            continue
        def ev(field):
            d = parse_date(r.get(field, ""))
            return d if d is not None and d <= asof else None
        pet = r.get("petitioner_id", "").strip() or None
        mid = r.get("matter_id", "").strip()
        cat = r.get("category", "")
        unit = r["unit_id"].strip()
        out.append({
            "pid": pid, "received_at": rec, "rd": rd, "unit": unit, "pet": pet,
            "key": ("M", mid) if mid else ("U", unit, cat),
            "channel": enum("channel", r.get("channel", "")),
            "headcount": parse_headcount(r.get("headcount", "")),
            "cd": ev("closed_at"), "fd": ev("followup_at"),
            "justified": enum("justified", r.get("justified", "")),
            "satisfaction": enum("satisfaction", r.get("satisfaction", "")),
        })
    return out


def compute(pet_path, units_path, asof, rwin=365, cwin=180, cmin=5):
    """{"volume" | "repeat" | "closure" | "trend": (columns, [row values])} from the raw petitions and
    units CSVs as of `asof` (a date). Values are Python values (None = NULL)."""
    units = load_units(units_path)
    recs = load_records(pet_path, asof)

    # Scopes each record counts in.
    anc = {u: ancestors(units, u) for u in units}

    def scopes(unit):
        s = [("ALL", True)]
        if unit in units:
            s.append((unit, False))
            s.extend((a, True) for a in anc[unit])
        return s

    # Periods.
    first = month_start(min(r["rd"] for r in recs)) if recs else month_start(asof)
    periods = []  # (ptype, period, start, end)
    m = first
    while m <= asof:
        periods.append(("month",) + (period_name("month", m), m, period_bounds("month", m)[1]))
        m = add_months(m, 1)
    q = date(first.year, (first.month - 1) // 3 * 3 + 1, 1)
    while q <= asof:
        periods.append(("quarter", period_name("quarter", q), q, period_bounds("quarter", q)[1]))
        q = add_months(q, 3)
    for y in range(first.year, asof.year + 1):
        periods.append(("year", str(y), date(y, 1, 1), date(y, 12, 31)))
    row_scopes = [("ALL", True)] + [(u, rb) for u in sorted(units) for rb in (False, True)]

    # Repeats: order by (received_at, petition_id), same petitioner and matter key.
    recs.sort(key=lambda r: (r["received_at"], r["pid"]))
    last = {}
    dates_by_pk = defaultdict(list)
    for r in recs:
        r["repeat"] = False
        if r["pet"] is None:
            continue
        k = (r["pet"], r["key"])
        if k in last and (r["rd"] - last[k]).days <= rwin:
            r["repeat"] = True
        last[k] = r["rd"]
        dates_by_pk[k].append(r["rd"])
    # Not ceased: same petitioner and key received on a date d, cd < d <= cd + window (<= as-of).
    for r in recs:
        r["not_ceased"] = False
        if r["cd"] is None or r["pet"] is None:
            continue
        # Another record (not the closed one itself, which can be received after its own closure
        # in bad data): "the same petitioner comes back".
        ds = dates_by_pk[(r["pet"], r["key"])]
        hi = min(r["cd"] + timedelta(days=cwin), asof)
        n = bisect.bisect_right(ds, hi) - bisect.bisect_right(ds, r["cd"])
        if r["cd"] < r["rd"] <= hi:
            n -= 1
        r["not_ceased"] = n > 0

    # Aggregation.
    vol = defaultdict(lambda: {"petitions": 0, "pets": set(), "persons": 0, "collective": 0,
                               "repeat": 0, "rpets": set()})
    clo = defaultdict(lambda: defaultdict(int))
    day0 = first
    ndays = (asof - day0).days + 1
    daily = defaultdict(lambda: [0] * ndays)
    for r in recs:
        sc = scopes(r["unit"])
        for s in sc:
            daily[s][(r["rd"] - day0).days] += 1
            for pt, p in period_of(r["rd"]):
                v = vol[s + (pt, p)]
                v["petitions"] += 1
                if r["pet"] is not None:
                    v["pets"].add(r["pet"])
                    if r["repeat"]:
                        v["rpets"].add(r["pet"])
                v["persons"] += r["headcount"]
                if r["channel"] == "visit" and r["headcount"] >= cmin:
                    v["collective"] += 1
                if r["repeat"]:
                    v["repeat"] += 1
        if r["cd"] is not None:
            for s in sc:
                for pt, p in period_of(r["cd"]):
                    c = clo[s + (pt, p)]
                    c["closed"] += 1
                    c["not_ceased"] += r["not_ceased"]
                    if not r["repeat"]:
                        c["fc_closed"] += 1
                        c["fc_resolved"] += not r["not_ceased"]
                    if r["fd"] is not None and r["fd"] >= r["cd"]:
                        c["followed_up"] += 1
                    sat = r["satisfaction"]
                    if sat in ("satisfied", "basically", "unsatisfied"):
                        c["rated"] += 1
                    if sat == "satisfied":
                        c["satisfied"] += 1
                    if sat == "basically":
                        c["basically"] += 1
                    if r["justified"] == "justified":
                        c["justified"] += 1
                    if r["justified"] == "partly":
                        c["partly"] += 1
    prefix = {}
    for s, arr in daily.items():
        acc, p = 0, [0]
        for x in arr:
            acc += x
            p.append(acc)
        prefix[s] = p

    def count(s, a, b):
        """Petitions of scope s received in [a, b]."""
        p = prefix.get(s)
        if p is None:
            return 0
        ia = max(0, (a - day0).days)
        ib = min(ndays - 1, (b - day0).days)
        if ib < ia:
            return 0
        return p[ib + 1] - p[ia]

    def rate(n, d):
        return None if d == 0 else n / d

    def pct(cur, base):
        return None if base == 0 else (cur - base) / base * 100

    key_cols = ["unit_id", "rollup", "period_type", "period", "period_start", "period_end", "complete"]
    vcols = key_cols + ["petitions", "petitioners", "persons", "collective_visits", "yoy_pct",
                        "pop_pct", "yoy_base", "pop_base"]
    rcols = key_cols + ["petitions", "repeat_petitions", "repeat_rate", "petitioners",
                        "repeat_petitioners", "repeat_petitioner_rate"]
    ccols = key_cols + ["closed", "not_ceased", "not_ceased_rate", "first_contact_closed",
                        "first_contact_resolved", "first_contact_rate", "followed_up",
                        "followup_rate", "rated", "satisfied", "basically", "satisfaction_rate",
                        "participation_rate", "justified", "partly"]
    out = {"volume": (vcols, []), "repeat": (rcols, []), "closure": (ccols, [])}
    wv, wr, wc = out["volume"][1], out["repeat"][1], out["closure"][1]
    span = {"month": 1, "quarter": 3, "year": 12}
    for (u, rb) in row_scopes:
        s = (u, rb)
        for pt, p, ps, pe in periods:
            complete = pe <= asof
            k = [u, rb, pt, p, ps.isoformat(), pe.isoformat(), complete]
            v = vol.get(s + (pt, p)) or {"petitions": 0, "pets": set(), "persons": 0,
                                         "collective": 0, "repeat": 0, "rpets": set()}
            cur = v["petitions"]
            ys = minus_year(ps)
            prev_s = add_months(ps, -span[pt])
            prev_e = ps - timedelta(days=1)
            if complete:
                yb = count(s, ys, period_bounds(pt, ys)[1])
                pb = count(s, prev_s, prev_e)
            else:
                yb = count(s, ys, minus_year(asof))
                ndays_el = (asof - ps).days + 1
                pb = count(s, prev_s, min(prev_e, prev_s + timedelta(days=ndays_el - 1)))
            wv.append(k + [cur, len(v["pets"]), v["persons"], v["collective"],
                           pct(cur, yb), pct(cur, pb), yb, pb])
            npet, nrp = len(v["pets"]), len(v["rpets"])
            wr.append(k + [cur, v["repeat"], rate(v["repeat"], cur), npet, nrp, rate(nrp, npet)])
            c = clo.get(s + (pt, p)) or defaultdict(int)
            cl = c["closed"]
            wc.append(k + [
                cl, c["not_ceased"], rate(c["not_ceased"], cl), c["fc_closed"], c["fc_resolved"],
                rate(c["fc_resolved"], c["fc_closed"]), c["followed_up"], rate(c["followed_up"], cl),
                c["rated"], c["satisfied"], c["basically"],
                rate(c["satisfied"] + c["basically"], c["rated"]), rate(c["rated"], cl),
                c["justified"], c["partly"]])
    out["trend"] = trend(out["volume"], asof)
    out["volume_moving_average"] = moving_average(out["volume"])
    return out


def moving_average(volume):
    """Per unit, rollup and month: ma12 = the mean of the month's petitions and the 11 months
    before it, for complete months with 11 months of data before them (NULL otherwise)."""
    cols, rows = volume
    ix = {c: i for i, c in enumerate(cols)}
    keep = ["unit_id", "rollup", "period_type", "period", "period_start", "period_end", "complete", "petitions"]
    by = defaultdict(list)
    for r in rows:
        if r[ix["period_type"]] == "month":
            by[(r[0], r[1])].append(r)
    out = []
    for k, rs in by.items():
        rs.sort(key=lambda r: r[ix["period_start"]])
        for i, r in enumerate(rs):
            win = [x[ix["petitions"]] for x in rs[max(0, i - 11):i + 1]]
            ma = sum(win) / 12 if r[ix["complete"]] and len(win) == 12 else None
            out.append([r[ix[c]] for c in keep] + [ma])
    return keep + ["ma12"], out


TREND_COLS = ["unit_id", "rollup", "as_of", "label", "mk_s", "mk_var", "mk_z", "sens_slope",
              "sens_slope_annual", "months", "window_start", "window_end", "ttm", "prev_ttm",
              "ttm_change_pct"]


def trend(volume, asof, months=36, min_months=24, zcrit=1.645):
    """SPEC §4 trend verdict per (unit_id, rollup) from this file's own monthly petitions
    (complete months, from the first month of the whole data set): the seasonal Kendall test
    over the last `months` complete months (at least `min_months`, else 'insufficient', with
    mk_* and Sen's slope NULL); per calendar month Mann-Kendall S over successive years and its
    tie-corrected variance, summed; Z with continuity correction; Sen's seasonal slope = median
    of within-month (later - earlier) / years apart (x 12 annual); ttm / prev_ttm = the last 12
    and the 12 before (NULL without 12 such months); ttm_change_pct NULL on a zero base."""
    cols, rows = volume
    series = defaultdict(list)
    order = []
    for r in rows:
        v = dict(zip(cols, r))
        k = (v["unit_id"], v["rollup"])
        if k not in series:
            order.append(k)
            series[k] = []
        if v["period_type"] == "month" and v["complete"]:
            series[k].append((date.fromisoformat(v["period_start"]), v["petitions"]))
    out = []
    for k in order:
        complete = sorted(series[k])
        win = complete[-months:]
        ttm = sum(x for _, x in complete[-12:]) if len(complete) >= 12 else None
        prev = sum(x for _, x in complete[-24:-12]) if len(complete) >= 24 else None
        row = dict(unit_id=k[0], rollup=k[1], as_of=asof.isoformat(), label="insufficient",
                   mk_s=None, mk_var=None, mk_z=None, sens_slope=None, sens_slope_annual=None,
                   months=len(win), window_start=win[0][0].isoformat() if win else None,
                   window_end=win[-1][0].isoformat() if win else None, ttm=ttm, prev_ttm=prev,
                   ttm_change_pct=(ttm - prev) * 100 / prev if prev else None)
        if len(win) >= min_months:
            by_month = defaultdict(list)
            for d, x in win:
                by_month[d.month].append((d.year, x))
            s_total, var_total, slopes = 0, 0.0, []
            for vals in by_month.values():
                vals.sort()
                n = len(vals)
                for i in range(n):
                    for j in range(i + 1, n):
                        d = vals[j][1] - vals[i][1]
                        s_total += (d > 0) - (d < 0)
                        slopes.append(d / (vals[j][0] - vals[i][0]))
                ties = defaultdict(int)
                for _, x in vals:
                    ties[x] += 1
                var_total += (n * (n - 1) * (2 * n + 5) - sum(t * (t - 1) * (2 * t + 5) for t in ties.values())) / 18
            if var_total <= 0 or s_total == 0:
                z = 0.0
            else:
                z = (s_total - 1 if s_total > 0 else s_total + 1) / var_total ** 0.5
            slope = median(slopes)
            row.update(mk_s=s_total, mk_var=var_total, mk_z=z, sens_slope=slope,
                       sens_slope_annual=None if slope is None else slope * 12,
                       label="declining" if z <= -zcrit else "rising" if z >= zcrit else "flat")
        out.append([row[c] for c in TREND_COLS])
    return TREND_COLS, out


def median(xs):
    if not xs:
        return None
    xs = sorted(xs)
    n = len(xs)
    return float(xs[n // 2]) if n % 2 else (xs[n // 2 - 1] + xs[n // 2]) / 2


def fmt(v):
    if v is None:
        return ""
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, float):
        return repr(v)
    return str(v)


def write(outdir, tables):
    os.makedirs(outdir, exist_ok=True)
    for name, (cols, rows) in tables.items():
        with open(os.path.join(outdir, name + ".csv"), "w", newline="", encoding="utf-8") as f:
            w = csv.writer(f)
            w.writerow(cols)
            for r in rows:
                w.writerow([fmt(x) for x in r])


def indexed(tables, name):
    """{(unit_id, rollup, period_type, period): {column: value}} of one computed table."""
    cols, rows = tables[name]
    return {tuple(r[:4]): dict(zip(cols, r)) for r in rows}


def main():
    args = sys.argv[1:]
    opts = {"--as-of": "2026-05-20", "--repeat-window": "365", "--ceased-window": "180",
            "--collective-min": "5"}
    for k in list(opts):
        if k in args:
            i = args.index(k)
            opts[k] = args[i + 1]
            del args[i:i + 2]
    pet_path, units_path, outdir = args
    asof = date.fromisoformat(opts["--as-of"])
    tables = compute(pet_path, units_path, asof, int(opts["--repeat-window"]),
                     int(opts["--ceased-window"]), int(opts["--collective-min"]))
    write(outdir, tables)
    print("spec_a: %d rows per table" % len(tables["volume"][1]))


if __name__ == "__main__":
    main()
