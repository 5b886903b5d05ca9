"""Every shipped preset validates, is a real lesson, runs to its end headless and shows what its
description promises."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from simulator.cli import main
from simulator.presets import load_scenario
from simulator.presets.catalog import (
    DEFAULT_PRESET,
    PRESETS_DIR,
    find_scenario,
    list_presets,
    shipped_names,
)
from simulator.trace.export import read_jsonl

NAMES = shipped_names()


def test_presets_are_found_next_to_the_simulator_package() -> None:
    assert PRESETS_DIR.name == "presets" and PRESETS_DIR.is_dir()
    assert len(NAMES) >= 7
    assert DEFAULT_PRESET in NAMES


@pytest.mark.parametrize("name", NAMES)
def test_shipped_preset_is_a_narrated_lesson(name: str) -> None:
    scenario = load_scenario(PRESETS_DIR / f"{name}.toml")
    assert scenario.name == name
    assert scenario.title and scenario.title != name
    assert len(scenario.description.split()) >= 60, "a teacher needs a real description"
    assert len(scenario.captions) >= 2
    assert scenario.pauses, "every lesson stops at least once to ask the class"
    assert all(p.question.endswith("?") for p in scenario.pauses)
    assert find_scenario(name) == scenario


def test_every_shipped_preset_is_listed() -> None:
    infos = list_presets()
    assert [i.name for i in infos] == NAMES
    assert all(i.valid for i in infos)


def _run(name: str, tmp_path: Path, capsys: pytest.CaptureFixture[str],
         *extra: str) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    events = tmp_path / f"{name}.jsonl"
    assert main(["run", name, "--json", "--events", str(events), *extra]) == 0
    summary = json.loads(capsys.readouterr().out)
    return summary, read_jsonl(events)


def _leaders(records: list[dict[str, Any]]) -> list[tuple[float, str, int]]:
    return [(r["t"], r["node"], r["term"]) for r in records
            if r["kind"] == "raft.role" and r["role"] == "leader"]


def _last_role(records: list[dict[str, Any]], node: str) -> str:
    return [r["role"] for r in records if r["kind"] == "raft.role" and r["node"] == node][-1]


@pytest.mark.parametrize("name", NAMES)
def test_shipped_preset_runs_to_its_end_safely(name: str, tmp_path, capsys) -> None:
    scenario = find_scenario(name)
    summary, records = _run(name, tmp_path, capsys)
    assert summary["end"] == scenario.duration
    assert records[0]["kind"] == "run.start" and records[-1] == \
        {"t": scenario.duration, "kind": "run.end"}
    assert summary["safe"] and summary["violations"] == []
    captions = [r["text"] for r in records if r["kind"] == "caption"]
    assert captions == [c.text for c in sorted(scenario.captions, key=lambda c: c.at)]
    assert sum(r["kind"] == "pause.point" for r in records) == len(scenario.pauses)


def test_steady_cluster_elects_exactly_once(tmp_path, capsys) -> None:
    summary, records = _run("raft-steady", tmp_path, capsys)
    assert summary["raft"]["elections"] == 1
    assert len(_leaders(records)) == 1


def test_leader_crash_is_followed_by_one_election_and_the_old_leader_follows(
    tmp_path, capsys
) -> None:
    summary, records = _run("raft-leader-crash", tmp_path, capsys)
    (t1, first, term1), (t2, second, term2) = _leaders(records)
    crashes = [r for r in records if r["kind"] == "node.crash"]
    assert [(r["t"], r["node"]) for r in crashes] == [(10.0, first)]
    assert second != first and term2 > term1
    assert 10.0 < t2 <= 10.0 + 2.0 + 0.5, "the new leader comes within one election timeout"
    assert any(r["kind"] == "node.restart" and r["node"] == first and r["t"] == 20.0
               for r in records)
    assert _last_role(records, first) == "follower"
    assert summary["raft"]["elections"] == 2


def test_isolated_leader_steps_down_and_the_majority_elects_another(tmp_path, capsys) -> None:
    summary, records = _run("raft-minority-partition", tmp_path, capsys)
    leaders = _leaders(records)
    old = leaders[0][1]
    new_leaders = [(t, n, term) for t, n, term in leaders if t > 8.0]
    assert new_leaders and all(n != old for _, n, _ in new_leaders)
    assert new_leaders[0][0] < 8.0 + 2.5
    stepped_down = [r for r in records if r["kind"] == "raft.role" and r["node"] == old
                    and 8.0 < r["t"] < 20.0 and r["role"] != "leader"]
    assert stepped_down, "CheckQuorum makes the cut-off leader step down before the heal"
    assert _last_role(records, old) == "follower"
    assert all(len(entry["leaders"]) == 1 for entry in summary["raft"]["leaders_per_term"])


def test_equal_timeouts_split_votes_but_randomized_ones_elect_quickly(tmp_path, capsys) -> None:
    fixed, fixed_records = _run("split-votes-fixed", tmp_path, capsys)
    randomized, records = _run("split-votes-randomized", tmp_path, capsys)
    assert fixed["raft"]["elections"] > 20 and not _leaders(fixed_records)
    leaders = _leaders(records)
    assert leaders[0][0] < 1.0
    for crash_at in (5.0, 10.0, 15.0):
        after = [t for t, _, _ in leaders if t > crash_at]
        assert after and after[0] < crash_at + 1.0, f"no quick election after {crash_at} s"


def test_prevote_keeps_a_flapping_node_from_disrupting_the_leader(tmp_path, capsys) -> None:
    without, _ = _run("flapping-no-prevote", tmp_path, capsys)
    with_prevote, _ = _run("flapping-prevote", tmp_path, capsys)
    assert with_prevote["raft"]["elections"] == 1
    assert without["raft"]["elections"] >= 4
    assert without["raft"]["max_term"] > with_prevote["raft"]["max_term"]
