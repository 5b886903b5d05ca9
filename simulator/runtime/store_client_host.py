"""A simulated host that runs store clients only (test drivers, demos, a base for app hosts).

It routes each arriving store message to the client it names; a crash stops its clients (their
calls raise StoreUnavailable, their watches end silently), as a crashed process loses its
connections.
"""

from __future__ import annotations

import math
from collections import deque
from typing import TYPE_CHECKING, Any

from simulator.runtime.host import Host

if TYPE_CHECKING:
    from simulator.runtime.client import StoreClient


class ClientHost(Host):
    """A host whose only job is to carry messages to and from its store clients."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.clients: dict[str, StoreClient] = {}

    def add_store_client(self, client: StoreClient) -> None:
        """Route messages for ``client.id`` to ``client`` (StoreClient registers itself)."""
        if client.id in self.clients:
            raise ValueError(f"host {self.id} already has a store client {client.id!r}")
        self.clients[client.id] = client

    def deliver_to_client(self, item: Any) -> None:
        """Hand a store message to the client it names (one of a stopped process: dropped)."""
        client = self.clients.get(getattr(item, "client", ""))
        if client is not None:
            client.deliver(item)

    def _work(self, inbox: deque[Any], local_now: float) -> float:
        while inbox:
            self.deliver_to_client(inbox.popleft())
        return 0.0

    def _next_deadline(self) -> float:
        return math.inf

    def _release(self) -> None:
        return None

    def _on_crash(self) -> None:
        for client_id in sorted(self.clients):
            self.clients[client_id].stop()
        self.clients.clear()

    def _on_restart(self) -> None:
        return None
