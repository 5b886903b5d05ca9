"""Loading a preset: TOML text or file -> a validated Scenario, or one PresetError listing
every problem (file, key path, what is allowed). Nothing else is ever raised for any input."""

from __future__ import annotations

import codecs
import re
import stat
import tomllib
from pathlib import Path
from typing import Any

from simulator.config import Scenario
from simulator.presets.apps import read_apps
from simulator.presets.cluster import (
    check_store,
    read_network,
    read_raft,
    read_store,
    store_kind,
)
from simulator.presets.problems import PresetError, Problem
from simulator.presets.reader import Problems, Section, TomlFloat
from simulator.presets.timeline import Hosts, read_captions, read_faults, read_pauses

TOP_KEYS = ("run", "cluster", "raft", "network", "store", "apps", "faults", "captions", "pauses")
RUN_KEYS = ("title", "description", "seed", "duration")
MAX_DURATION = 604_800.0
MAX_SEED = 2**63 - 1
MAX_BYTES = 10_000_000  # a preset is a page of text; more is not a preset
_POSITION = re.compile(r"^(?P<what>.*?)\s*\(at line (?P<line>\d+), column (?P<col>\d+)\)$")


def load_scenario(path: str | Path) -> Scenario:
    """Read and validate the preset file at ``path``; raise PresetError naming every problem."""
    file = str(path)
    try:
        kind = Path(path).stat().st_mode
        if stat.S_ISDIR(kind):
            raise IsADirectoryError
        if not stat.S_ISREG(kind):  # a device such as /dev/zero would be read forever
            raise PresetError([Problem(file, "", "is not a regular file")])
        with open(path, "rb") as handle:
            data = handle.read(MAX_BYTES + 1)
    except FileNotFoundError:
        raise PresetError([Problem(file, "", "no such file")]) from None
    except IsADirectoryError:
        raise PresetError([Problem(file, "", "is a directory, not a preset file")]) from None
    except OSError as error:
        raise PresetError([Problem(file, "", f"cannot be read: {error.strerror}")]) from None
    if len(data) > MAX_BYTES:
        raise PresetError([Problem(file, "", f"is too large for a preset (more than "
                                             f"{MAX_BYTES // 1_000_000} MB)")])
    bom = len(codecs.BOM_UTF8) if data.startswith(codecs.BOM_UTF8) else 0
    try:
        text = data[bom:].decode("utf-8")  # a byte order mark (Windows editors) is fine
    except UnicodeDecodeError as error:
        where = bom + error.start
        raise PresetError([Problem(file, "", f"is not UTF-8 text (byte {where})")]) from None
    return parse_scenario(text, file)


def parse_scenario(text: str, source_name: str) -> Scenario:
    """Parse and validate preset TOML ``text``; ``source_name`` names it in messages and its
    stem becomes the scenario's name."""
    try:
        data = tomllib.loads(text, parse_float=TomlFloat)
    except tomllib.TOMLDecodeError as error:
        raise PresetError([Problem(source_name, "", _syntax_message(str(error)))]) from None
    except RecursionError:
        raise PresetError([Problem(source_name, "", "invalid TOML: nested too deeply")]) \
            from None
    except ValueError as error:
        reason = "a number has too many digits" if "digits" in str(error) else str(error)
        raise PresetError([Problem(source_name, "", f"invalid TOML: {reason}")]) from None
    return scenario_from_dict(data, source_name)


def _syntax_message(text: str) -> str:
    match = _POSITION.match(text)
    if match is None:
        return f"invalid TOML: {text}"
    return (f"invalid TOML at line {match['line']}, column {match['col']}: "
            f"{match['what']}")


def scenario_from_dict(data: dict[str, Any], source_name: str) -> Scenario:
    """Validate an already parsed TOML document and build its Scenario."""
    problems = Problems(source_name)
    if not isinstance(data, dict):
        raise PresetError([Problem(source_name, "", "a preset must be a TOML table")])
    try:
        scenario = _build(problems, data, source_name)
    except RecursionError:
        problems.add("", "nested too deeply")
        scenario = None
    if problems.found or scenario is None:
        raise PresetError(_in_file_order(problems.found, data))
    return scenario


def _in_file_order(found: list[Problem], data: dict[str, Any]) -> list[Problem]:
    """The problems ordered by where their top-level table appears in the file (stable)."""
    order = {key: index for index, key in enumerate(data)}

    def position(problem: Problem) -> int:
        head = problem.key_path.split(".", 1)[0].split("[", 1)[0]
        return order.get(head, -1)

    return sorted(found, key=position)


def _build(problems: Problems, data: dict[str, Any], source_name: str) -> Scenario:
    root = Section(problems, data, "", TOP_KEYS)
    base = Scenario()
    name = Path(source_name).stem or base.name
    run = root.table("run", RUN_KEYS)
    title, description, seed, duration = name, base.description, base.seed, base.duration
    if run is not None:
        title = run.text("title", title, nonempty=True)
        description = run.text("description", description)
        seed = run.integer("seed", seed, low=0, high=MAX_SEED)
        duration = run.number("duration", duration, low=0, low_open=True, high=MAX_DURATION)
    raft = read_raft(root, eventual=store_kind(data) == "eventual")
    apps = read_apps(root)
    hosts = Hosts(raft=raft.node_ids, apps=tuple(s.id for s in apps.servers))
    store = read_store(root)
    check_store(root, store, raft, apps)
    names: dict[str, float] = {}  # fault step names -> the earliest time each can happen
    faults = read_faults(root, hosts, duration, names)
    return Scenario(
        title=title,
        description=description.strip(),
        name=name,
        seed=seed,
        duration=duration,
        raft=raft,
        network=read_network(root, hosts.all),
        store=store,
        apps=apps,
        faults=faults,
        captions=read_captions(root, duration, names),
        pauses=read_pauses(root, duration, names),
    )
