"""The protocol-neutral interface of a consensus member, as the runtime drives it.

A member is a deterministic state machine fed with messages (``step``) and timer wake-ups
(``tick``) at its host's *local* time. It never reads a clock or the global random. After each
batch the host drains ``ready()``: messages to send once what must be persisted is on disk,
committed commands to apply in order, notes the host's protocol binding turns into trace events,
and confirmed read rounds.

``term`` is the protocol's epoch: the Raft term, or the Multi-Paxos ballot. Epochs of one
protocol are totally ordered; a member's role is one of "follower", "precandidate" (Raft's
pre-vote), "candidate" and "leader".
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, Protocol


class CommittedEntry(Protocol):
    """A committed command at ``index`` (a log index or a Paxos slot), in epoch ``term``."""

    @property
    def index(self) -> int:
        """Its place in the sequence of commands, from 1."""
        ...

    @property
    def term(self) -> Any:
        """The epoch it was committed under (Raft: the entry's term; Paxos: the chosen ballot)."""
        ...

    @property
    def command(self) -> object | None:
        """The command (None for a no-op)."""
        ...

    def canonical(self) -> str:
        """The command's canonical text ("noop" for a no-op)."""
        ...


class ConsensusReady(Protocol):
    """What a member produced since its previous ``ready()``."""

    @property
    def messages(self) -> Sequence[Any]:
        """Messages to send (each has ``src``, ``dst``, ``kind`` and ``label()``)."""
        ...

    @property
    def must_persist(self) -> bool:
        """True when persistent state changed: send only after the disk write."""
        ...

    @property
    def committed(self) -> Sequence[CommittedEntry]:
        """Newly committed commands, to apply in index order."""
        ...

    @property
    def notes(self) -> Sequence[object]:
        """Protocol-specific notes for the trace."""
        ...

    @property
    def read_states(self) -> Sequence[tuple[int, int]]:
        """Confirmed linearizable read rounds: (ctx, index to apply before serving)."""
        ...


class ConsensusMember(Protocol):
    """One member of a replicated state machine (Raft or Multi-Paxos)."""

    @property
    def id(self) -> str:
        """This member's id."""
        ...

    @property
    def role(self) -> str:
        """Its role now."""
        ...

    @property
    def term(self) -> Any:
        """Its epoch now (Raft term or Paxos ballot)."""
        ...

    @property
    def leader_id(self) -> str | None:
        """Whom it believes leads (itself when leader; None when it does not know)."""
        ...

    def step(self, msg: Any, now: float) -> None:
        """Handle one message received at local time ``now``."""
        ...

    def tick(self, now: float) -> None:
        """Handle every timer due at local time ``now``."""
        ...

    def campaign(self, now: float) -> None:
        """Act as if the election timer fired now."""
        ...

    def propose(self, command: object, now: float) -> int | None:
        """Propose ``command``; its index, or None when this member cannot take it now."""
        ...

    def read_index(self, ctx: int, now: float) -> bool:
        """Start a linearizable read round ``ctx``; False when it cannot start now.

        A confirmed round appears in ``ConsensusReady.read_states`` as (ctx, index): the read
        may be served once the member applied ``index``.
        """
        ...

    def ready(self) -> ConsensusReady:
        """Drain what happened since the previous call."""
        ...

    def next_deadline(self) -> float:
        """The local time it next needs ``tick`` (inf for never)."""
        ...

    def persistent_state(self) -> Any:
        """The state that survives a crash (given back as ``storage`` when it restarts)."""
        ...
