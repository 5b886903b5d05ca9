"""One seed, one log: byte-identical event logs, and forks that replay the same past."""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
from pathlib import Path

import pytest
from runtime_helpers import scenario

from simulator.config import CaptionStep, FaultStep, Scenario
from simulator.runtime.actions import Action
from simulator.runtime.simulation import Simulation
from simulator.trace.export import to_jsonl


def _busy_scenario() -> Scenario:
    faults = (
        FaultStep("crash", at=4.0, target="raft-leader"),
        FaultStep("loss", after=1.0, value=0.1),
        FaultStep("restart", after=3.0),
        FaultStep("partition", at=10.0, groups=(("n1", "n2"), ("n3", "n4", "n5"))),
        FaultStep("heal", at=13.0),
    )
    return scenario(faults=faults)


def _session(seed: int) -> Simulation:
    sim = Simulation(_busy_scenario(), seed=seed)
    sim.run_until(3.0)
    sim.propose("a")
    sim.run_until(6.5)
    sim.pause("follower", 1.5)  # the lowest-id live follower
    sim.set_clock("n4", offset=0.3, rate=1.1)
    sim.run_until(14.0)
    sim.propose("b")
    sim.run_until(18.0)
    return sim


def test_the_same_scenario_seed_and_actions_give_a_byte_identical_log() -> None:
    first = to_jsonl(_session(7).trace)
    second = to_jsonl(_session(7).trace)
    assert first == second
    assert first.count("\n") > 1000
    assert first.splitlines()[0] == ('{"t":0.0,"kind":"run.start","seed":7,"preset":"test",'
                                     '"protocol":"raft","store":"strong","format":1}')


def test_another_seed_gives_another_log() -> None:
    assert to_jsonl(_session(7).trace) != to_jsonl(_session(8).trace)


def test_the_scenario_seed_is_the_default() -> None:
    sim = Simulation(Scenario(seed=42, name="x"))
    assert sim.seed == 42
    assert to_jsonl(sim.trace).startswith('{"t":0.0,"kind":"run.start","seed":42,"preset":"x",')


def test_actions_are_recorded_with_their_time_and_arguments() -> None:
    sim = _session(7)
    assert [(a.t, a.name) for a in sim.actions] == [
        (3.0, "propose"), (6.5, "pause"), (6.5, "set_clock"), (14.0, "propose")]
    paused = sim.actions[1].kwargs()
    assert paused["duration"] == 1.5
    assert paused["node"] in sim.raft_hosts  # "follower" was recorded as the node it meant
    traced = [e for e in sim.trace if e.kind == "user.action"]
    assert ("pause", paused["node"]) in [(e.action, e.target) for e in traced]


@pytest.mark.parametrize("at", [3.0, 6.5, 9.25, 18.0])
def test_a_fork_replays_to_an_identical_trace_prefix(at: float) -> None:
    original = _session(7)
    fork = original.fork(at)
    assert fork.now == at
    prefix = [e for e in original.trace if e.t <= at]
    assert to_jsonl(fork.trace) == to_jsonl(prefix)
    assert fork.actions == [a for a in original.actions if a.t <= at]


def test_a_fork_can_take_a_different_future() -> None:
    original = _session(7)
    fork = original.fork(7.0)
    fork.crash("n5")
    fork.run_until(18.0)
    assert to_jsonl(fork.trace) != to_jsonl(original.trace)
    assert [a.name for a in fork.actions][-1] == "crash"
    # forking the fork replays its own actions, the new one included
    again = fork.fork(18.0)
    assert to_jsonl(again.trace) == to_jsonl(fork.trace)


def test_apply_action_dispatches_by_name_and_rejects_bad_ones() -> None:
    sim = Simulation(scenario())
    sim.apply_action(Action(2.0, "isolate", (("node", "n1"),)))
    assert sim.now == 2.0 and sim.network.is_cut("n1", "n2")
    with pytest.raises(ValueError, match="unknown action 'explode'"):
        sim.apply_action(Action(3.0, "explode"))
    with pytest.raises(ValueError, match="in the past"):
        sim.apply_action(Action(1.0, "heal_all"))


def test_captions_and_pause_points_do_not_disturb_determinism() -> None:
    plain = Simulation(scenario())
    narrated = Simulation(Scenario(name="test", raft=plain.scenario.raft,
                                   network=plain.scenario.network,
                                   captions=(CaptionStep(1.5, "Watch the timers"),)))
    plain.run_until(5.0)
    narrated.run_until(5.0)
    without = [e for e in narrated.trace if e.kind != "caption"]
    assert to_jsonl(without) == to_jsonl(plain.trace)


_DIGEST_SCRIPT = """
import hashlib, sys
sys.path.insert(0, sys.argv[1])
from test_runtime_determinism import _session
from simulator.trace.export import to_jsonl
print(hashlib.sha256(to_jsonl(_session(7).trace).encode()).hexdigest())
"""


def test_the_log_is_identical_in_another_process_with_another_hash_seed() -> None:
    here = Path(__file__).resolve().parent
    root = here.parent.parent
    expected = hashlib.sha256(to_jsonl(_session(7).trace).encode()).hexdigest()
    for hash_seed in ("1", "2"):
        env = dict(os.environ, PYTHONHASHSEED=hash_seed, PYTHONPATH=str(root))
        out = subprocess.run([sys.executable, "-c", _DIGEST_SCRIPT, str(here)], env=env,
                             capture_output=True, text=True, check=True, cwd=root)
        assert out.stdout.strip() == expected
