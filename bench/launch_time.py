"""Launch to first painted frame (issue 15): ``leadersim gui`` as a fresh process each time.

    python bench/launch_time.py [--runs N] [--platform offscreen|xvfb|both] [--tree DIR ...]
                                [--preset NAME ...]

For every launch the parent notes ``time.perf_counter()`` (CLOCK_MONOTONIC, the same clock in
every process) just before starting the child and passes it on; the child
(bench/_first_paint_probe.py) runs the real ``leadersim gui PRESET`` and prints the seconds
since then at the first QEvent.Paint delivered to the main window and when the window is fully
loaded (timeline built, nothing left to load), with the CPU seconds it had used by then (less
disturbed by other work on a shared machine than the wall time). In the same run, alternated with the launches,
it times two references as whole processes from start to exit: ``python -c pass`` and
``python -c "import PySide6.QtWidgets"``. Each figure is the median of ``--runs`` launches.

``--tree`` measures other checkouts too (e.g. a worktree of an older commit), alternated with
this one. Platforms: Qt's offscreen platform, and an X server (Xvfb with the openbox window
manager, started once for the run) when Xvfb is installed. Settings go to a fresh temporary
directory, so every launch is a first start with the default layout.

Bytecode: as after ``pip install`` (or any earlier run), modules load from cached bytecode: the
run keeps it in a temporary PYTHONPYCACHEPREFIX, and one untimed launch of each kind fills it
first. ``--compile-each-time`` measures with PYTHONDONTWRITEBYTECODE=1 instead (every launch
compiles the project's modules from source, as in a checkout whose environment sets it).
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PROBE = Path(__file__).resolve().parent / "_first_paint_probe.py"
TARGET_S = 0.35
TIMEOUT_S = 120.0


Figure = tuple[float, float]  # wall seconds, CPU seconds


def whole_process(args: list[str], env: dict[str, str]) -> Figure:
    """Wall seconds from starting ``python ARGS`` to its exit, and its CPU seconds."""
    start = time.perf_counter()
    child = subprocess.Popen([sys.executable, *args], env=env, stdout=subprocess.DEVNULL,
                             stderr=subprocess.DEVNULL)
    _pid, status, usage = os.wait4(child.pid, 0)
    wall = time.perf_counter() - start
    child.returncode = os.waitstatus_to_exitcode(status)
    if child.returncode != 0:
        raise RuntimeError(f"python {' '.join(args)} failed ({child.returncode})")
    return wall, usage.ru_utime + usage.ru_stime


def launch(tree: Path, preset: str | None, env: dict[str, str]) -> tuple[Figure, Figure]:
    """(wall, CPU) seconds from start to the first paint event and to the fully loaded
    window."""
    gui = ["gui", preset] if preset else []
    start = time.perf_counter()
    result = subprocess.run([sys.executable, str(PROBE), repr(start), str(tree), *gui],
                            env=env, capture_output=True, text=True, timeout=TIMEOUT_S,
                            check=False)
    marks = {line.split()[0]: (float(line.split()[1]), float(line.split()[2]))
             for line in result.stdout.splitlines() if len(line.split()) == 3}
    if "first_paint" not in marks or "loaded" not in marks:
        raise RuntimeError(f"{tree} {preset}: the window did not paint: "
                           f"{result.stderr.strip()[-2000:]}")
    return marks["first_paint"], marks["loaded"]


@contextmanager
def x_server() -> Iterator[str | None]:
    """An Xvfb display (1280x800) with openbox for the run; None when Xvfb is not installed."""
    xvfb = shutil.which("Xvfb")
    if xvfb is None:
        yield None
        return
    read, write = os.pipe()
    server = subprocess.Popen([xvfb, "-displayfd", str(write), "-screen", "0", "1280x800x24",
                               "-nolisten", "tcp"], pass_fds=(write,),
                              stderr=subprocess.DEVNULL)
    os.close(write)
    with os.fdopen(read) as pipe:
        display = f":{pipe.readline().strip()}"
    manager = None
    if shutil.which("openbox"):
        manager = subprocess.Popen(["openbox"], env={**os.environ, "DISPLAY": display},
                                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        time.sleep(0.5)
    try:
        yield display
    finally:
        for process in (manager, server):
            if process is not None:
                process.terminate()
                process.wait(timeout=10)


def measure(platform: str, env: dict[str, str], trees: list[Path], presets: list[str | None],
            runs: int) -> None:
    """Alternate the references and every (tree, preset) launch ``runs`` times; print medians."""
    references = {"python -c pass": ["-c", "pass"],
                  'python -c "import PySide6.QtWidgets"': ["-c", "import PySide6.QtWidgets"]}
    times: dict[str, list[Figure]] = {name: [] for name in references}
    launches: dict[tuple[Path, str | None], list[tuple[Figure, Figure]]] = {
        (tree, preset): [] for tree in trees for preset in presets}
    for name, args in references.items():  # untimed: fills the bytecode cache
        whole_process(args, env)
    for key in launches:
        launch(*key, env)
    for _ in range(runs):
        for name, args in references.items():
            times[name].append(whole_process(args, env))
        for key in launches:
            launches[key].append(launch(*key, env))
    print(f"[{platform}] medians of {runs} fresh processes, alternated in one run")
    for name, values in times.items():
        print(f"{platform} {name}: {median_text(values)}")
    for (tree, preset), values in launches.items():
        what = f"leadersim gui {preset}" if preset else "leadersim"
        where = "" if tree == ROOT else f" [{tree}]"
        print(f"{platform} {what}{where} first paint: {median_text([v[0] for v in values])} "
              f"(wall of every run: {', '.join(f'{v[0][0]:.3f}' for v in values)})  "
              f"(target <= {TARGET_S} s)")
        print(f"{platform} {what}{where} fully loaded: "
              f"{median_text([v[1] for v in values])}")


def median_text(figures: list[Figure]) -> str:
    """``"0.123 s (CPU 0.100 s)"``: the medians of the wall and CPU seconds."""
    wall = statistics.median(f[0] for f in figures)
    cpu = statistics.median(f[1] for f in figures)
    return f"{wall:.3f} s (CPU {cpu:.3f} s)"


def main() -> None:
    """Parse the arguments and measure on each platform asked for."""
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=7, help="launches per figure (median)")
    parser.add_argument("--platform", choices=("offscreen", "xvfb", "both"), default="both")
    parser.add_argument("--tree", type=Path, action="append", default=[],
                        help="another checkout to measure too (alternated with this one)")
    parser.add_argument("--compile-each-time", action="store_true",
                        help="no bytecode cache: every launch compiles the modules from source")
    parser.add_argument("--preset", action="append", default=[],
                        help="a preset to open (default: seed-steady, and no argument)")
    args = parser.parse_args()
    trees = [ROOT, *(tree.resolve() for tree in args.tree)]
    presets: list[str | None] = list(args.preset) or ["raft-leader-crash", None]
    config = tempfile.mkdtemp(prefix="leadersim-launch-")
    base = {**os.environ, "XDG_CONFIG_HOME": config, "HOME": config}
    base.pop("QT_QPA_PLATFORM", None)
    if args.compile_each_time:
        base["PYTHONDONTWRITEBYTECODE"] = "1"
        base.pop("PYTHONPYCACHEPREFIX", None)
    else:
        base.pop("PYTHONDONTWRITEBYTECODE", None)
        base["PYTHONPYCACHEPREFIX"] = os.path.join(config, "pycache")
    print("bytecode: " + ("compiled from source at every launch" if args.compile_each_time
                          else "cached (as after pip install)"))
    try:
        if args.platform in ("offscreen", "both"):
            measure("offscreen", {**base, "QT_QPA_PLATFORM": "offscreen"}, trees, presets,
                    args.runs)
        if args.platform in ("xvfb", "both"):
            with x_server() as display:
                if display is None:
                    print("xvfb: Xvfb is not installed; measured offscreen only")
                else:
                    measure("xvfb", {**base, "DISPLAY": display, "QT_QPA_PLATFORM": "xcb"},
                            trees, presets, args.runs)
    finally:
        shutil.rmtree(config, ignore_errors=True)


if __name__ == "__main__":
    main()
