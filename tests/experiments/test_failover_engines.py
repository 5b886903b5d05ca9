"""The same results on every engine: in this process, a local pool, and a Dask LocalCluster.

The Dask side runs in child processes (the cluster in one, each experiment in another): a Dask
client leaves event-loop threads behind in its process, and the test process goes on to drive
Qt windows, which must not share it with them.
"""

import importlib.util
import io
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
