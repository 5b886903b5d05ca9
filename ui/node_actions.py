"""What a person can do to one host, shared by the context menu, the Node menu and shortcuts.

Each action names the Simulation fault method it calls (docs/architecture.md) and which kinds
of host it applies to; ``why_not`` says, from the world at the cursor, why it cannot apply to a
host now (the menus disable it with that reason as its tooltip). The runner applies it at the
cursor time (forking when in the past).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from simulator.config import Scenario
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
    """"raft" (a cluster node, whatever it runs), "app" or "provider" for ``host``."""
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


def why_not(node_action: NodeAction, world: World, host: str,
            scenario: Scenario | None = None) -> str | None:
    """Why ``node_action`` cannot apply to ``host`` in ``world`` (a sentence), or None when it
    can. It mirrors the simulation's own refusals, so what a menu offers succeeds."""
    kind = host_kind(world, host)
    if not node_action.applies_to(kind):
        what = {RAFT: f"a {world.node_name}", APP: "an app server",
                PROVIDER: "the payment provider"}
        names = {**_KIND_NAMES, RAFT: f"{world.node_name}s"}
        return f"{host} is {what[kind]}: this applies only to " + \
            " or ".join(names[k] for k in node_action.kinds) + "."
    if node_action.key == "timeout" and not world.elects_leaders:
        return (f"{host} is a {world.node_name}: the {world.protocol_name} elects no leader, "
                "so it has no election timer.")
    crashed, paused, shut_down = _state(world, host)
    key = node_action.key
    if key == "restart":
        if kind == APP and shut_down and not crashed:
            return f"{host} is paused: restart it after it resumes." if paused else None
        return None if crashed else \
            f"{host} is running: only a crashed{' or shut-down' if kind == APP else ''} " \
            "server can restart."
    if crashed:
        return f"{host} is crashed: restart it first."
    app = world.app(host)
    if key not in ("exception", "shutdown") or app is None:
        return None  # crash, pause, force a timeout, skew the clock: any running server
    if shut_down:
        return f"{host} has been shut down: restart it first."
    start_at = _start_at(scenario, host)
    if world.t < start_at:
        return f"{host} has not started yet: it starts at {start_at:g} s."
    if key == "exception" and not app.leader:
        return f"{host} is not leading, so its work loop is not running."
    return None


_KIND_NAMES = {RAFT: "Raft nodes", APP: "app servers", PROVIDER: "the payment provider"}


def _state(world: World, host: str) -> tuple[bool, bool, bool]:
    """(crashed, paused, shut down) of ``host`` at the world's time."""
    app = world.app(host)
    if app is not None:
        return app.crashed, app.paused, app.shut_down
    node = world.raft_node(host)
    if node is not None:
        return node.crashed, node.paused_until is not None, False
    provider = world.provider
    if provider is not None and host == provider.id:
        return provider.crashed, provider.paused_until is not None, False
    return False, False, False


def _start_at(scenario: Scenario | None, host: str) -> float:
    """When app server ``host`` starts in ``scenario`` (0 when unknown)."""
    if scenario is None:
        return 0.0
    for server in scenario.apps.servers:
        if server.id == host:
            return server.start_at
    return 0.0
