"""Each Raft node's log at a time t, from the trace's raft.append / raft.truncate / raft.apply.

``LogIndex(trace)`` indexes those events as the trace grows (append-only), so ``tail(node, k)``
answers "the last entries of ``node``'s log after the first ``k`` events" by walking back
through that node's appends only. An entry's command is known once any node has applied its
index (committed entries are the same on every node: state machine safety); before that it
is shown as not yet applied.
"""

from __future__ import annotations

import bisect
from dataclasses import dataclass

from simulator.frozen import frozen
from simulator.trace.recorder import Trace


@frozen
class LogEntryView:
    """One entry of a node's log: its index, the term it was created in, its command
    (None while no node has applied it), and whether the node knows it is committed."""

    index: int
    term: int
    cmd: str | None
    committed: bool


@dataclass(slots=True)
class _NodeLog:
    positions: list[int]  # event index of each append/truncate, increasing
    changes: list[tuple[int, int, int]]  # (first, last, term); truncate: (from, -1, -1)


class LogIndex:
    """The logs of every node at any event index, for the inspector."""

    def __init__(self, trace: Trace) -> None:
        self.trace = trace
        self._indexed = 0
        self._nodes: dict[str, _NodeLog] = {}
        self._applied: dict[int, tuple[int, str]] = {}  # log index -> (event index, cmd)

    def _catch_up(self) -> None:
        events = self.trace.events
        for position in range(self._indexed, len(events)):
            event = events[position]
            kind = event.kind
            if kind == "raft.append":
                log = self._log(event.node)  # type: ignore[attr-defined]
                log.positions.append(position)
                log.changes.append((event.first_index, event.last_index,  # type: ignore[attr-defined]
                                    event.term))  # type: ignore[attr-defined]
            elif kind == "raft.truncate":
                log = self._log(event.node)  # type: ignore[attr-defined]
                log.positions.append(position)
                log.changes.append((event.from_index, -1, -1))  # type: ignore[attr-defined]
            elif kind == "raft.apply":
                index = event.index  # type: ignore[attr-defined]
                if index not in self._applied:
                    self._applied[index] = (position, event.cmd)  # type: ignore[attr-defined]
        self._indexed = len(events)

    def _log(self, node: str) -> _NodeLog:
        log = self._nodes.get(node)
        if log is None:
            log = self._nodes[node] = _NodeLog([], [])
        return log

    def tail(self, node: str, event_count: int, commit_index: int = 0,
             count: int = 6) -> tuple[LogEntryView, ...]:
        """The last ``count`` entries of ``node``'s log after the first ``event_count`` events,
        oldest first; entries up to ``commit_index`` are marked committed."""
        self._catch_up()
        log = self._nodes.get(node)
        if log is None:
            return ()
        stop = bisect.bisect_left(log.positions, event_count)
        if stop == 0:
            return ()
        first, last, _term = log.changes[stop - 1]
        length = first - 1 if last < 0 else last
        wanted = range(max(1, length - count + 1), length + 1)
        terms: dict[int, int] = {}
        cap = length  # walking back, older appends only count below every later truncation
        for number in range(stop - 1, -1, -1):
            first, last, term = log.changes[number]
            if last < 0:
                cap = min(cap, first - 1)
            else:
                for index in range(max(first, wanted.start), min(last, cap) + 1):
                    terms.setdefault(index, term)
            if len(terms) == len(wanted) or cap < wanted.start:
                break
        entries = []
        for index in wanted:
            applied = self._applied.get(index)
            cmd = applied[1] if applied is not None and applied[0] < event_count else None
            entries.append(LogEntryView(index, terms.get(index, 0), cmd, index <= commit_index))
        return tuple(entries)
