"""etcd's election recipe (client/v3/concurrency Election on a Session): no herd.

- A session: a lease of the server's TTL (etcd's default session TTL is 60 s) kept alive by
  etcd's client (the first keepalive at once, then every third of the granted TTL), for as
  long as it campaigns and leads (waiters too).
- Campaign (``etcd_election.Election``): key ``/election/<lease id hex>``,
  ``Txn(If CreateRevision(k) == 0 Then Put(k, server, lease) Else Get(k))``; its create
  revision ``myRev`` orders the candidates: the lowest leads. waitDeletes: watch only the
  immediate predecessor's DELETE and check again. Only the successor of a deleted key wakes up.
- Token: ``myRev`` (etcd's docs suggest the leader key's create revision as a fencing token).
- Stepping down on an exception: ``Resign`` (delete the own key while it is still this
  campaign's) and keep the session, then campaign again at the back of the queue; on a
  graceful shutdown: ``Resign``, then close the session (revoke the lease).
- The session ends (lease gone or belief deadline passed): step down, open a new session,
  campaign again at the back of the queue.

Like etcd's Campaign (etcd issue 19597), a waiter does not notice its own session expiring
while it waits; unlike a careless application, it checks the session before acting as leader
(as ``select`` on ``session.Done()`` would) and starts over if it is gone.
"""

from __future__ import annotations

import contextlib

from simulator.runtime.recipes.base import Gen
from simulator.runtime.recipes.etcd_election import Election
from simulator.runtime.recipes.session import LeaseRecipe
from simulator.runtime.store_errors import StoreError

PREFIX = "/election/"


class EtcdElection(LeaseRecipe):
    """etcd's concurrency.Election on one session."""

    name = "etcd"
    election: Election | None = None

    def term(self) -> Gen:
        """Campaign in the queue, wait for the predecessor, lead until the session ends."""
        keeper = yield from self.ensure_session()
        self.election = Election(self, self.client, PREFIX)
        my_rev = yield from self.election.campaign(self.host.id, self.lease_id)
        yield from self.lead_session(my_rev, keeper)

    def release(self) -> Gen:
        """Resign: delete the own key and keep the session (etcd's Election.Resign)."""
        election = self.election
        if election is not None and self.session_alive():
            with contextlib.suppress(StoreError):  # unreachable: the lease expires anyway
                yield from election.resign()
            return
        yield from super().release()

    def release_for_good(self) -> Gen:
        """Resign, then close the session (revoke the lease) before stopping."""
        election = self.election
        if election is not None and self.session_alive():
            with contextlib.suppress(StoreError):
                yield from election.resign()
        yield from super().release()
