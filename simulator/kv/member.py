"""One member's whole store side: the MVCC store, its lessor and its watch hub, kept in step.

The runtime's host applies each committed Raft entry here with the member's local time; the
store applies it (a pure function of state and entry), the lessor follows the lease changes
and the hub routes the watch events. A crash keeps the store and the lease set (etcd keeps them
in its backend, with the applied index) but not the watches or the lessor's primary role:
``restart`` drops those.
"""

from __future__ import annotations


from simulator.frozen import frozen
from simulator.kv.commands import Command
from simulator.kv.lessor import Lessor
from simulator.kv.responses import ApplyResult
from simulator.kv.store import KVStore
from simulator.kv.watch import WatchHub, WatchResponse


@frozen
class MemberApply:
    """What applying one entry produced: the store's result and the watch deliveries."""

    result: ApplyResult
    deliveries: tuple[WatchResponse, ...] = ()


class KVMember:
    """A member's store, lessor and watch hub; ``min_lease_ttl`` must match across members."""

    def __init__(self, min_lease_ttl: float = 0.0) -> None:
        self.store = KVStore(min_lease_ttl)
        self.lessor = Lessor(min_lease_ttl)
        self.watches = WatchHub(self.store)

    def restart(self) -> None:
        """After a crash: no watch is served and the lessor is not primary (etcd's lessor
        recovers its leases from the backend, with no expiry until it is promoted)."""
        self.lessor.demote()
        for info in self.watches.active():
            self.watches.cancel(info.watch_id)

    def apply(self, index: int, command: Command | None, now: float) -> MemberApply:
        """Apply committed entry ``index`` at local time ``now`` and route its watch events."""
        result = self.store.apply(index, command)
        self.lessor.on_apply(result, now)
        deliveries = self.watches.on_apply(result.events) if result.events else ()
        return MemberApply(result, deliveries)
