"""``frozen`` builds the class ``dataclass(frozen=True, slots=True)`` would, without compiling."""

from __future__ import annotations

import copy
import dataclasses
import inspect
import pickle
import subprocess
import sys
import types
from pathlib import Path
from typing import ClassVar

import pytest

from simulator.frozen import field_names, frozen, replace

SOURCE = '''
from __future__ import annotations
from dataclasses import field
from typing import ClassVar


@decorate
class Base:
    """An event-like base: ``t`` and a class-level kind."""

    t: float
    kind: ClassVar[str] = "base"


@decorate
class Child(Base):
    """Fields of every sort: required, defaulted, from a factory, hidden from repr and eq."""

    node: str
    term: int = 3
    items: tuple[int, ...] = field(default_factory=tuple)
    seen: list[int] = field(default_factory=list, hash=False)
    note: str = field(default="", repr=False, compare=False)
    kind: ClassVar[str] = "child"


@decorate
class Checked:
    value: int

    def __post_init__(self) -> None:
        if self.value < 0:
            raise ValueError(f"negative value {self.value}")


@decorate
class Empty:
    """No fields at all."""


@decorate
class OwnMethods:
    """A class with its own repr and eq keeps them (and gets the dataclass's hash)."""

    name: str

    def __repr__(self) -> str:
        return f"<{self.name}>"

    def __eq__(self, other: object) -> bool:
        return isinstance(other, OwnMethods) and other.name.lower() == self.name.lower()
'''


def _module(name: str, decorate: object, source: str = SOURCE) -> types.ModuleType:
    module = types.ModuleType(name)
    module.__dict__["decorate"] = decorate
    sys.modules[name] = module  # pickle finds the classes by module and name
    exec(compile(source, f"<{name}>", "exec"), module.__dict__)  # noqa: S102 - fixed text above
    return module


REFERENCE = _module("frozen_reference", dataclasses.dataclass(frozen=True, slots=True))
BUILT = _module("frozen_built", frozen)
OWN_FIELD = _module("frozen_own_field", frozen, SOURCE.replace(
    "from dataclasses import field", "from simulator.frozen import field"))


def _outcome(call: object) -> object:
    try:
        return ("value", call())  # type: ignore[operator]
    except Exception as error:  # noqa: BLE001 - the kind and text are what is compared
        return (type(error).__name__, str(error))


def _behaviour(module: types.ModuleType) -> list[object]:
    child, base = module.Child, module.Base
    one = child(1.5, "n1")
    two = child(t=1.5, node="n1", term=3, note="ignored by eq")
    other = child(1.5, "n1", 4, (1, 2), [3])
    return [
        [(f.name, f.type, f.default, f.default_factory, f.repr, f.compare, f.init)
         for f in dataclasses.fields(child)],
        child.__slots__, base.__slots__, child.__match_args__, child.kind, base.kind,
        child.__doc__, module.Checked.__doc__, module.Empty.__doc__,
        str(inspect.signature(child)), repr(one), repr(other), repr(module.Empty()),
        one == two, one != other, hash(one) == hash(two), hash(other),
        one == base(1.5), base(1.5) == base(1.5), module.Empty() == module.Empty(),
        hash(module.Empty()), one.seen is not two.seen,
        pickle.loads(pickle.dumps(other)) == other, copy.deepcopy(other) == other,
        repr(dataclasses.replace(other, term=9)), dataclasses.asdict(other),
        dataclasses.astuple(other), dataclasses.is_dataclass(child), hasattr(one, "__dict__"),
        _outcome(lambda: setattr(one, "node", "x")), _outcome(lambda: delattr(one, "term")),
        _outcome(lambda: child(1.0)), _outcome(lambda: child(1.0, "n", 1, (), [], "", 7)),
        _outcome(lambda: child(1.0, "n", colour="red")),
        _outcome(lambda: module.Checked(-1)), module.Checked(2).value,
        repr(module.OwnMethods("A")), module.OwnMethods("A") == module.OwnMethods("a"),
        hash(module.OwnMethods("A")) == hash(module.OwnMethods("A")),
        [type(one).__eq__(one, two), type(one).__eq__(one, 5)],
    ]


@pytest.mark.parametrize("module", [BUILT, OWN_FIELD], ids=["dataclasses.field", "frozen.field"])
def test_a_frozen_class_behaves_as_the_dataclass_would(module: types.ModuleType) -> None:
    reference = _behaviour(REFERENCE)
    built = _behaviour(module)
    for number, (want, got) in enumerate(zip(reference, built, strict=True)):
        assert got == want, f"item {number}"
    # the second call of __eq__ and __hash__ runs the code put in place by the first
    assert _behaviour(module) == reference


def test_replace_and_field_names_without_dataclasses() -> None:
    child = OWN_FIELD.Child(1.0, "n1", 4, (1,), [2], "kept")
    assert field_names(OWN_FIELD.Child) == ("t", "node", "term", "items", "seen", "note")
    changed = replace(child, term=5, note="new")
    assert (changed.term, changed.note, changed.items) == (5, "new", (1,))
    assert changed.seen is child.seen  # as dataclasses.replace: the same value, not a copy
    assert child.__replace__(term=6).term == 6  # copy.replace's hook (Python 3.13)
    with pytest.raises(TypeError, match="colour"):
        replace(child, colour="red")


def test_a_headless_run_does_not_import_dataclasses_or_hashlib() -> None:
    """Both cost start-up time (dataclasses loads inspect and the parser, hashlib OpenSSL)."""
    code = ("import sys\nfrom ui.launcher import main\n"
            "sys.argv = ['leadersim', 'run', 'raft-steady', '--until', '1']\n"
            "try:\n    main()\nfinally:\n"
            "    print(sorted({'dataclasses', 'inspect', 'hashlib'} & set(sys.modules)), "
            "file=sys.stderr)\n")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          cwd=Path(__file__).resolve().parent.parent, check=False)
    assert done.returncode == 0, done.stderr
    assert done.stderr.strip().splitlines()[-1] == "[]"


def test_a_dataclass_may_extend_a_frozen_class() -> None:
    @dataclasses.dataclass(frozen=True, slots=True)
    class Grandchild(BUILT.Child):  # type: ignore[name-defined,misc]
        extra: int = 1

    assert repr(Grandchild(2.0, "n2")).endswith(
        ".Grandchild(t=2.0, node='n2', term=3, items=(), seen=[], extra=1)")
    assert Grandchild(2.0, "n2") == Grandchild(2.0, "n2", note="not compared")


def test_what_frozen_does_not_reproduce_goes_to_dataclass_and_bad_classes_are_refused() -> None:
    @frozen
    class KeywordOnly:
        name: str
        size: int = dataclasses.field(default=1, kw_only=True)

    assert KeywordOnly("a", size=2).size == 2
    with pytest.raises(TypeError):
        KeywordOnly("a", 2)  # type: ignore[misc]
    with pytest.raises(TypeError, match="non-default argument 'late' follows default argument"):
        @frozen
        class Misordered:
            early: int = 0
            late: int
    with pytest.raises(ValueError, match="mutable default"):
        @frozen
        class Shared:
            items: list[int] = []  # noqa: RUF012 - the mistake under test
    with pytest.raises(TypeError, match="__setattr__"):
        @frozen
        class Assigning:
            name: str

            def __setattr__(self, name: str, value: object) -> None:
                raise AttributeError(name)


def test_class_variables_are_not_fields() -> None:
    @frozen
    class Counted:
        name: str
        limit: ClassVar[int] = 3

    assert [f.name for f in dataclasses.fields(Counted)] == ["name"]
    assert Counted("x").limit == 3
