"""The leadersim command line: run, presets, validate, gui, experiment, and their exit statuses."""

from __future__ import annotations

import csv
import json
from pathlib import Path
from typing import Any

import pytest

from simulator import cli
from simulator.cli import Frontends, main
from simulator.config import Scenario
from simulator.presets.catalog import DEFAULT_PRESET, list_presets
from simulator.trace.events import RaftRole, Violation
from simulator.trace.recorder import Trace

PRESET = "raft-leader-crash"


def test_presets_lists_every_shipped_preset_with_its_title(capsys) -> None:
    assert main(["presets"]) == 0
    lines = capsys.readouterr().out.splitlines()
    infos = list_presets()
    assert len(lines) == len(infos)
    for line, info in zip(lines, infos, strict=True):
        assert line.split()[0] == info.name and line.endswith(info.title)


def test_an_app_lesson_writes_the_same_event_log_every_time(tmp_path) -> None:
    first, second = tmp_path / "a.jsonl", tmp_path / "b.jsonl"
    assert main(["run", "herd-single-key", "--until", "35", "--events", str(first)]) == 0
    assert main(["run", "herd-single-key", "--until", "35", "--events", str(second)]) == 0
    assert first.read_bytes() == second.read_bytes()


def test_run_writes_the_same_event_log_for_the_same_seed(tmp_path, capsys) -> None:
    first, second, other = tmp_path / "a.jsonl", tmp_path / "b.jsonl", tmp_path / "c.jsonl"
    assert main(["run", PRESET, "--seed", "7", "--events", str(first)]) == 0
    assert main(["run", PRESET, "--seed", "7", "--events", str(second)]) == 0
    assert main(["run", PRESET, "--seed", "8", "--events", str(other)]) == 0
    assert first.read_bytes() == second.read_bytes()
    assert first.read_bytes() != other.read_bytes()
    head = json.loads(first.read_text(encoding="utf-8").splitlines()[0])
    assert head == {"t": 0.0, "kind": "run.start", "seed": 7, "preset": PRESET,
                    "protocol": "raft", "store": "strong", "format": 1}
    assert PRESET in capsys.readouterr().out


def test_run_stops_at_until_and_writes_csv(tmp_path, capsys) -> None:
    events, table = tmp_path / "e.jsonl", tmp_path / "e.csv"
    assert main(["run", PRESET, "--until", "5", "--events", str(events), "--csv", str(table),
                 "--json"]) == 0
    summary = json.loads(capsys.readouterr().out)
    assert summary["end"] == 5.0
    lines = events.read_text(encoding="utf-8").splitlines()
    assert json.loads(lines[-1]) == {"t": 5.0, "kind": "run.end"}
    assert all(json.loads(line)["t"] <= 5.0 for line in lines)
    with open(table, encoding="utf-8", newline="") as handle:
        rows = list(csv.reader(handle))
    assert rows[0] == ["t", "kind", "node", "detail"]
    assert len(rows) == len(lines) + 1


def test_timeline_is_rendered_by_the_injected_renderer(tmp_path, capsys) -> None:
    calls: list[tuple[int, str, Path]] = []

    def render(events: Any, scenario: Scenario, path: Path) -> None:
        calls.append((len(events), scenario.name, path))
        path.write_bytes(b"<svg/>")

    picture = tmp_path / "timeline.svg"
    assert main(["run", PRESET, "--until", "3", "--timeline", str(picture)],
                Frontends(render_timeline=render)) == 0
    assert picture.read_bytes() == b"<svg/>"
    assert calls and calls[0][1:] == (PRESET, picture) and calls[0][0] > 10


@pytest.fixture
def no_simulation(monkeypatch) -> None:
    """Fail the test if a run starts: output checks must come before it."""
    def refuse() -> Any:
        raise AssertionError("the run started although an output was unwritable")
    monkeypatch.setattr(cli, "_simulation_class", refuse)


@pytest.mark.parametrize(("option", "where", "problem"), [
    ("--events", "missing/out.jsonl", "does not exist"),
    ("--csv", "a-file/out.csv", "is not a directory"),
    ("--events", ".", "is a directory"),
    ("--timeline", "out.jpg", "must end in .png or .svg"),
])
def test_unwritable_output_exits_2_before_the_run(
    tmp_path, capsys, no_simulation, option: str, where: str, problem: str
) -> None:
    (tmp_path / "a-file").write_text("", encoding="utf-8")
    target = tmp_path / where
    status = main(["run", PRESET, option, str(target)], Frontends(render_timeline=_no_render))
    assert status == 2
    err = capsys.readouterr().err
    assert f"{option} {target}" in err and problem in err
    assert "Traceback" not in err


def _no_render(events: Any, scenario: Scenario, path: Path) -> None:
    raise AssertionError("must not render")


def test_timeline_without_a_renderer_is_refused_before_the_run(
    tmp_path, capsys, no_simulation
) -> None:
    assert main(["run", PRESET, "--timeline", str(tmp_path / "t.png")]) == 2
    assert "--timeline needs the Qt renderer" in capsys.readouterr().err


class _FakeSimulation:
    """A stand-in run whose trace has a violation (the real model has none to offer)."""

    def __init__(self, scenario: Scenario, seed: int) -> None:
        self.trace = Trace()
        self.now = 0.0

    def run_until(self, t: float) -> None:
        if self.now == 0.0:
            self.trace.emit(RaftRole(0.1, "n1", "leader", 1))
            self.trace.emit(RaftRole(0.2, "n2", "leader", 1))
            self.trace.emit(Violation(0.2, "two-raft-leaders", "n1 and n2 lead term 1"))
        self.now = t


def test_fail_on_violation_turns_a_violation_into_status_1(monkeypatch, capsys) -> None:
    monkeypatch.setattr(cli, "_simulation_class", lambda: _FakeSimulation)
    assert main(["run", PRESET, "--until", "1"]) == 0
    assert main(["run", PRESET, "--until", "1", "--fail-on-violation"]) == 1
    monkeypatch.undo()
    assert main(["run", "raft-steady", "--fail-on-violation"]) == 0
    assert "Traceback" not in capsys.readouterr().err


def test_an_internal_error_is_one_line_not_a_traceback(monkeypatch, capsys) -> None:
    class Broken:
        def __init__(self, scenario: Scenario, seed: int) -> None:
            raise RuntimeError("boom")

    monkeypatch.setattr(cli, "_simulation_class", lambda: Broken)
    monkeypatch.delenv(cli.DEBUG_ENV, raising=False)
    assert main(["run", PRESET]) == 3  # its own status: 1 is a failed safety check
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "Traceback" not in err
    assert "internal error" in err and "RuntimeError: boom" in err and "status 3" in err


def test_the_help_lists_every_exit_status(capsys) -> None:
    assert main(["run", "--help"]) == 0
    out = capsys.readouterr().out
    for line in ("0  success", "1  a safety check failed", "2  bad input", "3  internal error"):
        assert line in out


def test_gui_gets_the_validated_scenario_and_its_options(tmp_path) -> None:
    calls: list[tuple[Scenario, float | None, Path | None]] = []

    def gui(scenario: Scenario, until: float | None, screenshot: Path | None) -> int:
        calls.append((scenario, until, screenshot))
        return 0

    fronts = Frontends(gui=gui)
    shot = tmp_path / "window.png"
    assert main([], fronts) == 0
    assert main(["gui", PRESET, "--until", "12", "--screenshot", str(shot)], fronts) == 0
    assert [(s.name, u, p) for s, u, p in calls] == [
        (DEFAULT_PRESET, None, None), (PRESET, 12.0, shot)]


def test_gui_without_qt_or_with_a_bad_screenshot_path_exits_2(tmp_path, capsys) -> None:
    assert main(["gui", PRESET]) == 2
    assert "the window needs Qt" in capsys.readouterr().err
    fronts = Frontends(gui=lambda scenario, until, shot: 0)
    bad = tmp_path / "nowhere" / "shot.png"
    assert main(["gui", "--screenshot", str(bad)], fronts) == 2
    assert f"--screenshot {bad}" in capsys.readouterr().err


def test_a_preset_is_named_by_shipped_name_or_by_path(tmp_path, capsys) -> None:
    own = tmp_path / "mine.toml"
    own.write_text('[run]\ntitle = "Mine"\nduration = 2\n[raft]\nnodes = 3\n',
                   encoding="utf-8")
    assert main(["validate", PRESET, str(own)]) == 0
    assert main(["run", str(own), "--json"]) == 0
    out = capsys.readouterr().out
    assert json.loads(out[out.index("{"):])["preset"] == "mine"
    assert main(["run", "no-such-lesson"]) == 2
    err = capsys.readouterr().err
    assert "no-such-lesson: no such file or shipped preset" in err and PRESET in err


@pytest.mark.parametrize("argv", [
    ["frobnicate"], ["run"], ["run", PRESET, "--seed", "abc"], ["run", PRESET, "--until", "0"],
    ["run", PRESET, "--until", "nan"], ["validate"],
])
def test_bad_arguments_exit_2_with_the_message_first(argv: list[str], capsys) -> None:
    """The first line names the option and the problem; no usage block comes before it."""
    assert main(argv) == 2
    lines = capsys.readouterr().err.splitlines()
    assert lines[0].startswith("leadersim") and "usage" not in lines[0], lines
    assert lines[1:] == [f"({' '.join(lines[0].split(':')[0].split()[:2])} --help lists the "
                         "options)"], lines


@pytest.mark.parametrize("command", [["run", PRESET], ["gui", PRESET],
                                     ["experiment", "election-time", "--trials", "1"]])
def test_every_command_takes_and_bounds_seeds_alike(command: list[str], capsys) -> None:
    """A seed beyond 2^63-1 or below 0 is refused by every command with the same words."""
    for seed in (str(2**70), "-1"):
        assert main([*command, "--seed", seed]) == 2
        assert f"--seed: must be from 0 to 2^63-1, got {seed}" in capsys.readouterr().err


def test_the_help_says_what_no_command_does(capsys) -> None:
    assert main(["--help"]) == 0
    assert "Without a command it opens the window" in capsys.readouterr().out


def test_experiment_runs_and_prints_one_row_per_range(capsys) -> None:
    argv = ["experiment", "election-time", "--ranges", "150-300,150-200", "--trials", "5",
            "--workers", "1"]
    assert main(argv) == 0
    out = capsys.readouterr().out
    assert "150-300" in out and "150-200" in out and "median" in out


def test_experiment_png_plot_without_a_rasteriser_exits_2(tmp_path, capsys) -> None:
    argv = ["experiment", "election-time", "--trials", "5", "--plot", str(tmp_path / "p.png")]
    assert main(argv) == 2
    assert "--plot" in capsys.readouterr().err


@pytest.mark.parametrize("argv", [["staleness", "--plot"], ["election-time", "--plot"],
                                  ["failover", "--cdf"]])
def test_experiment_png_in_a_missing_folder_names_the_folder(tmp_path, capsys,
                                                             argv: list[str]) -> None:
    """With the launcher's rasteriser PNG is fine: the one problem is the missing folder."""
    def never(svg: str, path: Path) -> None:
        raise AssertionError("nothing is drawn when an output cannot be written")

    target = tmp_path / "missing" / "x.png"
    assert main(["experiment", *argv, str(target)], Frontends(svg_to_png=never)) == 2
    assert capsys.readouterr().err.endswith(
        f"{argv[-1]} {target}: cannot be written: directory {target.parent} does not exist\n")


class _Terminal:
    """A stderr that says it is a terminal and keeps what is written."""

    def __init__(self) -> None:
        self.text = ""

    def isatty(self) -> bool:
        return True

    def write(self, text: str) -> int:
        self.text += text
        return len(text)

    def flush(self) -> None:
        return None


class _Clock:
    def __init__(self) -> None:
        self.now = 0.0

    def run_until(self, t: float) -> None:
        self.now = t


def test_a_long_run_on_a_terminal_shows_a_progress_bar(monkeypatch) -> None:
    terminal = _Terminal()
    monkeypatch.setattr(cli, "PROGRESS_DELAY_S", 0.0)
    clock = _Clock()
    cli.run_with_progress(clock, 40.0, terminal)  # type: ignore[arg-type]
    assert clock.now == 40.0
    assert "100%  t = 40 / 40 s" in terminal.text and terminal.text.endswith("\n")
    quiet = _Terminal()
    quiet.isatty = lambda: False  # type: ignore[method-assign]
    cli.run_with_progress(_Clock(), 40.0, quiet)  # type: ignore[arg-type]
    assert quiet.text == ""


# The stable minimum of docs/events.md: kind -> {field: type}.
EVENTS_MINIMUM: dict[str, dict[str, type | tuple[type, ...]]] = {
    "run.start": {"seed": int, "preset": str, "protocol": str, "store": str, "format": int},
    "raft.role": {"node": str, "role": str, "term": int},
    "raft.apply": {"node": str, "index": int, "term": int, "cmd": str},
    "node.crash": {"node": str}, "node.restart": {"node": str},
    "node.pause": {"node": str, "duration": (int, float)}, "node.resume": {"node": str},
    "net.cut": {"src": str, "dst": str}, "net.heal": {"src": str, "dst": str},
    "msg.send": {"id": int, "src": str, "dst": str, "type": str},
    "msg.deliver": {"id": int}, "msg.drop": {"id": int, "reason": str},
    "violation": {"what": str, "detail": str},
    "kv.invoke": {"client": str, "op_id": int, "op": str, "prefix": bool},
    "kv.complete": {"client": str, "op_id": int, "ok": bool},
    "lease.grant": {"lease": int, "ttl": (int, float), "owner": str},
    "lease.revoke": {"lease": int, "reason": str},
    "watch.event": {"client": str, "key": str, "type": str, "revision": int},
    "app.role": {"server": str, "leader": bool, "token": (int, type(None))},
    "work": {"server": str, "job": str, "token": (int, type(None)), "accepted": bool,
             "duplicate": bool},
}
ROLES = {"follower", "precandidate", "candidate", "leader"}


@pytest.mark.parametrize("preset", ["raft-leader-crash", "flapping-no-prevote",
                                    "pause-double-charge"])
def test_the_exported_event_log_follows_the_public_format(preset: str, tmp_path) -> None:
    path = tmp_path / "log.jsonl"
    assert main(["run", preset, "--events", str(path)]) == 0
    lines = path.read_text(encoding="utf-8").splitlines()
    records = [json.loads(line) for line in lines]
    assert records[0]["kind"] == "run.start" and records[0]["preset"] == preset
    seen: set[str] = set()
    previous = 0.0
    for record in records:
        assert isinstance(record["t"], float) and record["t"] >= previous
        previous = record["t"]
        assert list(record)[:2] == ["t", "kind"]
        seen.add(record["kind"])
        for field, kind in EVENTS_MINIMUM.get(record["kind"], {}).items():
            assert isinstance(record[field], kind), (record, field)
        if record["kind"] == "raft.role":
            assert record["role"] in ROLES
    expected = {"raft-leader-crash": "node.crash", "flapping-no-prevote": "net.cut",
                "pause-double-charge": "work"}[preset]
    assert {"raft.role", "msg.send", "msg.deliver", expected} <= seen
    if preset == "pause-double-charge":
        assert {"kv.invoke", "kv.complete", "lease.grant", "lease.revoke", "watch.event",
                "app.role", "node.pause", "node.resume"} <= seen
        assert any(r["kind"] == "work" and r["duplicate"] for r in records)


def test_an_output_over_the_preset_or_over_another_output_is_refused(
    tmp_path, capsys, no_simulation
) -> None:
    preset = tmp_path / "lesson.toml"
    preset.write_text("[run]\nduration = 5\n", encoding="utf-8")
    assert main(["run", str(preset), "--events", str(preset)]) == 2
    assert "is the preset being run" in capsys.readouterr().err
    assert preset.read_text(encoding="utf-8") == "[run]\nduration = 5\n"
    out = tmp_path / "out.jsonl"
    assert main(["run", str(preset), "--events", str(out), "--csv", str(out)]) == 2
    assert f"--csv {out}: is also the --events file" in capsys.readouterr().err


@pytest.mark.parametrize("until", ["1e6", "-3", "nan", "inf", "soon"])
def test_an_until_beyond_a_week_or_not_a_time_is_refused(capsys, until: str) -> None:
    assert main(["run", PRESET, "--until", until]) == 2
    err = capsys.readouterr().err
    assert "--until" in err and "Traceback" not in err
