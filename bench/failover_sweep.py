"""Wall time of the failover sweep's default grid, on a local process pool and on Dask.

    python bench/failover_sweep.py [--trials 100] [--workers 2] [--no-dask] [--kill-worker]
        [--keep DIR] [--grid '--recipes seed --ttl 2']

1. ``leadersim experiment failover`` with the default grid (7 recipes x 4 lease times x 4
   faults x 3 protections = 336 cells) at ``--trials`` per cell on ``--workers`` local
   processes: wall time and CPU time of the whole process tree (target: under 5 minutes).
2. The same command with ``--dask`` pointed at a distributed.LocalCluster of ``--workers``
   worker processes (one thread each) started here on localhost: wall time, its ratio to the
   local pool's (target: within 15 %) and whether the CSV is byte-identical.
   The two engines run alternately, pool first, ``--rounds`` times each (2); the medians are
   compared, because the machine may be shared. Each line gives the load average before the
   run, and each Dask run the CPU seconds of the workers, the scheduler and the client, so
   Dask's own overhead can be told from the load of other jobs.
3. With ``--kill-worker``: one more Dask run in which one worker process is killed (SIGKILL)
   while the sweep runs; Dask retries its tasks elsewhere, and the CSV must still be
   byte-identical.

Prints ``label: value`` lines (bench/run_all.py reads them); exit status 1 if a CSV differs.
"""

from __future__ import annotations

import argparse
import os
import resource
import shlex
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
GRID_TARGET_S = 300.0
DASK_RATIO_TARGET = 1.15


EXTRA: list[str] = []


def sweep(csv: Path, trials: int, engine: list[str]) -> tuple[float, float]:
    """Run the sweep into ``csv``; its wall and CPU seconds (the process and its children)."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    subprocess.run([sys.executable, "-m", "simulator.cli", "experiment", "failover",
                    "--trials", str(trials), "--csv", str(csv), *EXTRA, *engine],
                   cwd=ROOT, check=True, stdout=subprocess.DEVNULL)
    wall = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return wall, cpu


def cluster_cpu(cluster: object) -> tuple[float, float]:
    """CPU seconds so far of the cluster's worker processes, and of this process (the
    LocalCluster's scheduler runs in it)."""
    import psutil  # a dependency of distributed

    def seconds(process: psutil.Process) -> float:
        times = process.cpu_times()
        return times.user + times.system

    workers = 0.0
    for worker in list(cluster.workers.values()):  # type: ignore[attr-defined]
        try:
            workers += seconds(psutil.Process(worker.process.pid))
        except (psutil.Error, AttributeError):
            continue
    return workers, seconds(psutil.Process())


def kill_one_worker_later(cluster: object, delay: float) -> threading.Thread:
    """After ``delay`` seconds, SIGKILL the process of one of the cluster's workers."""

    def kill() -> None:
        time.sleep(delay)
        workers = list(cluster.workers.values())  # type: ignore[attr-defined]
        pid = workers[0].process.pid  # the nanny's worker process
        os.kill(pid, signal.SIGKILL)
        print(f"killed worker process: pid {pid} after {delay:g} s", flush=True)

    thread = threading.Thread(target=kill, daemon=True)
    thread.start()
    return thread


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--trials", type=int, default=100)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--no-dask", action="store_true")
    parser.add_argument("--rounds", type=int, default=2,
                        help="alternating pool and Dask runs, each (2)")
    parser.add_argument("--kill-worker", action="store_true")
    parser.add_argument("--keep", type=Path, help="keep the CSV files in this directory")
    parser.add_argument("--grid", default="",
                        help="other grid options for a smaller run, e.g. '--recipes seed'")
    args = parser.parse_args()
    EXTRA[:] = shlex.split(args.grid)
    out = args.keep or Path(tempfile.mkdtemp(prefix="failover-bench-"))
    out.mkdir(parents=True, exist_ok=True)
    print(f"machine: {os.cpu_count()} CPUs, load average {os.getloadavg()[0]:.1f} at start "
          f"(the machine may be shared); grid: {args.grid or 'the default grid'}")
    pool_walls: list[float] = []
    dask_walls: list[float] = []
    status = 0
    if args.no_dask:
        wall, cpu = sweep(out / "pool.csv", args.trials, ["--workers", str(args.workers)])
        pool_walls.append(wall)
        print(f"default grid, {args.trials} trials per cell, {args.workers} local workers: "
              f"{wall:.1f} s wall, {cpu:.1f} s CPU "
              f"({'met' if wall < GRID_TARGET_S else 'missed'}; target < {GRID_TARGET_S:g} s)")
        return 0
    from distributed import LocalCluster

    reference = None
    with LocalCluster(n_workers=args.workers, threads_per_worker=1, processes=True,
                      host="127.0.0.1", dashboard_address="127.0.0.1:0") as cluster:
        for round_number in range(1, args.rounds + 1):
            csv = out / f"pool{round_number}.csv"
            load = os.getloadavg()[0]
            wall, cpu = sweep(csv, args.trials, ["--workers", str(args.workers)])
            pool_walls.append(wall)
            print(f"default grid, {args.trials} trials per cell, {args.workers} local workers, "
                  f"run {round_number}: {wall:.1f} s wall (load average {load:.1f} before), "
                  f"{cpu:.1f} s CPU (the command and its workers)")
            reference = reference or csv.read_bytes()
            same = csv.read_bytes() == reference
            dcsv = out / f"dask{round_number}.csv"
            load = os.getloadavg()[0]
            before = cluster_cpu(cluster)
            wall, client = sweep(dcsv, args.trials, ["--dask", cluster.scheduler_address])
            workers, scheduler = (b - a for a, b in zip(before, cluster_cpu(cluster),
                                                        strict=True))
            dask_walls.append(wall)
            dsame = dcsv.read_bytes() == reference
            print(f"default grid on a LocalCluster of {args.workers} worker processes, run "
                  f"{round_number}: {wall:.1f} s wall (load average {load:.1f} before), CPU: "
                  f"workers {workers:.1f} s, scheduler {scheduler:.1f} s, client {client:.1f} s; "
                  f"ratio to the pool run before it {wall / pool_walls[-1]:.2f}; CSV identical "
                  f"to the pool's: {'yes' if same and dsame else 'NO'}")
            status |= 0 if same and dsame else 1
        if args.kill_worker:
            kcsv = out / "dask-killed.csv"
            kill_one_worker_later(cluster, max(5.0, statistics.median(dask_walls) / 3))
            wall, _ = sweep(kcsv, args.trials, ["--dask", cluster.scheduler_address])
            ksame = kcsv.read_bytes() == reference
            print(f"LocalCluster with one worker killed mid-run: {wall:.1f} s wall; CSV "
                  f"identical: {'yes' if ksame else 'NO'}")
            status |= 0 if ksame else 1
    pool, dask = statistics.median(pool_walls), statistics.median(dask_walls)
    judged = args.trials == 100 and not args.grid  # the target is for the default grid
    verdict = ("met" if pool < GRID_TARGET_S else "missed") if judged else "not judged"
    print(f"grid wall time (median, {args.workers} local workers, {args.trials} trials per "
          f"cell): {pool:.1f} s ({verdict}; target < {GRID_TARGET_S:g} s at 100 trials)")
    ratio = dask / pool
    print(f"LocalCluster / local pool wall time (medians): {ratio:.2f} "
          f"({'met' if ratio <= DASK_RATIO_TARGET else 'missed'}; target <= "
          f"{DASK_RATIO_TARGET:g})")
    print(f"end load average: {os.getloadavg()[0]:.1f}")
    return status


if __name__ == "__main__":
    sys.exit(main())
