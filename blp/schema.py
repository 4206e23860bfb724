"""Validate plain dicts (from YAML) into typed dataclasses, naming the field on error."""

from __future__ import annotations

import dataclasses
import re
from functools import lru_cache
import reprlib
import types
import typing
from typing import Any, Literal, Union, get_args, get_origin

from blp.errors import ParamsError


MAX_ALIASES = 100  # more anchors and aliases than any params file needs: a 'billion laughs' file is refused


def parse_yaml(text: str):
    """Plain data from YAML text, by PyYAML's safe rules; in C when libyaml is installed (ten times faster
    than PyYAML's pure-Python parser). Files
    with more than MAX_ALIASES aliases are refused before they are expanded."""
    import yaml

    if text.count("*") > MAX_ALIASES and _alias_count(text) > MAX_ALIASES:
        raise yaml.YAMLError(f"meer dan {MAX_ALIASES} YAML-aliassen (*naam); een params-bestand heeft er geen nodig")
    return yaml.load(text, Loader=_unique_keys_loader())


@lru_cache(maxsize=1)
def _unique_keys_loader():
    """PyYAML's safe loader (libyaml's where installed) that refuses a field given twice in one block: YAML would
    keep the last silently (a second 'beleid:' block dropped a gemeente's scenario without a word)."""
    import yaml

    base = getattr(yaml, "CSafeLoader", yaml.SafeLoader)

    class UniqueKeys(base):
        def construct_mapping(self, node, deep=False):
            if isinstance(node, yaml.MappingNode):
                seen: dict = {}
                for key_node, _ in node.value:
                    if key_node.tag == "tag:yaml.org,2002:merge":
                        continue
                    key = self.construct_object(key_node, deep=deep)
                    line = key_node.start_mark.line + 1
                    if isinstance(key, typing.Hashable) and key in seen:
                        raise yaml.constructor.ConstructorError(
                            None, None, f"het veld '{key}' staat twee keer in hetzelfde blok (regel {seen[key]} en "
                            f"regel {line}); YAML zou de eerste stilzwijgend negeren", key_node.start_mark)
                    seen[key] = line
            return super().construct_mapping(node, deep=deep)

    # YAML 1.1 (PyYAML) reads '1e12' and '2E+6' as text: a float needs a dot there. YAML 1.2, JSON and every
    # user read them as numbers, so they are numbers here too (a plain '1000' stays an integer).
    UniqueKeys.add_implicit_resolver("tag:yaml.org,2002:float", EXPONENT_FLOAT, list("-+0123456789"))
    return UniqueKeys


EXPONENT_FLOAT = re.compile(r"^[-+]?[0-9]+(?:\.[0-9]*)?[eE][-+]?[0-9]+$")


def _alias_count(text: str) -> int:
    import yaml

    return sum(isinstance(event, yaml.AliasEvent) for event in yaml.parse(text, Loader=yaml.SafeLoader))


# Python types as a params file's reader knows them (messages are Dutch)
TYPE_NAMES = {int: "een geheel getal", float: "een getal", str: "tekst", bool: "true of false", type(None): "null",
              list: "een lijst", dict: "een lijst van velden (veld: waarde)"}
# A value's type, before the value itself: "de tekst '2018'"
VALUE_NAMES = {int: "het getal", float: "het getal", str: "de tekst", bool: "de waarde", list: "de lijst",
               dict: "de velden"}


def describe_type(tp: Any) -> str:
    """A plain type (int, str, list, ...) in words, for messages."""
    return TYPE_NAMES.get(tp, getattr(tp, "__name__", str(tp)))


def _type_name(tp: Any) -> str:
    origin = get_origin(tp)
    if origin is Literal:
        return " of ".join(repr(a) for a in get_args(tp))
    if origin in (Union, types.UnionType):
        return " of ".join(_type_name(a) for a in get_args(tp))
    if origin is list:
        return f"een lijst van: {_type_name(get_args(tp)[0])}"
    if origin is dict:
        k, v = get_args(tp)
        return f"een lijst van velden ({_type_name(k)}: {_type_name(v)})"
    if dataclasses.is_dataclass(tp):
        return TYPE_NAMES[dict]
    return describe_type(tp)


def _describe(value: Any, limit: int = 80) -> str:
    """A value for an error message, cut to ``limit`` characters (a YAML alias bomb must not become a
    megabytes-long message)."""
    if value is None:
        return "null"
    short = reprlib.Repr()
    short.maxstring, short.maxother, short.maxlist, short.maxdict, short.maxlevel = limit, limit, 6, 6, 2
    text = short.repr(value)
    return f"{VALUE_NAMES.get(type(value), type(value).__name__)} {text[:limit] + ('...' if len(text) > limit else '')}"


def convert(value: Any, tp: Any, path: str, source: str) -> Any:
    """Convert ``value`` to type ``tp`` or raise a ParamsError naming ``path``."""
    origin = get_origin(tp)

    def fail() -> typing.NoReturn:
        raise ParamsError(
            f"{source}: veld '{path}' moet {_type_name(tp)} zijn, maar is {_describe(value)}.",
            f"verbeter '{path}' in {source}.",
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
        if isinstance(value, float) and value.is_integer() and abs(value) < 2 ** 53:  # 1e1, 2.018e3, 10.0
            return int(value)
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
    unknown = sorted((k for k in data if k not in fields), key=str)
    if unknown:
        where = f"onder '{path}'" if path else "op het hoogste niveau"
        key = unknown[0]
        # YAML reads yes/no/on/off as true/false and 1 as a number: name the key as it was probably typed
        shown = ("yes/true/on" if key else "no/false/off") if isinstance(key, bool) else key
        raise ParamsError(
            f"{source}: onbekend veld '{_join(path, str(shown))}' {where}.",
            f"haal het weg of gebruik een van: {', '.join(sorted(fields))}.",
        )
    kwargs = {}
    for name, field in fields.items():
        if name in data:
            kwargs[name] = convert(data[name], hints[name], _join(path, name), source)
        elif field.default is dataclasses.MISSING and field.default_factory is dataclasses.MISSING:
            raise ParamsError(
                f"{source}: verplicht veld '{_join(path, name)}' ontbreekt.",
                f"voeg '{_join(path, name)}' ({_type_name(hints[name])}) toe aan {source}.",
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
