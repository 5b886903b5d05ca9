"""MiniCluster, the experiments' small event loop: elections, crashes, disk waits, determinism."""

import pytest

from simulator.config import Latency
from simulator.raft.messages import AppendEntries, Message, RequestVote, RequestVoteResponse
from simulator.raft.options import RaftOptions, Role
from simulator.rng import Streams
from simulator.runtime.experiment_loop import MiniCluster

IDS = ("n1", "n2", "n3")
OPTIONS = RaftOptions(0.05, 0.15, 0.3, pre_vote=False, check_quorum=False)


def _cluster(seed: int = 1, disk: float = 0.005) -> MiniCluster:
    return MiniCluster(IDS, OPTIONS, Streams(seed), Latency.uniform(0.004, 0.006),
                       Latency.constant(disk))


def _leaders(cluster: MiniCluster) -> list[str]:
    return [i for i in cluster.ids if cluster.nodes[i].role is Role.LEADER]


def test_a_campaign_elects_and_replicates_a_command() -> None:
    cluster = _cluster()
    cluster.campaign("n1")
    cluster.run_until(0.1)
    assert _leaders(cluster) == ["n1"]
    index = cluster.propose("n1", "x")
    assert index is not None
    cluster.run_until(0.3)
    assert all(cluster.nodes[i].commit_index >= index for i in IDS)


def test_messages_to_a_crashed_node_are_lost_and_the_rest_elect_again() -> None:
    cluster = _cluster()
    cluster.campaign("n1")
    cluster.run_until(0.1)
    delivered: list[Message] = []
    cluster.on_deliver = lambda msg, t: delivered.append(msg)
    cluster.crash("n1")
    cluster.run_until(2.0)
    assert all(msg.dst != "n1" for msg in delivered)
    assert len(_leaders(cluster)) == 2  # the crashed n1 still thinks it leads; one other won
    assert any(cluster.nodes[i].role is Role.LEADER for i in ("n2", "n3"))


def test_messages_still_waiting_for_the_disk_die_with_their_sender() -> None:
    cluster = _cluster(disk=0.02)
    sent: list[tuple[Message, float]] = []
    cluster.on_send = lambda msg, t: sent.append((msg, t))
    delivered: list[Message] = []
    cluster.on_deliver = lambda msg, t: delivered.append(msg)
    cluster.campaign("n1")  # the vote requests wait for n1's disk write of its new term
    assert sent and all(t >= 0.02 for _, t in sent)
    cluster.crash("n1")
    cluster.run_until(0.1)
    assert not any(msg.src == "n1" for msg in delivered)


def test_outgoing_filter_can_rewrite_messages() -> None:
    cluster = _cluster()

    def strip(msg: Message) -> Message | None:
        if isinstance(msg, AppendEntries) and msg.dst == "n3" and msg.entries:
            return AppendEntries(msg.src, msg.dst, msg.term, msg.prev_log_index,
                                 msg.prev_log_term, (), msg.leader_commit, msg.context)
        return msg

    cluster.outgoing = strip
    cluster.campaign("n1")
    cluster.run_until(0.5)
    assert cluster.nodes["n2"].last_index == cluster.nodes["n1"].last_index >= 1
    assert cluster.nodes["n3"].last_index == 0
    assert cluster.nodes["n3"].role is Role.FOLLOWER  # it still hears the heartbeats


def test_one_seed_gives_one_history() -> None:
    def history(seed: int) -> list[tuple[float, str, str]]:
        cluster = _cluster(seed)
        log: list[tuple[float, str, str]] = []
        cluster.on_deliver = lambda msg, t: log.append((t, msg.src, msg.label()))
        cluster.run_until(1.0)
        return log

    assert history(4) == history(4)
    assert history(4) != history(5)


def test_whole_millisecond_timeouts_take_every_value_of_the_range_and_nothing_between() -> None:
    options = RaftOptions(0.075, 0.150, 0.155, pre_vote=False, check_quorum=False)
    cluster = MiniCluster(IDS, options, Streams(3), Latency.constant(0.0001),
                          Latency.constant(0.0), timeout_step=0.001)
    seen: set[int] = set()
    for _ in range(300):  # a follower's timer is re-drawn at every campaign
        node = cluster.nodes["n2"]
        node.campaign(cluster.now)
        timeout_ms = (node.next_deadline() - cluster.now) * 1000
        assert abs(timeout_ms - round(timeout_ms)) < 1e-6
        seen.add(round(timeout_ms))
    assert seen == {150, 151, 152, 153, 154, 155}  # LogCabin rounds: both ends included


def test_a_candidate_asks_before_its_disk_write_only_when_overlapping_is_on() -> None:
    def first_vote_request(overlap: bool) -> float:
        cluster = MiniCluster(IDS, OPTIONS, Streams(1), Latency.constant(0.001),
                              Latency.constant(0.02), overlap_candidate_write=overlap)
        sent: list[float] = []
        cluster.on_send = lambda msg, t: sent.append(t) if isinstance(msg, RequestVote) else None
        cluster.campaign("n1")
        cluster.run_until(0.2)
        assert _leaders(cluster) == ["n1"]
        return min(sent)

    assert first_vote_request(overlap=False) == 0.02  # LogCabin: write term and vote, then ask
    assert first_vote_request(overlap=True) == 0.0


def test_a_voter_new_to_the_term_writes_the_term_then_the_vote_when_asked_to() -> None:
    def grant_leaves_at(two_writes: bool) -> float:
        cluster = MiniCluster(IDS, OPTIONS, Streams(1), Latency.constant(0.001),
                              Latency.constant(0.02), term_then_vote_writes=two_writes)
        grants: list[float] = []
        cluster.on_send = lambda msg, t: grants.append(t) if (
            isinstance(msg, RequestVoteResponse) and msg.granted) else None
        cluster.campaign("n1")  # n1 writes (0.02), asks (arrives 0.021); voters are in term 0
        cluster.run_until(0.2)
        return min(grants)

    assert grant_leaves_at(two_writes=False) == pytest.approx(0.021 + 0.02)
    assert grant_leaves_at(two_writes=True) == pytest.approx(0.021 + 0.04)  # stepDown, vote


def test_a_jittered_timer_wakes_after_its_deadline_and_rearms_from_the_wake() -> None:
    fixed = RaftOptions(0.05, 0.15, 0.15, pre_vote=False, check_quorum=False)
    jitter = Latency.uniform(0.001, 0.002)
    cluster = MiniCluster(IDS, fixed, Streams(3), Latency.constant(0.001),
                          Latency.constant(0.0), timer_jitter=jitter)
    cluster.crash("n2")
    cluster.crash("n3")  # n1 times out again and again, a candidate without voters
    node = cluster.nodes["n1"]
    wakes: list[tuple[float, float]] = []
    for _ in range(5):
        deadline = node.next_deadline()
        cluster.run_until(deadline + 0.003, stop=lambda: node.next_deadline() != deadline)
        wakes.append((deadline, cluster.now))
    for deadline, woke in wakes:
        assert deadline + 0.001 <= woke <= deadline + 0.002
    for (_, woke), (next_deadline, _) in zip(wakes, wakes[1:]):
        assert next_deadline == pytest.approx(woke + 0.15)  # armed when it woke, not on time
    exact = MiniCluster(IDS, fixed, Streams(3), Latency.constant(0.001),
                        Latency.constant(0.0), timer_jitter=Latency.uniform(0.0, 0.0))
    exact.crash("n2")
    exact.crash("n3")
    exact.run_until(1.0)
    assert exact.nodes["n1"].next_deadline() == pytest.approx(0.15 * 7)  # exact: 6 wakes
