"""The lease-holding recipes' common part: a lease (etcd session, ZooKeeper session) and its keeper.

``open_session`` grants a lease of ``session_ttl()`` and starts a LeaseKeeper renewing it every
``renew_interval()``; ``release`` stops the keeper and revokes the lease (the store deletes
every key attached to it in one revision: the fast hand-over); ``close_session`` forgets a lease
that is gone without asking the store.
"""

from __future__ import annotations

import contextlib

from simulator.runtime.recipes.base import Gen, Recipe
from simulator.runtime.recipes.lease_keeper import LeaseKeeper
from simulator.runtime.store_errors import StoreError


class LeaseRecipe(Recipe):
    """A recipe whose candidacy and leadership hang on one lease."""

    lease_id: int = 0
    keeper: LeaseKeeper | None = None

    def session_ttl(self) -> float:
        """The TTL to ask for (the store may raise it to its minimum)."""
        return self.host.config.ttl

    def renew_interval(self) -> float | None:
        """How long after each keepalive answer the next one is sent (None: a third of the TTL
        the server granted, as etcd's client does)."""
        return self.host.config.renew_interval

    def first_keepalive_at_once(self) -> bool:
        """etcd's client sends the first keepalive as soon as the lease is granted."""
        return True

    def open_session(self) -> Gen:
        """Grant a lease and keep it alive; return its keeper."""
        response = yield from self.client.lease_grant(self.session_ttl())
        self.lease_id = response.lease_id
        keeper = self.keeper = LeaseKeeper(self.host, self.client, response.lease_id,
                                           response.ttl, self.renew_interval(),
                                           self.host.local_now(),
                                           self.first_keepalive_at_once())
        return keeper

    def ensure_session(self) -> Gen:
        """The keeper of a live session: the one open, or a new one when it was lost."""
        if not self.session_alive():
            self.close_session()
            yield from self.open_session()
        assert self.keeper is not None
        return self.keeper

    def lead_session(self, token: int, keeper: LeaseKeeper) -> Gen:
        """Lead with ``token`` until the session is lost (not at all if it already is), then
        forget the session."""
        if not keeper.lost.triggered:
            yield from self.lead(token, keeper.lost)
        self.close_session()

    def session_alive(self) -> bool:
        """True while a session is open and its keeper still believes in the lease."""
        return self.keeper is not None and not self.keeper.lost.triggered

    def close_session(self) -> None:
        """Stop renewing and forget the lease (it is gone, or is left to expire)."""
        if self.keeper is not None:
            self.keeper.stop()
        self.keeper = None
        self.lease_id = 0

    def release(self) -> Gen:
        """Stop renewing and revoke the lease, deleting the keys attached to it."""
        lease_id = self.lease_id
        self.close_session()
        if lease_id:
            with contextlib.suppress(StoreError):  # unreachable or gone: it expires anyway
                yield from self.client.lease_revoke(lease_id)

    def forget(self) -> None:
        self.close_session()
