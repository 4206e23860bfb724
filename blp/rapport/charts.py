"""Charts for the reports (matplotlib), labelled in Dutch."""

from __future__ import annotations

import textwrap

import numpy as np
import pandas as pd
from matplotlib.figure import Figure
from matplotlib.ticker import Formatter, MaxNLocator

from blp.data.canonical import MEASURE_NL
from blp.rapport.fmt import num

GEMEENTE_COLOR, REGION_COLOR, NL_COLOR, PEER_COLOR = "#c0392b", "#2c7fb8", "#7f7f7f", "#a6bddb"


def new_figure(nrows: int = 1, ncols: int = 1, figsize: tuple[float, float] = (8, 4), **kwargs):
    """A figure and its axes (like ``plt.subplots``) made with matplotlib's object API: no pyplot
    state and no GUI backend, so charts can be drawn on any thread and need no closing."""
    fig = Figure(figsize=figsize)
    return fig, fig.subplots(nrows, ncols, **kwargs)


def fit_margins(fig, ylabels=(), left_min: float = 0.08, right: float = 0.97, fontsize: float = 10,
                bottom_in: float = 0.65, top_in: float = 0.2) -> None:
    """Set margins from the longest y tick label, without a layout pass (tight_layout draws twice)."""
    widest = max((max((len(line) for line in str(l).split("\n")), default=0) for l in ylabels), default=0)
    width_in, height_in = fig.get_size_inches()
    left = max(left_min, min(0.5, (widest * fontsize * 0.6 / 72 + 0.25) / width_in))
    fig.subplots_adjust(left=left, right=right, bottom=min(0.4, bottom_in / height_in),
                        top=max(0.6, 1 - top_in / height_in))


class DutchTicks(Formatter):
    """Tick labels in Dutch (1.234,5) with as many decimals as the ticks need to differ: '0 0 0 1 1' for ticks of
    a quarter million on a small gemeente's chart read as a broken axis (a reader's finding)."""

    def __init__(self):
        self.ticks: list[float] = []

    def set_locs(self, locs):
        self.ticks = [float(v) for v in locs]

    def __call__(self, x, pos=None):
        return num(x, tick_decimals(self.ticks or [x]))


def tick_decimals(locs: list[float], most: int = 3) -> int:
    """The fewest decimals (up to ``most``) at which every tick shows its own value."""
    for decimals in range(most + 1):
        if all(abs(v * 10 ** decimals - round(v * 10 ** decimals)) < 1e-6 * 10 ** decimals for v in locs):
            return decimals
    return most


def _style(ax) -> None:
    ax.spines[["top", "right"]].set_visible(False)
    ax.grid(axis="x", alpha=0.3)


def sector_chart(structure: pd.DataFrame, labels: dict[str, str], gemeente_name: str, corop_name: str):
    """Horizontal bars: each sector's share of the BLP in the gemeente, its COROP and NL."""
    df = structure.iloc[::-1]
    y = np.arange(len(df))
    fig, ax = new_figure(figsize=(8, 0.55 * len(df) + 1.2))
    h = 0.26
    ax.barh(y + h, df["share_gemeente"] * 100, h, color=GEMEENTE_COLOR, label=gemeente_name)
    ax.barh(y, df["share_corop"] * 100, h, color=REGION_COLOR, label=f"COROP {corop_name}")
    ax.barh(y - h, df["share_nl"] * 100, h, color=NL_COLOR, label="Nederland")
    ylabels = [labels.get(g, g) for g in df["group"]]
    ax.set_yticks(y, ylabels)
    ax.set_xlabel("aandeel in de toegevoegde waarde (%)")
    ax.legend(loc="lower right", frameon=False)
    _style(ax)
    fit_margins(fig, ylabels)
    return fig


def peers_chart(national: pd.DataFrame, gemeente: str, peers: list[str], nl_value: float,
                column: str = "blp_per_inhabitant_eur", xlabel: str = "BLP per inwoner (euro)"):
    """The gemeente among its peers on one figure, with the Dutch average as a line."""
    n = national.set_index("gemeente_code")
    df = n.loc[[gemeente] + list(peers)].sort_values(column)
    fig, ax = new_figure(figsize=(8, 0.38 * len(df) + 1.2))
    colors = [GEMEENTE_COLOR if c == gemeente else PEER_COLOR for c in df.index]
    ax.barh(df["gemeente_name"], df[column], color=colors)
    ax.axvline(nl_value, color=NL_COLOR, linestyle="--", label=f"Nederland ({num(nl_value)})")
    ax.set_xlabel(xlabel)
    ax.legend(loc="lower right", frameon=False)
    _style(ax)
    fit_margins(fig, df["gemeente_name"])
    return fig


# The chart names each key by what sets it apart; the table under it gives the full description
VARIANT_WORDS = {"uncorrected": "zonder weging naar dichtheid", "not_averaged": "zonder middeling met vestigingen",
                 "total": "in totaal, zonder sectoren"}


def short_key_label(name: str, main: bool = False) -> str:
    """'jobs_2019_uncorrected' -> 'banen 2019, zonder weging naar dichtheid'; the main key says so."""
    measure, year, *rest = name.split("_", 2)
    variant = [v for v in VARIANT_WORDS if rest and v in rest[0]]
    words = MEASURE_NL.get(measure, measure) + (" per sector" if measure != "population" and "total" not in variant
                                               else "")
    label = f"{words} {year}" + "".join(f", {VARIANT_WORDS[v]}" for v in variant)
    return f"{label} (hoofdsleutel)" if main else label


def sensitivity_chart(sens: pd.DataFrame, gemeente_name: str):
    """BLP under each allocation key, main key highlighted, with the range shaded."""
    df = sens.iloc[::-1]
    labels = ["\n".join(textwrap.wrap(short_key_label(name, main=i == len(df) - 1), 30))
              for i, name in enumerate(df["key"])]
    fig, ax = new_figure(figsize=(8, 0.45 * len(df) + 0.2 * sum(lab.count("\n") for lab in labels) + 1.5))
    colors = [GEMEENTE_COLOR if i == len(df) - 1 else PEER_COLOR for i in range(len(df))]
    ax.axvspan(df["blp_meur"].min(), df["blp_meur"].max(), color="#f0f0f0", zorder=0,
               label="van de laagste tot de hoogste uitkomst")
    ax.barh(labels, df["blp_meur"], color=colors, zorder=1)
    for i, v in enumerate(df["blp_meur"]):
        ax.text(v, i, f" {num(v)}", va="center", fontsize=9)
    ax.set_xlabel(f"BLP {gemeente_name} (mln euro)")
    ax.set_ylim(-0.6, len(df) - 0.4)
    # room right of the longest bar for its number, and few enough ticks that '60.000' and '70.000' do not touch
    ax.set_xlim(0, df["blp_meur"].max() * 1.18)
    ax.xaxis.set_major_locator(MaxNLocator(5))
    ax.xaxis.set_major_formatter(DutchTicks())
    ax.legend(loc="upper left", bbox_to_anchor=(0.0, -0.09), frameon=False, fontsize=9)
    _style(ax)
    fit_margins(fig, labels, right=0.9, bottom_in=0.95)
    return fig


def trend_chart(series: pd.DataFrame, gemeente_name: str, full_year: int, whole_region: bool = False):
    """The gemeente's BLP per year (nominal), years with an estimated sector split drawn open, the axis from 0;
    ``whole_region``: the gemeente is its COROP region, so no share was held (it is 1 in every year)."""
    fig, ax = new_figure(figsize=(8, 3.6))
    years, values = series.index.to_numpy(), series["blp_meur"].to_numpy()
    # before the first key year the share is held at that year's
    held = years < (years.min() if whole_region else series["key_year"].min())
    if held.any():
        cut = int(held.sum())
        ax.plot(years[:cut + 1], values[:cut + 1], color=GEMEENTE_COLOR, linewidth=1.4, linestyle="--", zorder=1,
                label=f"aandeel vastgehouden op {int(series['key_year'].min())}: groei van het COROP-gebied")
        ax.plot(years[cut:], values[cut:], color=GEMEENTE_COLOR, linewidth=1.8, zorder=1, label=f"BLP {gemeente_name}")
    else:
        ax.plot(years, values, color=GEMEENTE_COLOR, linewidth=1.8, zorder=1, label=f"BLP {gemeente_name}")
    est = series["estimated_share"].to_numpy() > 0
    ax.scatter(years[est], values[est], facecolor="white", edgecolor=GEMEENTE_COLOR, s=22, zorder=2,
               label="sectorverdeling geschat uit het totaal")
    ax.scatter(years[~est], values[~est], color=GEMEENTE_COLOR, s=30, zorder=3,
               label=f"volledige sectorcijfers ({full_year})")
    ax.set_ylim(0, values.max() * 1.1)
    ax.xaxis.set_major_formatter(lambda v, _: f"{v:.0f}")  # years: no thousands separator
    ax.set_ylabel("mln euro (lopende prijzen)")
    ax.yaxis.set_major_formatter(DutchTicks())
    ax.legend(loc="lower right", frameon=False, fontsize=8)
    _style(ax)
    fig.subplots_adjust(left=0.12, right=0.97, top=0.95, bottom=0.12)
    return fig


def titled(fig, title: str):
    """Put the chart's takeaway above it, in bold, left-aligned: the figure grows by the title's height and
    everything drawn keeps its size and place (call it last, after any margin setting)."""
    w, h = fig.get_size_inches()
    lines = textwrap.wrap(title, max(30, int(w * 10.5)))
    dh = 0.24 * len(lines) + 0.12
    fig.set_size_inches(w, h + dh)
    scale = h / (h + dh)
    for ax in fig.axes:
        p = ax.get_position()
        ax.set_position([p.x0, p.y0 * scale, p.width, p.height * scale])
    for legend in fig.legends:  # figure legends are placed in figure fractions: keep them where they were
        loc = legend.get_bbox_to_anchor().transformed(fig.transFigure.inverted())
        legend.set_bbox_to_anchor((loc.x0, loc.y0 * scale, loc.width, loc.height * scale), transform=fig.transFigure)
    for text in fig.texts + ([fig._suptitle] if getattr(fig, "_suptitle", None) is not None else []):
        x, y = text.get_position()
        text.set_position((x, y * scale))
    fig.text(0.012, 1 - 0.1 / (h + dh), "\n".join(lines), ha="left", va="top", fontsize=11, fontweight="bold",
             color="#222222")
    dutch_ticks(fig)
    return fig


def dutch_tick(v: float, _pos=None) -> str:
    """An axis number in Dutch: 12.000 and 2,5."""
    text = f"{v:.6f}".rstrip("0").rstrip(".")
    whole, _, frac = text.partition(".")
    sign = "−" if whole.startswith("-") else ""
    whole = num(abs(int(whole))) if whole.lstrip("-") else "0"
    return f"{sign}{whole},{frac}" if frac else f"{sign}{whole}"


def dutch_ticks(fig) -> None:
    """Every numeric axis still on matplotlib's own (English) number format gets the Dutch one; axes with a
    formatter of their own (years, log scales, categories) keep it."""
    from matplotlib.ticker import FuncFormatter, ScalarFormatter

    for ax in fig.axes:
        for axis in (ax.xaxis, ax.yaxis):
            if type(axis.get_major_formatter()) is ScalarFormatter:
                axis.set_major_formatter(FuncFormatter(dutch_tick))
