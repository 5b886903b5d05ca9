"""What a person can do to one host, shared by the context menu, the Node menu and shortcuts.

Each action names the Simulation fault method it calls (docs/architecture.md) and which kinds
of host it applies to. The runner applies it at the cursor time (forking when in the past).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from simulator.projection import World
from simulator.projection.fold import PROVIDER_ID
from ui.runner import SimRunner

RAFT, APP, PROVIDER = "raft", "app", "provider"
CLOCK_SKEW_STEP = 1.0


@dataclass(frozen=True, slots=True)
class NodeAction:
    """One thing to do to a host: menu text, shortcut, which hosts, and how."""

    key: str
    text: str
    shortcut: str
    kinds: tuple[str, ...]
    perform: Callable[[SimRunner, str, float], bool]

    def applies_to(self, kind: str) -> bool:
        """True when this action makes sense for a host of ``kind``."""
        return kind in self.kinds


def host_kind(world: World, host: str) -> str:
    """"raft", "app" or "provider" for ``host`` in ``world``."""
    if host == PROVIDER_ID:
        return PROVIDER
    if world.app(host) is not None:
        return APP
    return RAFT


def clock_at_cursor(runner: SimRunner, host: str) -> tuple[float, float]:
    """The (offset, rate) of ``host``'s local clock at the cursor: its latest node.clock."""
    trace = runner.session.trace
    events = trace.events
    for position in range(trace.index_at(runner.cursor) - 1, -1, -1):
        event = events[position]
        if event.kind == "node.clock" and event.node == host:  # type: ignore[attr-defined]
            return event.offset, event.rate  # type: ignore[attr-defined]
    return 0.0, 1.0


def _skew(runner: SimRunner, host: str, step: float) -> bool:
    offset, rate = clock_at_cursor(runner, host)
    return runner.act("set_clock", host, offset + step, rate)


ACTIONS: tuple[NodeAction, ...] = (
    NodeAction("crash", "Crash", "C", (RAFT, APP, PROVIDER),
               lambda runner, host, _d: runner.act("crash", host)),
    NodeAction("restart", "Restart", "R", (RAFT, APP, PROVIDER),
               lambda runner, host, _d: runner.act("restart", host)),
    NodeAction("pause", "Pause (GC) for {duration:g} s", "P", (RAFT, APP, PROVIDER),
               lambda runner, host, duration: runner.act("pause", host, duration)),
    NodeAction("timeout", "Force election timeout", "T", (RAFT,),
               lambda runner, host, _d: runner.act("force_timeout", host)),
    NodeAction("clock", "Skew clock +1 s", "K", (RAFT, APP),
               lambda runner, host, _d: _skew(runner, host, CLOCK_SKEW_STEP)),
    NodeAction("clock-back", "Skew clock −1 s", "Shift+K", (RAFT, APP),
               lambda runner, host, _d: _skew(runner, host, -CLOCK_SKEW_STEP)),
    NodeAction("exception", "Raise exception in work loop", "E", (APP,),
               lambda runner, host, _d: runner.act("app_exception", host)),
    NodeAction("shutdown", "Graceful shutdown", "G", (APP,),
               lambda runner, host, _d: runner.act("app_shutdown", host)),
)
"""Every host action, in menu order."""


def action(key: str) -> NodeAction:
    """The action named ``key``."""
    for candidate in ACTIONS:
        if candidate.key == key:
            return candidate
    raise KeyError(key)
