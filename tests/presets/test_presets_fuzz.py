"""No input crashes the loader: anything but a valid preset raises PresetError, nothing else."""

from __future__ import annotations

import copy
import datetime
import tomllib
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from simulator.config import FAULT_ACTIONS, Scenario
from simulator.presets import (
    PresetError,
    parse_scenario,
    scenario_from_dict,
    scenario_to_toml,
)
from simulator.presets.apps import APPS_KEYS, JOB_KEYS, KUBERNETES_KEYS, SERVER_KEYS, ZOOKEEPER_KEYS
from simulator.presets.catalog import shipped_paths
from simulator.presets.cluster import (
    ALL_LATENCY_KEYS,
    LINK_KEYS,
    NETWORK_KEYS,
    RAFT_KEYS,
    STORE_KEYS,
)
from simulator.presets.loader import RUN_KEYS, TOP_KEYS
from simulator.presets.timeline import CAPTION_KEYS, FAULT_KEYS, PAUSE_KEYS
from simulator.runtime.simulation import Simulation

KNOWN_KEYS = sorted(set(
    TOP_KEYS + RUN_KEYS + RAFT_KEYS + NETWORK_KEYS + LINK_KEYS + STORE_KEYS + APPS_KEYS
    + SERVER_KEYS + JOB_KEYS + KUBERNETES_KEYS + ZOOKEEPER_KEYS + ALL_LATENCY_KEYS
    + FAULT_KEYS + CAPTION_KEYS + PAUSE_KEYS))
WORDS = list(FAULT_ACTIONS) + ["n1", "n5", "n16", "app1", "provider", "raft-leader", "all",
                               "uniform", "constant", "normal", "seed", "fencing", ""]
FUZZ = settings(max_examples=150, deadline=None,
                suppress_health_check=[HealthCheck.too_slow])

scalars = st.one_of(
    st.integers(min_value=-(2**70), max_value=2**70),
    st.floats(allow_nan=True, allow_infinity=True),
    st.booleans(),
    st.sampled_from(WORDS),
    st.text(max_size=8),
    st.datetimes(min_value=datetime.datetime(1970, 1, 1)),
    st.dates(),
)
keys = st.one_of(st.sampled_from(KNOWN_KEYS), st.text(max_size=6))
values = st.recursive(
    scalars,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(keys, inner, max_size=5),
    max_leaves=20,
)
documents = st.dictionaries(keys, values, max_size=8)


def _outcome(call: Any) -> Scenario | PresetError:
    try:
        return call()
    except PresetError as error:
        assert error.problems and all(str(p) for p in error.problems)
        return error


@FUZZ
@given(st.text(max_size=300))
def test_arbitrary_text_only_ever_raises_preset_error(text: str) -> None:
    _outcome(lambda: parse_scenario(text, "fuzz.toml"))


@FUZZ
@given(st.lists(st.sampled_from(
    ["[raft]", "[[faults]]", "[apps]", "nodes = ", "at = ", "= ", "\"", "[", "]", "{", "}",
     "1e999", "0x", "\n", " ", "action = \"crash\"", "target = ", "'''", ",", "inf", "nan"]),
    max_size=40))
def test_toml_like_fragments_only_ever_raise_preset_error(pieces: list[str]) -> None:
    _outcome(lambda: parse_scenario("".join(pieces), "fuzz.toml"))


@FUZZ
@given(documents)
def test_arbitrary_toml_shaped_documents_only_ever_raise_preset_error(
    document: dict[str, Any]
) -> None:
    _outcome(lambda: scenario_from_dict(document, "fuzz.toml"))


def _leaves(node: Any, path: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    found = [path] if path else []
    if isinstance(node, dict):
        for key in node:
            found += _leaves(node[key], path + (key,))
    elif isinstance(node, list):
        for index, element in enumerate(node):
            found += _leaves(element, path + (index,))
    return found


SHIPPED = [tomllib.loads(p.read_text(encoding="utf-8")) for p in shipped_paths()]


@FUZZ
@given(st.data())
def test_one_changed_value_in_a_shipped_preset_never_crashes(data: st.DataObject) -> None:
    document = copy.deepcopy(data.draw(st.sampled_from(SHIPPED)))
    path = data.draw(st.sampled_from(_leaves(document)))
    parent = document
    for step in path[:-1]:
        parent = parent[step]
    parent[path[-1]] = data.draw(values)
    result = _outcome(lambda: scenario_from_dict(document, "mutated.toml"))
    if isinstance(result, PresetError):
        assert all(p.file == "mutated.toml" for p in result.problems)
    else:
        assert parse_scenario(scenario_to_toml(result), "mutated.toml") == result


@FUZZ
@given(st.text(min_size=1).filter(str.strip), st.text(), st.text(min_size=1).filter(str.strip),
       st.floats(min_value=0, max_value=60), st.floats(min_value=10, max_value=60_000))
def test_any_text_and_times_survive_writing_and_reading_back(
    title: str, description: str, caption: str, at: float, heartbeat_ms: float
) -> None:
    document = {"run": {"title": title, "description": description},
                "raft": {"heartbeat_ms": heartbeat_ms},
                "captions": [{"at": at, "text": caption}]}
    result = _outcome(lambda: scenario_from_dict(document, "texts.toml"))
    assert not isinstance(result, PresetError), result
    assert parse_scenario(scenario_to_toml(result), "texts.toml") == result


NODES = ["n1", "n2", "n3", "app1", "app2", "provider", "raft-leader", "follower", "app-leader",
         "app-follower", "all"]
node = st.sampled_from(NODES)


def _step(action: str, **fields: st.SearchStrategy[Any]) -> st.SearchStrategy[dict[str, Any]]:
    """A step of ``action`` with the keys it takes (an unsuitable target is still possible)."""
    required = {"at": st.floats(min_value=0.5, max_value=3.5), "action": st.just(action)}
    optional = {key[1:]: value for key, value in fields.items() if key.startswith("_")}
    required.update({key: value for key, value in fields.items() if not key.startswith("_")})
    return st.fixed_dictionaries(required, optional=optional)


fault_steps = st.one_of(
    _step("crash", target=node), _step("restart", _target=node), _step("isolate", target=node),
    _step("pause", target=node, duration=st.floats(min_value=0.1, max_value=2.0)),
    _step("partition", groups=st.lists(st.lists(node, min_size=1, max_size=3), min_size=2,
                                       max_size=3)),
    _step("heal"), _step("timeout", target=node),
    _step("cut", target=node, peer=node, _both_ways=st.booleans()),
    _step("heal-link", target=node, peer=node, _both_ways=st.booleans()),
    _step("loss", loss=st.floats(min_value=0, max_value=1), _target=node),
    _step("latency", latency_ms=st.floats(min_value=0, max_value=200), _target=node),
    _step("clock", target=node, offset=st.floats(min_value=-5, max_value=5),
          _rate=st.floats(min_value=0.5, max_value=2)),
    _step("exception", target=node), _step("shutdown", target=node),
    _step("random-faults", every=st.floats(min_value=1, max_value=3),
          _duration=st.floats(min_value=0.5, max_value=2)),
)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.sampled_from(["seed", "etcd", "zookeeper", "kubernetes"]),
       st.lists(fault_steps, min_size=1, max_size=6))
def test_every_schedule_the_validator_accepts_runs(recipe: str, steps: list[dict[str, Any]]
                                                   ) -> None:
    document = {
        "run": {"duration": 4},
        "raft": {"nodes": 3, "heartbeat_ms": 50, "election_timeout_ms": [300, 600]},
        "apps": {"count": 2, "recipe": recipe, "ttl": 2,
                 "kubernetes": {"lease_duration": 3, "renew_deadline": 2, "retry_period": 0.5},
                 "zookeeper": {"tick_time_ms": 500, "session_timeout_ms": 2000}},
        "faults": sorted(steps, key=lambda step: step["at"]),
    }
    scenario = _outcome(lambda: scenario_from_dict(document, "schedule.toml"))
    if isinstance(scenario, PresetError):
        return
    # a step that cannot run is traced as skipped; nothing else may go wrong
    sim = Simulation(scenario, scenario.seed)
    sim.run_until(scenario.duration)
    assert sim.now == scenario.duration
