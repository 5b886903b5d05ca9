"""A simulated server's lifecycle: crash, restart, process pause, clock, mailbox and timer.

Each host's process (``_loop``, a chain of simpy callbacks rather than a generator) sleeps
until a message arrives or its next deadline passes, then lets the subclass handle what is
due. Subclasses (RaftHost, the app servers, the
payment provider) supply the hooks: ``_work`` (handle the queue and due timers, drain the
core), ``_release`` (send and apply what was drained, after an optional disk wait),
``_next_deadline`` (local time), ``_on_crash`` and ``_on_restart``.

- Crash: volatile state is lost (the subclass rebuilds its core on restart), queued messages
  are lost, timers are cancelled, and the incarnation number changes so messages already flying
  to the old process are dropped by the network.
- Pause (a long GC or a stopped VM): messages that arrive wait in a queue (their msg.deliver is
  traced when the process takes them on resume), timers do not fire, a disk write in progress
  does not send its messages. On resume the node handles the queue and continues with the
  beliefs it had. The local clock keeps running during the pause.
"""

from __future__ import annotations

import math
from collections import deque
from heapq import heappush
from typing import Any

import simpy
from simpy.events import NORMAL, PENDING, URGENT

from simulator.runtime.clock import LocalClock
from simulator.runtime.network import Network
from simulator.runtime.scheduling import Callback, Wake, call_later
from simulator.trace.events import (
    MsgDrop,
    NodeClock,
    NodeCrash,
    NodePause,
    NodeRestart,
    NodeResume,
)
from simulator.trace.recorder import Trace


class Host:
    """The parts every simulated server shares; subclasses run a core inside it."""

    def __init__(self, node_id: str, env: simpy.Environment, trace: Trace, network: Network,
                 clock: LocalClock | None = None) -> None:
        self.id = node_id
        self.env = env
        self.trace = trace
        self.network = network
        self.clock = clock if clock is not None else LocalClock()
        self.alive = True
        self.incarnation = 0
        self.paused = False
        self._pause_gen = 0
        self._pause_until = 0.0
        self._held: list[tuple[int, Any]] = []
        self._inbox: deque[Any] = deque()
        self._wake: Wake | None = None
        self._timer_at = math.inf
        self._timer_gen = 0
        self._last_local = -math.inf
        self._due_local: float | None = None
        self._wake_callbacks = (self._on_wake,)
        network.attach(node_id, self)

    # --- hooks for subclasses ------------------------------------------------------------

    def _work(self, inbox: deque[Any], local_now: float) -> float:
        """Handle every queued item, then every timer due at ``local_now``; drain the core.

        Returns how long to wait for the disk before ``_release`` (0 for no wait).
        """
        raise NotImplementedError

    def _next_deadline(self) -> float:
        """The local time the core next needs waking (inf for never)."""
        raise NotImplementedError

    def _release(self) -> None:
        """Send and apply what ``_work`` drained (after the disk wait)."""
        raise NotImplementedError

    def _on_crash(self) -> None:
        """Drop the volatile state (the core)."""
        raise NotImplementedError

    def _on_restart(self) -> None:
        """Rebuild the core from what survived the crash."""
        raise NotImplementedError

    # --- time ------------------------------------------------------------------------------

    def local_now(self) -> float:
        """The local time now, never less than a time already handed to the core."""
        local = self.clock.to_local(self.env.now)
        if local < self._last_local:
            return self._last_local
        self._last_local = local
        return local

    def set_clock(self, offset: float, rate: float) -> None:
        """Make the local clock read ``offset + rate * sim_time`` (traced as node.clock)."""
        self.clock.set(offset, rate)
        self.trace.emit(NodeClock(self.env.now, self.id, self.clock.offset, self.clock.rate))
        # The deadline in simulated time moved: re-arm the timer from scratch.
        self._timer_gen += 1
        self._timer_at = math.inf
        self._poke()

    # --- lifecycle -------------------------------------------------------------------------

    def start(self) -> None:
        """Start the host's process (at build time and after each restart)."""
        self._start_process()

    def crash(self) -> None:
        """Crash now: lose volatile state, queued messages and timers (node.crash)."""
        if not self.alive:
            raise ValueError(f"{self.id} is already crashed")
        now = self.env.now
        self.trace.emit(NodeCrash(now, self.id))
        self.alive = False
        self.incarnation += 1
        for msg_id, _msg in self._held:
            self.trace.emit(MsgDrop(now, msg_id, "paused-queue-lost"))
        self._held.clear()
        self._inbox.clear()
        self.paused = False
        self._pause_gen += 1
        self._timer_gen += 1
        self._timer_at = math.inf
        self._due_local = None
        self._wake = None
        self._on_crash()

    def restart(self) -> None:
        """Restart a crashed host from its persistent state (node.restart)."""
        if self.alive:
            raise ValueError(f"{self.id} is not crashed, so it cannot restart")
        self.trace.emit(NodeRestart(self.env.now, self.id))
        self.alive = True
        self._on_restart()
        self.start()

    def pause(self, duration: float) -> None:
        """Freeze the process for ``duration`` seconds (during a pause: until the later end)."""
        if not self.alive:
            raise ValueError(f"{self.id} is crashed, so it cannot pause")
        if not (math.isfinite(duration) and duration > 0):
            raise ValueError(f"pause duration must be a positive number of seconds, "
                             f"got {duration!r}")
        now = self.env.now
        end = now + duration
        if self.paused and self._pause_until > end:
            end = self._pause_until  # a shorter pause inside a longer one changes nothing
            duration = end - now
        self.trace.emit(NodePause(now, self.id, duration))  # as asked, not end - now's rounding
        self.paused = True
        self._pause_until = end
        self._pause_gen += 1
        call_later(self.env, end - now, self._resume, self._pause_gen)

    def _resume(self, event: Callback) -> None:
        if event.payload != self._pause_gen or not self.paused:
            return
        now = self.env.now
        self.paused = False
        self.trace.emit(NodeResume(now, self.id))
        for msg_id, msg in self._held:
            self.trace.msg_deliver(now, msg_id)
            self._inbox.append(msg)
        self._held.clear()
        self._poke()

    # --- mailbox ---------------------------------------------------------------------------

    def receive(self, msg_id: int, msg: Any) -> None:
        """Take a message from the network: handle it soon, or hold it while paused."""
        if self.paused:
            self._held.append((msg_id, msg))
            return
        env = self.env
        now = env._now  # noqa: SLF001
        trace = self.trace
        if trace.wants_delivers:
            trace.msg_deliver(now, msg_id)
        self._inbox.append(msg)
        # self._wake_in_step(now), inlined: once per message
        wake = self._wake
        if wake is not None and wake._value is PENDING:  # noqa: SLF001
            queue = env._queue  # noqa: SLF001
            if queue and queue[0][0] <= now:
                wake._value = None  # noqa: SLF001
                env.schedule(wake, NORMAL, 0.0)  # type: ignore[arg-type]
                return
            self._wake = None
            self._loop(wake.payload, False, wake)

    def _wake_in_step(self, now: float) -> None:
        """Wake the sleeping process from inside a simpy step (a message or a timer).

        When nothing else is due at this instant the wake-up would be the very next event, so
        the process runs at once instead: the same order of events, one simpy step fewer.
        """
        wake = self._wake
        if wake is not None and wake._value is PENDING:  # noqa: SLF001
            env = self.env
            queue = env._queue  # noqa: SLF001
            if queue and queue[0][0] <= now:
                wake._value = None  # noqa: SLF001 - Wake.wake inlined on the hot path
                env.schedule(wake, NORMAL, 0.0)  # type: ignore[arg-type]
                return
            self._wake = None
            self._loop(wake.payload, False, wake)

    def enqueue(self, command: Any) -> None:
        """Queue a local command (handled by ``_work`` in order with messages)."""
        self._inbox.append(command)
        self._poke()

    def _poke(self) -> None:
        wake = self._wake
        if wake is not None:
            wake.wake(self.env)

    # --- timer -----------------------------------------------------------------------------

    def _arm_timer(self, deadline: float) -> None:
        """Make sure a timer fires at simulated time ``deadline`` or earlier."""
        if deadline >= self._timer_at:
            return
        self._timer_gen += 1
        self._timer_at = deadline
        env = self.env
        now = env._now  # noqa: SLF001
        delay = deadline - now
        # call_later(env, max(delay, 0), self._on_timer, gen), inlined: simpy's heap entry
        heappush(env._queue, (now + delay if delay > 0.0 else now + 0.0, NORMAL,  # noqa: SLF001
                              next(env._eid), Callback(self._on_timer, self._timer_gen)))  # noqa: SLF001

    def _on_timer(self, event: Callback) -> None:
        if event.payload != self._timer_gen:
            return
        self._timer_at = math.inf
        if self.paused or not self.alive:
            return
        deadline_local = self._next_deadline()
        deadline = self.clock.to_sim(deadline_local)
        if deadline > self.env._now:  # noqa: SLF001
            # The deadline moved later since the timer was armed: re-arm, no wake-up needed.
            self._arm_timer(deadline)
            return
        self._due_local = deadline_local
        self._wake_in_step(self.env._now)  # noqa: SLF001

    # --- the process ---------------------------------------------------------------------
    #
    # The process is a chain of callbacks on the simpy queue, not a generator: a host sleeps on
    # a pending ``Wake`` (``_wake``), and a disk write is a ``Callback`` after the latency. Each
    # carries the incarnation it belongs to, so a crashed process's leftovers do nothing. The
    # order of events is the one a simpy process would give (first run URGENT at start).

    def _start_process(self) -> None:
        first = Wake(self._on_wake, self.incarnation)
        first._value = None  # noqa: SLF001 - scheduled at once, like a process's Initialize
        self.env.schedule(first, URGENT, 0.0)  # type: ignore[arg-type]

    def _on_wake(self, event: Wake) -> None:
        if event.payload != self.incarnation:
            return
        self._wake = None
        self._loop(event.payload, False, event)

    def _on_disk_done(self, event: Wake) -> None:
        incarnation = event.payload
        if incarnation != self.incarnation:
            return
        if self.paused:  # the messages wait for the end of the pause
            self._wake = Wake(self._on_disk_done, incarnation)
            return
        self._wake = None
        self._release()
        self._loop(incarnation, released=True)

    def _loop(self, incarnation: int, released: bool = False, spare: Wake | None = None) -> None:
        """Handle what is due, release it, and sleep until the next message or deadline.

        ``spare`` is the wake-up that just fired: simpy is done with it, so it is re-armed as
        the next one instead of building another.
        """
        env = self.env
        inbox = self._inbox
        clock = self.clock
        while self.incarnation == incarnation:
            if self.paused:
                break
            if not released:
                local_now = clock.offset + clock.rate * env._now  # noqa: SLF001
                if local_now < self._last_local:
                    local_now = self._last_local
                due = self._due_local
                if due is not None:
                    self._due_local = None
                    if local_now < due:
                        # Float rounding of the clock conversion: the core must see its deadline.
                        local_now = due
                self._last_local = local_now
                delay = self._work(inbox, local_now)
                if delay > 0.0:
                    disk = Wake(self._on_disk_done, incarnation)
                    disk._value = None  # noqa: SLF001
                    env.schedule(disk, NORMAL, delay)  # type: ignore[arg-type]
                    return  # busy: _wake stays None until the write completes
                self._release()
            released = False
            if inbox:
                continue  # arrived during the disk write
            deadline_local = self._next_deadline()
            deadline = (deadline_local - clock.offset) / clock.rate  # clock.to_sim, inlined
            if deadline <= env._now:  # noqa: SLF001
                self._due_local = deadline_local
                continue
            if deadline < self._timer_at:  # else the armed timer fires first and re-checks
                self._arm_timer(deadline)
            break
        else:
            return  # crashed meanwhile: the new incarnation runs its own loop
        if spare is None:
            self._wake = Wake(self._on_wake, incarnation)
        else:
            spare.callbacks = self._wake_callbacks
            spare._value = PENDING  # noqa: SLF001
            self._wake = spare
