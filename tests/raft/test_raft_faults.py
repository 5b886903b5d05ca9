"""Stories about faults: partitions with CheckQuorum, PreVote on rejoin, stickiness, restarts."""

from __future__ import annotations

import random

from network import Network

from simulator.raft import (
    PersistentState,
    RaftNode,
    RaftOptions,
    RequestVote,
    RequestVoteResponse,
    Role,
    RoleChanged,
)

BOTH = RaftOptions(0.1, 1.0, 2.0, pre_vote=True, check_quorum=True)
CHECK_QUORUM_ONLY = RaftOptions(0.1, 1.0, 2.0, pre_vote=False, check_quorum=True)
PRE_VOTE_ONLY = RaftOptions(0.1, 1.0, 2.0, pre_vote=True, check_quorum=False)
PLAIN = RaftOptions(0.1, 1.0, 2.0, pre_vote=False, check_quorum=False)


def elected(net: Network, node: str) -> Network:
    """Make ``node`` the leader at once and let the cluster settle for a heartbeat."""
    net.elect(node)
    assert net.leader() == node
    net.run_for(0.2)
    return net


def test_a_partitioned_leader_steps_down_while_the_majority_elects_another() -> None:
    net = elected(Network(5, options=BOTH, seed=11), "n1")
    old_term = net["n1"].term
    cut_at = net.now
    net.partition(["n1", "n2"], ["n3", "n4", "n5"])
    lost = net.propose("charge twice?", node="n1")
    assert lost is not None
    net.run_for(4.0)
    step_down_at, first_change = next(
        (t, note)
        for t, n, note in net.notes
        if n == "n1" and t > cut_at and isinstance(note, RoleChanged)
    )
    assert first_change.role is Role.FOLLOWER
    assert net["n1"].term == old_term  # PreVote: the minority never raised its term
    # CheckQuorum as etcd times it: a check every minimum election timeout, so the leader
    # steps down between one and two timeouts after its last contact with the majority
    window = BOTH.election_timeout_min
    assert cut_at + window - BOTH.heartbeat_interval < step_down_at
    assert step_down_at <= cut_at + 2 * window + BOTH.heartbeat_interval
    leader = net.leader()
    assert leader in ("n3", "n4", "n5") and net[leader].term > old_term
    net.propose("charge once")
    net.heal()
    net.run_for(0.5)
    for node in net.ids:
        assert net[node].leader_id == leader
        commands = [e.command for e in net[node].log]
        assert "charge once" in commands and "charge twice?" not in commands


def test_without_check_quorum_a_partitioned_leader_keeps_believing_it_leads() -> None:
    net = elected(Network(5, options=PLAIN, seed=11), "n1")
    net.partition(["n1", "n2"], ["n3", "n4", "n5"])
    net.run_for(6.0)
    assert net["n1"].role is Role.LEADER  # a stale leader: only terms protect the log
    assert net.leader() != "n1" and net.leader() is not None


def rejoin_story(options: RaftOptions) -> tuple[Network, int, int]:
    """Isolate n3 for 10 s while the others commit, then heal; (net, term before, n3's term)."""
    net = elected(Network(3, options=options, seed=5), "n1")
    term_before = net["n1"].term
    net.isolate("n3")
    for i in range(3):
        net.propose(f"job{i}")
    net.run_for(10.0)
    isolated_term = net["n3"].term
    net.heal()
    net.run_for(0.5)
    assert net.run_until(lambda: net.leader() is not None, limit=30)
    return net, term_before, isolated_term


def test_prevote_keeps_a_rejoining_node_from_disrupting_the_cluster() -> None:
    net, term_before, isolated_term = rejoin_story(BOTH)
    assert isolated_term == term_before  # pre-vote failed: its term never rose
    assert net.leader() == "n1" and net["n1"].term == term_before
    assert net["n3"].leader_id == "n1" and net["n3"].log == net["n1"].log


def test_without_prevote_a_rejoining_node_with_a_higher_term_disrupts_the_cluster() -> None:
    net, term_before, isolated_term = rejoin_story(CHECK_QUORUM_ONLY)
    assert isolated_term > term_before + 2  # it kept starting elections alone
    leader = net.leader()
    assert leader is not None and net[leader].term > isolated_term  # the old leader was deposed
    assert leader != "n3"  # its log is behind: it cannot win, only disrupt
    assert any(
        note.role is Role.FOLLOWER and note.term > term_before for note in
        net.notes_of("n1", RoleChanged)
    )


def test_leader_stickiness_ignores_a_node_that_campaigns_while_the_leader_is_alive() -> None:
    net = elected(Network(3, options=BOTH, seed=2), "n1")
    net.elect("n3")  # n3 is up to date, but n1 and n2 heard n1 recently
    net.run_for(0.3)
    assert net.leader() == "n1" and net["n1"].term == 1 and net["n3"].term == 1
    assert net["n3"].role is Role.FOLLOWER and net["n3"].leader_id == "n1"


def test_without_stickiness_an_up_to_date_node_can_take_over_a_live_leader() -> None:
    net = elected(Network(3, options=PRE_VOTE_ONLY, seed=2), "n1")
    net.elect("n3")
    assert net.leader() == "n3" and net["n3"].term == 2
    assert net["n1"].role is Role.FOLLOWER


def test_a_follower_in_lease_ignores_votes_and_grants_them_once_the_leader_is_silent() -> None:
    net = elected(Network(3, options=CHECK_QUORUM_ONLY, seed=2), "n1")
    follower = net["n2"]
    follower.ready()
    heard = net.now
    follower.step(RequestVote("n3", "n2", 5, 99, 99), now=heard + 0.5)
    assert follower.ready().messages == () and follower.term == 1
    follower.step(RequestVote("n3", "n2", 5, 99, 99), now=heard + 1.01)
    (answer,) = follower.ready().messages
    assert isinstance(answer, RequestVoteResponse) and answer.granted and follower.term == 5


def test_a_restarted_node_keeps_term_vote_and_log_but_relearns_the_commit_index() -> None:
    net = elected(Network(3, options=BOTH, seed=4), "n1")
    for i in range(3):
        net.propose(f"c{i}")
    before = net["n2"]
    term, vote, log = before.term, before.voted_for, before.log
    assert vote == "n1"
    net.crash("n2")
    net.restart("n2")
    after = net["n2"]
    assert (after.term, after.voted_for, after.log) == (term, vote, log)
    assert after.role is Role.FOLLOWER and after.commit_index == 0 and after.leader_id is None
    applied_before = len(net.applied["n2"])
    assert applied_before == 0  # it applies again from the start once it learns the commit
    net.run_for(0.2)
    assert after.commit_index == 4
    assert [e.command for e in net.applied["n2"]] == [None, "c0", "c1", "c2"]


def test_a_restarted_node_does_not_vote_twice_in_the_same_term() -> None:
    rng = random.Random(3)
    options = PLAIN
    node = RaftNode("n2", ["n1", "n2", "n3"], options, rng)
    node.step(RequestVote("n1", "n2", 4, 0, 0), now=0.0)
    state = node.ready() and node.persistent_state()
    restarted = RaftNode("n2", ["n1", "n2", "n3"], options, rng, storage=state, now=5.0)
    restarted.ready()
    restarted.step(RequestVote("n3", "n2", 4, 0, 0), now=5.1)
    (answer,) = restarted.ready().messages
    assert isinstance(answer, RequestVoteResponse) and not answer.granted
    assert restarted.voted_for == "n1"


def test_the_whole_cluster_restarts_and_keeps_every_committed_entry() -> None:
    net = elected(Network(5, options=BOTH, seed=9), "n2")
    for i in range(4):
        net.propose(f"p{i}")
    committed = net["n2"].commit_index
    for node in net.ids:
        net.crash(node)
    net.run_for(1.0)
    for node in net.ids:
        net.restart(node)
    assert all(isinstance(net.disks[n], PersistentState) for n in net.ids)
    assert net.run_until(lambda: net.leader() is not None, limit=10)
    net.propose("after restart")
    net.run_for(0.3)
    leader = net.leader()
    assert leader is not None and net[leader].commit_index == committed + 2
    for node in net.ids:
        assert [e.command for e in net.applied[node]][1:committed] == [
            f"p{i}" for i in range(4)
        ]
