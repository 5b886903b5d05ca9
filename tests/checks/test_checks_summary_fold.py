"""A summary built up batch by batch (a window following its cursor) equals one made at once."""

from __future__ import annotations

import random
from functools import cache

import pytest

from simulator.checks import summarize
from simulator.checks.summary import SummaryFold
from simulator.config import Scenario
from simulator.presets.catalog import find_scenario
from simulator.runtime.simulation import Simulation
from simulator.trace.events import Event


@cache
def _run(preset: str, until: float) -> tuple[Scenario, tuple[Event, ...]]:
    scenario = find_scenario(preset)
    sim = Simulation(scenario)
    sim.run_until(until)
    return scenario, tuple(sim.trace.events)


@pytest.mark.parametrize(("preset", "until"), [
    ("kubernetes-clock-skew", 70.0),  # two app leaders overlap: a check waits on time
    ("pause-double-charge", 60.0),
    ("random-faults-availability", 200.0),
])
def test_a_summary_fed_in_batches_equals_a_summary_of_everything(preset: str,
                                                                  until: float) -> None:
    scenario, events = _run(preset, until)
    chooser = random.Random(preset)
    cuts = sorted(chooser.sample(range(1, len(events)), 25)) + [len(events)]
    fold = SummaryFold(scenario)
    fed = 0
    for cut in cuts:
        fold.feed(events[fed:cut])
        fed = cut
        # the cursor rests on the last event fed, or just after it
        for end in (events[cut - 1].t, events[cut - 1].t + 0.25):
            if cut < len(events) and end > events[cut].t:
                continue  # not a cursor a window could show with only these events
            assert fold.summary(end) == summarize(events[:cut], scenario, end=end)
    assert fold.events == len(events)


def test_asking_for_the_summary_changes_nothing_while_an_overlap_waits() -> None:
    scenario, events = _run("kubernetes-clock-skew", 70.0)
    overlaps = summarize(events, scenario).overlaps
    assert overlaps, "the lesson shows two acting leaders"
    start = overlaps[0].start
    cut = max(i for i, event in enumerate(events) if event.t <= start) + 1
    fold = SummaryFold(scenario)
    fold.feed(events[:cut])
    early = fold.summary(start + 1.0)  # as if the cursor stood a second later
    assert [v.what for v in early.violations] == ["app-leader-overlap"]
    fold.feed(events[cut:])
    assert fold.summary() == summarize(events, scenario)
