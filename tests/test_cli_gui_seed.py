"""``leadersim gui --seed N`` opens the window on the preset with that seed."""

from __future__ import annotations

from pathlib import Path

from simulator.cli import Frontends, main
from simulator.config import Scenario


def test_gui_seed_replaces_the_presets_seed(capsys) -> None:
    seen: list[int] = []

    def gui(scenario: Scenario, until: float | None, screenshot: Path | None) -> int:
        seen.append(scenario.seed)
        return 0

    fronts = Frontends(gui=gui)
    assert main(["gui", "pause-double-charge", "--seed", "3"], fronts) == 0
    assert main(["gui", "pause-double-charge"], fronts) == 0
    assert seen == [3, 1]
    assert main(["gui", "pause-double-charge", "--seed", "-1"], fronts) == 2
    assert "seed" in capsys.readouterr().err
