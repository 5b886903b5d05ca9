"""The seed's recipe: one leader key, try_insert with a lease, watch for its DELETE (the herd).

1. ``try_insert``: grant a lease of the server's TTL, then
   ``Txn(If CreateRevision(/election/leader) == 0 Then Put(key, server, lease) Else Get(key))``.
2. On success (``on_leadership_gain``): keep the lease alive every renew interval (TTL/3 by
   default), do the work; lead until a keepalive says the lease is gone or the client's belief
   deadline (t_response + TTL) passes. Token: the key's create revision (the txn's revision).
3. On failure: revoke the unused lease, watch the key from the next revision for its DELETE,
   then try again. Every waiter wakes on the same DELETE and races (grant, txn, revoke, watch):
   the herd effect the etcd and ZooKeeper recipes avoid.
4. An exception in the work loop or a graceful shutdown revokes the lease (``release``): the
   key goes at once and the waiters race; a crash leaves the key until the lease expires.
"""

from __future__ import annotations

from simulator.kv.commands import Compare, Put, Range
from simulator.runtime.recipes.base import Gen
from simulator.runtime.recipes.session import LeaseRecipe

LEADER_KEY = "/election/leader"


class SeedElection(LeaseRecipe):
    """The seed's single-key election."""

    name = "seed"

    def term(self) -> Gen:
        """try_insert until it succeeds, then lead until the lease is lost."""
        while True:
            keeper = yield from self.open_session()
            response = yield from self.client.txn(
                [Compare(LEADER_KEY, "create", "=", 0)],
                [Put(LEADER_KEY, self.host.id, self.lease_id)],
                [Range(LEADER_KEY)],
            )
            if response.succeeded:
                yield from self.lead(response.revision, keeper.lost)
                self.close_session()
                return
            yield from self.release()  # the lease try_insert did not use
            yield from self.wait_for_delete(LEADER_KEY, response.revision + 1)
