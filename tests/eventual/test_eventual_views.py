"""The eventual store as the views show it: replicas' copies of the leader key, narration."""

from __future__ import annotations

from simulator.presets.catalog import find_scenario
from simulator.projection import Projector
from simulator.projection.narration import narrate
from simulator.runtime.simulation import Simulation


def _sim(name: str, until: float) -> Simulation:
    sim = Simulation(find_scenario(name), 1)
    sim.run_until(until)
    return sim


def test_the_replicas_show_the_newest_copy_and_the_expired_ones() -> None:
    sim = _sim("eventual-clock-skew", 42.0)
    world = Projector(sim.trace, sim.scenario.raft.node_ids).world_at(42.0)
    nodes = {v.id: v for v in world.raft}
    holders = sorted(n for n, v in nodes.items() if v.replica_newest)
    assert holders == ["n1", "n3", "n4"]
    assert all(nodes[n].replica_value == "app1" and nodes[n].replica_ts[1] == "n1"
               for n in holders)
    assert not any(nodes[n].replica_live(42.0) for n in holders)  # aged out, not replaced
    assert world.protocol == "none" and nodes["n2"].replica_text == "empty"


def test_narration_says_which_write_was_ignored_and_why() -> None:
    sim = _sim("eventual-clock-skew", 41.0)
    texts = [n.text for n in narrate(list(sim.trace.events))]
    assert any("ignored app3's claim (stamped by n3)" in t and "n1, whose clock is 15 s fast"
               in t for t in texts)


def test_stand_ins_count_the_hints_they_hold() -> None:
    sim = _sim("eventual-two-leaders", 35.0)
    world = Projector(sim.trace, sim.scenario.raft.node_ids).world_at(35.0)
    hints = {v.id: v.hints for v in world.raft}
    assert hints["n2"] >= 1 and all(0 <= h <= 3 for h in hints.values())


def test_the_timeline_marks_ignored_writes_and_stale_reads() -> None:
    from ui.timeline.model import TimelineModel

    skew = _sim("eventual-clock-skew", 42.0)
    model = TimelineModel(skew.scenario.raft.node_ids, skew.scenario.app_ids)
    model.extend(skew.trace.events)
    ignored = model.marks("ignored-write")
    assert {m.lane for m in ignored if 40 < m.t < 41} == {"n1", "n3", "n4"}
    stale = _sim("eventual-stale-read", 40.0)
    model = TimelineModel(stale.scenario.raft.node_ids, stale.scenario.app_ids)
    model.extend(stale.trace.events)
    assert [(round(m.t), m.lane) for m in model.marks("stale-read")] == [(31, "app3"),
                                                                       (34, "app3")]


def test_the_inspector_says_the_last_transaction_and_each_replica_s_promise() -> None:
    from ui.inspector import cluster_html, replica_html

    sim = _sim("eventual-lwt", 31.0)
    projector = Projector(sim.trace, sim.scenario.raft.node_ids)
    world = projector.world_at(31.0)
    assert world.transaction is not None
    assert world.transaction.startswith("app3's put-if-absent won: committed under ballot")
    html = cluster_html(world)
    assert "last transaction" in html and "app3&#x27;s put-if-absent won" in html
    assert "lightweight transactions (Paxos per key)" in html
    nodes = {v.id: v for v in world.raft}
    assert nodes["n3"].replica_promised is not None
    assert nodes["n3"].replica_promised[1] == "n3"  # app3's coordinator won n3's promise
    assert "promised ballot" in replica_html(nodes["n3"], world)
    earlier = projector.world_at(25.0)  # app1's renewal had just failed
    assert earlier.transaction is not None and earlier.transaction.startswith(
        "app1's renewal failed (timeout): only n1 of")
