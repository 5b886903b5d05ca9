"""A run collects garbage less often and leaves the caller's collector settings as it found them."""

from __future__ import annotations

import gc
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from simulator.cli import Frontends
from simulator.cli import main as cli_main
from simulator.config import RaftConfig, Scenario
from simulator.runtime.gc_pacing import RUN_THRESHOLDS, fewer_collections, no_collections
from simulator.runtime.simulation import Simulation


@pytest.fixture
def default_thresholds() -> Iterator[tuple[int, int, int]]:
    saved = gc.get_threshold()
    gc.set_threshold(700, 10, 10)
    yield gc.get_threshold()
    gc.set_threshold(*saved)


def test_a_run_restores_the_callers_thresholds(default_thresholds: tuple[int, int, int]) -> None:
    seen: list[tuple[int, int, int]] = []
    sim = Simulation(Scenario(name="gc", raft=RaftConfig(nodes=3)), seed=1)
    sim.trace.subscribe(lambda _event: seen.append(gc.get_threshold()), kinds=["raft.role"])
    sim.run_until(5.0)
    assert seen and all(during == RUN_THRESHOLDS for during in seen)
    assert gc.get_threshold() == default_thresholds
    assert gc.isenabled()


def test_a_nested_block_keeps_the_outer_settings(default_thresholds: tuple[int, int, int]) -> None:
    with fewer_collections():
        with fewer_collections():
            assert gc.get_threshold() == RUN_THRESHOLDS
        assert gc.get_threshold() == RUN_THRESHOLDS
    assert gc.get_threshold() == default_thresholds


def test_a_callers_disabled_young_generation_stays_off(
        default_thresholds: tuple[int, int, int]) -> None:
    gc.set_threshold(0)
    with fewer_collections():
        assert gc.get_threshold()[0] == 0
    assert gc.get_threshold()[0] == 0


def test_settings_come_back_when_the_run_fails(default_thresholds: tuple[int, int, int]) -> None:
    with pytest.raises(RuntimeError), fewer_collections():
        raise RuntimeError("a step failed")
    assert gc.get_threshold() == default_thresholds


def test_start_up_imports_collect_nothing_and_leave_the_collector_as_found() -> None:
    with no_collections():
        assert not gc.isenabled()
        with no_collections():
            assert not gc.isenabled()
        assert not gc.isenabled()
    assert gc.isenabled()
    gc.disable()
    try:
        with no_collections():
            pass
        assert not gc.isenabled()
    finally:
        gc.enable()
    with pytest.raises(RuntimeError), no_collections():
        raise RuntimeError("an import failed")
    assert gc.isenabled()


def test_the_leadersim_process_settles_once_its_run_modules_are_imported() -> None:
    """The command leaves its modules' objects out of later collections; a process that
    runs commands among other work (no settle handed in) keeps its collector as it was."""
    code = ("import gc, sys\nfrom ui.launcher import main\n"
            "sys.argv = ['leadersim', 'run', 'raft-steady', '--until', '1']\n"
            "try:\n    main()\nfinally:\n"
            "    print(gc.isenabled(), gc.get_freeze_count() > 10_000, file=sys.stderr)\n")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          cwd=Path(__file__).resolve().parents[2], check=False)
    assert done.returncode == 0, done.stderr
    assert done.stderr.strip().splitlines()[-1] == "True True"
    settled: list[str] = []
    frozen_before = gc.get_freeze_count()
    assert cli_main(["run", "raft-steady", "--until", "1"],
                    Frontends(settle=lambda: settled.append("run"))) == 0
    assert cli_main(["presets"], Frontends(settle=lambda: settled.append("presets"))) == 0
    assert cli_main(["run", "raft-steady", "--until", "1"], Frontends()) == 0
    assert settled == ["run"]
    assert gc.get_freeze_count() == frozen_before and gc.isenabled()
