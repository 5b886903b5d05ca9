"""Typed, immutable trace events: the public event log of docs/events.md.

Every event is a frozen dataclass with the simulated time ``t`` first and a class-level ``kind``
string. ``to_record()`` gives the JSON object of one log line with keys in a fixed order
(``t``, ``kind``, then the fields in declaration order), so one run always serialises to the same
bytes. New kinds and fields may be added; the documented ones are never renamed or dropped.
"""

from __future__ import annotations

from typing import Any, ClassVar

from simulator.frozen import field_names, frozen

EVENT_FORMAT_VERSION = 1
"""The version of the event log format documented in docs/events.md (run.start's ``format``)."""


@frozen
class Event:
    """Base of every trace event: something that happened at simulated time ``t`` (seconds)."""

    t: float
    kind: ClassVar[str] = "event"

    def to_record(self) -> dict[str, Any]:
        """Return the JSON object of this event's log line (t, kind, then fields in order)."""
        record: dict[str, Any] = {"t": self.t, "kind": self.kind}
        for name in _field_names(type(self)):
            record[name] = getattr(self, name)
        return record


_FIELD_CACHE: dict[type, tuple[str, ...]] = {}


def _field_names(cls: type) -> tuple[str, ...]:
    names = _FIELD_CACHE.get(cls)
    if names is None:
        names = tuple(name for name in field_names(cls) if name != "t")
        _FIELD_CACHE[cls] = names
    return names


# --- run -----------------------------------------------------------------------------------


@frozen
class RunStart(Event):
    """The first line of every log: the seed, preset, consensus protocol, store and log format.

    ``format`` is the version of the event log format (docs/events.md): it grows when a
    documented kind or field changes meaning; adding kinds or fields does not change it.
    """

    seed: int
    preset: str
    protocol: str = "raft"
    store: str = "strong"
    format: int = EVENT_FORMAT_VERSION
    kind: ClassVar[str] = "run.start"


@frozen
class RunEnd(Event):
    """The run stopped at ``t`` (a headless run's last line)."""

    kind: ClassVar[str] = "run.end"


@frozen
class Caption(Event):
    """A preset's narration caption shown from ``t`` on."""

    text: str
    kind: ClassVar[str] = "caption"


@frozen
class PausePoint(Event):
    """A preset's pause point: the window stops here and asks ``question``."""

    question: str
    kind: ClassVar[str] = "pause.point"


@frozen
class UserAction(Event):
    """A fault or action applied by a person or a preset step (``action`` names it, e.g. crash)."""

    action: str
    target: str
    detail: str
    kind: ClassVar[str] = "user.action"


# --- raft ----------------------------------------------------------------------------------


@frozen
class RaftRole(Event):
    """A Raft node's role or term changed."""

    node: str
    role: str
    term: int
    kind: ClassVar[str] = "raft.role"


@frozen
class RaftVote(Event):
    """A node granted its (pre-)vote to ``candidate`` for ``term``."""

    node: str
    candidate: str
    term: int
    pre_vote: bool
    kind: ClassVar[str] = "raft.vote"


@frozen
class RaftAppend(Event):
    """A node's log now ends at ``last_index``; entries from ``first_index`` were (re)written."""

    node: str
    first_index: int
    last_index: int
    term: int
    kind: ClassVar[str] = "raft.append"


@frozen
class RaftTruncate(Event):
    """A node removed its uncommitted entries from ``from_index`` on (they conflicted)."""

    node: str
    from_index: int
    kind: ClassVar[str] = "raft.truncate"


@frozen
class RaftCommit(Event):
    """A node learned that its log is committed up to ``index``."""

    node: str
    index: int
    kind: ClassVar[str] = "raft.commit"


@frozen
class RaftApply(Event):
    """A node applied committed entry ``index`` (``cmd`` is the command's canonical text)."""

    node: str
    index: int
    term: int
    cmd: str
    kind: ClassVar[str] = "raft.apply"


@frozen
class RaftTimer(Event):
    """A node's election timer was (re)armed to fire at simulated time ``deadline``."""

    node: str
    deadline: float
    kind: ClassVar[str] = "raft.timer"


# --- Multi-Paxos (a cluster whose run.start protocol is "multi-paxos") -----------------------


@frozen
class PaxosRole(Event):
    """A Paxos node's role or ballot changed; ``ballot`` is [round, node] (a follower's: the
    ballot it promised)."""

    node: str
    role: str
    ballot: tuple[int, str]
    kind: ClassVar[str] = "paxos.role"


@frozen
class PaxosPromise(Event):
    """An acceptor promised ``ballot`` to the candidate ``to`` (phase 1b)."""

    node: str
    ballot: tuple[int, str]
    to: str
    kind: ClassVar[str] = "paxos.promise"


@frozen
class PaxosAccept(Event):
    """An acceptor accepted ``cmd`` for ``slot`` under ``ballot`` (phase 2b)."""

    node: str
    slot: int
    ballot: tuple[int, str]
    cmd: str
    kind: ClassVar[str] = "paxos.accept"


@frozen
class PaxosApply(Event):
    """A node applied chosen ``slot`` (``cmd`` canonical text, ``noop`` for a gap), in order."""

    node: str
    slot: int
    ballot: tuple[int, str]
    cmd: str
    kind: ClassVar[str] = "paxos.apply"


@frozen
class PaxosRecover(Event):
    """A new leader with ``ballot`` recovered ``slot`` in phase 1: ``cmd`` from ``source``'s
    promise, where it was accepted under ``was``. ``chosen``: the promise reported the slot
    chosen, so the leader learns it; else it proposes it again under its ballot (source null:
    a gap it fills with a no-op)."""

    node: str
    slot: int
    ballot: tuple[int, str]
    cmd: str
    source: str | None
    was: tuple[int, str] | None
    chosen: bool = False
    kind: ClassVar[str] = "paxos.recover"


@frozen
class PaxosChosen(Event):
    """A node learned that every slot up to ``slot`` is chosen."""

    node: str
    slot: int
    kind: ClassVar[str] = "paxos.chosen"


# --- nodes and network ---------------------------------------------------------------------


@frozen
class NodeCrash(Event):
    """A server (Raft node, app server or provider) crashed."""

    node: str
    kind: ClassVar[str] = "node.crash"


@frozen
class NodeRestart(Event):
    """A crashed server restarted."""

    node: str
    kind: ClassVar[str] = "node.restart"


@frozen
class NodePause(Event):
    """A process pause (e.g. a long GC) of ``duration`` seconds began."""

    node: str
    duration: float
    kind: ClassVar[str] = "node.pause"


@frozen
class NodeResume(Event):
    """A paused process resumed, with the beliefs it had before the pause."""

    node: str
    kind: ClassVar[str] = "node.resume"


@frozen
class NodeClock(Event):
    """A node's local clock became ``offset + rate * sim_time``."""

    node: str
    offset: float
    rate: float
    kind: ClassVar[str] = "node.clock"


@frozen
class NetCut(Event):
    """The directed link src->dst stopped carrying messages."""

    src: str
    dst: str
    kind: ClassVar[str] = "net.cut"


@frozen
class NetHeal(Event):
    """The directed link src->dst carries messages again."""

    src: str
    dst: str
    kind: ClassVar[str] = "net.heal"


@frozen
class NetLink(Event):
    """The link src->dst got new conditions: loss probability and latency description."""

    src: str
    dst: str
    loss: float
    latency: str
    kind: ClassVar[str] = "net.link"


@frozen
class MsgSend(Event):
    """A message left a host. ``type`` is its protocol name; ``label`` a short text for views."""

    id: int
    src: str
    dst: str
    type: str
    label: str
    kind: ClassVar[str] = "msg.send"


@frozen
class MsgDeliver(Event):
    """Message ``id`` arrived at its destination."""

    id: int
    kind: ClassVar[str] = "msg.deliver"


@frozen
class MsgDrop(Event):
    """Message ``id`` was lost: reason is "cut", "loss", "crashed" or "paused-queue-lost"."""

    id: int
    reason: str
    kind: ClassVar[str] = "msg.drop"


# --- store ---------------------------------------------------------------------------------


@frozen
class KvInvoke(Event):
    """A client started an operation on the store (``prefix``: a range read or delete)."""

    client: str
    op_id: int
    op: str
    key: str | None
    value: str | None
    prefix: bool = False
    kind: ClassVar[str] = "kv.invoke"


@frozen
class KvComplete(Event):
    """A client got the answer to operation ``op_id`` (ok false on timeout or error).

    A point read's ``value`` is the key's value (None when absent); a prefix read leaves
    ``value`` None and lists what it returned in ``kvs``, as (key, value) pairs in key order.
    """

    client: str
    op_id: int
    ok: bool
    value: str | None = None
    revision: int | None = None
    succeeded: bool | None = None
    error: str | None = None
    kvs: tuple[tuple[str, str], ...] | None = None
    kind: ClassVar[str] = "kv.complete"


@frozen
class LeaseGrant(Event):
    """A lease was granted (applied on the Raft leader)."""

    lease: int
    ttl: float
    owner: str
    kind: ClassVar[str] = "lease.grant"


@frozen
class LeaseRenew(Event):
    """The Raft leader extended a lease: it now expires at simulated time ``expiry``."""

    lease: int
    node: str
    expiry: float
    kind: ClassVar[str] = "lease.renew"


@frozen
class LeaseRevoke(Event):
    """A lease revoke was applied on the leader; ``reason`` is "expired" or "revoked"."""

    lease: int
    reason: str
    kind: ClassVar[str] = "lease.revoke"


@frozen
class WatchEvent(Event):
    """A watcher received an event on ``key`` of ``type`` "put" or "delete"."""

    client: str
    key: str
    type: str
    revision: int
    kind: ClassVar[str] = "watch.event"


@frozen
class KvChange(Event):
    """Member ``node`` applied a change of ``key`` at store ``revision`` (its state for the UI).

    ``type`` is "put" or "delete"; for a put, ``value``, ``create_revision``, ``version`` and
    ``lease`` describe the key's new version (the mod revision is ``revision``).
    """

    node: str
    revision: int
    key: str
    type: str
    value: str = ""
    create_revision: int = 0
    version: int = 0
    lease: int = 0
    kind: ClassVar[str] = "kv.change"


@frozen
class LeasePrimary(Event):
    """Member ``node``'s lessor became primary (it expires leases) or stopped being primary."""

    node: str
    primary: bool
    kind: ClassVar[str] = "lease.primary"


@frozen
class WatchOpen(Event):
    """Member ``node`` started serving ``client``'s watch ``watch_id`` on ``key`` (or prefix)."""

    node: str
    client: str
    watch_id: int
    key: str
    prefix: bool
    start_revision: int
    kind: ClassVar[str] = "watch.open"


@frozen
class WatchClose(Event):
    """Member ``node`` stopped serving ``client``'s watch ``watch_id`` (``reason`` says why)."""

    node: str
    client: str
    watch_id: int
    reason: str
    kind: ClassVar[str] = "watch.close"


# --- application ---------------------------------------------------------------------------


@frozen
class AppRole(Event):
    """An app server started or stopped believing it leads; ``token`` is its fencing token."""

    server: str
    leader: bool
    token: int | None
    kind: ClassVar[str] = "app.role"


@frozen
class AppBelief(Event):
    """How long ``server`` believes the lease record it last saw holds, by its own clock: it
    read (or wrote) the record naming ``holder`` when its clock said ``local``, and the belief
    lasts until its clock says ``until`` (Kubernetes' recipe: a candidate may take over then;
    the holder gives up then unless it renewed)."""

    server: str
    holder: str
    local: float
    until: float
    kind: ClassVar[str] = "app.belief"


@frozen
class AppSession(Event):
    """A ZooKeeper-recipe server's client session changed state.

    ``state`` is ``connected`` (granted, or reconnected to the same session), ``disconnected``
    (nothing heard for two thirds of the session timeout), ``expired`` (the ensemble said the
    session is gone, or Curator gave it up a session timeout after Disconnected) or ``closed``
    (the server gave it up); ``session`` is its id (the lease). ``by`` says who decided an
    expiry: ``ensemble`` or ``client`` (Curator's own); it is empty for the other states.
    """

    server: str
    state: str
    session: int
    by: str = ""
    kind: ClassVar[str] = "app.session"


@frozen
class Work(Event):
    """The payment provider handled a charge of ``job`` from ``server``.

    ``due`` is the simulated time the charge fell due (None when unknown), so late charges can
    be measured; ``reason`` is the provider's short explanation (e.g. "stale token 3 < 5").
    """

    server: str
    job: str
    token: int | None
    accepted: bool
    duplicate: bool
    due: float | None = None
    reason: str = ""
    kind: ClassVar[str] = "work"


@frozen
class Violation(Event):
    """A live safety check failed: ``what`` names the check, ``detail`` says how."""

    what: str
    detail: str
    kind: ClassVar[str] = "violation"


# --- the eventual store ---------------------------------------------------------------------


@frozen
class EcWrite(Event):
    """A replica received a write of ``key``: ``applied`` false when last-writer-wins ignored it
    (its ``ts`` was older than ``held``, the timestamp the replica kept) or its precondition
    failed (``conflict``). ``source``: "client", "repair", "hint" or "anti-entropy";
    ``ttl`` the seconds to live it carried; ``coordinator`` who stamped it."""

    replica: str
    key: str
    value: str | None
    ts: tuple[float, str]
    applied: bool
    source: str = "client"
    held: tuple[float, str] | None = None
    ttl: float | None = None
    conflict: bool = False
    kind: ClassVar[str] = "ec.write"


@frozen
class EcRead(Event):
    """A replica answered a read of ``key`` with its copy (``value`` None: absent, deleted or
    expired by its own clock; ``ts`` None: never written there)."""

    replica: str
    key: str
    value: str | None
    ts: tuple[float, str] | None
    kind: ClassVar[str] = "ec.read"


@frozen
class EcRepair(Event):
    """A coordinator sent read repair: the newest copy (``ts``) to the stale ``replica``."""

    replica: str
    key: str
    ts: tuple[float, str]
    coordinator: str = ""
    kind: ClassVar[str] = "ec.repair"


@frozen
class EcHint(Event):
    """A hint: ``action`` "stored" (stand-in ``replica`` holds a write for ``home``) or
    "handed-off" (``home`` got it from the stand-in ``replica``)."""

    replica: str
    key: str
    ts: tuple[float, str]
    home: str = ""
    action: str = "stored"
    kind: ClassVar[str] = "ec.hint"


@frozen
class EcResult(Event):
    """An eventual-store client got a successful answer to operation ``op_id`` (invoked at
    ``invoked``): what a read returned or a write wrote, with its timestamp ``ts`` (None: the
    key was never written), the ``ttl`` a write carried, and whether a conditional write's
    condition held (``succeeded``)."""

    client: str
    op_id: int
    op: str
    key: str
    value: str | None
    ts: tuple[float, str] | None
    invoked: float
    ttl: float | None = None
    succeeded: bool = True
    coordinator: str = ""
    kind: ClassVar[str] = "ec.result"


@frozen
class EcPaxos(Event):
    """A replica's answer in a lightweight transaction on ``key``: ``phase`` "prepare" (it
    promised ``ballot``, or refused it: ``ok`` false) or "propose" (it accepted the proposal of
    ``ballot``, or refused it). ``promised`` is the ballot it has promised after answering (the
    higher one that made it refuse); ballots are [microseconds of the coordinator's clock,
    node]. ``coordinator`` ran the transaction."""

    replica: str
    key: str
    phase: str
    ballot: tuple[int, str]
    ok: bool
    promised: tuple[int, str]
    coordinator: str = ""
    kind: ClassVar[str] = "ec.paxos"


@frozen
class EcCas(Event):
    """A lightweight transaction ended at its ``coordinator``: ``result`` "applied" (``value``
    committed under ``ballot``), "not-applied" (the ``condition`` did not hold: ``value`` is
    what the key held), "timeout" or "unavailable" (the client is told it failed; a timed-out
    value may still be committed). ``attempts`` counts the ballots tried, ``detail`` says why in
    words."""

    coordinator: str
    client: str
    op_id: int
    key: str
    result: str
    condition: str
    value: str | None
    ballot: tuple[int, str] | None
    attempts: int = 1
    detail: str = ""
    kind: ClassVar[str] = "ec.cas"


ALL_EVENT_TYPES: tuple[type[Event], ...] = (
    RunStart, RunEnd, Caption, PausePoint, UserAction,
    RaftRole, RaftVote, RaftAppend, RaftTruncate, RaftCommit, RaftApply, RaftTimer,
    PaxosRole, PaxosPromise, PaxosAccept, PaxosApply, PaxosRecover, PaxosChosen,
    NodeCrash, NodeRestart, NodePause, NodeResume, NodeClock,
    NetCut, NetHeal, NetLink, MsgSend, MsgDeliver, MsgDrop,
    KvInvoke, KvComplete, LeaseGrant, LeaseRenew, LeaseRevoke, WatchEvent,
    KvChange, LeasePrimary, WatchOpen, WatchClose,
    AppRole, AppBelief, AppSession, Work, Violation,
    EcWrite, EcRead, EcRepair, EcHint, EcResult, EcPaxos, EcCas,
)
EVENT_TYPES_BY_KIND: dict[str, type[Event]] = {cls.kind: cls for cls in ALL_EVENT_TYPES}
