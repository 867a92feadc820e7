#!/usr/bin/env python3
"""gongshang's batch path and an OpenFisca peer model of it, side by side.

    pip install -r bench/openfisca/requirements.txt
    cargo build --release -p gongshang-cli
    python3 bench/openfisca/compare.py --rows 1000000

1. The input: `gongshang synth cases --count N --seed 7` (deterministic), one
   file for both.
2. Each side runs as its own process under `/usr/bin/time -v`, several times;
   the wall clock of the whole process is taken in this script and the median
   reported, with the peak RSS of the median run:
   - `gongshang calc --batch cases.csv --out ... --as-of YEAR-01-01` (all
     cores, and once more with `--threads 1`);
   - `python -m gongshang_peer.run --cases cases.csv --out ... --year YEAR`
     (numpy on one core, pyarrow reading and writing the CSV on every core;
     the peer prints where its time went).
3. The two result files are compared cell by cell, in fen.
4. With `--reform FILE`, the same again for the reform's year: the reform's
   overrides that the batch uses are appended to a copy of policies/ for
   gongshang (`--policies`) and applied as an OpenFisca reform to the peer.
5. `--float` also runs the peer in OpenFisca's float (float32 yuan) and counts
   the fen it gets wrong (not timed against gongshang: it is not the same
   computation).
"""

import argparse
import filecmp
import json
import os
import platform
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import tomllib
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.csv as pcsv

HERE = Path(__file__).resolve().parent
REPO = HERE.parent.parent
OUTPUTS = (
    "benefit_wage",
    "one_time_disability_subsidy",
    "monthly_disability_allowance",
    "monthly_living_care",
    "funeral_subsidy",
    "one_time_death_benefit",
    "monthly_survivor_pensions",
    "suspension_wages",
)


def timed(command, env=None, cwd=None):
    """Runs `command` under /usr/bin/time -v: (wall seconds, peak RSS in KiB
    or None, stdout)."""
    wrapper = ["/usr/bin/time", "-v"] if Path("/usr/bin/time").exists() else []
    started = time.perf_counter()
    done = subprocess.run(wrapper + command, capture_output=True, text=True, env=env, cwd=cwd)
    wall = time.perf_counter() - started
    if done.returncode != 0:
        sys.exit(f"failed ({done.returncode}): {' '.join(command)}\n{done.stdout}\n{done.stderr}")
    rss = None
    match = re.search(r"Maximum resident set size \(kbytes\): (\d+)", done.stderr)
    if match:
        rss = int(match.group(1))
    return wall, rss, done.stdout


def measure(name, command, runs, env=None, cwd=None):
    samples = []
    for i in range(runs):
        wall, rss, out = timed(command, env=env, cwd=cwd)
        samples.append((wall, rss, out))
        print(f"  {name} run {i + 1}: {wall:.3f} s, peak RSS {rss // 1024 if rss else '?'} MiB", flush=True)
    walls = [s[0] for s in samples]
    median = statistics.median(walls)
    # The run whose time is the median (the lower middle one for an even count).
    at = sorted(range(runs), key=lambda i: walls[i])[(runs - 1) // 2]
    return {
        "name": name,
        "median_s": median,
        "min_s": min(walls),
        "max_s": max(walls),
        "rss_kib": samples[at][1],
        "stdout": samples[at][2],
        "runs": runs,
    }


def read_fen(path):
    """A result file's amounts in fen (exact: two decimals through float64)."""
    types = {"case_id": pa.string(), **{c: pa.float64() for c in OUTPUTS}}
    table = pcsv.read_csv(path, convert_options=pcsv.ConvertOptions(column_types=types))
    return table.column("case_id").to_numpy(zero_copy_only=False), {
        c: np.rint(table.column(c).to_numpy() * 100).astype(np.int64) for c in OUTPUTS
    }


def agreement(gongshang_csv, peer_csv):
    ids_a, a = read_fen(gongshang_csv)
    ids_b, b = read_fen(peer_csv)
    if len(ids_a) != len(ids_b) or not (ids_a == ids_b).all():
        sys.exit(f"the two result files do not have the same rows in the same order: {gongshang_csv} {peer_csv}")
    rows_differing = np.zeros(len(ids_a), dtype=bool)
    columns = {}
    for c in OUTPUTS:
        diff = a[c] - b[c]
        off = diff != 0
        rows_differing |= off
        columns[c] = {
            "cells_differing": int(off.sum()),
            "max_abs_fen": int(np.abs(diff).max()) if len(diff) else 0,
        }
    return {
        "identical_files": filecmp.cmp(gongshang_csv, peer_csv, shallow=False),
        "rows": len(ids_a),
        "rows_agreeing": int((~rows_differing).sum()),
        "rows_differing": int(rows_differing.sum()),
        "first_differing": [str(x) for x in ids_a[rows_differing][:5]],
        "columns": columns,
    }


def national_keys():
    with open(REPO / "policies/national/regulations.toml", "rb") as f:
        return {p["key"] for p in tomllib.load(f)["parameter"]}


def toml_value(value):
    return f'"{value}"' if isinstance(value, str) else str(value)


def reformed_policies(reform_path, into):
    """A copy of policies/ with the reform's overrides of national keys
    appended as dated values (never overwritten, as the policy files want);
    the overrides applied and skipped."""
    shutil.copytree(REPO / "policies", into)
    path = into / "national/regulations.toml"
    text = path.read_text()
    keys = national_keys()
    with open(reform_path, "rb") as f:
        overrides = tomllib.load(f).get("override", [])
    applied, skipped = [], []
    for o in overrides:
        if o["key"] not in keys:
            skipped.append(o["key"])
            continue
        block = re.search(
            r'(\[\[parameter\]\]\nkey = "' + re.escape(o["key"]) + r'"\n.*?\nvalues = \[\n.*?)(\n\])', text, re.S
        )
        note = o.get("note", "reform").replace('"', "'")
        line = (
            f'\n  {{ from = {o["from"]}, value = {toml_value(o["value"])}, '
            f'article = "reform: {reform_path.name}", confidence = "INF", status = "illustrative", note = "{note}" }},'
        )
        text = text[: block.end(1)] + line + text[block.end(1) :]
        applied.append((o["key"], str(o["from"]), o["value"]))
    path.write_text(text)
    return applied, skipped


def check_parameters(years):
    """The peer's parameter YAML against policies/national/regulations.toml in
    each year: the same value for every key the peer has, or the run stops."""
    sys.path.insert(0, str(HERE))
    from gongshang_peer import build_system
    from gongshang_peer.reform import find_parameter, parse_value

    parameters = build_system("fen").parameters
    with open(REPO / "policies/national/regulations.toml", "rb") as f:
        national = tomllib.load(f)["parameter"]
    checked, wrong = 0, []
    for year in years:
        day = f"{year}-01-01"
        for p in national:
            peer = find_parameter(parameters, p["key"])
            if peer is None:
                continue
            in_force = [v for v in p["values"] if str(v["from"]) <= day]
            ours = parse_value(in_force[-1]["value"]) if in_force else None
            theirs = peer(day)
            checked += 1
            if ours is None or abs(float(theirs) - float(ours)) > 1e-12:
                wrong.append(f"{p['key']} on {day}: policies {ours}, peer {theirs}")
    if wrong:
        sys.exit("the peer's parameters differ from policies/national/regulations.toml:\n" + "\n".join(wrong))
    return checked


def load_average():
    try:
        return " ".join(Path("/proc/loadavg").read_text().split()[:3])
    except OSError:
        return "?"


def machine():
    cpu = "?"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    mem = "?"
    try:
        kib = int(re.search(r"MemTotal:\s+(\d+)", Path("/proc/meminfo").read_text()).group(1))
        mem = f"{kib / 1024 / 1024:.0f} GiB"
    except (OSError, AttributeError):
        pass
    return f"{cpu}, {os.cpu_count()} logical cpus, {mem} RAM, {platform.system()} {platform.release()}"


def mib(kib):
    return f"{kib / 1024:.0f} MiB" if kib else "?"


def table(rows, n):
    print()
    print(f"| side | median s (min-max) | rows/s | peak RSS | slower than gongshang by |")
    print(f"|---|---|---|---|---|")
    base = rows[0]["median_s"]
    for r in rows:
        print(
            f"| {r['name']} | {r['median_s']:.3f} ({r['min_s']:.3f}-{r['max_s']:.3f}) | "
            f"{n / r['median_s']:,.0f} | {mib(r['rss_kib'])} | {r['median_s'] / base:.1f}x |"
        )
    print()


def run_year(args, cases, work, year, policies=None, reform=None, label="baseline"):
    gongshang = str(args.gongshang)
    as_of = f"{year}-01-01"
    policy_args = ["--policies", str(policies)] if policies else []
    gs_out = work / f"gongshang-{label}.csv"
    peer_out = work / f"openfisca-{label}.csv"
    batch = [gongshang, "calc", "--batch", str(cases), "--out", str(gs_out), "--as-of", as_of] + policy_args
    print(f"{label} ({year}): gongshang", flush=True)
    gs = measure("gongshang calc --batch (all cores)", batch, args.runs)
    gs1 = measure("gongshang calc --batch --threads 1", batch + ["--threads", "1"], args.runs)
    def peer_command(out, *more):
        command = [sys.executable, "-m", "gongshang_peer.run", "--cases", str(cases), "--out", str(out), "--year", str(year)]
        return command + (["--reform", str(reform)] if reform else []) + list(more)

    peer = peer_command(peer_out)
    env = dict(os.environ, PYTHONPATH=str(HERE))
    print(f"{label} ({year}): OpenFisca peer", flush=True)
    of = measure("OpenFisca peer (numpy, fen; pyarrow CSV)", peer, args.peer_runs, env=env)
    phases = json.loads(of["stdout"].strip().splitlines()[-1])
    print(f"  peer phases of the median run: " + ", ".join(f"{k} {v:.3f}" for k, v in phases.items() if k.endswith("_s")))
    if phases.get("reform_applied"):
        print(f"  peer reform applied: {phases['reform_applied']}")
    agree = agreement(gs_out, peer_out)
    result = {"label": label, "year": year, "gongshang": gs, "gongshang_1_thread": gs1, "openfisca": of,
              "openfisca_phases": phases, "agreement": agree}
    if args.float:
        float_out = work / f"openfisca-float-{label}.csv"
        fl = measure("OpenFisca peer (float32 yuan)", peer_command(float_out, "--arithmetic", "float"), 1, env=env)
        result["openfisca_float"] = fl
        result["float_agreement"] = agreement(gs_out, float_out)
    return result


def report(result, n):
    gs, gs1, of = result["gongshang"], result["gongshang_1_thread"], result["openfisca"]
    print(f"\n=== {result['label']} ({result['year']}), {n:,} rows ===")
    table([gs, gs1, of], n)
    ratio = of["median_s"] / gs["median_s"]
    ph = result["openfisca_phases"]
    compute_ratio = ph["compute_s"] / gs["median_s"]
    print(f"speed ratio, whole process: OpenFisca / gongshang = {ratio:.1f}x (gongshang on one core: {of['median_s'] / gs1['median_s']:.1f}x)")
    print(f"the peer's compute phase alone ({ph['compute_s']:.3f} s: simulation built, 8 variables calculated) "
          f"against gongshang's whole run: {compute_ratio:.1f}x")
    a = result["agreement"]
    print(f"agreement to the fen: {a['rows_agreeing']:,} of {a['rows']:,} rows ({a['rows_differing']:,} differ); "
          f"the two result files {'are identical byte for byte' if a['identical_files'] else 'differ in their bytes'}")
    for c, s in a["columns"].items():
        if s["cells_differing"]:
            print(f"  {c}: {s['cells_differing']:,} cells differ, at most {s['max_abs_fen']} fen; first rows {a['first_differing']}")
    if "float_agreement" in result:
        f = result["float_agreement"]
        print(f"OpenFisca float32 yuan (same formulas, round_(x, 2)): {f['rows_agreeing']:,} of {f['rows']:,} rows agree, "
              f"{f['rows_differing']:,} differ by a fen or more ({result['openfisca_float']['median_s']:.3f} s, "
              f"{mib(result['openfisca_float']['rss_kib'])})")
        for c, s in f["columns"].items():
            if s["cells_differing"]:
                print(f"  {c}: {s['cells_differing']:,} cells, at most {s['max_abs_fen']} fen")


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--year", type=int, default=2026, help="the baseline year (rules in force on 1 January)")
    parser.add_argument("--runs", type=int, default=5, help="timed runs of gongshang")
    parser.add_argument("--peer-runs", type=int, default=5, help="timed runs of the peer")
    parser.add_argument("--reform", type=Path, help="e.g. examples/reforms/band-50-350-yilubao-0.6.toml")
    parser.add_argument("--reform-year", type=int, default=2027)
    parser.add_argument("--float", action="store_true", help="also count the fen OpenFisca's float32 gets wrong")
    parser.add_argument("--gongshang", type=Path, default=REPO / "target/release/gongshang")
    parser.add_argument("--dir", type=Path, help="keep the files here [default: a temporary folder]")
    parser.add_argument("--json", type=Path, help="write the figures here as JSON")
    args = parser.parse_args()
    if not args.gongshang.exists():
        sys.exit(f"{args.gongshang} not found: cargo build --release -p gongshang-cli")

    checked = check_parameters([args.year])
    print(f"parameters: the peer's {checked} values in force on {args.year}-01-01 are those of policies/national/regulations.toml")
    work = args.dir or Path(tempfile.mkdtemp(prefix="gongshang-openfisca-"))
    work.mkdir(parents=True, exist_ok=True)
    try:
        print(f"machine: {machine()}")
        print(f"load average before: {load_average()}")
        cases = work / "cases.csv"
        started = time.perf_counter()
        subprocess.run([str(args.gongshang), "synth", "cases", "--count", str(args.rows), "--seed", str(args.seed),
                        "--out", str(cases)], check=True, capture_output=True)
        print(f"input: gongshang synth cases --count {args.rows} --seed {args.seed} "
              f"({cases.stat().st_size / 2**20:.0f} MiB, {time.perf_counter() - started:.2f} s, not timed below)")

        results = [run_year(args, cases, work, args.year)]
        if args.reform:
            policies = work / "policies-reformed"
            if policies.exists():
                shutil.rmtree(policies)
            applied, skipped = reformed_policies(args.reform.resolve(), policies)
            print(f"reform {args.reform}: applied to gongshang {applied}; not used by the batch {skipped}")
            results.append(run_year(args, cases, work, args.reform_year, policies=policies,
                                    reform=args.reform.resolve(), label="reform"))
        print(f"load average after: {load_average()}")
        for r in results:
            report(r, args.rows)
        if args.json:
            args.json.write_text(json.dumps({"machine": machine(), "rows": args.rows, "results": results}, indent=2, default=str))
    finally:
        if not args.dir:
            shutil.rmtree(work, ignore_errors=True)
    if any(r["agreement"]["rows_differing"] for r in results):
        sys.exit("the fen peer model disagrees with gongshang on some rows")


if __name__ == "__main__":
    main()
