"""The eventual store's messages on the simulated network: client requests and replica traffic.

Each is a frozen dataclass with ``src`` and ``dst`` (host ids), a class-level ``kind`` (the
msg.send ``type``) and ``label()`` (a short text for views).
"""

from __future__ import annotations

from typing import ClassVar

from simulator.eventual import Outcome, Timestamp, ballot_label
from simulator.eventual.lwt_messages import (
    LwtAccepted,
    LwtCommit,
    LwtCommitAck,
    LwtPrepare,
    LwtPromise,
    LwtPropose,
)
from simulator.eventual.messages import (
    Message,
    ReadReply,
    ReplicaRead,
    ReplicaScan,
    ReplicaWrite,
    ScanReply,
    WriteAck,
)
from simulator.frozen import frozen

GET = "get"
SCAN = "scan"
PUT = "put"
DELETE = "delete"
PUT_IF = "put_if"
CAS = "cas"
OPS = (GET, SCAN, PUT, DELETE, PUT_IF, CAS)


@frozen
class EcRequest:
    """Client -> coordinating node: one operation.

    ``expect_value`` (put_if: the value the newest read must show, None = absent) and
    ``expect_ts`` (cas: the timestamp each replica's copy must have, None = absent).
    """

    src: str
    dst: str
    client: str
    op_id: int
    op: str
    key: str
    value: str | None = None
    ttl: float | None = None
    expect_value: str | None = None
    expect_ts: Timestamp | None = None
    kind: ClassVar[str] = "EcRequest"

    def label(self) -> str:
        if self.op in (GET, SCAN):
            return f"{self.op} {self.key}"
        return f"{self.op} {self.key}={self.value}"


@frozen
class EcResponse:
    """Coordinating node -> client: the outcome (and a prefix read's rows; ``detail``: why a
    lightweight transaction ended as it did)."""

    src: str
    dst: str
    client: str
    op_id: int
    outcome: Outcome
    rows: tuple[tuple[str, str], ...] = ()
    detail: str = ""
    kind: ClassVar[str] = "EcResponse"

    def label(self) -> str:
        o = self.outcome
        if not o.ok:
            return f"failed: {o.error}"
        if not o.succeeded:
            return f"not done ({o.error or 'condition'})"
        return f"ok {o.value}" if o.value is not None else "ok"


@frozen
class EcPeer:
    """Node -> node: a replica message; ``req`` names the coordinator's request (0: none)."""

    src: str
    dst: str
    req: int
    body: Message
    kind: ClassVar[str] = "EcPeer"

    def label(self) -> str:
        b = self.body
        if isinstance(b, ReplicaWrite):
            what = "hint" if b.hint_for else b.source
            return f"{what} {b.key}={b.value} @{b.ts}"
        if isinstance(b, ReplicaRead):
            return f"read {b.key}"
        if isinstance(b, ReplicaScan):
            return f"scan {b.prefix}"
        if isinstance(b, ReadReply):
            return f"{b.key}={b.value} @{b.ts}"
        if isinstance(b, ScanReply):
            return f"{len(b.rows)} rows"
        if isinstance(b, WriteAck):
            return "ack" if b.ok else "conflict"
        if isinstance(b, LwtPrepare):
            return f"prepare {ballot_label(b.ballot)}"
        if isinstance(b, LwtPromise):
            return f"promise {ballot_label(b.ballot)}" if b.ok else \
                f"refuse: promised {ballot_label(b.promised)}"
        if isinstance(b, LwtPropose):
            return f"propose {b.proposal.value} {ballot_label(b.proposal.ballot)}"
        if isinstance(b, LwtAccepted):
            return f"accept {ballot_label(b.ballot)}" if b.ok else \
                f"refuse: promised {ballot_label(b.promised)}"
        if isinstance(b, LwtCommit):
            return f"commit {b.proposal.value} {ballot_label(b.proposal.ballot)}"
        if isinstance(b, LwtCommitAck):
            return "committed"
        return type(b).__name__


@frozen
class EcDigest:
    """Node -> node (anti-entropy): the sender's (key, ts, live, value) for keys both hold;
    ``answer`` asks the receiver to send its own digest back."""

    src: str
    dst: str
    rows: tuple[tuple[str, Timestamp | None, bool, str | None], ...]
    answer: bool = True
    kind: ClassVar[str] = "EcDigest"

    def label(self) -> str:
        return f"digest {len(self.rows)} keys"
