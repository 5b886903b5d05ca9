"""Saving a session as a preset that replays it: the user's actions become fault steps.

``session_scenario(scenario, seed, actions)`` returns the scenario with ``seed`` and, after its
own fault schedule, one ``FaultStep`` per recorded ``Action`` at its absolute time. Loading the
written preset and running it gives the same event log as the session (the user.action
events say "schedule" in their detail, as every scheduled step does). No Qt here.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import replace
from typing import Any

from simulator.config import FaultStep, Latency, Scenario
from simulator.runtime.actions import Action


class UnsavableAction(ValueError):
    """A recorded action a preset cannot express (the message names it)."""


def _constant_latency(action: Action, latency: Any) -> float:
    if not isinstance(latency, Latency) or latency.kind != "constant":
        raise UnsavableAction(
            f"the action {action.name} at {action.t:.3f} s sets a {getattr(latency, 'kind', '?')} "
            "latency; a preset can only replay a constant latency")
    return latency.a


def action_steps(action: Action) -> list[FaultStep]:
    """The fault steps that replay ``action`` at its time (UnsavableAction when none can)."""
    args = action.kwargs()
    at = action.t
    name = action.name
    simple = {"crash": "crash", "restart": "restart", "isolate": "isolate",
              "force_timeout": "timeout"}
    if name in simple:
        return [FaultStep(simple[name], at=at, target=args["node"])]
    if name in ("app_exception", "app_shutdown"):
        return [FaultStep(name.removeprefix("app_"), at=at, target=args["server"])]
    if name == "pause":
        return [FaultStep("pause", at=at, target=args["node"], duration=args["duration"])]
    if name == "partition":
        groups = tuple(tuple(group) for group in args["groups"])
        return [FaultStep("partition", at=at, groups=groups)]
    if name == "heal_all":
        return [FaultStep("heal", at=at)]
    if name in ("cut", "heal_link"):
        return [FaultStep("cut" if name == "cut" else "heal-link", at=at, target=args["src"],
                          peer=args["dst"], both_ways=bool(args["both_ways"]))]
    if name == "set_clock":
        return [FaultStep("clock", at=at, target=args["node"], value=args["offset"],
                          rate=args["rate"])]
    if name == "set_loss":
        return [FaultStep("loss", at=at, value=args["loss"])]
    if name == "set_latency":
        return [FaultStep("latency", at=at, value=_constant_latency(action, args["latency"]))]
    if name == "set_link":
        latency, loss = args.get("latency"), args.get("loss")
        if latency is not None and loss is not None:
            raise UnsavableAction(f"the link change at {action.t:.3f} s sets latency and loss "
                                  "at once; a preset replays them as two changes")
        common = {"at": at, "target": args["src"], "peer": args["dst"],
                  "both_ways": bool(args["both_ways"])}
        if loss is not None:
            return [FaultStep("loss", value=loss, **common)]
        return [FaultStep("latency", value=_constant_latency(action, latency), **common)]
    raise UnsavableAction(f"the action {name} at {action.t:.3f} s cannot be written in a "
                          "preset")


def session_scenario(scenario: Scenario, seed: int, actions: Iterable[Action]) -> Scenario:
    """``scenario`` with ``seed`` and the ``actions`` appended to its fault schedule.

    The run is made long enough to contain every action. Raises UnsavableAction.
    """
    steps: list[FaultStep] = list(scenario.faults)
    last = 0.0
    for action in actions:
        steps.extend(action_steps(action))
        last = max(last, action.t)
    duration = scenario.duration if last <= scenario.duration else last
    return replace(scenario, seed=seed, duration=duration, faults=tuple(steps))


def session_toml(scenario: Scenario, seed: int, actions: Sequence[Action]) -> str:
    """The preset text that replays the session (UnsavableAction, or ValueError from the
    writer, when it cannot be written)."""
    from simulator.presets.writer import scenario_to_toml

    return scenario_to_toml(session_scenario(scenario, seed, actions))
