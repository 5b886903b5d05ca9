"""What a Multi-Paxos node hands its host: notes about what happened, and the Ready batch."""

from __future__ import annotations


from simulator.frozen import frozen
from simulator.paxos.messages import Ballot, PaxosMessage, SlotValue
from simulator.paxos.options import Role


@frozen
class RoleChanged:
    """The node's role or ballot changed (a follower's ballot is the one it promised)."""

    role: Role
    ballot: Ballot


@frozen
class Promised:
    """As an acceptor, the node promised ``ballot`` to ``to`` (phase 1b)."""

    to: str
    ballot: Ballot


@frozen
class ValueAccepted:
    """As an acceptor, the node accepted ``value`` (phase 2b)."""

    value: SlotValue


@frozen
class Recovered:
    """A new leader adopted ``command`` for ``slot`` from ``source``'s promise, where it was
    accepted under ``was``; ``source`` is None for a gap the leader fills with a no-op.
    ``chosen``: the promise reported the slot already chosen, so the leader just learns it
    (otherwise it proposes the value again under ``ballot``)."""

    slot: int
    ballot: Ballot
    command: object | None
    source: str | None
    was: Ballot | None
    chosen: bool = False


@frozen
class Chosen:
    """The node's chosen frontier advanced: every slot up to ``slot`` is chosen."""

    slot: int


@frozen
class ElectionTimerReset:
    """The election (or retry) timer was reset; it fires at local time ``deadline``."""

    deadline: float


Note = RoleChanged | Promised | ValueAccepted | Recovered | Chosen | ElectionTimerReset


@frozen
class Ready:
    """Everything a node produced since the previous ``ready()`` call (as Raft's Ready).

    ``messages`` go out after the state is on disk when ``must_persist`` is true (promise or
    accepted values changed); ``committed`` are chosen slots to apply in order;
    ``read_states`` are confirmed read rounds as (ctx, slot) pairs.
    """

    messages: tuple[PaxosMessage, ...] = ()
    must_persist: bool = False
    committed: tuple[SlotValue, ...] = ()
    notes: tuple[Note, ...] = ()
    read_states: tuple[tuple[int, int], ...] = ()

    @property
    def empty(self) -> bool:
        """True when there is nothing to send, write, apply, report or answer."""
        return not (
            self.messages or self.must_persist or self.committed or self.notes or self.read_states
        )
