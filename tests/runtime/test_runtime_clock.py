"""Local clocks: local = offset + rate * sim_time, and back."""

from __future__ import annotations

import math

import pytest

from simulator.runtime.clock import LocalClock


def test_a_skewed_drifting_clock_converts_both_ways() -> None:
    clock = LocalClock(offset=2.5, rate=1.5)
    assert clock.to_local(10.0) == pytest.approx(17.5)
    assert clock.to_sim(17.5) == pytest.approx(10.0)
    assert clock.local_duration(2.0) == pytest.approx(3.0)


def test_an_ideal_clock_is_exact_and_never_stays_never() -> None:
    clock = LocalClock()
    assert clock.to_local(1.234) == 1.234
    assert clock.to_sim(1.234) == 1.234
    assert clock.to_sim(math.inf) == math.inf


@pytest.mark.parametrize("offset, rate", [(0.0, 0.0), (0.0, -1.0), (math.nan, 1.0),
                                          (0.0, math.inf)])
def test_impossible_clocks_are_refused_with_a_message(offset: float, rate: float) -> None:
    with pytest.raises(ValueError, match="clock"):
        LocalClock(offset, rate)
