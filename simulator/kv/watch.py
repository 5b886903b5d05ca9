"""The watch hub of one member: watches on a key or prefix, fed from the member's applied state.

As etcd's watchable store (server/mvcc/watchable_store.go): a watch starts at a revision (0 =
the next one), first catches up from history, then receives each applied revision's matching
events; events arrive ordered by revision, with no gap, all events of one revision in one
response. A start revision below the compacted revision cancels the watch with a reason.

The hub belongs to the member a client is connected to; it is volatile (a crash loses it), and
the client re-watches elsewhere from the revision after the last one it saw.
"""

from __future__ import annotations

from collections.abc import Iterable

from simulator.frozen import frozen
from simulator.kv.records import WatchEvent
from simulator.kv.store import KVStore


@frozen
class WatchResponse:
    """The events of one revision that match watch ``watch_id``, in the order they happened."""

    watch_id: int
    revision: int
    events: tuple[WatchEvent, ...]


@frozen
class WatchCreated:
    """The answer to creating a watch: its catch-up responses, or a cancellation and why."""

    watch_id: int
    start_revision: int
    responses: tuple[WatchResponse, ...] = ()
    cancelled: bool = False
    reason: str = ""
    compact_revision: int = 0


@frozen
class WatchInfo:
    """An active watch, for the UI: what it watches and the next revision it will receive."""

    watch_id: int
    key: str
    prefix: bool
    next_revision: int
    owner: str


class _Watcher:
    __slots__ = ("key", "prefix", "next_revision", "owner")

    def __init__(self, key: str, prefix: bool, next_revision: int, owner: str) -> None:
        self.key = key
        self.prefix = prefix
        self.next_revision = next_revision
        self.owner = owner

    def matches(self, key: str) -> bool:
        return key.startswith(self.key) if self.prefix else key == self.key


class WatchHub:
    """The active watches of one member, served from that member's ``KVStore``."""

    def __init__(self, store: KVStore) -> None:
        self.store = store
        self._watchers: dict[int, _Watcher] = {}

    def create(
        self,
        watch_id: int,
        key: str,
        prefix: bool = False,
        start_revision: int = 0,
        owner: str = "",
    ) -> WatchCreated:
        """Start watch ``watch_id`` on ``key`` (or under it) from ``start_revision`` (0 = next).

        Returns the catch-up responses for the revisions already applied, one per revision; a
        start revision that was compacted cancels the watch instead.
        """
        if start_revision < 0:
            raise ValueError(f"watch start_revision must be >= 0, got {start_revision}")
        compacted = self.store.compacted_revision
        start = start_revision or self.store.revision + 1
        if watch_id in self._watchers:
            return WatchCreated(
                watch_id, start, cancelled=True,
                reason=f"watch id {watch_id} is already in use on this member",
            )
        if start < compacted:
            return WatchCreated(
                watch_id, start, cancelled=True,
                reason=(
                    f"mvcc: required revision has been compacted: watch from revision {start} "
                    f"but history before revision {compacted} is gone"
                ),
                compact_revision=compacted,
            )
        watcher = _Watcher(key, prefix, start, owner)
        self._watchers[watch_id] = watcher
        catch_up: list[WatchResponse] = []
        for revision, events in self.store.events_since(start):
            response = self._deliver(watch_id, watcher, revision, events)
            if response is not None:
                catch_up.append(response)
        watcher.next_revision = max(start, self.store.revision + 1)
        return WatchCreated(watch_id, start, tuple(catch_up))

    def cancel(self, watch_id: int) -> bool:
        """Stop watch ``watch_id``; False when it was not active."""
        return self._watchers.pop(watch_id, None) is not None

    def on_apply(self, events: Iterable[WatchEvent]) -> tuple[WatchResponse, ...]:
        """Route newly applied events to the matching watches.

        Events are grouped by revision; the responses are ordered by revision, then watch id.
        """
        by_revision: dict[int, list[WatchEvent]] = {}
        for event in events:
            by_revision.setdefault(event.revision, []).append(event)
        responses: list[WatchResponse] = []
        for revision in sorted(by_revision):
            group = tuple(by_revision[revision])
            for watch_id in sorted(self._watchers):
                response = self._deliver(watch_id, self._watchers[watch_id], revision, group)
                if response is not None:
                    responses.append(response)
        return tuple(responses)

    @staticmethod
    def _deliver(
        watch_id: int, watcher: _Watcher, revision: int, events: tuple[WatchEvent, ...]
    ) -> WatchResponse | None:
        if revision < watcher.next_revision:
            return None  # already delivered (or before the watch's start)
        watcher.next_revision = revision + 1
        matching = tuple(event for event in events if watcher.matches(event.key))
        return WatchResponse(watch_id, revision, matching) if matching else None

    def active(self) -> tuple[WatchInfo, ...]:
        """Every active watch, by id."""
        return tuple(
            WatchInfo(watch_id, w.key, w.prefix, w.next_revision, w.owner)
            for watch_id, w in sorted(self._watchers.items())
        )

    def __len__(self) -> int:
        return len(self._watchers)
