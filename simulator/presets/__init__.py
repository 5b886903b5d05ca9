"""Preset scenarios: the TOML format, its validation, and the presets shipped with leadersim."""

from simulator.presets.catalog import (
    DEFAULT_PRESET,
    PRESETS_DIR,
    PresetInfo,
    find_scenario,
    list_presets,
    resolve_preset,
    shipped_names,
)
from simulator.presets.loader import load_scenario, parse_scenario, scenario_from_dict
from simulator.presets.problems import PresetError, Problem
from simulator.presets.writer import scenario_to_toml

__all__ = [
    "DEFAULT_PRESET", "PRESETS_DIR", "PresetError", "PresetInfo", "Problem", "find_scenario",
    "list_presets", "load_scenario", "parse_scenario", "resolve_preset", "scenario_from_dict",
    "scenario_to_toml", "shipped_names",
]
