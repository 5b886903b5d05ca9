"""A host's process around a disk write: a pause holds the answer, a crash loses it."""

from __future__ import annotations

import pytest
from runtime_helpers import leader_after, scenario

from simulator.config import Latency
from simulator.runtime.simulation import Simulation
from simulator.trace.events import MsgSend, NodeResume, RaftAppend


def _follower_writing(sim: Simulation) -> tuple[str, str, float]:
    """Propose on the leader; return (leader, follower, time) with the follower mid-write."""
    leader = leader_after(sim, 5.0)
    follower = next(n for n in ("n1", "n2", "n3", "n4", "n5") if n != leader)
    sim.propose("x")  # the leader sends it after its own 50 ms write, at 5.05 s
    sim.run_until(5.07)  # it arrived (1-5 ms later) and the follower's 50 ms write is under way
    appended = [e for e in sim.trace if isinstance(e, RaftAppend) and e.node == follower
                and e.t >= 5.0]
    assert appended, "the follower should have written the new entry"
    return leader, follower, appended[0].t


def _answers(sim: Simulation, follower: str, leader: str, after: float) -> list[MsgSend]:
    return [e for e in sim.trace if isinstance(e, MsgSend) and e.src == follower
            and e.dst == leader and e.type == "AppendEntriesResponse" and e.t > after]


def test_a_pause_that_starts_during_a_disk_write_holds_the_answer_until_the_resume() -> None:
    sim = Simulation(scenario(disk_latency=Latency.constant(0.05)))
    leader, follower, written = _follower_writing(sim)
    sim.pause(follower, 0.3)
    sim.run_until(6.0)
    resumed = next(e.t for e in sim.trace if isinstance(e, NodeResume) and e.node == follower)
    assert resumed == pytest.approx(5.37)
    answers = _answers(sim, follower, leader, written)
    assert answers and answers[0].t == resumed  # not at the end of the write (~5.1 s)
    assert sim.raft_leader() == leader


def test_a_crash_during_a_disk_write_sends_nothing_and_the_restart_catches_up() -> None:
    sim = Simulation(scenario(disk_latency=Latency.constant(0.05)))
    leader, follower, written = _follower_writing(sim)
    sim.crash(follower)
    sim.run_until(5.6)
    assert _answers(sim, follower, leader, written) == []
    sim.restart(follower)
    sim.run_until(8.0)
    assert _answers(sim, follower, leader, 5.6)
    assert sim.raft_hosts[follower].state_machine.commands[-1] == "x"  # type: ignore[attr-defined]
