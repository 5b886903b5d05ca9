"""The checkquorum-overlap-lessors lesson (issue 14 item 3): two Raft leaders in different terms
and two primary lessors at once, a keepalive answered by the cut-off old leader, and still never
two acting app leaders."""

from simulator.checks import summarize
from simulator.presets.catalog import find_scenario
from simulator.runtime.simulation import Simulation
from simulator.trace.events import LeasePrimary, LeaseRenew, RaftRole


def test_two_primaries_for_a_moment_and_no_two_acting_app_leaders() -> None:
    scenario = find_scenario("checkquorum-overlap-lessors")
    sim = Simulation(scenario, scenario.seed)
    sim.run_until(scenario.duration)
    events = list(sim.trace)
    cut = 32.9
    demoted = next(e.t for e in events if isinstance(e, LeasePrimary) and e.node == "n1"
                   and not e.primary and e.t >= cut)
    promoted = next(e for e in events if isinstance(e, LeasePrimary) and e.node != "n1"
                    and e.primary and e.t >= cut)
    assert promoted.t < demoted  # two lessors think they are primary
    stepped_down = next(e.t for e in events if isinstance(e, RaftRole) and e.node == "n1"
                        and e.t >= cut)
    assert cut + 1.0 <= stepped_down <= cut + 2.0  # CheckQuorum as etcd times it
    stale = [e for e in events if isinstance(e, LeaseRenew) and e.node == "n1" and e.t >= cut]
    assert stale  # the cut-off leader answered app1's keepalive
    summary = summarize(events, scenario, end=scenario.duration)
    assert summary.overlaps == () and summary.safe
