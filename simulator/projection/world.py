"""The world at one simulated time: immutable views the canvas, inspector and narration draw.

Every value here is folded from trace events only (DESIGN.md principle 6); nothing reads node
internals. Collections are tuples ordered by id so one trace always gives the same World.
"""

from __future__ import annotations


from simulator.frozen import frozen
from simulator.projection.legend import LegendRow, legend_rows

PROTOCOL_NAMES = {"raft": "Raft", "multi-paxos": "Multi-Paxos", "none": "eventual store"}
NODE_NAMES = {"raft": "Raft node", "multi-paxos": "Multi-Paxos node", "none": "store replica"}
"""What one cluster node is called, by the protocol it runs (the eventual store's: "none")."""


def elects_leaders(protocol: str) -> bool:
    """True when nodes running ``protocol`` elect a leader by majority (Raft, Multi-Paxos);
    the eventual store's replicas ("none") elect none and know no majority or minority side."""
    return protocol != "none"
SLOTS_SHOWN = 12  # the latest accepted slots a Multi-Paxos node's view keeps


def ballot_text(ballot: tuple[int, str] | None) -> str:
    """``(4, n3)`` for ballot (4, "n3"); ``(0)`` for the zero ballot; ``-`` for none."""
    if ballot is None:
        return "-"
    return f"({ballot[0]}, {ballot[1]})" if ballot[1] else f"({ballot[0]})"


@frozen
class SlotView:
    """A Multi-Paxos slot as one acceptor holds it: the value it accepted and under which
    ballot; ``chosen`` when the node knows the slot chosen."""

    slot: int
    ballot: tuple[int, str]
    cmd: str
    chosen: bool = False


@frozen
class RaftView:
    """One consensus node (Raft or Multi-Paxos, ``protocol``) as the trace shows it at time
    ``t`` of the World. For Multi-Paxos ``term`` is the ballot's round, ``ballot`` the ballot
    (a follower's: the one it promised), ``log_length`` its highest accepted slot,
    ``commit_index`` its chosen frontier and ``slots`` its latest accepted slots."""

    id: str
    role: str = "follower"
    term: int = 0
    crashed: bool = False
    paused_until: float | None = None
    timer_deadline: float | None = None
    timer_armed_at: float | None = None
    commit_index: int = 0
    log_length: int = 0
    applied_index: int = 0
    last_applied_cmd: str | None = None
    voted_for: str | None = None
    clock_offset: float = 0.0
    clock_rate: float = 1.0
    protocol: str = "raft"
    ballot: tuple[int, str] | None = None
    slots: tuple[SlotView, ...] = ()
    replica_key: str | None = None
    """The eventual store (protocol "none"): the leader key this replica holds a copy of,"""
    replica_value: str | None = None
    """its value (None: deleted),"""
    replica_ts: tuple[float, str] | None = None
    """its write timestamp (None: no copy),"""
    replica_expires: float | None = None
    """the simulated time its TTL runs out by the replica's clock (None: no TTL),"""
    replica_newest: bool = False
    """whether it is the newest copy any replica holds,"""
    hints: int = 0
    """how many hints this node holds for others,"""
    replica_promised: tuple[int, str] | None = None
    """and with lightweight transactions the ballot it promised for the leader key (None:
    none)."""

    def replica_live(self, t: float) -> bool:
        """True when the replica holds a live value of the leader key at time ``t``."""
        return self.replica_value is not None and self.replica_ts is not None and (
            self.replica_expires is None or t < self.replica_expires)

    @property
    def replica_text(self) -> str:
        """The copy as a node shows it: ``app1 @44.8`` (``empty`` without one)."""
        if self.replica_ts is None:
            return "empty"
        value = self.replica_value if self.replica_value is not None else "deleted"
        return f"{value} @{self.replica_ts[0]:.1f}"

    @property
    def protocol_name(self) -> str:
        """"Raft" or "Multi-Paxos"."""
        return PROTOCOL_NAMES.get(self.protocol, self.protocol)

    @property
    def epoch_name(self) -> str:
        """What the protocol calls its epoch: "term" or "ballot"."""
        return "term" if self.protocol == "raft" else "ballot"

    @property
    def epoch_text(self) -> str:
        """The epoch as views show it: ``term 3`` or ``ballot (4, n3)``."""
        if self.protocol == "raft":
            return f"term {self.term}"
        return f"ballot {ballot_text(self.ballot)}"

    @property
    def epoch_short(self) -> str:
        """The epoch inside a node's disc: ``term 3`` or the ballot ``(4, n3)`` (the leader
        key's copy on the eventual store)."""
        if self.protocol == "none":
            return self.replica_text
        if self.protocol == "raft":
            return f"term {self.term}"
        return ballot_text(self.ballot)

    @property
    def is_leader(self) -> bool:
        """True while the node believes it is the leader of its term (and is up)."""
        return self.role == "leader" and not self.crashed

    @property
    def paused(self) -> bool:
        """True while a process pause is in progress."""
        return self.paused_until is not None


@frozen
class LeaseView:
    """A lease in the store: its owner, TTL and the leader's expiry time (None: not known)."""

    id: int
    owner: str
    ttl: float
    granted_at: float
    expiry: float | None

    def remaining(self, t: float) -> float | None:
        """Seconds left until expiry at time ``t`` (never negative), None when unknown."""
        if self.expiry is None:
            return None
        return max(0.0, self.expiry - t)


@frozen
class WorkView:
    """One charge the payment provider handled."""

    t: float
    server: str
    job: str
    token: int | None
    accepted: bool
    duplicate: bool


@frozen
class BeliefView:
    """How long an app server believes the lease record it last saw holds, on its own clock:
    seen naming ``holder`` when its clock read at least ``floor``; it holds until its clock
    reads ``until`` (Kubernetes' recipe, app.belief)."""

    holder: str
    floor: float
    until: float
    length: float
    """The belief's whole length in local seconds, as it began (for a ring's fraction)."""


@frozen
class AppView:
    """One application server: does it believe it leads, its fencing token, its lease."""

    id: str
    leader: bool = False
    token: int | None = None
    since: float | None = None
    crashed: bool = False
    paused_until: float | None = None
    lease: LeaseView | None = None
    last_work: WorkView | None = None
    charges: int = 0
    contacts: tuple[str, ...] = ()
    """The store members this server sent requests to in the last CONTACT_WINDOW seconds,
    in natural order."""
    shut_down: bool = False
    """True from a graceful shutdown (the user.action that shut it down) until the server
    restarts or crashes: the process is up but its recipe has stopped for good."""
    clock_offset: float = 0.0
    clock_rate: float = 1.0
    """Its local clock reads ``clock_offset + clock_rate * t`` (node.clock)."""
    belief: BeliefView | None = None
    """What it believes of the lease record, by its own clock (None: nothing seen)."""
    session_state: str | None = None
    """A ZooKeeper-recipe server's client session: connected, disconnected or expired (None
    without one: other recipes, a closed session, a crash)."""
    session_id: int | None = None

    @property
    def paused(self) -> bool:
        """True while a process pause is in progress."""
        return self.paused_until is not None

    def local_time(self, t: float) -> float:
        """Its local clock's reading at simulated time ``t`` (never before its last belief)."""
        local = self.clock_offset + self.clock_rate * t
        return local if self.belief is None else max(local, self.belief.floor)

    def belief_left(self, t: float) -> float | None:
        """Local seconds left, at ``t``, of its belief about the lease record (None: none)."""
        belief = self.belief
        if belief is None:
            return None
        return max(0.0, belief.until - self.local_time(t))


@frozen
class ProviderView:
    """The payment provider: its ledger counts and the highest fencing token it has seen."""

    id: str = "provider"
    crashed: bool = False
    paused_until: float | None = None
    accepted: int = 0
    rejected: int = 0
    duplicates: int = 0
    highest_token: int | None = None
    last_work: WorkView | None = None

    @property
    def paused(self) -> bool:
        """True while a process pause is in progress."""
        return self.paused_until is not None


@frozen
class Flight:
    """A message in the air at the World's time.

    ``ends`` is when it arrives or is dropped (None while the trace does not know yet);
    ``fate`` is "deliver", "drop" or None; ``reason`` the drop reason.
    """

    id: int
    src: str
    dst: str
    type: str
    label: str
    sent: float
    ends: float | None = None
    fate: str | None = None
    reason: str | None = None

    def progress(self, t: float, expected_latency: float) -> float:
        """How far along its link the message is at ``t``, from 0 to 1.

        With an unknown end the flight is placed by ``expected_latency`` and held short of the
        destination (0.95) until the trace says what happened.
        """
        if self.ends is not None:
            span = self.ends - self.sent
            if span <= 0:
                return 1.0
            return min(1.0, max(0.0, (t - self.sent) / span))
        if expected_latency <= 0:
            return 0.95
        return min(0.95, max(0.0, (t - self.sent) / expected_latency))


@frozen
class ViolationView:
    """A failed live safety check."""

    t: float
    what: str
    detail: str


@frozen
class CaptionView:
    """The preset caption shown from ``t`` on."""

    t: float
    text: str


@frozen
class World:
    """Everything a view needs to draw the simulation at simulated time ``t``.

    ``event_index`` is how many trace events are folded in (the events at or before ``t``).
    ``cuts`` holds the directed links (src, dst) that carry no messages.
    """

    t: float
    event_index: int
    raft: tuple[RaftView, ...]
    apps: tuple[AppView, ...]
    provider: ProviderView | None
    cuts: frozenset[tuple[str, str]]
    flights: tuple[Flight, ...]
    leases: tuple[LeaseView, ...]
    violations: tuple[ViolationView, ...]
    caption: CaptionView | None
    pause_question: str | None = None
    transaction: str | None = None
    """The eventual store's last lightweight transaction on a leader key, in words."""

    def raft_node(self, node_id: str) -> RaftView | None:
        """The Raft node ``node_id``, or None."""
        for view in self.raft:
            if view.id == node_id:
                return view
        return None

    def app(self, server_id: str) -> AppView | None:
        """The app server ``server_id``, or None."""
        for view in self.apps:
            if view.id == server_id:
                return view
        return None

    @property
    def leader_key_text(self) -> str:
        """The eventual store's leader key as the canvas draws it: the newest copy and the
        replicas where it is live, or that no replica holds it live (its TTL ran out by the
        replicas' clocks, or it was deleted)."""
        newest = [v for v in self.raft if v.replica_newest]
        if not newest:
            return "no leader key yet"
        key = newest[0].replica_text
        live = [v.id for v in newest if v.replica_live(self.t)]
        gone = [v.id for v in newest if not v.replica_live(self.t)]
        lapsed = "expired" if newest[0].replica_value is not None else "deleted"
        if not live:
            return f"no live leader key (newest {key} on {', '.join(gone)}: {lapsed})"
        text = f"newest leader key {key} on {', '.join(live)}"
        return text + (f" ({lapsed} on {', '.join(gone)})" if gone else "")

    @property
    def leaders(self) -> tuple[RaftView, ...]:
        """Every up node that believes it leads (more than one only across terms)."""
        return tuple(view for view in self.raft if view.is_leader)

    @property
    def leader(self) -> RaftView | None:
        """The up leader with the highest term, or None while there is none."""
        best: RaftView | None = None
        for view in self.leaders:
            if best is None or view.term > best.term:
                best = view
        return best

    @property
    def term(self) -> int:
        """The highest term (Multi-Paxos: ballot round) any node has seen."""
        return max((view.term for view in self.raft), default=0)

    @property
    def protocol(self) -> str:
        """The consensus protocol the nodes run: "raft" or "multi-paxos"."""
        return self.raft[0].protocol if self.raft else "raft"

    @property
    def protocol_name(self) -> str:
        """"Raft" or "Multi-Paxos"."""
        return PROTOCOL_NAMES.get(self.protocol, self.protocol)

    @property
    def legend(self) -> tuple[LegendRow, ...]:
        """The canvas legend's rows for this run's store and protocol."""
        return legend_rows(self.protocol)

    @property
    def node_name(self) -> str:
        """What one cluster node is: "Raft node", "Multi-Paxos node" or "store replica"."""
        return NODE_NAMES.get(self.protocol, "node")

    @property
    def elects_leaders(self) -> bool:
        """True when the cluster's nodes elect a leader (and so have an election timer); the
        eventual store's replicas do not."""
        return elects_leaders(self.protocol)

    @property
    def epoch_name(self) -> str:
        """What the protocol calls its epoch: "term" or "ballot"."""
        return "term" if self.protocol == "raft" else "ballot"

    @property
    def epoch_value(self) -> str:
        """The cluster's epoch: the highest term, or the leader's (else the highest) ballot."""
        if self.protocol == "raft":
            return str(self.term)
        view = self.leader
        if view is None:
            view = max(self.raft, key=lambda v: v.ballot or (0, ""), default=None)
        return ballot_text(view.ballot if view is not None else None)

    @property
    def epoch_text(self) -> str:
        """The cluster's epoch for a banner: ``term 3`` or ``ballot (4, n3)``."""
        return f"{self.epoch_name} {self.epoch_value}"

    def is_cut(self, src: str, dst: str) -> bool:
        """True when the directed link src->dst carries no messages."""
        return (src, dst) in self.cuts

    def recent_violations(self, within: float) -> tuple[ViolationView, ...]:
        """Violations that happened in the last ``within`` seconds before ``t``."""
        return tuple(v for v in self.violations if self.t - v.t <= within)
