"""The ZooKeeper twin lessons tell the truth for several seeds: the leader cut off at 30 s is
Disconnected at about 36.4 s, the ensemble expires its session before 40.5 s and the next server
leads; with stop_on = "disconnected" app1 stopped before that (no overlap), with "expired" it
acts until it learns Expired after the heal at 50 s (an overlap). Nobody is charged twice."""

from __future__ import annotations

import pytest

from simulator.checks.leadership import check_leadership
from simulator.presets.catalog import find_scenario
from simulator.runtime.simulation import Simulation
from simulator.trace.events import AppRole, AppSession, LeaseRevoke, Work


@pytest.mark.parametrize("seed", [1, 4])
@pytest.mark.parametrize("lesson", ["zookeeper-disconnected", "zookeeper-expired"])
def test_the_twin_lessons_captions_hold(lesson: str, seed: int) -> None:
    sim = Simulation(find_scenario(lesson), seed=seed)
    sim.run_until(55.0)
    trace = list(sim.trace)
    states = [(e.t, e.state) for e in trace if isinstance(e, AppSession) and e.server == "app1"]
    assert [s for _, s in states][:4] == ["connected", "disconnected", "expired", "connected"]
    disconnected, expired = states[1][0], states[2][0]
    assert 36.0 < disconnected < 36.5 and 50.0 < expired < 50.5
    first = next(e for e in trace if isinstance(e, AppRole) and e.leader)
    assert first.server == "app1" and first.t < 5.0
    revoked = [e.t for e in trace if isinstance(e, LeaseRevoke) and e.reason == "expired"]
    successor = next(e for e in trace if isinstance(e, AppRole) and e.leader
                     and e.server != "app1")
    assert revoked and disconnected < revoked[0] < successor.t < 40.5
    stopped = [e.t for e in trace if isinstance(e, AppRole) and e.server == "app1"
               and not e.leader]
    overlaps = check_leadership(trace, sim.now).overlaps
    if lesson == "zookeeper-disconnected":
        assert stopped[0] == disconnected and overlaps == ()
    else:
        assert stopped[0] == expired
        assert [(o.start, o.end) for o in overlaps] == [(successor.t, expired)]
    assert not [e for e in trace if isinstance(e, Work) and (e.duplicate or (
        e.server == "app1" and 30.0 < e.t))]
