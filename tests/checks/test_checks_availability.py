"""Availability over a run and its nines, from a known downtime."""

import pytest

from simulator.checks import MAX_NINES, check_leadership, measure_availability, nines
from simulator.trace.events import AppRole, NodeCrash


def test_nines_of_known_availabilities() -> None:
    assert nines(0.9) == pytest.approx(1.0)
    assert nines(0.999) == pytest.approx(3.0)
    assert nines(0.99995) == pytest.approx(4.30103, abs=1e-5)
    assert nines(0.0) == 0.0
    assert nines(1.0) == MAX_NINES


def test_nines_rejects_a_fraction_out_of_range() -> None:
    with pytest.raises(ValueError, match="within"):
        nines(1.5)


def test_availability_of_a_run_with_known_downtime() -> None:
    # leader from 10 s; crash at 1000 s; next leader at 1001 s; run ends at 10010 s
    events = [
        AppRole(10.0, "app1", True, 1),
        NodeCrash(1000.0, "app1"),
        AppRole(1001.0, "app2", True, 2),
    ]
    result = measure_availability(check_leadership(events, end=10010.0))
    assert result.window == pytest.approx(10000.0)
    assert result.downtime == pytest.approx(1.0)
    assert result.availability == pytest.approx(0.9999)
    assert result.nines == pytest.approx(4.0)
    assert result.first_leader_at == 10.0
    assert not result.no_downtime


def test_a_run_without_downtime_is_capped_and_says_so() -> None:
    result = measure_availability(check_leadership([AppRole(2.0, "app1", True, 1)], end=60.0))
    assert result.no_downtime and result.availability == 1.0 and result.nines == MAX_NINES


def test_a_run_where_nobody_ever_leads_is_entirely_down() -> None:
    result = measure_availability(check_leadership([], end=30.0), start=0.0)
    assert result.availability == 0.0 and result.downtime == pytest.approx(30.0)
    assert not result.no_downtime
