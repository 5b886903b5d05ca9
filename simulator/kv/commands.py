"""The store's commands: frozen dataclasses that travel through the Raft log (and Range reads).

Every command validates its fields when built (a ``ValueError`` naming the field and the bad
value) and has a ``__str__`` giving one canonical, deterministic line of text. That text is the
``cmd`` of ``raft.apply`` in the public event log (docs/events.md), for example::

    put /election/leader=app1 lease=3
    txn if create(/e/leader)=0 then put /e/leader=app1 lease=3 else get /e/leader
    lease grant 3 ttl=10 owner=app1
    lease revoke 3 reason=expired

Keys and values made only of letters, digits and ``_ . / : @ + -`` are written as they are;
anything else (spaces, ``=``, commas, the empty string) is written as a JSON string literal.
"""

from __future__ import annotations

import json
import re
from typing import ClassVar

from simulator.frozen import frozen

COMPARE_TARGETS = ("value", "version", "create", "mod", "lease")
COMPARE_OPS = ("=", "!=", "<", ">")
SORT_TARGETS = ("key", "create", "mod")
SORT_ORDERS = ("asc", "desc")
REVOKE_REASONS = ("revoked", "expired")

_PLAIN = re.compile(r"^[A-Za-z0-9_./:@+\-]+$")


def quote(text: str) -> str:
    """Write ``text`` as it is when it is plain, else as a JSON string literal."""
    return text if _PLAIN.match(text) else json.dumps(text)


def _fmt_number(value: float) -> str:
    return f"{value:g}"


def _require_str(owner: str, name: str, value: object, allow_empty: bool = True) -> None:
    if not isinstance(value, str):
        raise ValueError(f"{owner}.{name} must be a string, got {value!r}")
    if not allow_empty and not value:
        raise ValueError(f"{owner}.{name} must not be empty")


def _require_int(owner: str, name: str, value: object, minimum: int = 0) -> None:
    if isinstance(value, bool) or not isinstance(value, int):
        raise ValueError(f"{owner}.{name} must be an integer, got {value!r}")
    if value < minimum:
        raise ValueError(f"{owner}.{name} must be >= {minimum}, got {value}")


def _require_choice(owner: str, name: str, value: object, choices: tuple[str, ...]) -> None:
    if value not in choices:
        raise ValueError(f"{owner}.{name} must be one of {', '.join(choices)}; got {value!r}")


@frozen
class Range:
    """Read a key, or every key under a prefix, sorted, limited, optionally at a past revision.

    ``sort`` is "key", "create" or "mod" (revision) and ``order`` "asc" or "desc"; ``limit`` 0
    means no limit; ``revision`` 0 means the current revision; ``max_create_revision`` (0 = none)
    keeps only keys created at or before it (etcd's WithMaxCreateRev, used to find the
    predecessor in the election recipe). An empty key with ``prefix`` reads every key.
    """

    key: str
    prefix: bool = False
    limit: int = 0
    sort: str = "key"
    order: str = "asc"
    revision: int = 0
    max_create_revision: int = 0
    op: ClassVar[str] = "get"

    def __post_init__(self) -> None:
        _require_str("Range", "key", self.key, allow_empty=self.prefix)
        _require_int("Range", "limit", self.limit)
        _require_choice("Range", "sort", self.sort, SORT_TARGETS)
        _require_choice("Range", "order", self.order, SORT_ORDERS)
        _require_int("Range", "revision", self.revision)
        _require_int("Range", "max_create_revision", self.max_create_revision)

    @staticmethod
    def first_created(prefix: str) -> Range:
        """The key under ``prefix`` with the lowest create revision (etcd's WithFirstCreate)."""
        return Range(prefix, prefix=True, limit=1, sort="create", order="asc")

    @staticmethod
    def last_created(prefix: str, max_create_revision: int = 0) -> Range:
        """The key under ``prefix`` with the highest create revision, at most the given one."""
        return Range(
            prefix, prefix=True, limit=1, sort="create", order="desc",
            max_create_revision=max_create_revision,
        )

    def __str__(self) -> str:
        parts = ["get"]
        if self.prefix:
            parts.append("prefix")
        parts.append(quote(self.key))
        if self.sort != "key" or self.order != "asc":
            parts.append(f"sort={self.sort} {self.order}")
        if self.limit:
            parts.append(f"limit={self.limit}")
        if self.revision:
            parts.append(f"rev={self.revision}")
        if self.max_create_revision:
            parts.append(f"max_create={self.max_create_revision}")
        return " ".join(parts)


@frozen
class Put:
    """Set ``key`` to ``value``, attached to ``lease`` (0 = no lease; the lease must exist)."""

    key: str
    value: str
    lease: int = 0
    op: ClassVar[str] = "put"

    def __post_init__(self) -> None:
        _require_str("Put", "key", self.key, allow_empty=False)
        _require_str("Put", "value", self.value)
        _require_int("Put", "lease", self.lease)

    def __str__(self) -> str:
        text = f"put {quote(self.key)}={quote(self.value)}"
        return f"{text} lease={self.lease}" if self.lease else text


@frozen
class Delete:
    """Delete ``key``, or every key starting with it when ``prefix`` (empty key: all keys)."""

    key: str
    prefix: bool = False
    op: ClassVar[str] = "delete"

    def __post_init__(self) -> None:
        _require_str("Delete", "key", self.key, allow_empty=self.prefix)

    def __str__(self) -> str:
        return f"delete prefix {quote(self.key)}" if self.prefix else f"delete {quote(self.key)}"


TxnOp = Put | Delete | Range


@frozen
class Compare:
    """One condition of a txn: ``target(key) op operand``.

    ``target`` is "value" (operand a string), or "version", "create", "mod" (revisions) or
    "lease" (operand an int). As etcd: on a missing key a value compare is always false and the
    numeric targets compare against 0, so ``Compare(k, "create", "=", 0)`` means "k is absent".
    """

    key: str
    target: str
    op: str
    operand: str | int

    def __post_init__(self) -> None:
        _require_str("Compare", "key", self.key, allow_empty=False)
        _require_choice("Compare", "target", self.target, COMPARE_TARGETS)
        _require_choice("Compare", "op", self.op, COMPARE_OPS)
        if self.target == "value":
            _require_str("Compare", "operand", self.operand)
        else:
            _require_int("Compare", "operand", self.operand)

    def __str__(self) -> str:
        operand = quote(self.operand) if isinstance(self.operand, str) else str(self.operand)
        return f"{self.target}({quote(self.key)}){self.op}{operand}"


def _ops_text(ops: tuple[TxnOp, ...]) -> str:
    return ", ".join(str(op) for op in ops) if ops else "nothing"


@frozen
class Txn:
    """If every compare holds, run ``success`` in order, else ``failure``: atomically, one revision.

    Reads inside the txn see the writes made earlier in the same branch. Writing one key twice in
    the executed branch makes the whole txn fail ("duplicate key given in txn request"), as etcd.
    """

    compares: tuple[Compare, ...] = ()
    success: tuple[TxnOp, ...] = ()
    failure: tuple[TxnOp, ...] = ()
    op: ClassVar[str] = "txn"

    def __post_init__(self) -> None:
        for name in ("compares", "success", "failure"):
            if not isinstance(getattr(self, name), tuple):
                raise ValueError(f"Txn.{name} must be a tuple, got {getattr(self, name)!r}")
        for compare in self.compares:
            if not isinstance(compare, Compare):
                raise ValueError(f"Txn.compares must hold Compare objects, got {compare!r}")
        for name in ("success", "failure"):
            for item in getattr(self, name):
                if not isinstance(item, Put | Delete | Range):
                    raise ValueError(f"Txn.{name} must hold Put, Delete or Range, got {item!r}")

    def __str__(self) -> str:
        parts = ["txn"]
        if self.compares:
            parts.append("if " + " and ".join(str(c) for c in self.compares))
        parts.append("then " + _ops_text(self.success))
        if self.failure:
            parts.append("else " + _ops_text(self.failure))
        return " ".join(parts)


@frozen
class LeaseGrant:
    """Create lease ``lease_id`` (0: the store picks the next free id) of ``ttl`` seconds.

    The store raises ``ttl`` to its minimum TTL (etcd: ceil(1.5 x election timeout)).
    ``owner`` names the client that asked (for the trace and the UI).
    """

    lease_id: int
    ttl: float
    owner: str = ""
    op: ClassVar[str] = "lease_grant"

    def __post_init__(self) -> None:
        _require_int("LeaseGrant", "lease_id", self.lease_id)
        if isinstance(self.ttl, bool) or not isinstance(self.ttl, int | float):
            raise ValueError(f"LeaseGrant.ttl must be a number, got {self.ttl!r}")
        if not self.ttl > 0 or self.ttl == float("inf"):
            raise ValueError(f"LeaseGrant.ttl must be a positive finite number, got {self.ttl!r}")
        _require_str("LeaseGrant", "owner", self.owner)

    def __str__(self) -> str:
        ident = f" {self.lease_id}" if self.lease_id else ""
        owner = f" owner={quote(self.owner)}" if self.owner else ""
        return f"lease grant{ident} ttl={_fmt_number(self.ttl)}{owner}"


@frozen
class LeaseRevoke:
    """Remove lease ``lease_id`` and delete every key attached to it, in one revision.

    ``reason`` is "revoked" (a client asked) or "expired" (the leader's lessor decided).
    """

    lease_id: int
    reason: str = "revoked"
    op: ClassVar[str] = "lease_revoke"

    def __post_init__(self) -> None:
        _require_int("LeaseRevoke", "lease_id", self.lease_id, minimum=1)
        _require_choice("LeaseRevoke", "reason", self.reason, REVOKE_REASONS)

    def __str__(self) -> str:
        return f"lease revoke {self.lease_id} reason={self.reason}"


@frozen
class Compact:
    """Discard the history below ``revision``: reads and watches from earlier revisions fail."""

    revision: int
    op: ClassVar[str] = "compact"

    def __post_init__(self) -> None:
        _require_int("Compact", "revision", self.revision, minimum=1)

    def __str__(self) -> str:
        return f"compact {self.revision}"


Command = Put | Delete | Txn | Range | LeaseGrant | LeaseRevoke | Compact
