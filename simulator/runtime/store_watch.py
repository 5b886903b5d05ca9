"""A client's watch stream: in order, without gaps or duplicates, surviving member failures.

A ``Watch`` is served by one member (the client's connected member when it opened). Updates
carry a per-stream sequence number and are taken in that order, as a TCP stream would hand
them over. A keeper process probes the member when it has been silent for a request timeout;
if the member does not answer (crashed, cut off), or no longer knows the watch (it restarted),
or a sequence gap persists (a lost message), the watch is re-created, on the next member when
the old one is unreachable, from the revision after the last one delivered. Updates of a
revision already delivered are dropped, so the application sees every revision exactly once.

``next()`` is a simpy event whose value is the next batch: the events of one revision.
Every delivered event is traced as watch.event.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Generator
from typing import TYPE_CHECKING, Any

import simpy

from simulator.kv.records import WatchEvent
from simulator.runtime.store_errors import StoreError, StoreUnavailable, WatchCancelled
from simulator.runtime.store_messages import (
    UNKNOWN_WATCH,
    WATCH_CANCEL,
    WATCH_CREATE,
    WATCH_PROGRESS,
    WatchRequest,
    WatchUpdate,
)
from simulator.trace.events import WatchEvent as WatchEventRecord

if TYPE_CHECKING:
    from simulator.runtime.client import StoreClient

Batch = tuple[WatchEvent, ...]
Gen = Generator[simpy.Event, Any, Any]
_ALIVE = "alive"
_LOST = "lost"


class Watch:
    """One watch of a StoreClient on ``key`` (or every key under it when ``prefix``)."""

    def __init__(self, client: StoreClient, watch_id: int, key: str, prefix: bool,
                 start_revision: int) -> None:
        if start_revision < 0:
            raise ValueError(f"watch start_revision must be >= 0, got {start_revision}")
        self.client = client
        self.env: simpy.Environment = client.env
        self.id = watch_id
        self.key = key
        self.prefix = prefix
        self.start_revision = start_revision
        self.next_revision = start_revision
        self.created_revision = 0
        self.member = client.member
        self.stream = 0
        self.cancelled = False
        self.cancel_reason = ""
        self.compact_revision = 0
        self.reconnects = 0
        self._abandoned = False
        self._expected = 1
        self._buffer: dict[int, WatchUpdate] = {}
        self._gap_since: float | None = None
        self._last_heard = self.env.now
        self._created: simpy.Event | None = None
        self._probe: simpy.Event | None = None
        self._batches: deque[Batch] = deque()
        self._getters: deque[simpy.Event] = deque()

    # --- the application's side ------------------------------------------------------------

    def next(self) -> simpy.Event:
        """An event whose value is the next batch (one revision's events), in order.

        Fails with WatchCancelled once the watch has ended and every batch was taken.
        """
        event = self.env.event()
        if self._batches:
            event.succeed(self._batches.popleft())
        elif self.cancelled:
            event.defused = True  # an event nobody yields must not stop the simulation
            event.fail(WatchCancelled(self.cancel_reason, self.compact_revision))
        else:
            self._getters.append(event)
        return event

    def pending(self) -> int:
        """How many received batches wait for ``next()``."""
        return len(self._batches)

    def cancel(self) -> None:
        """Stop the watch (the member is told).

        The client's own cancel never fails a ``next()`` event still waiting: the waiter is
        the one that cancels (a recipe leaving its wait, e.g. on a shutdown), so such an event
        simply never fires, even inside a condition nobody waits on any more. A ``next()``
        asked after the cancel fails with WatchCancelled.
        """
        if self.cancelled or self._abandoned:
            return
        if self.client.host.alive:
            self._send(WATCH_CANCEL)
        self._end("cancelled by the client", fail_waiters=False)

    def abandon(self) -> None:
        """The client's host crashed: stop without telling anyone."""
        self._abandoned = True

    @property
    def active(self) -> bool:
        """True while the watch is neither cancelled nor abandoned."""
        return not (self.cancelled or self._abandoned)

    # --- opening and keeping the stream ----------------------------------------------------

    def open(self) -> Gen:
        """Create the watch on the connected member, failing over; then keep it alive."""
        give_up = self.env.now + self.client.sim_delay(self.client.patience)
        while self.env.now < give_up:
            self.client.check_up()
            created = yield from self._create_stream()
            if created:
                self._start_keeper()
                return
            self.member = self.client.next_member(self.member)
        raise StoreUnavailable(f"{self.client.id}: no member opened watch {self.key!r} "
                               f"in {self.client.patience:g} s")

    def _start_keeper(self) -> None:
        """Run the keep-alive loop as a task of the client's host when it has tasks (an app
        server), so a process pause freezes it too; else as a plain simpy process."""
        spawn = getattr(self.client.host, "spawn", None)
        if spawn is not None:
            spawn(self._keep(), f"watch {self.key}")
        else:
            self.env.process(self._keep())

    def _create_stream(self) -> Gen:
        """Open a new stream on ``self.member``; True once created (raises if cancelled)."""
        self.stream += 1
        self._expected = 1
        self._buffer.clear()
        self._gap_since = None
        created = self._created = self.env.event()
        self._send(WATCH_CREATE, start_revision=self.next_revision)
        timer = self.env.timeout(self.client.sim_delay(self.client.config.request_timeout))
        yield created | timer
        self._created = None
        if self.cancelled:
            raise WatchCancelled(self.cancel_reason, self.compact_revision)
        if created.triggered:
            self._last_heard = self.env.now
            return True
        return False

    def _keep(self) -> Gen:
        """Probe a silent member; re-create the stream when it is lost."""
        interval = self.client.sim_delay(self.client.config.request_timeout)
        try:
            while self.active:
                yield self.env.timeout(interval)
                if not self.active or not self.client.host.alive:
                    return
                now = self.env.now
                if self._gap_since is not None and now - self._gap_since >= interval:
                    yield from self._reconnect(move=False)
                    continue
                if now - self._last_heard < interval:
                    continue
                probe = self._probe = self.env.event()
                self._send(WATCH_PROGRESS)
                yield probe | self.env.timeout(interval)
                self._probe = None
                if not self.active:
                    return
                if probe.triggered and probe.value == _ALIVE:
                    continue
                yield from self._reconnect(move=not probe.triggered)
        except StoreError:
            return

    def _reconnect(self, move: bool) -> Gen:
        """Re-create the stream from the next undelivered revision (on the next member)."""
        self.reconnects += 1
        if move:
            self.member = self.client.next_member(self.member)
        while self.active:
            self.client.check_up()
            created = yield from self._create_stream()
            if created:
                return
            self.member = self.client.next_member(self.member)

    # --- updates from the member -----------------------------------------------------------

    def on_update(self, update: WatchUpdate) -> None:
        """Take one update of this watch (from the client's host)."""
        if update.stream != self.stream or not self.active:
            if update.stream < self.stream and update.src != self.member and self.active:
                # A member we left still streams to us: tell it to stop.
                self._send(WATCH_CANCEL, to=update.src, stream=update.stream)
            return
        self._last_heard = self.env.now
        if update.seq == 0:
            if update.reason == UNKNOWN_WATCH and self._probe is not None:
                self._probe.succeed(_LOST)
            return
        if update.seq < self._expected:
            return
        self._buffer[update.seq] = update
        while self._expected in self._buffer:
            taken = self._buffer.pop(self._expected)
            self._expected += 1
            self._take(taken)
            if not self.active:
                return
        if self._buffer:
            if self._gap_since is None:
                self._gap_since = self.env.now
        else:
            self._gap_since = None

    def _take(self, update: WatchUpdate) -> None:
        if update.cancelled:
            self.compact_revision = update.compact_revision
            self._end(update.reason)
            if self._created is not None and not self._created.triggered:
                self._created.succeed(False)
            return
        if self._probe is not None and not self._probe.triggered:
            self._probe.succeed(_ALIVE)
        if update.created:
            if not self.created_revision:
                self.created_revision = update.revision
            if not self.next_revision:
                self.next_revision = update.revision + 1
            if self._created is not None and not self._created.triggered:
                self._created.succeed(True)
        if not update.events or update.revision < self.next_revision:
            return  # a progress answer, or a revision already delivered
        self.next_revision = update.revision + 1
        now = self.env.now
        emit = self.client.trace.emit
        for event in update.events:
            emit(WatchEventRecord(now, self.client.id, event.key, event.type, event.revision))
        self._push(update.events)

    def _push(self, batch: Batch) -> None:
        while self._getters:
            getter = self._getters.popleft()
            if not getter.triggered and getter.callbacks:
                # Someone still waits on it (a waiter that gave up has left no callback).
                getter.succeed(batch)
                return
        self._batches.append(batch)

    def _end(self, reason: str, fail_waiters: bool = True) -> None:
        self.cancelled = True
        self.cancel_reason = reason
        self.client.forget_watch(self.id)
        if not fail_waiters:
            self._getters.clear()
            return
        while self._getters:
            getter = self._getters.popleft()
            if not getter.triggered and getter.callbacks:
                getter.defused = True  # a waiter that moved on must not stop the simulation
                getter.fail(WatchCancelled(reason, self.compact_revision))

    def _send(self, action: str, start_revision: int = 0, to: str | None = None,
              stream: int | None = None) -> None:
        client = self.client
        client.network.send(WatchRequest(
            client.host.id, to if to is not None else self.member, client.id, self.id,
            stream if stream is not None else self.stream, action, self.key, self.prefix,
            start_revision))
