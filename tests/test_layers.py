"""The layer rules of DESIGN.md hold: import-linter's contracts in pyproject.toml all pass."""

from pathlib import Path

from importlinter.cli import lint_imports

ROOT = Path(__file__).resolve().parent.parent


def test_import_contracts_hold(monkeypatch) -> None:
    monkeypatch.chdir(ROOT)
    monkeypatch.syspath_prepend(str(ROOT))
    exit_code = lint_imports(config_filename=str(ROOT / "pyproject.toml"), no_cache=True)
    assert exit_code == 0, "an import contract is broken: run `lint-imports` to see which"


def test_contracts_cover_the_design_rules() -> None:
    """The contracts name the forbidden imports DESIGN.md lists (so none is silently lost)."""
    text = (ROOT / "pyproject.toml").read_text(encoding="utf-8")
    for forbidden in ('"ui"', '"PySide6"', '"pyqtgraph"', '"simpy"', '"simulator.runtime"'):
        assert forbidden in text
