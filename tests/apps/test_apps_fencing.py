"""The classic hazard (Kleppmann 2016), reproduced and fixed.

The leader decides what to charge, then a long pause (GC, a stopped VM) freezes it before it
sends the charge. Its lease runs out, another server takes over and charges the same job. The
old leader resumes still believing it leads and sends its stale charge. Without protection the
customer pays twice; with fencing tokens or idempotency keys the provider rejects it.
"""

from __future__ import annotations

import pytest
from apptools import scenario, settled_leader

from simulator.checks.charges import check_charges
from simulator.runtime.simulation import Simulation
from simulator.trace.events import AppRole, KvComplete, KvInvoke, MsgSend, NodeResume, Work

PAUSE = 5.0


def pause_after_deciding(recipe: str, protection: str) -> tuple[Simulation, str, float]:
    """Pause the leader right after it read the paid marks (deciding), before it charges."""
    sim = Simulation(scenario(recipe, protection=protection, contracts=8, month=6.0),
                     seed=21)
    leader = settled_leader(sim, 1.5)
    reads: set[tuple[str, int]] = set()
    seen = 0
    while True:
        assert sim.now < 12.0, "the leader never had anything to charge"
        sim.step()
        events = sim.trace.events
        fresh, seen = events[seen:], len(events)
        for e in fresh:
            if isinstance(e, KvInvoke) and e.client == leader and e.key is not None and e.key.startswith("/payments/"):
                reads.add((e.client, e.op_id))
        if any(isinstance(e, KvComplete) and (e.client, e.op_id) in reads for e in fresh):
            break
    paused_at = sim.now
    sim.pause(leader, PAUSE)
    sim.run_until(paused_at + PAUSE + 3.0)
    return sim, leader, paused_at


def stale_work(sim: Simulation, leader: str, paused_at: float) -> list[Work]:
    """The charges the old leader's stale request produced at the provider."""
    return [e for e in sim.trace if isinstance(e, Work) and e.server == leader
            and e.t >= paused_at + PAUSE]


@pytest.mark.parametrize("recipe", ["seed", "etcd", "zookeeper"])
def test_without_protection_the_paused_leader_charges_a_customer_twice(recipe: str) -> None:
    sim, leader, paused_at = pause_after_deciding(recipe, "none")
    resumed = next(e.t for e in sim.trace if isinstance(e, NodeResume) and e.node == leader)
    # it resumed still believing it leads, and sent the charge before it noticed
    sent = [e for e in sim.trace if isinstance(e, MsgSend) and e.src == leader
            and e.type == "Charge" and e.t >= resumed]
    stepped_down = [e for e in sim.trace if isinstance(e, AppRole) and e.server == leader
                    and not e.leader]
    assert sent and stepped_down
    assert sent[0].t == resumed and stepped_down[0].t >= resumed
    # meanwhile another server led and charged the same job
    takeover = [e for e in sim.trace if isinstance(e, AppRole) and e.leader
                and paused_at < e.t < resumed]
    assert takeover and takeover[0].server != leader
    stale = stale_work(sim, leader, paused_at)
    assert stale and stale[0].accepted and stale[0].duplicate
    report = check_charges(sim.trace)
    assert [d.job for d in report.double_charges] == [stale[0].job]
    assert sim.provider_host is not None
    assert sim.provider_host.ledger.times_charged(stale[0].job) == 2


@pytest.mark.parametrize("protection", ["fencing", "idempotency"])
@pytest.mark.parametrize("recipe", ["seed", "etcd", "zookeeper"])
def test_fencing_tokens_or_idempotency_keys_reject_the_stale_charge(recipe: str,
                                                                   protection: str) -> None:
    sim, leader, paused_at = pause_after_deciding(recipe, protection)
    stale = stale_work(sim, leader, paused_at)
    assert stale, "the paused leader still sent its charge"
    assert not stale[0].accepted
    if protection == "fencing":
        newer = [e.token for e in sim.trace if isinstance(e, Work) and e.accepted
                 and e.server != leader and e.t < stale[0].t]
        assert stale[0].token is not None and newer and max(newer) > stale[0].token
        assert "stale token" in stale[0].reason
    else:
        assert "idempotency key" in stale[0].reason
    report = check_charges(sim.trace)
    assert report.double_charges == ()
    assert report.rejected >= 1
    assert sim.provider_host is not None
    assert all(n == 1 for n in sim.provider_host.ledger.charged.values())
