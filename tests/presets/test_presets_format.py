"""A valid preset becomes the Scenario it describes: units, defaults, app servers, the timeline."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest

from simulator.config import Latency, Scenario
from simulator.presets import PresetError, load_scenario, parse_scenario, scenario_to_toml

FULL = """
[run]
title = "Everything"
description = "  A preset that sets every table.  "
seed = 42
duration = 120

[raft]
nodes = 3
heartbeat_ms = 50
election_timeout_ms = [150, 300]
pre_vote = false
check_quorum = false
disk_latency = { dist = "normal", mean_ms = 4, stddev_ms = 1 }

[network]
latency = { dist = "constant", ms = 10 }
loss = 0.25

[[network.link]]
src = "n1"
dst = "app2"
latency = { dist = "uniform", min_ms = 20, max_ms = 40 }
both_ways = false

[[network.link]]
src = "n2"
dst = "provider"
loss = 0.5

[store]
lease_check_ms = 250
request_timeout_ms = 2000
compaction_retention = 100

[apps]
count = 3
recipe = "etcd"
ttl = 6
renew_interval = 1.5
start_at = 2
protection = "fencing"
provider_processing = { dist = "constant", ms = 20 }

[apps.job]
contracts = 5
month = 30
check_interval = 0.5
late_after = 4

[apps.kubernetes]
lease_duration = 12
renew_deadline = 8
retry_period = 1
jitter = 1.5

[apps.zookeeper]
tick_time_ms = 1000
session_timeout_ms = 6000

[[apps.server]]
id = "app2"
recipe = "zookeeper"
start_at = 5

[[faults]]
at = 10
action = "crash"
target = "raft-leader"

[[faults]]
after = 3
action = "restart"

[[faults]]
after = 1
action = "partition"
groups = [["n1", "app1"], ["n2", "n3", "app2", "app3", "provider"]]

[[faults]]
action = "heal"

[[faults]]
at = 30
action = "pause"
target = "app-leader"
duration = 7.5

[[faults]]
at = 40
action = "latency"
latency_ms = 250
target = "n1"
peer = "n2"
both_ways = false

[[faults]]
at = 41
action = "loss"
loss = 0.3

[[faults]]
at = 42
action = "clock"
target = "app1"
offset = -2
rate = 1.01

[[captions]]
at = 0
text = "Hello"

[[pauses]]
at = 119.5
question = "What next?"
"""


def test_every_table_becomes_the_scenario_it_describes() -> None:
    scenario = parse_scenario(FULL, "lessons/everything.toml")
    assert (scenario.title, scenario.name, scenario.seed, scenario.duration) == \
        ("Everything", "everything", 42, 120.0)
    assert scenario.description == "A preset that sets every table."
    raft = scenario.raft
    assert raft.node_ids == ("n1", "n2", "n3")
    assert raft.heartbeat_interval == pytest.approx(0.05)
    assert (raft.election_timeout_min, raft.election_timeout_max) == \
        pytest.approx((0.15, 0.3))
    assert (raft.pre_vote, raft.check_quorum) == (False, False)
    assert raft.disk_latency == Latency.normal(0.004, 0.001)
    network = scenario.network
    assert network.latency == Latency.constant(0.01)
    assert network.loss == 0.25
    first, second = network.links
    assert (first.src, first.dst, first.both_ways, first.loss) == ("n1", "app2", False, None)
    assert first.latency == Latency.uniform(0.02, 0.04)
    assert (second.dst, second.loss, second.latency) == ("provider", 0.5, None)
    store = scenario.store
    assert (store.lease_check_interval, store.request_timeout, store.compaction_retention) == \
        pytest.approx((0.25, 2.0, 100))


def test_apps_take_shared_settings_and_per_server_overrides() -> None:
    apps = parse_scenario(FULL, "everything.toml").apps
    assert [s.id for s in apps.servers] == ["app1", "app2", "app3"]
    app1, app2, app3 = apps.servers
    assert (app1.recipe, app1.ttl, app1.renew_interval, app1.start_at) == ("etcd", 6, 1.5, 2)
    assert (app2.recipe, app2.ttl, app2.start_at) == ("zookeeper", 6, 5)
    assert app3 == app1.__class__("app3", "etcd", 6.0, 1.5, 2.0)
    assert apps.provider.protection == "fencing"
    assert apps.provider.processing == Latency.constant(0.02)
    assert (apps.job.contracts, apps.job.month, apps.job.check_interval, apps.job.late_after) \
        == (5, 30, 0.5, 4)
    assert (apps.kubernetes.lease_duration, apps.kubernetes.jitter) == (12, 1.5)
    assert (apps.zookeeper.tick_time, apps.zookeeper.session_timeout) == \
        pytest.approx((1.0, 6.0))


def test_fault_steps_keep_their_timing_and_values_in_seconds() -> None:
    faults = parse_scenario(FULL, "everything.toml").faults
    assert [f.action for f in faults] == [
        "crash", "restart", "partition", "heal", "pause", "latency", "loss", "clock"]
    crash, restart, partition, heal, pause, latency, loss, clock = faults
    assert (crash.at, crash.after, crash.target) == (10, None, "raft-leader")
    assert (restart.at, restart.after, restart.target) == (None, 3, None)
    assert partition.groups == (("n1", "app1"), ("n2", "n3", "app2", "app3", "provider"))
    assert (heal.at, heal.after) == (None, None)
    assert (pause.target, pause.duration) == ("app-leader", 7.5)
    assert latency.value == pytest.approx(0.25)
    assert (latency.target, latency.peer, latency.both_ways) == ("n1", "n2", False)
    assert (loss.value, loss.target) == (0.3, None)
    assert (clock.value, clock.rate) == (-2, 1.01)


def test_an_empty_preset_gets_the_documented_defaults() -> None:
    scenario = parse_scenario("", "blank.toml")
    assert scenario == Scenario(title="blank", name="blank")
    assert scenario.raft.heartbeat_interval == 0.1
    assert (scenario.raft.election_timeout_min, scenario.raft.election_timeout_max) == (1, 2)
    assert scenario.app_ids == ()


def test_load_scenario_reads_a_file_and_names_it_in_problems(tmp_path) -> None:
    path = tmp_path / "lesson.toml"
    path.write_text('[run]\ntitle = "A lesson"\n', encoding="utf-8")
    assert load_scenario(path).title == "A lesson"
    path.write_bytes(b"[run]\ntitle = \"\xff\"\n")
    with pytest.raises(PresetError, match=r"lesson\.toml: is not UTF-8"):
        load_scenario(path)
    with pytest.raises(PresetError, match="no such file"):
        load_scenario(tmp_path / "missing.toml")
    with pytest.raises(PresetError, match="is a directory"):
        load_scenario(tmp_path)
    path.write_bytes(b"\xef\xbb\xbf[run]\ntitle = \"Saved by Notepad\"\n")
    assert load_scenario(path).title == "Saved by Notepad", "a byte order mark is fine"
    path.write_bytes(b"\xef\xbb\xbf\xff")
    with pytest.raises(PresetError, match=r"not UTF-8 text \(byte 3\)"):
        load_scenario(path)
    with pytest.raises(PresetError, match="is not a regular file"):
        load_scenario("/dev/zero")  # would otherwise be read forever
    path.write_bytes(b"# padding\n" * 1_100_000)
    with pytest.raises(PresetError, match="too large for a preset"):
        load_scenario(path)


def test_all_problems_of_a_file_are_reported_together_one_per_line() -> None:
    text = '[raft]\nnodes = 0\nheartbeat_ms = "fast"\n[network]\nloss = 2\n'
    with pytest.raises(PresetError) as caught:
        parse_scenario(text, "three.toml")
    lines = str(caught.value).splitlines()
    assert len(lines) == 3 == len(caught.value.problems)
    assert {p.key_path for p in caught.value.problems} == \
        {"raft.nodes", "raft.heartbeat_ms", "network.loss"}
    assert all(line.startswith("three.toml: ") for line in lines)


def test_syntax_errors_name_the_line_and_column() -> None:
    with pytest.raises(PresetError) as caught:
        parse_scenario('[run]\ntitle = "ok"\nseed = = 3\n', "broken.toml")
    assert str(caught.value).startswith("broken.toml: invalid TOML at line 3, column 8")


def test_the_examples_in_the_reference_page_are_valid_presets() -> None:
    page = (Path(__file__).resolve().parents[2] / "docs" / "presets.md").read_text("utf-8")
    blocks = [b.split("```", 1)[0] for b in page.split("```toml\n")[1:]]
    documents = [b for b in blocks if "\n[" in "\n" + b]
    assert len(documents) >= 2
    for number, block in enumerate(documents, start=1):
        parse_scenario(block, f"docs/presets.md example {number}")


def test_a_scenario_written_back_as_toml_reads_the_same() -> None:
    for text, name in [(FULL, "everything"), ("", "blank"),
                       ('[run]\ndescription = """\nTwo\nlines with \'\'\' and "quotes"\n"""\n'
                        '[[captions]]\nat = 1\ntext = "tab\\there \\u00e9 \\\\ done"\n', "odd")]:
        scenario = parse_scenario(text, f"{name}.toml")
        written = scenario_to_toml(scenario)
        assert parse_scenario(written, f"{name}.toml") == scenario, written


def test_only_app1_to_appn_can_be_written() -> None:
    scenario = parse_scenario("[apps]\ncount = 2\n", "two.toml")
    renamed = replace(scenario, apps=replace(
        scenario.apps, servers=(replace(scenario.apps.servers[0], id="web"),)))
    with pytest.raises(ValueError, match="app1..app1"):
        scenario_to_toml(renamed)
