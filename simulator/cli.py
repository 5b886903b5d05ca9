"""The ``leadersim`` command line: run presets headless, list and validate them, open the window.

``main(argv, frontends)`` returns the exit status (EXIT_STATUSES): 0 on success, 1 when
``--fail-on-violation`` finds a violation, 2 on bad input or an unwritable output (one clear
message on stderr, checked before a run starts), 3 on an internal error (a bug in leadersim: one
line on stderr, no traceback unless LEADERSIM_DEBUG is set). The Qt
parts (the window, the offscreen timeline renderer) are injected by ``ui.launcher`` through
``Frontends``: this module never imports Qt.
"""

from __future__ import annotations

import argparse
import math
import os
import sys
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any, TextIO

from simulator.cli_args import MessageFirstParser, output_problem, seed_value
from simulator.config import Scenario
from simulator.frozen import frozen, replace
from simulator.presets import PresetError
from simulator.presets.catalog import DEFAULT_PRESET, find_scenario, list_presets
from simulator.recording import (
    DEFAULT_FPS,
    DEFAULT_SIZE,
    DEFAULT_SPEED,
    VIDEO_SUFFIXES,
    RecordRequest,
    parse_size,
)
from simulator.runtime.gc_pacing import no_collections
from simulator.trace.events import Event, RunEnd

PROG = "leadersim"
EXIT_OK = 0
EXIT_VIOLATION = 1
EXIT_BAD_INPUT = 2
EXIT_INTERNAL = 3
TIMELINE_SUFFIXES = (".png", ".svg")
SCREENSHOT_SUFFIXES = (".png", ".jpg", ".jpeg")
PROGRESS_CHUNKS = 100
PROGRESS_DELAY_S = 0.5
STATUS_EVERY_S = 10.0
DEBUG_ENV = "LEADERSIM_DEBUG"
MAX_UNTIL = 604_800.0

EXIT_STATUSES = f"""exit status:
  {EXIT_OK}  success
  {EXIT_VIOLATION}  a safety check failed (only with run --fail-on-violation)
  {EXIT_BAD_INPUT}  bad input: a broken preset, option or setting, an unwritable output file
  {EXIT_INTERNAL}  internal error: a bug in leadersim (one line; {DEBUG_ENV}=1 shows where)"""

GuiFrontend = Callable[[Scenario, float | None, Path | None], int]
RecordFrontend = Callable[[Scenario, RecordRequest], int]
TimelineRenderer = Callable[[Sequence[Event], Scenario, Path], None]


@frozen
class Frontends:
    """The Qt-backed pieces ``ui.launcher`` hands in: the window and the picture renderers.

    ``gui(scenario, until, screenshot)`` opens the window on a validated scenario (running it to
    ``until`` and saving a screenshot when given) and returns an exit status;
    ``render_timeline(events, scenario, path)`` draws the timeline picture offscreen;
    ``svg_to_png(svg_text, path)`` rasterises an experiment's plot;
    ``record(scenario, request)`` records a stretch of the run as video (simulator.recording);
    ``settle()`` is called once a run's modules are imported: the ``leadersim`` process hands in
    gc_pacing.settle_imports, so that later collections skip the modules' objects (None in a
    process that runs commands among other work, such as the tests).
    """

    gui: GuiFrontend | None = None
    render_timeline: TimelineRenderer | None = None
    svg_to_png: Callable[[str, Path], None] | None = None
    record: RecordFrontend | None = None
    settle: Callable[[], None] | None = None


class UsageError(Exception):
    """Bad input on the command line: the message names the argument or file and the problem."""


def main(argv: Sequence[str] | None = None, frontends: Frontends | None = None) -> int:
    """Run the command line with ``argv`` (default: sys.argv[1:]); return the exit status."""
    args_list = list(sys.argv[1:] if argv is None else argv)
    fronts = frontends or Frontends()
    try:
        if args_list[:1] == ["experiment"]:
            return _experiment(args_list[1:], fronts)
        if not args_list:
            return _gui(DEFAULT_PRESET, None, None, fronts)
        args = build_parser().parse_args(args_list)
        return _dispatch(args, fronts)
    except SystemExit as exit_request:
        return _exit_code(exit_request.code)
    except BrokenPipeError:
        _silence_stdout()
        return EXIT_OK
    except PresetError as error:
        print(str(error), file=sys.stderr)
        return EXIT_BAD_INPUT
    except UsageError as error:
        print(f"{PROG}: {error}", file=sys.stderr)
        return EXIT_BAD_INPUT
    except KeyboardInterrupt:
        print(f"{PROG}: interrupted", file=sys.stderr)
        return 130
    except Exception as error:  # noqa: BLE001 - the command line never shows a traceback
        if os.environ.get(DEBUG_ENV):
            raise
        print(f"{PROG}: internal error (a bug in leadersim, not in the input): "
              f"{type(error).__name__}: {error} (exit status {EXIT_INTERNAL}; set "
              f"{DEBUG_ENV}=1 to see where)", file=sys.stderr)
        return EXIT_INTERNAL


def _silence_stdout() -> None:
    """After a closed pipe (``leadersim presets | head -1``), drop what is left to print."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError, AttributeError):
        return


def _exit_code(code: object) -> int:
    if code is None:
        return EXIT_OK
    return code if isinstance(code, int) else EXIT_BAD_INPUT


def build_parser() -> argparse.ArgumentParser:
    """The argument parser with the sub-commands run, presets, validate, gui and experiment."""
    parser = MessageFirstParser(
        prog=PROG, description="A simulator that teaches leader election (Raft, leases, "
                               "election recipes, fencing).\nWithout a command it opens the "
                               "window with the default preset.",
        epilog=EXIT_STATUSES, formatter_class=argparse.RawDescriptionHelpFormatter)
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")

    run = commands.add_parser("run", help="run a preset headless and print a summary",
                              epilog=EXIT_STATUSES,
                              formatter_class=argparse.RawDescriptionHelpFormatter)
    run.add_argument("preset", metavar="PRESET", help="a preset file or a shipped name")
    run.add_argument("--seed", type=seed_value, help="the run's seed (default: the preset's)")
    run.add_argument("--until", type=_seconds, metavar="S",
                     help="simulated seconds to run (default: the preset's duration)")
    run.add_argument("--events", type=Path, metavar="FILE", help="write the event log (JSONL)")
    run.add_argument("--csv", type=Path, metavar="FILE", help="write the events as CSV")
    run.add_argument("--timeline", type=Path, metavar="FILE",
                     help="render the timeline picture (.png or .svg)")
    run.add_argument("--json", action="store_true", help="print the summary as JSON")
    run.add_argument("--fail-on-violation", action="store_true",
                     help=f"exit with status {EXIT_VIOLATION} when a safety check fails "
                          f"(an internal error exits with {EXIT_INTERNAL})")

    commands.add_parser("presets", help="list the shipped presets with their titles")

    validate = commands.add_parser("validate", help="check preset files")
    validate.add_argument("files", nargs="+", metavar="FILE",
                          help="preset files or shipped names")

    gui = commands.add_parser("gui", help="open the window (default preset when none given)")
    gui.add_argument("preset", nargs="?", default=DEFAULT_PRESET, metavar="PRESET",
                     help=f"a preset file or a shipped name (default: {DEFAULT_PRESET})")
    gui.add_argument("--seed", type=seed_value, help="the run's seed (default: the preset's)")
    gui.add_argument("--until", type=_seconds, metavar="S", help="run to this simulated time")
    gui.add_argument("--screenshot", type=Path, metavar="FILE",
                     help="save a picture of the window (.png or .jpg) and quit")
    gui.add_argument("--record", type=Path, metavar="FILE",
                     help="record the window from --from to --until as a video (.mp4) or an "
                          "animated picture (.gif, .webp) and quit")
    gui.add_argument("--from", dest="start", type=_start_time, default=0.0, metavar="S",
                     help="with --record: the simulated time it starts at (default 0)")
    gui.add_argument("--fps", type=_frame_rate, default=DEFAULT_FPS, metavar="N",
                     help=f"with --record: frames a second (default {DEFAULT_FPS})")
    gui.add_argument("--speed", type=_speed, default=DEFAULT_SPEED, metavar="X",
                     help="with --record: simulated seconds per second of video "
                          f"(default {DEFAULT_SPEED:g})")
    gui.add_argument("--size", type=_size, default=DEFAULT_SIZE, metavar="WxH",
                     help="with --record: the frames' size in pixels (default "
                          f"{DEFAULT_SIZE[0]}x{DEFAULT_SIZE[1]})")
    gui.add_argument("--presenter", action="store_true",
                     help="with --record: presenter mode's larger text")

    commands.add_parser("experiment", help="Monte Carlo experiments, e.g. election-time "
                                           "(see `leadersim experiment --help`)")
    return parser


def _seconds(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"must be a number of seconds, got {text!r}") from None
    if not math.isfinite(value) or value <= 0:
        raise argparse.ArgumentTypeError(f"must be a positive number of seconds, got {text}")
    if value > MAX_UNTIL:
        raise argparse.ArgumentTypeError(f"must be at most {MAX_UNTIL:g} seconds (a week, as "
                                         f"run.duration), got {text}")
    return value


def _dispatch(args: argparse.Namespace, fronts: Frontends) -> int:
    if args.command == "run":
        return _run(args, fronts)
    if args.command == "presets":
        return _presets(sys.stdout)
    if args.command == "validate":
        return _validate(args.files, sys.stdout)
    if args.command == "gui" and args.record is not None:
        return _record(args, fronts)
    if args.command == "gui":
        _no_record_options(args)
        return _gui(args.preset, args.until, args.screenshot, fronts, args.seed)
    build_parser().print_help(sys.stderr)
    return EXIT_BAD_INPUT


# --- outputs -------------------------------------------------------------------------------


def _check_output(option: str, path: Path | None, suffixes: Sequence[str] = ()) -> None:
    if path is None:
        return
    problem = output_problem(path, suffixes)
    if problem is not None:
        raise UsageError(f"{option} {path}: {problem}")


def _check_distinct_outputs(args: argparse.Namespace) -> None:
    """Refuse two outputs into one file, or an output over the preset being run."""
    preset = Path(args.preset)
    seen: dict[Path, str] = {}
    for option, path in (("--events", args.events), ("--csv", args.csv),
                         ("--timeline", args.timeline)):
        if path is None:
            continue
        where = path.resolve()
        if preset.is_file() and where == preset.resolve():
            raise UsageError(f"{option} {path}: is the preset being run; choose another file")
        if where in seen:
            raise UsageError(f"{option} {path}: is also the {seen[where]} file; choose another")
        seen[where] = option


def _write(option: str, path: Path, write: Callable[[], None]) -> None:
    try:
        write()
    except OSError as error:
        raise UsageError(f"{option} {path}: cannot be written: "
                         f"{error.strerror or error}") from None


# --- run -----------------------------------------------------------------------------------


def _run(args: argparse.Namespace, fronts: Frontends) -> int:
    scenario = find_scenario(args.preset)
    if args.seed is not None:
        scenario = replace(scenario, seed=args.seed)
    until = args.until if args.until is not None else scenario.duration
    _check_output("--events", args.events)
    _check_output("--csv", args.csv)
    _check_output("--timeline", args.timeline, TIMELINE_SUFFIXES)
    if args.timeline is not None and fronts.render_timeline is None:
        raise UsageError("--timeline needs the Qt renderer: use the leadersim command "
                         "(ui.launcher), or leave out --timeline")
    _check_distinct_outputs(args)
    with no_collections():  # the simulator's modules: long-lived objects, no garbage
        simulation_class = _simulation_class()
        if fronts.settle is not None:
            fronts.settle()
    try:
        simulation = simulation_class(scenario, scenario.seed)
    except ValueError as problem:
        raise UsageError(f"{args.preset}: the simulation cannot run this preset: "
                         f"{problem}") from None
    run_with_progress(simulation, until, sys.stderr)
    simulation.trace.emit(RunEnd(until))
    events = simulation.trace.events  # built again event by event as each reader goes
    _save(args, fronts, events, scenario)
    from simulator.checks import summarize

    summary = summarize(events, scenario, end=until)
    if args.json:
        import json

        json.dump(summary.to_dict(), sys.stdout, indent=2, ensure_ascii=False)
        sys.stdout.write("\n")
    else:
        sys.stdout.write(summary.to_text().rstrip("\n") + "\n")
    # The summary's violations include every violation event of the log (checks/summary.py).
    if args.fail_on_violation and not summary.safe:
        return EXIT_VIOLATION
    return EXIT_OK


def _simulation_class() -> Any:
    """The Simulation class, imported only when a run starts (tests replace it here)."""
    from simulator.runtime.simulation import Simulation

    return Simulation


def _save(
    args: argparse.Namespace, fronts: Frontends, events: Sequence[Event], scenario: Scenario
) -> None:
    if args.events is not None or args.csv is not None:
        from simulator.trace.export import save_csv, save_jsonl  # and json: only when asked for

        if args.events is not None:
            _write("--events", args.events, lambda: save_jsonl(events, args.events))
        if args.csv is not None:
            _write("--csv", args.csv, lambda: save_csv(events, args.csv))
    if args.timeline is not None and fronts.render_timeline is not None:
        render = fronts.render_timeline
        _write("--timeline", args.timeline, lambda: render(events, scenario, args.timeline))


def run_with_progress(simulation: Any, until: float, stream: TextIO,
                      label: str = "running") -> None:
    """Run ``simulation`` to ``until`` in fixed steps (the same steps with or without a bar),
    showing its progress on ``stream`` when the run is long (see ProgressBar)."""
    start = float(getattr(simulation, "now", 0.0) or 0.0)
    if until <= start:
        return
    bar = ProgressBar(stream, until, label)
    try:
        for chunk in range(1, PROGRESS_CHUNKS + 1):
            t = start + (until - start) * chunk / PROGRESS_CHUNKS
            simulation.run_until(t)
            bar.update(t)
    finally:
        bar.close()  # an error's message starts on a line of its own


class ProgressBar:
    """Progress of long work on ``stream``: on a terminal a one-line bar, redrawn in place once
    the work has taken PROGRESS_DELAY_S; elsewhere (a log, a pipe, CI) a status line every
    STATUS_EVERY_S seconds, so a long run never looks hung."""

    WIDTH = 30

    def __init__(self, stream: TextIO, total: float, label: str = "running",
                 prefix: str = "t = ", suffix: str = " s") -> None:
        self.stream = stream
        self.total = total
        self.label = label
        self.prefix, self.suffix = prefix, suffix
        self.enabled = _is_terminal(stream)
        self.started = time.monotonic()
        self._last_status = self.started
        self.shown = False

    def update(self, done: float) -> None:
        """Show that ``done`` (simulated seconds, frames...) of the total is done."""
        now = time.monotonic()
        percent = 100 * done / self.total if self.total > 0 else 100
        amount = f"{self.prefix}{done:g} / {self.total:g}{self.suffix}"
        if not self.enabled:
            if now - self._last_status >= STATUS_EVERY_S:
                self._last_status = now
                self.stream.write(f"{PROG}: {self.label}: {percent:.0f}% ({amount}), "
                                  f"{now - self.started:.0f} s so far\n")
                self.stream.flush()
            return
        if now - self.started < PROGRESS_DELAY_S:
            return
        filled = int(self.WIDTH * done / self.total) if self.total > 0 else self.WIDTH
        bar = "#" * filled + "." * (self.WIDTH - filled)
        self.stream.write(f"\r[{bar}] {percent:3.0f}%  {amount}")
        self.stream.flush()
        self.shown = True

    def close(self) -> None:
        """End the bar's line (nothing when it was never shown)."""
        if self.shown:
            self.stream.write("\n")
            self.stream.flush()
            self.shown = False


def _is_terminal(stream: TextIO) -> bool:
    try:
        return stream.isatty()
    except (AttributeError, ValueError):
        return False


# --- presets, validate, gui, experiment ----------------------------------------------------


def _presets(out: TextIO) -> int:
    infos = list_presets()
    if not infos:
        print("no shipped presets found", file=sys.stderr)
        return EXIT_OK
    width = max(len(info.name) for info in infos)
    for info in infos:
        title = info.title if info.valid else \
            f"(invalid: run `{PROG} validate {info.name}` to see why)"
        out.write(f"{info.name:<{width}}  {title}\n")
    return EXIT_OK


def _validate(files: Sequence[str], out: TextIO) -> int:
    status = EXIT_OK
    for name in files:
        try:
            scenario = find_scenario(name)
        except PresetError as error:
            print(str(error), file=sys.stderr)
            status = EXIT_BAD_INPUT
            continue
        out.write(f"{name}: ok ({scenario.title})\n")
    return status


def _gui(preset: str, until: float | None, screenshot: Path | None, fronts: Frontends,
         seed: int | None = None) -> int:
    scenario = find_scenario(preset)
    if seed is not None:
        scenario = replace(scenario, seed=seed)
    _check_output("--screenshot", screenshot, SCREENSHOT_SUFFIXES)
    if fronts.gui is None:
        raise UsageError("the window needs Qt: start it with the leadersim command "
                         "(ui.launcher); headless commands are run, presets, validate")
    return fronts.gui(scenario, until, screenshot)


def _start_time(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"must be a number of seconds, got {text!r}") from None
    if not math.isfinite(value) or value < 0 or value > MAX_UNTIL:
        raise argparse.ArgumentTypeError(f"must be from 0 to {MAX_UNTIL:g} seconds, got {text}")
    return value


def _frame_rate(text: str) -> int:
    try:
        return int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"must be a whole number of frames a second, "
                                         f"got {text!r}") from None


def _speed(text: str) -> float:
    try:
        return float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"must be a number, got {text!r}") from None


def _size(text: str) -> tuple[int, int]:
    try:
        return parse_size(text)
    except ValueError as problem:
        raise argparse.ArgumentTypeError(str(problem)) from None


_RECORD_ONLY = (("start", 0.0, "--from"), ("fps", DEFAULT_FPS, "--fps"),
                ("speed", DEFAULT_SPEED, "--speed"), ("size", DEFAULT_SIZE, "--size"),
                ("presenter", False, "--presenter"))


def _no_record_options(args: argparse.Namespace) -> None:
    """Refuse recording options without --record (they would be silently ignored)."""
    for name, default, option in _RECORD_ONLY:
        if getattr(args, name) != default:
            raise UsageError(f"{option} works only with --record FILE (.mp4, .gif or .webp)")


def _record(args: argparse.Namespace, fronts: Frontends) -> int:
    """``gui PRESET --record FILE``: check everything, then let the window record it."""
    if args.screenshot is not None:
        raise UsageError("--record and --screenshot: choose one (a video or a picture)")
    scenario = find_scenario(args.preset)
    if args.seed is not None:
        scenario = replace(scenario, seed=args.seed)
    end = args.until if args.until is not None else scenario.duration
    request = RecordRequest(args.record, args.start, end, args.fps, args.speed, args.size,
                            args.presenter)
    problem = request.problem()
    if problem is not None:
        raise UsageError(problem)
    _check_output("--record", args.record, VIDEO_SUFFIXES)
    preset = Path(args.preset)
    if preset.is_file() and args.record.resolve() == preset.resolve():
        raise UsageError(f"--record {args.record}: is the preset being run; choose another file")
    if fronts.record is None:
        raise UsageError("--record needs Qt: use the leadersim command (ui.launcher)")
    return fronts.record(scenario, request)


def _experiment(argv: list[str], fronts: Frontends) -> int:
    from simulator.experiments import main as experiment_main

    return int(experiment_main(argv, svg_to_png=fronts.svg_to_png))


if __name__ == "__main__":
    sys.exit(main())
