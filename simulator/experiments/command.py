"""``leadersim experiment election-time ...``: parse the options, run, print, save CSV and plot.

Bad input (a malformed range, a number out of range, an unwritable output) gives one message
naming the option and exit status 2, before anything runs.
"""

from __future__ import annotations

import argparse
import csv
import math
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import replace
from pathlib import Path
from typing import TextIO

from simulator.cli_args import MessageFirstParser, seed_value
from simulator.config import Latency
from simulator.experiments.command_input import EXIT_BAD_INPUT, EXIT_OK, BadInput, read_options
from simulator.experiments.election_time import ElectionSetup
from simulator.experiments.executor import (
    EngineError,
    add_engine_options,
    check_engine_options,
    engine_name,
)
from simulator.experiments.outputs import outputs_problem, save_plot
from simulator.experiments.plot import cdf_svg
from simulator.experiments.progress import ProgressBar
from simulator.experiments.runner import run_lines
from simulator.experiments.stats import CSV_COLUMNS, LineStats, describe

PROG = "leadersim experiment"
PAPER_RANGES = "150-150,150-151,150-155,150-175,150-200,150-300"
ETCD_RANGES = "1000-2000"
DEFAULT_LATENCY = "0.05-0.15"
# One small write + fdatasync on a Crucial M4 with its write cache on (the drive's default),
# read from Ongaro's disk microbenchmark (ongardie/diskbenchmark, results.sample.svg, disk
# "m4", writes of 1-512 bytes): 2.4-3.8 ms. Not fitted to the paper's election times; see
# docs/experiments.md for the source, its caveats and how the results move with it.
DEFAULT_DISK = "2.4-3.8"
# How late a server's timer wakes past its deadline, uniform: Linux's default timer slack for a
# futex wait such as pthread_cond_timedwait (up to 0.05 ms late, prctl PR_SET_TIMERSLACK) plus
# an idle Nehalem core's wake-up from C6 (0.2 ms exit latency, the kernel's intel_idle table).
# Not fitted; docs/experiments.md gives the sources and how Figure 16 moves with it.
DEFAULT_TIMER_JITTER = "0-0.25"
MAX_TIMER_JITTER_MS = 1000.0

SvgToPng = Callable[[str, Path], None]


MIN_TIMER_MS = 1.0
MAX_TIMER_MS = 600_000.0
FLOOD = "a shorter timer floods the trials with events"



def _ms_range(option: str, text: str) -> tuple[float, float]:
    parts = text.strip().split("-")
    try:
        if len(parts) != 2:
            raise ValueError
        low, high = float(parts[0]), float(parts[1])
    except ValueError:
        raise BadInput(f"{option}: {text!r} is not a range like 150-300 (milliseconds)") from None
    if not (math.isfinite(low) and math.isfinite(high)) or low < 0 or high < low:
        raise BadInput(f"{option}: {text!r} must have 0 <= low <= high")
    return low / 1000, high / 1000


def _parser() -> argparse.ArgumentParser:
    parser = MessageFirstParser(
        prog=PROG, exit_on_error=False,
        description="Monte Carlo experiments. election-time repeats the Raft paper's Figure 16 "
                    "setup: crash the leader, measure the time until a new one is heard.",
    )
    parser.add_argument("experiment", choices=["election-time", "failover", "staleness"],
                        help="election-time (below), failover or staleness (see "
                             "`leadersim experiment failover --help`, "
                             "`leadersim experiment staleness --help`)")
    parser.add_argument("--ranges", help=f"election timeout ranges in ms, comma separated "
                                         f"(default {PAPER_RANGES}; with --etcd {ETCD_RANGES})")
    parser.add_argument("--trials", type=int, default=1000, help="trials per range (1000)")
    parser.add_argument("--nodes", default="5",
                        help="cluster size, or sizes separated by commas, e.g. 3,5,7,9 (5)")
    parser.add_argument("--seed", type=seed_value, default=1, help="experiment seed (1)")
    add_engine_options(parser)
    parser.add_argument("--heartbeat", type=float, help="heartbeat interval in ms "
                                                        "(default half the minimum timeout)")
    parser.add_argument("--pre-vote", action=argparse.BooleanOptionalAction, default=None,
                        help="PreVote (off, as in the paper; on with --etcd)")
    parser.add_argument("--check-quorum", action=argparse.BooleanOptionalAction, default=None,
                        help="CheckQuorum and leader stickiness (off; on with --etcd)")
    parser.add_argument("--timer-rules", choices=("paper", "etcd"), default=None,
                        help="when the election timer resets: as the Raft paper's LogCabin "
                             "(paper, the default) or as etcd (etcd, with --etcd)")
    parser.add_argument("--protocol", choices=("raft", "multi-paxos"), default="raft",
                        help="the consensus protocol of every trial (raft); multi-paxos runs "
                             "the same crash on Multi-Paxos (PreVote, CheckQuorum, timer rules, "
                             "vote writes and --etcd are Raft's: refused with it)")
    parser.add_argument("--loss", type=float, default=0.0, help="message loss probability")
    parser.add_argument("--latency", default=DEFAULT_LATENCY,
                        help=f"one-way latency range in ms ({DEFAULT_LATENCY}: the paper's "
                             f"gigabit LAN)")
    parser.add_argument("--disk", default=DEFAULT_DISK,
                        help=f"durable write (term and vote, or log entries) in ms "
                             f"({DEFAULT_DISK}: a Crucial M4's write + fdatasync, see "
                             f"docs/experiments.md)")
    parser.add_argument("--timer-jitter", default=DEFAULT_TIMER_JITTER,
                        help=f"how late past its deadline a server's timer wakes, a range in ms "
                             f"drawn uniformly at every wake-up ({DEFAULT_TIMER_JITTER}: Linux "
                             f"timer slack plus a CPU's wake-up from idle, see "
                             f"docs/experiments.md; 0-0 = exact timers, with which equal "
                             f"timeouts never elect)")
    parser.add_argument("--timeout-step", type=float, default=None,
                        help="election timeouts are whole multiples of this many ms (1, as "
                             "LogCabin draws them; 0 = continuous, the default with --etcd)")
    parser.add_argument("--overlap-vote-write", action="store_true",
                        help="a candidate sends its RequestVote while it writes its term and "
                             "vote (the dissertation's analysis), instead of after (LogCabin)")
    parser.add_argument("--vote-writes", type=int, choices=(1, 2), default=None,
                        help="writes before granting a vote in a new term: 2 as LogCabin (the "
                             "term, then the vote) or 1 (both at once, as etcd)")
    parser.add_argument("--cap", type=float, default=30.0,
                        help="seconds after which a trial counts as censored (30)")
    parser.add_argument("--etcd", action="store_true",
                        help="etcd's defaults: 100 ms heartbeat, 1000-2000 ms timeout, "
                             "PreVote and CheckQuorum on")
    parser.add_argument("--csv", type=Path, help="write one row per range to this CSV file")
    parser.add_argument("--plot", type=Path, help="write the CDF plot (.svg, or .png)")
    return parser


def build_setups(args: argparse.Namespace) -> list[ElectionSetup]:
    """Turn parsed options into one ElectionSetup per range; BadInput names a bad option."""
    if args.trials < 1:
        raise BadInput(f"--trials must be at least 1, got {args.trials}")
    sizes = _sizes(args.nodes)
    try:
        check_engine_options(args)
    except EngineError as problem:
        raise BadInput(str(problem)) from None
    if not 0.0 <= args.loss < 1.0:
        raise BadInput(f"--loss must be in [0, 1), got {args.loss}")
    if not (math.isfinite(args.cap) and args.cap > 0):
        raise BadInput(f"--cap must be a positive number of seconds, got {args.cap}")
    _check_protocol_options(args)
    heartbeat = None
    if args.heartbeat is not None:
        if not (math.isfinite(args.heartbeat) and MIN_TIMER_MS <= args.heartbeat <= MAX_TIMER_MS):
            raise BadInput(f"--heartbeat must be from {MIN_TIMER_MS:g} to {MAX_TIMER_MS:g} ms "
                           f"({FLOOD}), got {args.heartbeat:g}")
        heartbeat = args.heartbeat / 1000
    elif args.etcd:
        heartbeat = 0.1
    pre_vote = args.pre_vote if args.pre_vote is not None else args.etcd
    check_quorum = args.check_quorum if args.check_quorum is not None else args.etcd
    timer_rules = args.timer_rules or ("etcd" if args.etcd else "paper")
    step = args.timeout_step if args.timeout_step is not None else (0.0 if args.etcd else 1.0)
    if not (math.isfinite(step) and step >= 0):
        raise BadInput(f"--timeout-step must be a number of ms >= 0, got {step}")
    latency = Latency.uniform(*_ms_range("--latency", args.latency))
    disk = Latency.uniform(*_ms_range("--disk", args.disk))
    jitter = Latency.uniform(*_ms_range("--timer-jitter", args.timer_jitter))
    if jitter.b * 1000 > MAX_TIMER_JITTER_MS:
        raise BadInput(f"--timer-jitter: {args.timer_jitter!r} must lie within 0 to "
                       f"{MAX_TIMER_JITTER_MS:g} ms (a later wake-up is a pause, not jitter)")
    text = args.ranges or (ETCD_RANGES if args.etcd else PAPER_RANGES)
    labels = [part.strip() for part in text.split(",") if part.strip()]
    if not labels:
        raise BadInput("--ranges: give at least one range like 150-300")
    if len(set(labels)) != len(labels):
        raise BadInput(f"--ranges: {text!r} repeats a range")
    setups = []
    for label in labels:
        low, high = _ms_range("--ranges", label)
        if low * 1000 < MIN_TIMER_MS or high * 1000 > MAX_TIMER_MS:
            raise BadInput(f"--ranges: {label!r} must lie within {MIN_TIMER_MS:g} to "
                           f"{MAX_TIMER_MS:g} ms (the paper's smallest is 12-24; {FLOOD})")
        if heartbeat is not None and heartbeat >= low:
            given = "--heartbeat" if args.heartbeat is not None else "--etcd's heartbeat"
            raise BadInput(f"{given} {heartbeat * 1000:g} ms must be below the minimum election "
                           f"timeout of --ranges {label!r}: followers would time out between "
                           f"heartbeats and the leader could never keep its lead")
        for size in sizes:
            name = label if len(sizes) == 1 else f"{label} ({size} nodes)"
            base = ElectionSetup(low, high, label=name, nodes=size, heartbeat=heartbeat,
                                 pre_vote=pre_vote, check_quorum=check_quorum,
                                 timer_rules=timer_rules, loss=args.loss,
                                 cap=args.cap, timeout_step=step / 1000,
                                 overlap_candidate_write=args.overlap_vote_write,
                                 term_then_vote_writes=args.vote_writes != 1,
                                 protocol=args.protocol)
            setups.append(replace(base, latency=latency, disk=disk, timer_jitter=jitter))
    return setups


RAFT_ONLY_OPTIONS = ("pre_vote", "check_quorum", "timer_rules", "vote_writes",
                     "overlap_vote_write", "etcd")


def _check_protocol_options(args: argparse.Namespace) -> None:
    """Raft's own options with --protocol multi-paxos are refused, not silently ignored."""
    if args.protocol == "raft":
        return
    given = []
    for key in RAFT_ONLY_OPTIONS:
        value = getattr(args, key)
        if value is None or (value is False and key not in ("pre_vote", "check_quorum")):
            continue  # not given (--no-pre-vote and --no-check-quorum are given as False)
        given.append(f"--{'no-' if value is False else ''}{key.replace('_', '-')}")
    if given:
        raise BadInput(f"{', '.join(given)}: Raft's option{'s' if len(given) > 1 else ''}, but "
                       f"--protocol {args.protocol} runs no Raft; remove "
                       f"{'them' if len(given) > 1 else 'it'}")


def _sizes(text: str) -> list[int]:
    sizes = []
    for part in text.split(","):
        try:
            size = int(part.strip())
        except ValueError:
            raise BadInput(f"--nodes: {part.strip()!r} is not a whole number of nodes") from None
        if not 1 <= size <= 15:
            raise BadInput(f"--nodes must be from 1 to 15, got {size}")
        if size < 3:
            left = "no node" if size == 1 else "1 of 2 nodes, no majority"
            raise BadInput(f"--nodes {size}: crashing the leader leaves {left}, so no new "
                           f"leader can ever be elected (every trial would be censored); the "
                           f"smallest cluster that survives a crash is 3")
        if size in sizes:
            raise BadInput(f"--nodes: {text!r} repeats {size}")
        sizes.append(size)
    return sizes


def _cell(seconds: float, cap: float) -> str:
    if math.isinf(seconds):
        return f">{cap * 1000:g}"
    if math.isnan(seconds):
        return "-"
    return f"{seconds * 1000:.1f}"


def _nodes_text(setups: Sequence[ElectionSetup]) -> str:
    sizes = sorted({s.nodes for s in setups})
    return f"{sizes[0]} nodes" if len(sizes) == 1 else f"{', '.join(map(str, sizes))} nodes"


def format_table(stats: Sequence[LineStats], setups: Sequence[ElectionSetup]) -> str:
    """The results as an aligned text table (milliseconds), one row per line."""
    first = setups[0]
    beat = "half the minimum timeout" if first.heartbeat is None else \
        f"{first.heartbeat * 1000:g} ms"
    options = (
        "Multi-Paxos with back-off, no leader lease" if first.protocol == "multi-paxos" else
        f"PreVote {'on' if first.pre_vote else 'off'}, CheckQuorum "
        f"{'on' if first.check_quorum else 'off'}"
    )
    header = (
        f"Election time after a leader crash: {_nodes_text(setups)}, heartbeat {beat}"
        f", {options}, loss {first.loss:g}, latency "
        f"{first.latency.describe()}, disk {first.disk.describe()}, timer jitter "
        f"{first.timer_jitter.describe()}"
    )
    width = max(5, *(len(s.label) for s in stats))
    names = ("trials", "censored", "min", "median", "mean", "p90", "p99", "max")
    rows = [header, "", f"{'range':<{width}}" + "".join(f"{n:>10}" for n in names) + "   (ms)"]
    for s, setup in zip(stats, setups, strict=True):
        cells = [str(s.trials), str(s.censored)] + [
            _cell(v, setup.cap) for v in (s.min, s.median, s.mean, s.p90, s.p99, s.max)
        ]
        rows.append(f"{s.label:<{width}}" + "".join(f"{c:>10}" for c in cells))
    return "\n".join(rows) + "\n"


def write_csv(stats: Sequence[LineStats], path: Path) -> None:
    """Write one row per line with the columns of CSV_COLUMNS."""
    with open(path, "w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(CSV_COLUMNS)
        for s in stats:
            writer.writerow(s.csv_row())


def main(
    argv: Sequence[str], svg_to_png: SvgToPng | None = None,
    out: TextIO | None = None, err: TextIO | None = None,
) -> int:
    """Run ``leadersim experiment`` with ``argv``; return the exit status (0, or 2 on bad input).

    ``svg_to_png(svg_text, path)`` renders a PNG plot; without it only .svg plots are possible.
    """
    out = out or sys.stdout
    err = err or sys.stderr

    def read() -> tuple[argparse.Namespace, list[ElectionSetup]]:
        args = _parser().parse_args(list(argv))
        setups = build_setups(args)
        if (problem := outputs_problem(("--csv", args.csv), [("--plot", args.plot)],
                                       svg_to_png)) is not None:
            raise BadInput(problem)
        return args, setups

    options, status = read_options(PROG, err, read)
    if options is None:
        return status
    args, setups = options
    started = time.monotonic()
    bar = ProgressBar(err)
    try:
        results = run_lines(setups, args.trials, args.seed, args.workers, bar, args.dask)
    except EngineError as error:
        err.write(f"{PROG}: {error}\n")
        return EXIT_BAD_INPUT
    finally:
        bar.close()
    stats = [describe(s.name, r) for s, r in zip(setups, results, strict=True)]
    out.write(format_table(stats, setups))
    err.write(f"{args.trials * len(setups)} trials in {time.monotonic() - started:.1f} s "
              f"with {engine_name(args.workers, args.dask)}\n")
    try:
        if args.csv is not None:
            write_csv(stats, args.csv)
        if args.plot is not None:
            title = f"Election time after a leader crash ({_nodes_text(setups)})"
            svg = cdf_svg([(s.name, r) for s, r in zip(setups, results, strict=True)], title,
                          cap=max(s.cap for s in setups))
            save_plot(svg, args.plot, svg_to_png)
    except OSError as error:
        err.write(f"{PROG}: cannot write an output: {error.strerror or error}\n")
        return EXIT_BAD_INPUT
    return EXIT_OK
