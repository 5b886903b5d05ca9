"""An application server of the payment system: a host running one election recipe and the job.

The server's work runs as generator tasks (``simulator.runtime.app_tasks``) inside the host, so
the host's lifecycle applies to all of it:

- Pause: timers and answers that fire during the pause wait; on resume every task continues
  where it stopped, in the order its wake-ups fired, still believing what it believed (a paused
  leader may charge before it notices its lease is gone). Messages that arrived wait too and are
  handed to the store client and provider port afterwards.
- Crash: every task dies, the store client stops, beliefs are lost (node.crash ends them; no
  app.role is emitted). Restart starts the recipe from the beginning with a fresh store client
  (a new client id ``<server>.<incarnation>``, as a restarted process opens new connections).
- Clock offset and rate: ``local_now``, ``sleep`` and ``sleep_until`` use the host's local clock
  (``app_timers``: a sleep in progress follows a change of rate; a deadline follows any change).
- App faults: ``inject("exception")`` makes the leader's work loop fail (the recipe steps down
  and campaigns again after a back-off); ``inject("shutdown")`` stops the server gracefully (the
  recipe gives up what it holds, e.g. revokes its lease, and stops).
- Restart after a graceful shutdown: the stopped process is ended (its leftover tasks and store
  client go, as in a crash but without node.crash) and started again like a crashed one: a new
  incarnation that campaigns from the beginning (node.restart).

The recipe (``simulator.runtime.recipes``) emits app.role through ``set_role``.
"""

from __future__ import annotations

import random
from collections import deque
from typing import TYPE_CHECKING, Any

import simpy

from simulator.config import AppServerConfig
from simulator.payments.contracts import Contract
from simulator.runtime.app_tasks import Task, TaskBody
from simulator.runtime.app_timers import LocalTimers
from simulator.runtime.client import StoreClient
from simulator.runtime.clock import LocalClock
from simulator.runtime.eventual_client import EventualClient
from simulator.runtime.provider import ChargeReply, ProviderPort
from simulator.runtime.recipes import make_recipe
from simulator.runtime.scheduling import Callback, call_later
from simulator.runtime.store_client_host import ClientHost
from simulator.trace.events import AppRole

if TYPE_CHECKING:
    from simulator.runtime.simulation import Simulation

FAULT_KINDS = ("exception", "shutdown")


class AppServerHost(ClientHost):
    """One app server: its recipe, store client, provider port and leadership belief."""

    def __init__(self, sim: Simulation, config: AppServerConfig,
                 contracts: tuple[Contract, ...]) -> None:
        super().__init__(config.id, sim.env, sim.trace, sim.network, LocalClock())
        self.sim = sim
        self.config = config
        self.apps = sim.scenario.apps
        self.contracts = contracts
        self.rng: random.Random = sim.streams.get(f"{config.id}/recipe")
        self.tasks: list[Task] = []
        self.provider = ProviderPort(self, self.apps.provider.processing)
        self.leading = False
        self.token: int | None = None
        self.stopped = False
        self.begun = False
        """True once this incarnation's recipe runs (from ``start_at``, or at once on restart)."""
        self._deferred: list[tuple[Task, simpy.Event]] = []
        self.timers = LocalTimers(sim.env, self.clock)
        self._fault: simpy.Event = simpy.Event(sim.env)
        self._fault_kind: str | None = None

    # --- lifecycle ---------------------------------------------------------------------------

    def start(self) -> None:
        """Start the host's process and, at ``start_at`` (or now after a restart), the recipe."""
        super().start()
        delay = max(0.0, self.config.start_at - self.env.now)
        call_later(self.env, delay, self._begin, self.incarnation)

    def _begin(self, event: Callback) -> None:
        if event.payload != self.incarnation or not self.alive:
            return
        self.begun = True
        client = self.new_client()
        recipe = make_recipe(self, client)
        self.spawn(recipe.run(), "recipe")

    def new_client(self) -> StoreClient:
        """A store client for this incarnation (id ``<server>``, then ``<server>.<n>``)."""
        client_id = self.id if self.incarnation == 0 else f"{self.id}.{self.incarnation}"
        if self.sim.scenario.store.eventual:
            return EventualClient(self.sim, client_id, self)  # type: ignore[return-value]
        return StoreClient(self.sim, client_id, self)

    # --- tasks and time ----------------------------------------------------------------------

    def spawn(self, body: TaskBody, name: str) -> Task:
        """Run ``body`` as a task of this incarnation (it dies with a crash)."""
        self.tasks = [task for task in self.tasks if task.alive]
        task = Task(self, body, f"{self.id}/{name}")
        self.tasks.append(task)
        return task

    def defer(self, task: Task, event: simpy.Event) -> None:
        """Keep a wake-up that fired during a pause until the pause ends."""
        self._deferred.append((task, event))

    def sleep(self, local_seconds: float) -> simpy.Event:
        """An event that fires after ``local_seconds`` of this server's clock."""
        return self.timers.sleep(local_seconds)

    def sleep_until(self, local_time: float) -> simpy.Event:
        """An event that fires when this server's clock reads ``local_time`` (inf: never)."""
        return self.timers.sleep_until(local_time)

    def set_clock(self, offset: float, rate: float) -> None:
        """Change the local clock; pending sleeps keep their meaning on the new clock."""
        old_rate = self.clock.rate
        super().set_clock(offset, rate)
        self.timers.clock_changed(old_rate)

    def _resume(self, event: Callback) -> None:
        super()._resume(event)
        while self._deferred and not self.paused and self.alive:
            task, fired = self._deferred.pop(0)
            task.wake(fired)

    # --- beliefs and faults ------------------------------------------------------------------

    def set_role(self, leader: bool, token: int | None) -> None:
        """Start or stop believing this server leads (traced as app.role when it changes)."""
        if leader == self.leading and (not leader or token == self.token):
            return
        self.leading = leader
        self.token = token if leader else None
        self.trace.emit(AppRole(self.env.now, self.id, leader, token))

    def fault_signal(self) -> simpy.Event:
        """An event that fires with the kind of the next injected fault."""
        return self._fault

    def take_fault(self) -> str | None:
        """The injected fault not yet handled (and forget it), or None."""
        kind, self._fault_kind = self._fault_kind, None
        if kind is not None:
            self._fault = simpy.Event(self.env)
        return kind

    def inject(self, kind: str) -> None:
        """Inject an app fault: "exception" in the leader's work loop, or a "shutdown".

        ValueError when it cannot happen now: the server is down or stopped, or (for an
        exception) it is not leading, so no work loop is running.
        """
        if kind not in FAULT_KINDS:
            raise ValueError(f"unknown app fault {kind!r}; use one of {', '.join(FAULT_KINDS)}")
        if not self.alive:
            raise ValueError(f"{self.id} is crashed")
        if self.stopped:
            raise ValueError(f"{self.id} has been shut down")
        if not self.begun:
            raise ValueError(f"{self.id} has not started yet (it starts at "
                             f"{self.config.start_at:g} s)")
        if self._fault_kind == "shutdown":
            raise ValueError(f"{self.id} is already shutting down")
        if kind == "exception" and not self.leading:
            raise ValueError(f"{self.id} is not leading, so its work loop is not running")
        self._fault_kind = kind
        if not self._fault.triggered:
            self._fault.succeed(kind)

    # --- the host's hooks ------------------------------------------------------------------

    def _work(self, inbox: deque[Any], local_now: float) -> float:
        while inbox:
            item = inbox.popleft()
            if isinstance(item, ChargeReply):
                self.provider.deliver(item)
            else:
                self.deliver_to_client(item)
        return 0.0

    def _on_crash(self) -> None:
        tasks, self.tasks = self.tasks, []
        for task in tasks:
            task.kill()
        super()._on_crash()  # stops the store clients
        self.provider.stop()
        self.provider = ProviderPort(self, self.apps.provider.processing)
        self._deferred.clear()
        self.timers.clear()
        self.leading = False
        self.token = None
        self.begun = False
        self._fault_kind = None
        self._fault = simpy.Event(self.env)

    def restart(self) -> None:
        """Restart after a crash, or after a graceful shutdown (the server campaigns again)."""
        self.check_restart()
        if self.alive:
            self._exit()
        super().restart()

    def check_restart(self) -> None:
        """ValueError unless the server is crashed, or shut down and not paused."""
        if not self.alive:
            return
        if not self.stopped:
            raise ValueError(f"{self.id} is running (not crashed or shut down), so it cannot "
                             "restart")
        if self.paused:
            raise ValueError(f"{self.id} is paused; restart it after it resumes")

    def _exit(self) -> None:
        """End a stopped process: the host is down until ``restart`` starts a new incarnation."""
        self.alive = False
        self.incarnation += 1  # answers still flying to the old process are dropped
        self._inbox.clear()
        self._wake = None  # the old process's wake-up (it would do nothing anyway)
        self._on_crash()

    def _on_restart(self) -> None:
        self.stopped = False
