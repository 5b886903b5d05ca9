"""etcd's election recipe (client/v3/concurrency Election.Campaign): no herd.

- A session: a lease of the server's TTL kept alive every TTL/3, for as long as it campaigns
  and leads (waiters too).
- Campaign: key ``/election/<lease id hex>``,
  ``Txn(If CreateRevision(k) == 0 Then Put(k, server, lease) Else Get(k))``; its create
  revision ``myRev`` orders the candidates: the lowest leads.
- waitDeletes: read the key under the prefix with the highest create revision below ``myRev``
  (the immediate predecessor); if there is one, watch it for its DELETE and check again; if
  there is none, this server leads. Only the successor of a deleted key wakes up.
- Token: ``myRev`` (etcd's docs suggest the leader key's create revision as a fencing token).
- The session ends (lease gone or belief deadline passed): step down, open a new session,
  campaign again at the back of the queue.

Like etcd's Campaign (etcd issue 19597), a waiter does not notice its own session expiring
while it waits; unlike a careless application, it checks the session before acting as leader
(as ``select`` on ``session.Done()`` would) and starts over if it is gone.
"""

from __future__ import annotations

from simulator.kv.commands import Compare, Put, Range
from simulator.runtime.recipes.base import Gen
from simulator.runtime.recipes.session import LeaseRecipe

PREFIX = "/election/"


class EtcdElection(LeaseRecipe):
    """etcd's concurrency.Election on one session."""

    name = "etcd"

    def term(self) -> Gen:
        """Campaign in the queue, wait for the predecessor, lead until the session ends."""
        keeper = yield from self.ensure_session()
        key = f"{PREFIX}{self.lease_id:x}"
        response = yield from self.client.txn(
            [Compare(key, "create", "=", 0)],
            [Put(key, self.host.id, self.lease_id)],
            [Range(key)],
        )
        if response.succeeded:
            my_rev = response.revision
        else:
            existing = response.responses[0].first
            my_rev = existing.create_revision if existing is not None else response.revision
        while my_rev > 1:  # (max_create_revision 0 would mean "no limit")
            found = yield from self.client.get(PREFIX, prefix=True, limit=1, sort="create",
                                               order="desc", max_create_revision=my_rev - 1)
            predecessor = found.first
            if predecessor is None or predecessor.create_revision >= my_rev:
                break
            yield from self.wait_for_delete(predecessor.key, found.revision + 1)
        yield from self.lead_session(my_rev, keeper)
