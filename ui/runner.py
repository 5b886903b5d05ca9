"""SimRunner: the thin Qt adapter between the session and the views (DESIGN.md principle 8).

One QTimer; each tick moves the cursor by the real time elapsed times the speed, runs the
simulation forward when the cursor passes the end of the recorded trace, and emits one
coalesced ``frame`` signal with the projected World. Seeking back only moves the cursor (the
world is re-projected from the trace); acting while the cursor is in the past forks the run there.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QElapsedTimer, QObject, Qt, QTimer, Signal

from simulator.projection import World
from ui.session import Session

MIN_SPEED = 0.01
MAX_SPEED = 100.0
DEFAULT_SPEED = 0.1
FRAME_MS = 16
# A frame never advances more than this many frame periods (after a stall or a breakpoint).
MAX_FRAME_CATCH_UP = 4
STEP_LIMIT = 100_000
# Every message stays on the canvas at least this long in real time: after it arrives (or is
# dropped) it lingers, fading, at its end, for this many real seconds times the speed
# (at most LINGER_CAP simulated seconds), so a 2 ms message is visible at 0.1x.
MIN_VISIBLE_REAL = 0.4
LINGER_CAP = 0.05
EPSILON = 1e-9
# Actions happen on whole microseconds (a saved preset writes their times in short numbers).
ACTION_RESOLUTION = 1e-6
# How many microseconds an action moves on at most to find an instant with no other event.
ACT_SEARCH_LIMIT = 1000
# A seek further than this many simulated seconds ahead of the run is made in LONG_RUN_STEPS
# pieces, telling ``long_run_progress`` after each (the window shows a busy cursor and, when it
# lasts, a progress dialog whose Cancel stops the run where it got to).
LONG_RUN_SECONDS = 20.0
LONG_RUN_STEPS = 100

# While the window is idle a trace-less replay of the run follows the cursor this many
# simulated seconds behind it (Session.prepare_fork), so acting a little in the past replays
# only the last stretch; each idle turn gives it at most PREPARE_SLICE real seconds (while
# playing PREPARE_SLICE_PLAYING, to leave the frames their time).
PREPARE_BEHIND = 30.0
PREPARE_SLICE = 0.004
PREPARE_SLICE_PLAYING = 0.001

LongRunProgress = Callable[[float, float, float], bool]
"""(from, reached, target) simulated seconds -> False to stop there; a last call with reached
equal to target says the run is over (finished or stopped)."""


class _Stopped(Exception):
    """A long run was cancelled at the time reached."""


def clean_time(t: float) -> float:
    """The first whole microsecond at or after ``t`` (a float that prints short)."""
    ticks = math.ceil(round(t / ACTION_RESOLUTION, 3))
    at = ticks * ACTION_RESOLUTION
    at = round(at, 6)
    while at < t:
        ticks += 1
        at = round(ticks * ACTION_RESOLUTION, 6)
    return at


# What each action does, for the sentence that says it could not be done.
ACTION_PHRASES = {
    "crash": "crash {0}", "restart": "restart {0}", "pause": "pause {0}",
    "force_timeout": "force an election timeout on {0}", "set_clock": "set {0}'s clock",
    "app_exception": "raise an exception in {0}'s work loop",
    "app_shutdown": "shut {0} down", "partition": "partition the network",
    "heal_all": "heal the network", "cut": "cut the link from {0} to {1}",
    "heal_link": "heal the link from {0} to {1}", "isolate": "isolate {0}",
}


def action_failed(name: str, args: tuple[Any, ...], problem: Exception) -> str:
    """The sentence for an action the simulation refused: what, on which host, and why."""
    phrase = ACTION_PHRASES.get(name, name.replace("_", " "))
    try:
        what = phrase.format(*args)
    except (IndexError, KeyError):
        what = name.replace("_", " ")
    reason = str(problem).strip().rstrip(".") or type(problem).__name__
    return f"Could not {what}: {reason}."


def clamp_speed(speed: float) -> float:
    """``speed`` limited to the 0.01x-100x range (non-finite values become the default)."""
    if not math.isfinite(speed):
        return DEFAULT_SPEED
    return min(MAX_SPEED, max(MIN_SPEED, speed))


class SimRunner(QObject):
    """Owns the cursor, the play state and the speed; advances and forks the session."""

    frame = Signal(object)
    """A World to draw (emitted at most once per timer tick)."""
    state_changed = Signal()
    """Playing, speed or the session changed (toolbars, status bar)."""
    session_replaced = Signal()
    """The simulation was forked or restarted: views reload the trace."""
    error = Signal(str)
    """Something the user asked for failed; the message says what."""
    pause_point = Signal(str)
    """Playback stopped at a preset's pause point with this question."""
    forking = Signal(float)
    """A fork at this time is about to replay the run (it can take a moment)."""
    lesson_ended = Signal(float)
    """Playback stopped at (or would not start past) the scenario's end, at this time."""

    def __init__(self, session: Session, speed: float = DEFAULT_SPEED,
                 frame_ms: int = FRAME_MS, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.session = session
        self.cursor = 0.0
        self._speed = clamp_speed(speed)
        self.frame_ms = frame_ms
        self._playing = False
        self.timer = QTimer(self)
        self.timer.setTimerType(Qt.TimerType.PreciseTimer)
        self.timer.setInterval(frame_ms)
        self.timer.timeout.connect(self._tick)
        self._clock = QElapsedTimer()
        self.world: World = session.world_at(0.0)
        self.stop_at_end = True
        self._held_pause: tuple[int, float] | None = None
        """(trace index, cursor) of a pause point the cursor stopped just before."""
        self._busy_at: float | None = None
        """A simulated time at which the simulation processed events (see act)."""
        self.long_run_progress: LongRunProgress | None = None
        """Told how a long seek goes (see LONG_RUN_SECONDS); False from it stops the run."""
        self._long_running = False
        """True while a long run reports its progress (the window handles events then):
        seeking, stepping, playing and acting wait until it is over."""
        self._preparing = QTimer(self)
        """Runs one slice of the replay kept for a fork whenever the event loop is idle."""
        self._preparing.setSingleShot(True)
        self._preparing.setInterval(0)
        self._preparing.timeout.connect(self._prepare_fork)

    # --- state -----------------------------------------------------------------------------

    @property
    def playing(self) -> bool:
        """True while playing (the timer advances the cursor)."""
        return self._playing

    @property
    def speed(self) -> float:
        """Simulated seconds per real second."""
        return self._speed

    def set_speed(self, speed: float) -> None:
        """Change the speed (clamped to 0.01x-100x)."""
        speed = clamp_speed(speed)
        if speed != self._speed:
            self._speed = speed
            self.state_changed.emit()

    @property
    def linger(self) -> float:
        """How long (simulated seconds) ended messages stay drawn at this speed."""
        return min(MIN_VISIBLE_REAL * self._speed, LINGER_CAP)

    @property
    def end_time(self) -> float:
        """The latest time that has been simulated."""
        return max(self.session.now, self.session.trace.end_time)

    @property
    def in_past(self) -> bool:
        """True when the cursor is before the end of the simulated run."""
        return self.cursor < self.session.now - EPSILON

    # --- playing ---------------------------------------------------------------------------

    @property
    def lesson_end(self) -> float:
        """The scenario's duration: where playing stops."""
        return self.session.scenario.duration

    @property
    def at_lesson_end(self) -> bool:
        """True when the cursor is at or past the scenario's end (Play does not go on)."""
        return self.stop_at_end and self.cursor >= self.lesson_end - EPSILON

    def play(self) -> None:
        """Start advancing the cursor in real time times the speed; at the scenario's end it
        does not start (``lesson_ended`` says so; Step still looks further)."""
        if self.at_lesson_end:
            self.lesson_ended.emit(self.lesson_end)
            return
        if not self.playing:
            self._playing = True
            self._clock.start()
            self.timer.start()
            self.state_changed.emit()

    def pause(self) -> None:
        """Stop advancing."""
        if self.playing:
            self._playing = False
            self.timer.stop()
            self.state_changed.emit()

    def toggle(self) -> None:
        """Play when paused, pause when playing."""
        if self.playing:
            self.pause()
        else:
            self.play()

    def _tick(self) -> None:
        elapsed = self._clock.restart() / 1000.0
        frame = self.frame_ms / 1000.0
        real = min(max(elapsed, 0.0), frame * MAX_FRAME_CATCH_UP)
        self.advance(real * self._speed)

    def advance(self, dt: float) -> None:
        """Move the cursor forward by ``dt`` simulated seconds, stopping at pause points."""
        if self._long_running:
            return
        start = self.cursor
        target = start + max(0.0, dt)
        for pause in self.session.scenario.pauses:
            if pause.at is not None and start < pause.at <= target:
                target = pause.at  # run no further than a pause point known in advance
                break
        duration = self.session.scenario.duration
        reached_end = self.stop_at_end and start < duration <= target
        if reached_end:
            target = duration
        if not self._run_to(target):
            return
        stop = self._pause_point(start, target)
        stop_question: str | None = None
        if stop is not None:
            target, stop_question = stop
            reached_end = False
        self.cursor = target
        self._emit_frame()
        if stop_question is not None:
            self.pause()
            self.pause_point.emit(stop_question)
        elif reached_end:
            self.pause()
            self.lesson_ended.emit(duration)

    def _pause_point(self, start: float, end: float) -> tuple[float, str] | None:
        """The first pause point traced in (start, end] as (where to stop, question).

        Pause points come from the trace, so those anchored to a fault step (known only when it
        happens) stop the window too. When something else happens at the pause point's instant
        after it (the fault it is anchored to), the window stops just before that instant, so
        the question comes before the fault's effect is drawn."""
        events = self.session.trace.events
        index = self.session.trace.index_at(start)
        last = self.session.trace.index_at(end)
        for position in range(index, last):
            event = events[position]
            if event.kind != "pause.point" or self._held_pause == (position, start):
                continue
            t = event.t
            if position + 1 < len(events) and events[position + 1].t == t:
                stop = math.nextafter(t, -math.inf)
                self._held_pause = (position, stop)
                return stop, event.question  # type: ignore[attr-defined]
            return t, event.question  # type: ignore[attr-defined]
        return None

    def _advance_simulation(self, t: float) -> None:
        """Run the simulation to ``t``, noting whether something happened at exactly ``t``."""
        simulation = self.session.simulation
        if t <= simulation.now:
            return
        just_before = math.nextafter(t, -math.inf)
        if just_before - simulation.now > LONG_RUN_SECONDS and self.long_run_progress:
            self._run_in_pieces(just_before)
        if just_before > simulation.now:
            simulation.run_until(just_before)
        before = getattr(simulation, "steps", None)
        simulation.run_until(t)
        if before is None or getattr(simulation, "steps", None) != before:
            self._busy_at = t

    def _run_in_pieces(self, target: float) -> None:
        """Run to ``target`` in LONG_RUN_STEPS pieces, telling long_run_progress after each
        (and once more when done); _Stopped when it says stop."""
        simulation = self.session.simulation
        report = self.long_run_progress
        assert report is not None
        start = simulation.now
        self._long_running = True
        try:
            for piece in range(1, LONG_RUN_STEPS + 1):
                reached = start + (target - start) * piece / LONG_RUN_STEPS
                simulation.run_until(min(reached, target))
                if piece < LONG_RUN_STEPS and not report(start, simulation.now, target):
                    raise _Stopped
        finally:
            try:
                report(start, target, target)  # done or stopped: the window drops its feedback
            finally:
                self._long_running = False

    def _busy(self, t: float) -> bool:
        """True when the simulation processed events at exactly ``t`` or has one due then."""
        peek = getattr(self.session.simulation, "peek", None)
        return self._busy_at == t or (peek is not None and peek() <= t)

    def _act_at_a_clean_instant(self) -> None:
        """Move the simulation to the first whole microsecond at or after now on which no
        other event happens, before acting. A saved session writes each action at its time
        (a short number such as 2.000001) and replays it as a scheduled step, which runs
        before the other events of its instant: so the action must have its instant alone."""
        simulation = self.session.simulation
        at = clean_time(simulation.now)
        for _ in range(ACT_SEARCH_LIMIT):
            if at > simulation.now:
                self._advance_simulation(at)
            if not self._busy(at):
                break
            at = clean_time(math.nextafter(at, math.inf))
        self.cursor = at

    def _run_to(self, t: float) -> bool:
        if t <= self.session.now:
            return True
        try:
            self._advance_simulation(t)
        except _Stopped:
            raise
        except Exception as exc:  # noqa: BLE001 - any model failure becomes a dialog
            self.pause()
            self.error.emit(f"The simulation stopped at t = {self.session.now:.3f} s: {exc}")
            return False
        return True

    def step(self) -> None:
        """Move the cursor to the next event after it (running the simulation if needed)."""
        if self._long_running:
            return
        self.pause()
        session = self.session
        next_time = session.projector.time_of_next_event(self.cursor)
        steps = 0
        try:
            while next_time is None and steps < STEP_LIMIT:
                if not session.simulation.step():
                    break
                steps += 1
                self._busy_at = session.now
                next_time = session.projector.time_of_next_event(self.cursor)
        except Exception as exc:  # noqa: BLE001 - any model failure becomes a dialog
            self.error.emit(f"The simulation stopped at t = {session.now:.3f} s: {exc}")
            return
        if next_time is None:
            next_time = max(self.cursor, session.now)
        self.cursor = next_time
        self._emit_frame()

    def seek(self, t: float) -> None:
        """Show time ``t`` (running forward when ``t`` is beyond what has been simulated; a
        long run that is cancelled shows the time it got to)."""
        if self._long_running:
            return
        t = max(0.0, t)
        try:
            if not self._run_to(t):
                return
        except _Stopped:
            t = self.session.now
        self.cursor = t
        self._emit_frame()

    @property
    def seek_limit(self) -> float:
        """The latest time a seek gesture may go to: the lesson's end, or the latest time
        simulated so far when the run went further (Step looks past the end)."""
        return max(self.lesson_end, self.end_time)

    def seek_within_run(self, t: float) -> None:
        """Seek for a gesture (a click on the timeline, the seek bar): ``t`` is clamped to
        0 .. seek_limit, so a stray click never makes the window simulate far past the
        lesson (``seek`` itself goes wherever it is told, e.g. ``gui --until``)."""
        if not math.isfinite(t):
            return
        self.seek(min(max(0.0, t), self.seek_limit))

    def to_start(self) -> None:
        """Show time 0."""
        self.pause()
        self.seek(0.0)

    def to_end(self) -> None:
        """Show the scenario's end (running the simulation to it)."""
        self.pause()
        self.seek(self.lesson_end)

    def refresh(self) -> None:
        """Emit the frame for the current cursor again (after a layout change)."""
        self._emit_frame()

    def _emit_frame(self) -> None:
        held = self._held_pause
        if held is not None and held[1] == self.cursor:
            # stopped just before a pause point's instant: the world up to the pause point
            # (its question in the caption), without what follows it at that instant
            projector = self.session.projector
            state = projector.state_at_index(held[0] + 1)
            self.world = state.world(self.cursor, projector.ends, self.linger)
        else:
            self.world = self.session.world_at(self.cursor, self.linger)
        self.frame.emit(self.world)
        if self.cursor > PREPARE_BEHIND and not self._preparing.isActive():
            self._preparing.start()

    def _prepare_fork(self) -> None:
        """Bring the replay kept for a fork one slice closer to the cursor (again when idle,
        until it is there)."""
        if self._long_running:
            return  # the frame after the long run starts it again
        try:
            done = self.session.prepare_fork(
                self.cursor - PREPARE_BEHIND,
                PREPARE_SLICE_PLAYING if self._playing else PREPARE_SLICE)
        except Exception:  # noqa: BLE001 - a failing replay: a fork replays in full and says
            return
        if not done:
            self._preparing.start()

    # --- acting ----------------------------------------------------------------------------

    def act(self, name: str, *args: Any, **kwargs: Any) -> bool:
        """Apply the fault or action ``name`` at the cursor; fork first when in the past.

        Returns False (and emits ``error``) when the simulation refuses the action.
        """
        if self._long_running:
            return False
        session = self.session
        try:
            if self.in_past:
                self.forking.emit(self.cursor)
                session.fork(self.cursor)
                self.session_replaced.emit()
                self.state_changed.emit()
                if session.trace.index_at(math.nextafter(self.cursor, -math.inf)) \
                        < session.trace.index_at(self.cursor):
                    self._busy_at = session.now
            elif self.cursor > session.now:
                self._advance_simulation(self.cursor)
            self._act_at_a_clean_instant()
            method: Callable[..., Any] = getattr(session.simulation, name)
            method(*args, **kwargs)
            self._settle_instant()
        except Exception as exc:  # noqa: BLE001 - shown in a dialog, the session stays
            self.error.emit(action_failed(name, args, exc))
            self._emit_frame()
            return False
        self._emit_frame()
        return True

    def _settle_instant(self) -> None:
        """Run what an action set off at its own instant (a restarted node becoming a
        follower, a campaign, a recipe stepping down), so the picture at the cursor is the
        trace's state at the cursor, events of the same instant included. The action had its
        instant alone, so only its own consequences run; a later action moves on."""
        simulation = self.session.simulation
        before = getattr(simulation, "steps", None)
        simulation.run_until(self.cursor)
        if before is None or getattr(simulation, "steps", None) != before:
            self._busy_at = self.cursor

    def replace_session(self, session: Session) -> None:
        """Show another session from its start (a preset was opened or restarted)."""
        self.pause()
        self.session = session
        self.cursor = 0.0
        self.session_replaced.emit()
        self.state_changed.emit()
        self._emit_frame()
