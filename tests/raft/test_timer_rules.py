"""When the election timer resets: etcd's rules against the Raft paper's (LogCabin's)."""

import random

from simulator.raft import (
    AppendEntries,
    Entry,
    RaftNode,
    RaftOptions,
    RequestVote,
    RequestVoteResponse,
    Role,
)


def _follower(rules: str) -> RaftNode:
    options = RaftOptions(0.05, 0.15, 0.30, pre_vote=False, check_quorum=False,
                          timer_rules=rules)
    node = RaftNode("n1", ["n1", "n2", "n3"], options, random.Random(3))
    # n3 led term 1 and replicated one entry to n1, so n1's log is longer than n2's
    node.step(AppendEntries("n3", "n1", 1, 0, 0, (Entry(1, 1, None),), 0), 0.0)
    node.ready()
    return node


def test_a_higher_term_alone_resets_the_timer_only_under_etcd_rules() -> None:
    deadlines = {}
    for rules in ("etcd", "paper"):
        node = _follower(rules)
        node.campaign(0.0)  # becomes candidate in term 2 and votes for itself
        node.ready()
        before = node.next_deadline()
        # a stale-log candidate of a higher term: refused, but its term is adopted
        node.step(RequestVote("n2", "n1", 7, last_log_index=0, last_log_term=0), 0.02)
        assert node.term == 7 and node.role is Role.FOLLOWER
        deadlines[rules] = (before, node.next_deadline())
    etcd_before, etcd_after = deadlines["etcd"]
    paper_before, paper_after = deadlines["paper"]
    assert etcd_after != etcd_before
    assert paper_after == paper_before


def test_a_losing_candidate_steps_down_under_etcd_and_waits_under_the_paper() -> None:
    roles = {}
    for rules in ("etcd", "paper"):
        node = _follower(rules)
        node.campaign(0.0)
        node.ready()
        for voter in ("n2", "n3"):
            node.step(RequestVoteResponse(voter, "n1", node.term, granted=False), 0.01)
        roles[rules] = node.role
    assert roles == {"etcd": Role.FOLLOWER, "paper": Role.CANDIDATE}
