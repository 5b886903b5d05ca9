"""``leadersim experiment failover``: the grid's CSV, table and plots; bad input is status 2."""

import csv
import io
import socket
import subprocess
import sys
from pathlib import Path

import pytest

from simulator.experiments import main
from simulator.experiments.failover_stats import CSV_COLUMNS

ROOT = Path(__file__).resolve().parents[2]
EXPERIMENT = "import sys; from simulator.experiments import main; sys.exit(main(sys.argv[1:]))"
SMALL = ["failover", "--recipes", "seed,kubernetes", "--ttl", "2", "--faults", "crash,pause:3",
         "--protection", "none,fencing", "--trials", "3", "--window", "8", "--warmup", "4"]


def _run(argv: list[str]) -> tuple[int, str, str]:
    """Run the experiment command; in a child process when it would start a Dask client,
    whose event-loop threads must not stay behind in the process that drives Qt windows."""
    if any(part.startswith("tcp://") for part in argv) and "--workers" not in argv:
        done = subprocess.run([sys.executable, "-c", EXPERIMENT, *argv], cwd=ROOT,
                              capture_output=True, text=True, timeout=120)
        return done.returncode, done.stdout, done.stderr
    out, err = io.StringIO(), io.StringIO()
    status = main(argv, out=out, err=err)
    return status, out.getvalue(), err.getvalue()


def test_one_row_per_cell_with_the_issue_columns(tmp_path: Path) -> None:
    table, plot, cdf = tmp_path / "f.csv", tmp_path / "f.svg", tmp_path / "cdf.svg"
    status, out, err = _run(SMALL + ["--workers", "1", "--csv", str(table), "--plot", str(plot),
                                     "--cdf", str(cdf)])
    assert status == 0, err
    rows = list(csv.reader(table.open(encoding="utf-8")))
    assert tuple(rows[0]) == CSV_COLUMNS
    cells = [tuple(row[:4]) for row in rows[1:]]
    assert cells == [(r, "2", f, p) for r in ("seed", "kubernetes") for f in ("crash", "pause:3")
                     for p in ("none", "fencing")]
    for row in rows[1:]:
        assert row[4] == "3"
        p50, p90, top = (float(v) for v in row[5:8])
        assert 0 < p50 <= p90 <= top
        assert 0 < float(row[10]) <= 1
    assert "kubernetes" in out and "pause:3" in out and "24 trials in" in err
    svg = plot.read_text(encoding="utf-8")
    # one panel per fault, a median and a p90 line per recipe in each: protection none only
    assert svg.startswith("<svg") and svg.count("<polyline") == 2 * 2 * 2
    assert "fault: crash" in svg and "fault: pause:3" in svg
    assert cdf.read_text(encoding="utf-8").count("<polyline") == 8


def test_protections_share_their_histories(tmp_path: Path) -> None:
    """Trial seeds ignore the protection: a crash (no charge in flight to fence) gives the same
    failover figures under every protection."""
    table = tmp_path / "p.csv"
    status, _, err = _run(["failover", "--recipes", "etcd", "--ttl", "2", "--faults", "crash",
                           "--trials", "2", "--window", "6", "--warmup", "4", "--workers", "1",
                           "--csv", str(table)])
    assert status == 0, err
    rows = list(csv.reader(table.open(encoding="utf-8")))[1:]
    assert [row[3] for row in rows] == ["none", "fencing", "idempotency"]
    assert len({tuple(row[5:8]) for row in rows}) == 1


def _closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        (["--recipes", "seed,raft"], "--recipes: unknown 'raft'"),
        (["--recipes", ""], "--recipes"),
        (["--recipes", "eventual-etcd"], "--recipes: unknown 'eventual-etcd'"),
        (["--recipes", "eventual-seed", "--ttl", "0.5"], "--ttl: 0.5 s is below 1 s"),
        (["--ttl", "2,abc"], "--ttl: 'abc' is not a number"),
        (["--ttl", "0"], "--ttl: '0' must be more than 0"),
        (["--ttl", "2,2"], "--ttl"),
        (["--ttl", "1"], "below the store's minimum lease TTL"),
        (["--faults", "pause"], "pause needs its length"),
        (["--faults", "pause:x"], "--faults"),
        (["--faults", "pause:-3"], "--faults: pause:-3: '-3' must be more than 0"),
        (["--faults", "crash:4"], "crash takes no length"),
        (["--faults", "explode"], "unknown fault 'explode'"),
        (["--faults", "crash,crash"], "repeats"),
        (["--protection", "luck"], "--protection: unknown 'luck'"),
        (["--trials", "0"], "--trials"),
        (["--window", "0"], "--window"),
        (["--workers", "0"], "--workers"),
        (["--preset", "no-such-lesson"], "no-such-lesson"),
        (["--preset", "raft-steady"], "needs at least 2 app servers"),
        (["--plot", "out.pdf"], "--plot"),
        (["--cdf", "out.png"], "PNG"),
        (["--csv", "/nonexistent-dir/x.csv"], "--csv"),
        (["--dask", "bogus"], "--dask bogus"),
        (["--dask", "http://host:8786"], "--dask"),
        (["--workers", "2", "--dask", "tcp://127.0.0.1:8786"], "--workers and --dask"),
        (["--dask", "tcp://127.0.0.1:{port}"], "cannot reach a Dask scheduler"),
    ],
)
def test_bad_input_is_one_message_and_status_2(extra: list[str], message: str) -> None:
    extra = [part.replace("{port}", str(_closed_port())) for part in extra]
    status, out, err = _run(["failover", "--trials", "1"] + extra)
    assert status == 2
    assert message in err and "Traceback" not in err and out == ""
    assert len(err.strip().splitlines()) == 1


def test_election_time_refuses_an_unreachable_scheduler() -> None:
    status, out, err = _run(["election-time", "--trials", "1", "--dask",
                             f"tcp://127.0.0.1:{_closed_port()}"])
    assert status == 2 and out == ""
    assert err.startswith("leadersim experiment: --dask") and len(err.splitlines()) == 1


def test_a_failover_beyond_the_window_is_censored_not_dropped(tmp_path: Path) -> None:
    """A 5 s lease cannot hand over within a 2 s window: every trial is censored, shown as
    inf in the CSV, >2 in the table and an open dot at the top of the plot."""
    table, plot = tmp_path / "c.csv", tmp_path / "c.svg"
    status, out, err = _run(["failover", "--recipes", "seed", "--ttl", "5", "--faults",
                             "crash", "--protection", "none", "--trials", "2", "--window", "2",
                             "--warmup", "4", "--workers", "1", "--csv", str(table),
                             "--plot", str(plot)])
    assert status == 0, err
    row = list(csv.reader(table.open(encoding="utf-8")))[1]
    assert row[5:8] == ["inf", "inf", "inf"] and float(row[10]) < 0.05
    assert ">2" in out
    assert 'fill="white"' in plot.read_text(encoding="utf-8")


def test_cdf_labels_name_what_differs_and_the_title_what_is_shared() -> None:
    from simulator.experiments.failover import Cell, Fault
    from simulator.experiments.failover_command import cell_labels

    cells = [Cell(r, 10.0, Fault("crash"), "none") for r in ("etcd", "eventual-lwt-seed")]
    assert cell_labels(cells) == (["etcd", "eventual-lwt-seed"], "10 s, crash, protection none")
    mixed = [Cell("seed", t, Fault("pause", 3.0), p)
             for t in (2.0, 5.0) for p in ("none", "fencing")]
    labels, shared = cell_labels(mixed)
    assert labels == ["2 s protection none", "2 s protection fencing", "5 s protection none",
                      "5 s protection fencing"]
    assert shared == "seed, pause:3"
