"""``leadersim experiment failover ...``: parse the grid, run it, print, save CSV and plots.

Bad input (an unknown recipe, a lease time that is no positive number, a malformed fault, a
preset that does not load, an unwritable output, an unreachable Dask scheduler) gives one
message naming the option and exit status 2, before any trial runs.
"""

from __future__ import annotations

import argparse
import csv
import math
import sys
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TextIO

from simulator.cli_args import MessageFirstParser, seed_value
from simulator.config import PROTECTIONS, Scenario
from simulator.experiments.command_input import EXIT_BAD_INPUT, EXIT_OK, BadInput, read_options
from simulator.experiments.executor import (
    EngineError,
    add_engine_options,
    check_engine_options,
    engine_name,
    open_executor,
)
from simulator.experiments.failover import (
    FAULT_KINDS,
    SWEEP_RECIPES,
    WARMUP,
    WINDOW,
    Cell,
    Fault,
    cell_scenario,
    default_base,
    split_recipe,
)
from simulator.experiments.failover_plot import failover_svg
from simulator.experiments.failover_stats import CSV_COLUMNS, CellStats, describe_cell
from simulator.experiments.outputs import outputs_problem, save_plot
from simulator.experiments.plot import cdf_svg
from simulator.experiments.progress import ProgressBar
from simulator.experiments.sweep import run_grid
from simulator.frozen import frozen

PROG = "leadersim experiment failover"
DEFAULT_RECIPES = ",".join(r for r in SWEEP_RECIPES if r != "eventual-lwt-kubernetes")
# eventual-lwt-kubernetes on request only: the default grid stays under 5 minutes on 2 cores,
# and the lightweight transaction changes most for the seed's racing put-if-absent.
DEFAULT_TTLS = "2,5,10,15"
DEFAULT_FAULTS = "crash,pause:12,cut,store-leader"
DEFAULT_PROTECTIONS = ",".join(PROTECTIONS)
MAX_SECONDS = 3600.0
MIN_TTL = 1.0  # the shortest apps.ttl a preset allows (simulator/presets/apps.py)

SvgToPng = Callable[[str, Path], None]



@frozen
class Grid:
    """The parsed grid: the base scenario and every cell, in the order the CSV lists them."""

    base: Scenario
    cells: tuple[Cell, ...]


def parser() -> argparse.ArgumentParser:
    """The options of ``leadersim experiment failover``."""
    parser = MessageFirstParser(
        prog=PROG, exit_on_error=False,
        description="Failover sweep: for every cell of recipe x lease time x fault x "
                    "protection, run trials with the fault at a random moment of the leader's "
                    "work and measure failover time, overlap, double charges, availability "
                    "and false failovers (docs/experiments.md defines them).")
    parser.add_argument("--recipes", default=DEFAULT_RECIPES,
                        help=f"election recipes, comma separated ({DEFAULT_RECIPES}; also "
                             f"eventual-lwt-kubernetes): "
                             f"eventual-* runs the recipe on the eventual (Dynamo-like) store, "
                             f"eventual-lwt-* with lightweight transactions")
    parser.add_argument("--ttl", default=DEFAULT_TTLS,
                        help=f"lease or session times in seconds ({DEFAULT_TTLS}): the lease "
                             f"TTL (seed, etcd), session timeout (zookeeper), lease duration "
                             f"(kubernetes)")
    parser.add_argument("--faults", default=DEFAULT_FAULTS,
                        help=f"faults ({DEFAULT_FAULTS}): crash, pause:SECONDS, cut (app leader "
                             f"cut off from the store), store-leader (the store's Raft leader "
                             f"crashes; on the eventual store, which has no leader, the node "
                             f"coordinating the app leader's requests)")
    parser.add_argument("--protection", default=DEFAULT_PROTECTIONS,
                        help=f"the provider's protections ({DEFAULT_PROTECTIONS})")
    parser.add_argument("--trials", type=int, default=100, help="trials per cell (100)")
    parser.add_argument("--seed", type=seed_value, default=1, help="experiment seed (1)")
    parser.add_argument("--preset", help="base scenario (a shipped preset or a .toml file): "
                                         "its cluster, network, store, app servers and job; "
                                         "its faults, captions and pause points are dropped")
    parser.add_argument("--window", type=float, default=WINDOW,
                        help=f"seconds watched after the fault ({WINDOW:g})")
    parser.add_argument("--warmup", type=float, default=WARMUP,
                        help=f"seconds before the fault's random moment ({WARMUP:g})")
    add_engine_options(parser)
    parser.add_argument("--csv", type=Path, help="write one row per cell to this CSV file")
    parser.add_argument("--plot", type=Path,
                        help="plot failover time against lease time per recipe (.svg or .png)")
    parser.add_argument("--cdf", type=Path,
                        help="plot the CDF of failover times of every cell (.svg or .png)")
    return parser


def _items(option: str, text: str) -> list[str]:
    items = [part.strip() for part in text.split(",") if part.strip()]
    if not items:
        raise BadInput(f"{option}: give at least one value")
    if len(set(items)) != len(items):
        raise BadInput(f"{option}: {text!r} repeats a value")
    return items


def _choices(option: str, text: str, known: Sequence[str]) -> list[str]:
    items = _items(option, text)
    for item in items:
        if item not in known:
            raise BadInput(f"{option}: unknown {item!r}; known: {', '.join(known)}")
    return items


def _seconds(option: str, text: str, low: float = 0.0) -> float:
    try:
        value = float(text)
    except ValueError:
        raise BadInput(f"{option}: {text!r} is not a number of seconds") from None
    if not (math.isfinite(value) and low < value <= MAX_SECONDS):
        raise BadInput(f"{option}: {text!r} must be more than {low:g} and at most "
                       f"{MAX_SECONDS:g} seconds")
    return value


def parse_fault(text: str) -> Fault:
    """A fault from its command-line form (``crash``, ``pause:12``, ``cut``, ``store-leader``)."""
    kind, colon, length = text.partition(":")
    if kind not in FAULT_KINDS:
        raise BadInput(f"--faults: unknown fault {text!r}; known: crash, pause:SECONDS, cut, "
                       f"store-leader")
    if kind == "pause":
        if not colon:
            raise BadInput("--faults: pause needs its length in seconds, e.g. pause:12")
        return Fault("pause", _seconds(f"--faults: {text}", length))
    if colon:
        raise BadInput(f"--faults: {kind} takes no length, got {text!r}")
    return Fault(kind)


def build_grid(args: argparse.Namespace) -> Grid:
    """The base scenario and the cells of the parsed options; BadInput names a bad option."""
    if args.trials < 1:
        raise BadInput(f"--trials must be at least 1, got {args.trials}")
    try:
        check_engine_options(args)
    except EngineError as problem:
        raise BadInput(str(problem)) from None
    if not (math.isfinite(args.window) and 0 < args.window <= MAX_SECONDS):
        raise BadInput(f"--window must be more than 0 and at most {MAX_SECONDS:g} seconds, "
                       f"got {args.window:g}")
    if not (math.isfinite(args.warmup) and 0 <= args.warmup <= MAX_SECONDS):
        raise BadInput(f"--warmup must be from 0 to {MAX_SECONDS:g} seconds, "
                       f"got {args.warmup:g}")
    recipes = _choices("--recipes", args.recipes, SWEEP_RECIPES)
    protections = _choices("--protection", args.protection, PROTECTIONS)
    ttls = [_seconds("--ttl", item) for item in _items("--ttl", args.ttl)]
    if len(set(ttls)) != len(ttls):
        raise BadInput(f"--ttl: {args.ttl!r} repeats a value")
    faults = [parse_fault(item) for item in _items("--faults", args.faults)]
    if len({f.label for f in faults}) != len(faults):
        raise BadInput(f"--faults: {args.faults!r} repeats a fault")
    base = _base(args.preset)
    cells = tuple(Cell(recipe, ttl, fault, protection)
                  for recipe in recipes for ttl in ttls for fault in faults
                  for protection in protections)
    for cell in cells:
        _check_cell(base, cell)
    return Grid(base, cells)


def _base(preset: str | None) -> Scenario:
    if preset is None:
        return default_base()
    from simulator.presets import PresetError
    from simulator.presets.catalog import find_scenario

    try:
        base = find_scenario(preset)
    except PresetError as problem:
        raise BadInput(f"--preset: {problem}") from None
    except (OSError, ValueError) as problem:
        raise BadInput(f"--preset {preset}: {problem}") from None
    if len(base.app_ids) < 2:
        raise BadInput(f"--preset {preset}: needs at least 2 app servers (apps.count) for a "
                       f"failover, has {len(base.app_ids)}")
    return base


def _check_cell(base: Scenario, cell: Cell) -> None:
    """Lease times the store would silently raise, a ZooKeeper tick below 1 ms, an eventual-seed
    TTL below a preset's shortest, or a base with too few nodes for the eventual store's
    replicas or quorums, are errors."""
    parts = split_recipe(cell.recipe)
    if parts.kind == "eventual":
        _check_eventual(base, cell)
    elif parts.recipe in ("seed", "etcd", "zookeeper"):
        floor = base.store.min_lease_ttl(base.raft)
        if cell.ttl < floor:
            raise BadInput(
                f"--ttl: {cell.ttl:g} s is below the store's minimum lease TTL for the "
                f"{cell.recipe} recipe ({floor:g} s: 1.5 x the election timeout, rounded up, "
                f"as etcd does)")
    scenario = cell_scenario(base, cell)
    if cell.recipe == "zookeeper" and scenario.apps.zookeeper.tick_time < 0.001:
        raise BadInput(f"--ttl: {cell.ttl:g} s is too short for a ZooKeeper session")


def _check_eventual(base: Scenario, cell: Cell) -> None:
    store, nodes = base.store, base.raft.nodes
    if store.replicas > nodes:
        raise BadInput(f"--recipes {cell.recipe}: the eventual store keeps each key on "
                       f"{store.replicas} replicas, but the base scenario has {nodes} store "
                       f"node(s) (--preset: [raft] nodes or [store] replicas)")
    for name, value in (("read_quorum", store.read_quorum),
                        ("write_quorum", store.write_quorum)):
        if value > store.replicas:
            raise BadInput(f"--recipes {cell.recipe}: the base scenario's store.{name} {value} "
                           f"is more than its {store.replicas} replicas")
    if split_recipe(cell.recipe).recipe == "seed" and cell.ttl < MIN_TTL:
        raise BadInput(f"--ttl: {cell.ttl:g} s is below {MIN_TTL:g} s, the shortest TTL of the "
                       f"{cell.recipe} recipe (as apps.ttl in a preset)")


def _check_outputs(args: argparse.Namespace, svg_to_png: SvgToPng | None) -> None:
    problem = outputs_problem(("--csv", args.csv), [("--plot", args.plot), ("--cdf", args.cdf)],
                              svg_to_png)
    if problem is not None:
        raise BadInput(problem)


def format_table(rows: Sequence[CellStats], window: float) -> str:
    """The results as an aligned text table, one row per cell (seconds)."""
    names = ("recipe", "ttl", "fault", "protection", "trials", "p50", "p90", "max", "overlap",
             "double", "avail", "false")
    recipe_width = max([11] + [len(row.cell.recipe) + 2 for row in rows])
    widths = (recipe_width, 5, 13, 11, 7, 8, 8, 8, 8, 7, 8, 6)
    lines = [f"Failover after a fault: times in seconds from the fault, watched for "
             f"{window:g} s ('>{window:g}' = no working leader by then)", "",
             "".join(f"{n:<{w}}" if i < 4 else f"{n:>{w}}"
                     for i, (n, w) in enumerate(zip(names, widths, strict=True)))]
    for row in rows:
        cells = row.csv_row()
        cells = [c.replace("inf", f">{window:g}") for c in cells]
        lines.append("".join(f"{c:<{w}}" if i < 4 else f"{c:>{w}}"
                             for i, (c, w) in enumerate(zip(cells, widths, strict=True))))
    return "\n".join(lines) + "\n"


def cell_labels(cells: Sequence[Cell]) -> tuple[list[str], str]:
    """A label per cell naming only what differs between the cells (recipe, time, fault,
    protection), and what they all share, e.g. ``10 s, crash, protection none``."""
    parts = [(c.recipe, f"{c.ttl:g} s", c.fault.label, f"protection {c.protection}")
             for c in cells]
    varies = [len({p[i] for p in parts}) > 1 for i in range(4)]
    if not any(varies):
        varies[0] = True
    labels = [" ".join(p[i] for i in range(4) if varies[i]) for p in parts]
    shared = ", ".join(parts[0][i] for i in range(4) if not varies[i]) if parts else ""
    return labels, shared


def write_csv(rows: Sequence[CellStats], path: Path) -> None:
    """One row per cell with the columns of CSV_COLUMNS."""
    with open(path, "w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(CSV_COLUMNS)
        for row in rows:
            writer.writerow(row.csv_row())


def main(
    argv: Sequence[str], svg_to_png: SvgToPng | None = None,
    out: TextIO | None = None, err: TextIO | None = None,
) -> int:
    """Run ``leadersim experiment failover`` with ``argv`` (after the word ``failover``)."""
    out = out or sys.stdout
    err = err or sys.stderr

    def read() -> tuple[argparse.Namespace, Grid]:
        args = parser().parse_args(list(argv))
        grid = build_grid(args)
        _check_outputs(args, svg_to_png)
        return args, grid

    options, status = read_options(PROG, err, read)
    if options is None:
        return status
    args, grid = options
    started = time.monotonic()
    bar = ProgressBar(err)
    try:
        with open_executor(args.workers, args.dask) as executor:
            results = run_grid(executor, grid.base, grid.cells, args.trials, args.seed,
                               args.warmup, args.window, bar)
    except EngineError as error:
        err.write(f"{PROG}: {error}\n")
        return EXIT_BAD_INPUT
    finally:
        bar.close()
    rows = [describe_cell(cell, outcomes)
            for cell, outcomes in zip(grid.cells, results, strict=True)]
    out.write(format_table(rows, args.window))
    err.write(f"{args.trials * len(grid.cells)} trials in {time.monotonic() - started:.1f} s "
              f"with {engine_name(args.workers, args.dask)}\n")
    try:
        if args.csv is not None:
            write_csv(rows, args.csv)
        if args.plot is not None:
            first = rows[0].cell.protection
            shown = [r for r in rows if r.cell.protection == first]
            title = (f"Failover time after a fault (protection {first}, {args.trials} trials "
                     f"per cell)")
            save_plot(failover_svg(shown, title, args.window), args.plot, svg_to_png)
        if args.cdf is not None:
            labels, shared = cell_labels([row.cell for row in rows])
            lines = [(label, [o.failover for o in outcomes])
                     for label, outcomes in zip(labels, results, strict=True)]
            title = "Failover time after a fault (CDF per cell" + \
                (f"; {shared})" if shared else ")")
            save_plot(cdf_svg(lines, title, cap=args.window), args.cdf, svg_to_png)
    except OSError as problem:
        err.write(f"{PROG}: cannot write the output: {problem}\n")
        return EXIT_BAD_INPUT
    return EXIT_OK
