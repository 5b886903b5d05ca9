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


def test_a_multi_paxos_option_on_the_eventual_store_gets_one_true_message(tmp_path: Path,
                                                                          capsys) -> None:
    """Not also "this cluster runs Raft": the eventual store runs no cluster protocol at all."""
    preset = tmp_path / "backoff.toml"
    preset.write_text('[store]\nkind = "eventual"\n[cluster]\nbackoff = false\n',
                      encoding="utf-8")
    assert main(["validate", str(preset)]) == 2
    assert capsys.readouterr().err == (f"{preset}: cluster.backoff: the eventual store runs no "
                                       f"consensus protocol (store.kind = \"eventual\"); "
                                       f"remove it\n")


@pytest.mark.parametrize(("text", "keys", "words"), [
    ('[store]\nreplicas = 3\nread_quorum = 1\nwrite_quorum = 1\nsloppy_quorum = true\n'
     'anti_entropy_ms = 500\nread_repair = false\nhandoff_after_ms = 100\n'
     'hint_interval_ms = 100\nrequest_timeout_ms = 500\n',
     ("store.replicas", "store.read_quorum", "store.write_quorum", "store.sloppy_quorum",
      "store.anti_entropy_ms", "store.read_repair", "store.handoff_after_ms",
      "store.hint_interval_ms"),
     'belongs to the eventual store (store.kind = "eventual"), but this preset\'s store is the '
     'strong one'),
    ('[raft]\nnodes = 5\npre_vote = false\ncheck_quorum = false\nheartbeat_ms = 1\n'
     'election_timeout_ms = [150, 300]\ncheck_quorum_timing = "exact"\n'
     'disk_latency = { dist = "constant", ms = 1 }\n[store]\nkind = "eventual"\n',
     ("raft.pre_vote", "raft.check_quorum", "raft.heartbeat_ms", "raft.election_timeout_ms",
      "raft.check_quorum_timing", "raft.disk_latency"),
     "is a consensus setting of the strong store, but the eventual store runs no consensus"),
    ('[store]\nkind = "eventual"\nlease_check_ms = 100\nkeepalive_leadership_check = "never"\n'
     'compaction_retention = 5\nrequest_timeout_ms = 500\nlwt = true\n',
     ("store.lease_check_ms", "store.keepalive_leadership_check", "store.compaction_retention"),
     'belongs to the strong store (the etcd-like one), but this preset\'s store is the eventual'),
], ids=["eventual keys on the strong store", "Raft keys on the eventual store",
        "strong keys on the eventual store"])
def test_a_key_of_the_other_store_exits_2_with_one_message_naming_it(
        tmp_path: Path, capsys, text: str, keys: tuple[str, ...], words: str) -> None:
    """Each such key is refused once (its value left unread: heartbeat_ms = 1 is not also out
    of range); the keys both stores read (kind, request_timeout_ms, nodes) pass."""
    preset = tmp_path / "other.toml"
    preset.write_text(text, encoding="utf-8")
    assert main(["run", str(preset), "--until", "1"]) == 2
    lines = capsys.readouterr().err.splitlines()
    assert sorted(line.split(": ")[1] for line in lines) == sorted(keys), lines
    assert all(line.startswith(f"{preset}: ") and words in line for line in lines), lines


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


def test_a_node_that_only_runs_transactions_hears_from_its_replicas_again_after_a_heal(
        ) -> None:
    """One app server: after the partition heals nothing else talks to its coordinator, so the
    transaction itself must try the replicas it found silent again."""
    text = """
[run]
title = "lonely"
duration = 40
[raft]
nodes = 5
[store]
kind = "eventual"
lwt = true
[apps]
count = 1
recipe = "seed"
ttl = 6
start_at = 1
[[faults]]
at = 8
action = "partition"
groups = [["app1", "n1", "n2"], ["n3", "n4", "n5"]]
[[faults]]
at = 20
action = "heal"
"""
    scenario = parse_scenario(text, "lonely.toml")
    events = list(_run(scenario, 1).trace.events)
    roles = [(e.t, e.leader) for e in events if isinstance(e, AppRole) and e.server == "app1"]
    lost = next(t for t, lead in roles if not lead)
    back = next(t for t, lead in roles if lead and t > lost)
    assert 8 < lost < 15 and 20 < back < 26
    failed = [e for e in events if isinstance(e, EcCas) and e.result == "timeout"]
    assert failed and all(8 < e.t < 21 for e in failed)  # found n3 and n4 silent
