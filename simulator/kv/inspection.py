"""A read-only snapshot of one member's store, for tests, the CLI and debugging.

The UI draws the store from the trace instead (kv.change, lease.*, watch.open/close events);
this snapshot is what those events fold to, taken straight from a member at one moment.
"""

from __future__ import annotations


from simulator.frozen import frozen
from simulator.kv.records import KeyValue


@frozen
class LeaseState:
    """A lease on one member: TTL, attached keys, and its expiry in simulated time.

    ``expiry`` and ``remaining`` are finite only on the primary lessor (the Raft leader that
    applied an entry of its term); elsewhere a lease never expires (None).
    """

    lease_id: int
    ttl: float
    owner: str
    keys: tuple[str, ...]
    expiry: float | None
    remaining: float | None


@frozen
class WatchState:
    """A watch a member serves: whose, on what, and the next revision it will send."""

    client: str
    watch_id: int
    key: str
    prefix: bool
    next_revision: int


@frozen
class StoreInspection:
    """One member's store at simulated time ``t``: revision, keys, leases and watches."""

    t: float
    node: str
    role: str
    primary: bool
    applied_index: int
    revision: int
    compacted_revision: int
    kvs: tuple[KeyValue, ...]
    leases: tuple[LeaseState, ...]
    watches: tuple[WatchState, ...]

    def get(self, key: str) -> KeyValue | None:
        """The current version of ``key`` on this member, None when absent."""
        for kv in self.kvs:
            if kv.key == key:
                return kv
        return None

    def lease(self, lease_id: int) -> LeaseState | None:
        """Lease ``lease_id`` on this member, None when it does not exist here."""
        for lease in self.leases:
            if lease.lease_id == lease_id:
                return lease
        return None
