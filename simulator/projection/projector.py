"""The world at any time t of a growing trace: forward folding plus checkpoints for seeking.

Moving the cursor forward folds only the new events; moving it back restarts from the nearest
checkpoint (one every ``checkpoint_every`` events), so seeking anywhere folds at most that many.
The trace only grows, so message endings and checkpoints, once known, stay valid.
"""

from __future__ import annotations

import bisect
import math
from collections.abc import Iterable, Sequence

from simulator.projection.fold import Ending, FoldState
from simulator.projection.world import World
from simulator.trace.events import Event
from simulator.trace.recorder import Trace

DEFAULT_CHECKPOINT_EVERY = 512


class Projector:
    """Answers ``world_at(t)`` for one trace, caching the last answer's fold state."""

    def __init__(self, trace: Trace, raft_ids: Iterable[str] = (), app_ids: Iterable[str] = (),
                 with_provider: bool = False,
                 checkpoint_every: int = DEFAULT_CHECKPOINT_EVERY) -> None:
        if checkpoint_every < 1:
            raise ValueError("checkpoint_every must be at least 1")
        self.trace = trace
        self.checkpoint_every = checkpoint_every
        initial = FoldState(raft_ids, app_ids, with_provider)
        self._checkpoints: list[FoldState] = [initial.copy()]
        self._cursor = initial
        self._ends: dict[int, Ending] = {}
        self._indexed = 0

    @property
    def ends(self) -> dict[int, Ending]:
        """How each message that has ended so far ended: id -> (time, fate, reason)."""
        self._index_new_events()
        return self._ends

    def world_at(self, t: float, linger: float = 0.0) -> World:
        """The world with every event at or before ``t`` folded in (messages that ended in
        the last ``linger`` seconds included, see FoldState.world)."""
        self._index_new_events()
        events = self.trace.events
        target = self.trace.index_at(t)
        state = self._state_at_index(target, events)
        return state.world(t, self._ends, linger)

    def state_at_index(self, index: int) -> FoldState:
        """A copy of the fold state after the first ``index`` events."""
        self._index_new_events()
        return self._state_at_index(index, self.trace.events).copy()

    def _state_at_index(self, target: int, events: Sequence[Event]) -> FoldState:
        target = min(target, len(events))
        cursor = self._cursor
        if cursor.index > target or target - cursor.index > self.checkpoint_every:
            slot = min(target // self.checkpoint_every, len(self._checkpoints) - 1)
            if slot * self.checkpoint_every > cursor.index or cursor.index > target:
                cursor = self._checkpoints[slot].copy()
        every = self.checkpoint_every
        checkpoints = self._checkpoints
        while cursor.index < target:
            cursor.apply(events[cursor.index])
            if cursor.index % every == 0 and cursor.index // every == len(checkpoints):
                cursor.prune_flights(events[cursor.index - 1].t)
                checkpoints.append(cursor.copy())
        self._cursor = cursor
        return cursor

    def _index_new_events(self) -> None:
        events = self.trace.events
        ends = self._ends
        total = len(events)
        for low, high, event in events.runs(self._indexed, total):
            if event is None:  # messages and timers kept as columns: only deliveries matter
                for msg_id, t in events.deliveries(low, high):
                    ends[msg_id] = (t, "deliver", None)
                continue
            kind = event.kind
            if kind == "msg.deliver":
                ends[event.id] = (event.t, "deliver", None)  # type: ignore[attr-defined]
            elif kind == "msg.drop":
                ends[event.id] = (event.t, "drop", event.reason)  # type: ignore[attr-defined]
        self._indexed = total

    def adopt(self, other: Projector, chunk: int = 4096) -> int:
        """Reuse ``other``'s checkpoints and message endings over the events both traces share
        from the start.

        A fork replays the same events up to the fork time, so most checkpoints of the old
        run stay valid, and so do the endings of the messages that ended before the traces
        part; the shared prefix is compared (column by column, see EventLog.shared_prefix),
        not assumed. Returns its length.
        """
        other._index_new_events()
        mine, theirs = self.trace.events, other.trace.events
        shared = mine.shared_prefix(theirs, len(theirs), chunk)
        every = self.checkpoint_every
        if other.checkpoint_every == every:
            usable = [cp for cp in other._checkpoints if cp.index <= shared]
            if len(usable) > len(self._checkpoints):
                self._checkpoints = usable
                self._cursor = usable[-1].copy()
        if self._indexed == 0 and shared > 0:
            # Every event before the first time either trace has past the shared part is
            # shared (both are in time order): the endings before it carry over.
            bound = min(mine.times[shared] if shared < len(mine) else math.inf,
                        theirs.times[shared] if shared < len(theirs) else math.inf)
            self._ends = {msg: end for msg, end in other._ends.items() if end[0] < bound}
            self._indexed = len(mine) if bound == math.inf else bisect.bisect_left(mine.times,
                                                                                   bound)
        return shared

    def time_of_next_event(self, t: float) -> float | None:
        """The time of the first event strictly after ``t``, or None when there is none yet."""
        index = self.trace.index_at(t)
        events = self.trace.events
        return events[index].t if index < len(events) else None

    def checkpoint_count(self) -> int:
        """How many checkpoints are kept (for benchmarks and tests)."""
        return len(self._checkpoints)


