"""etcd-io/raft's timing and replication details (issue 14, items 3, 4 and 5).

Election timer: a new random timeout only when the term or role changes. CheckQuorum: a check
once per election timeout. Heartbeats: no entries, commit = min(match, committed). Rejections:
name the rejected index, stale ones are ignored. Appends: capped in size.
"""

import random

from simulator.raft import (
    AppendEntries,
    AppendEntriesResponse,
    Entry,
    Heartbeat,
    RaftNode,
    RaftOptions,
    Role,
    RoleChanged,
)

from network import Network

ETCD = RaftOptions(0.1, 1.0, 2.0, pre_vote=True, check_quorum=True)


def _timeouts_after_heartbeats(rules: str) -> list[float]:
    options = RaftOptions(0.1, 1.0, 2.0, timer_rules=rules)
    node = RaftNode("n2", ["n1", "n2", "n3"], options, random.Random(5))
    node.ready()
    lengths = []
    for beat in range(1, 6):
        now = beat * 0.1
        node.step(Heartbeat("n1", "n2", 1, 0, 0), now)
        node.ready()
        lengths.append(round(node.next_deadline() - now, 12))
    return lengths


def test_a_heartbeat_restarts_the_same_timeout_under_etcd_rules() -> None:
    etcd = _timeouts_after_heartbeats("etcd")
    assert len(set(etcd)) == 1  # electionElapsed = 0, randomizedElectionTimeout kept
    paper = _timeouts_after_heartbeats("paper")
    assert len(set(paper)) == len(paper)  # LogCabin draws at every reset


def test_a_term_or_role_change_draws_a_new_timeout_under_etcd_rules() -> None:
    node = RaftNode("n2", ["n1", "n2", "n3"], ETCD, random.Random(5))
    node.ready()
    node.step(Heartbeat("n1", "n2", 1, 0, 0), 0.1)  # a new term: a new draw
    first = node.next_deadline() - 0.1
    node.step(Heartbeat("n1", "n2", 2, 0, 0), 0.2)  # another term: another draw
    second = node.next_deadline() - 0.2
    assert first != second


def _step_down_after_cut(timing: str) -> tuple[float, float]:
    options = RaftOptions(0.1, 1.0, 2.0, check_quorum_timing=timing)
    net = Network(3, options=options, seed=4)
    net.elect("n1")
    start = net.now
    # cut half-way between two of the leader's quorum checks (they come every 1 s from start)
    net.run_for(3.5)
    cut = net.now
    assert net.leader() == "n1"
    net.isolate("n1")
    net.run_for(3.0)
    step_down = next(t for t, n, note in net.notes
                     if n == "n1" and t > cut and isinstance(note, RoleChanged))
    return cut - start, step_down - cut


def test_check_quorum_as_etcd_times_it_steps_down_at_the_next_check_but_one() -> None:
    since_start, delay = _step_down_after_cut("etcd")
    assert since_start == 3.5
    # the check at 4 s still saw the majority (heard until the cut at 3.5 s); the one at 5 s
    # did not: between one and two election timeouts after the cut
    assert delay == 1.5
    _, exact = _step_down_after_cut("exact")
    assert 0.9 <= exact <= 1.0  # the old exact timing: one timeout after the last contact


def test_a_majority_can_elect_before_the_cut_off_leader_steps_down() -> None:
    overlaps = 0
    for seed in range(1, 9):
        net = Network(5, options=ETCD, seed=seed)
        net.elect("n1")
        net.run_for(0.95)  # cut just before the leader's first quorum check: it still passes
        net.isolate("n1")
        for _ in range(400):
            net.advance()
            if net["n1"].role is not Role.LEADER:
                break
            others = [n for n in ("n2", "n3", "n4", "n5") if net[n].role is Role.LEADER]
            if others:
                assert net[others[0]].term > net["n1"].term  # never two leaders in one term
                overlaps += 1
                break
    assert overlaps > 0


def test_heartbeats_carry_no_entries_and_commit_only_up_to_the_followers_match() -> None:
    net = Network(3, options=ETCD, seed=2)
    net.elect("n1")
    net.crash("n3")
    for i in range(20):
        net.propose(f"op{i}")
    net.run_for(0.5)
    commit = net["n1"].commit_index
    assert commit == 21
    net.restart("n3")
    sent_before = len(net.sent_messages)
    net.run_for(1.0)
    to_n3 = net.sent_messages[sent_before:]
    beats = [m for m in to_n3 if isinstance(m, Heartbeat) and m.dst == "n3"]
    assert beats and all(b.commit <= commit for b in beats)
    appends = [m for m in to_n3 if isinstance(m, AppendEntries) and m.dst == "n3"]
    resent = sum(len(m.entries) for m in appends)
    # each missing entry is sent about once, not again with every heartbeat (10 in this second)
    assert resent <= 2 * commit
    assert net["n3"].commit_index == commit


def test_a_heartbeat_never_commits_beyond_what_the_follower_is_known_to_hold() -> None:
    net = Network(3, options=ETCD, seed=2)
    net.elect("n1")
    net.block(lambda m: isinstance(m, AppendEntries) and m.dst == "n3")
    net.propose("x")
    net.run_for(0.35)
    beats = [m for m in net.sent_messages if isinstance(m, Heartbeat) and m.dst == "n3"]
    assert beats and all(b.commit == 1 for b in beats[-2:])  # n3 matched the no-op only
    assert net["n1"].commit_index == 2 and net["n3"].commit_index <= 1


def test_a_stale_rejection_is_ignored() -> None:
    net = Network(3, options=ETCD, seed=2)
    net.elect("n1")
    for i in range(5):
        net.propose(f"op{i}")
    leader = net["n1"]
    sent_before = len(net.sent_messages)
    # an old rejection of the append after index 2 arrives late: n2 has matched 6 since
    leader.step(AppendEntriesResponse("n2", "n1", leader.term, False, 0, 2, 0, 1, 2), net.now)
    net.collect("n1")
    assert net.sent_messages[sent_before:] == []
    # a current one (rejecting the append after its match) makes the leader probe again
    leader.step(AppendEntriesResponse("n2", "n1", leader.term, False, 0, 6, 0, 1, 7), net.now)
    net.collect("n1")
    (probe,) = net.sent_messages[sent_before:]
    assert isinstance(probe, AppendEntries) and probe.prev_log_index == 6


def test_a_rejection_names_the_rejected_index() -> None:
    node = RaftNode("n2", ["n1", "n2", "n3"], ETCD, random.Random(1))
    node.ready()
    node.step(AppendEntries("n1", "n2", 1, 4, 1, (Entry(1, 5, "x"),), 0), 0.1)
    (reply,) = node.ready().messages
    assert isinstance(reply, AppendEntriesResponse) and not reply.success
    assert reply.reject_index == 4 and reply.conflict_index == 0


def test_appends_are_capped_in_size() -> None:
    options = RaftOptions(0.1, 1.0, 2.0, max_size_per_msg=100)
    net = Network(3, options=options, seed=3)
    net.elect("n1")
    net.crash("n3")
    for i in range(30):
        net.propose(f"payment-{i:04d}")  # 12 characters + 16 bytes of framing each
    net.restart("n3")
    net.run_for(1.0)
    appends = [m for m in net.sent_messages if isinstance(m, AppendEntries) and m.dst == "n3"]
    assert max(len(m.entries) for m in appends) == 3  # 3 x 28 bytes fit in 100, 4 do not
    assert net["n3"].last_index == net["n1"].last_index
