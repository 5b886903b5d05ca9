"""Benchmark of the live window (issue 6): frame time, seek, fork and time to first frame.

A frame is what one timer tick does while playing: advance the simulation by frame_dt x speed,
project the World, update every view, and paint what changed (Qt's event loop runs once).

Run: ``QT_QPA_PLATFORM=offscreen python bench/gui_frames.py`` (add ``--quick`` for a short run).
Prints one line per figure with the issue's target next to it. Frame time is one timer tick:
advance the simulation by frame_dt x speed, project the World, update every view and repaint
the window (offscreen, 1600x1000).
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import subprocess
import sys
import time
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from PySide6.QtWidgets import QApplication  # noqa: E402

from simulator.config import AppsConfig, AppServerConfig, RaftConfig, Scenario  # noqa: E402
from ui import settings as prefs  # noqa: E402
from ui.mainwindow import MainWindow  # noqa: E402
from ui.runner import FRAME_MS  # noqa: E402
from ui.session import Session  # noqa: E402


def scenario(nodes: int, apps: int, duration: float = 600.0) -> Scenario:
    """A cluster of ``nodes`` Raft nodes and ``apps`` app servers running the seed recipe."""
    servers = tuple(AppServerConfig(f"app{i}", start_at=1.0 + 0.5 * i) for i in range(1, apps + 1))
    return Scenario(name=f"bench-{nodes}x{apps}", duration=duration,
                    raft=RaftConfig(nodes=nodes), apps=AppsConfig(servers=servers))


def percentile(values: list[float], fraction: float) -> float:
    """The ``fraction`` quantile of ``values`` (nearest rank)."""
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(fraction * len(ordered)))]


def open_window(app: QApplication, scen: Scenario) -> MainWindow:
    """A shown 1600x1000 window on ``scen`` (settings not remembered)."""
    window = MainWindow(Session(scen), remember=False)
    window.resize(1600, 1000)
    window.show()
    app.processEvents()
    window.ensure_timeline()
    app.processEvents()
    return window


def frame_times(app: QApplication, scen: Scenario, speed: float, frames: int,
                warmup: float, timeline: bool = True) -> list[float]:
    """Milliseconds per frame while playing ``scen`` at ``speed`` after ``warmup`` seconds
    (``timeline`` False: with the timeline dock closed, to see the canvas's own cost)."""
    window = open_window(app, scen)
    if not timeline:
        window.timeline_dock.hide()
        app.processEvents()
    runner = window.runner
    runner.seek(warmup)
    app.processEvents()
    # Playing, but the frames are driven here (one tick each) so each can be timed.
    runner.play()
    runner.timer.stop()
    dt = FRAME_MS / 1000.0 * speed
    times = []
    for _ in range(frames):
        start = time.perf_counter()
        runner.advance(dt)
        app.processEvents()
        times.append((time.perf_counter() - start) * 1000.0)
    window.close()
    return times


def seek_times(app: QApplication, scen: Scenario, length: float, seeks: int,
               store_tab: bool = False) -> list[float]:
    """Milliseconds to seek to random times in a ``length``-second session and redraw
    (``store_tab``: with a Raft node selected and the inspector's Store tab shown, so the log
    tail and the store are folded from the trace at each target too)."""
    window = open_window(app, scen)
    runner = window.runner
    runner.seek(length)
    if store_tab:
        window.scene.select_host("n1")
        window.inspector.show_store_tab()
    app.processEvents()
    rng = random.Random(3)
    times = []
    for _ in range(seeks):
        target = rng.uniform(0.0, length)
        start = time.perf_counter()
        runner.seek(target)
        window.repaint()
        app.processEvents()
        times.append((time.perf_counter() - start) * 1000.0)
    window.close()
    return times


def fork_time(scen: Scenario, length: float) -> tuple[float, int]:
    """Seconds to fork a ``length``-second session with user actions near its end."""
    session = Session(scen)
    simulation = session.simulation
    simulation.run_until(length * 0.25)
    simulation.crash("n1")  # type: ignore[attr-defined]
    simulation.run_until(length * 0.5)
    simulation.restart("n1")  # type: ignore[attr-defined]
    simulation.run_until(length)
    session.world_at(length)
    events = len(session.trace)
    start = time.perf_counter()
    session.fork(length - 1.0)
    session.world_at(length - 1.0)
    return time.perf_counter() - start, events


def window_fork_time(app: QApplication, scen: Scenario, length: float) -> float:
    """Seconds for a crash acted 1 s before the end of a ``length``-second session in the
    window: the fork, the timeline and narration rebuilt, and the first frame painted."""
    window = open_window(app, scen)
    runner = window.runner
    runner.seek(length)
    app.processEvents()
    runner.seek(length - 1.0)
    app.processEvents()
    start = time.perf_counter()
    runner.act("crash", "n2")
    app.processEvents()
    seconds = time.perf_counter() - start
    assert runner.session.forks == 1
    window.close()
    return seconds


def first_frame_seconds() -> tuple[float, float]:
    """Seconds from a fresh interpreter's start to the window's first painted frame, and to
    the frame with the simulation and the timeline (built right after the first frame, as
    when launched; bench/launch_time.py measures the launch itself)."""
    code = (
        "import time; t0 = time.perf_counter()\n"
        "import os; os.environ.setdefault('QT_QPA_PLATFORM', 'offscreen')\n"
        "from ui.app import ensure_application\n"
        "from ui.mainwindow import MainWindow\n"
        "from ui.session import Session\n"
        "from simulator.presets.catalog import find_scenario, DEFAULT_PRESET\n"
        "app = ensure_application()\n"
        "w = MainWindow(Session(find_scenario(DEFAULT_PRESET), start=False), remember=False)\n"
        "w.show(); w.repaint()\n"
        "first = time.perf_counter() - t0\n"
        "w.finish_loading(); w.repaint(); app.processEvents()\n"
        "print(first, time.perf_counter() - t0, flush=True)\n"
        "os._exit(0)\n"
    )
    result = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True,
                            text=True, check=False)
    if not result.stdout.strip():
        raise RuntimeError(f"the window did not start: {result.stderr.strip()}")
    first, with_timeline = (float(x) for x in result.stdout.strip().splitlines()[-1].split())
    return first, with_timeline


def main() -> None:
    """Measure and print every figure."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--quick", action="store_true", help="fewer frames, shorter session")
    args = parser.parse_args()
    frames = 120 if args.quick else 600
    length = 120.0 if args.quick else 600.0
    import tempfile

    prefs.use_directory(Path(tempfile.mkdtemp(prefix="leadersim-bench-")))
    app = QApplication.instance() or QApplication(sys.argv[:1])
    assert isinstance(app, QApplication)

    for nodes, apps, target in ((5, 3, 16), (9, 9, 33)):
        for timeline in (True, False):
            times = frame_times(app, scenario(nodes, apps), speed=10.0, frames=frames,
                                warmup=5.0, timeline=timeline)
            what = "whole window" if timeline else "timeline dock closed"
            print(f"frame time {nodes} Raft + {apps} apps at 10x ({what}): "
                  f"p95 {percentile(times, 0.95):.1f} ms, median {statistics.median(times):.1f} ms"
                  f"  (target p95 < {target} ms)")
    for store_tab in (False, True):
        seeks = seek_times(app, scenario(5, 3, duration=length), length, 40, store_tab)
        what = " (Store tab shown)" if store_tab else ""
        print(f"seek anywhere in a {length:.0f} s session + redraw{what}: "
              f"max {max(seeks):.1f} ms, median {statistics.median(seeks):.1f} ms  "
              "(target < 300 ms)")
    seconds, events = fork_time(scenario(5, 3, duration=length), length)
    print(f"fork of a {length:.0f} s session ({events} events): {seconds:.2f} s  "
          f"(target < 2 s)")
    window_fork = window_fork_time(app, scenario(5, 3, duration=length), length)
    print(f"fork in the window of a {length:.0f} s session, timeline rebuilt and drawn: "
          f"{window_fork:.2f} s  (target < 2 s)")
    first, with_timeline = first_frame_seconds()
    print(f"time to first frame: {first:.2f} s, with the timeline {with_timeline:.2f} s  "
          "(target < 2 s)")


if __name__ == "__main__":
    main()
