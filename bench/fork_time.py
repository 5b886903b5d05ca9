"""Benchmark of forking a long session (issue 15): fork time and seek time after the fork.

A session of 5 Raft nodes and 3 app servers (the seed recipe) runs ``--minutes`` simulated
minutes with a crash at a quarter and a restart at half of it; then it is forked 1 s before its
end several times (each fork from the same session) and the median CPU and wall time of one
fork is printed: the replay and the projector's first world at the fork time, as in the
window. Then the same with the replay the idle window keeps for a fork (Session.prepare_fork,
30 s behind the fork time), and the idle CPU time that replay took. Seek time is the
projector's world at random times of the forked session (fold only).

Run: ``python bench/fork_time.py`` (``--minutes 10`` for a shorter session, ``--runs 5``,
``--window`` to add the fork in the window: timeline, narration and canvas rebuilt). To compare
with another checkout in one run: ``--root /path/to/other/checkout`` imports the code from
there.
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import time
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")


def session_of(minutes: float):  # type: ignore[no-untyped-def]
    """The session, run to its end, and its length in seconds."""
    from simulator.config import AppsConfig, AppServerConfig, RaftConfig, Scenario
    from ui.session import Session

    length = minutes * 60.0
    servers = tuple(AppServerConfig(f"app{i}", start_at=1.0 + 0.5 * i) for i in range(1, 4))
    scenario = Scenario(name="bench-5x3", duration=length, raft=RaftConfig(nodes=5),
                        apps=AppsConfig(servers=servers))
    session = Session(scenario)
    simulation = session.simulation
    simulation.run_until(length * 0.25)
    simulation.crash("n1")  # type: ignore[attr-defined]
    simulation.run_until(length * 0.5)
    simulation.restart("n1")  # type: ignore[attr-defined]
    simulation.run_until(length)
    session.world_at(length)
    return session, length


def fork_once(session, at: float) -> tuple[float, float]:  # type: ignore[no-untyped-def]
    """CPU and wall seconds of one fork at ``at`` (and the first world there)."""
    from ui.session import Session

    copy = Session.__new__(Session)  # the same session, so each fork starts from the original
    copy.__dict__.update(session.__dict__)
    cpu, wall = time.process_time(), time.perf_counter()
    copy.fork(at)
    copy.world_at(at)
    return time.process_time() - cpu, time.perf_counter() - wall


def ready_fork(session, at: float, behind: float) -> tuple[float, float, float]:  # type: ignore[no-untyped-def]
    """CPU and wall seconds of one fork at ``at`` when the replay kept for a fork (what the
    idle window does) is ``behind`` seconds before it, and the CPU seconds that replay took."""
    from ui.session import Session

    copy = Session.__new__(Session)
    copy.__dict__.update(session.__dict__)
    copy._standby = None  # noqa: SLF001 - each measurement prepares its own
    cpu = time.process_time()
    while not copy.prepare_fork(at - behind, 1.0):
        pass
    prepared = time.process_time() - cpu
    cpu, wall = time.process_time(), time.perf_counter()
    assert copy.fork(at), "the kept replay serves the fork"
    copy.world_at(at)
    return time.process_time() - cpu, time.perf_counter() - wall, prepared


def seek_ms(session, until: float, count: int = 200) -> list[float]:  # type: ignore[no-untyped-def]
    """Milliseconds of the world at ``count`` random times up to ``until`` (fold only)."""
    rng = random.Random(3)
    times = []
    for _ in range(count):
        t = rng.uniform(0.0, until)
        start = time.perf_counter()
        session.world_at(t)
        times.append((time.perf_counter() - start) * 1000.0)
    return times


def window_fork(minutes: float, idle: bool) -> tuple[float, float]:
    """CPU and wall seconds of a crash acted 1 s before the end of the session in the window:
    the fork, the timeline and narration rebuilt, and the frame painted (``idle``: after the
    window was left idle until its replay for a fork caught up with the cursor)."""
    from ui.app import ensure_application
    from ui.mainwindow import MainWindow

    app = ensure_application()
    session, length = session_of(minutes)
    window = MainWindow(session, remember=False)
    window.resize(1600, 1000)
    window.show()
    app.processEvents()
    window.ensure_timeline()
    runner = window.runner
    runner.seek(length)
    app.processEvents()
    runner.seek(length - 1.0)
    app.processEvents()
    if idle:
        from ui.runner import PREPARE_BEHIND

        behind = length - 1.0 - PREPARE_BEHIND
        while (runner.session.standby_time or 0.0) < behind:
            app.processEvents()
    cpu, wall = time.process_time(), time.perf_counter()
    runner.act("crash", "n2")
    app.processEvents()
    result = time.process_time() - cpu, time.perf_counter() - wall
    assert runner.session.forks == 1
    window.close()
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--minutes", type=float, default=60.0)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--window", action="store_true")
    parser.add_argument("--root", type=Path, default=Path(__file__).resolve().parent.parent)
    args = parser.parse_args()
    sys.path.insert(0, str(args.root.resolve()))

    start = time.perf_counter()
    session, length = session_of(args.minutes)
    events = len(session.trace)
    seeks_before = seek_ms(session, length)
    forks = [fork_once(session, length - 1.0) for _ in range(args.runs)]
    cpus, walls = [c for c, _ in forks], [w for _, w in forks]
    ready = []
    if hasattr(session, "prepare_fork"):
        ready = [ready_fork(session, length - 1.0, 30.0) for _ in range(args.runs)]
    session.fork(length - 1.0)
    seeks_after = seek_ms(session, length - 1.0)
    print(f"code: {args.root.resolve()}")
    print(f"session: {args.minutes:g} simulated minutes, 5 Raft + 3 apps, {events} events")
    print(f"fork 1 s before the end, {args.runs} runs: CPU s "
          f"{', '.join(f'{c:.2f}' for c in cpus)} (median {statistics.median(cpus):.2f}); "
          f"wall s {', '.join(f'{w:.2f}' for w in walls)} "
          f"(median {statistics.median(walls):.2f})  (target <= 1.5 s for 60 minutes)")
    if ready:
        print(f"fork with the replay kept 30 s behind (the idle window's): CPU s "
              f"{', '.join(f'{c:.3f}' for c, _, _ in ready)} (median "
              f"{statistics.median(c for c, _, _ in ready):.3f}); wall median "
              f"{statistics.median(w for _, w, _ in ready):.3f} s; keeping the replay took "
              f"{statistics.median(p for _, _, p in ready):.2f} s CPU of idle time")
    print(f"seek (world at a random time, fold only): median "
          f"{statistics.median(seeks_before):.2f} ms before the fork, "
          f"{statistics.median(seeks_after):.2f} ms after it; max "
          f"{max(seeks_before):.1f} / {max(seeks_after):.1f} ms")
    if args.window:
        kinds = [("at once", False)]
        if ready:
            kinds.append(("after the window was idle", True))
        for name, idle in kinds:
            window = [window_fork(args.minutes, idle) for _ in range(args.runs)]
            print(f"fork in the window {name} (timeline, narration, canvas rebuilt): CPU s "
                  f"{', '.join(f'{c:.2f}' for c, _ in window)} (median "
                  f"{statistics.median(c for c, _ in window):.2f}); wall median "
                  f"{statistics.median(w for _, w in window):.2f} s")
    print(f"(whole benchmark run: {time.perf_counter() - start:.1f} s wall)")


if __name__ == "__main__":
    main()
