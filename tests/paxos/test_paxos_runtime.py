"""A Multi-Paxos cluster in the runtime: the store and app tier run on it unchanged, the log
names the protocol and carries paxos.* events, the checks pass, and a seed gives one log."""

from __future__ import annotations

from simulator.checks import summarize
from simulator.cli import main
from simulator.presets.loader import parse_scenario
from simulator.runtime.simulation import Simulation
from simulator.trace.export import to_jsonl

PRESET = """
[run]
duration = 40

[cluster]
protocol = "multi-paxos"

[apps]
count = 3
recipe = "etcd"
ttl = 10

[apps.job]
contracts = 6
month = 30

[[faults]]
at = 12
action = "crash"
target = "raft-leader"

[[faults]]
at = 18
action = "partition"
groups = [["n1", "n2"], ["n3", "n4", "n5"]]

[[faults]]
at = 25
action = "heal"

[[faults]]
at = 26
action = "restart"
"""


def run(seed: int) -> Simulation:
    sim = Simulation(parse_scenario(PRESET, "paxos-test.toml"), seed=seed)
    sim.run_until(40.0)
    return sim


def test_the_store_and_apps_run_on_multi_paxos_and_the_checks_pass() -> None:
    sim = run(1)
    events = sim.trace.events
    assert events[0].protocol == "multi-paxos"
    kinds = {e.kind for e in events}
    assert {"paxos.role", "paxos.promise", "paxos.accept", "paxos.apply"} <= kinds
    assert not kinds & {"raft.role", "raft.apply"}
    summary = summarize(events, sim.scenario)
    assert summary.protocol == "multi-paxos"
    assert summary.safe, summary.violations
    assert summary.elections >= 2  # the first leader and the one after the crash
    assert len(summary.raft_failovers) >= 1
    assert summary.charges.jobs_charged >= 6 and not summary.charges.double_charges
    assert "Multi-Paxos" in summary.to_text()


def test_one_seed_gives_one_log_and_another_seed_another() -> None:
    first, again, other = (to_jsonl(run(seed).trace.events) for seed in (3, 3, 4))
    assert first == again
    assert first != other


def test_the_cli_summary_names_the_protocol(tmp_path, capsys) -> None:
    path = tmp_path / "paxos.toml"
    path.write_text(PRESET, encoding="utf-8")
    assert main(["run", str(path), "--until", "15"]) == 0
    out = capsys.readouterr().out
    assert "Multi-Paxos" in out and "ballot (" in out
