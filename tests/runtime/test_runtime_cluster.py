"""A simulated Raft cluster under faults: elections, crashes, partitions, pauses, loss, clocks."""

from __future__ import annotations

import pytest
from runtime_helpers import leader_after, leaders_by_term, roles, scenario

from simulator.config import Latency
from simulator.runtime.simulation import Simulation
from simulator.trace.events import (
    MsgDeliver,
    MsgDrop,
    MsgSend,
    NodePause,
    NodeResume,
    RaftApply,
    RaftTimer,
    RaftVote,
)


def test_a_cluster_with_etcd_defaults_elects_one_leader_and_commits_its_noop() -> None:
    sim = Simulation(scenario())
    leader = leader_after(sim, 5.0)
    hosts = sim.raft_hosts
    term = hosts[leader].term
    assert all(h.term == term for h in hosts.values())
    assert sorted(h.role for h in hosts.values()) == ["follower"] * 4 + ["leader"]
    assert all(sim.applied(n) == ["noop"] for n in hosts)
    assert leaders_by_term(sim.trace) == {term: {leader}}
    first = roles(sim.trace)[0]
    assert (first.t, first.role, first.term) == (0.0, "follower", 0)
    # etcd's randomized timeout: nobody campaigns before the minimum election timeout
    campaigns = [e for e in roles(sim.trace) if e.role != "follower"]
    assert min(e.t for e in campaigns) >= 1.0


def test_a_proposal_to_the_leader_is_applied_everywhere_in_the_same_place() -> None:
    sim = Simulation(scenario())
    sim.run_until(5.0)
    index = sim.propose("set x=1")
    assert index == 2
    sim.run_until(6.0)
    assert all(sim.applied(n) == ["noop", "set x=1"] for n in sim.raft_hosts)
    applies = [e for e in sim.trace if isinstance(e, RaftApply) and e.index == 2]
    assert {(e.cmd, e.term) for e in applies} == {("set x=1", sim.host(sim.raft_leader()).term)}


def test_a_leader_crash_leads_to_a_new_leader_in_a_higher_term_and_a_restart_catches_up() -> None:
    sim = Simulation(scenario())
    old = leader_after(sim, 5.0)
    old_term = sim.host(old).term
    sim.propose("a")
    sim.run_until(6.0)
    sim.crash(old)
    new = leader_after(sim, 12.0)
    assert new != old and sim.host(new).term > old_term
    sim.propose("b")
    sim.restart(old)
    sim.run_until(15.0)
    restarted = [e for e in roles(sim.trace) if e.node == old and e.t >= 12.0]
    # it comes back with its persisted term, as a follower, and learns the new term
    assert (restarted[0].role, restarted[0].term) == ("follower", old_term)
    assert sim.host(old).role == "follower" and sim.host(old).term == sim.host(new).term
    assert sim.applied(old) == sim.applied(new) == ["noop", "a", "noop", "b"]


def test_a_crash_keeps_only_what_reached_the_disk() -> None:
    sim = Simulation(scenario(disk_latency=Latency.constant(0.05)))
    leader = leader_after(sim, 5.0)
    durable = sim.host(leader).durable_state
    assert durable is not None and durable.term == sim.host(leader).term
    assert [e.canonical() for e in durable.log] == ["noop"]
    sim.propose("x")
    sim.run_until(sim.now + 0.01)  # inside the leader's disk write
    sim.crash(leader)
    sim.restart(leader)
    restarted = sim.host(leader).node
    assert restarted is not None and restarted.last_index == 1  # "x" was not on disk yet


def test_messages_go_out_only_after_the_disk_write() -> None:
    sim = Simulation(scenario(disk_latency=Latency.constant(0.05)))
    sim.run_until(5.0)
    votes = [e for e in sim.trace if isinstance(e, RaftVote) and not e.pre_vote]
    assert votes
    for vote in votes:
        answer = next(e for e in sim.trace if isinstance(e, MsgSend) and e.src == vote.node
                      and e.type == "RequestVoteResponse" and e.t >= vote.t)
        assert answer.t == pytest.approx(vote.t + 0.05)


def test_a_minority_partitioned_leader_steps_down_and_the_majority_elects_another() -> None:
    sim = Simulation(scenario())
    old = leader_after(sim, 5.0)
    old_term = sim.host(old).term
    buddy = next(n for n in sorted(sim.raft_hosts) if n != old)
    majority = [n for n in sorted(sim.raft_hosts) if n not in (old, buddy)]
    sim.partition([[old, buddy], majority])
    sim.run_until(10.0)
    new = sim.raft_leader()
    assert new in majority and sim.host(new).term > old_term
    stepped = [e for e in roles(sim.trace) if e.node == old and e.t > 5.0]
    assert stepped and stepped[0].role == "follower" and stepped[0].t <= 5.0 + 2.1  # CheckQuorum
    assert sim.host(old).role != "leader"
    # the minority cannot disturb the majority: PreVote keeps its term from climbing
    assert sim.host(old).term == old_term
    sim.propose("during partition")
    sim.heal_all()
    sim.run_until(15.0)
    assert sim.raft_leader() == new
    assert [h.role for h in sim.raft_hosts.values()].count("leader") == 1
    assert all(len(leaders) == 1 for leaders in leaders_by_term(sim.trace).values())
    assert sim.applied(old)[-1] == "during partition"


def test_a_paused_leader_resumes_with_stale_beliefs_then_steps_down() -> None:
    sim = Simulation(scenario())
    old = leader_after(sim, 5.0)
    old_term = sim.host(old).term
    sim.pause(old, 4.0)
    sim.run_until(8.9)
    new = sim.raft_leader()
    assert new is not None and new != old and sim.host(new).term > old_term
    # while paused it changed nothing: no role change, no timer, no message sent
    quiet = [e for e in sim.trace if 5.0 < e.t < 9.0 and getattr(e, "node", None) == old]
    assert quiet == []
    assert not [e for e in sim.trace if isinstance(e, MsgSend) and e.src == old and 5 < e.t < 9]
    assert sim.host(old).role == "leader"  # what it still believes
    sim.run_until(9.5)
    resume = next(e for e in sim.trace if isinstance(e, NodeResume))
    assert resume.t == pytest.approx(9.0)
    held = [e for e in sim.trace if isinstance(e, MsgDeliver) and e.t == resume.t]
    assert held, "messages that arrived during the pause are delivered on resume"
    after = [e for e in roles(sim.trace) if e.node == old and e.t >= 9.0]
    assert (after[0].role, after[0].term) == ("follower", sim.host(new).term)
    assert after[0].t == pytest.approx(9.0)


def test_a_follower_paused_longer_than_its_timeout_does_not_campaign_during_the_pause() -> None:
    sim = Simulation(scenario())
    leader = leader_after(sim, 5.0)
    follower = next(n for n in sorted(sim.raft_hosts) if n != leader)
    sim.pause(follower, 6.0)
    sim.run_until(11.5)
    mine = [e for e in sim.trace if 5.0 < e.t < 11.0 and getattr(e, "node", None) == follower]
    assert mine == []
    assert sim.raft_leader() == leader
    assert sim.host(follower).role == "follower"


def test_a_crash_during_a_pause_loses_the_held_messages() -> None:
    sim = Simulation(scenario())
    leader = leader_after(sim, 5.0)
    follower = next(n for n in sorted(sim.raft_hosts) if n != leader)
    sim.pause(follower, 3.0)
    sim.run_until(6.0)
    sim.crash(follower)
    lost = [e for e in sim.trace if isinstance(e, MsgDrop) and e.reason == "paused-queue-lost"]
    assert lost and all(e.t == 6.0 for e in lost)
    sim.run_until(10.0)
    assert not [e for e in sim.trace if isinstance(e, NodeResume)]


def test_the_cluster_works_through_message_loss() -> None:
    sim = Simulation(scenario(loss=0.2))
    sim.run_until(8.0)
    assert sim.raft_leader() is not None
    for n in range(5):
        sim.propose(f"cmd{n}")
        sim.run_until(sim.now + 0.5)
    sim.run_until(sim.now + 3.0)
    reasons = {e.reason for e in sim.trace if isinstance(e, MsgDrop)}
    assert reasons == {"loss"}
    leader = sim.raft_leader()
    assert leader is not None
    expected = [c for c in sim.applied(leader) if c.startswith("cmd")]
    assert expected == [f"cmd{n}" for n in range(5)]
    agree = [n for n in sim.raft_hosts if sim.applied(n)[: len(sim.applied(leader))]
             == sim.applied(leader)]
    assert len(agree) >= 3
    assert all(len(v) == 1 for v in leaders_by_term(sim.trace).values())


def test_a_fast_clock_makes_a_nodes_election_timer_fire_sooner_in_simulated_time() -> None:
    sim = Simulation(scenario())
    sim.set_clock("n3", offset=0.0, rate=4.0)
    sim.run_until(30.0)
    timers = [e for e in sim.trace if isinstance(e, RaftTimer)]
    fast = [e.deadline - e.t for e in timers if e.node == "n3"]
    normal = [e.deadline - e.t for e in timers if e.node != "n3"]
    assert fast and all(0.25 - 1e-9 <= d <= 0.5 + 1e-9 for d in fast)
    assert all(1.0 - 1e-9 <= d <= 2.0 + 1e-9 for d in normal)
    first = next(e for e in roles(sim.trace) if e.role != "follower")
    assert first.node == "n3" and first.t < 0.5


def test_force_timeout_starts_an_election_on_that_node_now() -> None:
    sim = Simulation(scenario())
    leader = leader_after(sim, 5.0)
    other = next(n for n in sorted(sim.raft_hosts) if n != leader)
    sim.force_timeout(other)
    sim.run_until(5.0)  # handled by the node's process at the same instant
    started = [e for e in roles(sim.trace) if e.node == other and e.t >= 5.0]
    assert (started[0].role, started[0].t) == ("precandidate", 5.0)
    # leader stickiness: the others heard the leader recently, so the pre-vote fails
    sim.run_until(8.0)
    assert sim.raft_leader() == leader


def test_a_clock_jump_forward_makes_a_followers_timer_fire_at_once_and_back_delays_it() -> None:
    sim = Simulation(scenario())
    leader = leader_after(sim, 5.0)
    ahead, behind = [n for n in sorted(sim.raft_hosts) if n != leader][:2]
    sim.set_clock(ahead, offset=5.0, rate=1.0)
    sim.set_clock(behind, offset=-5.0, rate=1.0)
    timers = {e.node: e.deadline for e in sim.trace if isinstance(e, RaftTimer) and e.t == 5.0}
    assert timers[ahead] <= 5.0 and timers[behind] >= 9.0  # re-traced in simulated time
    sim.run_until(5.0)
    started = [e for e in roles(sim.trace) if e.node == ahead and e.t == 5.0]
    assert [e.role for e in started] == ["precandidate"]
    assert not [e for e in roles(sim.trace) if e.node == behind and e.t >= 5.0]
    sim.run_until(8.0)
    assert sim.raft_leader() == leader  # the leader's heartbeats keep both in line


def test_a_proposal_to_a_paused_leader_waits_for_the_resume() -> None:
    sim = Simulation(scenario())
    leader = leader_after(sim, 5.0)
    sim.pause(leader, 0.3)  # shorter than any election timeout: it stays leader
    assert sim.propose("late") is None  # queued, not yet in the log
    sim.run_until(5.29)
    assert "late" not in sim.applied(leader)
    sim.run_until(5.5)
    assert sim.raft_leader() == leader
    applied = [e for e in sim.trace if isinstance(e, RaftApply) and e.cmd == "late"]
    assert applied and min(e.t for e in applied) >= 5.3


def test_step_processes_one_event_at_the_time_peek_announced() -> None:
    sim = Simulation(scenario())
    before = len(sim.trace)
    seen = []
    for _ in range(50):
        upcoming = sim.peek()
        assert sim.step()
        assert sim.now == upcoming
        seen.append(sim.now)
    assert seen == sorted(seen) and len(sim.trace) > before
    assert sim.steps == 50


def test_a_pause_during_a_pause_ends_at_the_later_end() -> None:
    sim = Simulation(scenario())
    sim.run_until(1.0)
    sim.pause("n2", 3.0)
    sim.run_until(2.0)
    sim.pause("n2", 0.5)  # ends before the first pause: changes nothing
    sim.run_until(3.0)
    sim.pause("n2", 2.0)  # ends after it: extends to 5.0
    sim.run_until(6.0)
    pauses = [(e.t, e.duration) for e in sim.trace if isinstance(e, NodePause)]
    assert pauses == [(1.0, 3.0), (2.0, 2.0), (3.0, 2.0)]
    assert [e.t for e in sim.trace if isinstance(e, NodeResume)] == [5.0]


def test_a_pause_is_traced_with_the_duration_asked_for_at_any_time() -> None:
    sim = Simulation(scenario())
    sim.run_until(21.23569190937238)  # now + 15 - now is not 15.0 in floating point here
    sim.pause("n2", 15.0)
    sim.run_until(40.0)
    assert [e.duration for e in sim.trace if isinstance(e, NodePause)] == [15.0]
    assert [e.t for e in sim.trace if isinstance(e, NodeResume)] == [21.23569190937238 + 15.0]
