"""Plain callbacks on the simpy queue: the cheapest way to make something happen at a time.

A ``Callback`` is a minimal simpy event (no process, no generator) whose one callback runs when
the environment reaches it. Hosts use one per armed timer and pause; the network has its own
(``Flight``) per message. simpy's ``Environment.step`` only needs ``callbacks`` and ``_ok`` on
what it pops. A ``Wake`` is the same kind of callback, but it waits untriggered until someone
calls ``wake(env)``: a host sleeps on one (its loop is callbacks, not a simpy process).
"""

from __future__ import annotations

from collections.abc import Callable
from heapq import heappop
from typing import Any

import simpy
from simpy.events import NORMAL, PENDING


class Callback:
    """A scheduled call of ``fn(self)``; ``payload`` carries whatever the callee needs."""

    __slots__ = ("callbacks", "payload")
    _ok = True  # it never fails, and has no value: class constants, not slots
    _value = None

    def __init__(self, fn: Callable[[Callback], None], payload: Any) -> None:
        self.callbacks: tuple[Callable[[Callback], None], ...] | None = (fn,)
        self.payload = payload


class Wake:
    """A pending call of ``fn(self)`` that runs once, after ``wake(env)`` triggers it."""

    __slots__ = ("callbacks", "_value", "payload")
    _ok = True

    def __init__(self, fn: Callable[[Wake], None], payload: Any = None) -> None:
        self.callbacks: tuple[Callable[[Wake], None], ...] | None = (fn,)
        self._value: Any = PENDING
        self.payload = payload

    @property
    def pending(self) -> bool:
        """True until triggered."""
        return self._value is PENDING

    def wake(self, env: simpy.Environment) -> None:
        """Schedule the call for the current time, after what is already due now (once)."""
        if self._value is PENDING:
            self._value = None
            env.schedule(self, NORMAL, 0.0)  # type: ignore[arg-type]


def call_later(env: simpy.Environment, delay: float, fn: Callable[[Callback], None],
               payload: Any = None) -> Callback:
    """Run ``fn(callback)`` ``delay`` simulated seconds from now (delay >= 0)."""
    if delay < 0:
        raise ValueError(f"cannot schedule a callback {delay} s in the past")
    event = Callback(fn, payload)
    env.schedule(event, NORMAL, delay)  # type: ignore[arg-type]
    return event


class SimEnvironment(simpy.Environment):
    """A simpy environment that starts at 0.0 s and can move its clock to a time with no event."""

    def __init__(self) -> None:
        super().__init__(initial_time=0.0)

    def step_through(self, t: float) -> int:
        """Process every event at or before ``t`` (not moving the clock past the last one);
        return how many.

        Exactly ``while peek() <= t: step()``, with simpy's ``Environment.step`` inlined: pop
        the next event, run its callbacks, raise the failure of an event that failed and was
        not defused (a ``StopSimulation`` is only raised by ``run``, which this replaces).
        """
        queue = self._queue
        pop = heappop
        count = 0
        while queue and queue[0][0] <= t:
            self._now, _, _, event = pop(queue)
            callbacks, event.callbacks = event.callbacks, None
            for callback in callbacks:
                callback(event)
            count += 1
            if not event._ok and not hasattr(event, "_defused"):
                exc = type(event._value)(*event._value.args)
                exc.__cause__ = event._value
                raise exc
        return count

    def advance_to(self, t: float) -> None:
        """Set now to ``t`` (only forward, and only past every event before ``t``)."""
        if t < self._now:
            raise ValueError(f"cannot move the clock back from {self._now} to {t}")
        if self.peek() < t:
            raise ValueError(f"events before {t} are still pending")
        self._now = float(t)
