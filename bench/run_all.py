"""Run every benchmark in bench/ and write one Markdown table of their figures (bench/results.md).

    python bench/run_all.py [--quick] [--out bench/results.md] [--only NAME ...]

Each benchmark runs as its own subprocess (so one crash or one Qt application does not affect
the others); its printed figures are parsed into rows ``benchmark | figure | result | target``.
The known benchmarks and what they measure:

- raft_throughput: simulated seconds per wall second against a bare simpy loop in the same
  run, and peak memory for one simulated hour, the median of three runs (``--quick``: one run
  of a tenth of an hour), with the ``--floor`` diagnostic (the same run keeping no trace);
- gui_frames: GUI frame times, seek and fork times, time to first frame;
- launch_time: ``leadersim gui`` from process start to the main window's first paint event and
  to the fully loaded window (fresh processes, offscreen and under Xvfb), with ``python -c pass``
  and ``import PySide6.QtWidgets`` timed in the same run;
- timeline_redraw: timeline redraw times with one hour of events;
- election_time: the wall time of the election-time experiment, 1000 trials of each of the six
  ranges of the Raft paper on 2 workers (target under 2 minutes; ``--quick``: 100 trials).

Any other ``bench/*.py`` is run without arguments and its ``label: value`` lines are reported.
A known benchmark whose file does not exist is listed as missing. The table is printed and
written; the exit status is 1 if a benchmark failed or missed a target it checks itself.
"""

from __future__ import annotations

import argparse
import os
import platform
import re
import subprocess
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
EXPERIMENT_TARGET_S = 120.0

Row = tuple[str, str, str]  # figure, result, target
Parser = Callable[[str, str], list[Row]]


@dataclass(frozen=True, slots=True)
class Benchmark:
    """One benchmark: its name, the command (after the interpreter) in full and quick mode, the
    file it needs, what it measures, and how to read its output (stdout, stderr) into rows."""

    name: str
    needs: str
    full: tuple[str, ...]
    quick: tuple[str, ...]
    measures: str
    parse: Parser
    timeout: float = 1800.0
    env: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class Outcome:
    """What one benchmark run gave: rows, exit status, wall seconds and a problem if any."""

    benchmark: Benchmark
    rows: list[Row]
    status: int | None
    seconds: float
    problem: str = ""


_TARGET = re.compile(r"\(?\s*target\s+([^)]*)\)?", re.IGNORECASE)


def split_target(text: str) -> tuple[str, str]:
    """Split ``"12.0 ms (target < 16 ms)"`` into ``("12.0 ms", "< 16 ms")``."""
    match = _TARGET.search(text)
    if match is None:
        return text.strip(" ;,"), ""
    result = (text[:match.start()] + text[match.end():]).strip(" ;,")
    return result, match.group(1).strip(" ;,")


def parse_labelled(stdout: str, _stderr: str) -> list[Row]:
    """Rows from ``label: value (target ...)`` lines; lines without a digit are skipped."""
    rows: list[Row] = []
    for line in stdout.splitlines():
        if ":" not in line or not any(ch.isdigit() for ch in line):
            continue
        label, _, value = line.partition(": ")
        if not value:
            continue
        result, target = split_target(value)
        rows.append((label.strip(), result, target))
    return rows


def parse_throughput(stdout: str, stderr: str) -> list[Row]:
    """Rows of bench/raft_throughput.py: speed against real time and bare simpy, memory."""
    rows: list[Row] = []
    for line in stdout.splitlines():
        match = re.match(r"simulated (\S+) s in (\S+) s wall: (\S+) real time (.*)", line)
        if match:
            rest, target = split_target(match.group(4))
            result = f"{match.group(3)} real time ({match.group(2)} s wall)"
            rows.append((f"simulation speed, {match.group(1)} simulated s",
                         f"{result}; {rest}" if rest else result, target))
            continue
        if line.startswith("all targets") or line.startswith("TARGETS"):
            continue
        rows.extend(parse_labelled(line, stderr))
    return rows


def parse_table(stdout: str, stderr: str) -> list[Row]:
    """Rows of bench/timeline_redraw.py: its labelled lines and its table of cases."""
    rows: list[Row] = []
    in_table = False
    for line in stdout.splitlines():
        if line.startswith("case "):
            in_table = True
            continue
        numbers = re.findall(r"-?\d+(?:\.\d+)?", line[40:]) if in_table else []
        if in_table and len(numbers) == 3:
            median, p95, cpu = numbers
            rows.append((line[:40].strip(), f"median {median} ms, p95 {p95} ms, cpu {cpu} ms",
                         ""))
            continue
        in_table = False
        if line.startswith("target "):
            label, _, verdict = line.rpartition(":")
            rows.append((label.strip(), verdict.strip(), label.removeprefix("target ").strip()))
            continue
        rows.extend(parse_labelled(line, stderr))
    return rows


def parse_experiment(stdout: str, stderr: str) -> list[Row]:
    """Rows of the election-time experiment: its wall time against the target, and per range
    the median and maximum (milliseconds) with the censored count."""
    rows: list[Row] = []
    match = re.search(r"(\d+) trials in ([\d.]+) s with (\d+) worker", stderr)
    if match:
        trials, seconds, workers = match.groups()
        verdict = "met" if float(seconds) < EXPERIMENT_TARGET_S else "MISSED"
        rows.append((f"election-time experiment wall time ({trials} trials, {workers} workers)",
                     f"{float(seconds):.1f} s ({verdict})",
                     f"< {EXPERIMENT_TARGET_S:g} s for 6000 trials"))
    in_table = False
    for line in stdout.splitlines():
        if line.startswith("range "):
            in_table = True
            continue
        parts = line.split()
        if in_table and len(parts) == 9:
            label, trials, censored, _, median, _, _, _, maximum = parts
            note = f", {censored} censored" if censored != "0" else ""
            rows.append((f"range {label} ms ({trials} trials)",
                         f"median {median} ms, max {maximum} ms{note}", ""))
    return rows


def experiment_failed(rows: Sequence[Row]) -> bool:
    """True when the experiment's wall time missed its target."""
    return any("MISSED" in result for _, result, _ in rows)


def known_benchmarks() -> list[Benchmark]:
    """The benchmarks the issues ask for, with their quick variants."""
    qt = {"QT_QPA_PLATFORM": "offscreen"}
    return [
        Benchmark("raft_throughput", "raft_throughput.py",
                  ("bench/raft_throughput.py", "--repeat", "3", "--floor"),
                  ("bench/raft_throughput.py", "--hours", "0.1", "--floor"),
                  "simulation vs bare simpy; memory for one simulated hour",
                  parse_throughput),
        Benchmark("gui_frames", "gui_frames.py", ("bench/gui_frames.py",),
                  ("bench/gui_frames.py", "--quick"),
                  "GUI frame times, seek, fork, first frame", parse_labelled, env=qt),
        Benchmark("launch_time", "launch_time.py", ("bench/launch_time.py",),
                  ("bench/launch_time.py", "--runs", "3", "--platform", "offscreen"),
                  "launch to the window's first paint, fresh processes, with references",
                  parse_labelled),
        Benchmark("timeline_redraw", "timeline_redraw.py", ("bench/timeline_redraw.py",),
                  ("bench/timeline_redraw.py", "--repeat", "5"),
                  "timeline redraw with one hour of events", parse_table, env=qt),
        Benchmark("election_time", "../simulator/experiments/command.py",
                  ("-m", "simulator.cli", "experiment", "election-time", "--trials", "1000",
                   "--workers", "2"),
                  ("-m", "simulator.cli", "experiment", "election-time", "--trials", "100",
                   "--workers", "2"),
                  "election-time experiment wall time (6 ranges, 2 workers)",
                  parse_experiment),
    ]


def discover(known: Sequence[Benchmark]) -> list[Benchmark]:
    """Benchmarks in bench/ that are not among ``known`` (run without arguments)."""
    taken = {b.needs for b in known} | {Path(__file__).name}
    extra = []
    for path in sorted(BENCH.glob("*.py")):
        if path.name not in taken and not path.name.startswith("_"):
            extra.append(Benchmark(path.stem, path.name, (f"bench/{path.name}",),
                                   (f"bench/{path.name}",), "(not described)", parse_labelled,
                                   env={"QT_QPA_PLATFORM": "offscreen"}))
    return extra


def run(benchmark: Benchmark, quick: bool) -> Outcome:
    """Run one benchmark as a subprocess from the project root and parse its figures."""
    args = benchmark.quick if quick else benchmark.full
    env = {**os.environ, **benchmark.env}
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(ROOT), env.get("PYTHONPATH", "")]))
    start = time.perf_counter()
    try:
        done = subprocess.run([sys.executable, *args], cwd=ROOT, env=env, capture_output=True,
                              text=True, timeout=benchmark.timeout, check=False)
    except subprocess.TimeoutExpired:
        return Outcome(benchmark, [], None, time.perf_counter() - start,
                       f"did not finish within {benchmark.timeout:g} s")
    seconds = time.perf_counter() - start
    rows = benchmark.parse(done.stdout, done.stderr)
    problem = ""
    if done.returncode not in (0, 1):
        tail = (done.stderr.strip().splitlines() or ["(no output)"])[-1]
        problem = f"exit status {done.returncode}: {tail}"
    elif done.returncode == 1:
        problem = "missed a target it checks (exit status 1)"
    elif benchmark.parse is parse_experiment and experiment_failed(rows):
        problem = "missed its wall-time target"
    if not rows and not problem:
        problem = "printed no figures"
    return Outcome(benchmark, rows, done.returncode, seconds, problem)


def _cell(text: str) -> str:
    return text.replace("|", "\\|") or "-"


def markdown(outcomes: Sequence[Outcome], missing: Sequence[Benchmark], quick: bool) -> str:
    """The results as Markdown: the machine, one table of figures, problems and missing ones."""
    lines = [
        "# Benchmark results",
        "",
        f"`python bench/run_all.py{' --quick' if quick else ''}` on "
        f"{time.strftime('%Y-%m-%d %H:%M')}, {os.cpu_count()} CPUs, Python "
        f"{platform.python_version()}, {platform.system()} {platform.release()}. Wall times "
        f"depend on what else the machine is running.",
        "",
        "| benchmark | figure | result | target |",
        "|---|---|---|---|",
    ]
    for outcome in outcomes:
        name = outcome.benchmark.name
        for figure, result, target in outcome.rows:
            lines.append(f"| {name} | {_cell(figure)} | {_cell(result)} | {_cell(target)} |")
        lines.append(f"| {name} | (whole benchmark run) | {outcome.seconds:.1f} s wall | |")
    problems = [o for o in outcomes if o.problem]
    if problems:
        lines += ["", "Problems:", ""]
        lines += [f"- {o.benchmark.name}: {o.problem}" for o in problems]
    if missing:
        lines += ["", "Missing (no file yet):", ""]
        lines += [f"- {b.name} (bench/{b.needs}): {b.measures}" for b in missing]
    return "\n".join(lines) + "\n"


def main(argv: Sequence[str] | None = None) -> int:
    """Run the benchmarks, print the table and write it; 1 if any failed or missed a target."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="shorter runs of every benchmark")
    parser.add_argument("--out", type=Path, default=BENCH / "results.md",
                        help="Markdown file to write (bench/results.md)")
    parser.add_argument("--only", nargs="*", default=None, metavar="NAME",
                        help="run only these benchmarks (names as in the table)")
    args = parser.parse_args(argv)
    known = known_benchmarks()
    candidates = known + discover(known)
    if args.only is not None:
        names = {b.name for b in candidates}
        unknown = [n for n in args.only if n not in names]
        if unknown:
            print(f"run_all.py: --only: no benchmark named {', '.join(unknown)} "
                  f"(known: {', '.join(sorted(names))})", file=sys.stderr)
            return 2
        candidates = [b for b in candidates if b.name in args.only]
    parent = args.out.parent if str(args.out.parent) else Path(".")
    if not parent.is_dir():
        print(f"run_all.py: --out {args.out}: directory {parent} does not exist",
              file=sys.stderr)
        return 2
    present = [b for b in candidates if (BENCH / b.needs).exists()]
    missing = [b for b in candidates if not (BENCH / b.needs).exists()]
    outcomes = []
    for benchmark in present:
        print(f"running {benchmark.name} ...", file=sys.stderr, flush=True)
        outcomes.append(run(benchmark, args.quick))
    text = markdown(outcomes, missing, args.quick)
    print(text, end="")
    try:
        args.out.write_text(text, encoding="utf-8")
    except OSError as error:
        print(f"run_all.py: --out {args.out}: {error.strerror or error}", file=sys.stderr)
        return 2
    return 1 if any(o.problem for o in outcomes) else 0


if __name__ == "__main__":
    raise SystemExit(main())
