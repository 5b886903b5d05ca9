"""The eventual-* lessons do what their captions say, for more than one seed."""

from __future__ import annotations

from dataclasses import replace

import pytest

from simulator.checks import summarize
from simulator.presets.catalog import find_scenario
from simulator.runtime.simulation import Simulation
from simulator.projection.narration import narrate
from simulator.trace.events import AppRole, EcCas, EcResult, Event, NodePause, Work


def _run(name: str, seed: int) -> tuple[object, list[Event]]:
    scenario = find_scenario(name)
    sim = Simulation(scenario, seed)
    sim.run_until(scenario.duration)
    events = list(sim.trace.events)
    return summarize(events, scenario, end=scenario.duration), events


def _leads(events: list[Event]) -> list[tuple[float, str, bool]]:
    return [(e.t, e.server, e.leader) for e in events if isinstance(e, AppRole)]


@pytest.mark.parametrize("seed", [1, 2])
def test_clock_skew_two_new_leaders_whose_claims_were_lost(seed: int) -> None:
    summary, events = _run("eventual-clock-skew", seed)
    assert [o.servers for o in summary.overlaps] == [("app2", "app3")]
    assert 40.0 < summary.overlaps[0].start < 41.5 and summary.overlaps[0].ongoing
    lost = summary.eventual.lost_writes
    assert {w.client for w in lost if w.key == "/election/leader"} == {"app2", "app3"}
    assert all(w.held is not None and w.held[1] == "n1" for w in lost if w.t < 42)
    assert "Store" in summary.to_text() and "lost" in summary.to_text()


@pytest.mark.parametrize("seed", [1, 3])
def test_fencing_by_timestamp_lets_the_stale_leader_through(seed: int) -> None:
    _, events = _run("eventual-fencing", seed)
    pause = next(e for e in events if isinstance(e, NodePause))
    during = [e for e in events if isinstance(e, Work) and pause.t < e.t < pause.t + 15]
    assert during and all(not w.accepted and w.server != "app1" for w in during)
    stale = next(e for e in events if isinstance(e, Work) and e.server == "app1"
                 and e.t >= pause.t + 15)
    assert stale.accepted and stale.token >= 45000
    assert stale.t < pause.t + 15.5


@pytest.mark.parametrize("seed", [1, 2])
def test_stale_reads_of_the_old_leader_key_and_no_second_leader(seed: int) -> None:
    summary, events = _run("eventual-stale-read", seed)
    stale = [(round(r.t), r.client, r.got) for r in summary.eventual.stale_reads]
    assert stale == [(31, "app3", "app1"), (34, "app3", "app1")]
    assert summary.overlaps == ()
    later = [e for e in events if isinstance(e, EcResult) and e.client == "app3"
             and e.key == "/election/leader" and 36 < e.t < 38.5]
    assert later and later[0].value == "app2"


@pytest.mark.parametrize("seed", [1, 2])
def test_strict_quorums_one_leader_and_no_charge_during_the_partition(seed: int) -> None:
    summary, events = _run("eventual-quorum", seed)
    assert summary.overlaps == () and summary.double_charges == 0
    roles = _leads(events)
    app1_down = next(t for t, s, lead in roles if s == "app1" and not lead)
    app3_up = next(t for t, s, lead in roles if s == "app3" and lead)
    assert 20 < app1_down < app3_up < 31.5
    assert not [e for e in events if isinstance(e, Work) and 31.5 < e.t < 50]


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_lightweight_transactions_keep_one_leader_and_charge_nothing_twice(seed: int) -> None:
    summary, events = _run("eventual-lwt", seed)
    assert summary.overlaps == () and summary.double_charges == 0
    applied, not_applied, failed = summary.eventual.transactions
    assert applied >= 10 and not_applied >= 10 and failed >= 5
    text = summary.to_text()
    assert f"{applied} applied, {not_applied} not applied" in text and "Overlaps    none" in text
    roles = _leads(events)
    app1_down = next(t for t, s, lead in roles if s == "app1" and not lead)
    app3_up = next(t for t, s, lead in roles if s == "app3" and lead)
    assert 25 < app1_down < app3_up < 31.5
    cas = [e for e in events if isinstance(e, EcCas)]
    renewal = next(e for e in cas if e.client == "app1" and e.t > 20)
    assert renewal.result == "timeout" and renewal.t < 25 and "Paxos needs 2" in renewal.detail
    won = next(e for e in cas if e.result == "applied" and e.t > 20)
    assert won.client == "app3" and won.condition == "absent" and won.t < 31.5
    after = next(e for e in cas if e.client == "app1" and e.t > 50 and e.result != "unavailable")
    assert after.result == "not-applied" and after.value == "app3" and after.t < 54
    told = [n.text for n in narrate(events)]
    assert any(t.startswith("app1's renewal failed (timeout): only n1 of") for t in told)
    assert any(t.startswith("app3's put-if-absent won: committed under ballot")
               for t in told)
    assert any(t.startswith("app1's put-if-absent lost: the key holds app3") for t in told)


def test_the_same_partition_with_only_the_transaction_switched_on_has_no_two_leaders() -> None:
    """eventual-two-leaders with one switch, lwt = true: the overlap is gone (the payment marks
    still sit in a sloppy split store, which is why eventual-lwt turns the sloppy quorum off)."""
    base = find_scenario("eventual-two-leaders")
    scenario = replace(base, store=replace(base.store, lwt=True))
    sim = Simulation(scenario, 1)
    sim.run_until(scenario.duration)
    events = list(sim.trace.events)
    summary = summarize(events, scenario, end=scenario.duration)
    assert summary.overlaps == ()
    assert any(isinstance(e, EcCas) and e.client == "app1" and e.result == "timeout"
               for e in events)


def test_a_lightweight_transaction_run_repeats_byte_for_byte() -> None:
    scenario = find_scenario("eventual-lwt")
    logs = []
    for _ in range(2):
        sim = Simulation(scenario, 4)
        sim.run_until(35.0)
        logs.append([e.to_record() for e in sim.trace.events])
    assert logs[0] == logs[1]
    assert any(r["kind"] == "ec.paxos" for r in logs[0])


@pytest.mark.parametrize("seed", [1, 3])
def test_the_two_leaders_texts_name_who_takes_the_key_and_when_renewals_land(seed: int) -> None:
    scenario = find_scenario("eventual-two-leaders")
    sim = Simulation(scenario, seed)
    sim.run_until(35.0)
    second = next(s for _t, s, lead in _leads(list(sim.trace.events)) if lead and s != "app1")
    description = " ".join(scenario.description.split())
    assert f"{second}'s put if absent" in description
    assert all(f"{other}'s put if absent" not in description
               for other in ("app2", "app3") if other != second)

    scenario = find_scenario("eventual-clock-skew")
    sim = Simulation(scenario, seed)
    land = next(c for c in scenario.captions if "now land" in c.text)
    sim.run_until(land.at)
    landed = {e.value for e in sim.trace.events if e.kind == "ec.write" and e.t > 41.5
              and e.key == "/election/leader" and e.applied}
    assert landed == {"app2", "app3"}, "both leaders' renewals have landed by the caption"
