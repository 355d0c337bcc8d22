"""Run every benchmark (``tests/bench/bench_*.py``) and write ``results/summary.md``.

Run from the project root (``make bench`` does this)::

    .venv/bin/python -m tests.bench.run_all [--quick] [--only NAME ...]

Each benchmark runs as ``python -m tests.bench.bench_<name>`` in its own subprocess, one
after the other (they time things: running them side by side would spoil the numbers), with
BLAS on one thread (``OPENBLAS_NUM_THREADS=1``). Each writes ``results/<name>.json``; the
summary gathers their printed tables and the numbers of their JSON files. The exit status
is non-zero when a benchmark failed or wrote no fresh results. ``results/runs.json`` keeps
each benchmark's latest record, so ``--only NAME`` refreshes one section of the summary.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import subprocess
import sys
import time
from pathlib import Path

BENCH_DIR = Path(__file__).resolve().parent
ROOT = BENCH_DIR.parents[1]
RESULTS_DIR = BENCH_DIR / "results"
SUMMARY = RESULTS_DIR / "summary.md"
#: Latest record (status, output, results) of every benchmark, so ``--only`` keeps the rest.
RUNS = RESULTS_DIR / "runs.json"


def discover(only=None):
    """Benchmark names (``bench_x.py`` -> ``x``) in alphabetical order."""
    names = sorted(path.stem.removeprefix("bench_") for path in BENCH_DIR.glob("bench_*.py"))
    if only:
        unknown = sorted(set(only) - set(names))
        if unknown:
            raise SystemExit(f"unknown benchmark(s) {unknown}; available: {names}")
        names = [name for name in names if name in only]
    return names


def run_one(name, extra_args):
    """Run one benchmark; return its record (status, seconds, output, JSON results)."""
    env = {**os.environ, "OPENBLAS_NUM_THREADS": "1"}
    result_file = RESULTS_DIR / f"{name}.json"
    started = time.time()
    proc = subprocess.run(
        [sys.executable, "-m", f"tests.bench.bench_{name}", *extra_args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
    )
    seconds = time.time() - started
    sys.stdout.write(proc.stdout)
    sys.stderr.write(proc.stderr)
    results, problem = None, None
    if proc.returncode != 0:
        problem = f"exit status {proc.returncode}"
    elif not result_file.exists() or result_file.stat().st_mtime < started:
        problem = f"no fresh {result_file.name} written"
    else:
        try:
            results = json.loads(result_file.read_text())
        except json.JSONDecodeError as exc:
            problem = f"{result_file.name} is not valid JSON: {exc}"
    return {
        "name": name,
        "finished": f"{dt.datetime.now(dt.UTC):%Y-%m-%d %H:%M UTC}",
        "args": " ".join(extra_args),
        "ok": problem is None,
        "problem": problem,
        "seconds": seconds,
        "stdout": proc.stdout.strip(),
        "stderr_tail": "\n".join(proc.stderr.strip().splitlines()[-15:]),
        "results": results,
    }


def markdown_table(rows):
    """A list of flat dicts as a Markdown table (columns in first-seen order)."""
    columns = list(dict.fromkeys(key for row in rows for key in row))
    lines = [
        "| " + " | ".join(columns) + " |",
        "|" + "|".join("---" for _ in columns) + "|",
    ]
    for row in rows:
        lines.append("| " + " | ".join(_cell(row.get(col, "")) for col in columns) + " |")
    return "\n".join(lines)


def key_numbers(results):
    """Scalars of a result file, one level of nesting flattened (``a.b``); no ``rows``."""
    flat = {}
    for key, value in results.items():
        if key == "rows":
            continue
        if isinstance(value, dict):
            for sub, inner in value.items():
                if _is_scalar(inner):
                    flat[f"{key}.{sub}"] = inner
        elif _is_scalar(value) or (
            isinstance(value, list) and all(_is_scalar(v) for v in value) and len(value) <= 8
        ):
            flat[key] = value
    return flat


def write_summary(records):
    lines = [
        "# Benchmark summary",
        "",
        "Written by `python -m tests.bench.run_all` (`make bench`). Each benchmark runs in its",
        "own process, one after the other, with OPENBLAS_NUM_THREADS=1; a run with `--only`",
        "keeps the other benchmarks' latest records.",
        "",
        f"- Python {platform.python_version()}, {os.cpu_count()} CPUs",
        "",
        "| benchmark | status | seconds | finished | args |",
        "|---|---|---|---|---|",
    ]
    for rec in records:
        status = "ok" if rec["ok"] else f"FAILED ({rec['problem']})"
        lines.append(
            f"| {rec['name']} | {status} | {rec['seconds']:.1f} | {rec.get('finished', '')} "
            f"| {rec.get('args', '')} |"
        )
    for rec in records:
        lines += ["", f"## {rec['name']}", ""]
        if rec["stdout"]:
            lines += ["```", rec["stdout"], "```", ""]
        if not rec["ok"]:
            lines += [f"**Failed**: {rec['problem']}", ""]
            if rec["stderr_tail"]:
                lines += ["```", rec["stderr_tail"], "```", ""]
            continue
        results = rec["results"]
        if isinstance(results, dict):
            rows = results.get("rows")
            if isinstance(rows, list) and rows and all(isinstance(r, dict) for r in rows):
                lines += [markdown_table(rows), ""]
            numbers = key_numbers(results)
            if numbers:
                lines += [markdown_table([{"key": k, "value": v} for k, v in numbers.items()])]
                lines.append("")
        lines.append(f"Full results: `tests/bench/results/{rec['name']}.json`")
    SUMMARY.write_text("\n".join(lines).rstrip() + "\n")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="pass --quick to the benchmarks")
    parser.add_argument("--only", nargs="+", metavar="NAME", help="run only these benchmarks")
    args = parser.parse_args()

    RESULTS_DIR.mkdir(parents=True, exist_ok=True)
    records = json.loads(RUNS.read_text()) if RUNS.exists() else {}
    failed = []
    for name in discover(args.only):
        print(f"== bench_{name}", flush=True)
        # Only benchmarks that know --quick get it (argparse would reject it otherwise).
        source = (BENCH_DIR / f"bench_{name}.py").read_text()
        quick = args.quick and "--quick" in source
        records[name] = run_one(name, ["--quick"] if quick else [])
        if not records[name]["ok"]:
            failed.append(name)
        RUNS.write_text(json.dumps(records, indent=1) + "\n")
        print(flush=True)
    write_summary([records[name] for name in discover() if name in records])
    print(f"summary written to {SUMMARY}")
    if failed:
        raise SystemExit(f"failed: {', '.join(failed)}")


def _is_scalar(value):
    return value is None or isinstance(value, str | int | float | bool)


def _cell(value):
    if isinstance(value, float):
        text = f"{value:.4g}"
    elif isinstance(value, list):
        text = json.dumps(value)
    else:
        text = str(value)
    return text.replace("|", "\\|").replace("\n", " ")


if __name__ == "__main__":
    main()
