"""The same results on every engine: in this process, a local pool, and a Dask LocalCluster.

The Dask side runs in child processes (the cluster in one, each experiment in another): a Dask
client leaves event-loop threads behind in its process, and the test process goes on to drive
Qt windows, which must not share it with them.
"""

import importlib.util
import io
import json
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from simulator.experiments import main

ROOT = Path(__file__).resolve().parents[2]
GRID = ["failover", "--recipes", "seed,kubernetes", "--ttl", "2", "--faults",
        "pause:3,store-leader", "--protection", "none,idempotency", "--trials", "3",
        "--window", "8", "--warmup", "4", "--seed", "5"]
ELECTION = ["election-time", "--ranges", "150-300,150-155", "--trials", "30", "--seed", "3"]
STALENESS = ["staleness", "--at", "0,1", "--trials", "1500", "--seed", "2"]
CLUSTER = """
import sys
import distributed
with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True,
                              host="127.0.0.1", dashboard_address=None) as cluster:
    print(cluster.scheduler_address, flush=True)
    sys.stdin.read()
"""
EXPERIMENT = "import sys; from simulator.experiments import main; sys.exit(main(sys.argv[1:]))"


@pytest.fixture(scope="module")
def scheduler() -> Iterator[str]:
    """A LocalCluster of 2 worker processes on localhost, in a child process; its address."""
    if importlib.util.find_spec("distributed") is None:
        pytest.skip("dask.distributed is not installed (pip install 'leadersim[cluster]')")
    cluster = subprocess.Popen([sys.executable, "-c", CLUSTER], stdin=subprocess.PIPE,
                               stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    assert cluster.stdout is not None and cluster.stdin is not None
    address = cluster.stdout.readline().strip()
    try:
        assert address.startswith("tcp://127.0.0.1:"), address
        yield address
    finally:
        cluster.stdin.close()
        try:
            cluster.wait(timeout=60)
        except subprocess.TimeoutExpired:
            cluster.kill()


def _csv(tmp_path: Path, argv: list[str], engine: list[str], name: str) -> bytes:
    target = tmp_path / f"{name}.csv"
    command = argv + engine + ["--csv", str(target)]
    if "--dask" in engine:
        done = subprocess.run([sys.executable, "-c", EXPERIMENT, *command], cwd=ROOT,
                              capture_output=True, text=True, timeout=600)
        assert done.returncode == 0, done.stderr
    else:
        err = io.StringIO()
        assert main(command, out=io.StringIO(), err=err) == 0, err.getvalue()
    return target.read_bytes()


def test_failover_csv_is_the_same_on_every_engine(tmp_path: Path, scheduler: str) -> None:
    one = _csv(tmp_path, GRID, ["--workers", "1"], "one")
    two = _csv(tmp_path, GRID, ["--workers", "2"], "two")
    cluster = _csv(tmp_path, GRID, ["--dask", scheduler], "dask")
    assert one == two == cluster
    assert one.count(b"\n") == 1 + 2 * 2 * 2


def test_election_time_csv_is_the_same_on_dask(tmp_path: Path, scheduler: str) -> None:
    local = _csv(tmp_path, ELECTION, ["--workers", "2"], "local")
    cluster = _csv(tmp_path, ELECTION, ["--dask", scheduler], "dask")
    assert local == cluster


def test_staleness_csv_is_the_same_on_dask(tmp_path: Path, scheduler: str) -> None:
    local = _csv(tmp_path, STALENESS, ["--workers", "1"], "local")
    cluster = _csv(tmp_path, STALENESS, ["--dask", scheduler], "dask")
    assert local == cluster


KILLED = """
import json, os, signal, sys, threading, time
import distributed
from simulator.experiments import main

def kill_a_busy_worker(cluster, killed):
    # SIGKILL the process of a worker that has been running the same task for 0.1 s
    seen = {}
    while True:
        for worker in list(cluster.workers.values()):
            state = cluster.scheduler.workers.get(worker.worker_address)
            keys = [task.key for task in list(state.executing)] if state is not None else []
            for key in keys:
                if time.monotonic() - seen.setdefault(key, time.monotonic()) >= 0.1:
                    os.kill(worker.process.pid, signal.SIGKILL)
                    killed.extend(keys)
                    return
        time.sleep(0.01)

if __name__ == "__main__":
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True,
                                  host="127.0.0.1", dashboard_address=None) as cluster:
        killed = []
        threading.Thread(target=kill_a_busy_worker, args=(cluster, killed), daemon=True).start()
        status = main(sys.argv[1:] + ["--dask", cluster.scheduler_address])
        runs = [sum(1 for step in cluster.scheduler.story(key) if step[2] == "processing")
                for key in killed]
        print(json.dumps({"killed": len(killed), "runs": runs}), flush=True)
        sys.exit(status)
"""


def test_a_worker_killed_mid_run_leaves_the_csv_unchanged(tmp_path: Path) -> None:
    """A worker process dies (SIGKILL) while it runs a chunk of trials: the scheduler runs
    that chunk again on a worker that lives (its trial seeds make the rerun give the same
    outcomes), and the CSV is byte-identical to the one of this process."""
    if importlib.util.find_spec("distributed") is None:
        pytest.skip("dask.distributed is not installed (pip install 'leadersim[cluster]')")
    # a 30 s window makes a chunk of ten trials last long enough to be caught running
    grid = GRID[:-8] + ["--trials", "12", "--window", "30", "--warmup", "4", "--seed", "5"]
    local = _csv(tmp_path, grid, ["--workers", "1"], "local")
    script = tmp_path / "killed.py"
    script.write_text(KILLED, encoding="utf-8")
    target = tmp_path / "killed.csv"
    done = subprocess.run([sys.executable, str(script), *grid, "--csv", str(target)], cwd=ROOT,
                          capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stderr
    report = json.loads(done.stdout.strip().splitlines()[-1])
    assert report["killed"] >= 1, report
    assert all(count >= 2 for count in report["runs"]), report  # processing again after it
    assert target.read_bytes() == local
