"""``leadersim experiment``: the table, CSV and plot outputs, and bad input as exit status 2."""

import csv
import io
from pathlib import Path

import pytest

from simulator.experiments import main


def _run(argv: list[str]) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    status = main(argv, out=out, err=err)
    return status, out.getvalue(), err.getvalue()


def test_table_csv_and_plot(tmp_path: Path) -> None:
    table, plot = tmp_path / "r.csv", tmp_path / "r.svg"
    status, out, _ = _run(["election-time", "--ranges", "150-300,150-200", "--trials", "8",
                           "--workers", "1", "--csv", str(table), "--plot", str(plot)])
    assert status == 0
    assert "150-300" in out and "median" in out and "PreVote off" in out
    rows = list(csv.reader(table.open(encoding="utf-8")))
    assert rows[0] == ["range", "trials", "censored", "min_ms", "median_ms", "mean_ms",
                       "p90_ms", "p99_ms", "max_ms"]
    assert [row[0] for row in rows[1:]] == ["150-300", "150-200"]
    assert all(row[1] == "8" for row in rows[1:])
    assert float(rows[1][3]) <= float(rows[1][4]) <= float(rows[1][8])
    svg = plot.read_text(encoding="utf-8")
    assert svg.startswith("<svg") and svg.count("<polyline") == 2 and "150-200" in svg


def test_the_timer_jitter_is_on_by_default_and_one_seed_gives_one_csv(tmp_path: Path) -> None:
    paths = [tmp_path / "a.csv", tmp_path / "b.csv", tmp_path / "exact.csv"]
    headers = []
    for path, extra in zip(paths, ([], [], ["--timer-jitter", "0-0"]), strict=True):
        status, out, _ = _run(["election-time", "--ranges", "150-150,150-155", "--trials", "3",
                               "--cap", "3600", "--workers", "1", "--seed", "4",
                               "--csv", str(path), *extra])
        assert status == 0
        headers.append(out.splitlines()[0])
    assert headers[0].endswith("timer jitter uniform 0-0.25 ms")
    assert headers[2].endswith("timer jitter uniform 0-0 ms")
    assert paths[0].read_bytes() == paths[1].read_bytes()
    jittered = list(csv.reader(paths[0].open(encoding="utf-8")))
    exact = list(csv.reader(paths[2].open(encoding="utf-8")))
    assert jittered[1][:3] == ["150-150", "3", "0"]  # elects in every trial with jitter
    assert exact[1][:3] == ["150-150", "3", "3"]  # exact timers tie for ever


def test_several_cluster_sizes_make_one_line_each(tmp_path: Path) -> None:
    table = tmp_path / "sizes.csv"
    status, out, _ = _run(["election-time", "--ranges", "150-300", "--nodes", "3,7",
                           "--trials", "4", "--workers", "1", "--csv", str(table)])
    assert status == 0 and "3, 7 nodes" in out
    rows = list(csv.reader(table.open(encoding="utf-8")))
    assert [row[0] for row in rows[1:]] == ["150-300 (3 nodes)", "150-300 (7 nodes)"]


def test_etcd_defaults_switch_on_prevote_and_checkquorum() -> None:
    status, out, _ = _run(["election-time", "--etcd", "--trials", "3", "--workers", "1"])
    assert status == 0
    assert "1000-2000" in out and "PreVote on" in out and "CheckQuorum on" in out
    assert "heartbeat 100 ms" in out


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["election-time", "--ranges", "150-abc"], "--ranges"),
        (["election-time", "--ranges", "300-150"], "--ranges"),
        (["election-time", "--ranges", "0.0001-0.0002"], "--ranges: '0.0001-0.0002' must lie "
                                                         "within 1 to 600000 ms"),
        (["election-time", "--heartbeat", "1e-6"], "--heartbeat must be from 1 to 600000 ms"),
        (["election-time", "--trials", "0"], "--trials"),
        (["election-time", "--nodes", "40"], "--nodes"),
        (["election-time", "--nodes", "3,x"], "--nodes"),
        (["election-time", "--nodes", "3,3"], "--nodes"),
        (["election-time", "--loss", "1.5"], "--loss"),
        (["election-time", "--latency", "5"], "--latency"),
        (["election-time", "--timeout-step", "-1"], "--timeout-step"),
        (["election-time", "--timer-jitter", "0.25"], "--timer-jitter: '0.25' is not a range"),
        (["election-time", "--timer-jitter", "0.3-0.1"], "--timer-jitter"),
        (["election-time", "--timer-jitter", "0-5000"], "--timer-jitter: '0-5000' must lie "
                                                        "within 0 to 1000 ms"),
        (["election-time", "--plot", "out.pdf"], "--plot"),
        (["election-time", "--plot", "out.png"], "PNG"),
        (["election-time", "--csv", "/nonexistent-dir/x.csv"], "--csv"),
        (["election-time", "--trials", "many"], "--trials"),
        (["no-such-experiment"], "invalid choice"),
        (["election-time", "--protocol", "multi-paxos", "--pre-vote"],
         "--pre-vote: Raft's option, but --protocol multi-paxos runs no Raft"),
        (["election-time", "--protocol", "multi-paxos", "--no-check-quorum"],
         "--no-check-quorum: Raft's option, but --protocol multi-paxos runs no Raft"),
        (["election-time", "--protocol", "multi-paxos", "--etcd"],
         "--etcd: Raft's option, but --protocol multi-paxos runs no Raft"),
        (["election-time", "--heartbeat", "500", "--ranges", "150-300"],
         "--heartbeat 500 ms must be below the minimum election timeout of --ranges '150-300'"),
        (["election-time", "--nodes", "1"], "--nodes 1: crashing the leader leaves no node"),
        (["election-time", "--nodes", "5,2"], "--nodes 2: crashing the leader leaves 1 of 2 "
                                              "nodes, no majority"),
        (["election-time", "--disk", "-1-2"], "--disk: '-1-2' is not a range like 150-300"),
        (["staleness", "--at", "-1,2"], "--at: -1 is not from 0 to"),
    ],
)
def test_bad_input_is_one_message_and_status_2(argv: list[str], message: str) -> None:
    status, out, err = _run(argv)
    assert status == 2
    assert message in err and "Traceback" not in err and out == ""
    assert len(err.splitlines()) <= 2  # the message (and where --help lists the options)
