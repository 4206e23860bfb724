"""The brede-welvaart indicator registry (indicators.yaml beside this module), validated on load."""

from __future__ import annotations

import difflib
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Literal

from blp.errors import ParamsError
from blp.params import Params, params_source
from blp.schema import from_dict, parse_yaml

REGISTRY_FILE = Path(__file__).with_name("indicators.yaml")

THEMES = {
    "hier_en_nu": ["welzijn", "materiele_welvaart", "gezondheid", "arbeid_en_vrije_tijd", "wonen",
                   "samenleving", "veiligheid", "milieu"],
    "later": ["economisch_kapitaal", "natuurlijk_kapitaal", "menselijk_kapitaal", "sociaal_kapitaal"],
    "elders": ["elders"],
}
THEME_NL = {"welzijn": "Welzijn", "materiele_welvaart": "Materiële welvaart", "gezondheid": "Gezondheid",
            "arbeid_en_vrije_tijd": "Arbeid en vrije tijd", "wonen": "Wonen", "samenleving": "Samenleving",
            "veiligheid": "Veiligheid", "milieu": "Milieu", "economisch_kapitaal": "Economisch kapitaal",
            "natuurlijk_kapitaal": "Natuurlijk kapitaal", "menselijk_kapitaal": "Menselijk kapitaal",
            "sociaal_kapitaal": "Sociaal kapitaal", "elders": "Elders"}
DIMENSION_NL = {"hier_en_nu": "Hier en nu", "later": "Later", "elders": "Elders"}


@dataclass(frozen=True)
class Indicator:
    """One registry entry."""

    id: str
    label_nl: str
    unit: str
    dimension: Literal["hier_en_nu", "later", "elders"]
    theme: str
    direction: Literal["higher", "lower", "neutral"]
    kind: Literal["indicator", "per_1000", "blp", "jobs_per_1000", "jobs_growth", "population_share", "unavailable"]
    source: str
    basis: Literal["register", "events", "survey"] = "register"
    numerator: str | None = None        # per_1000: the indicator counted (default: the id)
    parts: list[str] | None = None      # population_share: the age groups summed

    def validate(self, source: str, path: str) -> None:
        if self.kind == "population_share" and not self.parts:
            raise ParamsError(f"{source}: {path}.parts moet de leeftijdsgroepen van een population_share noemen.")
        if self.theme not in THEMES[self.dimension]:
            raise ParamsError(f"{source}: {path}.theme {self.theme!r} is geen thema van {self.dimension}.",
                              f"gebruik een van {THEMES[self.dimension]}.")


@dataclass(frozen=True)
class _RegistryFile:
    indicators: list[Indicator]


@lru_cache(maxsize=4)
def load_registry(path: Path = REGISTRY_FILE) -> dict[str, Indicator]:
    """All indicators by id, in file order."""
    raw = parse_yaml(Path(path).read_text(encoding="utf-8"))
    parsed = from_dict(_RegistryFile, raw, str(path))
    ids = [i.id for i in parsed.indicators]
    dup = {i for i in ids if ids.count(i) > 1}
    if dup:
        raise ParamsError(f"{path}: indicator-id(s) {sorted(dup)} komen meer dan eens voor.")
    return {i.id: i for i in parsed.indicators}


def check_focus(ids: list[str], source: str, field: str = "brede_welvaart.focus") -> None:
    """Every focus id must be in the registry; suggest near ids otherwise."""
    registry = load_registry()
    for i, ind in enumerate(ids):
        if ind not in registry:
            near = difflib.get_close_matches(ind, list(registry), n=3)
            raise ParamsError(f"{source}: {field}[{i}] {ind!r} staat niet in het register van indicatoren.",
                              (f"bedoel je {', '.join(near)}? " if near else "")
                              + f"Het register is {REGISTRY_FILE}.")


def check_params_focus(params: Params, gemeente: str | None = None, params_file: str | Path | None = None) -> None:
    """The focus indicators of a run's params (loaded for ``gemeente`` from ``params_file``) are in the registry."""
    check_focus(params.brede_welvaart.focus, params_source(gemeente, params_file))
