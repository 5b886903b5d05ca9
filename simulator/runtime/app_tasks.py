"""Generator tasks that live inside an app server's process: they freeze in a pause, die in a crash.

An app server runs its recipe, its lease keeper and its payment job as generator functions that
``yield`` simpy events (timeouts, store answers, provider answers) and ``yield from`` the store
client's calls. ``Task`` drives such a generator itself instead of handing it to
``simpy.Process``, so the host's lifecycle applies to everything the generator does, including
the client code it calls:

- While the host is paused, an event the task waits for may fire (a timer, an answer already
  taken in), but the task does not continue: the continuation waits until the pause ends, then
  runs in the order the events fired. So a paused leader resumes exactly where it stopped, still
  believing what it believed.
- A crash kills the task: the generator is closed where it waits and never continues.

``done`` succeeds with the generator's return value, or fails with the exception it raised; a
failure nobody waits for stops the simulation loudly (simpy raises it), so a bug never hides.
"""

from __future__ import annotations

from collections.abc import Generator
from typing import Any, Protocol

import simpy

TaskBody = Generator[simpy.Event, Any, Any]


class TaskOwner(Protocol):
    """The host a task runs in: its environment, whether it is paused, where to park a wake-up."""

    env: simpy.Environment
    paused: bool

    def defer(self, task: Task, event: simpy.Event) -> None:
        """Keep ``event`` until the pause ends, then hand it back to ``task.wake``."""
        ...


class Task:
    """One generator running inside a host, started at the next step of the same instant."""

    __slots__ = ("_owner", "_gen", "name", "done", "alive", "_waiting")

    def __init__(self, owner: TaskOwner, body: TaskBody, name: str) -> None:
        self._owner = owner
        self._gen = body
        self.name = name
        self.done = simpy.Event(owner.env)
        self.alive = True
        self._waiting: Any = None
        start = simpy.Event(owner.env)
        start.succeed()
        self._waiting = start
        start.callbacks.append(self.wake)  # type: ignore[union-attr]

    def wake(self, event: simpy.Event) -> None:
        """Continue after ``event`` fired (deferred to the end of a pause)."""
        if not event._ok:  # noqa: SLF001
            event._defused = True  # type: ignore[attr-defined]  # noqa: SLF001 - we consume it
        if not self.alive or event is not self._waiting:
            return
        if self._owner.paused:
            self._owner.defer(self, event)
            return
        self._waiting = None
        if event._ok:  # noqa: SLF001
            self._advance(event._value, None)  # noqa: SLF001
        else:
            self._advance(None, event._value)  # noqa: SLF001

    def _advance(self, value: Any, error: BaseException | None) -> None:
        gen = self._gen
        while True:
            try:
                event = gen.send(value) if error is None else gen.throw(error)
            except StopIteration as stop:
                self._finish(True, stop.value)
                return
            except Exception as problem:  # the task's own failure, handed to whoever waits
                self._finish(False, problem)
                return
            if event.callbacks is None:  # already processed: continue at once
                if event._ok:  # noqa: SLF001
                    value, error = event._value, None  # noqa: SLF001
                else:
                    event._defused = True  # type: ignore[attr-defined]  # noqa: SLF001
                    value, error = None, event._value  # noqa: SLF001
                continue
            self._waiting = event
            event.callbacks.append(self.wake)
            return

    def _finish(self, ok: bool, value: Any) -> None:
        self.alive = False
        self._waiting = None
        if ok:
            self.done.succeed(value)
        else:
            self.done.fail(value)

    def kill(self) -> None:
        """End the task where it waits (a crash, or a cancel); ``done`` stays open."""
        if not self.alive:
            return
        self.alive = False
        self._waiting = None
        self._gen.close()

