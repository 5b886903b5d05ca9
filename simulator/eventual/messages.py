"""What a coordinator sends to replicas and what they answer (pure data, no transport)."""

from __future__ import annotations


from simulator.eventual.versions import Expect, Timestamp
from simulator.frozen import frozen

CLIENT = "client"
REPAIR = "repair"
HINT = "hint"
ANTI_ENTROPY = "anti-entropy"


@frozen
class ReplicaWrite:
    """Store ``value`` (None = delete) at ``ts`` for ``key``, with ``ttl`` seconds to live.

    ``hint_for`` asks a stand-in to hold the write for that home replica; ``expect`` is a
    replica-side precondition (None = unconditional); ``source`` says why it is sent
    ("client", "repair", "hint" handoff or "anti-entropy").
    """

    key: str
    value: str | None
    ts: Timestamp
    ttl: float | None = None
    hint_for: str | None = None
    expect: Expect | None = None
    source: str = CLIENT


@frozen
class ReplicaRead:
    """Answer your copy of ``key``."""

    key: str


@frozen
class WriteAck:
    """A replica's answer to a write: ``ok`` False when its precondition failed (a conflict).

    ``applied`` is False when the write was older than the replica's copy (last-writer-wins
    ignored it, which still counts as an acknowledgement, as in Dynamo and Cassandra).
    """

    key: str
    ok: bool = True
    applied: bool = True


@frozen
class ReadReply:
    """A replica's copy: ``value`` None when absent, deleted or expired; ``ts`` None = never
    written; ``ttl`` the TTL left by the replica's clock."""

    key: str
    value: str | None
    ts: Timestamp | None
    live: bool
    ttl: float | None = None


@frozen
class ReplicaScan:
    """Answer your copies of every key under ``prefix``."""

    prefix: str


@frozen
class ScanReply:
    """A replica's copies of the keys under ``prefix``, by key."""

    prefix: str
    rows: tuple[ReadReply, ...]


Message = ReplicaWrite | ReplicaRead | WriteAck | ReadReply | ReplicaScan | ScanReply


@frozen
class Send:
    """A message for the transport to carry to node ``to``."""

    to: str
    msg: Message
