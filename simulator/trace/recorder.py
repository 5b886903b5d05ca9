"""The trace recorder: the ordered list of events every view and check is a projection of."""

from __future__ import annotations

import bisect
from collections.abc import Callable, Iterator, Sequence

from simulator.trace.events import Event

Listener = Callable[[Event], None]


class Trace:
    """Collects events in the order they happen and tells listeners about each one.

    Events arrive in non-decreasing simulated time; ties keep the order they were emitted in.
    """

    def __init__(self) -> None:
        self._events: list[Event] = []
        self._times: list[float] = []
        self._listeners: list[Listener] = []

    def emit(self, event: Event) -> None:
        """Append ``event`` and pass it to every listener."""
        self._events.append(event)
        self._times.append(event.t)
        for listener in self._listeners:
            listener(event)

    def subscribe(self, listener: Listener) -> None:
        """Call ``listener`` with every event emitted from now on."""
        self._listeners.append(listener)

    def unsubscribe(self, listener: Listener) -> None:
        """Stop calling ``listener``."""
        self._listeners.remove(listener)

    @property
    def events(self) -> Sequence[Event]:
        """All events so far, oldest first (a read-only view; do not mutate)."""
        return self._events

    def __len__(self) -> int:
        return len(self._events)

    def __iter__(self) -> Iterator[Event]:
        return iter(self._events)

    def index_at(self, t: float) -> int:
        """Return how many events happened at or before simulated time ``t``."""
        return bisect.bisect_right(self._times, t)

    def until(self, t: float) -> Sequence[Event]:
        """Return the events at or before time ``t``."""
        return self._events[: self.index_at(t)]

    def of_kind(self, *kinds: str) -> list[Event]:
        """Return the events whose kind is one of ``kinds``, in order."""
        wanted = set(kinds)
        return [e for e in self._events if e.kind in wanted]

    @property
    def end_time(self) -> float:
        """Time of the last event (0.0 when empty)."""
        return self._times[-1] if self._times else 0.0
