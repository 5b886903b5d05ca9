"""A fork traces exactly what a fresh run with its actions traces, however the fork was built.

``Simulation.fork`` copies the original's events up to the fork time when a replay would trace
them again (and replays without keeping a trace); these tests hold it to a fresh run of the
same scenario, seed and actions, byte for byte, before and after the fork goes on.
"""

from __future__ import annotations

import pytest

from simulator.presets.catalog import find_scenario
from simulator.runtime.simulation import Simulation
from simulator.trace.export import to_jsonl


def _fresh(original: Simulation, at: float) -> Simulation:
    """The reference: a new run with the original's actions up to ``at``, traced in full."""
    sim = Simulation(original.scenario, original.seed)
    for action in original.actions:
        if action.t > at:
            break
        sim.apply_action(action)
    sim.run_until(at)
    return sim


def _same_future(fork: Simulation, fresh: Simulation, node: str, until: float) -> None:
    """Both take the same new action and run on: their traces stay byte-identical."""
    for sim in (fork, fresh):
        sim.isolate(node)
        sim.run_until(until)
    assert to_jsonl(fork.trace) == to_jsonl(fresh.trace)


@pytest.mark.parametrize("preset", ["raft-leader-under-app", "paxos-leader-crash",
                                    "eventual-two-leaders", "zookeeper-expired",
                                    "pause-double-charge"])
def test_a_fork_traces_what_a_fresh_run_with_its_actions_traces(preset: str) -> None:
    scenario = find_scenario(preset)
    original = Simulation(scenario)
    original.run_until(4.0)
    original.crash("n2")
    original.run_until(7.5)
    original.restart("n2")
    original.run_until(11.0)
    crash_at, restart_at = (a.t for a in original.actions)
    for at in (2.5, crash_at, 6.0, restart_at, 11.0):
        assert original.replays_to_same_events(at)
        fork = original.fork(at)
        fresh = _fresh(original, at)
        assert fork.now == fresh.now == at
        assert len(fork.trace) == original.trace.index_at(at)
        assert to_jsonl(fork.trace) == to_jsonl(fresh.trace)
        assert fork.actions == fresh.actions
    _same_future(fork, fresh, "n3", 13.0)
    assert to_jsonl(original.fork(11.0).trace) == to_jsonl(_fresh(original, 11.0).trace), \
        "the original is unchanged by its forks"


def test_a_fork_of_a_fork_and_a_fork_ahead_of_the_run_trace_like_fresh_runs() -> None:
    original = Simulation(find_scenario("raft-leader-under-app"))
    original.run_until(5.0)
    original.crash("raft-leader")
    original.run_until(9.0)
    fork = original.fork(7.0)
    fork.partition([["n1", "n2"], ["n3"]])
    fork.run_until(10.0)
    again = fork.fork(8.5)
    assert to_jsonl(again.trace) == to_jsonl(_fresh(fork, 8.5).trace)
    ahead = original.fork(12.0)  # past where the original ran: replayed and traced in full
    assert not original.replays_to_same_events(12.0)
    assert to_jsonl(ahead.trace) == to_jsonl(_fresh(original, 12.0).trace)


def test_actions_made_inside_a_busy_instant_are_replayed_in_full() -> None:
    original = Simulation(find_scenario("paxos-leader-crash"))
    original.run_until(3.0)
    original.crash("n1")
    original.crash("n2")  # the first crash's own consequences at 3.0 s are still pending
    original.run_until(6.0)
    assert original.replays_to_same_events(2.9)
    assert not original.replays_to_same_events(3.0)
    for at in (2.9, 3.0, 5.0):
        assert to_jsonl(original.fork(at).trace) == to_jsonl(_fresh(original, at).trace)
    stepped = Simulation(find_scenario("paxos-leader-crash"))
    stepped.run_until(2.0)
    for _ in range(10_000):  # step to the middle of an instant: more of its events pending
        stepped.step()
        if stepped.peek() <= stepped.now:
            break
    assert stepped.peek() <= stepped.now
    stepped.crash("n3")
    assert not stepped.replays_to_same_events(stepped.now)
    end = stepped.now + 2.0
    stepped.run_until(end)
    assert to_jsonl(stepped.fork(end).trace) == to_jsonl(_fresh(stepped, end).trace)


@pytest.mark.parametrize("preset", ["raft-leader-under-app", "paxos-leader-crash",
                                    "eventual-two-leaders", "zookeeper-expired"])
def test_a_fork_from_a_standby_replay_traces_what_a_fresh_run_traces(preset: str) -> None:
    original = Simulation(find_scenario(preset))
    standby = original.standby()
    original.run_until(3.0)
    assert standby.advance(2.0, seconds=60.0) and standby.now == 2.0
    original.crash("n2")
    original.run_until(6.0)
    original.restart("n2")
    original.run_until(9.0)
    assert not standby.advance(8.0, seconds=0.0) or standby.now == 8.0
    standby.advance(4.5, seconds=60.0)  # past the crash: it made it too
    assert standby.now == 4.5 and standby.replay.actions == original.actions[:1]
    assert not standby.ready_for(4.0), "a replay past the fork time cannot serve"
    assert standby.ready_for(7.5)
    fork = standby.take(7.5)
    assert not standby.ready_for(8.0), "a standby serves one fork"
    fresh = _fresh(original, 7.5)
    assert to_jsonl(fork.trace) == to_jsonl(fresh.trace) and fork.actions == fresh.actions
    _same_future(fork, fresh, "n3", 10.0)
    assert to_jsonl(original.fork(9.0).trace) == to_jsonl(_fresh(original, 9.0).trace)


def test_a_standby_of_a_run_with_actions_inside_a_busy_instant_does_not_serve() -> None:
    original = Simulation(find_scenario("paxos-leader-crash"))
    standby = original.standby()
    original.run_until(3.0)
    original.crash("n1")
    original.crash("n2")
    original.run_until(5.0)
    standby.advance(1.0, seconds=60.0)
    assert standby.ready_for(2.0) and not standby.ready_for(4.0)
