"""The pure replicated key-value state machine: MVCC store, commands, lessor and watches.

No simpy, no clock, no global random: time is passed in as a float (the member's local clock).
``KVMember`` bundles one member's store, lessor and watch hub for the runtime.
"""

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
