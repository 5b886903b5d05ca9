"""The README's set-up commands work on a fresh Debian or Ubuntu, and CI runs the same one."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def _readme_commands() -> list[str]:
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    setup = text[text.index("## Set-up on a fresh machine"):text.index("## Using it")]
    return re.findall(r"```sh\n(.+?)\n```", setup)


def test_both_commands_make_and_enter_a_virtual_environment_first() -> None:
    """pip refuses to install outside a venv on current Debian and Ubuntu (PEP 668)."""
    start, test = _readme_commands()
    for command in (start, test):
        assert command.startswith("python3 -m venv .venv && . .venv/bin/activate && pip ")
    assert start.endswith("pip install -e . && leadersim")
    assert test.endswith("pip install -e '.[test]' && pytest")


def test_ci_runs_the_readme_test_command_as_written() -> None:
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8").splitlines()
    assert _readme_commands()[1] in ci
