"""The payment job and the provider: every due charge is made once, even when the provider is
slow or crashes for a while."""

from __future__ import annotations

import dataclasses

from apptools import scenario

from simulator.config import Latency
from simulator.payments.contracts import due_charges, make_contracts
from simulator.rng import Streams
from simulator.runtime.simulation import Simulation
from simulator.trace.events import Work


def due_jobs(sim: Simulation, by: float) -> set[str]:
    """The jobs of the scenario's contracts due at or before ``by``."""
    job = sim.scenario.apps.job
    contracts = make_contracts(job, Streams(sim.seed).get("payments/contracts"))
    return {charge.job for charge in due_charges(contracts, job.month, by)}


def accepted(sim: Simulation) -> list[str]:
    return [e.job for e in sim.trace if isinstance(e, Work) and e.accepted]


def test_the_leader_charges_every_due_contract_once_even_through_a_slow_provider() -> None:
    base = scenario("seed", contracts=3)  # 3 charges a 10 s month: 2.5 s each keeps up
    slow = dataclasses.replace(base.apps, provider=dataclasses.replace(
        base.apps.provider, processing=Latency.constant(2.5)))
    sim = Simulation(dataclasses.replace(base, apps=slow), seed=3)
    sim.run_until(25.0)
    charged = accepted(sim)
    assert len(charged) == len(set(charged)), "nobody was charged twice"
    assert due_jobs(sim, 15.0) <= set(charged)
    works = [e for e in sim.trace if isinstance(e, Work)]
    assert all(e.due is not None and e.t >= e.due for e in works), "never charged before due"


def test_charges_lost_in_a_provider_crash_are_made_again_later_and_only_once() -> None:
    sim = Simulation(scenario("etcd", protection="none"), seed=5)
    sim.run_until(4.0)
    sim.crash("provider")
    sim.run_until(7.0)
    sim.restart("provider")
    sim.run_until(20.0)
    charged = accepted(sim)
    assert len(charged) == len(set(charged))
    assert due_jobs(sim, 10.0) <= set(charged)
    during = [e for e in sim.trace if isinstance(e, Work) and 4.0 <= e.t < 7.0]
    assert during == [], "a crashed provider books nothing"
