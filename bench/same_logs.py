"""Record every shipped lesson's event log, or check them byte for byte against a recording.

    python bench/same_logs.py record DIR     # before a refactor (e.g. from a worktree of main)
    python bench/same_logs.py compare DIR    # after it: exit 1 naming every log that differs

Runs ``leadersim run PRESET --events DIR/PRESET.jsonl`` for every preset in presets/ (with its
own seed and duration), plus ``raft-steady --until 600`` and ``random-faults-availability
--seed 7``, two processes at a time. A refactor meant to keep behaviour must leave every log
byte-identical.
"""

from __future__ import annotations

import argparse
import filecmp
import subprocess
import sys
import tempfile
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
LEADERSIM = ("import sys; from ui.launcher import main; sys.argv[0] = 'leadersim'; "
             "sys.exit(main())")
EXTRA = {"raft-steady-600": ("raft-steady", "--until", "600"),
         "random-faults-availability-seed7": ("random-faults-availability", "--seed", "7")}


def cases() -> dict[str, tuple[str, ...]]:
    """Name of each log -> the ``run`` arguments that produce it."""
    runs = {p.stem: (p.stem,) for p in sorted((ROOT / "presets").glob("*.toml"))}
    runs.update(EXTRA)
    return runs


def record(out: Path, jobs: int) -> list[str]:
    """Write every case's log into ``out``; the names of the cases whose run failed."""
    out.mkdir(parents=True, exist_ok=True)

    def one(item: tuple[str, tuple[str, ...]]) -> str | None:
        name, args = item
        done = subprocess.run([sys.executable, "-c", LEADERSIM, "run", *args, "--events",
                               str(out / f"{name}.jsonl")], cwd=ROOT, capture_output=True,
                              text=True)
        return None if done.returncode in (0, 1) else f"{name}: {done.stderr.strip()}"

    with ThreadPoolExecutor(jobs) as pool:
        return [r for r in pool.map(one, cases().items()) if r]


def main(argv: list[str] | None = None) -> int:
    """Record or compare; exit 1 when a log differs or a run fails."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("action", choices=("record", "compare"))
    parser.add_argument("dir", type=Path)
    parser.add_argument("--jobs", type=int, default=2)
    args = parser.parse_args(argv)
    if args.action == "record":
        failed = record(args.dir, args.jobs)
        print("\n".join(failed) or f"recorded {len(cases())} logs in {args.dir}")
        return 1 if failed else 0
    with tempfile.TemporaryDirectory() as tmp:
        failed = record(Path(tmp), args.jobs)
        differ = [name for name in cases()
                  if not (args.dir / f"{name}.jsonl").is_file()
                  or not filecmp.cmp(args.dir / f"{name}.jsonl", Path(tmp) / f"{name}.jsonl",
                                     shallow=False)]
    for line in failed:
        print(f"failed: {line}")
    for name in differ:
        print(f"differs: {name}")
    if not failed and not differ:
        print(f"all {len(cases())} logs byte-identical")
    return 1 if failed or differ else 0


if __name__ == "__main__":
    sys.exit(main())
