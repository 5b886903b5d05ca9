"""Preset scenarios: the TOML format, its validation, and the presets shipped with leadersim."""

from simulator.presets.loader import load_scenario, parse_scenario, scenario_from_dict
from simulator.presets.problems import PresetError, Problem

__all__ = ["PresetError", "Problem", "load_scenario", "parse_scenario", "scenario_from_dict"]
