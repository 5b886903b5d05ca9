"""etcd's election API (client/v3/concurrency/election.go) on one session's lease.

- ``campaign(value)``: put ``<prefix><lease id hex>`` if absent (else read it; a different value
  is proclaimed), then wait until no key under the prefix has a lower create revision (only the
  immediate predecessor's DELETE is watched, waitDeletes);
- ``proclaim(value)``: the leader announces a new value without another election, only while
  its key still has the create revision it campaigned with;
- ``resign()``: delete the own key under the same condition; the session (lease) is kept;
- ``leader()``: the key with the lowest create revision (None when nobody leads);
- ``observe(seen)``: call ``seen(kv)`` for the current leader's key and each of its later
  puts, then follow the next leader after each DELETE (runs until cancelled).

Every call is a generator to ``yield from`` inside an app server's task.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from simulator.kv.commands import Compare, Delete, Put, Range
from simulator.kv.records import KeyValue

if TYPE_CHECKING:
    from simulator.runtime.client import StoreClient
    from simulator.runtime.recipes.base import Gen, Recipe


class NotLeader(Exception):
    """Proclaim found the leader key gone or replaced (etcd's ErrElectionNotLeader)."""


class Election:
    """One candidate's view of the election under ``prefix`` (etcd's concurrency.Election)."""

    def __init__(self, recipe: Recipe, client: StoreClient, prefix: str) -> None:
        self.recipe = recipe
        self.client = client
        self.prefix = prefix
        self.key = ""  # the own key while campaigning or leading ("" after resign)
        self.rev = 0  # its create revision: the order in the queue, and the fencing token

    def campaign(self, value: str, lease_id: int) -> Gen:
        """Join the queue with ``value`` on ``lease_id`` and wait until this key is first."""
        key = f"{self.prefix}{lease_id:x}"
        response = yield from self.client.txn(
            [Compare(key, "create", "=", 0)],
            [Put(key, value, lease_id)],
            [Range(key)],
        )
        self.key, self.rev = key, response.revision
        if not response.succeeded:
            existing = response.responses[0].first
            if existing is not None:
                self.rev = existing.create_revision
                if existing.value != value:
                    yield from self.proclaim(value, lease_id)
        while self.rev > 1:  # waitDeletes (max_create_revision 0 would mean "no limit")
            found = yield from self.client.get(self.prefix, prefix=True, limit=1, sort="create",
                                               order="desc", max_create_revision=self.rev - 1)
            predecessor = found.first
            if predecessor is None or predecessor.create_revision >= self.rev:
                break
            yield from self.recipe.wait_for_delete(predecessor.key, found.revision + 1)
        return self.rev

    def proclaim(self, value: str, lease_id: int) -> Gen:
        """Put ``value`` on the own key if it still has the campaign's create revision."""
        if not self.key:
            raise NotLeader(self.prefix)
        response = yield from self.client.txn(
            [Compare(self.key, "create", "=", self.rev)],
            [Put(self.key, value, lease_id)],
        )
        if not response.succeeded:
            self.key = ""
            raise NotLeader(self.prefix)

    def resign(self) -> Gen:
        """Delete the own key if it is still this campaign's; the session lives on."""
        if not self.key:
            return
        key, rev = self.key, self.rev
        self.key = ""
        yield from self.client.txn([Compare(key, "create", "=", rev)], [Delete(key)])

    def leader(self) -> Gen:
        """The current leader's key (lowest create revision), or None."""
        found = yield from self.client.get(self.prefix, prefix=True, limit=1, sort="create",
                                           order="asc")
        return found.first

    def observe(self, seen: Callable[[KeyValue], None]) -> Gen:
        """Report the leader's key and its later values, then each next leader, for ever."""
        while True:
            found = yield from self.client.get(self.prefix, prefix=True, limit=1,
                                               sort="create", order="asc")
            current = found.first
            start = found.revision + 1
            if current is None:
                current = yield from self._first_put(start)
                start = current.mod_revision + 1
            seen(current)
            watch = yield from self.client.watch(current.key, start_revision=start)
            try:
                deleted = False
                while not deleted:
                    batch = yield from self.recipe.guard(watch.next())
                    for event in batch:
                        if event.type == "delete":
                            deleted = True
                            break
                        if event.kv is not None:
                            seen(event.kv)
            finally:
                if self.recipe.host.alive:
                    watch.cancel()

    def _first_put(self, start_revision: int) -> Gen:
        """Wait for the first key put under the prefix (nobody leads yet)."""
        watch = yield from self.client.watch(self.prefix, prefix=True,
                                             start_revision=start_revision)
        try:
            while True:
                batch = yield from self.recipe.guard(watch.next())
                for event in batch:
                    if event.kv is not None:
                        return event.kv
        finally:
            if self.recipe.host.alive:
                watch.cancel()
