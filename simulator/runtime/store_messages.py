"""The messages between store clients and store members, carried by the simulated network.

Like Raft's messages, each is a frozen dataclass with ``src`` and ``dst`` (host ids), a
class-level ``kind`` (the msg.send ``type``) and ``label()`` (a short text for views).
``client`` names the client inside the source or destination host (several clients may share
one app server host), so the host can route an answer to the right one.

- ``StoreRequest`` carries one store command (a write, a txn, a lease grant or revoke, or a
  read). ``op_id`` is the client's operation number, the same on every retry of one operation,
  so the replicated session table applies a retried write only once; ``ack`` is the client's
  lowest operation still waiting for an answer (every answer below it may be forgotten).
- ``KeepAliveRequest`` renews a lease on the leader (not through the log).
- ``WatchRequest`` opens, cancels or probes a watch stream on the member the client is
  connected to; ``WatchUpdate`` carries events (one revision per message), the creation answer,
  a cancellation, or a progress answer.
- A member that is not the leader answers a write, a linearizable read or a keepalive with
  ``error = NOT_LEADER`` and the leader it knows of in ``leader`` (the client redirects).
"""

from __future__ import annotations

from typing import ClassVar

from simulator.frozen import frozen
from simulator.kv.commands import Command, Range
from simulator.kv.records import WatchEvent
from simulator.kv.responses import Response

NOT_LEADER = "not leader"
LEADERSHIP_LOST = "leadership changed before the entry committed"
NOT_READY = "leader is not ready"
UNKNOWN_WATCH = "unknown watch"

WATCH_CREATE = "create"
WATCH_CANCEL = "cancel"
WATCH_PROGRESS = "progress"
WATCH_ACTIONS = (WATCH_CREATE, WATCH_CANCEL, WATCH_PROGRESS)


def _short(text: str, limit: int = 28) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


@frozen
class StoreRequest:
    """Client -> member: run ``command`` (serializable reads are served from local state)."""

    src: str
    dst: str
    client: str
    op_id: int
    command: Command
    serializable: bool = False
    ack: int = 0
    kind: ClassVar[str] = "StoreRequest"

    @property
    def is_read(self) -> bool:
        """True for a plain read (a Range outside a txn)."""
        return isinstance(self.command, Range)

    def label(self) -> str:
        return _short(str(self.command))


@frozen
class StoreResponse:
    """Member -> client: the answer to operation ``op_id`` (``response``) or why not (``error``).

    ``leader`` is the leader the member knows of (None when it knows none), set with
    ``NOT_LEADER``; ``member_revision`` is the answering member's applied revision.
    """

    src: str
    dst: str
    client: str
    op_id: int
    response: Response | None = None
    error: str = ""
    leader: str | None = None
    member_revision: int = 0
    kind: ClassVar[str] = "StoreResponse"

    def label(self) -> str:
        if self.error:
            return _short(f"#{self.op_id} {self.error}")
        return f"#{self.op_id} ok rev {self.member_revision}"


@frozen
class KeepAliveRequest:
    """Client -> member: renew lease ``lease_id`` (expiry = now + TTL on the leader).

    A follower forwards it to the leader (``forwarded`` true, ``src`` the follower) and relays
    the answer, as etcd's LeaseRenew does over the peer connection.
    """

    src: str
    dst: str
    client: str
    op_id: int
    lease_id: int
    forwarded: bool = False
    kind: ClassVar[str] = "KeepAlive"

    def label(self) -> str:
        if self.forwarded:
            return f"keepalive {self.lease_id} (fwd)"
        return f"keepalive {self.lease_id}"


@frozen
class KeepAliveResponse:
    """Leader -> client: the lease's TTL (0 when the lease is gone), or an error."""

    src: str
    dst: str
    client: str
    op_id: int
    lease_id: int
    ttl: float = 0.0
    error: str = ""
    leader: str | None = None
    kind: ClassVar[str] = "KeepAliveResponse"

    def label(self) -> str:
        if self.error:
            return _short(f"keepalive {self.error}")
        if not self.ttl:
            return f"lease {self.lease_id} gone"
        return f"lease {self.lease_id} ttl {self.ttl:g}"


@frozen
class WatchRequest:
    """Client -> member: ``action`` create, cancel or progress of the client's watch ``watch_id``.

    ``stream`` numbers the client's attempts at one watch (a re-watch after a failure uses a new
    one), so the client can ignore what an old stream still sends.
    """

    src: str
    dst: str
    client: str
    watch_id: int
    stream: int
    action: str
    key: str = ""
    prefix: bool = False
    start_revision: int = 0
    kind: ClassVar[str] = "WatchRequest"

    def __post_init__(self) -> None:
        if self.action not in WATCH_ACTIONS:
            raise ValueError(f"WatchRequest.action must be one of {', '.join(WATCH_ACTIONS)}; "
                             f"got {self.action!r}")

    def label(self) -> str:
        if self.action == WATCH_CREATE:
            what = f"{self.key}*" if self.prefix else self.key
            start = f" from {self.start_revision}" if self.start_revision else ""
            return _short(f"watch {what}{start}")
        return f"watch {self.action} #{self.watch_id}"


@frozen
class WatchUpdate:
    """Member -> client: news on watch ``watch_id`` (stream ``stream``), number ``seq`` in it.

    The network may reorder messages, so the client takes a stream's updates in ``seq`` order
    (1, 2, ...), as a TCP stream would hand them over; a probe answer for an unknown watch has
    ``seq`` 0.

    ``events`` are the matching events of one revision ``revision`` (empty for a creation or
    progress answer, where ``revision`` is the member's applied revision); ``cancelled`` with
    ``reason`` ends the stream (a compacted start revision, or an unknown watch on probe).
    """

    src: str
    dst: str
    client: str
    watch_id: int
    stream: int
    seq: int
    revision: int
    events: tuple[WatchEvent, ...] = ()
    created: bool = False
    cancelled: bool = False
    reason: str = ""
    compact_revision: int = 0
    kind: ClassVar[str] = "WatchUpdate"

    def label(self) -> str:
        if self.cancelled:
            return _short(f"watch cancelled: {self.reason}")
        if self.events:
            first = self.events[0]
            more = f" +{len(self.events) - 1}" if len(self.events) > 1 else ""
            return _short(f"{first.type.upper()} {first.key}{more} r{self.revision}")
        if self.created:
            return f"watching r{self.revision}"
        return f"progress r{self.revision}"


StoreMessage = (
    StoreRequest | StoreResponse | KeepAliveRequest | KeepAliveResponse | WatchRequest
    | WatchUpdate
)
CLIENT_BOUND = (StoreResponse, KeepAliveResponse, WatchUpdate)
