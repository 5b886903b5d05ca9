"""The MVCC key-value store: the replicated state machine every Raft member applies.

As etcd's mvcc store (server/mvcc): one store-wide revision per write or write txn (a command
that changes nothing, such as a read-only txn or a delete of a missing key, does not bump it);
each key carries create revision, mod revision, version and lease; the history of every key is
kept so reads and watches from a past revision work until ``Compact`` discards it.

The replicated lease table (id, TTL, owner, attached keys) lives here too, because it is part of
the deterministic state: a Put with an unknown lease fails, and a revoke deletes the attached
keys in one revision. The *timing* of leases (expiry in the leader's local clock) is not
replicated and lives in ``simulator.kv.lessor``.

``apply(index, command)`` is a pure function of (state, entry): no clock, no randomness, and
every iteration is over sorted keys, so every member produces the same responses and events.
"""

from __future__ import annotations

import bisect
import dataclasses
from collections.abc import Callable, Iterable

from simulator.frozen import frozen
from simulator.kv.commands import (
    Command,
    Compact,
    Compare,
    Delete,
    LeaseGrant,
    LeaseRevoke,
    Put,
    Range,
    Txn,
    TxnOp,
)
from simulator.kv.history import KeyHistory
from simulator.kv.records import DELETE, PUT, KeyValue, WatchEvent
from simulator.kv.responses import (
    ERR_COMPACTED,
    ERR_DUPLICATE_KEY,
    ERR_FUTURE_REV,
    ERR_LEASE_EXISTS,
    ERR_LEASE_NOT_FOUND,
    ApplyResult,
    CompactResponse,
    DeleteResponse,
    ErrorResponse,
    LeaseGrantResponse,
    LeaseRevokeResponse,
    OpResponse,
    PutResponse,
    RangeResponse,
    Response,
    TxnResponse,
)

Revision = tuple[int, tuple[WatchEvent, ...]]


@frozen
class LeaseRecord:
    """A granted lease as the replicated state knows it: TTL, owner and attached keys (sorted)."""

    lease_id: int
    ttl: float
    owner: str
    keys: tuple[str, ...]


@frozen
class StoreSnapshot:
    """The whole replicated state, comparable with ``==`` (two members must hold equal ones)."""

    revision: int
    compacted_revision: int
    kvs: tuple[KeyValue, ...]
    leases: tuple[LeaseRecord, ...]
    history: tuple[tuple[str, tuple[tuple[int, KeyValue | None], ...]], ...]
    log: tuple[Revision, ...]


class _ApplyError(Exception):
    """A command cannot be applied; the store stays as it was."""


class _LeaseState:
    __slots__ = ("ttl", "owner", "keys")

    def __init__(self, ttl: float, owner: str) -> None:
        self.ttl = ttl
        self.owner = owner
        self.keys: set[str] = set()


def _prefix_slice(keys: list[str], key: str, prefix: bool) -> list[str]:
    """The keys of the sorted list ``keys`` equal to ``key`` (or starting with it, if prefix)."""
    start = bisect.bisect_left(keys, key)
    if not prefix:
        return [key] if start < len(keys) and keys[start] == key else []
    found: list[str] = []
    for candidate in keys[start:]:
        if not candidate.startswith(key):
            break
        found.append(candidate)
    return found


def _compare_holds(compare: Compare, kv: KeyValue | None) -> bool:
    """Evaluate one txn compare against a key's current version (None when absent)."""
    if compare.target == "value":
        if kv is None:
            return False  # etcd: a value compare on a missing key always fails
        actual: str | int = kv.value
    elif compare.target == "version":
        actual = kv.version if kv else 0
    elif compare.target == "create":
        actual = kv.create_revision if kv else 0
    elif compare.target == "mod":
        actual = kv.mod_revision if kv else 0
    else:
        actual = kv.lease if kv else 0
    operand = compare.operand
    if compare.op == "=":
        return actual == operand
    if compare.op == "!=":
        return actual != operand
    if compare.op == "<":
        return actual < operand  # type: ignore[operator]
    return actual > operand  # type: ignore[operator]


class _Batch:
    """The writes of one command, staged at one revision; committed together or dropped."""

    def __init__(self, store: KVStore) -> None:
        self.store = store
        self.revision = store.revision + 1
        self.changes: dict[str, KeyValue | None] = {}
        self.events: list[WatchEvent] = []

    def current(self, key: str) -> KeyValue | None:
        if key in self.changes:
            return self.changes[key]
        return self.store._current.get(key)

    def _claim(self, key: str) -> None:
        if key in self.changes:
            raise _ApplyError(ERR_DUPLICATE_KEY)

    def put(self, op: Put) -> PutResponse:
        if op.lease and op.lease not in self.store._leases:
            raise _ApplyError(ERR_LEASE_NOT_FOUND)
        self._claim(op.key)
        prev = self.current(op.key)
        if prev is None:
            kv = KeyValue(op.key, op.value, self.revision, self.revision, 1, op.lease)
        else:
            kv = KeyValue(
                op.key, op.value, prev.create_revision, self.revision, prev.version + 1, op.lease
            )
        self.changes[op.key] = kv
        self.events.append(
            WatchEvent(op.key, PUT, self.revision, op.value, prev, kv.create_revision,
                       kv.version, op.lease)
        )
        return PutResponse(self.revision, prev)

    def delete_keys(self, keys: Iterable[str]) -> DeleteResponse:
        deleted: list[KeyValue] = []
        for key in keys:
            prev = self.current(key)
            if prev is None:
                continue
            self._claim(key)
            self.changes[key] = None
            self.events.append(WatchEvent(key, DELETE, self.revision, prev=prev))
            deleted.append(prev)
        return DeleteResponse(self.revision, len(deleted), tuple(deleted))

    def delete(self, op: Delete) -> DeleteResponse:
        return self.delete_keys(self.matching(op.key, op.prefix))

    def matching(self, key: str, prefix: bool) -> list[str]:
        """Keys present now (with this batch's writes) equal to / under ``key``, sorted."""
        candidates = set(_prefix_slice(self.store._keys, key, prefix))
        candidates.update(k for k in self.changes if (k.startswith(key) if prefix else k == key))
        return [k for k in sorted(candidates) if self.current(k) is not None]

    def range(self, op: Range) -> RangeResponse:
        if op.revision:
            return self.store._range_at(op)
        return self.store._select(op, self.matching(op.key, op.prefix), self.current)


class KVStore:
    """The replicated MVCC store of one member: apply committed commands, read, inspect.

    ``min_lease_ttl`` is etcd's minimum lease TTL (ceil(1.5 x election timeout) seconds); every
    member must use the same value, since it changes the granted TTL.
    """

    def __init__(self, min_lease_ttl: float = 0.0) -> None:
        self.min_lease_ttl = min_lease_ttl
        self._revision = 0
        self._compacted = 0
        self._applied_index = 0
        self._current: dict[str, KeyValue] = {}
        self._histories: dict[str, KeyHistory] = {}
        self._keys: list[str] = []  # sorted; every key with kept history
        self._log: list[Revision] = []  # (revision, events) in revision order
        self._leases: dict[int, _LeaseState] = {}
        self._last_lease_id = 0

    # --- inspection ------------------------------------------------------------------------

    @property
    def revision(self) -> int:
        """The current store revision (0 before the first write)."""
        return self._revision

    @property
    def compacted_revision(self) -> int:
        """The revision history was compacted to (0 = never): older reads and watches fail."""
        return self._compacted

    @property
    def applied_index(self) -> int:
        """The Raft index of the last applied entry."""
        return self._applied_index

    def kvs(self) -> tuple[KeyValue, ...]:
        """Every live key's current version, sorted by key."""
        return tuple(self._current[key] for key in sorted(self._current))

    def get(self, key: str, revision: int = 0) -> KeyValue | None:
        """``key``'s version at ``revision`` (0 = now), None when absent or compacted away."""
        if not revision:
            return self._current.get(key)
        history = self._histories.get(key)
        return history.at(revision) if history else None

    def leases(self) -> tuple[LeaseRecord, ...]:
        """Every granted lease, by id."""
        return tuple(self._lease_record(lease_id) for lease_id in sorted(self._leases))

    def lease(self, lease_id: int) -> LeaseRecord | None:
        """Lease ``lease_id``, or None when it does not exist."""
        return self._lease_record(lease_id) if lease_id in self._leases else None

    def _lease_record(self, lease_id: int) -> LeaseRecord:
        state = self._leases[lease_id]
        return LeaseRecord(lease_id, state.ttl, state.owner, tuple(sorted(state.keys)))

    def events_since(self, revision: int) -> tuple[Revision, ...]:
        """Every kept (revision, events) from ``revision`` on, oldest first.

        Raises ValueError when ``revision`` is below the compacted revision.
        """
        if revision < self._compacted:
            raise ValueError(
                f"{ERR_COMPACTED}: revision {revision} < compacted revision {self._compacted}"
            )
        start = bisect.bisect_left(self._log, revision, key=lambda item: item[0])
        return tuple(self._log[start:])

    def snapshot(self) -> StoreSnapshot:
        """The full replicated state, for comparing members."""
        return StoreSnapshot(
            self._revision,
            self._compacted,
            self.kvs(),
            self.leases(),
            tuple((key, self._histories[key].items()) for key in self._keys),
            tuple(self._log),
        )

    # --- reads -----------------------------------------------------------------------------

    def range(self, op: Range) -> RangeResponse | ErrorResponse:
        """Serve a read from this member's applied state (at ``op.revision`` if set)."""
        try:
            if op.revision:
                return self._range_at(op)
            keys = _prefix_slice(self._keys, op.key, op.prefix)
            return self._select(op, keys, self._current.get)
        except _ApplyError as error:
            return ErrorResponse(self._revision, str(error))

    def _range_at(self, op: Range) -> RangeResponse:
        if op.revision > self._revision:
            raise _ApplyError(ERR_FUTURE_REV)
        if op.revision < self._compacted:
            raise _ApplyError(ERR_COMPACTED)
        keys = _prefix_slice(self._keys, op.key, op.prefix)
        return self._select(op, keys, lambda key: self._histories[key].at(op.revision))

    def _select(
        self, op: Range, keys: Iterable[str], view: Callable[[str], KeyValue | None]
    ) -> RangeResponse:
        found = [kv for kv in (view(key) for key in keys) if kv is not None]
        if op.max_create_revision:
            found = [kv for kv in found if kv.create_revision <= op.max_create_revision]
        if op.sort == "create":
            found.sort(key=lambda kv: (kv.create_revision, kv.key))
        elif op.sort == "mod":
            found.sort(key=lambda kv: (kv.mod_revision, kv.key))
        if op.order == "desc":
            found.reverse()
        count = len(found)
        if op.limit:
            found = found[: op.limit]
        return RangeResponse(self._revision, tuple(found), count, count > len(found))

    # --- apply -----------------------------------------------------------------------------

    def apply(self, index: int, command: Command | None) -> ApplyResult:
        """Apply committed log entry ``index`` (``command`` None for a leader's no-op entry).

        Returns the response and the watch events the entry produced. A failing command (unknown
        lease, duplicate key in a txn, compacted revision...) answers an ErrorResponse and
        changes nothing but the applied index.
        """
        if index <= self._applied_index:
            raise ValueError(f"entry {index} is not after applied index {self._applied_index}")
        self._applied_index = index
        if command is None:
            return ApplyResult(index, None)
        batch = _Batch(self)
        try:
            response = self._execute(batch, command)
        except _ApplyError as error:
            return ApplyResult(index, ErrorResponse(self._revision, str(error)))
        events = self._commit(batch)
        return ApplyResult(index, dataclasses.replace(response, revision=self._revision), events)

    def _execute(self, batch: _Batch, command: Command) -> Response:
        if isinstance(command, Put):
            return batch.put(command)
        if isinstance(command, Delete):
            return batch.delete(command)
        if isinstance(command, Range):
            return batch.range(command)
        if isinstance(command, Txn):
            return self._txn(batch, command)
        if isinstance(command, LeaseGrant):
            return self._grant(command)
        if isinstance(command, LeaseRevoke):
            return self._revoke(batch, command)
        if isinstance(command, Compact):
            return self._compact(command)
        raise TypeError(f"not a store command: {command!r}")

    def _txn(self, batch: _Batch, txn: Txn) -> TxnResponse:
        succeeded = all(_compare_holds(c, self._current.get(c.key)) for c in txn.compares)
        responses: list[OpResponse] = []
        for op in txn.success if succeeded else txn.failure:
            responses.append(self._txn_op(batch, op))
        revision = batch.revision if batch.changes else self._revision
        fixed = tuple(dataclasses.replace(r, revision=revision) for r in responses)
        return TxnResponse(self._revision, succeeded, fixed)

    @staticmethod
    def _txn_op(batch: _Batch, op: TxnOp) -> OpResponse:
        if isinstance(op, Put):
            return batch.put(op)
        if isinstance(op, Delete):
            return batch.delete(op)
        return batch.range(op)

    def _grant(self, op: LeaseGrant) -> LeaseGrantResponse:
        lease_id = op.lease_id or self._last_lease_id + 1
        if lease_id in self._leases:
            raise _ApplyError(ERR_LEASE_EXISTS)
        ttl = max(float(op.ttl), self.min_lease_ttl)
        self._leases[lease_id] = _LeaseState(ttl, op.owner)
        self._last_lease_id = max(self._last_lease_id, lease_id)
        return LeaseGrantResponse(self._revision, lease_id, ttl, op.owner)

    def _revoke(self, batch: _Batch, op: LeaseRevoke) -> LeaseRevokeResponse:
        state = self._leases.get(op.lease_id)
        if state is None:
            raise _ApplyError(ERR_LEASE_NOT_FOUND)
        deleted = batch.delete_keys(sorted(state.keys))
        del self._leases[op.lease_id]
        keys = tuple(kv.key for kv in deleted.prev_kvs)
        return LeaseRevokeResponse(self._revision, op.lease_id, op.reason, keys)

    def _compact(self, op: Compact) -> CompactResponse:
        if op.revision > self._revision:
            raise _ApplyError(ERR_FUTURE_REV)
        if op.revision <= self._compacted:
            raise _ApplyError(ERR_COMPACTED)
        self._compacted = op.revision
        kept: list[str] = []
        for key in self._keys:
            if self._histories[key].compact(op.revision):
                del self._histories[key]
            else:
                kept.append(key)
        self._keys = kept
        start = bisect.bisect_left(self._log, op.revision, key=lambda item: item[0])
        del self._log[:start]
        return CompactResponse(self._revision, op.revision)

    def _commit(self, batch: _Batch) -> tuple[WatchEvent, ...]:
        """Make the batch's writes the new revision (if it wrote anything)."""
        if not batch.changes:
            return ()
        self._revision = batch.revision
        for key, kv in batch.changes.items():
            history = self._histories.get(key)
            if history is None:
                history = self._histories[key] = KeyHistory()
                bisect.insort(self._keys, key)
            history.append(self._revision, kv)
            prev = self._current.pop(key, None)
            if prev is not None and prev.lease in self._leases:
                self._leases[prev.lease].keys.discard(key)
            if kv is not None:
                self._current[key] = kv
                if kv.lease:
                    self._leases[kv.lease].keys.add(key)
        events = tuple(batch.events)
        self._log.append((self._revision, events))
        return events
