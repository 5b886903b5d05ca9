"""The trace's storage: the frequent event kinds kept as columns, built back into events on demand.

Messages and election timers are about nine events in ten of a run (msg.send, msg.deliver,
raft.timer). As Python objects they cost about 125 bytes each, 90 MB per simulated hour of the
whole system; here they are rows of typed arrays (time, message id, the interned (source,
destination, type, label) of a message, host and deadline of a timer) plus a byte saying which
storage holds each event: 17 to 21 bytes each. Every other kind stays the object it was emitted
as. ``EventLog`` is a read-only ``Sequence[Event]``: ``log[i]`` and slices build equal
events again (same class, same field values, so the same log line), iteration builds them one
by one, and ``times`` is the column of every event's time for bisecting without building any.
"""

from __future__ import annotations

from array import array
from collections.abc import Iterator, Sequence
from itertools import islice
from typing import overload

from simulator.trace.events import Event, MsgDeliver, MsgSend, RaftTimer

_OBJECT, _SEND, _DELIVER, _TIMER = 0, 1, 2, 3
_STORAGES = (_OBJECT, _SEND, _DELIVER, _TIMER)
_BLOCK = 4096  # events per block of the row index (see EventLog._rows_before)


class _Interned:
    """Strings given small numbers in the order first seen (host names, types, labels)."""

    __slots__ = ("codes", "strings")

    def __init__(self) -> None:
        self.codes: dict[str, int] = {}
        self.strings: list[str] = []

    def code(self, text: str) -> int:
        code = self.codes.get(text)
        if code is None:
            if type(text) is not str:
                raise TypeError(text)
            code = self.codes[text] = len(self.strings)
            self.strings.append(text)
        return code


class EventLog(Sequence[Event]):
    """Events in the order they were appended; the frequent kinds stored as columns."""

    def __init__(self) -> None:
        self.times = array("d")  # every event's time
        self._codes = bytearray()  # how each event is stored (its row there is counted)
        # How many events of each storage come before each block of _BLOCK events: the row of
        # an event is its block's count plus a count of its code within the block. Written
        # on first read for every complete block, so appending writes no row.
        self._block_rows: list[tuple[int, int, int, int]] = [(0, 0, 0, 0)]
        self._objects: list[Event] = []
        self._names = _Interned()  # host names and message types
        self._sends: dict[tuple[str, str, str, str], int] = {}  # (src, dst, type, label)
        self._send_parts: list[tuple[str, str, str, str]] = []
        self._keys_by_src: dict[str, list[int]] = {}
        self._name_codes = self._names.codes
        self._send_id = array("q")
        self._send_key = array("I")  # the message's (src, dst, type, label), interned
        self._deliver_id = array("q")
        self._timer_node = array("I")
        self._timer_deadline = array("d")

    # --- writing -----------------------------------------------------------------------------

    def append(self, event: Event) -> None:
        """Add ``event`` at the end (its time must not be before the last one's)."""
        cls = type(event)
        try:
            if cls is MsgSend:
                self.add_send(event.t, event.id, event.src, event.dst,  # type: ignore[attr-defined]
                              event.type, event.label)  # type: ignore[attr-defined]
                return
            if cls is MsgDeliver:
                self.add_deliver(event.t, event.id)  # type: ignore[attr-defined]
                return
            if cls is RaftTimer:
                self.add_timer(event.t, event.node, event.deadline)  # type: ignore[attr-defined]
                return
        except (TypeError, OverflowError):  # a field of an unexpected type: keep the object
            pass
        self._objects.append(event)
        self._codes.append(_OBJECT)
        self.times.append(event.t)

    def add_send(self, t: float, msg_id: int, src: str, dst: str, type_: str,
                 label: str) -> None:
        """Add ``MsgSend(t, msg_id, src, dst, type_, label)`` without building it."""
        parts = (src, dst, type_, label)
        key = self._sends.get(parts)
        if key is None:
            if not (type(src) is type(dst) is type(type_) is type(label) is str):
                raise TypeError(parts)
            key = self._sends[parts] = len(self._send_parts)
            self._send_parts.append(parts)
            self._keys_by_src.setdefault(src, []).append(key)
        self._send_id.append(msg_id)  # the only append that can fail (not an int): first
        self._send_key.append(key)
        self._codes.append(_SEND)
        self.times.append(t)

    def add_deliver(self, t: float, msg_id: int) -> None:
        """Add ``MsgDeliver(t, msg_id)`` without building it."""
        self._deliver_id.append(msg_id)
        self._codes.append(_DELIVER)
        self.times.append(t)

    def add_timer(self, t: float, node: str, deadline: float) -> None:
        """Add ``RaftTimer(t, node, deadline)`` without building it."""
        code = self._name_codes.get(node)
        if code is None:
            code = self._names.code(node)  # raises TypeError for a non-string, first
        self._timer_deadline.append(deadline)  # raises TypeError for a non-number
        self._timer_node.append(code)
        self._codes.append(_TIMER)
        self.times.append(t)

    def prefix(self, count: int) -> EventLog:
        """A new log holding a copy of the first ``count`` events (columns sliced, events
        stored as objects shared: they are immutable); appending to either leaves the other
        as it was."""
        count = max(0, min(count, len(self._codes)))
        objects, sends, delivers, timers = self._rows_before(count)
        log = EventLog()
        log.times = self.times[:count]
        log._codes = self._codes[:count]
        log._block_rows = self._block_rows[:count // _BLOCK + 1]
        log._objects = self._objects[:objects]
        log._names.codes = dict(self._names.codes)
        log._names.strings = list(self._names.strings)
        log._name_codes = log._names.codes
        log._sends = dict(self._sends)
        log._send_parts = list(self._send_parts)
        log._keys_by_src = {src: list(keys) for src, keys in self._keys_by_src.items()}
        log._send_id = self._send_id[:sends]
        log._send_key = self._send_key[:sends]
        log._deliver_id = self._deliver_id[:delivers]
        log._timer_node = self._timer_node[:timers]
        log._timer_deadline = self._timer_deadline[:timers]
        return log

    # --- reading -----------------------------------------------------------------------------

    def _rows_before(self, index: int) -> tuple[int, int, int, int]:
        """How many events of each storage (object, send, deliver, timer) come before
        ``index`` (0 <= index <= len): the rows the events from ``index`` on continue at."""
        block = index // _BLOCK
        starts = self._block_rows
        codes = self._codes
        while len(starts) <= block:  # index the blocks completed since the last read
            low = (len(starts) - 1) * _BLOCK
            before = starts[-1]
            starts.append(tuple(before[code] + codes.count(code, low, low + _BLOCK)
                                for code in _STORAGES))  # type: ignore[arg-type]
        low = block * _BLOCK
        before = starts[block]
        return (before[0] + codes.count(_OBJECT, low, index),
                before[1] + codes.count(_SEND, low, index),
                before[2] + codes.count(_DELIVER, low, index),
                before[3] + codes.count(_TIMER, low, index))

    def _row(self, index: int, code: int) -> int:
        """The row of event ``index`` in its storage ``code``."""
        block = index // _BLOCK
        if len(self._block_rows) <= block:
            self._rows_before(index)
        return self._block_rows[block][code] + self._codes.count(code, block * _BLOCK, index)

    def __len__(self) -> int:
        return len(self._codes)

    @overload
    def __getitem__(self, index: int) -> Event: ...

    @overload
    def __getitem__(self, index: slice) -> list[Event]: ...

    def __getitem__(self, index: int | slice) -> Event | list[Event]:
        if isinstance(index, slice):
            start, stop, step = index.indices(len(self._codes))
            if step != 1:
                return [self._build(i) for i in range(start, stop, step)]
            return list(self._iter_range(start, stop))
        if index < 0:
            index += len(self._codes)
            if index < 0:
                raise IndexError("event index out of range")
        return self._build(index)

    def _build(self, index: int) -> Event:
        code = self._codes[index]  # raises IndexError past the end
        row = self._row(index, code)
        if code == _OBJECT:
            return self._objects[row]
        t = self.times[index]
        if code == _DELIVER:
            return MsgDeliver(t, self._deliver_id[row])
        if code == _SEND:
            return MsgSend(t, self._send_id[row], *self._send_parts[self._send_key[row]])
        return RaftTimer(t, self._names.strings[self._timer_node[row]],
                         self._timer_deadline[row])

    def __iter__(self) -> Iterator[Event]:
        return self._iter_range(0, len(self._codes))

    def iter_from(self, start: int) -> Iterator[Event]:
        """The events from index ``start`` on (those appended meanwhile included)."""
        index = start
        while index < len(self._codes):
            stop = len(self._codes)
            yield from self._iter_range(index, stop)
            index = stop

    def _iter_range(self, start: int, stop: int) -> Iterator[Event]:
        objects = self._objects
        names = self._names.strings
        send_id, send_key, send_parts = self._send_id, self._send_key, self._send_parts
        deliver_id = self._deliver_id
        timer_node, timer_deadline = self._timer_node, self._timer_deadline
        if start >= stop:
            return
        object_row, send_row, deliver_row, timer_row = self._rows_before(start)
        times = islice(self.times, start, stop)
        for code, t in zip(self._codes[start:stop], times):
            if code == _DELIVER:
                yield MsgDeliver(t, deliver_id[deliver_row])
                deliver_row += 1
            elif code == _SEND:
                yield MsgSend(t, send_id[send_row], *send_parts[send_key[send_row]])
                send_row += 1
            elif code == _OBJECT:
                yield objects[object_row]
                object_row += 1
            else:
                yield RaftTimer(t, names[timer_node[timer_row]], timer_deadline[timer_row])
                timer_row += 1

    def runs(self, start: int, stop: int) -> Iterator[tuple[int, int, Event | None]]:
        """Split [start, stop) into ``(i, i + 1, event)`` for each event stored as an object and
        ``(low, high, None)`` for each run of column-stored events between them, in order."""
        codes = self._codes
        objects = self._objects
        stop = min(stop, len(codes))
        object_row = self._row(start, _OBJECT) if start < stop else 0
        at = start
        while at < stop:
            found = codes.find(_OBJECT, at, stop)
            if found < 0:
                found = stop
            if found > at:
                yield at, found, None
            if found < stop:
                yield found, found + 1, objects[object_row]
                object_row += 1
            at = found + 1

    def deliveries(self, low: int, high: int) -> Iterator[tuple[int, float]]:
        """(message id, time) of each column-stored msg.deliver in [low, high), in order."""
        codes, times, ids = self._codes, self.times, self._deliver_id
        at = codes.find(_DELIVER, low, high)
        if at < 0:
            return
        row = self._row(at, _DELIVER)
        while at >= 0:
            yield ids[row], times[at]
            row += 1
            at = codes.find(_DELIVER, at + 1, high)

    def count_sends_delivers(self, low: int, high: int) -> tuple[int, int]:
        """How many msg.send and msg.deliver events lie in [low, high)."""
        codes = self._codes
        return codes.count(_SEND, low, high), codes.count(_DELIVER, low, high)

    def sends_from(self, low: int, high: int, sources: object) -> list[Event]:
        """The msg.send events in [low, high) whose ``src`` is in ``sources``, in order."""
        by_src = self._keys_by_src
        if not any(src in by_src for src in sources):  # type: ignore[attr-defined]
            return []  # none of them ever sent anything
        codes, keys, ids, parts, times = (self._codes, self._send_key, self._send_id,
                                          self._send_parts, self.times)
        found: list[Event] = []
        at = codes.find(_SEND, low, high)
        if at < 0:
            return found
        row = self._row(at, _SEND)
        while at >= 0:
            part = parts[keys[row]]  # (src, dst, type, label): no set of every key of
            if part[0] in sources:  # type: ignore[operator]  # theirs, which grows with the run
                found.append(MsgSend(times[at], ids[row], *part))
            row += 1
            at = codes.find(_SEND, at + 1, high)
        return found

    def shared_prefix(self, other: EventLog, limit: int, chunk: int = 4096) -> int:
        """How many leading events (at most ``limit``) this log and ``other`` have in common.

        The time and storage columns are compared a chunk at a time without building events;
        only chunks where they agree have their events compared, so two logs of one replay
        are compared at the speed of their arrays.
        """
        limit = min(limit, len(self), len(other))
        shared = 0
        while shared < limit:
            end = min(limit, shared + chunk)
            if (self.times[shared:end] == other.times[shared:end]
                    and self._codes[shared:end] == other._codes[shared:end]
                    and self._same_rows(other, shared, end)):
                shared = end
                continue
            for mine, theirs in zip(self._iter_range(shared, end),
                                    other._iter_range(shared, end)):
                if mine != theirs:
                    break
                shared += 1
            break
        return shared

    def _same_rows(self, other: EventLog, start: int, stop: int) -> bool:
        """Whether the events in [start, stop) are equal, given equal times and storage codes.

        With equal codes the rows of each kind in the range are the same contiguous run in
        both logs, so each column is compared as one slice; interned strings are compared
        through their tables.
        """
        before = self._rows_before(start)
        if before != other._rows_before(start):
            return False
        codes = self._codes
        for code, columns, tables in (
            (_OBJECT, (), ()),
            (_DELIVER, ("_deliver_id",), ()),
            (_SEND, ("_send_id",), (("_send_key", "_send_parts"),)),
            (_TIMER, ("_timer_deadline",), (("_timer_node", "_names"),)),
        ):
            low = before[code]
            high = low + codes.count(code, start, stop)
            if high == low:
                continue
            if code == _OBJECT:
                if self._objects[low:high] != other._objects[low:high]:
                    return False
                continue
            for column in columns:
                if getattr(self, column)[low:high] != getattr(other, column)[low:high]:
                    return False
            for column, table in tables:
                mine = getattr(self, column)[low:high]
                if mine != getattr(other, column)[low:high]:
                    return False
                used = max(mine) + 1
                table_mine, table_theirs = getattr(self, table), getattr(other, table)
                if isinstance(table_mine, _Interned):
                    table_mine, table_theirs = table_mine.strings, table_theirs.strings
                if table_mine[:used] != table_theirs[:used]:
                    return False
        return True


class UnkeptLog(EventLog):
    """A log that keeps nothing: what a replay writes when its events are already known
    (``Trace(keep=False)``); it reads as empty."""

    def append(self, event: Event) -> None:
        """Drop ``event``."""

    def add_send(self, t: float, msg_id: int, src: str, dst: str, type_: str,
                 label: str) -> None:
        """Drop the message's send."""

    def add_deliver(self, t: float, msg_id: int) -> None:
        """Drop the message's delivery."""

    def add_timer(self, t: float, node: str, deadline: float) -> None:
        """Drop the timer record."""
