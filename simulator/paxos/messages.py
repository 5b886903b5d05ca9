"""Multi-Paxos messages and slot values: frozen dataclasses passed between pure Paxos nodes.

A ballot is ``(round, node id)``: totally ordered by round, ties broken by the node id, so two
proposers never share one. Every message carries ``src``, ``dst`` and a ``ballot`` (the
sender's ballot, or for ``Nack`` the higher ballot the sender promised). ``kind`` is the name in
the trace (msg.send ``type``); ``label()`` is a short text for views.
"""

from __future__ import annotations

from typing import ClassVar

from simulator.frozen import frozen

Ballot = tuple[int, str]
ZERO_BALLOT: Ballot = (0, "")


def ballot_text(ballot: Ballot) -> str:
    """``(4, n3)`` for ballot (4, "n3"); ``(0)`` for the zero ballot."""
    return f"({ballot[0]}, {ballot[1]})" if ballot[1] else f"({ballot[0]})"


def _short(ballot: Ballot) -> str:
    return f"b{ballot[0]}.{ballot[1]}" if ballot[1] else "b0"


# The labels of the two messages sent about ten times a second per follower, one string per
# ballot (as Raft's): every traced msg.send keeps its label, so sharing them saves time.
_HEARTBEAT_LABELS: dict[Ballot, str] = {}
_ACK_LABELS: dict[Ballot, str] = {}


@frozen
class SlotValue:
    """``command`` accepted (or chosen) for ``slot`` under ``ballot``; command None is a no-op.

    ``index`` and ``term`` are the consensus interface's names for the slot and the ballot.
    """

    slot: int
    ballot: Ballot
    command: object | None = None

    @property
    def index(self) -> int:
        """The slot (the consensus interface's index)."""
        return self.slot

    @property
    def term(self) -> Ballot:
        """The ballot (the consensus interface's epoch)."""
        return self.ballot

    def canonical(self) -> str:
        """The command's canonical text: ``noop`` for a gap filled by a leader."""
        return "noop" if self.command is None else str(self.command)


@frozen
class PaxosMessage:
    """Base of all Multi-Paxos messages."""

    src: str
    dst: str
    ballot: Ballot
    kind: ClassVar[str] = "PaxosMessage"

    def label(self) -> str:
        """A short text for a message dot in the window."""
        return f"{self.kind} {_short(self.ballot)}"


@frozen
class Prepare(PaxosMessage):
    """Phase 1a: promise ``ballot`` and tell me what you accepted from ``first_slot`` on."""

    first_slot: int = 1
    kind: ClassVar[str] = "Prepare"

    def label(self) -> str:
        return f"Prepare {_short(self.ballot)}"


@frozen
class Promise(PaxosMessage):
    """Phase 1b: the sender promised ``ballot``. ``chosen`` are the values it knows chosen from
    the prepare's first slot up to its own chosen frontier; ``accepted`` what it accepted after
    that."""

    accepted: tuple[SlotValue, ...] = ()
    chosen: tuple[SlotValue, ...] = ()
    kind: ClassVar[str] = "Promise"

    def label(self) -> str:
        return f"Promise {_short(self.ballot)} +{len(self.accepted)}"


@frozen
class Nack(PaxosMessage):
    """A refusal: the sender has promised the higher ``ballot`` (the receiver is pre-empted)."""

    kind: ClassVar[str] = "Nack"

    def label(self) -> str:
        return f"Nack {_short(self.ballot)}"


@frozen
class Accept(PaxosMessage):
    """Phase 2a from the leader: accept ``entries`` ((slot, command) pairs) under ``ballot``.

    Without entries it is the leader's heartbeat. ``commit`` is the leader's chosen frontier
    (every slot up to it is chosen), ``ctx`` the latest read round to confirm, ``sent`` the
    leader's local time (echoed back for its lease), ``beat`` true when sent by the heartbeat.
    """

    entries: tuple[tuple[int, object | None], ...] = ()
    commit: int = 0
    ctx: int = 0
    sent: float = 0.0
    beat: bool = False
    kind: ClassVar[str] = "Accept"

    def label(self) -> str:
        return f"Accept +{len(self.entries)} {_short(self.ballot)}"


@frozen
class Accepted(PaxosMessage):
    """Phase 2b: the sender accepted ``slots`` under ``ballot``; ``frontier`` is its own chosen
    frontier; ``ctx``, ``sent`` and ``beat`` echo the Accept."""

    slots: tuple[int, ...] = ()
    frontier: int = 0
    ctx: int = 0
    sent: float = 0.0
    beat: bool = False
    kind: ClassVar[str] = "Accepted"

    def label(self) -> str:
        return f"ok {_short(self.ballot)} +{len(self.slots)}"


@frozen
class Heartbeat(PaxosMessage):
    """The leader's heartbeat (an Accept with nothing to accept, kept small as Raft's):
    ``commit`` is its chosen frontier, ``ctx`` the latest read round to confirm, ``sent`` its
    local time (echoed back for its lease)."""

    commit: int = 0
    ctx: int = 0
    sent: float = 0.0
    kind: ClassVar[str] = "Heartbeat"

    def label(self) -> str:
        text = _HEARTBEAT_LABELS.get(self.ballot)
        if text is None:
            text = _HEARTBEAT_LABELS[self.ballot] = f"HB {_short(self.ballot)}"
        return text


@frozen
class HeartbeatAck(PaxosMessage):
    """The answer to a heartbeat: the sender follows ``ballot``; ``frontier`` is its chosen
    frontier; ``ctx`` and ``sent`` echo the heartbeat."""

    frontier: int = 0
    ctx: int = 0
    sent: float = 0.0
    kind: ClassVar[str] = "HeartbeatAck"

    def label(self) -> str:
        text = _ACK_LABELS.get(self.ballot)
        if text is None:
            text = _ACK_LABELS[self.ballot] = f"HB ok {_short(self.ballot)}"
        return text


@frozen
class Decide(PaxosMessage):
    """The leader tells a lagging node the values chosen in ``entries``."""

    entries: tuple[SlotValue, ...] = ()
    kind: ClassVar[str] = "Decide"

    def label(self) -> str:
        return f"Decide +{len(self.entries)}"
