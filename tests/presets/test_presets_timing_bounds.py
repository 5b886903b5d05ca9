"""A preset that validates stays responsive: every timing at its lowest allowed value still runs
at a bounded number of steps per simulated second (issue 14, item 9c: a renew_interval of
1e-6 s with zero latency made about a million keepalives per simulated second)."""

from __future__ import annotations

import pytest

from simulator.config import RECIPES
from simulator.presets.apps import MIN_PERIOD, MIN_TICK_MS, MIN_TTL
from simulator.presets.cluster import MIN_TIMING_MS
from simulator.presets.loader import parse_scenario
from simulator.runtime.simulation import Simulation
from simulator.trace.events import AppRole

# Three Raft nodes and three app servers at the lowest timings took 7,000 to 14,000 steps in
# their first simulated second (seed 1, by recipe); the old bounds allowed millions.
MAX_STEPS_PER_SECOND = 40_000
ZERO = '{ dist = "constant", ms = 0 }'


def fastest(recipe: str) -> str:
    """A preset with every repeating timer at its lowest allowed period and zero latencies."""
    period_ms = MIN_TIMING_MS
    return f"""
[run]
duration = 10
[network]
latency = {ZERO}
[raft]
nodes = 3
heartbeat_ms = {period_ms:g}
election_timeout_ms = [{period_ms:g}, {2 * period_ms:g}]
disk_latency = {ZERO}
[store]
lease_check_ms = {period_ms:g}
request_timeout_ms = {period_ms:g}
[apps]
count = 3
recipe = "{recipe}"
ttl = {MIN_TTL:g}
renew_interval = {MIN_PERIOD:g}
provider_processing = {ZERO}
[apps.kubernetes]
retry_period = {MIN_PERIOD:g}
jitter = 1
renew_deadline = {3 * MIN_PERIOD:g}
lease_duration = {4 * MIN_PERIOD:g}
[apps.zookeeper]
tick_time_ms = {MIN_TICK_MS:g}
session_timeout_ms = {2 * MIN_TICK_MS:g}
[apps.job]
check_interval = {MIN_PERIOD:g}
month = 1
"""


@pytest.mark.parametrize("recipe", RECIPES)
def test_the_fastest_timings_a_preset_may_set_keep_the_run_responsive(recipe: str) -> None:
    sim = Simulation(parse_scenario(fastest(recipe), "fastest.toml"), seed=1)
    sim.run_until(1.0)
    assert any(isinstance(e, AppRole) and e.leader for e in sim.trace), "no app server led"
    assert sim.steps <= MAX_STEPS_PER_SECOND
