"""Every shipped preset validates, is a real lesson, runs to its end headless and shows what its
description promises."""

from __future__ import annotations

import contextlib
import io
import json
from collections.abc import Callable
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
# Lessons whose point is that two app servers act as leader at once, or a customer pays twice.
# (pause-fenced-charge is safe: its paused leader is frozen, and its stale charge is rejected.)
LESSONS_IN_DANGER = {"pause-double-charge", "kubernetes-clock-skew", "eventual-two-leaders",
                     "eventual-clock-skew", "eventual-fencing", "zookeeper-expired"}
# Lessons whose faults are drawn at random: whether a pause makes two leaders depends on the seed.
LESSONS_BY_CHANCE = {"random-faults-availability"}


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


Run = tuple[dict[str, Any], list[dict[str, Any]]]


@pytest.fixture(scope="module")
def run_preset(tmp_path_factory: pytest.TempPathFactory) -> Callable[[str], Run]:
    """Run a shipped preset once through ``leadersim run --json --events`` (cached per name)."""
    cache: dict[str, Run] = {}
    directory = tmp_path_factory.mktemp("runs")

    def run(name: str) -> Run:
        if name not in cache:
            events = directory / f"{name}.jsonl"
            out = io.StringIO()
            with contextlib.redirect_stdout(out):
                assert main(["run", name, "--json", "--events", str(events)]) == 0
            cache[name] = (json.loads(out.getvalue()), read_jsonl(events))
        return cache[name]

    return run


def _leaders(records: list[dict[str, Any]]) -> list[tuple[float, str, int]]:
    return [(r["t"], r["node"], r["term"]) for r in records
            if r["kind"] == "raft.role" and r["role"] == "leader"]


def _last_role(records: list[dict[str, Any]], node: str) -> str:
    return [r["role"] for r in records if r["kind"] == "raft.role" and r["node"] == node][-1]


@pytest.mark.parametrize("name", NAMES)
def test_shipped_preset_runs_to_its_end(name: str, run_preset) -> None:
    scenario = find_scenario(name)
    summary, records = run_preset(name)
    assert summary["end"] == scenario.duration
    assert records[0]["kind"] == "run.start" and records[-1] == \
        {"t": scenario.duration, "kind": "run.end"}
    skipped = [r for r in records if r["kind"] == "user.action" and "skipped" in r["detail"]]
    assert name == "split-votes-fixed" or not skipped, "every scheduled fault really happens"
    if name in LESSONS_BY_CHANCE:
        assert {v["what"] for v in summary["violations"]} <= {"app-leader-overlap"}
    else:
        assert summary["safe"] == (name not in LESSONS_IN_DANGER), summary["violations"]
    captions = [r["text"] for r in records if r["kind"] == "caption"]
    happened = _named_fault_times(scenario, records)
    assert captions == [c.text for c in sorted(
        scenario.captions,
        key=lambda c: c.at if c.at is not None else happened[c.fault] + c.after)]
    assert sum(r["kind"] == "pause.point" for r in records) == len(scenario.pauses)


def _named_fault_times(scenario: Any, records: list[dict[str, Any]]) -> dict[str | None, float]:
    """When each named fault step of a shipped preset ran: its user.action's time (the
    shipped lessons name only steps that act on one target, each at most once)."""
    times: dict[str | None, float] = {}
    for step in scenario.faults:
        if step.name is not None:
            [t] = [r["t"] for r in records if r["kind"] == "user.action"
                   and r["action"] == step.action and r["detail"].startswith("schedule")
                   and (step.when is not None or r["t"] == step.at)]
            times[step.name] = t
    return times


def test_steady_cluster_elects_exactly_once(run_preset) -> None:
    summary, records = run_preset("raft-steady")
    assert summary["raft"]["elections"] == 1
    assert len(_leaders(records)) == 1


def test_leader_crash_is_followed_by_one_election_and_the_old_leader_follows(
    run_preset,
) -> None:
    summary, records = run_preset("raft-leader-crash")
    (t1, first, term1), (t2, second, term2) = _leaders(records)
    crashes = [r for r in records if r["kind"] == "node.crash"]
    assert [(r["t"], r["node"]) for r in crashes] == [(10.0, first)]
    assert second != first and term2 > term1
    assert 10.0 < t2 <= 10.0 + 2.0 + 0.5, "the new leader comes within one election timeout"
    assert any(r["kind"] == "node.restart" and r["node"] == first and r["t"] == 20.0
               for r in records)
    assert _last_role(records, first) == "follower"
    assert summary["raft"]["elections"] == 2
    [lost] = summary["raft"]["failovers"]
    assert (lost["start"], lost["lost"], lost["cause"], lost["successor"]) == \
        (10.0, first, "crash", second)
    assert lost["end"] == t2 and summary["raft"]["leaderless"] == t2 - 10.0


def test_isolated_leader_steps_down_and_the_majority_elects_another(run_preset) -> None:
    summary, records = run_preset("raft-minority-partition")
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


def test_equal_timeouts_split_votes_but_randomized_ones_elect_quickly(run_preset) -> None:
    fixed, fixed_records = run_preset("split-votes-fixed")
    randomized, records = run_preset("split-votes-randomized")
    assert fixed["raft"]["elections"] > 20 and not _leaders(fixed_records)
    leaders = _leaders(records)
    assert leaders[0][0] < 1.0
    for crash_at in (5.0, 10.0, 15.0):
        after = [t for t, _, _ in leaders if t > crash_at]
        assert after and after[0] < crash_at + 1.0, f"no quick election after {crash_at} s"
    losses = randomized["raft"]["failovers"]
    assert [(f["start"], f["cause"]) for f in losses] == \
        [(5.0, "crash"), (10.0, "crash"), (15.0, "crash")]
    assert 0.0 < randomized["raft"]["leaderless"] < 3.0
    assert fixed["raft"]["first_leader_at"] is None and fixed["raft"]["failovers"] == []


def test_prevote_keeps_a_flapping_node_from_disrupting_the_leader(run_preset) -> None:
    without, _ = run_preset("flapping-no-prevote")
    with_prevote, _ = run_preset("flapping-prevote")
    assert with_prevote["raft"]["elections"] == 1
    assert without["raft"]["elections"] >= 4
    assert without["raft"]["max_term"] > with_prevote["raft"]["max_term"]


def _app_leaders(records: list[dict[str, Any]]) -> list[tuple[float, str]]:
    return [(r["t"], r["server"]) for r in records if r["kind"] == "app.role" and r["leader"]]


def test_seed_recipe_steady_state_keeps_one_leader_and_charges_once(run_preset) -> None:
    summary, records = run_preset("seed-steady")
    assert [s for _, s in _app_leaders(records)] == ["app1"]
    assert summary["failovers"] == [] and summary["overlaps"] == []
    charges = summary["charges"]
    assert charges["accepted"] == charges["jobs_charged"] >= 12
    assert charges["double_charges"] == 0 and charges["late"] == 0


def test_crash_hands_over_after_the_ttl_but_shutdown_at_once(run_preset) -> None:
    crash, _ = run_preset("app-leader-crash")
    shutdown, _ = run_preset("app-leader-shutdown")
    [slow] = crash["failovers"]
    [fast] = shutdown["failovers"]
    assert (slow["lost"], slow["cause"], fast["lost"]) == ("app1", "crash", "app1")
    assert 10.0 - 10.0 / 3 - 0.5 < slow["duration"] <= 10.0 + 1.0, "about one TTL"
    assert fast["duration"] < 0.5
    assert crash["app"]["availability"]["availability"] < \
        shutdown["app"]["availability"]["availability"]


def test_raft_leader_crash_does_not_move_the_app_leader(run_preset) -> None:
    summary, records = run_preset("raft-leader-under-app")
    assert summary["raft"]["elections"] == 2
    assert any(r["kind"] == "node.crash" and r["t"] == 30.0 for r in records)
    assert list(summary["app"]["leader_time"]) == ["app1"]
    # app1's first request after the crash went to the dead Raft leader and was answered only
    # after the client's 1 s request timeout: app1 stalled, then worked again, still leading
    [stall] = summary["failovers"]
    assert (stall["lost"], stall["cause"], stall["successor"]) == \
        ("app1", "store-leader-crash", "app1")
    crashed = [r["node"] for r in records if r["kind"] == "node.crash" and r["t"] == 30.0]
    assert stall["member"] == crashed[0], "the summary names the crashed Raft leader"
    assert stall["start"] > 30.0 and 1.0 < stall["end"] - stall["start"] < 2.0


def test_cut_off_leader_steps_down_before_the_store_expires_its_lease(run_preset) -> None:
    summary, records = run_preset("app-cut-off-store")
    step_down = [r["t"] for r in records if r["kind"] == "app.role" and r["server"] == "app1"
                 and not r["leader"]]
    expired = [r["t"] for r in records if r["kind"] == "lease.revoke"
               and r["reason"] == "expired"]
    assert step_down and expired and 30.0 < step_down[0] < expired[0]
    assert summary["overlaps"] == []
    (_, successor), = [(t, s) for t, s in _app_leaders(records) if t > 30.0]
    assert successor != "app1"
    # app1 believed it led until its lease belief ran out, but it could not reach the store:
    # no working leader from its first unanswered request until the successor took over
    [failover] = summary["failovers"]
    assert (failover["lost"], failover["cause"], failover["successor"]) == \
        ("app1", "cut-off", successor)
    assert 30.0 < failover["start"] < step_down[0] < failover["end"]
    charged = [r["t"] for r in records if r["kind"] == "work" and r["accepted"]]
    assert not any(failover["start"] < t < failover["end"] for t in charged)
    availability = summary["app"]["availability"]
    assert availability["downtime"] == failover["duration"] > 5.0
    assert availability["availability"] < 0.95
    worked = summary["app"]["working_time"]
    assert abs(sum(worked.values()) + availability["downtime"] - availability["window"]) < 1e-6
    assert worked["app1"] < summary["app"]["leader_time"]["app1"]


def test_a_pause_charges_twice_unless_the_provider_checks_a_fencing_token(run_preset) -> None:
    unfenced, _ = run_preset("pause-double-charge")
    fenced, _ = run_preset("pause-fenced-charge")
    assert unfenced["charges"]["double_charges"] == 1
    [double] = unfenced["charges"]["doubles"]
    assert fenced["charges"]["double_charges"] == 0
    assert fenced["charges"]["rejected"] == 1
    assert fenced["charges"]["jobs_charged"] == unfenced["charges"]["jobs_charged"]
    # the paused leader was frozen, not acting: fencing makes the lesson safe
    assert fenced["overlaps"] == [] and fenced["safe"]
    assert unfenced["overlaps"] == []
    assert [v["what"] for v in unfenced["violations"]] == ["double-charge"]


def _burst(records: list[dict[str, Any]], kind: str, start: float = 30.0) -> int:
    return sum(1 for r in records if r["kind"] == kind and start <= r["t"] < start + 2.0
               and r.get("op") != "lease_keepalive")


def test_single_key_recipe_wakes_the_herd_and_etcds_queue_wakes_one(run_preset) -> None:
    _, herd = run_preset("herd-single-key")
    _, queue = run_preset("herd-etcd-election")
    assert _burst(herd, "watch.event") == 8
    assert _burst(queue, "watch.event") == 1
    assert _burst(herd, "kv.invoke") >= 3 * _burst(queue, "kv.invoke")
    # the summary counts them per hand-over, from the loss until the hand-over settled
    herd_summary, _ = run_preset("herd-single-key")
    queue_summary, _ = run_preset("herd-etcd-election")
    [wild] = herd_summary["failovers"]
    [calm] = queue_summary["failovers"]
    assert wild["start"] == calm["start"] == 30.0
    assert (wild["watch_events"], calm["watch_events"]) == (8, 1)
    assert wild["requests"] >= 30 and calm["requests"] <= 5
    assert wild["requests"] == sum(1 for r in herd if r["kind"] == "kv.invoke"
                                   and wild["start"] <= r["t"] <= wild["settled"])


def test_zookeeper_hands_over_after_the_session_timeout_to_the_next_in_line(run_preset) -> None:
    summary, _ = run_preset("zookeeper-recipe")
    [failover] = summary["failovers"]
    assert (failover["lost"], failover["cause"]) == ("app1", "crash")
    assert 10.0 - 10.0 / 3 - 0.5 < failover["duration"] <= 10.0 + 1.0


def test_kubernetes_tolerates_clock_skew_but_not_a_slow_clock(run_preset) -> None:
    summary, records = run_preset("kubernetes-clock-skew")
    changes = [(t, s) for t, s in _app_leaders(records) if t > 5.0]
    # No take-over before the cut at 30 s: the candidates saw app1's last renewal at most one
    # RetryPeriod (2 s) before it and wait LeaseDuration (15 s) on their own clocks after that.
    assert changes and changes[0][0] > 30.0 - 2.0 + 15.0, "the 30 s jump changed nothing"
    [overlap] = summary["overlaps"]
    assert overlap["servers"][0] == "app1" and overlap["duration"] > 2.0
    # cut off at 30 s, app1 keeps believing until its renew deadline: not a working leader
    [failover] = summary["failovers"]
    assert (failover["lost"], failover["cause"]) == ("app1", "cut-off")
    assert summary["app"]["availability"]["availability"] < 0.95


def test_random_faults_report_availability_in_nines(run_preset) -> None:
    summary, records = run_preset("random-faults-availability")
    scenario = find_scenario("random-faults-availability")
    faults = [r for r in records if r["kind"] == "user.action"
              and r["action"] in ("crash", "pause", "isolate")]
    # drawn by the random-faults step (the preset lists no fault but that step)
    assert [f.action for f in scenario.faults] == ["random-faults"]
    assert all(r["detail"].startswith("schedule") for r in faults)
    assert len(faults) >= 15, "a fault about every forty seconds for twenty minutes"
    hit = {r["target"] for r in faults}
    assert hit & set(scenario.raft.node_ids) and hit & set(scenario.app_ids)
    crashes = [r for r in records if r["kind"] == "node.crash"]
    restarts = [r for r in records if r["kind"] == "node.restart"]
    assert crashes and len(restarts) == len(crashes), "every crash is repaired"
    availability = summary["app"]["availability"]
    assert 0.5 < availability["availability"] < 1.0 and availability["nines"] > 0
    assert len(summary["failovers"]) >= 3
    assert summary["charges"]["double_charges"] == 0, "the provider checks fencing tokens"


def test_random_faults_repeat_with_the_seed_and_differ_with_another(run_preset, tmp_path
                                                                    ) -> None:
    def faults(records: list[dict[str, Any]]) -> list[tuple[float, str, str]]:
        return [(r["t"], r["action"], r["target"]) for r in records
                if r["kind"] == "user.action" and r["t"] <= 100.0]

    def run(seed: int) -> list[dict[str, Any]]:
        events = tmp_path / f"{seed}.jsonl"
        with contextlib.redirect_stdout(io.StringIO()):
            assert main(["run", "random-faults-availability", "--seed", str(seed),
                         "--until", "100", "--events", str(events)]) == 0
        return read_jsonl(events)

    _, full = run_preset("random-faults-availability")  # the preset's seed, 1
    first = faults(full)
    assert first and faults(run(1)) == first
    assert faults(run(2)) != first


def test_the_reference_page_lists_every_shipped_lesson() -> None:
    page = (PRESETS_DIR.parent / "docs" / "presets.md").read_text(encoding="utf-8")
    for info in list_presets():
        assert f"| `{info.name}` | {info.title} |" in page
