"""Stories about elections: who wins, who concedes, and what split votes and timeouts do."""

from __future__ import annotations

import random

import pytest
from network import FAST, Network

from simulator.raft import (
    AppendEntries,
    ElectionTimerReset,
    Heartbeat,
    RaftNode,
    RaftOptions,
    RequestVote,
    RequestVoteResponse,
    Role,
    RoleChanged,
    VoteGranted,
)

NO_PREVOTE = RaftOptions(0.1, 1.0, 2.0, pre_vote=False, check_quorum=False)


@pytest.mark.parametrize("size", [3, 5])
def test_a_cluster_elects_one_leader_that_everyone_follows(size: int) -> None:
    net = Network(size, seed=7)
    assert net.run_until(lambda: net.leader() is not None, limit=10)
    leader = net.leader()
    assert leader is not None
    term = net[leader].term
    assert term == 1  # PreVote: the winner's term rose exactly once
    for node in net.ids:
        assert net[node].leader_id == leader
        assert net[node].term == term
        assert net[node].commit_index == 1  # the leader's no-op is committed everywhere
        assert net[node].entry(1).command is None
    roles = [note.role for note in net.notes_of(leader, RoleChanged)]
    assert roles == [Role.FOLLOWER, Role.PRECANDIDATE, Role.CANDIDATE, Role.LEADER]


def test_a_single_node_cluster_elects_itself_and_commits_alone() -> None:
    net = Network(1)
    assert net.run_until(lambda: net.leader() == "n1", limit=5)
    assert net.propose("x") == 2
    assert net["n1"].commit_index == 2
    assert [e.canonical() for e in net.applied["n1"]] == ["noop", "x"]
    assert net["n1"].next_deadline() == float("inf")  # nobody to send heartbeats to


def test_election_timeouts_are_drawn_within_the_range_and_redrawn_at_every_election() -> None:
    # without PreVote every timeout starts a new term: a term change draws a new timeout
    options = RaftOptions(0.05, 0.15, 0.3, pre_vote=False)
    node = RaftNode("n1", ["n1", "n2", "n3"], options, random.Random(4), now=10.0)
    first = node.ready()
    (reset,) = [n for n in first.notes if isinstance(n, ElectionTimerReset)]
    assert 10.15 <= reset.deadline <= 10.3
    assert node.next_deadline() == reset.deadline
    node.tick(10.1)  # too early: nothing happens
    assert node.role is Role.FOLLOWER and node.ready().empty
    deadlines = []
    now = reset.deadline
    for _ in range(30):
        node.tick(now)  # a new election (and term) each time, and a fresh timeout
        notes = [n for n in node.ready().notes if isinstance(n, ElectionTimerReset)]
        deadlines.append(notes[-1].deadline - now)
        now = notes[-1].deadline
    assert all(0.15 <= d <= 0.3 for d in deadlines)
    assert len(set(deadlines)) == len(deadlines)


def test_dueling_candidates_never_give_two_leaders_in_one_term() -> None:
    net = Network(3, options=NO_PREVOTE)
    net["n1"].campaign(net.now)
    net["n3"].campaign(net.now)
    net.collect("n1")
    net.collect("n3")
    net.deliver()
    # n2 hears n1 first and votes for it; n3 already voted for itself in term 1.
    assert net["n1"].role is Role.LEADER and net["n1"].term == 1
    assert net["n3"].role is Role.FOLLOWER and net["n3"].leader_id == "n1"
    assert net["n2"].voted_for == "n1"
    assert net.leaders_by_term == {1: "n1"}


def test_a_split_vote_elects_nobody_and_randomised_timeouts_then_elect_one() -> None:
    net = Network(4, options=NO_PREVOTE, seed=3)
    net.partition(["n1", "n2"], ["n3", "n4"])
    net["n1"].campaign(net.now)
    net["n3"].campaign(net.now)
    net.collect("n1")
    net.collect("n3")
    net.deliver()
    assert net["n2"].voted_for == "n1" and net["n4"].voted_for == "n3"
    assert net.leader() is None  # 2 of 4 votes each: no majority in term 1
    net.heal()
    assert net.run_until(lambda: net.leader() is not None, limit=20)
    leader = net.leader()
    assert leader is not None and net[leader].term >= 2
    assert 1 not in net.leaders_by_term


def test_a_candidate_concedes_to_a_leader_of_the_same_term() -> None:
    net = Network(3, options=NO_PREVOTE)
    net.isolate("n1")
    net.elect("n1")  # n1 is stuck as a candidate of term 1
    net.elect("n3")  # n3 wins term 1 with n2's vote
    assert net["n1"].role is Role.CANDIDATE and net["n1"].term == 1
    assert net["n3"].role is Role.LEADER and net["n3"].term == 1
    net.heal()
    net.propose("pay contract 7")
    assert net["n1"].role is Role.FOLLOWER and net["n1"].term == 1
    assert net["n1"].leader_id == "n3"
    assert net["n1"].log == net["n3"].log


def test_a_node_with_an_older_log_cannot_win_an_election() -> None:
    net = Network(3, options=NO_PREVOTE)
    net.elect("n1")
    net.isolate("n3")
    net.propose("a")
    net.propose("b")
    net.heal()
    net.cut("n1", "n3")  # n3 never hears the leader, so it campaigns
    net.elect("n3")
    votes = [note for note in net.notes_of("n2", VoteGranted) if note.candidate == "n3"]
    assert votes == []  # n2's log is more up to date
    assert net["n3"].role is not Role.LEADER


def test_a_vote_is_given_once_per_term() -> None:
    node = RaftNode("n2", ["n1", "n2", "n3"], NO_PREVOTE, random.Random(1))
    node.ready()
    node.step(RequestVote("n1", "n2", 5, 0, 0), now=0.1)
    node.step(RequestVote("n3", "n2", 5, 0, 0), now=0.2)
    node.step(RequestVote("n1", "n2", 5, 0, 0), now=0.3)  # a retry from the same candidate
    ready = node.ready()
    answers = [(m.dst, m.granted) for m in ready.messages if isinstance(m, RequestVoteResponse)]
    assert answers == [("n1", True), ("n3", False), ("n1", True)]
    assert node.voted_for == "n1" and node.term == 5
    assert ready.must_persist


def test_options_reject_impossible_timing_with_a_clear_message() -> None:
    with pytest.raises(ValueError, match="election_timeout_max"):
        RaftOptions(0.1, 2.0, 1.0)
    with pytest.raises(ValueError, match="heartbeat_interval"):
        RaftOptions(0.0, 1.0, 2.0)
    with pytest.raises(ValueError, match="not among its peers"):
        RaftNode("n9", ["n1", "n2"], FAST, random.Random(1))


def test_an_idle_leader_sends_a_heartbeat_every_interval_and_keeps_its_followers() -> None:
    net = Network(3, options=FAST)
    net.elect("n1")
    start, sent_before = net.now, len(net.sent_messages)
    net.run_for(10.05)
    beats = [
        m for m in net.sent_messages[sent_before:] if isinstance(m, Heartbeat) and m.src == "n1"
    ]
    per_follower = {dst: sum(1 for m in beats if m.dst == dst) for dst in ("n2", "n3")}
    assert per_follower == {"n2": 100, "n3": 100}  # one every 0.1 s for 10 s
    assert net.leader() == "n1" and net["n1"].term == 1
    assert net["n1"].next_deadline() <= net.now + FAST.heartbeat_interval
    assert all(net[n].role is Role.FOLLOWER for n in ("n2", "n3"))
    assert not any(
        isinstance(note, RoleChanged) for t, _, note in net.notes if t > start
    )  # no follower ever timed out
