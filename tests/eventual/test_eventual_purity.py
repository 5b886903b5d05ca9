"""The eventual core reads no clock and no global random (import-linter cannot see stdlib)."""

from __future__ import annotations

import ast
from pathlib import Path

CORE = Path(__file__).resolve().parents[2] / "simulator" / "eventual"
FORBIDDEN = {"time", "random", "datetime", "simpy", "secrets", "os"}


def test_the_core_imports_no_clock_random_or_simpy() -> None:
    for path in sorted(CORE.glob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            names: list[str] = []
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module:
                names = [node.module]
            for name in names:
                assert name.split(".")[0] not in FORBIDDEN, f"{path.name} imports {name}"
