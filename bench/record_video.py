"""Recording a lesson as video: a 25 s stretch at 10x speed and 30 frames a second (75 frames
at 1280x720) must encode in under 30 s on 2 cores.

    python bench/record_video.py [--runs N]

Each run is the whole ``leadersim gui pause-double-charge --record out.mp4 --from 20 --until 45
--speed 10 --fps 30`` process, timed from outside (start-up, the simulation to 45 s, drawing
and encoding included). For reference the same run times ``--until 45 --screenshot`` (start-up,
simulation and one picture), so the ratio shows what the 75 frames add on this machine. Prints
``label: value`` lines (bench/run_all.py reads them); the exit status is 1 over the target.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

TARGET_S = 30.0
PRESET = "pause-double-charge"
RECORD = ["--from", "20", "--until", "45", "--speed", "10", "--fps", "30", "--size", "1280x720"]


def _leadersim() -> list[str]:
    """The leadersim command of this interpreter's environment."""
    script = Path(sys.executable).with_name("leadersim")
    return [str(script)] if script.exists() else [sys.executable, "-m", "ui.launcher"]


def _timed(args: list[str]) -> float:
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen")
    started = time.perf_counter()
    subprocess.run(_leadersim() + args, check=True, env=env, stdout=subprocess.DEVNULL)
    return time.perf_counter() - started


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3, help="runs of each (median reported)")
    runs = max(1, parser.parse_args().runs)
    with tempfile.TemporaryDirectory() as folder:
        video = Path(folder) / "lesson.mp4"
        picture = Path(folder) / "window.png"
        recorded, reference = [], []
        for _ in range(runs):
            reference.append(_timed(["gui", PRESET, "--until", "45", "--screenshot",
                                     str(picture)]))
            recorded.append(_timed(["gui", PRESET, "--record", str(video), *RECORD]))
        size = video.stat().st_size
    record_s = statistics.median(recorded)
    reference_s = statistics.median(reference)
    print(f"record 25 s at 10x, 30 fps, 1280x720 (75 frames), whole process: {record_s:.1f} s "
          f"(target < {TARGET_S:g} s)")
    print(f"reference: screenshot at 45 s, whole process: {reference_s:.1f} s")
    print(f"ratio record / reference: {record_s / reference_s:.2f}")
    print(f"per frame beyond the reference: "
          f"{1000 * max(0.0, record_s - reference_s) / 75:.0f} ms")
    print(f"mp4 size: {size / 1024:.0f} KiB")
    return 0 if record_s < TARGET_S else 1


if __name__ == "__main__":
    sys.exit(main())
