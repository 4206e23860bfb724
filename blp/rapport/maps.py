"""Maps from the gemeente shapes (``blp.data.shapes``), drawn with matplotlib: a choropleth of all gemeenten
(the overview page) and a locator map of one gemeente in its COROP region with its peers (report 2).

Longitude is shrunk by cos(52°) so the Netherlands keeps its shape without a projection library. Shapes that
are not valid polygons after simplification draw like any other."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
from matplotlib.collections import PolyCollection
from matplotlib.colors import BoundaryNorm, ListedColormap
from matplotlib.patches import Patch

from blp.data.shapes import Shapes
from blp.rapport.charts import GEMEENTE_COLOR, REGION_COLOR, new_figure

ASPECT = 1 / math.cos(math.radians(52.2))  # degrees of latitude per degree of longitude, on the map
CLASSES = ["#fee5d9", "#fcae91", "#fb6a4a", "#de2d26", "#a50f15"]  # five classes, light to dark
NO_DATA = "#e6e6e6"
PEERS_ON_MAP = "#f28e2b"  # the peers stand out on a map of grey gemeenten


def _polys(shapes: Shapes, codes, step: int = 1) -> tuple[list[np.ndarray], list[str]]:
    """The rings of ``codes``; ``step`` > 1 keeps every step-th point (a map of all of NL in a small panel needs
    no more, and its SVG gets that much smaller)."""
    polys, owner = [], []
    for code in codes:
        for ring in shapes.rings.get(code, []):
            if step > 1 and len(ring) > 4 * step:
                ring = np.vstack([ring[::step], ring[:1]])
            polys.append(ring)
            owner.append(code)
    return polys, owner


def _frame(ax, polys: list[np.ndarray], pad: float = 0.02) -> None:
    xy = np.concatenate(polys)
    (x0, y0), (x1, y1) = xy.min(axis=0), xy.max(axis=0)
    dx, dy = (x1 - x0) * pad, (y1 - y0) * pad
    ax.set_xlim(x0 - dx, x1 + dx)
    ax.set_ylim(y0 - dy, y1 + dy)
    ax.set_aspect(ASPECT)
    ax.set_axis_off()


def class_bounds(values: pd.Series, n: int = 5) -> list[float]:
    """Class bounds at the quintiles of ``values`` (equal numbers of gemeenten per class)."""
    v = values.dropna().to_numpy()
    if not len(v):
        return []
    qs = np.quantile(v, np.linspace(0, 1, n + 1))
    return sorted(set(float(q) for q in qs))


def choropleth(shapes: Shapes, values: pd.Series, label: str, fmt, highlight: str | None = None, gids: bool = False):
    """Every gemeente coloured by ``values`` (index gemeente code) in five quintile classes, with a legend of
    the class bounds written by ``fmt``; gemeenten without a value in grey; ``highlight`` outlined. ``gids``:
    each gemeente its own SVG group, id = its code (for tooltips on an inline SVG)."""
    codes = [c for c in shapes.rings if c.startswith("GM") and c != "GM0998"]  # GM0998: abroad
    polys, owner = _polys(shapes, codes)
    v = values.reindex(owner).to_numpy(dtype=float)
    bounds = class_bounds(values.reindex(codes))
    if len(bounds) < 2:
        bounds = [bounds[0] - 0.5, bounds[0] + 0.5] if bounds else [0.0, 1.0]
    cmap = ListedColormap(CLASSES[: len(bounds) - 1])
    norm = BoundaryNorm(bounds, cmap.N, clip=True)
    colors = [NO_DATA if np.isnan(x) else cmap(norm(x)) for x in v]
    fig, ax = new_figure(figsize=(6.2, 7.2))
    if gids:
        for code in codes:
            mine = [i for i, o in enumerate(owner) if o == code]
            if mine:
                collection = PolyCollection([polys[i] for i in mine], facecolors=[colors[i] for i in mine],
                                            edgecolors="white", linewidths=0.25)
                collection.set_gid(code)
                ax.add_collection(collection, autolim=False)
    else:
        ax.add_collection(PolyCollection(polys, facecolors=colors, edgecolors="white", linewidths=0.25), autolim=False)
    if highlight and highlight in shapes.rings:
        ax.add_collection(PolyCollection(shapes.rings[highlight], facecolors="none", edgecolors="black", linewidths=1.4))
    _frame(ax, polys)
    handles = [Patch(facecolor=cmap(i), label=f"{fmt(bounds[i])} – {fmt(bounds[i + 1])}") for i in range(cmap.N)]
    if np.isnan(v).any():
        handles.append(Patch(facecolor=NO_DATA, label="geen cijfer"))
    ax.legend(handles=handles, title=label, loc="upper left", frameon=False, fontsize=9, title_fontsize=10)
    fig.subplots_adjust(left=0.01, right=0.99, bottom=0.01, top=0.99)
    return fig


LABEL_PT = 8  # the close-up's names, in points


def _label_places(ax, shapes: Shapes, members: list[str], names: dict[str, str], gemeente: str,
                  box_in: tuple[float, float]) -> list[tuple[str, tuple[float, float]]]:
    """Where the close-up names its gemeenten: at the middle of each one's largest ring, the gemeente first and
    then from large to small; a name that would overlap one already placed moves a line up or down or half its
    width aside, and is left out when all of those overlap too (dense regions such as Groot-Amsterdam printed names on top of each other)."""
    (x0, x1), (y0, y1) = ax.get_xlim(), ax.get_ylim()
    sx = max((x1 - x0) / box_in[0], (y1 - y0) * ASPECT / box_in[1])  # x units per inch on the page
    sy = sx / ASPECT
    centres = {}
    for code in members:
        rings = shapes.rings.get(code)
        if rings:
            biggest = max(rings, key=len)
            centres[code] = (biggest.mean(axis=0), len(biggest))
    order = sorted(centres, key=lambda c: (c != gemeente, -centres[c][1], c))
    from matplotlib.font_manager import FontProperties
    from matplotlib.textpath import TextToPath

    measure = TextToPath()
    placed: list[tuple[float, float, float, float]] = []
    out = []
    for code in order:
        (x, y), _ = centres[code]
        weight = "bold" if code == gemeente else "normal"
        width_pt, _, _ = measure.get_text_width_height_descent(names.get(code, code),
                                                               FontProperties(size=LABEL_PT, weight=weight), False)
        hw = 0.5 * (width_pt + 0.5 * LABEL_PT) / 72 * sx  # its width as drawn, plus half a character of margin
        hh = 0.5 * 1.25 * LABEL_PT / 72 * sy
        for dx, dy in ((0.0, 0.0), (0.0, 2 * hh), (0.0, -2 * hh), (-hw, 0.0), (hw, 0.0)):
            box = (x + dx - hw, x + dx + hw, y + dy - hh, y + dy + hh)
            if not any(box[0] < b[1] and b[0] < box[1] and box[2] < b[3] and b[2] < box[3] for b in placed):
                placed.append(box)
                out.append((code, (float(x + dx), float(y + dy))))
                break
    return out


def locator(shapes: Shapes, gemeente: str, corop_members: list[str], peers: list[str], names: dict[str, str],
            gemeente_name: str, corop_name: str):
    """Left: the Netherlands with the gemeente, its COROP region and its peers; right: the COROP region close
    up, its gemeenten named."""
    everyone = [c for c in shapes.rings if c.startswith("GM") and c != "GM0998"]
    fig, (nl, zoom) = new_figure(1, 2, figsize=(10, 5.6), gridspec_kw={"width_ratios": [1, 1.25]})
    members = [c for c in corop_members if c in shapes.rings] or [gemeente]
    for ax, codes in ((nl, everyone), (zoom, members)):
        polys, owner = _polys(shapes, codes, 8 if ax is nl else 1)
        colors = [GEMEENTE_COLOR if c == gemeente else PEERS_ON_MAP if c in peers else
                  REGION_COLOR if c in corop_members else "#eeeeee" for c in owner]
        if ax is zoom:
            colors = [GEMEENTE_COLOR if c == gemeente else "#c6dbef" for c in owner]
        ax.add_collection(PolyCollection(polys, facecolors=colors, edgecolors="white", linewidths=0.3 if ax is nl else 0.8))
        _frame(ax, polys, 0.02 if ax is nl else 0.05)
    zoom_in = (10 * 0.98 * 1.25 / 2.3, 5.6 * 0.96)  # the close-up's box in inches (figsize, margins, width ratio)
    for code, (x, y) in _label_places(zoom, shapes, members, names, gemeente, zoom_in):
        zoom.annotate(names.get(code, code), (x, y), ha="center", va="center", fontsize=LABEL_PT,
                      fontweight="bold" if code == gemeente else "normal", color="#222222")
    alone = set(corop_members) <= {gemeente}  # the gemeente is its whole region: nothing on the map is the region's
    nl.legend(handles=[Patch(color=GEMEENTE_COLOR, label=gemeente_name + (f" (= COROP-gebied {corop_name})" if alone
                                                                          else ""))]
              + ([] if alone else [Patch(color=REGION_COLOR, label=f"COROP-gebied {corop_name}")])
              + [Patch(color=PEERS_ON_MAP, label="vergelijkingsgemeenten")],
              loc="upper left", bbox_to_anchor=(0.0, 1.0), frameon=True, framealpha=0.9, edgecolor="none", fontsize=9)
    fig.subplots_adjust(left=0.01, right=0.99, bottom=0.02, top=0.98, wspace=0.05)
    return fig
