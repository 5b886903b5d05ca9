"""The pure replicated key-value state machine: MVCC store, commands, lessor and watches.

No simpy, no clock, no global random: time is passed in as a float (the member's local clock).
``KVMember`` bundles one member's store, lessor and watch hub for the runtime.
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
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
    from simulator.kv.lessor import (
        DEFAULT_CHECK_INTERVAL,
        DEFAULT_RETRY_INTERVAL,
        FOREVER,
        LeaseInfo,
        Lessor,
        minimum_ttl,
    )
    from simulator.kv.member import KVMember, MemberApply
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
    from simulator.kv.store import KVStore, LeaseRecord, StoreSnapshot
    from simulator.kv.watch import WatchCreated, WatchHub, WatchInfo, WatchResponse

# Where each name is defined. A name is imported from its module when first asked for, so
# importing one module of the package (e.g. for a constant) does not load all the others.
_HOME = {
    "Command": "commands",
    "Compact": "commands",
    "Compare": "commands",
    "Delete": "commands",
    "LeaseGrant": "commands",
    "LeaseRevoke": "commands",
    "Put": "commands",
    "Range": "commands",
    "Txn": "commands",
    "TxnOp": "commands",
    "DEFAULT_CHECK_INTERVAL": "lessor",
    "DEFAULT_RETRY_INTERVAL": "lessor",
    "FOREVER": "lessor",
    "LeaseInfo": "lessor",
    "Lessor": "lessor",
    "minimum_ttl": "lessor",
    "KVMember": "member",
    "MemberApply": "member",
    "DELETE": "records",
    "PUT": "records",
    "KeyValue": "records",
    "WatchEvent": "records",
    "ERR_COMPACTED": "responses",
    "ERR_DUPLICATE_KEY": "responses",
    "ERR_FUTURE_REV": "responses",
    "ERR_LEASE_EXISTS": "responses",
    "ERR_LEASE_NOT_FOUND": "responses",
    "ApplyResult": "responses",
    "CompactResponse": "responses",
    "DeleteResponse": "responses",
    "ErrorResponse": "responses",
    "LeaseGrantResponse": "responses",
    "LeaseRevokeResponse": "responses",
    "OpResponse": "responses",
    "PutResponse": "responses",
    "RangeResponse": "responses",
    "Response": "responses",
    "TxnResponse": "responses",
    "KVStore": "store",
    "LeaseRecord": "store",
    "StoreSnapshot": "store",
    "WatchCreated": "watch",
    "WatchHub": "watch",
    "WatchInfo": "watch",
    "WatchResponse": "watch",
}

__all__ = [
    "DEFAULT_CHECK_INTERVAL", "DEFAULT_RETRY_INTERVAL", "DELETE", "ERR_COMPACTED",
    "ERR_DUPLICATE_KEY", "ERR_FUTURE_REV", "ERR_LEASE_EXISTS", "ERR_LEASE_NOT_FOUND", "FOREVER",
    "PUT", "ApplyResult", "Command", "Compact", "CompactResponse", "Compare", "Delete",
    "DeleteResponse", "ErrorResponse", "KVMember", "KVStore", "KeyValue", "LeaseGrant",
    "LeaseGrantResponse", "LeaseInfo", "LeaseRecord", "LeaseRevoke", "LeaseRevokeResponse",
    "Lessor", "MemberApply", "OpResponse", "Put", "PutResponse", "Range", "RangeResponse",
    "Response", "StoreSnapshot", "Txn", "TxnOp", "TxnResponse", "WatchCreated", "WatchEvent",
    "WatchHub", "WatchInfo", "WatchResponse", "minimum_ttl",
]


def __getattr__(name: str) -> Any:
    """``name`` from the module that defines it (imported now if it was not yet)."""
    home = _HOME.get(name)
    if home is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(import_module(f"{__name__}.{home}"), name)
    globals()[name] = value
    return value
