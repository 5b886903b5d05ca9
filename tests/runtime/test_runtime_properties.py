"""Random fault schedules with proposals: Raft's safety holds and the cluster recovers.

Checked from the trace alone: at most one leader per term; no two nodes apply different
commands at the same index; once every fault is healed a leader is elected and a new proposal
commits on a majority.
"""

from __future__ import annotations

import random

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from runtime_helpers import applied_by_index, leaders_by_term, scenario

from simulator.runtime.simulation import Simulation
from simulator.trace.events import RaftApply

NODES = ("n1", "n2", "n3", "n4", "n5")

operation = st.tuples(
    st.floats(0.05, 2.5),  # time until the operation
    st.sampled_from(["crash", "restart", "pause", "partition", "isolate", "heal", "loss",
                     "propose", "propose", "clock"]),
    st.integers(0, len(NODES) - 1),
    st.integers(0, 2**16),
)


MAX_EVENTS_PER_SECOND = 20_000  # a healthy 5-node cluster makes a few hundred


def _run(sim: Simulation, until: float) -> None:
    """Run in slices, failing fast on a message storm instead of hanging."""
    while sim.now < until:
        before = len(sim.trace)
        step_end = min(until, sim.now + 0.5)
        sim.run_until(step_end)
        assert len(sim.trace) - before < MAX_EVENTS_PER_SECOND / 2, f"event storm at {sim.now} s"


def _apply(sim: Simulation, kind: str, index: int, extra: int, counter: list[int]) -> None:
    node = NODES[index]
    try:
        if kind == "crash":
            sim.crash(node)
        elif kind == "restart":
            sim.restart(node)
        elif kind == "pause":
            sim.pause(node, 0.2 + (extra % 40) / 10)
        elif kind == "partition":
            cut = 1 + extra % 4
            order = random.Random(extra).sample(NODES, len(NODES))
            sim.partition([order[:cut], order[cut:]])
        elif kind == "isolate":
            sim.isolate(node)
        elif kind == "heal":
            sim.heal_all()
        elif kind == "loss":
            sim.set_loss((extra % 4) / 10)
        elif kind == "clock":
            sim.set_clock(node, offset=(extra % 7) - 3.0, rate=0.8 + (extra % 5) / 10)
        else:
            counter[0] += 1
            sim.propose(f"p{counter[0]}")
    except ValueError:
        pass  # e.g. crashing a crashed node: not a valid action right now


@settings(max_examples=60, deadline=None, derandomize=True,
          suppress_health_check=[HealthCheck.too_slow])
@given(seed=st.integers(0, 10_000), operations=st.lists(operation, min_size=1, max_size=25))
def test_random_faults_keep_raft_safe_and_it_recovers_once_healed(
        seed: int, operations: list[tuple[float, str, int, int]]) -> None:
    sim = Simulation(scenario(), seed=seed)
    _run(sim, 2.0)
    counter = [0]
    for delay, kind, index, extra in operations:
        _run(sim, sim.now + delay)
        _apply(sim, kind, index, extra, counter)
    sim.heal_all()
    sim.set_loss(0.0)
    for node in sim.crashed_nodes():
        sim.restart(node)
    for node in NODES:
        sim.set_clock(node, offset=sim.clock_of(node).offset, rate=1.0)
    _run(sim, sim.now + 15.0)  # any pause is over (<= 4.2 s) and a leader is elected
    leader = sim.raft_leader()
    assert leader is not None, "no leader after healing every fault"
    index = sim.propose("final")
    assert index is not None
    _run(sim, sim.now + 3.0)
    events = sim.trace.events
    for term, leaders in leaders_by_term(events).items():
        assert len(leaders) == 1, f"term {term} had leaders {sorted(leaders)}"
    for at, commands in applied_by_index(events).items():
        assert len(commands) == 1, f"index {at} applied as {sorted(commands)}"
    finals = {e.node for e in events if isinstance(e, RaftApply) and e.cmd == "final"}
    assert len(finals) >= 3, f"'final' applied only on {sorted(finals)}"
