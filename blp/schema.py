"""Validate plain dicts (from YAML) into typed dataclasses, naming the field on error."""

from __future__ import annotations

import dataclasses
import reprlib
import types
import typing
from typing import Any, Literal, Union, get_args, get_origin

from blp.errors import ParamsError


MAX_ALIASES = 100  # more anchors and aliases than any params file needs: a 'billion laughs' file is refused


def parse_yaml(text: str):
    """Plain data from YAML text, by PyYAML's safe rules; in C when libyaml is installed (ten times faster
    than PyYAML's pure-Python parser, which a run would otherwise spend a tenth of a second in). Files
    with more than MAX_ALIASES aliases are refused before they are expanded."""
    import yaml

    if text.count("*") > MAX_ALIASES and _alias_count(text) > MAX_ALIASES:
        raise yaml.YAMLError(f"more than {MAX_ALIASES} YAML aliases (*name); a params file needs none")
    return yaml.load(text, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))


def _alias_count(text: str) -> int:
    import yaml

    return sum(isinstance(event, yaml.AliasEvent) for event in yaml.parse(text, Loader=yaml.SafeLoader))


def _type_name(tp: Any) -> str:
    origin = get_origin(tp)
    if origin is Literal:
        return " | ".join(repr(a) for a in get_args(tp))
    if origin in (Union, types.UnionType):
        return " | ".join(_type_name(a) for a in get_args(tp))
    if origin is list:
        return f"list of {_type_name(get_args(tp)[0])}"
    if origin is dict:
        k, v = get_args(tp)
        return f"mapping of {_type_name(k)} to {_type_name(v)}"
    if tp is type(None):
        return "null"
    if dataclasses.is_dataclass(tp):
        return "mapping"
    return getattr(tp, "__name__", str(tp))


def _describe(value: Any, limit: int = 80) -> str:
    """A value for an error message, cut to ``limit`` characters (a YAML alias bomb must not become a
    megabytes-long message)."""
    if value is None:
        return "null"
    short = reprlib.Repr()
    short.maxstring, short.maxother, short.maxlist, short.maxdict, short.maxlevel = limit, limit, 6, 6, 2
    text = short.repr(value)
    return f"{type(value).__name__} {text[:limit] + ('...' if len(text) > limit else '')}"


def convert(value: Any, tp: Any, path: str, source: str) -> Any:
    """Convert ``value`` to type ``tp`` or raise a ParamsError naming ``path``."""
    origin = get_origin(tp)

    def fail() -> typing.NoReturn:
        raise ParamsError(
            f"{source}: field '{path}' must be {_type_name(tp)}, got {_describe(value)}.",
            f"correct '{path}' in {source}.",
        )

    if tp is Any:
        return value
    if origin in (Union, types.UnionType):
        errors = []
        for option in get_args(tp):
            try:
                return convert(value, option, path, source)
            except ParamsError as exc:
                errors.append(exc)
        fail()
    if origin is Literal:
        if value in get_args(tp):
            return value
        fail()
    if tp is type(None):
        if value is None:
            return None
        fail()
    if origin is list:
        if not isinstance(value, list):
            fail()
        (item_tp,) = get_args(tp)
        return [convert(v, item_tp, f"{path}[{i}]", source) for i, v in enumerate(value)]
    if origin is dict:
        if not isinstance(value, dict):
            fail()
        key_tp, val_tp = get_args(tp)
        return {
            convert(k, key_tp, f"{path}.{k}", source): convert(v, val_tp, f"{path}.{k}", source)
            for k, v in value.items()
        }
    if dataclasses.is_dataclass(tp):
        if not isinstance(value, dict):
            fail()
        return from_dict(tp, value, source, path)
    if tp is bool:
        if isinstance(value, bool):
            return value
        fail()
    if tp is int:
        if isinstance(value, int) and not isinstance(value, bool):
            return value
        fail()
    if tp is float:
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            return float(value)
        fail()
    if tp is str:
        if isinstance(value, str):
            return value
        fail()
    raise TypeError(f"unsupported schema type {tp!r} at {path}")


def from_dict(cls: type, data: dict, source: str, path: str = "") -> Any:
    """Build dataclass ``cls`` from ``data``: unknown keys and wrong types are errors."""
    hints = typing.get_type_hints(cls)
    fields = {f.name: f for f in dataclasses.fields(cls)}
    unknown = sorted(set(data) - set(fields))
    if unknown:
        where = f"'{path}'" if path else "the top level"
        raise ParamsError(
            f"{source}: unknown field '{_join(path, unknown[0])}' at {where}.",
            f"remove it or use one of: {', '.join(sorted(fields))}.",
        )
    kwargs = {}
    for name, field in fields.items():
        if name in data:
            kwargs[name] = convert(data[name], hints[name], _join(path, name), source)
        elif field.default is dataclasses.MISSING and field.default_factory is dataclasses.MISSING:
            raise ParamsError(
                f"{source}: required field '{_join(path, name)}' is missing.",
                f"add '{_join(path, name)}' ({_type_name(hints[name])}) to {source}.",
            )
    obj = cls(**kwargs)
    check = getattr(obj, "validate", None)
    if callable(check):
        check(source, path)
    return obj


def to_dict(obj: Any) -> Any:
    """Plain-data form of a (nested) dataclass, for manifests and YAML."""
    if dataclasses.is_dataclass(obj):
        return {f.name: to_dict(getattr(obj, f.name)) for f in dataclasses.fields(obj)}
    if isinstance(obj, list):
        return [to_dict(v) for v in obj]
    if isinstance(obj, dict):
        return {k: to_dict(v) for k, v in obj.items()}
    return obj


def digest(doc: Any) -> str:
    """sha256 (hex) of ``doc`` as canonical JSON (sorted keys; dates and paths as text): equal documents,
    equal digests, in any process."""
    import hashlib
    import json

    return hashlib.sha256(json.dumps(doc, sort_keys=True, default=str).encode()).hexdigest()


def _join(path: str, name: str) -> str:
    return f"{path}.{name}" if path else name
