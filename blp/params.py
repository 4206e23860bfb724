"""Run parameters: params/default.yaml merged with a gemeente's own file, validated on load."""

from __future__ import annotations

import math

import copy
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

import yaml

from blp.dutch import num
from blp.errors import ParamsError
from blp.paths import params_dir as default_params_dir
from blp.schema import describe_type as _describe_type, from_dict, parse_yaml

KeyMeasure = Literal["establishments", "jobs"]
YEAR_RANGE = (1900, 2100)  # years outside this are typing errors
START_RANGE = (1995, 2100)  # a scenario starts within the years regional accounts exist, or later
MAX_ACTIVITY = 10_000_000   # more jobs or establishments than the Netherlands has is a typing error
MAX_YEARS = 50             # how far a scenario or goal may look ahead
MAX_GROWTH = 0.5           # +-50 % a year: beyond this a growth rate is a typing error
SensitivityKey = Literal["no_density", "no_average", "total", "population", "other_years", "other_key"]
PeerMethod = Literal["similar", "corop", "provincie", "list"]


@dataclass
class PeerParams:
    """Which gemeenten a gemeente is compared with."""

    method: PeerMethod = "similar"
    size: int = 10
    gemeenten: list[str] = field(default_factory=list)

    def validate(self, source: str, path: str) -> None:
        if self.size < 1:
            raise ParamsError(f"{source}: veld '{path}.size' moet minstens 1 zijn, maar is {self.size}.",
                              f"geef het aantal vergelijkingsgemeenten (standaard {PeerParams.size}).")
        if self.method == "list" and not self.gemeenten:
            raise ParamsError(
                f"{source}: '{path}.method' is 'list', maar '{path}.gemeenten' is leeg.",
                f"zet de codes van de vergelijkingsgemeenten onder '{path}.gemeenten'.",
            )
        if self.method != "list" and self.gemeenten:
            raise ParamsError(
                f"{source}: '{path}.gemeenten' noemt gemeenten, maar '{path}.method' is {self.method!r}: die lijst "
                "wordt alleen gebruikt met method 'list'.",
                f"zet '{path}.method' op list om met deze gemeenten te vergelijken, of haal de lijst weg.")
        twice = sorted({c for c in self.gemeenten if self.gemeenten.count(c) > 1})
        if twice:
            raise ParamsError(f"{source}: '{path}.gemeenten' noemt {twice[0]} meer dan eens; de mediaan van de groep "
                              "zou die gemeente dan zwaarder laten tellen.", "noem elke gemeente één keer.")


@dataclass
class BredeWelvaartParams:
    """Which brede-welvaart indicators the gemeente focuses on (ids from the indicator registry)."""

    focus: list[str] = field(default_factory=list)  # checked against the registry by blp.welvaart.registry.check_focus


@dataclass
class ActivityChange:
    """A change in activity: ``start`` -> ``end`` over ``years``, split over groups by share."""

    label: str
    groups: dict[str, float]
    start: float
    end: float
    years: int
    unit: Literal["jobs", "establishments"] = "jobs"

    def validate(self, source: str, path: str) -> None:
        if not 1 <= self.years <= MAX_YEARS:
            raise ParamsError(f"{source}: '{path}.years' moet tussen 1 en {MAX_YEARS} liggen, maar is {self.years}.",
                              "een scenario kijkt hoogstens een halve eeuw vooruit.")
        total = sum(self.groups.values())
        negative = [f"{k}: {v:g}" for k, v in self.groups.items() if math.isfinite(v) and v < 0]
        if negative:  # 'samen zijn ze 1' for {B-E: 1.5, G-I: -0.5} did not say what was wrong (a breaker's finding)
            raise ParamsError(f"{source}: '{path}.groups' heeft een negatief aandeel ({', '.join(negative)}); een "
                              "aandeel zegt welk deel van de verandering in een sector valt, en ligt tussen 0 en 1.",
                              "geef voor een krimp in een sector een eigen verandering met end kleiner dan start.")
        if (not self.groups or not all(math.isfinite(v) for v in self.groups.values()) or abs(total - 1) > 1e-6
                or any(v < 0 for v in self.groups.values())):
            raise ParamsError(f"{source}: '{path}.groups' moet aandelen van 0 of meer geven die samen 1 zijn, maar "
                              f"samen zijn ze {total:g}.", "bijvoorbeeld groups: {B-E: 0.5, G-I: 0.5}.")
        for name in ("start", "end"):
            value = getattr(self, name)
            if not (math.isfinite(value) and 0 <= value <= MAX_ACTIVITY):
                raise ParamsError(f"{source}: '{path}.{name}' moet een aantal tussen 0 en {num(MAX_ACTIVITY)} zijn, maar "
                                  f"is {_number_in_message(value, 0, MAX_ACTIVITY)}.",
                                  "geef het aantal banen of vestigingen als getal.")
        if self.start == self.end:
            raise ParamsError(f"{source}: '{path}' verandert niets: start en end zijn allebei {self.start:g}.",
                              "geef bij end het aantal aan het eind van de looptijd.")


def _number_in_message(value: float, low: float = 0.0, high: float = math.inf) -> str:
    """A number from a params file as an error message shows it: Dutch, decimals only where it has them, and
    enough of them that a value outside ``low``-``high`` does not read as one inside (−0,004 is not '0,00')."""
    if not math.isfinite(value):
        return f"geen eindig getal ({value})"
    if value == round(value):
        return num(value)
    for decimals in range(2, 12):
        shown = round(value, decimals)
        if (low <= value <= high) or not (low <= shown <= high):
            return num(value, decimals)
    return repr(value)


@dataclass
class Scenario:
    """An intervention: one or more activity changes, compared with the 0-scenario."""

    name: str
    changes: list[ActivityChange]
    description: str = ""

    def validate(self, source: str, path: str) -> None:
        if not self.changes:
            raise ParamsError(f"{source}: '{path}.changes' is leeg: een scenario heeft minstens één verandering.",
                              "zie params/GM0917.yaml voor een voorbeeld.")


@dataclass
class Goal:
    """A policy goal: an indicator, a target value and the year it should be reached."""

    label: str
    indicator: Literal["blp_meur", "blp_per_inhabitant_eur", "extra_jobs"]
    target: float
    year: int

    def validate(self, source: str, path: str) -> None:
        if not math.isfinite(self.target):
            raise ParamsError(f"{source}: '{path}.target' moet een getal zijn, maar is {self.target}.",
                              "geef de doelwaarde als getal, zonder eenheid.")
        if self.target <= 0:
            raise ParamsError(f"{source}: '{path}.target' moet groter dan 0 zijn, maar is "
                              f"{_number_in_message(self.target, 0)}.",
                              "een doel is een BLP (mln euro), een BLP per inwoner (euro) of een aantal extra banen.")


@dataclass
class BaselineParams:
    """The 0-scenario: the COROP's real growth (default), the key's own trend, a fixed annual growth, or none."""

    method: Literal["corop_real", "key_trend", "fixed", "none"] = "corop_real"
    annual_growth: float = 0.0

    def validate(self, source: str, path: str) -> None:
        if not -MAX_GROWTH <= self.annual_growth <= MAX_GROWTH:
            raise ParamsError(f"{source}: '{path}.annual_growth' moet tussen -{MAX_GROWTH} en {MAX_GROWTH} liggen "
                              f"(±50 % per jaar), maar is {self.annual_growth}.", "0.01 betekent 1 % per jaar.")


@dataclass
class IOParams:
    """Which national input-output table to regionalise, and Flegg's delta."""

    table: Literal["eurostat_sut", "csv", "none"] = "eurostat_sut"
    path: str | None = None
    flq_delta: float = 0.3

    def validate(self, source: str, path: str) -> None:
        if not 0 <= self.flq_delta < 1:
            raise ParamsError(f"{source}: '{path}.flq_delta' moet 0 of meer en kleiner dan 1 zijn, maar is "
                              f"{self.flq_delta}.",
                              "in de literatuur ligt die tussen 0.1 en 0.3; de standaardwaarde is 0.3.")


MAX_LM3_EUR = 1e11  # 100 miljard euro: more than any gemeente spends in a year


@dataclass
class LM3Category:
    category: str
    share: float
    local_share: float


@dataclass
class LM3Params:
    """Local spending shares for the LM3 calculator, e.g. from a survey of local businesses."""

    label: str = ""
    source: str = ""
    round1_eur: float = 0.0
    spending: list[LM3Category] = field(default_factory=list)
    round2_local_share: float = 0.0

    def validate(self, source: str, path: str) -> None:
        shares = [(f"{path}.spending[{i}].{name}", getattr(c, name)) for i, c in enumerate(self.spending)
                  for name in ("share", "local_share")] + [(f"{path}.round2_local_share", self.round2_local_share)]
        for where, v in shares:
            if not 0 <= v <= 1:
                raise ParamsError(f"{source}: '{where}' is {_number_in_message(v, 0, 1)}; een aandeel ligt tussen 0 "
                                  "en 1.", "schrijf een aandeel als deel van 1: 0.4 voor 40%.")
        if self.spending and sum(c.share for c in self.spending) > 1 + 1e-6:
            raise ParamsError(f"{source}: de aandelen 'share' onder '{path}.spending' zijn samen "
                              f"{_number_in_message(sum(c.share for c in self.spending))}, meer dan 1.",
                              "de categorieën verdelen één euro: samen zijn hun aandelen hoogstens 1.")
        if self.spending and not (math.isfinite(self.round1_eur) and 0 < self.round1_eur <= MAX_LM3_EUR):
            raise ParamsError(f"{source}: '{path}.round1_eur' moet een bedrag groter dan 0 en hoogstens "
                              f"{num(MAX_LM3_EUR)} euro zijn, maar is {_number_in_message(self.round1_eur, 0, MAX_LM3_EUR)}.",
                              "geef het bedrag van de eerste ronde in euro, bijvoorbeeld 1000000.")
        if self.spending and not self.source:
            raise ParamsError(f"{source}: '{path}.source' is leeg.",
                              "vermeld waar de bestedingsaandelen vandaan komen (bijvoorbeeld een enquête), of dat "
                              "het voorbeelden zijn.")


@dataclass
class BeleidParams:
    """Goals, scenarios and multiplier settings for the policy report."""

    start_year: int | None = None
    baseline: BaselineParams = field(default_factory=BaselineParams)
    scenarios: list[Scenario] = field(default_factory=list)
    goals: list[Goal] = field(default_factory=list)
    io: IOParams = field(default_factory=IOParams)
    lm3: LM3Params = field(default_factory=LM3Params)
    lever_jobs: int = 100
    lever_establishments: int = 10

    def validate(self, source: str, path: str) -> None:
        for name in ("lever_jobs", "lever_establishments"):
            if not 0 < getattr(self, name) <= 1_000_000:
                raise ParamsError(f"{source}: '{path}.{name}' moet een positief getal zijn (hoogstens 1000000), "
                                  f"maar is {getattr(self, name)}.",
                                  "geef het aantal extra banen of vestigingen waarmee de knoppen worden vergeleken.")
        if self.start_year is not None and not START_RANGE[0] <= self.start_year <= START_RANGE[1]:
            raise ParamsError(f"{source}: '{path}.start_year' {self.start_year} ligt buiten "
                              f"{START_RANGE[0]}-{START_RANGE[1]}.",
                              "kies het jaar waarin de scenario's beginnen, niet voor het jaar van het BLP, of laat "
                              "start_year weg (dan het laatste jaar van de sleutel).")
        names = [s.name for s in self.scenarios]
        if len(set(names)) < len(names):
            raise ParamsError(f"{source}: '{path}.scenarios': twee scenario's heten hetzelfde.",
                              "geef elk scenario een eigen naam.")
        for i, g in enumerate(self.goals):
            if not YEAR_RANGE[0] <= g.year <= YEAR_RANGE[1] + MAX_YEARS:
                raise ParamsError(f"{source}: '{path}.goals[{i}].year' {g.year} ligt buiten "
                                  f"{YEAR_RANGE[0]}-{YEAR_RANGE[1] + MAX_YEARS}.",
                                  "kies het jaar waarin het doel gehaald moet zijn.")
            if self.start_year is not None and g.year < self.start_year:
                raise ParamsError(f"{source}: '{path}.goals[{i}].year' {g.year} ligt voor start_year "
                                  f"{self.start_year}.", "kies een jaar na het begin van de scenario's.")


@dataclass
class Params:
    """All parameters of one run. ``None`` years mean: choose from the data (see docs)."""

    gemeente: str | None = None
    va_year: int | None = None
    key: KeyMeasure = "jobs"
    key_year: int | None = None
    density_correction: bool = True
    boundary_year: int | None = None
    population_year: int | None = None
    sensitivity: list[SensitivityKey] = field(default_factory=lambda: ["no_density", "no_average", "total", "population",
                                                                       "other_years",
                                                                       "other_key"])
    peers: PeerParams = field(default_factory=PeerParams)
    brede_welvaart: BredeWelvaartParams = field(default_factory=BredeWelvaartParams)
    beleid: BeleidParams = field(default_factory=BeleidParams)

    def validate(self, source: str, path: str) -> None:
        for name in ("va_year", "key_year", "boundary_year", "population_year"):
            year = getattr(self, name)
            if year is not None and not YEAR_RANGE[0] <= year <= YEAR_RANGE[1]:
                field_name = f"--{name.replace('_', '-')}" if source == COMMAND_LINE else f"veld '{name}'"
                raise ParamsError(f"{source}: {field_name} {year} ligt buiten {YEAR_RANGE[0]}-{YEAR_RANGE[1]}.",
                                  "laat het weg om het jaar uit de data te laten kiezen.")
        if self.gemeente is not None and not is_gemeente_code(self.gemeente):
            raise ParamsError(
                f"{source}: veld 'gemeente' moet een code zijn zoals GM0917, maar is {self.gemeente!r}.",
                "gebruik de CBS-code: 'GM' met vier cijfers erachter (zie `blp gemeenten`).",
            )


def is_gemeente_code(code: str) -> bool:
    """True for text shaped like a CBS gemeente code: 'GM' and four digits."""
    return len(code) == 6 and code.startswith("GM") and code[2:].isdigit()


COMMAND_LINE = "opties op de opdrachtregel"  # the layer of --va-year and the like, named as typed
MAX_PARAMS_BYTES = 100_000_000  # a params file is a few kB; reading /dev/zero whole would exhaust memory


def read_yaml(path: Path) -> dict:
    """Read a YAML mapping, with a clear error for syntax problems or a non-mapping."""
    try:
        with open(path, "rb") as fh:
            raw = fh.read(MAX_PARAMS_BYTES + 1)
        if len(raw) > MAX_PARAMS_BYTES:
            raise ParamsError(f"Params-bestand {path} is groter dan {MAX_PARAMS_BYTES // 1_000_000} MB; dat is geen "
                              "params-bestand.", "geef het YAML-bestand met de parameters op, bijvoorbeeld "
                              "params/GM0917.yaml.")
        text = raw.decode("utf-8")
    except FileNotFoundError:
        raise ParamsError(f"Params-bestand {path} bestaat niet.", "controleer het pad.") from None
    except IsADirectoryError:
        raise ParamsError(f"Params-bestand {path} is een map.",
                          "geef het YAML-bestand zelf op, bijvoorbeeld params/GM0917.yaml.") from None
    except (UnicodeDecodeError, OSError) as exc:
        raise ParamsError(f"Params-bestand {path} is niet te lezen: {type(exc).__name__}.",
                          "sla het op als UTF-8-tekst (YAML).") from None
    try:
        data = parse_yaml(text)
    except yaml.YAMLError as exc:
        tab = "\t" in text and "cannot start any token" in str(exc)
        raise ParamsError(f"{path} is geen geldige YAML: {exc}",
                          "YAML springt in met spaties, niet met tabs: vervang de tabs door spaties." if tab else
                          "verbeter de opmaak op de genoemde regel.") from None
    if data is None:
        return {}
    if not isinstance(data, dict):
        raise ParamsError(f"{path} moet velden met hun waarden bevatten (veld: waarde), maar bevat "
                          f"{_describe_type(type(data))}.",
                          "begin met een veld zoals 'gemeente: GM0917'; zie params/default.yaml voor alle velden.")
    return data


def _deep_merge(base: dict, override: dict) -> dict:
    merged = copy.deepcopy(base)
    for key, value in override.items():
        if isinstance(value, dict) and isinstance(merged.get(key), dict):
            merged[key] = _deep_merge(merged[key], value)
        else:
            merged[key] = copy.deepcopy(value)
    return merged


def gemeente_params_file(code: str, params_dir: Path | None = None) -> Path | None:
    """The gemeente's own params file (params/GM0917.yaml), if it exists."""
    path = (params_dir or default_params_dir()) / f"{code}.yaml"
    return path if path.exists() else None


def _layers(gemeente: str | None, params_file: str | Path | None, params_dir: Path | None,
            overrides: dict | None) -> list[tuple[str, dict]]:
    """The params layers of a run, as (where it comes from, its fields), lowest first."""
    layers: list[tuple[str, dict]] = []
    params_dir = params_dir or default_params_dir()
    default = params_dir / "default.yaml"
    if default.exists():
        layers.append((str(default), read_yaml(default)))
    own = Path(params_file) if params_file else (gemeente_params_file(gemeente, params_dir) if gemeente else None)
    if own is not None:
        layers.append((str(own), read_yaml(own)))
    if overrides:
        layers.append((COMMAND_LINE, {k: v for k, v in overrides.items() if v is not None}))
    return layers


def sets_field(path: str, gemeente: str | None = None, params_file: str | Path | None = None,
               params_dir: Path | None = None) -> bool:
    """Whether the gemeente's own params (its file, or ``params_file``) set the field ``path`` ('a.b'), rather than
    leaving it to the defaults: a report says whether a choice is the gemeente's own."""
    for _, data in _layers(gemeente, params_file, params_dir, None)[1:]:
        node = data
        for part in path.split("."):
            if not isinstance(node, dict) or part not in node:
                break
            node = node[part]
        else:
            return True
    return False


def params_source(gemeente: str | None = None, params_file: str | Path | None = None,
                  params_dir: Path | None = None) -> str:
    """The files a run's params come from, as error messages name them."""
    return " + ".join(s for s, _ in _layers(gemeente, params_file, params_dir, None)) or "params"


def load_params(
    gemeente: str | None = None,
    params_file: str | Path | None = None,
    params_dir: Path | None = None,
    overrides: dict | None = None,
) -> Params:
    """Default params, then the gemeente's file (or ``params_file``), then ``overrides``.

    Each layer is validated on its own, so an error names the file it is in. Indicator ids under
    ``brede_welvaart.focus`` are checked against the registry by the stage that owns it
    (``blp.welvaart.registry.check_focus``), with ``params_source`` naming the files.
    """
    layers = _layers(gemeente, params_file, params_dir, overrides)
    own = Path(params_file) if params_file else (gemeente_params_file(gemeente, params_dir) if gemeente else None)
    merged: dict = {}
    for source, data in layers:
        from_dict(Params, data, source)
        merged = _deep_merge(merged, data)
    if gemeente is not None:
        if merged.get("gemeente") not in (None, gemeente):
            raise ParamsError(
                f"{own} is voor gemeente {merged['gemeente']}, maar de run is voor {gemeente}.",
                "gebruik het params-bestand van de gemeente die je doorrekent, of verbeter het veld 'gemeente'.",
            )
        merged["gemeente"] = gemeente
    return from_dict(Params, merged, " + ".join(s for s, _ in layers) or "params")
