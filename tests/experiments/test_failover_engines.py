"""The same results on every engine: in this process, a local pool, and a Dask LocalCluster."""

import io
from collections.abc import Iterator
from pathlib import Path

import pytest

from simulator.experiments import main

GRID = ["failover", "--recipes", "seed,kubernetes", "--ttl", "2", "--faults",
        "pause:3,store-leader", "--protection", "none,idempotency", "--trials", "3",
        "--window", "8", "--warmup", "4", "--seed", "5"]
ELECTION = ["election-time", "--ranges", "150-300,150-155", "--trials", "30", "--seed", "3"]


@pytest.fixture(scope="module")
def scheduler() -> Iterator[str]:
    """A LocalCluster of 2 worker processes on localhost; its scheduler's address."""
    distributed = pytest.importorskip("distributed")
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True,
                                  host="127.0.0.1", dashboard_address=None) as cluster:
        yield cluster.scheduler_address


def _csv(tmp_path: Path, argv: list[str], engine: list[str], name: str) -> bytes:
    target = tmp_path / f"{name}.csv"
    err = io.StringIO()
    status = main(argv + engine + ["--csv", str(target)], out=io.StringIO(), err=err)
    assert status == 0, err.getvalue()
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
