"""Broken presets: each kind of mistake gives exit status 2 and one message naming file and key."""

from __future__ import annotations

import pytest

from simulator.cli import main

APPS = "[apps]\ncount = 2\n"

# (what is wrong, preset text, the key path the message must name, words it must contain)
BROKEN: list[tuple[str, str, str, str]] = [
    ("invalid TOML syntax", "[raft\nnodes = 3\n", "", "invalid TOML at line 1, column 6"),
    ("unknown top-level table", "[raftt]\nnodes = 3\n", "raftt", "did you mean 'raft'"),
    ("unknown key in a table", "[raft]\nheartbeat = 100\n", "raft.heartbeat",
     "did you mean 'heartbeat_ms'"),
    ("cluster too large", "[raft]\nnodes = 16\n", "raft.nodes", "from 1 to 15"),
    ("cluster size with decimals", "[raft]\nnodes = 3.5\n", "raft.nodes", "whole number"),
    ("wrong type", "[raft]\npre_vote = \"yes\"\n", "raft.pre_vote", "true or false"),
    ("timeouts min above max", "[raft]\nelection_timeout_ms = [300, 150]\n",
     "raft.election_timeout_ms", "min must not exceed max"),
    ("timeout range not a pair", "[raft]\nelection_timeout_ms = 150\n",
     "raft.election_timeout_ms", "list of two numbers"),
    ("negative timeout", "[raft]\nelection_timeout_ms = [-5, 150]\n",
     "raft.election_timeout_ms[1]", "from 10 to 600000"),
    ("heartbeat below a millisecond (a flood of events)", "[raft]\nheartbeat_ms = 0.001\n",
     "raft.heartbeat_ms", "from 10 to 60000"),
    ("month too short to charge (due charges pile up)",
     APPS + "[apps.job]\nmonth = 1e-9\n", "apps.job.month", "from 1 to"),
    ("random faults more often than once a second",
     "[[faults]]\nat = 1\naction = \"random-faults\"\nevery = 1e-300\n", "faults[1].every",
     "from 1 to"),
    ("probability above 1", "[network]\nloss = 1.5\n", "network.loss", "from 0 to 1"),
    ("infinite duration", "[run]\nduration = inf\n", "run.duration", "got inf"),
    ("unknown latency distribution", "[network]\nlatency = { dist = \"gauss\", ms = 3 }\n",
     "network.latency.dist", "constant, uniform, normal"),
    ("latency key of another distribution",
     "[network]\nlatency = { dist = \"constant\", min_ms = 3 }\n", "network.latency.min_ms",
     "not used by dist = 'constant'"),
    ("unknown node in a link", "[[network.link]]\nsrc = \"n1\"\ndst = \"n9\"\nloss = 0.1\n",
     "network.link[1].dst", "unknown node 'n9'"),
    ("link to itself", "[[network.link]]\nsrc = \"n2\"\ndst = \"n2\"\nloss = 0.1\n",
     "network.link[1].dst", "must differ from src"),
    ("unknown fault action", "[[faults]]\nat = 1\naction = \"crush\"\ntarget = \"n1\"\n",
     "faults[1].action", "did you mean 'crash'"),
    ("unknown fault target", "[[faults]]\nat = 1\naction = \"crash\"\ntarget = \"n6\"\n",
     "faults[1].target", "unknown or unsuitable node 'n6'"),
    ("missing required field", "[[faults]]\nat = 1\naction = \"pause\"\ntarget = \"n1\"\n",
     "faults[1].duration", "required by action 'pause'"),
    ("field the action does not use",
     "[[faults]]\nat = 1\naction = \"crash\"\ntarget = \"n1\"\nloss = 0.5\n",
     "faults[1].loss", "not used by action 'crash'"),
    ("fault after the end", "[run]\nduration = 30\n[[faults]]\nat = 20\naction = \"heal\"\n"
     "[[faults]]\nafter = 15\naction = \"heal\"\n", "faults[2].after",
     "would run at 35 s, after the end"),
    ("both at and after", "[[faults]]\nat = 1\nafter = 2\naction = \"heal\"\n",
     "faults[1].after", "not both"),
    ("partition with one group", "[[faults]]\nat = 1\naction = \"partition\"\n"
     "groups = [[\"n1\", \"n2\"]]\n", "faults[1].groups", "at least two groups"),
    ("node in two partition groups", "[[faults]]\nat = 1\naction = \"partition\"\n"
     "groups = [[\"n1\", \"n2\"], [\"n2\", \"n3\"]]\n", "faults[1].groups[2][1]",
     "already in a group"),
    ("app target without app servers",
     "[[faults]]\nat = 1\naction = \"exception\"\ntarget = \"app-leader\"\n",
     "faults[1].target", "no app servers"),
    ("caption after the end", "[run]\nduration = 10\n[[captions]]\nat = 11\ntext = \"x\"\n",
     "captions[1].at", "after the end of the run"),
    ("pause point without a question", "[[pauses]]\nat = 3\n", "pauses[1].question",
     "is required"),
    ("faults as a table instead of [[faults]]", "[faults]\nat = 1\n", "faults",
     "array of tables"),
    ("unknown app server override", APPS + "[[apps.server]]\nid = \"app3\"\n",
     "apps.server[1].id", "unknown app server 'app3'"),
    ("unknown recipe", APPS + "recipe = \"raft\"\n", "apps.recipe",
     "seed, etcd, zookeeper, kubernetes"),
    ("renewal slower than the TTL", APPS + "ttl = 3\nrenew_interval = 5\n",
     "apps.renew_interval", "shorter than the ttl"),
    ("keepalive every microsecond (issue 14: a million keepalives a simulated second)",
     APPS + "renew_interval = 1e-6\n", "apps.renew_interval",
     "from 0.01 to 604800 (etcd's client renews every TTL/3"),
    ("keepalive every microsecond for one server",
     APPS + "[[apps.server]]\nid = \"app2\"\nrenew_interval = 1e-6\n",
     "apps.server[1].renew_interval", "from 0.01 to"),
    ("TTL of a millisecond (its TTL/3 keepalive floods the run)", APPS + "ttl = 0.001\n",
     "apps.ttl", "from 1 to 604800"),
    ("client-go retry every microsecond", APPS + "[apps.kubernetes]\nretry_period = 1e-6\n",
     "apps.kubernetes.retry_period", "from 0.01 to"),
    ("ZooKeeper tick of a millisecond", APPS + "[apps.zookeeper]\ntick_time_ms = 1\n"
     "session_timeout_ms = 2\n", "apps.zookeeper.tick_time_ms", "from 10 to"),
    ("job checks every millisecond", APPS + "[apps.job]\ncheck_interval = 0.001\n",
     "apps.job.check_interval", "from 0.01 to"),
    ("lease check every millisecond", "[store]\nlease_check_ms = 1\n", "store.lease_check_ms",
     "from 10 to 60000"),
    ("request timeout of half a millisecond", "[store]\nrequest_timeout_ms = 0.5\n",
     "store.request_timeout_ms", "from 10 to 60000"),
    ("election timeout of a millisecond", "[raft]\nelection_timeout_ms = [1, 2]\n",
     "raft.election_timeout_ms[1]", "from 10 to 600000"),
    ("unknown protection", APPS + "protection = \"fence\"\n", "apps.protection",
     "did you mean 'fencing'"),
    ("client-go timing rule", APPS + "[apps.kubernetes]\nlease_duration = 10\n"
     "renew_deadline = 10\n", "apps.kubernetes.renew_deadline", "shorter than lease_duration"),
    ("ZooKeeper session outside 2 to 20 ticks", APPS + "[apps.zookeeper]\n"
     "tick_time_ms = 2000\nsession_timeout_ms = 1000\n", "apps.zookeeper.session_timeout_ms",
     "between 2 and 20 ticks"),
    ("unknown ZooKeeper stop policy", APPS + "[apps.zookeeper]\nstop_on = \"suspended\"\n",
     "apps.zookeeper.stop_on", "disconnected, lost, expired"),
    ("anti-entropy every microsecond",
     "[store]\nkind = \"eventual\"\nanti_entropy_ms = 0.001\n", "store.anti_entropy_ms",
     "must be 0 (never) or a number from 10 to 60000"),
    ("hints handed over every microsecond",
     "[store]\nkind = \"eventual\"\nhint_interval_ms = 0.001\n", "store.hint_interval_ms",
     "from 10 to 60000"),
    ("seed out of range", "[run]\nseed = -1\n", "run.seed", "from 0 to"),
    ("unknown consensus protocol", "[cluster]\nprotocol = \"paxos\"\n", "cluster.protocol",
     "did you mean 'multi-paxos'"),
    ("Multi-Paxos option on a Raft cluster", "[cluster]\nbackoff = false\n",
     "cluster.backoff", "is a Multi-Paxos option, but this cluster runs Raft"),
    ("Raft option on a Multi-Paxos cluster",
     "[cluster]\nprotocol = \"multi-paxos\"\n[raft]\npre_vote = false\n", "raft.pre_vote",
     "is a Raft option, but this cluster runs multi-paxos"),
    ("empty title", "[run]\ntitle = \"  \"\n", "run.title", "must not be empty"),
]


@pytest.mark.parametrize(("text", "key_path", "words"),
                         [case[1:] for case in BROKEN], ids=[case[0] for case in BROKEN])
def test_broken_preset_exits_2_naming_file_and_key(
    tmp_path, capsys, text: str, key_path: str, words: str
) -> None:
    path = tmp_path / "broken.toml"
    path.write_text(text, encoding="utf-8")
    assert main(["validate", str(path)]) == 2
    captured = capsys.readouterr()
    assert "Traceback" not in captured.err
    expected = f"{path}: {key_path}: " if key_path else f"{path}: "
    matching = [line for line in captured.err.splitlines() if line.startswith(expected)]
    assert matching, f"no line starts with {expected!r} in:\n{captured.err}"
    assert any(words in line for line in matching), captured.err


def test_a_rejected_timing_does_not_also_break_a_rule_with_a_default(tmp_path, capsys) -> None:
    """Only the bad key is named: no client-go or ZooKeeper rule between the rejected value's
    default and the other keys."""
    path = tmp_path / "fast.toml"
    path.write_text(APPS + "[apps.kubernetes]\nretry_period = 1e-6\nlease_duration = 1\n"
                    "renew_deadline = 0.5\n[apps.zookeeper]\ntick_time_ms = 1\n"
                    "session_timeout_ms = 2\n", encoding="utf-8")
    assert main(["validate", str(path)]) == 2
    lines = capsys.readouterr().err.splitlines()
    assert [line.split(": ")[1] for line in lines] == [
        "apps.kubernetes.retry_period", "apps.zookeeper.tick_time_ms"]


def test_the_table_covers_at_least_fifteen_kinds_of_mistake() -> None:
    assert len({case[0] for case in BROKEN}) >= 15


def test_a_broken_preset_also_stops_run_and_gui_with_status_2(tmp_path, capsys) -> None:
    path = tmp_path / "bad.toml"
    path.write_text("[raft]\nnodes = 99\n", encoding="utf-8")
    assert main(["run", str(path)]) == 2
    assert main(["gui", str(path)]) == 2
    err = capsys.readouterr().err
    assert err.count(f"{path}: raft.nodes: must be a whole number from 1 to 15") == 2


def test_validate_checks_every_file_and_fails_if_any_is_broken(tmp_path, capsys) -> None:
    good = tmp_path / "good.toml"
    good.write_text("[run]\ntitle = \"Fine\"\n", encoding="utf-8")
    bad = tmp_path / "bad.toml"
    bad.write_text("[run]\nduration = 0\n", encoding="utf-8")
    assert main(["validate", str(good), str(bad)]) == 2
    captured = capsys.readouterr()
    assert f"{good}: ok (Fine)" in captured.out
    assert f"{bad}: run.duration: must be a number greater than 0" in captured.err
    assert main(["validate", str(good)]) == 0
