"""A protection doing its job reads as a safeguard (blue) in the lesson that teaches it, not as harm."""

from __future__ import annotations

from simulator.presets.catalog import find_scenario
from simulator.projection.narration import SAFEGUARD, NarrationEntry, narrate
from simulator.runtime.simulation import Simulation


def _told(name: str, until: float, seed: int = 1) -> list[NarrationEntry]:
    sim = Simulation(find_scenario(name), seed)
    sim.run_until(until)
    return narrate(list(sim.trace.events))


def test_a_multi_paxos_leader_stepping_back_is_a_safeguard_like_a_raft_step_down() -> None:
    told = _told("paxos-partition", 25.0)
    step_back = [e for e in told if "stepped back" in e.text]
    assert step_back, "the lesson's old leader steps back on seeing the higher ballot"
    assert {e.level for e in step_back} == {SAFEGUARD}


def test_a_renewal_refused_without_a_paxos_quorum_is_the_lessons_protection() -> None:
    told = _told("eventual-lwt", 30.0)
    refused = [e for e in told if e.text.startswith("app1's renewal failed")]
    assert refused and {e.level for e in refused} == {SAFEGUARD}
    assert any("Paxos needs 2" in e.text for e in refused)
    # the minority side's replicas are cut off, not crashed: the coordinator cannot reach them
    # (once a request found them silent, app1's next transaction fails fast as unavailable)
    failed = [e for e in told if e.text.startswith("app1's") and " failed (" in e.text]
    assert not any(" down)" in e.text for e in failed)
    assert any("unreachable)" in e.text for e in failed)
