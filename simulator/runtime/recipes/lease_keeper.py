"""A lease kept alive the way etcd's client does, and the client's belief in it.

etcd's client (client/v3/lease.go) sends the first keepalive at once after the grant, then one
a third of the TTL the server granted after each answer (``interval`` None); a preset's
``renew_interval`` or the ZooKeeper emulation (a ping after a third of the session timeout
idle, not at once) give a fixed ``interval`` instead. The client believes the
lease until ``t_response + TTL`` of its own clock (etcd client/v3/lease.go), so it always
believes slightly longer than the store does. ``lost`` fires when a keepalive says the lease is
gone, or when the belief deadline passes without a renewal (e.g. after a pause, or while the
store is unreachable).
"""

from __future__ import annotations

from collections.abc import Generator
from typing import TYPE_CHECKING, Any

import simpy

from simulator.runtime.store_errors import StoreError

if TYPE_CHECKING:
    from simulator.runtime.app_server import AppServerHost
    from simulator.runtime.app_tasks import Task
    from simulator.runtime.client import StoreClient


class LeaseKeeper:
    """Keeps ``lease_id`` alive from ``host``; ``deadline`` is the local time belief ends."""

    def __init__(self, host: AppServerHost, client: StoreClient, lease_id: int, ttl: float,
                 interval: float | None, answered_at: float, at_once: bool = True) -> None:
        self.host = host
        self.client = client
        self.lease_id = lease_id
        self.ttl = ttl
        self.interval = interval
        self.at_once = at_once
        self.deadline = answered_at + ttl
        self.lost: simpy.Event = simpy.Event(host.env)
        self.reason = ""
        self._tasks: list[Task] = [
            host.spawn(self._renew(), f"keepalive-{lease_id}"),
            host.spawn(self._watchdog(), f"lease-deadline-{lease_id}"),
        ]

    def _renew(self) -> Generator[simpy.Event, Any, None]:
        wait = not self.at_once
        while not self.lost.triggered:
            if wait:
                interval = self.interval if self.interval is not None else self.ttl / 3
                yield self.host.sleep(interval)
            wait = True
            if self.lost.triggered:
                return
            try:
                ttl = yield from self.client.lease_keepalive(self.lease_id)
            except StoreError:
                continue  # the deadline decides when to give up
            if ttl is None:
                self._lose("the store says the lease is gone")
                return
            self.ttl = ttl
            self.deadline = self.host.local_now() + ttl

    def _watchdog(self) -> Generator[simpy.Event, Any, None]:
        while not self.lost.triggered:
            yield self.host.sleep_until(self.deadline)
            if not self.lost.triggered and self.host.local_now() >= self.deadline:
                self._lose("the lease deadline passed without a renewal")
                return

    def _lose(self, reason: str) -> None:
        if not self.lost.triggered:
            self.reason = reason
            self.lost.succeed(reason)

    def stop(self) -> None:
        """Stop renewing (the lease is given up or forgotten)."""
        for task in self._tasks:
            task.kill()
        self._tasks = []
