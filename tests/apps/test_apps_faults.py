"""App-level faults: clocks, scheduled faults with symbolic targets, bad requests, determinism."""

from __future__ import annotations

import dataclasses

import pytest
from apptools import next_leader, roles, scenario, settled_leader

from simulator.checks.leadership import check_leadership
from simulator.config import FaultStep, Scenario
from simulator.runtime.simulation import Simulation
from simulator.trace.events import AppRole, UserAction, Work


def cut_from_store(sim: Simulation, server: str) -> None:
    """Cut every link between ``server`` and the Raft members (it keeps running)."""
    for node in sorted(sim.raft_hosts):
        sim.cut(server, node)


@pytest.mark.parametrize("seed", [1, 2])
def test_kubernetes_a_leader_whose_clock_runs_slow_overlaps_its_successor(seed: int) -> None:
    sim = Simulation(scenario("kubernetes"), seed=seed)
    leader = settled_leader(sim, 3.0)
    # from now on its clock advances at half speed: RenewDeadline lasts twice as long
    sim.set_clock(leader, sim.clock_of(leader).to_local(3.0) - 0.5 * 3.0, 0.5)
    sim.run_until(5.0)
    cut_from_store(sim, leader)
    sim.run_until(15.0)
    report = check_leadership(sim.trace, 15.0)
    assert report.overlaps, "two servers believed they lead at the same time"
    assert leader in report.overlaps[0].servers


@pytest.mark.parametrize("seed", [1, 2])
def test_kubernetes_tolerates_clock_skew_without_overlap(seed: int) -> None:
    sim = Simulation(scenario("kubernetes"), seed=seed)
    # skewed wall clocks from the start (same rate): each server only compares its own times
    for server, offset in zip(sorted(sim.app_hosts), (-1000.0, 0.0, 1000.0), strict=True):
        sim.set_clock(server, offset, 1.0)
    leader = settled_leader(sim, 3.0)
    sim.run_until(5.0)
    cut_from_store(sim, leader)
    successor = next_leader(sim, 5.0, 15.0)
    sim.run_until(15.0)
    report = check_leadership(sim.trace, 15.0)
    assert report.overlaps == ()
    stopped = [e.t for e in roles(sim) if e.server == leader and not e.leader]
    # the cut-off leader gives up after RenewDeadline, before LeaseDuration lets others in
    assert stopped and stopped[0] < successor.t


def test_scheduled_app_faults_resolve_symbolic_targets_when_they_run() -> None:
    base = scenario("etcd")
    faults = (
        FaultStep("exception", at=3.0, target="app-leader"),
        FaultStep("exception", at=3.5, target="app-follower"),
        FaultStep("crash", at=6.0, target="app-leader"),
        FaultStep("shutdown", at=10.0, target="app-follower"),
    )
    sim = Simulation(dataclasses.replace(base, faults=faults), seed=6)
    sim.run_until(12.0)
    actions = [e for e in sim.trace if isinstance(e, UserAction)]
    names = [(a.t, a.action) for a in actions]
    assert names == [(3.0, "app_exception"), (3.5, "exception"), (6.0, "crash"),
                     (10.0, "app_shutdown")]
    assert "skipped" in actions[1].detail and "not leading" in actions[1].detail
    leaders = [e for e in roles(sim) if e.leader]
    first = leaders[0].server
    assert actions[0].target == first
    second = next(e.server for e in leaders if e.t > 3.0)
    assert actions[2].target == second
    assert not sim.app_hosts[second].alive
    assert sim.app_hosts[actions[3].target].stopped


def test_app_faults_refuse_what_cannot_happen_with_one_clear_message() -> None:
    sim = Simulation(scenario("seed"), seed=1)
    leader = settled_leader(sim, 3.0)
    follower = next(s for s in sorted(sim.app_hosts) if s != leader)
    with pytest.raises(ValueError, match="not leading"):
        sim.app_exception(follower)
    with pytest.raises(ValueError, match="unknown app server 'n1'"):
        sim.app_exception("n1")
    sim.crash(follower)
    with pytest.raises(ValueError, match="crashed"):
        sim.app_shutdown(follower)
    sim.app_shutdown(leader)
    sim.run_until(3.5)
    with pytest.raises(ValueError, match="shut down"):
        sim.app_shutdown(leader)
    with pytest.raises(ValueError, match="runs no app servers"):
        Simulation(Scenario(), seed=1).app_exception("app1")


def test_a_server_not_yet_started_or_already_shutting_down_refuses_a_shutdown() -> None:
    base = scenario("etcd")
    late = dataclasses.replace(base.apps.servers[0], start_at=3.0)
    sim = Simulation(dataclasses.replace(
        base, apps=dataclasses.replace(base.apps, servers=(late, *base.apps.servers[1:]))),
        seed=1)
    with pytest.raises(ValueError, match=r"app1 has not started yet \(it starts at 3 s\)"):
        sim.app_shutdown("app1")
    leader = settled_leader(sim, 5.0)
    sim.app_shutdown(leader)
    with pytest.raises(ValueError, match="already shutting down"):
        sim.app_shutdown(leader)
    assert [a.name for a in sim.actions] == ["app_shutdown"]


def test_one_seed_and_the_same_actions_give_the_same_run() -> None:
    def run() -> list[object]:
        sim = Simulation(scenario("zookeeper", protection="fencing"), seed=9)
        leader = settled_leader(sim, 3.0)
        sim.pause(leader, 3.0)
        sim.run_until(8.0)
        sim.app_exception("app-leader")
        sim.run_until(12.0)
        return list(sim.trace)

    first, second = run(), run()
    assert first == second
    assert any(isinstance(e, AppRole) and e.t > 8.0 for e in first)


def test_a_fork_replays_the_app_faults() -> None:
    sim = Simulation(scenario("seed"), seed=4)
    settled_leader(sim, 3.0)
    sim.app_exception("app-leader")
    sim.run_until(6.0)
    sim.crash("app-leader")
    sim.run_until(10.0)
    fork = sim.fork(10.0)
    assert list(fork.trace) == list(sim.trace)


def test_a_preset_may_crash_and_restart_the_provider_by_its_id() -> None:
    faults = (FaultStep("crash", at=3.0, target="provider"),
              FaultStep("restart", at=5.0, target="provider"))
    sim = Simulation(dataclasses.replace(scenario("seed"), faults=faults), seed=2)
    sim.run_until(8.0)
    steps = [(e.t, e.action, e.target, e.detail) for e in sim.trace
             if isinstance(e, UserAction)]
    assert [(t, a, target) for t, a, target, _ in steps] == [(3.0, "crash", "provider"),
                                                             (5.0, "restart", "provider")]
    assert not any("skipped" in detail for *_, detail in steps)
    works = [e for e in sim.trace if isinstance(e, Work)]
    assert not [e for e in works if 3.0 < e.t < 5.0], "a crashed provider charges nothing"
    assert [e for e in works if e.t > 5.0], "after its restart it charges again"


def test_random_faults_never_repair_what_another_step_broke() -> None:
    faults = (FaultStep("crash", at=1.0, target="n1"),
              FaultStep("random-faults", at=2.0, value=1.0, duration=40.0))
    sim = Simulation(dataclasses.replace(scenario("seed"), faults=faults), seed=3)
    sim.run_until(50.0)
    on_n1 = [e for e in sim.trace if isinstance(e, UserAction) and e.target == "n1"]
    assert any("skipped" in e.detail for e in on_n1), "the random faults picked n1 at least once"
    assert [e.action for e in on_n1 if "skipped" not in e.detail] == ["crash"]
    assert not sim.raft_hosts["n1"].alive, "n1 stays down: the lesson crashed it for good"


def test_random_isolations_heal_only_the_links_they_cut() -> None:
    faults = (FaultStep("cut", at=1.0, target="n2", peer="n1", both_ways=False),
              FaultStep("random-faults", at=2.0, value=1.0, duration=60.0))
    sim = Simulation(dataclasses.replace(scenario("seed"), faults=faults), seed=1)
    sim.run_until(70.0)
    isolated = {e.target for e in sim.trace if isinstance(e, UserAction)
                and e.action == "isolate" and "skipped" not in e.detail}
    assert isolated & {"n1", "n2"}, "the random faults isolated an end of the cut link"
    assert sim.network.cut_links == (("n2", "n1"),), "the lesson's one-way cut stays"


def test_restart_all_brings_back_every_crashed_host() -> None:
    faults = (FaultStep("crash", at=3.0, target="app-leader"),
              FaultStep("crash", at=3.0, target="n1"),
              FaultStep("crash", at=3.0, target="provider"),
              FaultStep("restart", at=5.0, target="all"))
    sim = Simulation(dataclasses.replace(scenario("seed"), faults=faults), seed=2)
    sim.run_until(6.0)
    restarted = sorted(e.target for e in sim.trace
                       if isinstance(e, UserAction) and e.action == "restart")
    assert len(restarted) == 3 and {"n1", "provider"} < set(restarted)
    assert all(sim.any_host(node).alive for node in sim.network.node_ids)
