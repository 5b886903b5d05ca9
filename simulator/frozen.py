"""Frozen slots dataclasses that are cheap to define at import and quick to construct.

The simulation builds hundreds of thousands of small immutable values per simulated hour (trace
events, Raft messages and notes), and every command defines about a hundred such classes at
start-up. ``dataclass(frozen=True, slots=True)`` compiles six generated methods per class from
source at every import (bytecode caching does not cover them: about half of the start-up CPU of
``leadersim run`` went there) and its ``__init__`` assigns each field through
``object.__setattr__``. ``frozen`` builds the same class without compiling anything per class.
"""

from __future__ import annotations

import dataclasses
import reprlib
import types
from collections.abc import Callable
from dataclasses import MISSING, Field, FrozenInstanceError, fields
from operator import attrgetter
from typing import Any, ClassVar, TypeVar, dataclass_transform, get_origin

_C = TypeVar("_C", bound=type)


def fast_init(cls: _C) -> _C:
    """Give a frozen slots dataclass an equivalent ``__init__`` that sets each slot directly.

    The generated ``__init__`` of a frozen dataclass assigns every field through
    ``object.__setattr__``; this one calls each slot's descriptor ``__set__``, which is about
    twice as fast and leaves the instance exactly as immutable (``__setattr__`` still raises
    FrozenInstanceError). Same parameters, order and defaults; ``default_factory`` and
    ``__post_init__`` are not supported and raise TypeError, as does a class without slots.
    """
    if "__post_init__" in dir(cls):
        raise TypeError(f"fast_init: {cls.__name__} has __post_init__")
    specs = fields(cls)
    for spec in specs:
        if spec.default_factory is not MISSING:
            raise TypeError(f"fast_init: {cls.__name__}.{spec.name} has a default_factory")
    setters = [_slot_setter(cls, spec.name) for spec in specs]
    if None in setters:
        missing = specs[setters.index(None)].name
        raise TypeError(f"fast_init: {cls.__name__}.{missing} is not a slot")
    defaults = tuple(spec.default for spec in specs if spec.default is not MISSING)
    init = _build_init(cls, [spec.name for spec in specs], setters, defaults, (), False)
    init.__doc__ = cls.__init__.__doc__
    cls.__init__ = init  # type: ignore[misc]
    return cls


@dataclass_transform(frozen_default=True, field_specifiers=(dataclasses.field, Field))
def frozen(cls: _C) -> _C:
    """The class ``dataclass(frozen=True, slots=True)`` makes of ``cls``, with a faster init.

    The result is a dataclass to ``dataclasses`` (``fields``, ``replace``, ``asdict`` and
    ``is_dataclass`` work) with the same fields, defaults, ``default_factory`` and
    ``__post_init__`` calls, slots, ``__match_args__``, equality, hash, repr, pickling and
    FrozenInstanceError on assignment. Its ``__init__`` sets each slot through the slot's
    descriptor (about twice as fast as the dataclass's ``object.__setattr__``). Field options
    it does not reproduce (``init=False``, ``kw_only``, ``InitVar``, ``KW_ONLY``) make it hand
    the class to ``dataclass`` itself.
    """
    specs = _collect_fields(cls)
    if specs is None:
        return dataclasses.dataclass(frozen=True, slots=True)(cls)  # type: ignore[return-value]
    own = cls.__dict__
    for name in ("__setattr__", "__delattr__"):
        if name in own:
            raise TypeError(f"Cannot overwrite attribute {name} in class {cls.__name__}")
    inherited_slots = {slot for base in cls.__mro__[1:-1]
                       for slot in _slots_of(base)}
    namespace = dict(own)
    for name in specs:
        namespace.pop(name, None)
    namespace.pop("__dict__", None)
    namespace.pop("__weakref__", None)
    namespace["__slots__"] = tuple(name for name in specs if name not in inherited_slots)
    new = type(cls)(cls.__name__, cls.__bases__, namespace)
    new.__qualname__ = cls.__qualname__
    _add_methods(new, own, specs)
    return new  # type: ignore[return-value]


# --- building blocks ---------------------------------------------------------------------------


@dataclasses.dataclass(frozen=True, slots=True)
class _Model:
    """A frozen slots dataclass whose parameters and field kind every ``frozen`` class shares."""

    x: int = 0


_PARAMS = _Model.__dataclass_params__  # type: ignore[attr-defined]
_FIELD_KIND = _Model.__dataclass_fields__["x"]._field_type  # type: ignore[attr-defined]


class _Factory:
    """The default of an ``__init__`` parameter whose field has a default_factory."""

    def __repr__(self) -> str:
        return "<factory>"


_FACTORY = _Factory()


def _is_classvar(annotation: object) -> bool:
    if isinstance(annotation, str):
        text = annotation.strip()
        return text.startswith(("ClassVar", "typing.ClassVar"))
    return annotation is ClassVar or get_origin(annotation) is ClassVar


def _unsupported(annotation: object) -> bool:
    text = annotation if isinstance(annotation, str) else repr(annotation)
    return "InitVar" in text or "KW_ONLY" in text


def _collect_fields(cls: type) -> dict[str, Field[Any]] | None:
    """All fields of ``cls`` (inherited first) as dataclasses' Field objects; None: fall back."""
    specs: dict[str, Field[Any]] = {}
    for base in cls.__mro__[-1:0:-1]:
        base_fields = base.__dict__.get("__dataclass_fields__")
        if base_fields is None:
            continue
        if not getattr(base, "__dataclass_params__", _PARAMS).frozen:
            raise TypeError("cannot inherit frozen dataclass from a non-frozen one")
        for spec in base_fields.values():
            if spec._field_type is _FIELD_KIND:
                specs[spec.name] = spec
    own = cls.__dict__
    for name, annotation in own.get("__annotations__", {}).items():
        if _is_classvar(annotation):
            continue
        if _unsupported(annotation):
            return None
        value = own.get(name, MISSING)
        if isinstance(value, Field):
            spec = value
            if not spec.init or spec.kw_only is True:
                return None
        else:
            if value is not MISSING and value.__class__.__hash__ is None:
                raise ValueError(f"mutable default {type(value)} for field {name} is not "
                                 "allowed: use default_factory")
            spec = dataclasses.field(default=value)
        if spec.default is not MISSING and spec.default_factory is not MISSING:
            raise ValueError("cannot specify both default and default_factory")
        spec.name = name
        spec.type = annotation
        spec._field_type = _FIELD_KIND  # type: ignore[attr-defined]
        spec.kw_only = False
        specs[name] = spec
    seen_default = False
    for spec in specs.values():
        has_default = spec.default is not MISSING or spec.default_factory is not MISSING
        if seen_default and not has_default:
            raise TypeError(f"non-default argument {spec.name!r} follows default argument")
        seen_default = seen_default or has_default
    return specs


def _slots_of(cls: type) -> tuple[str, ...]:
    slots = cls.__dict__.get("__slots__", ())
    return (slots,) if isinstance(slots, str) else tuple(slots)


def _slot_setter(cls: type, name: str) -> Callable[[object, object], None] | None:
    for klass in cls.__mro__:
        if name in klass.__dict__ and name in _slots_of(klass):
            return klass.__dict__[name].__set__  # type: ignore[no-any-return]
    return None


def _add_methods(cls: type, own: Any, specs: dict[str, Field[Any]]) -> None:
    """Give the slotted class ``cls`` what dataclass(frozen=True) would add (none it defines)."""
    names = list(specs)
    qualname = cls.__qualname__
    setters = [_slot_setter(cls, name) for name in names]
    defaults: list[object] = []
    factories: list[tuple[int, Callable[[], object]]] = []
    for number, spec in enumerate(specs.values()):
        if spec.default_factory is not MISSING:
            factories.append((number, spec.default_factory))
            defaults.append(_FACTORY)
        elif spec.default is not MISSING:
            defaults.append(spec.default)
    methods: dict[str, Any] = {}
    if "__init__" not in own:
        init = _build_init(cls, names, setters, tuple(defaults), tuple(factories),
                           "__post_init__" in dir(cls))
        init.__annotations__ = {name: spec.type for name, spec in specs.items()}
        init.__annotations__["return"] = None
        methods["__init__"] = init
    shown = tuple(name for name, spec in specs.items() if spec.repr)
    compared = tuple(name for name, spec in specs.items() if spec.compare)
    hashed = tuple(name for name, spec in specs.items()
                   if (spec.compare if spec.hash is None else spec.hash))
    if "__repr__" not in own:
        methods["__repr__"] = _make_repr(shown)
    if "__eq__" not in own:
        methods["__eq__"] = _on_first_call(cls, "__eq__", compared)
    explicit_hash = own.get("__hash__", MISSING)
    if explicit_hash is MISSING or (explicit_hash is None and "__eq__" in own):
        methods["__hash__"] = _on_first_call(cls, "__hash__", hashed)
    methods["__setattr__"] = _make_setattr(frozenset(names))
    methods["__delattr__"] = _make_delattr(frozenset(names))
    if "__getstate__" not in own:
        methods["__getstate__"] = _make_getstate(_getter(tuple(names)))
    if "__setstate__" not in own:
        methods["__setstate__"] = _make_setstate(tuple(names))
    for name, method in methods.items():
        method.__qualname__ = f"{qualname}.{name}"
        setattr(cls, name, method)
    if "__match_args__" not in own:
        cls.__match_args__ = tuple(names)  # type: ignore[attr-defined]
    cls.__dataclass_fields__ = specs  # type: ignore[attr-defined]
    cls.__dataclass_params__ = _PARAMS  # type: ignore[attr-defined]
    if not own.get("__doc__"):
        cls.__doc__ = f"{cls.__name__}({', '.join(_describe(spec) for spec in specs.values())})"


def _describe(spec: Field[Any]) -> str:
    """A field as ``inspect.signature`` shows the parameter (the dataclass's default doc)."""
    kind = spec.type
    if isinstance(kind, type):
        annotation = kind.__qualname__ if kind.__module__ == "builtins" \
            else f"{kind.__module__}.{kind.__qualname__}"
    else:
        annotation = repr(kind).replace("typing.", "")
    text = f"{spec.name}: {annotation}"
    if spec.default_factory is not MISSING:
        return f"{text} = <factory>"
    return text if spec.default is MISSING else f"{text} = {spec.default!r}"


_TEMPLATES: dict[tuple[int, tuple[int, ...], bool], types.CodeType] = {}


def _init_template(count: int, factories: tuple[int, ...], post_init: bool) -> types.CodeType:
    """The code of an ``__init__`` with ``count`` parameters, compiled once per shape.

    Parameter ``a{i}`` goes to slot setter ``_s{i}`` (a closure cell); a parameter still equal
    to ``_factory`` (its default) is replaced by ``_f{i}()``.
    """
    key = (count, factories, post_init)
    code = _TEMPLATES.get(key)
    if code is None:
        lines = [f"        _s{i}(self, _f{i}() if a{i} is _factory else a{i})" if i in factories
                 else f"        _s{i}(self, a{i})" for i in range(count)]
        if post_init:
            lines.append("        self.__post_init__()")
        cells = [f"_s{i}" for i in range(count)] + [f"_f{i}" for i in factories]
        if factories:
            cells.append("_factory")
        source = (f"def _make({', '.join(cells)}):\n"
                  f"    def __init__({', '.join(['self'] + [f'a{i}' for i in range(count)])}):\n"
                  + ("\n".join(lines) or "        pass") + "\n    return __init__\n")
        namespace: dict[str, Any] = {}
        exec(source, namespace)  # noqa: S102 - generated from counts, no names from classes
        code = next(const for const in namespace["_make"].__code__.co_consts
                    if isinstance(const, types.CodeType))
        _TEMPLATES[key] = code
    return code


def _build_init(cls: type, names: list[str], setters: list[Any], defaults: tuple[object, ...],
                factories: tuple[tuple[int, Callable[[], object]], ...],
                post_init: bool) -> Callable[..., None]:
    """An ``__init__(self, *names)`` that sets each slot through its descriptor's ``__set__``."""
    for name in names:
        if name in ("self", "_factory") or name[:2] in ("_s", "_f") and name[2:].isdigit():
            raise TypeError(f"frozen: {cls.__name__}.{name}: reserved field name")
    template = _init_template(len(names), tuple(number for number, _ in factories), post_init)
    code = template.replace(co_varnames=("self", *names),
                            co_qualname=f"{cls.__qualname__}.__init__")
    cells: dict[str, object] = {f"_s{i}": setter for i, setter in enumerate(setters)}
    cells.update({f"_f{number}": factory for number, factory in factories})
    cells["_factory"] = _FACTORY
    closure = tuple(types.CellType(cells[name]) for name in code.co_freevars)
    init = types.FunctionType(code, {"__builtins__": __builtins__}, "__init__", defaults or None,
                              closure or None)
    init.__module__ = cls.__module__
    return init  # type: ignore[return-value]


def _getter(names: tuple[str, ...]) -> Callable[[object], tuple[object, ...]]:
    """A function of an instance giving the tuple of the ``names`` attributes' values."""
    if len(names) >= 2:
        return attrgetter(*names)
    if names:
        get = attrgetter(names[0])
        return lambda instance: (get(instance),)
    return lambda instance: ()


def _make_repr(names: tuple[str, ...]) -> Callable[[object], str]:
    text = "%s(" + ", ".join(f"{name}=%r" for name in names) + ")"
    get = _getter(names)

    def __repr__(self: object) -> str:
        return text % (self.__class__.__qualname__, *get(self))

    return reprlib.recursive_repr()(__repr__)


_COMPARE_TEMPLATES: dict[tuple[str, int], types.CodeType] = {}
_COMPARE_GLOBALS = {"__builtins__": __builtins__, "_frozen_hash_": hash}


def _compare_code(kind: str, names: tuple[str, ...]) -> types.CodeType:
    """The dataclass's ``__eq__`` or ``__hash__`` over ``names``, from a template per count.

    The template reads attributes ``f0``, ``f1``...; renaming them in the code's names gives
    exactly the code ``dataclass`` would compile for these fields.
    """
    key = (kind, len(names))
    template = _COMPARE_TEMPLATES.get(key)
    if template is None:
        mine = "".join(f"self.f{i}," for i in range(len(names)))
        if kind == "__eq__":
            theirs = "".join(f"other.f{i}," for i in range(len(names)))
            source = ("def __eq__(self, other):\n"
                      "    if other.__class__ is self.__class__:\n"
                      f"        return ({mine}) == ({theirs})\n"
                      "    return NotImplemented\n")
        else:
            source = f"def __hash__(self):\n    return _frozen_hash_(({mine}))\n"
        namespace: dict[str, Any] = {}
        exec(source, namespace)  # noqa: S102 - generated from a count, no names from classes
        template = namespace[kind].__code__
        _COMPARE_TEMPLATES[key] = template
    rename = {f"f{i}": name for i, name in enumerate(names)}
    return template.replace(co_names=tuple(rename.get(name, name)
                                           for name in template.co_names))


def _on_first_call(owner: type, kind: str, names: tuple[str, ...]) -> Callable[..., Any]:
    """``owner``'s ``__eq__`` or ``__hash__``: built at its first call, then put in its place.

    Most classes are never compared or hashed in a run, so none of them pays at import for
    code it does not use; after the first call the class has the dataclass's own code.
    """

    def first_call(*args: Any) -> Any:
        code = _compare_code(kind, names)
        method = types.FunctionType(code, _COMPARE_GLOBALS, kind)
        method.__qualname__ = f"{owner.__qualname__}.{kind}"
        method.__module__ = owner.__module__
        setattr(owner, kind, method)
        return method(*args)

    return first_call


def _make_setattr(names: frozenset[str]) -> Callable[[object, str, object], None]:
    def __setattr__(self: object, name: str, value: object) -> None:
        if name in names:
            raise FrozenInstanceError(f"cannot assign to field {name!r}")
        object.__setattr__(self, name, value)

    return __setattr__


def _make_delattr(names: frozenset[str]) -> Callable[[object, str], None]:
    def __delattr__(self: object, name: str) -> None:
        if name in names:
            raise FrozenInstanceError(f"cannot delete field {name!r}")
        object.__delattr__(self, name)

    return __delattr__


def _make_getstate(get: Callable[[object], tuple[object, ...]]) -> Callable[[object], list[Any]]:
    def __getstate__(self: object) -> list[Any]:
        return list(get(self))

    return __getstate__


def _make_setstate(names: tuple[str, ...]) -> Callable[[object, list[Any]], None]:
    def __setstate__(self: object, state: list[Any]) -> None:
        for name, value in zip(names, state, strict=True):
            object.__setattr__(self, name, value)

    return __setstate__
