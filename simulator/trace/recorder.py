"""The trace recorder: the ordered events every view and check is a projection of."""

from __future__ import annotations

import bisect
from collections.abc import Callable, Iterable, Iterator, Sequence

from simulator.trace.compact import EventLog, UnkeptLog
from simulator.trace.events import Event, MsgDeliver, MsgSend, RaftTimer

Listener = Callable[[Event], None]


class _Routes(dict[str, tuple[Listener, ...]]):
    """The listeners of each kind in subscription order, worked out on first use (cleared when
    the subscriptions change)."""

    def __init__(self, listeners: list[tuple[Listener, frozenset[str] | None]]) -> None:
        super().__init__()
        self._listeners = listeners

    def __missing__(self, kind: str) -> tuple[Listener, ...]:
        route = tuple(listener for listener, kinds in self._listeners
                      if kinds is None or kind in kinds)
        self[kind] = route
        return route


class Trace:
    """Collects events in the order they happen and tells listeners about each one.

    Events arrive in non-decreasing simulated time; ties keep the order they were emitted in.
    A listener may ask for only some kinds of events (``subscribe(listener, kinds=...)``), so
    a check that reads a few kinds costs nothing on the many message events. The events are
    kept compactly (``EventLog``: messages and timers as columns) and built again when read.
    A trace made with ``keep=False`` keeps nothing and only tells its listeners, until
    ``keep_from`` hands it the events it would have kept.
    """

    # Whether msg.send / msg.deliver / raft.timer records are kept or listened to (set with
    # the fast paths below); hot callers skip building a record's fields when not.
    wants_sends: bool
    wants_delivers: bool
    wants_timers: bool

    def __init__(self, keep: bool = True) -> None:
        self._events = EventLog() if keep else UnkeptLog()
        self._append = self._events.append
        self._listeners: list[tuple[Listener, frozenset[str] | None]] = []
        self._routes = _Routes(self._listeners)
        self._bind_fast_paths()

    @property
    def kept(self) -> bool:
        """False while the trace only tells its listeners (``Trace(keep=False)``)."""
        return not isinstance(self._events, UnkeptLog)

    def keep_from(self, events: EventLog) -> None:
        """Start keeping events, after ``events``: the events a trace made with
        ``keep=False`` told its listeners about so far (a replay of a known run)."""
        if self.kept:
            raise ValueError("this trace already keeps its events")
        self._events = events
        self._append = events.append

    def emit(self, event: Event) -> None:
        """Append ``event`` and pass it to every listener that wants its kind, in order."""
        self._append(event)
        listeners = self._routes[event.kind]
        if listeners:
            for listener in listeners:
                listener(event)

    # The three most frequent kinds, added without building the event when nobody listens:
    # then ``msg_send``, ``msg_deliver`` and ``raft_timer`` are the log's own ``add_*`` methods
    # (bound on the instance, re-bound whenever the subscriptions change), one call per record.

    @property
    def _events(self) -> EventLog:
        return self._log

    @_events.setter
    def _events(self, log: EventLog) -> None:
        # Replacing the log re-binds the fast paths to the new log's add methods.
        self._log = log
        if "_routes" in self.__dict__:
            self._bind_fast_paths()

    def _bind_fast_paths(self) -> None:
        events = self._log
        kept = not isinstance(events, UnkeptLog)
        for kind, name, add in (("msg.send", "msg_send", events.add_send),
                                ("msg.deliver", "msg_deliver", events.add_deliver),
                                ("raft.timer", "raft_timer", events.add_timer)):
            if self._routes[kind]:
                self.__dict__.pop(name, None)  # the method below: build and emit the event
            else:
                setattr(self, name, add)
        # Whether a msg.send / msg.deliver / raft.timer record goes anywhere: a replay that
        # keeps nothing and has no listener for them skips building their fields (a label).
        self.wants_sends = kept or bool(self._routes["msg.send"])
        self.wants_delivers = kept or bool(self._routes["msg.deliver"])
        self.wants_timers = kept or bool(self._routes["raft.timer"])

    def msg_send(self, t: float, msg_id: int, src: str, dst: str, type_: str,
                 label: str) -> None:
        """Emit ``MsgSend(t, msg_id, src, dst, type_, label)``."""
        if self._routes["msg.send"]:
            self.emit(MsgSend(t, msg_id, src, dst, type_, label))
        else:
            self._events.add_send(t, msg_id, src, dst, type_, label)

    def msg_deliver(self, t: float, msg_id: int) -> None:
        """Emit ``MsgDeliver(t, msg_id)``."""
        if self._routes["msg.deliver"]:
            self.emit(MsgDeliver(t, msg_id))
        else:
            self._events.add_deliver(t, msg_id)

    def raft_timer(self, t: float, node: str, deadline: float) -> None:
        """Emit ``RaftTimer(t, node, deadline)``."""
        if self._routes["raft.timer"]:
            self.emit(RaftTimer(t, node, deadline))
        else:
            self._events.add_timer(t, node, deadline)

    def subscribe(self, listener: Listener, kinds: Iterable[str] | None = None) -> None:
        """Call ``listener`` with every event emitted from now on (only ``kinds`` if given)."""
        wanted = None if kinds is None else frozenset(kinds)
        self._listeners.append((listener, wanted))
        self._routes.clear()
        self._bind_fast_paths()

    def unsubscribe(self, listener: Listener) -> None:
        """Stop calling ``listener`` (ValueError when it is not subscribed)."""
        for position, (subscribed, _kinds) in enumerate(self._listeners):
            if subscribed == listener:
                del self._listeners[position]
                self._routes.clear()
                self._bind_fast_paths()
                return
        raise ValueError(f"{listener!r} is not subscribed to this trace")

    @property
    def events(self) -> EventLog:
        """All events so far, oldest first (a read-only sequence)."""
        return self._events

    def __len__(self) -> int:
        return len(self._events)

    def __iter__(self) -> Iterator[Event]:
        return iter(self._events)

    def index_at(self, t: float) -> int:
        """Return how many events happened at or before simulated time ``t``."""
        return bisect.bisect_right(self._events.times, t)

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
        times = self._events.times
        return times[-1] if times else 0.0
