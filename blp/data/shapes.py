"""Gemeente shapes for maps: a GeoJSON file of polygons per gemeente (``gemeenten_<year>.geojson``, WGS84),
read into rings of coordinates per gemeente code. Shapes that are not valid polygons (self-touching rings
after simplification) are kept as they are: they draw fine, and nothing here computes an area."""

from __future__ import annotations

import gzip
import json
import re
import zlib
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from blp.errors import DataError

PATTERN = re.compile(r"gemeenten_(\d{4})\.geojson(\.gz)?$")
CODE_FIELDS = ("gemeentecode", "statcode", "gemeente_code")


@dataclass
class Shapes:
    """Outer and inner rings (arrays of lon, lat) per gemeente code, for the boundaries of ``year``."""

    year: int | None = None
    rings: dict[str, list[np.ndarray]] = field(default_factory=dict)

    def __bool__(self) -> bool:
        return bool(self.rings)


def find_shapes(data_dir: Path) -> Path | None:
    """The newest ``gemeenten_<year>.geojson[.gz]`` in ``data_dir``, if any."""
    found = [(int(m.group(1)), p) for p in Path(data_dir).glob("gemeenten_*.geojson*") if (m := PATTERN.search(p.name))]
    return max(found)[1] if found else None


def read_shapes(path: Path) -> Shapes:
    """Read a GeoJSON FeatureCollection; a malformed file or feature is an error naming the feature and field."""
    path = Path(path)
    try:
        raw = gzip.open(path, "rt", encoding="utf-8").read() if path.suffix == ".gz" else path.read_text("utf-8")
        doc = json.loads(raw)
    except (OSError, UnicodeDecodeError, json.JSONDecodeError, EOFError, zlib.error, ValueError,
            RecursionError) as exc:
        reason = "beschadigd of afgebroken" if isinstance(exc, (EOFError, zlib.error, OSError)) else "geen geldige JSON"
        raise DataError(f"{path.name}: geen leesbaar GeoJSON-bestand ({reason}).",
                        "vervang het door de gemeentevormen als GeoJSON (zie docs/data-schema.md).") from exc
    features = doc.get("features") if isinstance(doc, dict) else None
    if not isinstance(features, list):
        raise DataError(f"{path.name}: geen lijst 'features', dus geen GeoJSON FeatureCollection.",
                        "vervang het door de gemeentevormen als GeoJSON (zie docs/data-schema.md).")
    rings: dict[str, list[np.ndarray]] = {}
    for i, feature in enumerate(features):
        props = feature.get("properties") if isinstance(feature, dict) else None
        props = props if isinstance(props, dict) else {}
        code = next((props[f] for f in CODE_FIELDS if props.get(f)), None)
        geometry = feature.get("geometry") if isinstance(feature, dict) else None
        geometry = geometry if isinstance(geometry, dict) else {}
        kind, coords = geometry.get("type"), geometry.get("coordinates")
        if not isinstance(code, str) or kind not in ("Polygon", "MultiPolygon") or not isinstance(coords, list):
            raise DataError(f"{path.name}: feature {i} heeft geen gemeentecode ({'/'.join(CODE_FIELDS)}) of geen "
                            f"(Multi)Polygon-geometrie.", "verbeter die feature of haal hem weg.")
        polygons = [coords] if kind == "Polygon" else coords
        try:
            found = [np.asarray(ring, dtype=float) for polygon in polygons for ring in polygon]
        except (ValueError, IndexError, TypeError, OverflowError, RecursionError) as exc:
            raise DataError(f"{path.name}: feature {i} ({code}): de coördinaten zijn geen paren van getallen.",
                            "verbeter die feature of haal hem weg.") from exc
        for ring in found:
            if ring.ndim != 2 or ring.shape[0] < 3 or ring.shape[1] < 2 or not np.isfinite(ring[:, :2]).all() \
                    or (np.abs(ring[:, 0]) > 180).any() or (np.abs(ring[:, 1]) > 90).any():
                raise DataError(f"{path.name}: feature {i} ({code}): een ring is geen reeks van minstens drie punten "
                                "(lengte, breedte) in graden WGS84.", "verbeter die feature of haal hem weg.")
        rings[code] = [ring[:, :2] for ring in found]
    m = PATTERN.search(path.name)
    return Shapes(int(m.group(1)) if m else None, rings)
