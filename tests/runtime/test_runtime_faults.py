"""The scenario's fault schedule, symbolic targets, narration, and clear errors for bad input."""

from __future__ import annotations

import pytest
from runtime_helpers import leader_after, scenario

from simulator.config import (
    CaptionStep,
    FaultStep,
    LinkOverride,
    NetworkConfig,
    PauseStep,
    Scenario,
)
from simulator.runtime.simulation import Simulation
from simulator.trace.events import (
    Caption,
    NetCut,
    NodeClock,
    NodeCrash,
    NodePause,
    NodeRestart,
    PausePoint,
    RunStart,
    UserAction,
)
from simulator.trace.export import to_jsonl


def _actions(sim: Simulation) -> list[UserAction]:
    return [e for e in sim.trace if isinstance(e, UserAction)]


def test_run_start_is_the_first_event() -> None:
    sim = Simulation(scenario(), seed=5)
    sim.run_until(1.0)
    first = sim.trace.events[0]
    assert isinstance(first, RunStart) and (first.seed, first.preset, first.t) == (5, "test", 0.0)


def test_crash_the_leader_then_restart_it_after_a_delay() -> None:
    faults = (FaultStep("crash", at=5.0, target="raft-leader"), FaultStep("restart", after=4.0))
    sim = Simulation(scenario(faults=faults))
    leader = leader_after(sim, 4.9)
    sim.run_until(12.0)
    crashes = [e for e in sim.trace if isinstance(e, NodeCrash)]
    restarts = [e for e in sim.trace if isinstance(e, NodeRestart)]
    assert [(e.t, e.node) for e in crashes] == [(5.0, leader)]
    assert [(e.t, e.node) for e in restarts] == [(9.0, leader)]
    assert [(e.t, e.action, e.target) for e in _actions(sim)] == [
        (5.0, "crash", leader), (9.0, "restart", leader)]
    assert sim.actions == []  # schedule steps are part of the scenario, not user actions


def test_follower_and_all_targets() -> None:
    faults = (FaultStep("pause", at=5.0, target="follower", duration=0.5),
              FaultStep("clock", at=6.0, target="all", rate=1.01))
    sim = Simulation(scenario(faults=faults))
    leader = leader_after(sim, 4.9)
    sim.run_until(7.0)
    expected = min(n for n in sim.raft_hosts if n != leader)
    assert [(e.t, e.node) for e in sim.trace if isinstance(e, NodePause)] == [(5.0, expected)]
    clocks = [e for e in sim.trace if isinstance(e, NodeClock)]
    assert sorted(e.node for e in clocks) == sorted(sim.raft_hosts)
    assert all(e.rate == 1.01 and e.offset == 0.0 for e in clocks)


def test_a_step_that_cannot_run_is_traced_as_skipped_and_the_run_goes_on() -> None:
    faults = (FaultStep("crash", at=0.5, target="raft-leader"),)
    sim = Simulation(scenario(faults=faults))
    sim.run_until(5.0)
    (skipped,) = _actions(sim)
    assert skipped.t == 0.5 and "skipped: there is no Raft leader now" in skipped.detail
    assert sim.raft_leader() is not None


def test_partition_isolate_cut_loss_and_heal_steps() -> None:
    faults = (
        FaultStep("partition", at=5.0, groups=(("n1", "n2"), ("n3", "n4", "n5"))),
        FaultStep("heal", at=6.0),
        FaultStep("isolate", at=7.0, target="n2"),
        FaultStep("heal", at=8.0),
        FaultStep("cut", at=9.0, target="n1", peer="n2", both_ways=False),
        FaultStep("loss", at=10.0, target="n1", peer="n3", value=0.5),
        FaultStep("latency", at=10.0, value=0.02),
        FaultStep("timeout", at=11.0, target="n4"),
    )
    sim = Simulation(scenario(faults=faults))
    sim.run_until(12.0)
    cuts = [(e.t, e.src, e.dst) for e in sim.trace if isinstance(e, NetCut)]
    assert {(s, d) for t, s, d in cuts if t == 5.0} == {
        (a, b) for a in ("n1", "n2") for b in ("n3", "n4", "n5")} | {
        (b, a) for a in ("n1", "n2") for b in ("n3", "n4", "n5")}
    assert (7.0, "n2", "n1") in cuts and (7.0, "n1", "n2") in cuts
    assert (9.0, "n1", "n2") in cuts and (9.0, "n2", "n1") not in cuts
    assert sim.network.loss_of("n1", "n3") == 0.5 and sim.network.loss_of("n3", "n1") == 0.5
    assert sim.network.latency_of("n4", "n5").describe() == "constant 20 ms"
    assert [e.action for e in _actions(sim)][-1] == "force_timeout"


def test_captions_and_pause_points_appear_at_their_times() -> None:
    base = scenario()
    narrated = Scenario(name="lesson", raft=base.raft, network=base.network,
                        captions=(CaptionStep(0.0, "Five nodes"), CaptionStep(2.5, "A leader")),
                        pauses=(PauseStep(3.0, "Who leads?"),))
    sim = Simulation(narrated)
    sim.run_until(4.0)
    assert [(e.t, e.text) for e in sim.trace if isinstance(e, Caption)] == [
        (0.0, "Five nodes"), (2.5, "A leader")]
    assert [(e.t, e.question) for e in sim.trace if isinstance(e, PausePoint)] == [
        (3.0, "Who leads?")]


@pytest.mark.parametrize("step, message", [
    (FaultStep("explode", at=1.0), r"faults\[1\] \(explode\): unknown action"),
    (FaultStep("crash", at=1.0, target="n9"), r"faults\[1\] \(crash\): unknown target 'n9'"),
    (FaultStep("crash", at=1.0), r"faults\[1\] \(crash\): 'target' is required"),
    (FaultStep("pause", at=1.0, target="n1"), "'duration' must be a positive"),
    (FaultStep("loss", at=1.0, value=2.0), "loss probability between 0 and 1"),
    (FaultStep("cut", at=1.0, target="n1"), "'peer' is required"),
    (FaultStep("crash", at=1.0, after=2.0, target="n1"), "either 'at' or 'after'"),
    (FaultStep("exception", at=1.0, target="n1"), "'n1' is not an app server"),
    (FaultStep("random-faults", at=1.0), r"'value' \(every\) must be the mean number"),
    (FaultStep("random-faults", at=1.0, value=5.0, duration=-1.0), "'duration' must be"),
])
def test_a_bad_schedule_is_refused_with_the_step_and_the_problem(step: FaultStep,
                                                               message: str) -> None:
    with pytest.raises(ValueError, match=message):
        Simulation(scenario(faults=(step,)))


def test_user_actions_with_bad_targets_get_clear_messages() -> None:
    sim = Simulation(scenario())
    with pytest.raises(ValueError, match=r"unknown node 'n9' \(known: n1, n2, n3, n4, n5\)"):
        sim.crash("n9")
    with pytest.raises(ValueError, match="no Raft leader now"):
        sim.crash("raft-leader")
    with pytest.raises(ValueError, match="unknown app server 'app1'"):
        sim.app_exception("app1")
    with pytest.raises(ValueError, match="unknown app server 'app2'"):
        sim.app_shutdown("app2")
    with pytest.raises(ValueError, match="not crashed"):
        sim.restart("n1")
    with pytest.raises(ValueError, match="clock rate must be a positive"):
        sim.set_clock("n1", 0.0, 0.0)
    with pytest.raises(ValueError, match="cannot run back"):
        sim.run_until(-1.0)
    with pytest.raises(ValueError, match="n2 is in two partition groups"):
        sim.partition([["n1", "n2"], ["n2", "n3"]])
    sim.crash("n1")
    with pytest.raises(ValueError, match="already crashed"):
        sim.crash("n1")
    assert [a.name for a in sim.actions] == ["crash"]  # refused actions are not recorded


def test_a_configured_link_to_an_unknown_node_names_the_link() -> None:
    base = scenario()
    bad = Scenario(name="x", raft=base.raft, network=NetworkConfig(
        links=(LinkOverride("n1", "n7", loss=0.5),)))
    with pytest.raises(ValueError, match=r"network.links\[1\] \(n1-n7\): .*unknown host 'n7'"):
        Simulation(bad)


@pytest.mark.parametrize("raft, message", [
    ({"nodes": 0}, "raft.nodes must be at least 1"),
    ({"heartbeat_interval": -0.1}, "raft.heartbeat_interval must be a positive number"),
    ({"election_timeout_min": 2.0, "election_timeout_max": 1.0},
     r"raft.election_timeout_max \(1.0\) must be >= election_timeout_min"),
])
def test_a_bad_cluster_configuration_names_the_key(raft: dict[str, float], message: str) -> None:
    with pytest.raises(ValueError, match=message):
        Simulation(scenario(**raft))  # type: ignore[arg-type]


def test_random_faults_come_one_at_a_time_are_repaired_and_repeat_with_the_seed() -> None:
    step = FaultStep("random-faults", at=5.0, value=4.0, duration=60.0)
    sim = Simulation(scenario(faults=(step,)))
    sim.run_until(100.0)
    faults = [e for e in sim.trace if e.kind in ("node.crash", "node.pause", "net.cut")]
    assert len(faults) >= 5
    assert min(e.t for e in faults) > 5.0
    assert {e.kind for e in faults} >= {"node.crash", "node.pause"}
    assert sim.crashed_nodes() == [] and sim.network.cut_links == ()  # all repaired
    scheduled = [e for e in _actions(sim) if e.action in ("crash", "pause", "isolate")]
    assert scheduled and all(e.detail.startswith("schedule") for e in scheduled)
    assert max(e.t for e in scheduled) < 65.0
    # one fault at a time: every crash is followed by its restart before the next fault
    order = [(e.action, e.target) for e in _actions(sim) if e.action in ("crash", "restart")]
    for (first, node), (second, again) in zip(order[::2], order[1::2], strict=False):
        assert (first, second, node) == ("crash", "restart", again)
    assert sim.actions == []
    again_sim = Simulation(scenario(faults=(step,)))
    again_sim.run_until(100.0)
    assert to_jsonl(again_sim.trace) == to_jsonl(sim.trace)
    assert sim.raft_leader() is not None
