"""Frozen slots dataclasses that are cheap to define at import and quick to construct.

The simulation builds hundreds of thousands of small immutable values per simulated hour (trace
events, Raft messages and notes), and every command defines about a hundred such classes at
start-up. ``dataclass(frozen=True, slots=True)`` compiles six generated methods per class from
source at every import (bytecode caching does not cover them: about 40 % of the start-up CPU of
``leadersim run`` went there), and importing ``dataclasses`` loads ``inspect`` and the Python
parser with it. ``frozen`` builds the same class without compiling anything per class and
without importing ``dataclasses`` until something asks for a dataclass's attributes.
"""

from __future__ import annotations

import types
from _thread import get_ident as _get_ident
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, ClassVar, TypeVar, dataclass_transform, get_origin

if TYPE_CHECKING:
    import dataclasses

_C = TypeVar("_C", bound=type)
_T = TypeVar("_T")


class _Missing:
    """No default (dataclasses.MISSING, without importing dataclasses)."""

    def __repr__(self) -> str:
        return "MISSING"


MISSING: Any = _Missing()


class _Spec:
    """A field of a ``frozen`` class: what dataclasses.Field records of it."""

    __slots__ = ("name", "type", "default", "default_factory", "repr", "hash", "compare")

    def __init__(self, default: Any = MISSING, default_factory: Any = MISSING,
                 repr: bool = True, hash: bool | None = None,  # noqa: A002 - dataclass names
                 compare: bool = True) -> None:
        self.name = ""
        self.type: Any = None
        self.default = default
        self.default_factory = default_factory
        self.repr = repr
        self.hash = hash
        self.compare = compare


def field(*, default: Any = MISSING, default_factory: Callable[[], Any] = MISSING,
          repr: bool = True, hash: bool | None = None,  # noqa: A002 - dataclass names
          compare: bool = True) -> Any:
    """A field of a ``frozen`` class with a default, a default_factory or repr/eq/hash options,
    as ``dataclasses.field`` (whose Field objects ``frozen`` also accepts)."""
    if default is not MISSING and default_factory is not MISSING:
        raise ValueError("cannot specify both default and default_factory")
    return _Spec(default, default_factory, repr, hash, compare)


@dataclass_transform(frozen_default=True, field_specifiers=(field,))
def frozen(cls: _C) -> _C:
    """The class ``dataclass(frozen=True, slots=True)`` makes of ``cls``, with a faster init.

    The result is a dataclass to ``dataclasses`` (``fields``, ``replace``, ``asdict`` and
    ``is_dataclass`` work: its ``__dataclass_fields__`` is built at the first read) with the
    same fields, defaults, ``default_factory`` and ``__post_init__`` calls, slots,
    ``__match_args__``, equality, hash, repr, pickling and FrozenInstanceError on assignment.
    Its ``__init__`` sets each slot through the slot's descriptor (about twice as fast as the
    dataclass's ``object.__setattr__``). Field options it does not reproduce (``init=False``,
    ``kw_only``, ``InitVar``, ``KW_ONLY``) make it hand the class to ``dataclass`` itself.
    """
    specs = _collect_fields(cls)
    if specs is None:
        import dataclasses

        return dataclasses.dataclass(frozen=True, slots=True)(cls)  # type: ignore[return-value]
    own = cls.__dict__
    for name in ("__setattr__", "__delattr__"):
        if name in own:
            raise TypeError(f"Cannot overwrite attribute {name} in class {cls.__name__}")
    inherited_slots = {slot for base in cls.__mro__[1:-1] for slot in _slots_of(base)}
    namespace = dict(own)
    for name in specs:
        namespace.pop(name, None)
    namespace.pop("__dict__", None)
    namespace.pop("__weakref__", None)
    namespace["__slots__"] = tuple(name for name in specs if name not in inherited_slots)
    namespace.update(_methods(cls.__name__, own, specs))
    new = type(cls)(cls.__name__, cls.__bases__, namespace)
    new.__qualname__ = cls.__qualname__
    if "__init__" not in own:
        new.__init__ = _init(new, specs)  # type: ignore[misc]
    return new  # type: ignore[return-value]


def field_names(cls: type) -> tuple[str, ...]:
    """The names of a ``frozen`` class's fields, in order (``dataclasses.fields`` without the
    import)."""
    specs = cls.__dict__.get("__frozen_fields__")
    if specs is None:
        import dataclasses

        return tuple(spec.name for spec in dataclasses.fields(cls))
    return tuple(specs)


def replace(obj: _T, /, **changes: Any) -> _T:
    """A copy of the ``frozen`` instance ``obj`` with ``changes`` (as ``dataclasses.replace``)."""
    cls = type(obj)
    names = field_names(cls)
    unknown = set(changes).difference(names)
    if unknown:
        raise TypeError(f"{cls.__qualname__}.__init__() got an unexpected keyword argument "
                        f"{sorted(unknown)[0]!r}")
    values = {name: changes[name] if name in changes else getattr(obj, name) for name in names}
    return cls(**values)


# --- collecting the fields ---------------------------------------------------------------------


def _is_classvar(annotation: object) -> bool:
    if isinstance(annotation, str):
        return annotation.strip().startswith(("ClassVar", "typing.ClassVar"))
    return annotation is ClassVar or get_origin(annotation) is ClassVar


def _unsupported(annotation: object) -> bool:
    text = annotation if isinstance(annotation, str) else repr(annotation)
    return "InitVar" in text or "KW_ONLY" in text


def _from_dataclass_field(value: dataclasses.Field[Any]) -> _Spec | None:
    """A dataclasses.Field written in a class body as a _Spec; None: frozen cannot mirror it."""
    import dataclasses

    if not value.init or value.kw_only is True:
        return None
    unset = dataclasses.MISSING
    return _Spec(MISSING if value.default is unset else value.default,
                 MISSING if value.default_factory is unset else value.default_factory,
                 value.repr, value.hash, value.compare)


def _base_fields(base: type) -> dict[str, _Spec] | None:
    """The fields a base class hands down: a frozen class's, a dataclass's, or none."""
    specs = base.__dict__.get("__frozen_fields__")
    if specs is not None:
        return specs  # type: ignore[no-any-return]
    if "__dataclass_fields__" not in base.__dict__:
        return None
    import dataclasses

    if not base.__dataclass_params__.frozen:  # type: ignore[attr-defined]
        raise TypeError("cannot inherit frozen dataclass from a non-frozen one")
    inherited: dict[str, _Spec] = {}
    for spec in dataclasses.fields(base):
        converted = _from_dataclass_field(spec)
        if converted is None:
            raise TypeError(f"frozen: {base.__name__}.{spec.name}: a field option frozen "
                            "cannot extend")
        converted.name, converted.type = spec.name, spec.type
        inherited[spec.name] = converted
    return inherited


def _collect_fields(cls: type) -> dict[str, _Spec] | None:
    """All fields of ``cls`` (inherited first); None: hand the class to dataclass."""
    specs: dict[str, _Spec] = {}
    for base in cls.__mro__[-1:0:-1]:
        inherited = _base_fields(base)
        if inherited is not None:
            specs.update(inherited)
    own = cls.__dict__
    for name, annotation in own.get("__annotations__", {}).items():
        if _is_classvar(annotation):
            continue
        if _unsupported(annotation):
            return None
        value = own.get(name, MISSING)
        if isinstance(value, _Spec):
            spec = value
        elif type(value).__name__ == "Field" and type(value).__module__ == "dataclasses":
            converted = _from_dataclass_field(value)
            if converted is None:
                return None
            spec = converted
        else:
            if value is not MISSING and value.__class__.__hash__ is None:
                raise ValueError(f"mutable default {type(value)} for field {name} is not "
                                 "allowed: use default_factory")
            spec = _Spec(value)
        spec.name = name
        spec.type = annotation
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


def _slot_setter(cls: type, name: str) -> Callable[[object, object], None]:
    for klass in cls.__mro__:
        if name in klass.__dict__ and name in _slots_of(klass):
            return klass.__dict__[name].__set__  # type: ignore[no-any-return]
    raise TypeError(f"frozen: {cls.__name__}.{name} is not a slot")


# --- the methods -------------------------------------------------------------------------------


def _methods(name: str, own: Any, specs: dict[str, _Spec]) -> dict[str, Any]:
    """What dataclass(frozen=True) adds to a class (but ``__init__``), for its namespace.

    The methods are shared by every frozen class and read the fields from the instance's class
    (``__frozen_fields__``), so a class costs no new functions; ``__eq__`` and ``__hash__``
    become the class's own compiled code at their first call.
    """
    methods: dict[str, Any] = {"__frozen_fields__": specs, "__setattr__": _setattr,
                               "__delattr__": _delattr,
                               "__dataclass_fields__": _FIELDS_VIEW,
                               "__dataclass_params__": _PARAMS_VIEW}
    if "__repr__" not in own:
        methods["__repr__"] = _repr
    if "__eq__" not in own:
        methods["__eq__"] = _eq_at_first_call
    explicit_hash = own.get("__hash__", MISSING)
    if explicit_hash is MISSING or (explicit_hash is None and "__eq__" in own):
        methods["__hash__"] = _hash_at_first_call
    if "__getstate__" not in own:
        methods["__getstate__"] = _getstate
    if "__setstate__" not in own:
        methods["__setstate__"] = _setstate
    if "__replace__" not in own:
        methods["__replace__"] = replace  # copy.replace (Python 3.13), as a dataclass has it
    if "__match_args__" not in own:
        methods["__match_args__"] = tuple(specs)
    if not own.get("__doc__"):
        methods["__doc__"] = f"{name}({', '.join(_describe(spec) for spec in specs.values())})"
    return methods


def _init(cls: type, specs: dict[str, _Spec]) -> Callable[..., None]:
    """The dataclass's ``__init__`` for ``cls``, setting each slot through its descriptor."""
    names = tuple(specs)
    defaults: list[object] = []
    setters: list[Callable[[object, object], None]] = []
    for name, spec in specs.items():
        setter = _slot_setter(cls, name)
        if spec.default_factory is not MISSING:
            setter = _from_factory(setter, spec.default_factory)
            defaults.append(_FACTORY)
        elif spec.default is not MISSING:
            defaults.append(spec.default)
        setters.append(setter)
    init = _build_init(cls, names, setters, tuple(defaults), hasattr(cls, "__post_init__"))
    init.__annotations__ = {name: spec.type for name, spec in specs.items()}
    init.__annotations__["return"] = None
    return init


def _from_factory(setter: Callable[[object, object], None],
                  factory: Callable[[], object]) -> Callable[[object, object], None]:
    """The slot setter of a field with a default_factory: the parameter's default makes one."""

    def set_or_make(instance: object, value: object) -> None:
        setter(instance, factory() if value is _FACTORY else value)

    return set_or_make


def _owner(cls: type, name: str, value: object) -> type:
    """The class along ``cls``'s MRO whose own attribute ``name`` is ``value``."""
    return next(klass for klass in cls.__mro__ if klass.__dict__.get(name) is value)


class _Deferred:
    """``__dataclass_fields__`` or ``__dataclass_params__`` of a frozen class, made of
    dataclasses' own objects when first read (by ``dataclasses.fields``, ``replace`` or a
    dataclass extending the class), then stored on the class in its place."""

    __slots__ = ("attribute",)

    def __init__(self, attribute: str) -> None:
        self.attribute = attribute

    def __get__(self, instance: object, kind: type | None = None) -> Any:
        import dataclasses

        model = _model()
        owner = _owner(type(instance) if kind is None else kind, self.attribute, self)
        if self.attribute == "__dataclass_params__":
            value: Any = model.__dataclass_params__
        else:
            unset = dataclasses.MISSING
            value = {}
            for name, spec in owner.__frozen_fields__.items():  # type: ignore[attr-defined]
                made = dataclasses.field(
                    default=unset if spec.default is MISSING else spec.default,
                    default_factory=(unset if spec.default_factory is MISSING
                                     else spec.default_factory),
                    repr=spec.repr, hash=spec.hash, compare=spec.compare)
                made.name = name
                made.type = spec.type
                made.kw_only = False
                made._field_type = model.__dataclass_fields__["x"]._field_type  # type: ignore[attr-defined]
                value[name] = made
        type.__setattr__(owner, self.attribute, value)
        return value


_FIELDS_VIEW = _Deferred("__dataclass_fields__")
_PARAMS_VIEW = _Deferred("__dataclass_params__")


_MODEL: list[type] = []


def _model() -> Any:
    """A frozen slots dataclass whose parameters and field kind every frozen class shares."""
    if not _MODEL:
        import dataclasses

        @dataclasses.dataclass(frozen=True, slots=True)
        class Model:
            """The model of a frozen class, for the dataclass attributes."""

            x: int = 0

        _MODEL.append(Model)
    return _MODEL[0]


def _describe(spec: _Spec) -> str:
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


class _Factory:
    """The default of an ``__init__`` parameter whose field has a default_factory."""

    def __repr__(self) -> str:
        return "<factory>"


_FACTORY = _Factory()
_TEMPLATES: dict[tuple[int, bool], types.CodeType] = {}


def _init_template(count: int, post_init: bool) -> types.CodeType:
    """The code of an ``__init__`` with ``count`` parameters, compiled once per count.

    Parameter ``a{i}`` goes to slot setter ``_s{i}`` (a closure cell); ``post_init``: then
    ``self.__post_init__()``.
    """
    code = _TEMPLATES.get((count, post_init))
    if code is None:
        lines = [f"        _s{i}(self, a{i})" for i in range(count)]
        if post_init:
            lines.append("        self.__post_init__()")
        source = (f"def _make({', '.join(f'_s{i}' for i in range(count))}):\n"
                  f"    def __init__({', '.join(['self'] + [f'a{i}' for i in range(count)])}):\n"
                  + ("\n".join(lines) or "        pass") + "\n    return __init__\n")
        namespace: dict[str, Any] = {}
        exec(source, namespace)  # noqa: S102 - generated from a count, no names from classes
        code = next(const for const in namespace["_make"].__code__.co_consts
                    if isinstance(const, types.CodeType))
        _TEMPLATES[count, post_init] = code
    return code


def _build_init(cls: type, names: tuple[str, ...], setters: list[Any],
                defaults: tuple[object, ...], post_init: bool) -> Callable[..., None]:
    """An ``__init__(self, *names)`` that hands each argument to its slot's setter."""
    for name in names:
        if name == "self" or name[:2] == "_s" and name[2:].isdigit():
            raise TypeError(f"frozen: {cls.__name__}.{name}: reserved field name")
    code = _init_template(len(names), post_init).replace(
        co_varnames=("self", *names), co_qualname=f"{cls.__qualname__}.__init__")
    cells = {f"_s{i}": setter for i, setter in enumerate(setters)}
    closure = tuple(types.CellType(cells[name]) for name in code.co_freevars)
    init = types.FunctionType(code, _GLOBALS, "__init__", defaults or None, closure or None)
    init.__module__ = cls.__module__
    return init  # type: ignore[return-value]


def _fields_of(instance: object) -> dict[str, _Spec]:
    return type(instance).__frozen_fields__  # type: ignore[attr-defined,no-any-return]


_REPR_RUNNING: set[tuple[int, int]] = set()
_REPR_TEXT: dict[type, tuple[str, tuple[str, ...]]] = {}


def _repr(self: object) -> str:
    """The dataclass's repr: the class's name and each field shown in it, with its value."""
    kind = type(self)
    shape = _REPR_TEXT.get(kind)
    if shape is None:
        names = tuple(name for name, spec in _fields_of(self).items() if spec.repr)
        shape = _REPR_TEXT[kind] = ("%s(" + ", ".join(f"{name}=%r" for name in names) + ")",
                                    names)
    key = (id(self), _get_ident())
    if key in _REPR_RUNNING:  # a value that contains itself, as dataclasses' repr shows it
        return "..."
    _REPR_RUNNING.add(key)
    try:
        return shape[0] % (self.__class__.__qualname__,
                           *[getattr(self, name) for name in shape[1]])
    finally:
        _REPR_RUNNING.discard(key)


_COMPARE_TEMPLATES: dict[tuple[str, int], types.CodeType] = {}
_GLOBALS = {"__builtins__": __builtins__, "_frozen_hash_": hash}


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


def _compiled(instance: object, kind: str, stub: object) -> Callable[..., Any]:
    """The class's own ``__eq__`` or ``__hash__``, put in the place of ``stub`` on the class
    that holds it (most classes are never compared or hashed in a run, so none pays at
    import for code it does not use)."""
    owner = _owner(type(instance), kind, stub)
    specs: dict[str, _Spec] = owner.__frozen_fields__  # type: ignore[attr-defined]
    if kind == "__eq__":
        names = tuple(name for name, spec in specs.items() if spec.compare)
    else:
        names = tuple(name for name, spec in specs.items()
                      if (spec.compare if spec.hash is None else spec.hash))
    method = types.FunctionType(_compare_code(kind, names), _GLOBALS, kind)
    method.__qualname__ = f"{owner.__qualname__}.{kind}"
    method.__module__ = owner.__module__
    setattr(owner, kind, method)
    return method


def _eq_at_first_call(self: object, other: object) -> Any:
    return _compiled(self, "__eq__", _eq_at_first_call)(self, other)


def _hash_at_first_call(self: object) -> int:
    return _compiled(self, "__hash__", _hash_at_first_call)(self)  # type: ignore[no-any-return]


def _frozen_error(message: str) -> Exception:
    from dataclasses import FrozenInstanceError

    return FrozenInstanceError(message)


def _setattr(self: object, name: str, value: object) -> None:
    if name in _fields_of(self):
        raise _frozen_error(f"cannot assign to field {name!r}")
    object.__setattr__(self, name, value)


def _delattr(self: object, name: str) -> None:
    if name in _fields_of(self):
        raise _frozen_error(f"cannot delete field {name!r}")
    object.__delattr__(self, name)


def _getstate(self: object) -> list[Any]:
    return [getattr(self, name) for name in _fields_of(self)]


def _setstate(self: object, state: list[Any]) -> None:
    for name, value in zip(_fields_of(self), state, strict=True):
        object.__setattr__(self, name, value)
