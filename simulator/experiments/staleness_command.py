"""`leadersim experiment staleness`: PBS's t-visibility and k-staleness on the eventual store."""

from __future__ import annotations

import argparse
import csv
import os
import sys
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TextIO

from simulator.cli_args import MessageFirstParser, seed_value
from simulator.experiments.command_input import EXIT_BAD_INPUT, EXIT_OK, BadInput, read_options
from simulator.experiments.delays import DelayError, Mixture, parse_delay
from simulator.experiments.executor import EngineError, engine_name, open_executor, run_tasks
from simulator.experiments.outputs import outputs_problem, save_plot
from simulator.experiments.progress import ProgressBar
from simulator.experiments.staleness import Wars, chunks, closed_form_within, run_chunk
from simulator.experiments.staleness_plot import versions_svg, visibility_svg

PROG = "leadersim experiment staleness"
DEFAULT_AT = "0,0.5,1,2,5,10,20,50,100"
MAX_TRIALS = 10_000_000
MAX_VERSIONS = 1000
MAX_AT_MS = 3_600_000.0
SvgToPng = Callable[[str, Path], None]



def _parser() -> argparse.ArgumentParser:
    parser = MessageFirstParser(
        prog=PROG, exit_on_error=False,
        description="Probabilistically bounded staleness (Bailis et al., PBS, VLDB 2012) "
                    "measured on the eventual store's own replicas and coordinators: N "
                    "replicas, a coordinator that is none of them, and the WARS delays W "
                    "(write to a replica), A (its ack), R (read request), S (its response). "
                    "A delay is exp:MEAN_MS, pareto:XM_MS:ALPHA, uniform:LOW_MS:HIGH_MS or a "
                    "weighted mixture such as 0.38*pareto:1.05:1.51+0.62*exp:5.46.",
    )
    parser.add_argument("--replicas", type=int, default=3, metavar="N", help="replicas (3)")
    parser.add_argument("--read-quorum", type=int, default=1, metavar="R", help="R (1)")
    parser.add_argument("--write-quorum", type=int, default=1, metavar="W", help="W (1)")
    for name, meaning in (("write", "a write to a replica"), ("ack", "a replica's ack"),
                          ("read", "a read request"), ("response", "a replica's response")):
        parser.add_argument(f"--{name}", default="exp:1", metavar="D",
                            help=f"delay of {meaning} (exp:1)")
    parser.add_argument("--at", default=None, metavar="T1,T2,...",
                        help=f"t-visibility: ms after the write commits when a read starts "
                             f"({DEFAULT_AT})")
    parser.add_argument("--versions", default=None, metavar="K1,K2,...",
                        help="k-staleness instead: reads after k successive writes")
    parser.add_argument("--trials", type=int, default=10_000, help="trials per point (10000)")
    parser.add_argument("--seed", type=seed_value, default=1, help="experiment seed (1)")
    parser.add_argument("--workers", type=int, default=None,
                        help="local processes to run trials in (all cores)")
    parser.add_argument("--dask", metavar="tcp://HOST:8786",
                        help="run the trials on this Dask scheduler's cluster instead "
                             "(pip install 'leadersim[cluster]')")
    parser.add_argument("--csv", type=Path, help="write the results to this CSV file")
    parser.add_argument("--plot", type=Path, help="plot the results (.svg or .png)")
    return parser


def _delay(option: str, text: str) -> Mixture:
    try:
        return parse_delay(text)
    except DelayError as problem:
        raise BadInput(f"{option}: {problem}") from None


def _numbers(option: str, text: str, whole: bool, low: float, high: float) -> list[float]:
    values: list[float] = []
    for part in text.split(","):
        try:
            value = float(int(part)) if whole else float(part)
        except ValueError:
            kind = "whole numbers" if whole else "numbers"
            raise BadInput(f"{option} takes {kind} separated by commas, got {part!r}") from None
        if not low <= value <= high:
            raise BadInput(f"{option}: {part} is not from {low:g} to {high:g}")
        values.append(value)
    if len(set(values)) != len(values):
        raise BadInput(f"{option}: a value is given twice in {text!r}")
    return values


def build(args: argparse.Namespace) -> tuple[Wars, str, list[float]]:
    """The configuration, the measure ("t" or "k") and its points; BadInput names a bad option."""
    if not 1 <= args.replicas <= 100:
        raise BadInput(f"--replicas must be from 1 to 100, got {args.replicas}")
    wars = Wars(args.replicas, args.read_quorum, args.write_quorum,
                _delay("--write", args.write), _delay("--ack", args.ack),
                _delay("--read", args.read), _delay("--response", args.response))
    if (problem := wars.problem()) is not None:
        raise BadInput(problem)
    if not 1 <= args.trials <= MAX_TRIALS:
        raise BadInput(f"--trials must be from 1 to {MAX_TRIALS}, got {args.trials}")
    if args.dask is not None and args.workers is not None:
        raise BadInput("--workers and --dask: give one (the Dask cluster has its own workers)")
    if args.workers is not None and args.workers < 1:
        raise BadInput(f"--workers must be at least 1, got {args.workers}")
    if args.versions is not None and args.at is not None:
        raise BadInput("--at and --versions: give one (t-visibility or k-staleness)")
    if args.versions is not None:
        return wars, "k", _numbers("--versions", args.versions, True, 1, MAX_VERSIONS)
    at_ms = _numbers("--at", args.at or DEFAULT_AT, False, 0, MAX_AT_MS)
    return wars, "t", [ms / 1000 for ms in at_ms]


def measure(wars: Wars, kind: str, values: Sequence[float], trials: int, seed: int,
            workers: int, dask: str | None, progress: Callable[[int, int], None]) -> list[int]:
    """How many trials of each point were consistent (t) or within k versions (k)."""
    cut = chunks(trials)
    tasks = [(run_chunk, (wars, kind, value, seed, index, size))
             for value in values for index, size in cut]
    hits = [0] * len(values)
    done = 0
    total = trials * len(values)

    def finished(task: int, count: int) -> None:
        nonlocal done
        hits[task // len(cut)] += count
        done += tasks[task][1][5]
        progress(done, total)

    with open_executor(workers, dask) as executor:
        run_tasks(executor, tasks, finished)
    return hits


def _rows(kind: str, values: Sequence[float], trials: int,
          hits: Sequence[int]) -> list[list[str]]:
    """The CSV rows: t in ms (or k), trials, the fraction consistent (or within k)."""
    scale = 1000 if kind == "t" else 1
    return [[f"{v * scale:g}", str(trials), f"{h / trials:.6f}"]
            for v, h in zip(values, hits, strict=True)]


def _table(wars: Wars, kind: str, rows: Sequence[list[str]]) -> str:
    header = (f"N={wars.replicas} R={wars.read_quorum} W={wars.write_quorum}  "
              f"W:{wars.write.text} A:{wars.ack.text} R:{wars.read.text} "
              f"S:{wars.response.text}\n")
    if kind == "t":
        lines = [f"{'t (ms)':>10}  {'trials':>8}  {'P(consistent)':>13}"]
        lines += [f"{r[0]:>10}  {r[1]:>8}  {float(r[2]):>13.4f}" for r in rows]
    else:
        lines = [f"{'versions':>10}  {'trials':>8}  {'P(within k)':>11}  {'closed form':>11}"]
        for r in rows:
            exact = closed_form_within(wars.replicas, wars.read_quorum, wars.write_quorum,
                                       int(r[0]))
            lines.append(f"{r[0]:>10}  {r[1]:>8}  {float(r[2]):>11.4f}  {exact:>11.4f}")
    return header + "\n".join(lines) + "\n"


def main(argv: Sequence[str], svg_to_png: SvgToPng | None = None,
         out: TextIO | None = None, err: TextIO | None = None) -> int:
    """Run the staleness experiment with ``argv``; the exit status (0, or 2 on bad input)."""
    out = out or sys.stdout
    err = err or sys.stderr

    def read() -> tuple[argparse.Namespace, tuple[Wars, str, list[float]]]:
        args = _parser().parse_args(list(argv))
        built = build(args)
        if (problem := outputs_problem(("--csv", args.csv), [("--plot", args.plot)],
                                       svg_to_png)) is not None:
            raise BadInput(problem)
        return args, built

    options, status = read_options(PROG, err, read)
    if options is None:
        return status
    args, (wars, kind, values) = options
    workers = args.workers or os.cpu_count() or 1
    started = time.monotonic()
    bar = ProgressBar(err)
    try:
        hits = measure(wars, kind, values, args.trials, args.seed, workers, args.dask, bar)
    except EngineError as error:
        err.write(f"{PROG}: {error}\n")
        return EXIT_BAD_INPUT
    finally:
        bar.close()
    rows = _rows(kind, values, args.trials, hits)
    out.write(_table(wars, kind, rows))
    err.write(f"{args.trials * len(values)} trials in {time.monotonic() - started:.1f} s "
              f"with {engine_name(workers, args.dask)}\n")
    try:
        if args.csv is not None:
            with open(args.csv, "w", newline="", encoding="utf-8") as handle:
                writer = csv.writer(handle)
                writer.writerow(("t_ms", "trials", "p_consistent") if kind == "t"
                                else ("versions", "trials", "p_within"))
                writer.writerows(rows)
        if args.plot is not None:
            svg = (visibility_svg(wars, [(float(r[0]), float(r[2])) for r in rows])
                   if kind == "t" else
                   versions_svg(wars, [(int(r[0]), float(r[2])) for r in rows]))
            save_plot(svg, args.plot, svg_to_png)
    except OSError as problem:
        err.write(f"{PROG}: cannot write the output: {problem}\n")
        return EXIT_BAD_INPUT
    return EXIT_OK
