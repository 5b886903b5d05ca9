"""Moments only the run decides: waiting fault steps, the steps counting from them, and the
captions and pause points anchored to named steps (the rules are in runtime.faults).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from simulator.frozen import replace
from simulator.runtime.app_cluster import app_leader
from simulator.runtime.faults import APP_TARGETS, TimedStep
from simulator.runtime.scheduling import Callback, call_later
from simulator.trace.events import Caption, PausePoint

if TYPE_CHECKING:
    from simulator.runtime.simulation import Simulation


class FaultMoments:
    """What the schedule does at moments only the run decides: waiting steps, the steps that
    count from them, and the captions and pause points anchored to named steps.

    A named step *happens* when it runs (a timed step at its time, a waiting step when it
    fires; a step traced as skipped happened too). Its anchored pause points at offset 0 are
    asked just before it acts, its anchored captions at offset 0 are shown just before it too,
    and the others come ``after`` seconds later. Nothing anchored runs after ``run.duration``.
    """

    def __init__(self, sim: Simulation, schedule: list[TimedStep]) -> None:
        self.sim = sim
        self.schedule = schedule
        self.armed: list[TimedStep] = []  # waiting steps now watching, in schedule order
        self._since: dict[int, float] = {}
        self._fired: dict[int, float] = {}
        self._ran: set[int] = set()  # anchored steps that were run (only looked up)
        self._ended = False
        self._chained: dict[int, list[TimedStep]] = {}
        for timed in schedule:
            if timed.anchor is not None:
                self._chained.setdefault(timed.anchor, []).append(timed)
        self._notes: dict[str, list[tuple[float, bool, str]]] = {}  # (after, pause?, text)
        scenario = sim.scenario
        for pause in scenario.pauses:
            if pause.fault is not None:
                self._notes.setdefault(pause.fault, []).append((pause.after, True,
                                                                pause.question))
        for caption in scenario.captions:
            if caption.fault is not None:
                self._notes.setdefault(caption.fault, []).append((caption.after, False,
                                                                  caption.text))

    def start(self) -> None:
        """At the end of the run, say which waiting steps never happened (when there are)."""
        if any(timed.waits for timed in self.schedule):
            call_later(self.sim.env, self.sim.scenario.duration, self._run_ends)

    # --- waiting steps -----------------------------------------------------------------------

    def arm(self, timed: TimedStep) -> None:
        """Start waiting for ``timed``'s moment (its time has come)."""
        if self._ended:
            return
        self._since[timed.number] = self.sim.now
        self.armed.append(timed)

    def charging(self, server: str) -> None:
        """App server ``server`` is building a charge: fire the armed steps waiting for it."""
        leader: str | None = None
        if any(t.step.target in APP_TARGETS for t in self.armed):
            try:
                leader = app_leader(self.sim.app_hosts)
            except ValueError:
                leader = None
        for timed in list(self.armed):
            target = timed.step.target
            matches = (target == server or (target == "app-leader" and leader == server)
                       or (target == "app-follower" and leader != server))
            if matches and timed.step.when == "charging":
                self.armed.remove(timed)
                # Acts right after the current step of this instant: the job has entered its
                # charge window (it waits there CHARGE_PREP seconds), the charge is not sent.
                concrete = TimedStep(self.sim.now, timed.number,
                                     replace(timed.step, target=server))
                call_later(self.sim.env, 0.0, self._fire, concrete)

    def _fire(self, event: Callback) -> None:
        if self._ended:
            return
        concrete: TimedStep = event.payload
        self._fired[concrete.number] = self.sim.now
        self.sim.run_schedule_step(concrete)

    # --- what is anchored to a step --------------------------------------------------------

    def happening(self, timed: TimedStep) -> None:
        """``timed`` is about to act: its anchored notes at offset 0 come first."""
        if timed.anchor is not None:
            self._ran.add(timed.number)
        name = timed.step.name
        if name is None or name not in self._notes:
            return
        for after, pause, text in self._notes[name]:
            if after == 0:
                self._emit(pause, text)

    def happened(self, timed: TimedStep) -> None:
        """``timed`` has acted: schedule the later notes and the steps counting from it."""
        end = self.sim.scenario.duration
        now = self.sim.now
        env = self.sim.env
        name = timed.step.name
        for after, pause, text in self._notes.get(name, []) if name is not None else []:
            if after > 0 and now + after <= end:
                call_later(env, after, self._emit_note, (pause, text))
        if timed.waits:
            for chained in self._chained.get(timed.number, []):
                if now + chained.at <= end:
                    call_later(env, chained.at, self._run_chained, chained)

    def _run_chained(self, event: Callback) -> None:
        timed: TimedStep = event.payload
        if timed.waits:
            self.arm(timed)
        else:
            self.sim.run_schedule_step(timed)

    def _emit_note(self, event: Callback) -> None:
        pause, text = event.payload
        self._emit(pause, text)

    def _emit(self, pause: bool, text: str) -> None:
        now = self.sim.now
        self.sim.trace.emit(PausePoint(now, text) if pause else Caption(now, text))

    # --- the end of the run ----------------------------------------------------------------

    def _run_ends(self, event: Callback) -> None:
        self._ended = True
        self.armed.clear()
        end = self.sim.scenario.duration
        for timed in self.schedule:
            step = timed.step
            if timed.waits and timed.number in self._fired:
                continue
            if not timed.waits and (timed.anchor is None or timed.number in self._ran):
                continue
            if timed.waits and timed.number in self._since:
                server = step.target or "its target"
                reason = (f"it never happened: {server} was not building a charge from "
                          f"{self._since[timed.number]:g} s to the end of the run ({end:g} s)")
            elif timed.anchor is not None and timed.anchor not in self._fired:
                reason = (f"it never happened: it counts from faults[{timed.anchor}], which "
                          f"never happened")
            else:
                reason = f"it never happened: it would come after the end of the run ({end:g} s)"
            self.sim.note_skipped(step.action, step.target or "", f"skipped: {reason}")
