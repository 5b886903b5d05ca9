"""Stories about the log: replication, repair of divergent logs, stale leaders, commit rules."""

from __future__ import annotations

import pytest
from network import Network

from simulator.raft import (
    AppendEntries,
    AppendEntriesResponse,
    Entry,
    LogTruncated,
    PersistentState,
    RaftOptions,
    RequestVote,
    RequestVoteResponse,
    Role,
)

PLAIN = RaftOptions(0.1, 1.0, 2.0, pre_vote=False, check_quorum=False)


def make_log(terms: list[int], tag: str) -> tuple[Entry, ...]:
    """A log with the given terms, each entry's command naming where it came from."""
    return tuple(Entry(term, i, f"{tag}{i}") for i, term in enumerate(terms, start=1))


# Figure 7 of the Raft paper: the leader's log, and followers (a)-(f).
FIGURE7_LEADER = [1, 1, 1, 4, 4, 5, 5, 6, 6, 6]
FIGURE7_FOLLOWERS = {
    "a": [1, 1, 1, 4, 4, 5, 5, 6, 6],
    "b": [1, 1, 1, 4],
    "c": [1, 1, 1, 4, 4, 5, 5, 6, 6, 6, 6],
    "d": [1, 1, 1, 4, 4, 5, 5, 6, 6, 6, 7, 7],
    "e": [1, 1, 1, 4, 4, 4, 4],
    "f": [1, 1, 1, 2, 2, 2, 3, 3, 3, 3, 3],
}


def shared_prefix(follower: list[int]) -> int:
    """How many leading entries a Figure 7 follower shares with the leader."""
    count = 0
    for ours, theirs in zip(FIGURE7_LEADER, follower, strict=False):
        if ours != theirs:
            break
        count += 1
    return count


@pytest.mark.parametrize("case", sorted(FIGURE7_FOLLOWERS))
def test_a_new_leader_repairs_a_divergent_follower_log(case: str) -> None:
    leader_log = make_log(FIGURE7_LEADER, "L")
    follower_terms = FIGURE7_FOLLOWERS[case]
    follower_log = tuple(
        leader_log[i - 1] if i <= shared_prefix(follower_terms) else Entry(term, i, f"{case}{i}")
        for i, term in enumerate(follower_terms, start=1)
    )
    storages = {
        "n1": PersistentState(7, None, leader_log),
        "n2": PersistentState(7, None, follower_log),
        "n3": PersistentState(7, None, leader_log),
    }
    net = Network(3, options=PLAIN, storages=storages)
    net.elect("n1")  # n3 (same log) votes for n1 even when n2 refuses
    assert net["n1"].role is Role.LEADER and net["n1"].term == 8
    assert net["n2"].log == net["n1"].log
    assert net["n2"].commit_index == len(FIGURE7_LEADER) + 1
    prefix = shared_prefix(follower_terms)
    truncated = [note.from_index for note in net.notes_of("n2", LogTruncated)]
    if len(follower_terms) > prefix:
        # the follower's own uncommitted entries were removed, and never applied
        assert truncated == [prefix + 1]
        own = follower_log[prefix:]
        assert not any(e in net.applied["n2"] for e in own)
    else:
        assert truncated == []
    # the reject hint lets the leader skip whole terms: a couple of round trips at most
    assert net.rejections["n2"] <= 2


def test_a_stale_leader_is_ignored_answered_and_its_uncommitted_entry_discarded() -> None:
    net = Network(3, options=PLAIN)
    net.elect("n1")
    net.propose("a")
    net.isolate("n1")
    net.elect("n2")  # n2 leads term 2 with n3
    assert net["n2"].role is Role.LEADER and net["n2"].term == 2
    stale_index = net.propose("stale write", node="n1")  # n1 still believes it leads term 1
    assert stale_index == 3
    net.propose("b", node="n2")
    committed = net["n3"].commit_index
    net.heal()
    net.run_for(0.3)  # n1's heartbeats of term 1 are answered with term 2
    assert net["n1"].role is Role.FOLLOWER and net["n1"].term == 2
    assert net["n1"].leader_id == "n2"
    assert net["n3"].commit_index >= committed
    commands = [e.command for e in net["n1"].log]
    assert "stale write" not in commands and "b" in commands
    assert net.notes_of("n1", LogTruncated)[0].from_index == 3


def test_stale_term_messages_change_nothing_and_tell_the_sender_the_term() -> None:
    net = Network(3, options=PLAIN)
    net.elect("n1")
    net.elect("n2")  # n2's log is as long: it wins term 2
    assert net["n2"].role is Role.LEADER and net["n2"].term == 2
    follower = net["n3"]
    log_before = follower.log
    follower.step(AppendEntries("n1", "n3", 1, 1, 1, (Entry(1, 2, "old"),), 1), now=net.now)
    follower.step(RequestVote("n1", "n3", 1, 9, 1), now=net.now)
    ready = follower.ready()
    assert follower.term == 2 and follower.leader_id == "n2" and follower.log == log_before
    assert {(type(m), m.term) for m in ready.messages} == {
        (AppendEntriesResponse, 2),
        (RequestVoteResponse, 2),
    }
    assert not any(getattr(m, "success", False) or getattr(m, "granted", False)
                   for m in ready.messages)
    # a stale vote answer does not help a candidate of a later term
    candidate = net["n1"]
    candidate.campaign(net.now)
    candidate.ready()
    term = candidate.term
    candidate.step(RequestVoteResponse("n2", "n1", term - 1, True), now=net.now)
    candidate.step(RequestVoteResponse("n3", "n1", term - 1, True), now=net.now)
    assert candidate.role is Role.CANDIDATE


def test_followers_learn_the_commit_index_from_the_leader() -> None:
    net = Network(5, options=PLAIN)
    net.elect("n1")
    for i in range(5):
        net.propose(f"cmd{i}")
    for node in net.ids:
        assert net[node].commit_index == 6
        assert [e.canonical() for e in net.applied[node]] == ["noop"] + [
            f"cmd{i}" for i in range(5)
        ]


def test_a_follower_behind_lost_appends_catches_up_with_heartbeats() -> None:
    net = Network(3, options=PLAIN)
    net.elect("n1")
    net.block(lambda m: m.dst == "n3" and isinstance(m, AppendEntries) and bool(m.entries))
    for i in range(4):
        net.propose(f"c{i}")
    assert net["n3"].last_index == 1 and net["n1"].commit_index == 5
    net.heal()
    net.run_for(0.25)
    assert net["n3"].log == net["n1"].log and net["n3"].commit_index == 5


def test_a_minority_cannot_commit() -> None:
    net = Network(5, options=PLAIN)
    net.elect("n1")
    net.partition(["n1", "n2"], ["n3", "n4", "n5"])
    index = net.propose("lonely")
    net.run_for(0.5)
    assert index == 2
    assert net["n1"].commit_index == 1 and net["n2"].last_index == 2


def test_figure8_an_old_term_entry_on_a_majority_is_not_committed_by_counting() -> None:
    """Raft paper Figure 8: counting replicas of an entry from an earlier term is not enough."""
    base = (Entry(1, 1, "x"),)
    storages = {
        "n1": PersistentState(3, None, base + (Entry(2, 2, "from term 2"),)),
        "n2": PersistentState(3, None, base + (Entry(2, 2, "from term 2"),)),
        "n3": PersistentState(3, None, base + (Entry(2, 2, "from term 2"),)),
        "n4": PersistentState(3, None, base),
        "n5": PersistentState(3, None, base + (Entry(3, 2, "from term 3"),)),
    }
    net = Network(5, options=PLAIN, storages=storages)
    net.block(lambda m: isinstance(m, AppendEntries) and m.src == "n1")
    net.elect("n1")  # leader of term 4 (votes from n2, n3, n4); its no-op is index 3
    assert net["n1"].role is Role.LEADER and net["n1"].term == 4
    # n2 and n3 confirm they hold index 2: a majority with n1, but index 2 is from term 2.
    for peer in ("n2", "n3"):
        net.step(AppendEntriesResponse(peer, "n1", 4, True, 2))
    assert net["n1"].commit_index == 0
    # That was right: n1 crashes, n5 (last term 3) wins term 5 and overwrites index 2.
    net.crash("n1")
    net.heal()
    net.elect("n5")
    assert net["n5"].role is Role.LEADER and net["n5"].term == 5
    for node in ("n2", "n3", "n4"):
        assert net[node].entry(2).command == "from term 3"
    assert all(e.command != "from term 2" for log in net.applied.values() for e in log)


def test_figure8_once_a_current_term_entry_is_on_a_majority_both_commit() -> None:
    base = (Entry(1, 1, "x"), Entry(2, 2, "from term 2"))
    storages = {
        "n1": PersistentState(3, None, base),
        "n2": PersistentState(3, None, base),
        "n3": PersistentState(3, None, base),
        "n4": PersistentState(3, None, base[:1]),
        "n5": PersistentState(3, None, base[:1] + (Entry(3, 2, "from term 3"),)),
    }
    net = Network(5, options=PLAIN, storages=storages)
    net.block(lambda m: isinstance(m, AppendEntries) and m.src == "n1" and m.dst != "n2")
    net.elect("n1")
    assert net["n2"].last_index == 3
    assert net["n1"].commit_index == 0  # n1 and n2 hold the term-4 no-op: not a majority
    net.heal()
    net.block(lambda m: isinstance(m, AppendEntries) and m.dst in ("n4", "n5"))
    net.run_for(0.15)  # the next heartbeat round reaches n3
    assert net["n3"].last_index == 3
    assert net["n1"].commit_index == 3  # the no-op commits, and index 2 with it
    assert [e.command for e in net.applied["n1"]] == ["x", "from term 2", None]
    net.crash("n1")
    net.heal()
    net.elect("n5")  # n5's log is now behind a majority: it cannot win
    assert net["n5"].role is not Role.LEADER


def test_an_append_behind_the_commit_index_is_acknowledged_without_touching_the_log() -> None:
    net = Network(3, options=PLAIN, seed=2)
    net.elect("n1")
    net.propose("a")
    follower = net["n2"]
    before = follower.log
    follower.step(AppendEntries("n1", "n2", 1, 0, 0, (Entry(1, 1, None),), 0), now=net.now)
    (answer,) = follower.ready().messages
    assert isinstance(answer, AppendEntriesResponse)
    assert answer.success and answer.match_index == follower.commit_index == 2
    assert follower.log == before


def test_a_follower_commits_only_up_to_what_the_leader_showed_it_matches() -> None:
    """commitIndex = min(leaderCommit, last new entry): a stale tail is never committed."""
    stale = PersistentState(1, None, (Entry(1, 1, "a"), Entry(1, 2, "stale")))
    net = Network(3, options=PLAIN, storages={"n2": stale})
    follower = net["n2"]
    follower.ready()
    heartbeat = AppendEntries("n1", "n2", 2, 1, 1, (), leader_commit=5)
    follower.step(heartbeat, now=net.now)
    ready = follower.ready()
    assert follower.commit_index == 1
    assert [e.command for e in ready.committed] == ["a"]
