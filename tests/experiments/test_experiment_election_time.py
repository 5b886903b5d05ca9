"""The election-time experiment: the paper's setup, censoring, determinism, statistics."""

import math

import pytest

from simulator.config import Latency
from simulator.experiments import ElectionSetup, describe, run_lines
from simulator.experiments.election_time import run_trial_outcome, trial_seed


def test_a_crashed_leader_is_replaced_by_an_up_to_date_follower() -> None:
    setup = ElectionSetup(0.150, 0.300)
    for index in range(20):
        outcome = run_trial_outcome(setup, trial_seed(7, setup, index))
        assert outcome.elapsed is not None
        assert outcome.stale == ("n4", "n5")
        assert outcome.winner not in outcome.stale and outcome.winner != outcome.crashed
        # nobody can notice the crash before its timer, armed at the last heartbeat, runs out
        assert outcome.elapsed >= setup.timeout_min - setup.heartbeat_interval


def test_stale_followers_scale_with_cluster_size() -> None:
    for nodes, stale in ((3, 1), (7, 3)):
        setup = ElectionSetup(0.150, 0.300, nodes=nodes)
        outcome = run_trial_outcome(setup, trial_seed(3, setup, 0))
        assert len(outcome.stale) == stale
        assert outcome.winner is not None and outcome.winner not in outcome.stale


def test_no_timeout_randomness_keeps_splitting_votes_until_censored() -> None:
    fixed = ElectionSetup(0.150, 0.150, cap=2.0)
    spread = ElectionSetup(0.150, 0.300, cap=2.0)
    fixed_stats = describe("150-150", run_lines([fixed], 10, seed=5)[0])
    spread_stats = describe("150-300", run_lines([spread], 10, seed=5)[0])
    assert fixed_stats.censored >= 8
    assert spread_stats.censored == 0


def test_results_do_not_depend_on_the_number_of_workers() -> None:
    setups = [ElectionSetup(0.150, 0.200, label="150-200"),
              ElectionSetup(0.150, 0.300, label="150-300")]
    alone = run_lines(setups, 30, seed=11, workers=1)
    seen: list[tuple[int, int]] = []
    together = run_lines(setups, 30, seed=11, workers=2,
                         progress=lambda done, total: seen.append((done, total)))
    assert alone == together
    assert seen[-1] == (60, 60)
    assert run_lines(setups, 30, seed=12, workers=1) != alone


def test_statistics_keep_censored_trials_as_longer_than_any() -> None:
    stats = describe("x", [0.3, 0.1, None, 0.2])
    assert (stats.trials, stats.censored) == (4, 1)
    assert (stats.min, stats.median) == (0.1, 0.2)
    assert math.isinf(stats.max) and math.isinf(stats.mean) and math.isinf(stats.p90)
    finished = describe("y", [0.4, 0.1, 0.2, 0.3])
    assert finished.mean == 0.25 and finished.max == 0.4 and finished.p90 == 0.4
    assert finished.csv_row() == ["y", "4", "0", "100.000", "200.000", "250.000", "400.000",
                                  "400.000", "400.000"]


def test_the_plot_marks_the_cap_and_keeps_a_line_that_never_finished() -> None:
    from simulator.experiments.plot import cdf_svg

    svg = cdf_svg([("150-150", [None, None]), ("150-300", [0.2, 0.25])], "t", cap=30.0)
    assert "cap 30 s" in svg and "stroke-dasharray" in svg
    assert "150-150 (2 censored)" in svg and svg.count("<polyline") == 1
    assert 'stroke="#1f77b4" stroke-width="3"/>' in svg.split("150-150 (2 censored)")[0]
    without = cdf_svg([("150-300", [0.2, 0.25])], "t", cap=30.0)
    assert "cap 30 s" not in without  # nothing was censored: no cap to show


def test_a_plot_over_many_decades_labels_only_the_decades() -> None:
    from simulator.experiments.plot import cdf_svg

    narrow = cdf_svg([("150-300", [0.09, 0.2, 0.4])], "t")
    assert ">200<" in narrow and ">500<" in narrow
    wide = cdf_svg([("150-150", [0.09, 60.0, 400.0])], "t")  # 10 ms to 1000 s
    assert ">100 s<" in wide and ">200 s<" not in wide and ">500<" not in wide


def test_more_timeout_randomness_elects_sooner_as_in_figure_16() -> None:
    setups = [ElectionSetup(0.150, high, label=f"150-{high * 1000:g}")
              for high in (0.151, 0.155, 0.300)]
    narrow, little, wide = (describe(s.name, r) for s, r in
                            zip(setups, run_lines(setups, 60, seed=2), strict=True))
    assert narrow.censored == little.censored == wide.censored == 0
    assert narrow.median > 2 * little.median
    assert little.median > wide.median
    # nobody notices the crash before half the minimum timeout (the paper's smallest downtime)
    assert min(narrow.min, little.min, wide.min) >= 0.075


def test_stopping_a_split_that_cannot_end_gives_the_same_outcome_as_running_to_the_cap() -> None:
    setups = [ElectionSetup(0.150, 0.150, cap=3.0),
              ElectionSetup(0.150, 0.150, cap=3.0, nodes=3),
              ElectionSetup(0.150, 0.150, cap=3.0, overlap_candidate_write=True),
              ElectionSetup(0.150, 0.150, cap=3.0, loss=0.05),
              ElectionSetup(0.150, 0.151, cap=3.0)]
    for setup in setups:
        for index in range(12):
            seed = trial_seed(2, setup, index)
            assert (run_trial_outcome(setup, seed, stop_early=True)
                    == run_trial_outcome(setup, seed, stop_early=False)), (setup, index)


def test_equal_timeouts_lock_into_a_split_that_is_recognised_as_endless() -> None:
    from simulator.experiments.election_time import _arrange, split_forever
    from simulator.rng import Streams

    setup = ElectionSetup(0.150, 0.150)
    arranged = _arrange(setup, Streams(trial_seed(4, setup, 0)))
    assert arranged is not None
    cluster, leader, _ = arranged
    assert not split_forever(setup, cluster)  # a leader leads
    cluster.crash(leader)
    cluster.outgoing = None
    cluster.run_until(cluster.now + 1.0)
    assert split_forever(setup, cluster)
    assert all(cluster.nodes[n].role.value == "candidate" for n in cluster.ids if n != leader)
    spread = ElectionSetup(0.150, 0.300)
    assert not split_forever(spread, cluster)  # a random timeout may still end it


def _default_jitter() -> Latency:
    from simulator.experiments.command import DEFAULT_TIMER_JITTER

    low, high = (float(part) / 1000 for part in DEFAULT_TIMER_JITTER.split("-"))
    return Latency.uniform(low, high)


def test_timer_jitter_lets_equal_timeouts_elect_in_every_trial() -> None:
    from simulator.experiments.election_time import may_split_forever

    jittered = ElectionSetup(0.150, 0.150, cap=3600.0, timer_jitter=_default_jitter())
    assert not may_split_forever(jittered)  # no early censoring: a random walk ends the split
    stats = describe("150-150", run_lines([jittered], 6, seed=1)[0])
    assert stats.censored == 0
    # many split rounds first: far longer than any election with randomized timeouts
    assert stats.min > 20 * jittered.timeout_min


def test_without_jitter_equal_timeouts_still_never_elect_and_stop_early() -> None:
    from simulator.experiments.election_time import may_split_forever

    exact = ElectionSetup(0.150, 0.150, cap=3600.0, timer_jitter=Latency.uniform(0.0, 0.0))
    assert may_split_forever(exact)
    stats = describe("150-150", run_lines([exact], 3, seed=1)[0])
    assert stats.censored == 3  # proven endless long before the hour-long cap


def test_jittered_trials_are_reproducible_and_depend_on_the_jitter() -> None:
    setups = [ElectionSetup(0.150, 0.155, timer_jitter=_default_jitter())]
    first = run_lines(setups, 12, seed=9)
    assert run_lines(setups, 12, seed=9) == first
    assert run_lines(setups, 12, seed=9, workers=2) == first  # the draws live in each trial
    assert run_lines([ElectionSetup(0.150, 0.155)], 12, seed=9) != first


def test_stale_followers_hear_only_the_heartbeats_like_the_others() -> None:
    from simulator.experiments.election_time import _arrange
    from simulator.raft.messages import Message
    from simulator.rng import Streams

    setup = ElectionSetup(0.150, 0.155)
    for index in range(3):
        arranged = _arrange(setup, Streams(trial_seed(1, setup, index)))
        assert arranged is not None
        cluster, leader, stale = arranged
        heard: list[Message] = []
        cluster.on_deliver = lambda msg, t: heard.append(msg)
        cluster.run_until(cluster.now + 4 * setup.heartbeat_interval)
        from_leader = [msg for msg in heard if msg.src == leader]
        for follower in cluster.ids:
            if follower != leader:  # one message per heartbeat, whose timer it restarts
                got = [type(msg).__name__ for msg in from_leader if msg.dst == follower]
                assert got == ["Heartbeat"] * 4, (follower, follower in stale, got)


def test_a_timer_jitter_must_be_a_delay_of_zero_or_more() -> None:
    for bad in (Latency.uniform(0.001, 0.0), Latency.uniform(-0.001, 0.001),
                Latency.normal(0.001, 0.001)):
        with pytest.raises(ValueError, match="timer_jitter"):
            ElectionSetup(0.150, 0.300, timer_jitter=bad)
    assert ElectionSetup(0.150, 0.300, timer_jitter=Latency.constant(0.001)).timer_jitter.a == 0.001
