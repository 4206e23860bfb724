"""Run parameters: params/default.yaml merged with a gemeente's own file, validated on load."""

from __future__ import annotations

import copy
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

import yaml

from blp.errors import ParamsError
from blp.paths import PARAMS_DIR
from blp.schema import from_dict

KeyMeasure = Literal["establishments", "jobs"]
SensitivityKey = Literal["total", "population", "other_years"]
PeerMethod = Literal["similar", "corop", "provincie", "list"]


@dataclass
class PeerParams:
    """Which gemeenten a gemeente is compared with."""

    method: PeerMethod = "similar"
    size: int = 10
    gemeenten: list[str] = field(default_factory=list)

    def validate(self, source: str, path: str) -> None:
        if self.size < 1:
            raise ParamsError(f"{source}: field '{path}.size' must be at least 1, got {self.size}.")
        if self.method == "list" and not self.gemeenten:
            raise ParamsError(
                f"{source}: '{path}.method' is 'list' but '{path}.gemeenten' is empty.",
                f"list the peer gemeente codes under '{path}.gemeenten'.",
            )


@dataclass
class BredeWelvaartParams:
    """Which brede-welvaart indicators the gemeente focuses on (ids from the indicator registry)."""

    focus: list[str] = field(default_factory=list)

    def validate(self, source: str, path: str) -> None:
        from blp.welvaart.registry import check_focus

        check_focus(self.focus, source, f"{path}.focus")


@dataclass
class Params:
    """All parameters of one run. ``None`` years mean: choose from the data (see docs)."""

    gemeente: str | None = None
    va_year: int | None = None
    key: KeyMeasure = "establishments"
    key_year: int | None = None
    boundary_year: int | None = None
    population_year: int | None = None
    sensitivity: list[SensitivityKey] = field(default_factory=lambda: ["total", "population", "other_years"])
    peers: PeerParams = field(default_factory=PeerParams)
    brede_welvaart: BredeWelvaartParams = field(default_factory=BredeWelvaartParams)

    def validate(self, source: str, path: str) -> None:
        if self.gemeente is not None and not _looks_like_gemeente_code(self.gemeente):
            raise ParamsError(
                f"{source}: field 'gemeente' must look like GM0917, got {self.gemeente!r}.",
                "use the CBS code: 'GM' followed by four digits (see `blp gemeenten`).",
            )


def _looks_like_gemeente_code(code: str) -> bool:
    return len(code) == 6 and code.startswith("GM") and code[2:].isdigit()


def read_yaml(path: Path) -> dict:
    """Read a YAML mapping, with a clear error for syntax problems or a non-mapping."""
    try:
        text = Path(path).read_text(encoding="utf-8")
    except FileNotFoundError:
        raise ParamsError(f"Params file {path} does not exist.", "check the path.") from None
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        raise ParamsError(f"{path} is not valid YAML: {exc}", "fix the syntax at the line shown.") from None
    if data is None:
        return {}
    if not isinstance(data, dict):
        raise ParamsError(f"{path} must hold a mapping of fields, got {type(data).__name__}.")
    return data


def _deep_merge(base: dict, override: dict) -> dict:
    merged = copy.deepcopy(base)
    for key, value in override.items():
        if isinstance(value, dict) and isinstance(merged.get(key), dict):
            merged[key] = _deep_merge(merged[key], value)
        else:
            merged[key] = copy.deepcopy(value)
    return merged


def gemeente_params_file(code: str, params_dir: Path = PARAMS_DIR) -> Path | None:
    """The gemeente's own params file (params/GM0917.yaml), if it exists."""
    path = params_dir / f"{code}.yaml"
    return path if path.exists() else None


def load_params(
    gemeente: str | None = None,
    params_file: str | Path | None = None,
    params_dir: Path = PARAMS_DIR,
    overrides: dict | None = None,
) -> Params:
    """Default params, then the gemeente's file (or ``params_file``), then ``overrides``.

    Each layer is validated on its own, so an error names the file it is in.
    """
    layers: list[tuple[str, dict]] = []
    default = params_dir / "default.yaml"
    if default.exists():
        layers.append((str(default), read_yaml(default)))
    own = Path(params_file) if params_file else (gemeente_params_file(gemeente, params_dir) if gemeente else None)
    if own is not None:
        layers.append((str(own), read_yaml(own)))
    if overrides:
        layers.append(("command-line options", {k: v for k, v in overrides.items() if v is not None}))
    merged: dict = {}
    for source, data in layers:
        from_dict(Params, data, source)
        merged = _deep_merge(merged, data)
    if gemeente is not None:
        if merged.get("gemeente") not in (None, gemeente):
            raise ParamsError(
                f"{own} is for gemeente {merged['gemeente']}, but the run is for {gemeente}.",
                "pass the params file of the gemeente you run, or fix its 'gemeente' field.",
            )
        merged["gemeente"] = gemeente
    return from_dict(Params, merged, " + ".join(s for s, _ in layers) or "params")
