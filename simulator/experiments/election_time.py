"""One trial of the Raft paper's election-time experiment (Ongaro & Ousterhout, section 9.3).

``ElectionSetup.protocol = "multi-paxos"`` runs the same trial on Multi-Paxos
(paxos_election.py).

The setup of Figure 16, modelled on MiniCluster (docs/experiments.md gives the source of each
choice): ``nodes`` servers on a LAN (one-way latency 0.05-0.15 ms) with a durable write of
2.4-3.8 ms before a node sends anything that follows a change of its term, vote or log; election
timeouts drawn in whole milliseconds, as LogCabin does; node ``n1`` is made leader; while it
leads, its log entries reach only enough followers to commit (the other ``nodes - quorum``
followers get its heartbeats but none of its appends with entries), so those stale survivors
cannot win an election; the leader is crashed at a uniformly random point of its
heartbeat interval (half the minimum election timeout unless set); the time measured runs from
the crash until every surviving follower has heard the new leader's first AppendEntries.
Every timer wakes ``timer_jitter`` after its deadline (none unless set). A trial with no such
moment within ``cap`` seconds is censored (its result is None). A trial that provably can never
elect (``split_forever``: equal timeouts that wake exactly on time and keep every survivor a
candidate of the same term, each timing out before any rival's RequestVote can arrive) is
censored as soon as that is proven instead of being run to the cap: the same result, sooner.
With timer jitter no split is endless (the wake-ups' random walk lets one node drift ahead), so
that check is off and such a trial runs to its end or its cap.
"""

from __future__ import annotations

from dataclasses import field, replace

from simulator.config import Latency
from simulator.frozen import frozen
from simulator.raft.messages import AppendEntries, Message, RequestVoteResponse
from simulator.raft.options import RaftOptions, Role
from simulator.raft.progress import quorum_size
from simulator.rng import Streams, derive_seed
from simulator.runtime.experiment_loop import MiniCluster

ARRANGE_ATTEMPTS = 5


@frozen
class ElectionSetup:
    """The conditions of one line of the experiment. Times are seconds.

    ``timeout_step`` rounds election timeouts to whole steps (0: continuous);
    ``overlap_candidate_write`` lets a candidate's RequestVote leave during its own disk write;
    ``term_then_vote_writes`` makes a voter new to the term write twice before granting.
    ``timer_jitter`` is how late past its deadline a node's timer wakes (every timer, every
    time, drawn per node); the default is none, the CLI's default is DEFAULT_TIMER_JITTER in
    command.py (docs/experiments.md gives its sources).
    """

    timeout_min: float
    timeout_max: float
    label: str = ""
    nodes: int = 5
    heartbeat: float | None = None
    pre_vote: bool = False
    check_quorum: bool = False
    timer_rules: str = "paper"
    loss: float = 0.0
    latency: Latency = field(default_factory=lambda: Latency.uniform(0.00005, 0.00015))
    disk: Latency = field(default_factory=lambda: Latency.uniform(0.0024, 0.0038))
    cap: float = 30.0
    timeout_step: float = 0.001
    overlap_candidate_write: bool = False
    term_then_vote_writes: bool = True
    protocol: str = "raft"
    timer_jitter: Latency = field(default_factory=lambda: Latency.constant(0.0))

    def __post_init__(self) -> None:
        if self.protocol not in ("raft", "multi-paxos"):
            raise ValueError(f"protocol must be raft or multi-paxos, got {self.protocol!r}")
        if not 0 < self.timeout_min <= self.timeout_max:
            raise ValueError(
                f"election timeout range must satisfy 0 < min <= max, got "
                f"{self.timeout_min * 1000:g}-{self.timeout_max * 1000:g} ms"
            )
        if not 1 <= self.nodes <= 15:
            raise ValueError(f"nodes must be from 1 to 15, got {self.nodes}")
        if not 0.0 <= self.loss < 1.0:
            raise ValueError(f"loss must be in [0, 1), got {self.loss}")
        if self.heartbeat is not None and self.heartbeat <= 0:
            raise ValueError(f"heartbeat must be positive, got {self.heartbeat}")
        if self.cap <= 0:
            raise ValueError(f"cap must be positive, got {self.cap}")
        if self.timeout_step < 0:
            raise ValueError(f"timeout_step must not be negative, got {self.timeout_step}")
        jitter = self.timer_jitter
        if jitter.kind == "normal" or not 0 <= jitter.a <= jitter.b:
            raise ValueError(f"timer_jitter must be a constant or uniform delay >= 0, got "
                             f"{self.timer_jitter.describe()}")

    @property
    def heartbeat_interval(self) -> float:
        """The leader's heartbeat period: as set, else half the minimum election timeout."""
        return self.heartbeat if self.heartbeat is not None else self.timeout_min / 2

    @property
    def name(self) -> str:
        """The label, or the range in milliseconds, e.g. ``150-155``."""
        return self.label or f"{self.timeout_min * 1000:g}-{self.timeout_max * 1000:g}"

    def options(self) -> RaftOptions:
        """The Raft options every node of a trial runs with."""
        return RaftOptions(
            heartbeat_interval=self.heartbeat_interval,
            election_timeout_min=self.timeout_min,
            election_timeout_max=self.timeout_max,
            pre_vote=self.pre_vote,
            check_quorum=self.check_quorum,
            timer_rules=self.timer_rules,
        )

    def with_label(self, label: str) -> ElectionSetup:
        """A copy named ``label``."""
        return replace(self, label=label)


def trial_seed(seed: int, setup: ElectionSetup, index: int) -> int:
    """The seed of trial ``index`` of ``setup``: depends only on the seed, label and index."""
    return derive_seed(seed, f"election-time/{setup.name}/{index}")


def _keep_entries_from(stale: frozenset[str]) -> object:
    """An outgoing filter that drops every append carrying entries to a ``stale`` follower.

    The stale followers still hear every heartbeat (which carries no entries), at the same
    moments as the others, as in the paper's setup. Dropping, rather than stripping the entries,
    matters: the leader answers a lagging follower's heartbeat response with an append, and a
    stripped one would arrive as an extra, later message that restarts the stale follower's
    election timer (a fresh draw under the paper's rules) after the synchronised heartbeat.
    """
    def rewrite(msg: Message) -> Message | None:
        if isinstance(msg, AppendEntries) and msg.entries and msg.dst in stale:
            return None
        return msg

    return rewrite


def _leader(cluster: MiniCluster) -> str | None:
    for node_id in cluster.ids:
        if cluster.nodes[node_id].role is Role.LEADER:
            return node_id
    return None


@frozen
class TrialOutcome:
    """One trial: seconds from the crash until the new leader was heard (None: censored), who
    crashed, who won, and which followers had been kept stale."""

    elapsed: float | None
    crashed: str | None
    winner: str | None
    stale: tuple[str, ...]


def run_trial(setup: ElectionSetup, seed: int) -> float | None:
    """Run one trial with ``seed``; return seconds from crash to heard leader, None if censored."""
    return run_trial_outcome(setup, seed).elapsed


Arranged = tuple[MiniCluster, str, tuple[str, ...]]


def _arrange(setup: ElectionSetup, streams: Streams) -> Arranged | None:
    """Elect a leader, commit one entry kept from the stale followers, and wait a few beats.

    Returns the cluster, its leader and the stale followers, or None when the arrangement did
    not hold (e.g. a lost heartbeat let a follower start an election before the crash).
    """
    ids = tuple(f"n{i}" for i in range(1, setup.nodes + 1))
    cluster = MiniCluster(ids, setup.options(), streams, setup.latency, setup.disk, setup.loss,
                          timeout_step=setup.timeout_step,
                          overlap_candidate_write=setup.overlap_candidate_write,
                          term_then_vote_writes=setup.term_then_vote_writes,
                          timer_jitter=setup.timer_jitter)
    cluster.campaign(ids[0])
    if not cluster.run_until(setup.cap, stop=lambda: _leader(cluster) is not None):
        return None
    leader = _leader(cluster)
    assert leader is not None
    node = cluster.nodes[leader]
    others = [node_id for node_id in ids if node_id != leader]
    stale = tuple(others[quorum_size(len(ids)) - 1:])
    cluster.outgoing = _keep_entries_from(frozenset(stale))  # type: ignore[assignment]
    index = cluster.propose(leader, "arrange-logs")
    if index is None:
        return None
    committed = cluster.run_until(
        cluster.now + setup.cap, stop=lambda: node.commit_index >= index
    )
    cluster.run_until(cluster.now + 3 * setup.heartbeat_interval)
    if not committed or node.role is not Role.LEADER:
        return None
    return cluster, leader, stale


def lowest(latency: Latency) -> float:
    """The smallest delay ``latency`` can draw."""
    if latency.kind in ("constant", "uniform"):
        return latency.a
    return 0.0  # a normal delay is clipped at zero


def jittered(setup: ElectionSetup) -> bool:
    """Whether the timers of ``setup`` wake at random times after their deadlines."""
    return setup.timer_jitter.b > setup.timer_jitter.a


def may_split_forever(setup: ElectionSetup) -> bool:
    """Whether ``setup`` allows an endless split at all: fixed timeouts that wake exactly on time
    (no timer jitter: a random wake-up lets one node drift ahead), paper rules, no PreVote."""
    return (not setup.pre_vote and setup.timer_rules == "paper"
            and setup.timeout_min == setup.timeout_max and not jittered(setup))


def split_forever(setup: ElectionSetup, cluster: MiniCluster) -> bool:
    """True when no election can ever succeed from the cluster's state now.

    It holds when timeouts are fixed (min = max) with the paper's timer rules and no PreVote,
    every live node is a candidate of the same term that voted for itself, no vote for anyone
    else and nothing of a later term is on its way, and the live nodes' deadlines lie closer
    together than the quickest a RequestVote can travel (its sender's disk write unless it may
    leave during it, plus the lowest latency). Then every node times out into the next term
    before any rival's request of that term arrives, so it rejects them all, nobody's timer
    moves but by its own timeout, the deadlines keep their spread, and the same holds again,
    term after term: the trial can only be censored.
    """
    if not may_split_forever(setup):
        return False
    live = [cluster.nodes[node_id] for node_id in cluster.ids if cluster.alive[node_id]]
    if len(live) < 2:
        return False
    term = live[0].term
    if any(node.role is not Role.CANDIDATE or node.term != term or node.voted_for != node.id
           for node in live):
        return False
    for msg in cluster.in_flight():
        if msg.term > term or isinstance(msg, AppendEntries) and msg.term == term:
            return False
        if isinstance(msg, RequestVoteResponse) and msg.granted and msg.term == term:
            return False
    quickest = lowest(setup.latency) + (0.0 if setup.overlap_candidate_write
                                        else lowest(setup.disk))
    deadlines = [node.next_deadline() for node in live]
    margin = 1e-9 * max(1.0, max(deadlines))  # the float rounding of adding a timeout
    return max(deadlines) - min(deadlines) < quickest - margin


def run_trial_outcome(setup: ElectionSetup, seed: int, stop_early: bool = True) -> TrialOutcome:
    """Run one trial with ``seed`` and report its outcome.

    Warm-up: ``n1`` campaigns at once; whichever node leads (normally n1) then commits one
    command while its entries are kept from the stale followers; a few heartbeats later it is
    crashed at a random point of its heartbeat interval. When the warm-up does not hold (only
    possible with message loss or tiny timeouts) it is redone with a derived seed, up to
    ARRANGE_ATTEMPTS times; a warm-up that never holds makes the trial censored.
    ``stop_early`` censors a trial as soon as ``split_forever`` proves it cannot elect.
    """
    if setup.protocol == "multi-paxos":
        from simulator.experiments.paxos_election import run_paxos_trial

        return run_paxos_trial(setup, seed)
    if setup.nodes == 1:
        return TrialOutcome(None, None, None, ())
    for attempt in range(ARRANGE_ATTEMPTS):
        streams = Streams(seed if attempt == 0 else derive_seed(seed, f"attempt/{attempt}"))
        arranged = _arrange(setup, streams)
        if arranged is None:
            continue
        cluster, leader, stale = arranged
        node = cluster.nodes[leader]
        beat = node.next_deadline()
        cluster.run_until(beat)
        crash_at = beat + streams.get("experiment/crash").uniform(0.0, setup.heartbeat_interval)
        cluster.run_until(crash_at)
        if node.role is not Role.LEADER:
            continue
        return _measure(setup, cluster, leader, stale, crash_at, stop_early)
    return TrialOutcome(None, None, None, ())


def _measure(
    setup: ElectionSetup, cluster: MiniCluster, leader: str, stale: tuple[str, ...],
    crash_at: float, stop_early: bool = True,
) -> TrialOutcome:
    """Crash ``leader`` now and time how long until every survivor hears a new leader."""
    old_term = cluster.nodes[leader].term
    cluster.crash(leader)
    cluster.outgoing = None
    others = [node_id for node_id in cluster.ids if node_id != leader]
    followers = len(others) - 1
    heard: dict[tuple[str, int], set[str]] = {}
    done: list[tuple[float, str]] = []

    def on_deliver(msg: Message, t: float) -> None:
        if isinstance(msg, AppendEntries) and msg.term > old_term:
            hearers = heard.setdefault((msg.src, msg.term), set())
            hearers.add(msg.dst)
            if len(hearers) >= followers and not done:
                done.append((t, msg.src))

    cluster.on_deliver = on_deliver
    if followers == 0:
        survivor = cluster.nodes[others[0]]
        won = cluster.run_until(
            crash_at + setup.cap, stop=lambda: survivor.role is Role.LEADER
        )
        if not won:
            return TrialOutcome(None, leader, None, stale)
        return TrialOutcome(cluster.now - crash_at, leader, others[0], stale)
    end = crash_at + setup.cap
    if stop_early and may_split_forever(setup):
        # Run in slices of half a timeout (the same events in the same order as one run) and
        # look between them whether the elections have locked into a split that never ends.
        step = setup.timeout_min / 2
        while not done and cluster.now < end:
            cluster.run_until(min(end, cluster.now + step), stop=lambda: bool(done))
            if not done and split_forever(setup, cluster):
                return TrialOutcome(None, leader, None, stale)
    else:
        cluster.run_until(end, stop=lambda: bool(done))
    if not done:
        return TrialOutcome(None, leader, None, stale)
    heard_at, winner = done[0]
    return TrialOutcome(heard_at - crash_at, leader, winner, stale)
