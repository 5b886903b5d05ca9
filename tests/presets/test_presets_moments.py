"""Preset keys for fault steps that wait for a moment in the app's work and for captions and
pause points anchored to a named step: validation messages, the writer's round trip."""

from __future__ import annotations

import contextlib
import io

import pytest

from simulator.cli import main
from simulator.presets import PresetError, find_scenario, parse_scenario, scenario_to_toml

APPS = """
[run]
duration = 60

[apps]
count = 2
"""


def _problems(text: str) -> list[str]:
    with pytest.raises(PresetError) as error:
        parse_scenario(APPS + text, "lesson.toml")
    return [str(p) for p in error.value.problems]


def test_a_waiting_step_and_anchored_notes_are_read() -> None:
    scenario = parse_scenario(APPS + """
[[faults]]
name = "freeze"
at = 20
when = "charging"
action = "pause"
target = "app-leader"
duration = 15

[[faults]]
after = 2
action = "crash"
target = "n1"

[[captions]]
fault = "freeze"
after = 11
text = "Lease gone."

[[pauses]]
fault = "freeze"
question = "What now?"
""", "lesson.toml")
    freeze, crash = scenario.faults
    assert (freeze.name, freeze.when, freeze.at, freeze.target) == \
        ("freeze", "charging", 20.0, "app-leader")
    assert (crash.after, crash.name, crash.when) == (2.0, None, None)
    [caption] = scenario.captions
    assert (caption.at, caption.fault, caption.after) == (None, "freeze", 11.0)
    [pause] = scenario.pauses
    assert (pause.at, pause.fault, pause.after) == (None, "freeze", 0.0)


@pytest.mark.parametrize(("text", "expected"), [
    ('[[faults]]\nat = 5\nwhen = "charging"\naction = "pause"\ntarget = "n1"\nduration = 3\n',
     "lesson.toml: faults[1].when: 'charging' needs an app server target (app1, app2, "
     "app-leader, app-follower), not 'n1'"),
    ('[[faults]]\nat = 5\nwhen = "charging"\naction = "isolate"\ntarget = "app1"\n',
     "lesson.toml: faults[1].when: 'charging' works only with action 'pause' or 'crash', "
     "not 'isolate'"),
    ('[[faults]]\nat = 5\nwhen = "charge"\naction = "pause"\ntarget = "app1"\nduration = 3\n',
     "lesson.toml: faults[1].when: did you mean 'charging'? must be one of charging; "
     "got 'charge'"),
    ('[[faults]]\nname = "a"\nat = 5\naction = "crash"\ntarget = "n1"\n'
     '[[faults]]\nname = "a"\nat = 6\naction = "restart"\n',
     "lesson.toml: faults[2].name: 'a' already names faults[1]; each name once"),
    ('[[faults]]\nname = ""\nat = 5\naction = "crash"\ntarget = "n1"\n',
     "lesson.toml: faults[1].name: must not be empty"),
    ('[[faults]]\nname = "a"\nat = 5\naction = "crash"\ntarget = "n1"\n'
     '[[captions]]\nfault = "b"\ntext = "x"\n',
     "lesson.toml: captions[1].fault: no [[faults]] step is named 'b' (named steps: a)"),
    ('[[captions]]\nfault = "b"\ntext = "x"\n',
     "lesson.toml: captions[1].fault: no [[faults]] step is named 'b' (no [[faults]] step "
     "has a name; give one a name = \"...\")"),
    ('[[faults]]\nname = "a"\nat = 5\naction = "crash"\ntarget = "n1"\n'
     '[[pauses]]\nfault = "a"\nafter = -1\nquestion = "x?"\n',
     "lesson.toml: pauses[1].after: must be a number from 0 to 604800, got -1"),
    ('[[faults]]\nname = "a"\nat = 5\naction = "crash"\ntarget = "n1"\n'
     '[[pauses]]\nat = 3\nfault = "a"\nquestion = "x?"\n',
     "lesson.toml: pauses[1].fault: give either at (seconds from the start) or fault (the "
     "name of a [[faults]] step), not both"),
    ('[[captions]]\nat = 3\nafter = 2\ntext = "x"\n',
     "lesson.toml: captions[1].after: only with fault (seconds after that [[faults]] step "
     "happened); use at for seconds from the start"),
    ('[[faults]]\nname = "a"\nat = 50\nwhen = "charging"\naction = "crash"\n'
     'target = "app1"\n[[captions]]\nfault = "a"\nafter = 20\ntext = "x"\n',
     "lesson.toml: captions[1].after: this would come at 70 s at the earliest, after the end "
     "of the run (run.duration = 60 s)"),
    ('[[faults]]\nat = 50\nwhen = "charging"\naction = "crash"\ntarget = "app1"\n'
     '[[faults]]\nafter = 15\naction = "restart"\n',
     "lesson.toml: faults[2].after: this step would run at the earliest at 65 s, after the "
     "end of the run (run.duration = 60 s)"),
])
def test_each_mistake_is_named_by_its_key(text: str, expected: str) -> None:
    assert _problems(text) == [expected]


def test_waiting_needs_app_servers() -> None:
    with pytest.raises(PresetError) as error:
        parse_scenario('[[faults]]\nat = 5\nwhen = "charging"\naction = "crash"\n'
                       'target = "n1"\n', "raft.toml")
    assert "raft.toml: faults[1].when: 'charging' waits for an app server's work, but there " \
           "are no app servers (set apps.count)" in [str(p) for p in error.value.problems]


def test_validate_reports_the_problem_with_exit_status_2(tmp_path) -> None:
    path = tmp_path / "bad.toml"
    path.write_text(APPS + '[[pauses]]\nfault = "ghost"\nquestion = "x?"\n')
    err = io.StringIO()
    with contextlib.redirect_stderr(err), contextlib.redirect_stdout(io.StringIO()):
        status = main(["validate", str(path)])
    assert status == 2
    assert f"{path}: pauses[1].fault: no [[faults]] step is named 'ghost'" in err.getvalue()


@pytest.mark.parametrize("name", ["pause-double-charge", "pause-fenced-charge"])
def test_the_pause_lessons_round_trip_through_the_writer(name: str) -> None:
    scenario = find_scenario(name)
    assert any(step.when == "charging" for step in scenario.faults)
    text = scenario_to_toml(scenario)
    assert parse_scenario(text, f"{name}.toml") == scenario
    assert 'when = "charging"' in text and 'fault = "freeze"' in text


def test_a_chain_after_a_waiting_step_round_trips() -> None:
    scenario = parse_scenario(APPS + """
[[faults]]
name = "w"
when = "charging"
action = "crash"
target = "app-follower"

[[faults]]
after = 2.5
action = "restart"
name = "back"

[[captions]]
fault = "back"
after = 0.25
text = "restarted"
""", "chain.toml")
    assert parse_scenario(scenario_to_toml(scenario), "chain.toml") == scenario
