"""One open run: the scenario, its simulation, and the projections the views draw (no Qt here).

The session owns the ``Projector`` (world at any time) and the narration of the current
simulation's trace. ``fork(at)`` replaces the simulation by a replay up to ``at`` (DESIGN.md
principle 7) and rebuilds both projections from the new trace; ``prepare_fork`` replays the run
ahead of time while the window is idle, so that a fork has little left to replay.
"""

from __future__ import annotations

import bisect
from collections.abc import Callable, Sequence
from typing import Any, Protocol

from simulator.config import Scenario
from simulator.projection import Projector, World
from simulator.projection.narration import NarrationEntry, Narrator
from simulator.trace.recorder import Trace


class SimulationLike(Protocol):
    """What the window needs of simulator.runtime.Simulation (docs/architecture.md)."""

    trace: Trace

    @property
    def now(self) -> float:
        """The simulated time the run has reached."""
        ...

    def run_until(self, t: float) -> None:
        """Run every event up to time ``t``."""
        ...

    def step(self) -> bool:
        """Process one scheduled event; False when nothing is left."""
        ...

    def fork(self, at: float) -> SimulationLike:
        """A replay of this run with the recorded actions up to ``at``."""
        ...


SimulationFactory = Callable[[Scenario, int | None], SimulationLike]


def default_factory(scenario: Scenario, seed: int | None) -> SimulationLike:
    """Build the real simulation (imported lazily: the runtime is heavy to import)."""
    from simulator.runtime.simulation import Simulation

    simulation: Any = Simulation(scenario, seed=seed)
    return simulation  # type: ignore[no-any-return]


class Session:
    """The scenario being shown, its live simulation, the projector and the narration.

    With ``start=False`` the simulation (and the runtime, slow to import) is built only when
    ``start()`` is called or the simulation is first needed; until then the session shows the
    run at time 0 from the one event a new simulation has recorded, ``run.start``
    (simulator.runtime.run_start), so the window can paint the lesson before the model exists.
    """

    def __init__(self, scenario: Scenario, seed: int | None = None,
                 factory: SimulationFactory = default_factory,
                 preset_path: str | None = None, start: bool = True) -> None:
        self.scenario = scenario
        self.seed = scenario.seed if seed is None else seed
        self.preset_path = preset_path
        self._factory = factory
        self._simulation: SimulationLike | None = None
        self._opening: Trace | None = None
        if start:
            self._simulation = factory(scenario, self.seed)
        else:
            from simulator.runtime.run_start import run_start

            self._opening = Trace()
            self._opening.emit(run_start(scenario, self.seed))
        self.forks = 0
        self.ready_forks = 0  # forks the replay kept by prepare_fork served
        self._standby: Any = None  # simulator.runtime.standby.Standby of the simulation
        self._standby_failed = False
        self._attach()

    def _attach(self) -> None:
        self.projector = self._projector()
        self._narrator = Narrator(self.scenario.apps.session_servers)
        self._narrated = 0
        self.narration: list[NarrationEntry] = []
        self._narration_times: list[float] = []

    def _projector(self) -> Projector:
        scenario = self.scenario
        return Projector(self.trace, raft_ids=scenario.raft.node_ids, app_ids=scenario.app_ids,
                         with_provider=bool(scenario.apps.servers))

    @property
    def started(self) -> bool:
        """True once the simulation has been built."""
        return self._simulation is not None

    def start(self) -> bool:
        """Build the simulation if it was left for later; True if it was built now.

        Its trace begins with the events shown so far, so the narration goes on where it was
        and the world at every time already seen stays the same.
        """
        if self._simulation is not None:
            return False
        opening = self._opening
        assert opening is not None
        simulation = self._factory(self.scenario, self.seed)
        self._simulation = simulation
        self._opening = None
        if list(simulation.trace.events[:len(opening)]) == list(opening.events):
            self.projector = self._projector()
        else:  # a factory that records something else first: start the views' feeds again
            self._attach()
        return True

    @property
    def simulation(self) -> SimulationLike:
        """The live simulation (built now if it was left for later)."""
        if self._simulation is None:
            self.start()
        assert self._simulation is not None
        return self._simulation

    @property
    def trace(self) -> Trace:
        """The current simulation's trace (before it is built: its first event, run.start)."""
        if self._simulation is None:
            assert self._opening is not None
            return self._opening
        return self._simulation.trace

    @property
    def now(self) -> float:
        """How far the simulation has run (0 before it is built)."""
        return 0.0 if self._simulation is None else self._simulation.now

    @property
    def host_ids(self) -> tuple[str, ...]:
        """Every host: Raft nodes, app servers and the provider (when there are apps)."""
        return self.scenario.all_node_ids

    @property
    def expected_latency(self) -> float:
        """The mean default link latency, to place messages whose arrival is not traced yet."""
        return self.scenario.network.latency.mean

    def world_at(self, t: float, linger: float = 0.0) -> World:
        """The projected world at ``t`` (with messages that ended in the last ``linger``
        seconds)."""
        return self.projector.world_at(t, linger)

    def update_narration(self) -> Sequence[NarrationEntry]:
        """Narrate events the trace gained since the last call; return the new entries."""
        events = self.trace.events
        start = len(self.narration)
        total = len(events)
        for index, _high, event in events.runs(self._narrated, total):
            if event is None:  # message and timer records: the narration tells none of them
                continue
            entry = self._narrator.feed(event, index)
            if entry is not None:
                self.narration.append(entry)
                self._narration_times.append(entry.t)
        self._narrated = total
        return self.narration[start:]

    def narration_count_at(self, t: float) -> int:
        """How many narration entries happened at or before ``t``."""
        return bisect.bisect_right(self._narration_times, t)

    def prepare_fork(self, upto: float, seconds: float) -> bool:
        """Spend about ``seconds`` bringing a trace-less replay of the run towards ``upto``
        (at most the run's time), so that a fork at or after there replays only the rest
        (see simulator.runtime.standby); True when there is nothing left to do now. A replay
        already past ``upto`` is dropped and a new one starts from time 0."""
        simulation = self._simulation
        if simulation is None or self._standby_failed or upto <= 0.0:
            return True
        standby = self._standby
        if standby is None or standby.now > upto or standby.run is not simulation:
            make = getattr(simulation, "standby", None)
            if make is None:
                return True  # a simulation that cannot be replayed ahead
            standby = self._standby = make()
        try:
            done: bool = standby.advance(upto, seconds)
        except Exception:
            # A replay that fails stays unused (a fork then replays in full and reports it).
            self._standby, self._standby_failed = None, True
            raise
        return done

    @property
    def standby_time(self) -> float | None:
        """How far the replay kept for the next fork has come (None: there is none)."""
        return None if self._standby is None else float(self._standby.now)

    def fork(self, at: float) -> bool:
        """Replace the simulation by a replay up to ``at`` (the old future is discarded); the
        replay kept by ``prepare_fork`` is used when it can serve (then True)."""
        old_projector = self.projector
        standby, self._standby = self._standby, None
        self._standby_failed = False
        ready = standby is not None and standby.ready_for(at)
        if ready:
            self._simulation = standby.take(at)
            self.ready_forks += 1
        else:
            self._simulation = self.simulation.fork(at)
        self.forks += 1
        self._attach()
        self.projector.adopt(old_projector)
        return ready

    def restart(self, seed: int | None = None) -> None:
        """Start the scenario again from time 0 (optionally with another seed)."""
        if seed is not None:
            self.seed = seed
        self._simulation = self._factory(self.scenario, self.seed)
        self._opening = None
        self._standby, self._standby_failed = None, False
        self._attach()
