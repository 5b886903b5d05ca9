"""The Multi-Paxos lessons do what their captions say, for several seeds (read from their logs)."""

from __future__ import annotations

from typing import Any

import pytest

from simulator.checks import summarize
from simulator.presets.catalog import find_scenario
from simulator.runtime.simulation import Simulation

SEEDS = (1, 2)


def run(name: str, seed: int) -> tuple[list[Any], Any]:
    scenario = find_scenario(name)
    sim = Simulation(scenario, seed=seed)
    sim.run_until(scenario.duration)
    events = sim.trace.events
    return events, summarize(events, scenario, scenario.duration)


def leaders(events: list[Any], kind: str = "paxos.role") -> list[tuple[float, str, Any]]:
    return [(e.t, e.node, getattr(e, "ballot", getattr(e, "term", None))) for e in events
            if e.kind == kind and e.role == "leader"]


def roles_at(events: list[Any], t: float) -> dict[str, tuple[str, Any]]:
    roles: dict[str, tuple[str, Any]] = {}
    for e in events:
        if e.t > t:
            break
        if e.kind == "paxos.role":
            roles[e.node] = (e.role, tuple(e.ballot))
        elif e.kind == "node.crash":
            roles.pop(e.node, None)
    return roles


@pytest.mark.parametrize("seed", SEEDS)
def test_steady_elects_once_and_the_apps_charge_once(seed: int) -> None:
    events, summary = run("paxos-steady", seed)
    assert summary.safe and summary.elections == 1
    assert 1.0 < leaders(events)[0][0] < 2.5
    assert summary.charges.jobs_charged >= 3 and not summary.charges.double_charges


@pytest.mark.parametrize("seed", SEEDS)
def test_leader_crash_elects_a_higher_ballot_within_the_timeouts(seed: int) -> None:
    events, summary = run("paxos-leader-crash", seed)
    assert summary.safe and summary.elections == 2
    [loss] = summary.raft_failovers
    assert loss.cause == "crash" and 0.8 < loss.duration < 2.2
    (_, old, first), (t, new, second) = leaders(events)
    assert tuple(second) > tuple(first) and new != old and t < 14
    assert roles_at(events, 30)[old] == ("follower", tuple(second))


@pytest.mark.parametrize("seed", SEEDS)
def test_the_stale_node_leads_on_paxos_and_recovers_what_it_missed(seed: int) -> None:
    events, summary = run("stale-node-leads-paxos", seed)
    assert summary.safe
    t, node, _ = leaders(events)[-1]
    assert node == "n5" and 10.0 <= t < 10.1
    recovered = [e for e in events if e.kind == "paxos.recover" and e.cmd != "noop"]
    assert recovered and all(e.node == "n5" and e.source != "n5" for e in recovered)
    assert any(e.cmd.startswith("txn") or e.cmd.startswith("put") for e in recovered)


@pytest.mark.parametrize("seed", SEEDS)
def test_the_stale_node_is_refused_votes_on_raft(seed: int) -> None:
    events, summary = run("stale-node-raft", seed)
    assert summary.safe
    after = [(t, node) for t, node, _ in leaders(events, "raft.role") if t >= 10]
    assert after and after[0][1] != "n5" and 10.5 < after[0][0] < 12.5
    assert all(node != "n5" for _, node in after)
    granted = [e for e in events if e.kind == "raft.vote" and e.candidate == "n5" and e.t >= 10]
    assert not granted


@pytest.mark.parametrize("seed", SEEDS)
def test_duelling_proposers_without_backoff_choose_nothing_until_one_crashes(seed: int) -> None:
    events, _ = run("paxos-duelling-proposers", seed)
    chosen = [e.t for e in events if e.kind == "paxos.chosen"]
    assert not [t for t in chosen if 5.01 < t < 7.0]
    rounds = max(e.ballot[0] for e in events if e.kind == "paxos.role" and e.t < 7.0)
    assert rounds >= 100
    assert [t for t in chosen if t > 7.0]
    assert roles_at(events, 12)["n1"][0] == "leader"


@pytest.mark.parametrize("seed", SEEDS)
def test_duelling_proposers_with_backoff_settle_after_one_extra_ballot(seed: int) -> None:
    events, summary = run("paxos-duelling-backoff", seed)
    assert summary.safe and summary.elections == 3
    roles = roles_at(events, 6.9)
    assert roles["n2"][0] == "leader" and roles["n1"] == ("follower", roles["n2"][1])


@pytest.mark.parametrize("seed", SEEDS)
def test_partition_gives_two_leaders_but_one_value_per_slot(seed: int) -> None:
    events, summary = run("paxos-partition", seed)
    assert summary.safe
    for t in (14.0, 21.9):
        two = [(node, ballot) for node, (role, ballot) in roles_at(events, t).items()
               if role == "leader"]
        assert len(two) == 2 and two[0][1] != two[1][1]
    assert len([n for n, (r, _) in roles_at(events, 29).items() if r == "leader"]) == 1
    assert all(f.successor == f.lost and f.duration < 1.6 for f in summary.failovers)
    assert not summary.charges.double_charges
