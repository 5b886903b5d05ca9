"""The eventual store in the simulation: hosts, client, recipes, validation, determinism."""

from __future__ import annotations

from pathlib import Path

import pytest

from simulator.checks import summarize
from simulator.cli import main
from simulator.presets import parse_scenario
from simulator.presets.catalog import find_scenario
from simulator.runtime.simulation import Simulation
from simulator.trace.events import AppRole, EcCas, EcWrite, RunStart

STEADY = """
[run]
title = "eventual steady"
duration = 30
[raft]
nodes = 5
[store]
kind = "eventual"
[apps]
count = 3
recipe = "{recipe}"
ttl = 10
start_at = 4
[[apps.server]]
id = "app1"
start_at = 3
"""


def _run(scenario, seed: int, until: float | None = None) -> Simulation:
    sim = Simulation(scenario, seed)
    sim.run_until(until if until is not None else scenario.duration)
    return sim


@pytest.mark.parametrize("recipe", ["seed", "kubernetes"])
def test_with_nothing_wrong_one_server_leads_and_the_run_repeats_byte_for_byte(recipe) -> None:
    scenario = parse_scenario(STEADY.format(recipe=recipe), "steady.toml")
    first = _run(scenario, 3)
    again = _run(scenario, 3)
    records = [e.to_record() for e in first.trace.events]
    assert records == [e.to_record() for e in again.trace.events]
    start = first.trace.events[0]
    assert isinstance(start, RunStart) and start.store == "eventual"
    leaders = {e.server for e in first.trace.of_kind("app.role") if isinstance(e, AppRole)
               and e.leader}
    assert len(leaders) == 1
    summary = summarize(list(first.trace.events), scenario, end=scenario.duration)
    assert summary.overlaps == () and summary.double_charges == 0
    writes = [e for e in first.trace.of_kind("ec.write") if isinstance(e, EcWrite)]
    assert writes and all(len(e.ts) == 2 for e in writes)


@pytest.mark.parametrize("seed", [1, 2])
def test_a_partition_gives_two_leaders_and_double_charges(seed: int) -> None:
    scenario = find_scenario("eventual-two-leaders")
    sim = _run(scenario, seed)
    summary = summarize(list(sim.trace.events), scenario, end=scenario.duration)
    assert [o.servers for o in summary.overlaps] == [("app1", "app3")]
    assert 30.0 < summary.overlaps[0].start < 31.5 and summary.overlaps[0].ongoing
    assert summary.double_charges >= 1


def test_impossible_quorums_and_recipes_the_store_cannot_carry_exit_2(tmp_path: Path,
                                                                      capsys) -> None:
    preset = tmp_path / "bad.toml"
    preset.write_text('[store]\nkind = "eventual"\nwrite_quorum = 4\n'
                      '[apps]\ncount = 2\nrecipe = "zookeeper"\n', encoding="utf-8")
    assert main(["validate", str(preset)]) == 2
    err = capsys.readouterr().err
    assert "store.write_quorum: 4 is more than the 3 replicas" in err
    assert "apps.recipe: the eventual store cannot carry the 'zookeeper' recipe" in err
    preset.write_text('[raft]\nnodes = 2\n[store]\nkind = "eventual"\n', encoding="utf-8")
    assert main(["run", str(preset)]) == 2
    assert "store.replicas: 3 replicas need at least as many nodes" in capsys.readouterr().err


def test_a_consensus_protocol_on_the_eventual_store_is_refused(tmp_path: Path, capsys) -> None:
    """A leaderless store runs no consensus: [cluster] keys are refused, not silently ignored."""
    preset = tmp_path / "protocol.toml"
    preset.write_text('[store]\nkind = "eventual"\n[cluster]\nprotocol = "multi-paxos"\n'
                      'backoff = false\n[apps]\ncount = 2\n', encoding="utf-8")
    assert main(["validate", str(preset)]) == 2
    err = capsys.readouterr().err
    for key in ("cluster.protocol", "cluster.backoff"):
        assert f"{key}: the eventual store runs no consensus protocol" in err


def test_a_bad_lwt_switch_and_lwt_on_the_strong_store_exit_2_naming_the_key(tmp_path: Path,
                                                                            capsys) -> None:
    preset = tmp_path / "lwt.toml"
    preset.write_text('[store]\nkind = "eventual"\nlwt = "yes"\n', encoding="utf-8")
    assert main(["validate", str(preset)]) == 2
    err = capsys.readouterr().err
    assert "store.lwt" in err and "Traceback" not in err
    preset.write_text('[store]\nlwt = true\n', encoding="utf-8")
    assert main(["run", str(preset)]) == 2
    err = capsys.readouterr().err
    assert "store.lwt: lightweight transactions belong to the eventual store" in err
    assert err.count("\n") == 1


@pytest.mark.parametrize("recipe", ["seed", "kubernetes"])
def test_with_lightweight_transactions_every_leader_key_write_is_a_paxos_commit(recipe) -> None:
    text = STEADY.format(recipe=recipe).replace('kind = "eventual"',
                                                'kind = "eventual"\nlwt = true')
    text += '[[faults]]\nat = 15\naction = "shutdown"\ntarget = "app1"\n'
    scenario = parse_scenario(text, "lwt.toml")
    sim = _run(scenario, 2)
    events = list(sim.trace.events)
    summary = summarize(events, scenario, end=scenario.duration)
    assert summary.overlaps == () and summary.double_charges == 0
    leaders = [e.server for e in events if isinstance(e, AppRole) and e.leader]
    assert leaders[0] == "app1" and len(leaders) == 2 and leaders[1] != "app1"
    key = "/election/leader" if recipe == "seed" else "/k8s/lease"
    writes = [e for e in events if isinstance(e, EcWrite) and e.key == key]
    assert writes and {e.source for e in writes} <= {"lwt", "repair", "anti-entropy"}
    cas = [e for e in events if isinstance(e, EcCas) and e.key == key]
    assert any(e.client == "app1" and e.result == "applied" for e in cas)
    if recipe == "seed":  # the shutdown released the key with delete-if-mine
        release = next(e for e in cas if e.client == "app1" and e.t >= 15 and e.value is None)
        assert release.result == "applied" and release.condition == "value is app1"
    else:  # client-go's compare-and-swap: the newest copy's timestamp under Paxos
        assert all(e.condition == "absent" or e.condition.startswith("written at ")
                   for e in cas)
