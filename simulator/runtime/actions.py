"""Recorded user actions: what a person (or a replayed session) did to the simulation, and when.

An ``Action`` is the time, the name of a Simulation fault method and its keyword arguments.
Replaying the same actions at the same times on the same scenario and seed reproduces the run.
"""

from __future__ import annotations

from typing import Any

from simulator.config import Latency
from simulator.frozen import frozen

ACTION_NAMES = (
    "crash", "restart", "pause", "partition", "isolate", "heal_all", "cut", "heal_link",
    "set_link", "set_loss", "set_latency", "set_clock", "force_timeout", "propose",
    "app_exception", "app_shutdown",
)


@frozen
class Action:
    """A Simulation method ``name`` called at simulated time ``t`` with keyword ``args``."""

    t: float
    name: str
    args: tuple[tuple[str, Any], ...] = ()

    def kwargs(self) -> dict[str, Any]:
        """The arguments as a keyword dictionary."""
        return dict(self.args)

    def target(self) -> str:
        """The main host the action is about ("" when it has none)."""
        for key in ("node", "server", "src"):
            for name, value in self.args:
                if name == key and isinstance(value, str):
                    return value
        return ""

    def detail(self) -> str:
        """The arguments as short text for the user.action trace event."""
        return " ".join(f"{name}={_text(value)}" for name, value in self.args)


def _text(value: Any) -> str:
    if isinstance(value, Latency):
        return value.describe().replace(" ", "_")
    if isinstance(value, tuple):
        return "[" + ",".join(_text(v) for v in value) + "]"
    if isinstance(value, float):
        return f"{value:g}"
    return str(value)
