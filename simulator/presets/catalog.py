"""The presets shipped with leadersim (presets/*.toml at the repository root), found by name.

A preset is named either by a file path or by a shipped preset's name (its file stem, e.g.
``raft-leader-crash``).
"""

from __future__ import annotations

from pathlib import Path

import simulator
from simulator.config import Scenario
from simulator.frozen import frozen
from simulator.presets.loader import load_scenario
from simulator.presets.problems import PresetError, Problem

PRESETS_DIR = Path(simulator.__file__).resolve().parent.parent / "presets"
DEFAULT_PRESET = "seed-steady"


@frozen
class PresetInfo:
    """A shipped preset: its name (file stem), title, description, file, and its problems
    (empty when it validates)."""

    name: str
    title: str
    description: str
    path: Path
    problems: tuple[Problem, ...] = ()

    @property
    def valid(self) -> bool:
        """True when the preset validates."""
        return not self.problems


def shipped_paths(directory: Path = PRESETS_DIR) -> list[Path]:
    """The shipped preset files, sorted by name."""
    if not directory.is_dir():
        return []
    return sorted(p for p in directory.glob("*.toml") if p.is_file())


def shipped_names(directory: Path = PRESETS_DIR) -> list[str]:
    """The shipped presets' names, sorted."""
    return [p.stem for p in shipped_paths(directory)]


def list_presets(directory: Path = PRESETS_DIR) -> list[PresetInfo]:
    """Every shipped preset with its title and description (invalid ones carry problems)."""
    infos: list[PresetInfo] = []
    for path in shipped_paths(directory):
        try:
            scenario = load_scenario(path)
        except PresetError as error:
            infos.append(PresetInfo(path.stem, path.stem, "", path, error.problems))
            continue
        infos.append(PresetInfo(path.stem, scenario.title, scenario.description, path))
    return infos


def resolve_preset(name_or_path: str, directory: Path = PRESETS_DIR) -> Path:
    """The file a preset argument names: an existing file, else a shipped preset's name.

    Raises PresetError naming the argument and the shipped names when neither exists.
    """
    candidate = Path(name_or_path)
    if candidate.is_file():
        return candidate
    stem = name_or_path.removesuffix(".toml")
    shipped = directory / f"{stem}.toml"
    if "/" not in name_or_path and "\\" not in name_or_path and shipped.is_file():
        return shipped
    if candidate.exists():
        return candidate
    names = ", ".join(shipped_names(directory)) or "none"
    raise PresetError([Problem(name_or_path, "", f"no such file or shipped preset; shipped "
                                                 f"presets: {names}")])


def find_scenario(name_or_path: str, directory: Path = PRESETS_DIR) -> Scenario:
    """Load the preset named by a file path or a shipped name (PresetError if bad)."""
    return load_scenario(resolve_preset(name_or_path, directory))
