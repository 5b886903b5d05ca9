"""Wall time of the staleness experiment: 100,000 t-visibility trials of one configuration.

    python bench/staleness_speed.py [--trials 100000] [--workers 2] [--runs 3]

Runs ``leadersim experiment staleness`` (N=3, R=W=1, exponential WARS delays, one point at
commit) as a whole process several times and prints the median wall time against the target
(under 30 s on 2 cores), with each run's time, as ``label: value`` lines.
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TARGET_S = 30.0


def one_run(trials: int, workers: int) -> float:
    """Seconds of wall time for one experiment process."""
    command = [sys.executable, "-c", "from ui.launcher import main; main()", "experiment",
               "staleness", "--trials", str(trials), "--at", "0", "--workers", str(workers)]
    started = time.perf_counter()
    subprocess.run(command, cwd=ROOT, check=True, capture_output=True)
    return time.perf_counter() - started


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--trials", type=int, default=100_000)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    times = [one_run(args.trials, args.workers) for _ in range(args.runs)]
    median = statistics.median(times)
    print(f"staleness {args.trials} trials, {args.workers} workers, median wall: {median:.1f} s "
          f"(target < {TARGET_S:g} s)")
    print(f"staleness runs: {', '.join(f'{t:.1f} s' for t in times)}")
    print(f"staleness per trial: {median / args.trials * 1e6 * args.workers:.0f} us of a core")
    return 0


if __name__ == "__main__":
    sys.exit(main())
