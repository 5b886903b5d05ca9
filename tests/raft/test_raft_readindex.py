"""Stories about ReadIndex: a leader answers a linearizable read only after a quorum confirms it."""

from __future__ import annotations

import pytest
from network import Network

from simulator.raft import AppendEntriesResponse, Heartbeat, RaftOptions

PLAIN = RaftOptions(0.1, 1.0, 2.0, pre_vote=False, check_quorum=False)


def test_a_leader_confirms_a_read_with_a_quorum_and_reports_its_commit_index() -> None:
    net = Network(3, options=PLAIN)
    net.elect("n1")
    net.propose("balance=10")
    assert net.read("n1", 7)
    assert net.read_states["n1"] == [(7, 2)]
    rounds = [m for m in net.sent_messages if isinstance(m, Heartbeat) and m.context == 7]
    assert {m.dst for m in rounds} == {"n2", "n3"}


def test_a_leader_cut_off_from_the_majority_never_confirms_a_read() -> None:
    net = Network(5, options=PLAIN)
    net.elect("n1")
    net.partition(["n1", "n2"], ["n3", "n4", "n5"])
    assert net.read("n1", 1)  # n1 still believes it leads (no CheckQuorum here)
    net.run_for(5.0)  # heartbeats keep carrying the request; only n2 answers
    assert net.read_states["n1"] == []
    assert net.leader() in ("n3", "n4", "n5")  # the majority moved on: a read would be stale


def test_followers_and_fresh_leaders_do_not_serve_reads() -> None:
    net = Network(3, options=PLAIN)
    net.elect("n1")
    assert not net.read("n2", 3)  # a follower redirects
    net.block(lambda m: isinstance(m, AppendEntriesResponse))
    net.elect("n2")  # leads term 2, but its no-op is not committed yet
    assert net.leader() == "n2"
    assert not net.read("n2", 4)
    net.heal()
    net.run_for(0.15)
    assert net.read("n2", 4)
    assert net.read_states["n2"] == [(4, 2)]


def test_a_later_confirmation_also_confirms_earlier_reads() -> None:
    net = Network(3, options=PLAIN)
    net.elect("n1")
    net.block(lambda m: isinstance(m, Heartbeat) and m.context == 1)
    assert net.read("n1", 1)  # its heartbeat round is lost
    assert net.read_states["n1"] == []
    net.heal()
    assert net.read("n1", 2)
    assert net.read_states["n1"] == [(1, 1), (2, 1)]


def test_a_lost_read_round_is_confirmed_by_the_next_heartbeat() -> None:
    net = Network(3, options=PLAIN)
    net.elect("n1")
    net.block(lambda m: isinstance(m, Heartbeat) and m.context == 5)
    net.read("n1", 5)
    net.heal()
    net.run_for(0.15)
    assert net.read_states["n1"] == [(5, 1)]


def test_a_single_node_confirms_reads_at_once_and_bad_contexts_are_refused() -> None:
    net = Network(1)
    net.run_until(lambda: net.leader() == "n1")
    assert net.read("n1", 9)
    assert net.read_states["n1"] == [(9, 1)]
    with pytest.raises(ValueError, match="positive int"):
        net["n1"].read_index(0, net.now)
