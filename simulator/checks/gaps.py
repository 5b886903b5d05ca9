"""Stretches without a working leader, swept from per-member state changes.

A member *works* while its ``leads`` flag is set and none of its blocking flags (``paused``,
``unreachable``, ...) is. Changes may be collected out of time order (a failed request is
known to have cut a server off only when it completes); ``find_gaps`` sorts them and applies
every change of one instant before looking at who works, so nothing lasts zero seconds.
"""

from __future__ import annotations


from simulator.frozen import frozen
from simulator.trace.events import Event, NodeCrash, NodePause, NodeResume


@frozen
class LeaderGap:
    """Nobody worked as leader from ``start`` to ``end`` after ``lost`` stopped by ``cause``.

    ``successor`` led next (None, with ``finished`` false, when nobody did by the end).
    """

    start: float
    end: float
    lost: str
    cause: str
    successor: str | None
    finished: bool = True

    @property
    def duration(self) -> float:
        """Seconds without a working leader."""
        return self.end - self.start

    def to_dict(self) -> dict[str, object]:
        """A JSON-serialisable form with a fixed key order."""
        return {
            "start": self.start, "end": self.end, "duration": self.duration,
            "lost": self.lost, "cause": self.cause, "successor": self.successor,
            "finished": self.finished,
        }


LEADS = "leads"
PAUSED = "paused"


@frozen
class Change:
    """At ``t``, flag ``flag`` of ``member`` became ``on``; ``cause`` names why (for a stop)."""

    t: float
    member: str
    flag: str
    on: bool
    cause: str


def paused_change(event: Event) -> Change | None:
    """The ``paused`` flag change of a node.pause (on), node.resume or node.crash (off)."""
    if isinstance(event, NodePause):
        return Change(event.t, event.node, PAUSED, True, "pause")
    if isinstance(event, NodeResume):
        return Change(event.t, event.node, PAUSED, False, "pause")
    if isinstance(event, NodeCrash):
        return Change(event.t, event.node, PAUSED, False, "crash")
    return None


@frozen
class Gap:
    """Nobody worked from ``start`` to ``end`` after ``lost`` stopped by ``cause``.

    ``successor`` worked next (None, with ``finished`` false, when nobody did by the end).
    """

    start: float
    end: float
    lost: str
    cause: str
    successor: str | None
    finished: bool


@frozen
class Sweep:
    """When a member first worked (None: never), every gap after that, and each member's
    seconds of work (by member id, sorted)."""

    first_at: float | None
    gaps: tuple[Gap, ...]
    worked: tuple[tuple[str, float], ...] = ()


def _works(flags: dict[str, bool]) -> bool:
    return flags.get(LEADS, False) and not any(
        on for flag, on in flags.items() if flag != LEADS
    )


def find_gaps(changes: list[Change], end: float) -> Sweep:
    """Sweep ``changes`` (any order; ties keep their list order) up to ``end``."""
    ordered = sorted(changes, key=lambda c: c.t)
    state: dict[str, dict[str, bool]] = {}
    working: set[str] = set()
    first_at: float | None = None
    gaps: list[Gap] = []
    open_gap: tuple[float, str, str] | None = None
    since: dict[str, float] = {}
    worked: dict[str, float] = {}
    i = 0
    while i < len(ordered):
        t = ordered[i].t
        if t > end:
            break
        causes: dict[str, str] = {}
        while i < len(ordered) and ordered[i].t == t:
            change = ordered[i]
            flags = state.setdefault(change.member, {})
            before = _works(flags)
            flags[change.flag] = change.on
            if before and not _works(flags):
                causes.setdefault(change.member, change.cause)
            i += 1
        now = {member for member, flags in state.items() if _works(flags)}
        for member in sorted(now - working):
            since[member] = t
        for member in sorted(working - now):
            worked[member] = worked.get(member, 0.0) + t - since.pop(member)
        if working and not now:
            lost = min(working, key=lambda m: (m not in causes, m))
            open_gap = (t, lost, causes.get(lost, "stepdown"))
        elif now and not working:
            if first_at is None:
                first_at = t
            elif open_gap is not None:
                successor = min(now)
                gaps.append(Gap(open_gap[0], t, open_gap[1], open_gap[2], successor, True))
                open_gap = None
        working = now
    if open_gap is not None and end > open_gap[0]:
        gaps.append(Gap(open_gap[0], end, open_gap[1], open_gap[2], None, False))
    for member, start in since.items():
        worked[member] = worked.get(member, 0.0) + max(0.0, end - start)
    return Sweep(first_at, tuple(gaps), tuple(sorted(worked.items())))
