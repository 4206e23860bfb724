"""Charts for the brede-welvaart report: theme dashboard, scatters, expected vs measured."""

from __future__ import annotations

import math
import textwrap

import numpy as np
import pandas as pd

from matplotlib.ticker import FuncFormatter, LogLocator, NullFormatter, NullLocator

from blp.rapport.charts import GEMEENTE_COLOR, NL_COLOR, PEER_COLOR, REGION_COLOR, new_figure
from blp.rapport.fmt import num
from blp.welvaart.registry import THEME_NL


def _plain_log(ax, which: str = "y") -> None:
    """Log scale with plain Dutch numbers (20, 30, 50) instead of 2×10¹."""
    axis = ax.yaxis if which == "y" else ax.xaxis
    (ax.set_yscale if which == "y" else ax.set_xscale)("log")
    axis.set_major_locator(LogLocator(base=10, subs=(1, 2, 3, 5)))
    axis.set_major_formatter(FuncFormatter(lambda v, _: num(v)))
    axis.set_minor_locator(NullLocator())
    axis.set_minor_formatter(NullFormatter())


def dashboard(positions: pd.DataFrame, peer_scores: pd.Series, gemeente_name: str):
    """One panel per theme: each indicator's score (0-100, higher = better), gemeente vs peer median vs NL."""
    df = positions[positions["score"].notna()]
    themes = [t for t in THEME_NL if t in set(df["theme"])]
    ncols = 2
    nrows = math.ceil(len(themes) / ncols)
    heights = [max(len(df[df["theme"] == t]) for t in themes[i * ncols:(i + 1) * ncols]) for i in range(nrows)]
    fig, axes = new_figure(nrows, ncols, figsize=(11, 0.5 * sum(heights) + 1.2 * nrows),
                             gridspec_kw={"height_ratios": heights}, squeeze=False)
    for ax, theme in zip(axes.flat, themes):
        rows = df[df["theme"] == theme].iloc[::-1]
        y = np.arange(len(rows))
        neutral = rows["direction"] == "neutral"
        # a figure with too few observations (caution) gets no judgement: drawn hollow, as the text leaves it out
        careful = (rows["caution"] != "").to_numpy() if "caution" in rows else np.zeros(len(rows), bool)
        # the red and green bands only behind indicators with a judgement: a neutral one shows a plain rank
        judged = y[~neutral.to_numpy()]
        ax.barh(judged, 25, left=0, height=1.0, color="#fbe3e0", zorder=0, linewidth=0)
        ax.barh(judged, 25, left=75, height=1.0, color="#e3f2e1", zorder=0, linewidth=0)
        ax.axvline(50, color=NL_COLOR, linestyle="--", linewidth=1, zorder=1)
        ax.scatter(peer_scores.reindex(rows["id"]).to_numpy(), y, color=PEER_COLOR, s=50, zorder=2,
                   label="mediaan vergelijkingsgroep")
        plain = ~neutral.to_numpy() & ~careful
        ax.scatter(rows["score"][plain], y[plain], color=GEMEENTE_COLOR, s=70, zorder=3, label=gemeente_name)
        ax.scatter(rows["score"][~neutral.to_numpy() & careful], y[~neutral.to_numpy() & careful], facecolor="white",
                   edgecolor=GEMEENTE_COLOR, linewidth=1.5, s=70, zorder=3)
        ax.scatter(rows["score"][neutral], y[neutral.to_numpy()], facecolor="white", edgecolor="#555555", s=70,
                   zorder=3, label=f"{gemeente_name}, zonder oordeel (rangorde)")
        labels = [("★ " if f else "") + "\n".join(textwrap.wrap(l, 28)) for l, f in zip(rows["label_nl"], rows["focus"])]
        ax.set_yticks(y, labels, fontsize=8)
        for tick, focus in zip(ax.get_yticklabels(), rows["focus"]):
            tick.set_fontweight("bold" if focus else "normal")
        ax.set_xlim(-3, 103)  # a mark at 0 or 100 whole, not cut in half by the axes' edge
        ax.set_xticks([0, 20, 40, 60, 80, 100])
        ax.set_ylim(-0.7, len(rows) - 0.3)
        ax.set_title(THEME_NL[theme], fontsize=10, loc="left")
        ax.spines[["top", "right"]].set_visible(False)
    for ax in list(axes.flat)[len(themes):]:
        ax.axis("off")
    from matplotlib.lines import Line2D
    from matplotlib.patches import Patch

    handles = [Line2D([], [], marker="o", linestyle="", color=PEER_COLOR, markersize=7, label="mediaan vergelijkingsgroep"),
               Line2D([], [], marker="o", linestyle="", color=GEMEENTE_COLOR, markersize=8, label=gemeente_name),
               Line2D([], [], marker="o", linestyle="", markerfacecolor="white", markeredgecolor="#555555", markersize=8,
                      label=f"{gemeente_name}, zonder oordeel (rangorde)"),
               Patch(color="#e3f2e1", label="beste 25%"), Patch(color="#fbe3e0", label="slechtste 25%")]
    if "caution" in df and ((df["caution"] != "") & (df["direction"] != "neutral")).any():
        handles.insert(3, Line2D([], [], marker="o", linestyle="", markerfacecolor="white",
                                 markeredgecolor=GEMEENTE_COLOR, markeredgewidth=1.5, markersize=8,
                                 label=f"{gemeente_name}, te weinig waarnemingen (‘Let op’)"))
    legend_rows = 2 if len(handles) > 5 else 1
    fig.legend(handles=handles, loc="lower center", ncol=3 if legend_rows == 2 else 5, frameon=False, fontsize=9)
    # below the lowest axes, in inches: its tick labels, the axis label, then the legend's rows
    height = fig.get_figheight()
    legend_in = 0.1 + 0.25 * legend_rows
    fig.supxlabel("positie onder alle gemeenten (0 = slechtst, 100 = best; 50 = middelste gemeente)", fontsize=9,
                  y=(legend_in + 0.05) / height)
    fig.subplots_adjust(left=0.23, right=0.98, top=0.97, bottom=(legend_in + 0.55) / height, wspace=0.85, hspace=0.45)
    return fig


def focus_scatters(series: dict[str, pd.Series], labels: dict[str, str], blp: pd.Series, gemeente: str,
                   peers: list[str], gemeente_name: str):
    """BLP per inhabitant against each focus indicator, all gemeenten, gemeente and peers marked."""
    ids = list(series)
    ncols = min(3, len(ids))
    nrows = math.ceil(len(ids) / ncols)
    # at least 7.5 inches wide: one panel alone clipped its axis title and legend (a gemeente with one focus
    # indicator with data)
    fig, axes = new_figure(nrows, ncols, figsize=(max(4 * ncols, 7.5), 3.4 * nrows), squeeze=False)
    for ax, ind in zip(axes.flat, ids):
        x = series[ind]
        both = pd.DataFrame({"x": x, "y": blp}).dropna()
        ax.scatter(both["x"], both["y"] / 1000, s=8, color="#cccccc", label="alle gemeenten")
        p = both.reindex(peers).dropna()
        ax.scatter(p["x"], p["y"] / 1000, s=18, color=REGION_COLOR, label="vergelijkingsgroep")
        if gemeente in both.index:
            ax.scatter(both.loc[gemeente, "x"], both.loc[gemeente, "y"] / 1000, s=60, color=GEMEENTE_COLOR,
                       label=gemeente_name, zorder=3)
        _plain_log(ax, "y")
        ax.set_xlabel("\n".join(textwrap.wrap(labels[ind], 38)), fontsize=8)
        ax.set_ylabel("BLP per inwoner (× 1.000 euro)", fontsize=8)
        ax.spines[["top", "right"]].set_visible(False)
    for ax in list(axes.flat)[len(ids):]:
        ax.axis("off")
    handles, lab = axes.flat[0].get_legend_handles_labels()
    fig.legend(handles, lab, loc="lower center", ncol=3, frameon=False)
    # about an inch under the lowest axes for its label and the legend, whatever the number of rows
    fig.subplots_adjust(left=0.08, right=0.98, top=0.97, bottom=0.02 + 0.95 / (3.4 * nrows), wspace=0.35, hspace=0.45)
    return fig


def expected_chart(model, gemeente: str, peers: list[str], gemeente_name: str):
    """Measured against expected BLP per inhabitant for all gemeenten (log scales), 45° line."""
    fitted = np.exp(model.fitted) / 1000
    measured = np.exp(model.y) / 1000
    fig, ax = new_figure(figsize=(6.5, 5.5))
    ax.scatter(fitted, measured, s=8, color="#cccccc", label="alle gemeenten")
    ax.scatter(fitted.reindex(peers), measured.reindex(peers), s=18, color=REGION_COLOR, label="vergelijkingsgroep")
    ax.scatter([fitted[gemeente]], [measured[gemeente]], s=70, color=GEMEENTE_COLOR, label=gemeente_name, zorder=3)
    lo, hi = min(fitted.min(), measured.min()), max(fitted.max(), measured.max())
    ax.plot([lo, hi], [lo, hi], color=NL_COLOR, linestyle="--", linewidth=1, label="berekend = verwacht")
    _plain_log(ax, "x")
    _plain_log(ax, "y")
    ax.set_xlabel("verwacht BLP per inwoner (× 1.000 euro)")
    ax.set_ylabel("BLP per inwoner volgens deze berekening (× 1.000 euro)")
    ax.legend(frameon=False, fontsize=8)
    ax.spines[["top", "right"]].set_visible(False)
    fig.subplots_adjust(left=0.13, right=0.97, bottom=0.11, top=0.97)
    return fig
