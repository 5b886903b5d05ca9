"""On a real run's trace, seeking with checkpoints gives exactly the world a plain fold gives."""

from __future__ import annotations

import random

from simulator.config import FaultStep, NetworkConfig, Scenario
from simulator.projection import Projector
from simulator.projection.fold import FoldState
from simulator.runtime.simulation import Simulation


def test_checkpointed_seeks_match_a_plain_fold_of_a_real_run() -> None:
    scenario = Scenario(duration=20.0, faults=(FaultStep("crash", at=6.0, target="raft-leader"),
                                               FaultStep("restart", at=12.0)))
    simulation = Simulation(scenario)
    simulation.run_until(20.0)
    events = simulation.trace.events
    projector = Projector(simulation.trace, raft_ids=scenario.raft.node_ids, checkpoint_every=97)
    rng = random.Random(11)
    for t in sorted((rng.uniform(0.0, 20.0) for _ in range(25)), key=lambda _: rng.random()):
        state = FoldState(scenario.raft.node_ids)
        for event in events[: simulation.trace.index_at(t)]:
            state.apply(event)
        assert projector.world_at(t) == state.world(t, projector.ends)
    leaders = {projector.world_at(t).leader.id for t in (5.0, 19.0)}  # type: ignore[union-attr]
    assert len(leaders) == 2, "the crash at 6 s hands leadership to another node"


def test_a_fork_reuses_checkpoints_of_the_shared_past_and_projects_the_same_worlds() -> None:
    scenario = Scenario(duration=30.0)
    simulation = Simulation(scenario)
    simulation.run_until(8.0)
    simulation.crash("n2")
    simulation.run_until(20.0)
    old = Projector(simulation.trace, raft_ids=scenario.raft.node_ids, checkpoint_every=64)
    old.world_at(20.0)
    forked = simulation.fork(15.0)
    forked.restart("n2")
    forked.run_until(18.0)
    adopted = Projector(forked.trace, raft_ids=scenario.raft.node_ids, checkpoint_every=64)
    shared = adopted.adopt(old)
    assert shared > 0.7 * forked.trace.index_at(15.0), "most of the past is shared"
    assert adopted.checkpoint_count() > 1
    fresh = Projector(forked.trace, raft_ids=scenario.raft.node_ids, checkpoint_every=64)
    for t in (17.5, 3.0, 15.0, 16.2, 9.0, 18.0):
        assert adopted.world_at(t) == fresh.world_at(t)
        assert adopted.world_at(t, linger=0.5) == fresh.world_at(t, linger=0.5)
    assert adopted.ends == fresh.ends
    assert not adopted.world_at(18.0).raft_node("n2").crashed
    assert old.world_at(18.0).raft_node("n2").crashed


def test_message_endings_carried_into_a_fork_are_those_of_its_own_trace() -> None:
    scenario = Scenario(duration=30.0, network=NetworkConfig(loss=0.2))
    simulation = Simulation(scenario)
    simulation.run_until(6.0)
    simulation.isolate("n1")
    simulation.run_until(12.0)
    old = Projector(simulation.trace, raft_ids=scenario.raft.node_ids)
    old.world_at(12.0)
    for at in (3.0, 6.0, 11.99):
        forked = simulation.fork(at)
        adopted = Projector(forked.trace, raft_ids=scenario.raft.node_ids)
        adopted.adopt(old)  # before the fork runs on: messages in flight at ``at`` stay open
        at_fork = Projector(forked.trace, raft_ids=scenario.raft.node_ids)
        assert adopted.ends == at_fork.ends
        forked.heal_all()
        forked.run_until(at + 2.0)
        fresh = Projector(forked.trace, raft_ids=scenario.raft.node_ids)
        assert adopted.ends == fresh.ends
        assert adopted.world_at(at, linger=1.0) == fresh.world_at(at, linger=1.0)
