"""A run collects garbage less often and leaves the caller's collector settings as it found them."""

from __future__ import annotations

import gc
from collections.abc import Iterator

import pytest

from simulator.config import RaftConfig, Scenario
from simulator.runtime.gc_pacing import RUN_THRESHOLDS, fewer_collections
from simulator.runtime.simulation import Simulation


@pytest.fixture
def default_thresholds() -> Iterator[tuple[int, int, int]]:
    saved = gc.get_threshold()
    gc.set_threshold(700, 10, 10)
    yield gc.get_threshold()
    gc.set_threshold(*saved)


def test_a_run_restores_the_callers_thresholds(default_thresholds: tuple[int, int, int]) -> None:
    seen: list[tuple[int, int, int]] = []
    sim = Simulation(Scenario(name="gc", raft=RaftConfig(nodes=3)), seed=1)
    sim.trace.subscribe(lambda _event: seen.append(gc.get_threshold()), kinds=["raft.role"])
    sim.run_until(5.0)
    assert seen and all(during == RUN_THRESHOLDS for during in seen)
    assert gc.get_threshold() == default_thresholds
    assert gc.isenabled()


def test_a_nested_block_keeps_the_outer_settings(default_thresholds: tuple[int, int, int]) -> None:
    with fewer_collections():
        with fewer_collections():
            assert gc.get_threshold() == RUN_THRESHOLDS
        assert gc.get_threshold() == RUN_THRESHOLDS
    assert gc.get_threshold() == default_thresholds


def test_a_callers_disabled_young_generation_stays_off(
        default_thresholds: tuple[int, int, int]) -> None:
    gc.set_threshold(0)
    with fewer_collections():
        assert gc.get_threshold()[0] == 0
    assert gc.get_threshold()[0] == 0


def test_settings_come_back_when_the_run_fails(default_thresholds: tuple[int, int, int]) -> None:
    with pytest.raises(RuntimeError), fewer_collections():
        raise RuntimeError("a step failed")
    assert gc.get_threshold() == default_thresholds
