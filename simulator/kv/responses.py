"""What applying a command answers: one frozen response per command kind, and ApplyResult.

Every response carries ``revision``, the store's revision after the command (etcd's header
revision), and ``ok`` (False only for ErrorResponse).
"""

from __future__ import annotations

from typing import ClassVar

from simulator.frozen import frozen
from simulator.kv.records import KeyValue, WatchEvent

# etcd's error texts (server/etcdserver/api/v3rpc/rpctypes, server/mvcc, server/lease)
ERR_LEASE_NOT_FOUND = "lease not found"
ERR_LEASE_EXISTS = "lease already exists"
ERR_COMPACTED = "mvcc: required revision has been compacted"
ERR_FUTURE_REV = "mvcc: required revision is a future revision"
ERR_DUPLICATE_KEY = "duplicate key given in txn request"


@frozen
class PutResponse:
    """A put was applied at ``revision``; ``prev`` is the key's version before (or None)."""

    revision: int
    prev: KeyValue | None = None
    ok: ClassVar[bool] = True


@frozen
class DeleteResponse:
    """A delete removed ``deleted`` keys (their last versions in ``prev_kvs``)."""

    revision: int
    deleted: int = 0
    prev_kvs: tuple[KeyValue, ...] = ()
    ok: ClassVar[bool] = True


@frozen
class RangeResponse:
    """A read: the matching versions after sort and limit, ``count`` matches before the limit."""

    revision: int
    kvs: tuple[KeyValue, ...] = ()
    count: int = 0
    more: bool = False
    ok: ClassVar[bool] = True

    @property
    def first(self) -> KeyValue | None:
        """The first version returned, or None when nothing matched."""
        return self.kvs[0] if self.kvs else None


OpResponse = PutResponse | DeleteResponse | RangeResponse


@frozen
class TxnResponse:
    """A txn ran its ``success`` branch when ``succeeded``, else its failure branch."""

    revision: int
    succeeded: bool
    responses: tuple[OpResponse, ...] = ()
    ok: ClassVar[bool] = True


@frozen
class LeaseGrantResponse:
    """Lease ``lease_id`` exists now with ``ttl`` seconds (raised to the store's minimum)."""

    revision: int
    lease_id: int
    ttl: float
    owner: str = ""
    ok: ClassVar[bool] = True


@frozen
class LeaseRevokeResponse:
    """Lease ``lease_id`` is gone; ``deleted_keys`` were deleted with it in one revision."""

    revision: int
    lease_id: int
    reason: str
    deleted_keys: tuple[str, ...] = ()
    ok: ClassVar[bool] = True


@frozen
class CompactResponse:
    """History below ``compacted`` is gone."""

    revision: int
    compacted: int
    ok: ClassVar[bool] = True


@frozen
class ErrorResponse:
    """The command failed and changed nothing; ``error`` is etcd's message for the cause."""

    revision: int
    error: str
    ok: ClassVar[bool] = False


Response = (
    PutResponse | DeleteResponse | RangeResponse | TxnResponse | LeaseGrantResponse
    | LeaseRevokeResponse | CompactResponse | ErrorResponse
)


@frozen
class ApplyResult:
    """The outcome of applying log entry ``index``: the response and the watch events produced.

    ``response`` is None for a no-op entry. All ``events`` share one revision (a command writes at
    most one revision) and are in the order the writes happened.
    """

    index: int
    response: Response | None
    events: tuple[WatchEvent, ...] = ()
