"""CPU of `leadersim run raft-steady --until 3600` against the minimal Raft floor, in one run.

    python bench/floor_ratio.py [--floor PATH] [--rounds 3] [--hours 1]

Runs ``python PATH --hours H --no-proposals`` (a minimal Raft-in-simpy written for speed, by
default ``../shared/bench/raft_floor.py`` next to the repository) and ``leadersim run
raft-steady --until 3600*H`` alternately, ``--rounds`` times each, and prints each process's
whole CPU time (user + system, from the operating system's accounting of the finished child),
their medians and the ratio of the medians (target: at most 2.0), and each round's own ratio.
Both are measured in the same run because the machine's speed varies with what else it runs;
on a busy machine the median of the rounds' ratios is the steadier figure.

Both run as an installed program does, with their modules' bytecode cached: one uncounted
warm-up run of each first, with bytecode written to a temporary cache (``PYTHONPYCACHEPREFIX``;
nothing is written into the repository) even where the environment says
``PYTHONDONTWRITEBYTECODE``. Without the cache every leadersim module is compiled from source at
every start (about 0.08 s more), while the floor's one import, simpy, is cached by pip.
``--no-bytecode-cache`` measures that way instead.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_FLOOR = ROOT.parent / "shared" / "bench" / "raft_floor.py"
TARGET = 2.0
LEADERSIM = ("import sys; from ui.launcher import main; sys.argv[0] = 'leadersim'; "
             "sys.exit(main())")


def child_cpu(command: list[str], env: dict[str, str] | None = None) -> float:
    """Run ``command`` to its end (output discarded); its user + system CPU seconds."""
    process = subprocess.Popen(command, cwd=ROOT, stdout=subprocess.DEVNULL,
                               stderr=subprocess.PIPE, env=env)
    _, status, usage = os.wait4(process.pid, 0)
    process.returncode = os.waitstatus_to_exitcode(status)
    stderr = process.stderr.read().decode() if process.stderr else ""
    if process.returncode not in (0, 1):  # 1: leadersim found a safety problem, still timed
        sys.exit(f"floor_ratio: {' '.join(command)} failed ({process.returncode}): {stderr}")
    return usage.ru_utime + usage.ru_stime


def main(argv: list[str] | None = None) -> int:
    """Alternate the two runs, print the figures and the ratio; exit 1 above the target."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--floor", type=Path, default=DEFAULT_FLOOR,
                        help="path of raft_floor.py (default: ../shared/bench/raft_floor.py "
                             "relative to the repository)")
    parser.add_argument("--rounds", type=int, default=3, help="runs of each (default 3)")
    parser.add_argument("--hours", type=float, default=1.0, help="simulated hours (default 1)")
    parser.add_argument("--no-bytecode-cache", action="store_true",
                        help="no warm-up and no bytecode cache: compile every module at every "
                             "start when the environment says PYTHONDONTWRITEBYTECODE")
    args = parser.parse_args(argv)
    if not args.floor.is_file():
        print(f"floor_ratio: --floor {args.floor}: no such file", file=sys.stderr)
        return 2
    floor_cmd = [sys.executable, str(args.floor), "--hours", f"{args.hours:g}",
                 "--no-proposals"]
    ours_cmd = [sys.executable, "-c", LEADERSIM, "run", "raft-steady", "--until",
                f"{3600 * args.hours:g}"]
    with tempfile.TemporaryDirectory(prefix="floor-ratio-pyc-") as cache:
        env = None
        if not args.no_bytecode_cache:
            env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
            env["PYTHONPYCACHEPREFIX"] = cache
            child_cpu(floor_cmd, env)  # warm-up: write the bytecode cache
            child_cpu(ours_cmd, env)
        floors: list[float] = []
        ours: list[float] = []
        for _ in range(args.rounds):
            floors.append(child_cpu(floor_cmd, env))
            ours.append(child_cpu(ours_cmd, env))
    floor_median, ours_median = statistics.median(floors), statistics.median(ours)
    ratio = ours_median / floor_median
    print(f"raft_floor.py --hours {args.hours:g} --no-proposals, CPU s: "
          + ", ".join(f"{c:.2f}" for c in floors) + f" (median {floor_median:.2f})")
    print(f"leadersim run raft-steady --until {3600 * args.hours:g}, CPU s: "
          + ", ".join(f"{c:.2f}" for c in ours) + f" (median {ours_median:.2f})")
    print("bytecode: " + ("compiled at every start" if args.no_bytecode_cache
                          else "cached after one warm-up run of each"))
    pairs = sorted(o / f for f, o in zip(floors, ours))
    print("ratio of each round (alternated, so each pair ran at the same load): "
          + ", ".join(f"{r:.2f}" for r in pairs) + f" (median {statistics.median(pairs):.2f})")
    print(f"ratio: {ratio:.2f} (target <= {TARGET:.1f}: {'met' if ratio <= TARGET else 'missed'})")
    return 0 if ratio <= TARGET else 1


if __name__ == "__main__":
    sys.exit(main())
