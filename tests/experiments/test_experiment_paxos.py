"""The election-time experiment on Multi-Paxos: any survivor may win, ties between equal
timeouts are broken by the ballot order, and the command line runs it with --protocol."""

from __future__ import annotations

import io

from simulator.experiments import ElectionSetup, describe, run_lines
from simulator.experiments.command import main
from simulator.experiments.election_time import run_trial_outcome, trial_seed


def paxos(low: float, high: float, **options: object) -> ElectionSetup:
    return ElectionSetup(low, high, protocol="multi-paxos", **options)  # type: ignore[arg-type]


def test_a_stale_follower_may_win_phase_one_and_nobody_notices_before_its_timer() -> None:
    setup = paxos(0.150, 0.300)
    winners = []
    for index in range(30):
        outcome = run_trial_outcome(setup, trial_seed(7, setup, index))
        assert outcome.elapsed is not None and outcome.stale == ("n4", "n5")
        assert outcome.winner != outcome.crashed
        assert outcome.elapsed >= setup.timeout_min - setup.heartbeat_interval
        winners.append(outcome.winner)
    assert set(winners) & {"n4", "n5"}, "Paxos does not ask whose log is longer"


def test_equal_timeouts_do_not_split_because_ballots_are_totally_ordered() -> None:
    fixed = describe("150-150", run_lines([paxos(0.150, 0.150, cap=2.0)], 10, seed=5)[0])
    raft = describe("150-150", run_lines([ElectionSetup(0.150, 0.150, cap=2.0)], 10, seed=5)[0])
    assert fixed.censored == 0 and fixed.p99 < 0.2
    assert raft.censored >= 8


def test_the_command_line_runs_the_protocol_and_names_it() -> None:
    out, err = io.StringIO(), io.StringIO()
    argv = ["election-time", "--protocol", "multi-paxos", "--ranges", "150-300",
            "--trials", "20", "--workers", "1"]
    assert main(argv, out=out, err=err) == 0
    assert "Multi-Paxos with back-off" in out.getvalue()
    assert main(["election-time", "--protocol", "paxos"], out=out, err=err) == 2
