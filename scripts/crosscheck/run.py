#!/usr/bin/env python3
"""The one cross-check runner: the product's marts against the independent Python
implementations of SPEC (spec_a.py … spec_d.py), cell by cell, with compare.py's one rule.

usage: run.py [--suite a,b,c,d] [--as-of D1,D2…] [--gen-as-of D] [--jobs N] WORKDIR

Builds the binary once; generates and perturbs each data set once (the B, C and D suites share
one generated set); ingests each data set once; for each as-of date computes, exports every
mart a selected suite checks and compares it with the implementation's output. The
implementations read only the raw petitions and units CSVs the product ingests. Prints one
summary table (suite, data set, as-of, mart, rows, cells compared, differences) on stdout,
progress and logs' tails on stderr. Exit 0 when every cell agrees, 1 on any difference, 2 when
a step failed to run. See README.md.
"""
import argparse
import json
import os
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(os.path.dirname(HERE))
sys.path.insert(0, HERE)
import compare  # noqa: E402

GEN_AS_OF = "2026-05-20"
HOLIDAYS = os.path.join(HERE, "holidays_cn.csv")
D_AS_OFS = ["2026-05-20", "2026-01-04", "2024-02-29"]

# The campaigns of suite D: the generator's drive (P02 with descendants), a 29 February
# start listing a city and a facility, '*' (cut at as_of; no row before its start), the messy
# unit XU1 whose parent is unknown (with its child XU2), and one that never starts.
CAMPAIGNS = [
    {"id": "drive", "name": "联合接访", "start": "2026-01-01", "end": "2026-03-31", "units": ["P02"]},
    {"id": "leap", "name": "leap", "start": "2024-02-29", "end": "2024-05-31", "units": ["P01C01", "P03F01"]},
    {"id": "all", "name": "all units", "start": "2025-12-15", "end": "2026-06-30", "units": "*"},
    {"id": "xu", "name": "orphans", "start": "2025-03-01", "end": "2025-04-30", "units": ["XU1"]},
    {"id": "late", "name": "later", "start": "2026-06-01", "end": "2026-07-01", "units": ["P02"]},
]

GEN, D = "<the data's last day>", "<suite D's dates>"  # resolved once the options are read

# Which implementation writes which marts.
SPEC_TABLES = {
    "spec_a": ["volume", "repeat", "closure", "trend", "volume_moving_average"],
    "spec_b": ["timeliness", "acceptance", "feedback", "veto", "appraisal", "appraisal_indicators",
               "appraisal_peer_median", "commendation_candidates", "peer_quantiles", "inspection_priority",
               "veto_handler_units", "unknown_units"],
    "spec_c": ["timeliness", "acceptance", "feedback", "supervision", "targets", "targets_backtest"],
    "spec_d": ["campaign", "campaign_groups", "campaign_weekly", "alerts", "alert_series", "cohort"],
}

# suite -> [(data set, as-of dates, implementation, marts)]. Data sets:
#   A     generate seed 3 + make_messy.py (SPEC §3 edge cases of volume/repeat/closure)
#   B     generate seed 4 + make_messy_b.py (deadlines, veto, appraisal edge cases)
#   Bwork B + make_messy_c.py, with day_basis: working and holidays_cn.csv
#   D     B + make_messy_d.py, with the campaigns above
SUITES = {
    "a": [("A", ["2026-05-20", "2024-02-29"], "spec_a", SPEC_TABLES["spec_a"])],
    "b": [("B", [GEN], "spec_a", SPEC_TABLES["spec_a"]),
          ("B", [GEN], "spec_b", SPEC_TABLES["spec_b"])],
    "c": [("B", [GEN], "spec_c", SPEC_TABLES["spec_c"]),
          ("B", [GEN], "spec_a", ["repeat"]),
          ("Bwork", [GEN], "spec_c", SPEC_TABLES["spec_c"]),
          ("Bwork", [GEN], "spec_a", ["repeat"])],
    "d": [("D", [D], "spec_d", SPEC_TABLES["spec_d"])],
}


def log(msg):
    print(msg, file=sys.stderr, flush=True)


class StepFailed(Exception):
    pass


class Runner:
    def __init__(self, work, jobs):
        self.work = work
        self.bin = os.path.join(work, "xinfang")
        self.logs = os.path.join(work, "logs")
        os.makedirs(self.logs, exist_ok=True)
        self.pool = ThreadPoolExecutor(max_workers=max(1, jobs))
        self.data = {}  # data set -> dict(petitions, units, cfg)

    def run(self, name, argv, stdout=None, cwd=None):
        """Run one step; its stderr (and stdout unless redirected) go to logs/NAME.log."""
        t = time.time()
        path = os.path.join(self.logs, name + ".log")
        with open(path, "w") as lf:
            out = open(stdout, "w") if stdout else lf
            try:
                rc = subprocess.run(argv, stdout=out, stderr=lf, cwd=cwd).returncode
            except OSError as e:  # e.g. go or python3 not on PATH
                raise StepFailed("%s could not start: %s: %s" % (name, " ".join(argv), e))
            finally:
                if stdout:
                    out.close()
        if rc != 0:
            with open(path, errors="replace") as lf:
                tail = lf.readlines()[-30:]
            raise StepFailed("%s failed (exit %d): %s\n%s" % (name, rc, " ".join(argv), "".join(tail)))
        log("  %-40s %6.1fs" % (name, time.time() - t))

    def py(self, name, script, *args, stdout=None):
        self.run(name, [sys.executable, os.path.join(HERE, script)] + list(args), stdout=stdout)

    def build(self):
        self.run("build", ["go", "build", "-tags", "duckdb_arrow", "-o", self.bin, "."], cwd=REPO)

    def p(self, *parts):
        return os.path.join(self.work, *parts)

    def dataset(self, name):
        """Generate and perturb data set `name` (and what it derives from) once."""
        if name in self.data:
            return self.data[name]
        d = {}
        if name == "A":
            self.run("generate-seed3", [self.bin, "generate", "--records", "20000", "--seed", "3", "--years", "3",
                                        "--out", self.p("gen3"), "--as-of", GEN_AS_OF])
            d["petitions"] = self.p("A.csv")
            d["units"] = self.p("gen3", "units.csv")
            self.py("make_messy-A", "make_messy.py", self.p("gen3", "petitions.csv"), d["petitions"],
                    "--as-of", GEN_AS_OF)
            extra = ""
        elif name == "B":
            self.run("generate-seed4", [self.bin, "generate", "--records", "20000", "--seed", "4", "--years", "3",
                                        "--out", self.p("gen4"), "--as-of", GEN_AS_OF])
            d["petitions"], d["units"] = self.p("B.csv"), self.p("B_units.csv")
            self.py("make_messy_b-B", "make_messy_b.py", self.p("gen4", "petitions.csv"), d["petitions"],
                    "--as-of", GEN_AS_OF, "--units-in", self.p("gen4", "units.csv"), "--units-out", d["units"])
            extra = "as_of: %s\n" % GEN_AS_OF
        elif name == "Bwork":
            b = self.dataset("B")
            d["petitions"], d["units"] = self.p("Bwork.csv"), b["units"]
            self.py("make_messy_c-Bwork", "make_messy_c.py", b["petitions"], d["petitions"],
                    "--holidays", HOLIDAYS, "--as-of", GEN_AS_OF)
            extra = "as_of: %s\nmetrics: {day_basis: working, holiday_file: %s}\n" % (GEN_AS_OF, HOLIDAYS)
            d["holidays"] = HOLIDAYS
        elif name == "D":
            b = self.dataset("B")
            d["petitions"], d["units"] = self.p("D.csv"), b["units"]
            asofs = []
            for a in D_AS_OFS:
                asofs += ["--as-of", a]
            self.py("make_messy_d-D", "make_messy_d.py", b["petitions"], d["petitions"], *asofs)
            d["campaigns"] = self.p("D_campaigns.json")
            with open(d["campaigns"], "w", encoding="utf-8") as f:
                json.dump(CAMPAIGNS, f, ensure_ascii=False)
            extra = "campaigns:\n" + "".join("  - %s\n" % json.dumps(c, ensure_ascii=False) for c in CAMPAIGNS)
        else:
            raise ValueError(name)
        d["cfg"] = self.p(name + ".yaml")
        with open(d["cfg"], "w", encoding="utf-8") as f:
            f.write("time_zone: Asia/Shanghai\n"
                    "database: %s\nreports_dir: %s\npseudonym: {key_file: %s}\nunits: {file: %s}\n"
                    "sources: [{name: messy, kind: csv, path: %s}]\n%s"
                    % (self.p(name + ".duckdb"), self.p(name + "_reports"), self.p("key"), d["units"],
                       d["petitions"], extra))
        for ext in ("", ".wal"):
            if os.path.exists(self.p(name + ".duckdb" + ext)):
                os.remove(self.p(name + ".duckdb" + ext))
        self.data[name] = d
        return d

    def spec(self, ds, asof, impl):
        """Start implementation `impl` on data set `ds` as of `asof`; returns (future, outdir)."""
        d = self.data[ds]
        out = self.p("spec", ds, asof, impl)
        if impl == "spec_a":
            args = [d["petitions"], d["units"], out, "--as-of", asof]
        else:
            args = ["--petitions", d["petitions"], "--units", d["units"], "--as-of", asof, "--out", out]
            if impl == "spec_c":
                args.append("--targets")
                if "holidays" in d:
                    args += ["--holidays", d["holidays"]]
            if impl == "spec_d":
                args += ["--campaigns", d["campaigns"]]
        fut = self.pool.submit(self.py, "%s-%s-%s" % (impl, ds, asof), impl + ".py", *args)
        return fut, out


def main():
    global GEN_AS_OF, D_AS_OFS
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("workdir")
    ap.add_argument("--suite", default="a,b,c,d", help="comma-separated suites (default a,b,c,d)")
    ap.add_argument("--as-of", help="comma-separated as-of dates for every selected suite, instead of each "
                                     "suite's own (suite D's edge rows are made for these dates)")
    ap.add_argument("--gen-as-of", default=GEN_AS_OF, help="the generated data's last day (default %s)" % GEN_AS_OF)
    ap.add_argument("--jobs", type=int, default=2, help="implementations run beside the product (default 2)")
    a = ap.parse_args()
    GEN_AS_OF = a.gen_as_of
    if a.as_of:
        D_AS_OFS = a.as_of.split(",")
    suites = [s.strip() for s in a.suite.split(",") if s.strip()]
    for s in suites:
        if s not in SUITES:
            ap.error("unknown suite %r (have %s)" % (s, ",".join(SUITES)))
    t0 = time.time()
    os.makedirs(a.workdir, exist_ok=True)
    r = Runner(os.path.abspath(a.workdir), a.jobs)

    # The plan: (data set, as-of) -> implementation -> marts, each mart with the suites asking.
    plan = {}
    for s in suites:
        for ds, asofs, impl, tables in SUITES[s]:
            if a.as_of:
                asofs = a.as_of.split(",")
            else:
                asofs = [x for y in asofs for x in ({GEN: [GEN_AS_OF], D: D_AS_OFS}.get(y, [y]))]
            for asof in asofs:
                for t in tables:
                    plan.setdefault((ds, asof), {}).setdefault(impl, {}).setdefault(t, []).append(s)
    results, specs = [], {}
    try:
        log("== build")
        r.build()
        log("== data sets")
        for ds, asof in plan:
            r.dataset(ds)
        for (ds, asof), impls in plan.items():
            for impl in impls:
                specs[(ds, asof, impl)] = r.spec(ds, asof, impl)
        ingested = set()
        for (ds, asof), impls in plan.items():
            d = r.data[ds]
            if ds not in ingested:
                log("== %s: ingest" % ds)
                r.run("ingest-" + ds, [r.bin, "ingest", "--config", d["cfg"]])
                ingested.add(ds)
            log("== %s as of %s: compute, export" % (ds, asof))
            r.run("compute-%s-%s" % (ds, asof), [r.bin, "compute", "--config", d["cfg"], "--as-of", asof])
            exp = r.p("product", ds, asof)
            os.makedirs(exp, exist_ok=True)
            for t in sorted({t for tabs in impls.values() for t in tabs}):
                r.run("export-%s-%s-%s" % (ds, asof, t),
                      [r.bin, "export", t, "--format", "csv", "--raw", "--config", d["cfg"]],
                      stdout=os.path.join(exp, t + ".csv"))
            for impl, tables in impls.items():
                fut, out = specs[(ds, asof, impl)]
                fut.result()
                for t, asked in tables.items():
                    try:
                        res = compare.compare(os.path.join(exp, t + ".csv"), os.path.join(out, t + ".csv"), t)
                    except OSError as e:  # an implementation that did not write a mart it claims
                        raise StepFailed("compare %s on %s as of %s: %s" % (t, ds, asof, e))
                    results.append((",".join(asked), ds, asof, t, impl, res))
    except StepFailed as e:
        log(str(e))
        r.pool.shutdown(cancel_futures=True)
        sys.exit(2)
    r.pool.shutdown()
    wall = time.time() - t0

    fmt = "%-5s %-6s %-10s %-23s %-7s %8s %10s %12s"
    print(fmt % ("suite", "data", "as-of", "mart", "spec", "rows", "cells", "differences"))
    rows = cells = diffs = 0
    for suite, ds, asof, t, impl, res in results:
        print(fmt % (suite, ds, asof, t, impl, res.rows, res.cells, res.differences))
        rows, cells, diffs = rows + res.rows, cells + res.cells, diffs + res.differences
    print(fmt % ("TOTAL", "", "", "%d comparisons" % len(results), "", rows, cells, diffs))
    nc = sorted({(t, c) for _, _, _, t, _, res in results for c in res.not_checked})
    if nc:
        print("not checked (reasons in compare.py NOT_CHECKED): " + ", ".join("%s.%s" % tc for tc in nc))
    for suite, ds, asof, t, impl, res in results:
        if res.differences:
            print("-- %s on %s as of %s (%s):" % (t, ds, asof, impl))
            res.report()
    print("wall time %.0f s" % wall)
    sys.exit(1 if diffs else 0)


if __name__ == "__main__":
    main()
