"""A ZooKeeper client session on the emulated store: Connected, Disconnected, Expired.

ZooKeeper's Java client (ClientCnxn; docs/sources.md) -> this emulation:

- Connected (SyncConnected) once the session is granted: a lease with the negotiated timeout
  as its TTL. The client pings when it has sent nothing for half its read timeout, a third of
  the session timeout -> a keepalive a third of the timeout after each answer.
- Disconnected when nothing was heard for the read timeout, two thirds of the session timeout,
  on the client's own clock. The session itself may still be alive in the ensemble: only the
  ensemble's leader expires it, one timeout after the last ping it received, and deletes its
  ephemeral nodes then (the store's lessor revokes the lease and its keys).
- While disconnected the client keeps trying to reach a member (keepalives back to back, each
  failing over between members as the store client does).
- Reconnect: an answer that says the session lives -> Connected again, same session and nodes.
- Expired: an answer that says the session is gone. The client learns it only when it reaches
  the ensemble again; a client that stays cut off never hears it. Curator (since 3.0) does not
  wait for that: one session timeout after SUSPENDED it injects an expiration into its own
  client (ConnectionStateManager.checkSessionExpiration) -> with ``expire_after``, Expired
  that long after Disconnected, on the client's clock, without news from the ensemble.

Every change is traced as app.session. ``lost`` (the LeaseKeeper's event) fires at Expired.
Requests of the leader's work go through ``SessionBound``: while the client is not connected
they fail at once, as ZooKeeper's requests fail with ConnectionLoss, so nothing reaches the
store on this session before the client has learnt whether it still lives.
"""

from __future__ import annotations

from collections.abc import Generator
from typing import TYPE_CHECKING, Any

import simpy

from simulator.runtime.recipes.lease_keeper import LeaseKeeper
from simulator.runtime.store_errors import StoreError, StoreUnavailable
from simulator.trace.events import AppSession

if TYPE_CHECKING:
    from simulator.runtime.app_server import AppServerHost
    from simulator.runtime.client import StoreClient

CONNECTED = "connected"
DISCONNECTED = "disconnected"
EXPIRED = "expired"
CLOSED = "closed"
RECONNECT_PAUSE = 0.1  # between two failed reconnect rounds (each one tries every member)


class ZooKeeperSession(LeaseKeeper):
    """One ZooKeeper session of ``host``: its state, pings, read timeout and reconnects."""

    def __init__(self, host: AppServerHost, client: StoreClient, lease_id: int,
                 timeout: float, answered_at: float, expire_after: float | None = None) -> None:
        self.state = CONNECTED
        self.expire_after = expire_after
        self.timeout = timeout
        self.read_timeout = timeout * 2 / 3  # ClientCnxn's readTimeout
        self.heard_at = answered_at
        self.changed: simpy.Event = simpy.Event(host.env)
        """Fires at the next change of state (a new event after each change)."""
        # a ping after half the read timeout without sending: a third of the session timeout
        super().__init__(host, client, lease_id, timeout, timeout / 3, answered_at)
        self._trace()

    @property
    def connected(self) -> bool:
        """True while the client is connected to the ensemble."""
        return self.state == CONNECTED

    @property
    def expired(self) -> bool:
        """True once the client has learnt that the ensemble expired the session."""
        return self.state == EXPIRED

    def _renew(self) -> Generator[simpy.Event, Any, None]:
        while self.state in (CONNECTED, DISCONNECTED):
            if self.state == CONNECTED:
                yield self.host.sleep(self.interval)
            try:
                ttl = yield from self.client.lease_keepalive(self.lease_id)
            except StoreError:
                if self.state == DISCONNECTED:
                    yield self.host.sleep(RECONNECT_PAUSE)
                continue  # connected: the read timeout decides when the client disconnects
            if ttl is None:
                self._set(EXPIRED, by="ensemble")
                self._lose("the ensemble expired the session")
                return
            self.ttl = ttl
            self.heard_at = self.host.local_now()
            self.deadline = self.heard_at + ttl
            if self.state == DISCONNECTED:
                self._set(CONNECTED)

    def _watchdog(self) -> Generator[simpy.Event, Any, None]:
        while self.state in (CONNECTED, DISCONNECTED):
            if self.state == DISCONNECTED:
                yield from self._wait_disconnected()
                continue
            yield self.host.sleep_until(self.heard_at + self.read_timeout)
            if self.state == CONNECTED and \
                    self.host.local_now() >= self.heard_at + self.read_timeout:
                self._set(DISCONNECTED)

    def _wait_disconnected(self) -> Generator[simpy.Event, Any, None]:
        """Wait for the next change; with ``expire_after``, expire the session locally when the
        client stays disconnected that long (Curator's injected session expiration)."""
        changed = self.changed
        if self.expire_after is None:
            yield changed
            return
        yield changed | self.host.sleep(self.expire_after)
        if not changed.triggered and self.state == DISCONNECTED:
            self._set(EXPIRED, by="client")
            self._lose("Curator expired the session: a session timeout while disconnected")

    def _set(self, state: str, by: str = "") -> None:
        self.state = state
        fired, self.changed = self.changed, simpy.Event(self.host.env)
        self._trace(by)
        fired.succeed(state)

    def _trace(self, by: str = "") -> None:
        host = self.host
        host.trace.emit(AppSession(host.env.now, host.id, self.state, self.lease_id, by))

    def stop(self) -> None:
        """Close the session's client side (given up, or forgotten after Expired)."""
        super().stop()
        if self.state in (CONNECTED, DISCONNECTED) and self.host.alive:
            self.state = CLOSED
            self._trace()


class SessionBound:
    """The store calls of a leader's work, refused at once while its session is not connected
    (ZooKeeper's ConnectionLoss): ``get`` and ``put`` as StoreClient's."""

    def __init__(self, client: StoreClient, session: ZooKeeperSession) -> None:
        self.client = client
        self.session = session

    def _check(self) -> None:
        if not self.session.connected:
            raise StoreUnavailable(f"{self.client.id}: connection loss (the ZooKeeper session "
                                   f"is {self.session.state})")

    def get(self, *args: Any, **kwargs: Any) -> Generator[simpy.Event, Any, Any]:
        """StoreClient.get, refused while disconnected."""
        self._check()
        return (yield from self.client.get(*args, **kwargs))

    def put(self, *args: Any, **kwargs: Any) -> Generator[simpy.Event, Any, Any]:
        """StoreClient.put, refused while disconnected."""
        self._check()
        return (yield from self.client.put(*args, **kwargs))
