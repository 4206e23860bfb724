"""Charts for the policy report: scenario paths, levers, LM3 rounds and leakage, where effects land."""

from __future__ import annotations

import textwrap

import pandas as pd
from matplotlib.ticker import MaxNLocator

from blp.rapport.charts import (GEMEENTE_COLOR, NL_COLOR, PEER_COLOR, REGION_COLOR, DutchTicks, fit_margins,
                               new_figure)
from blp.rapport.fmt import num


def scenario_paths(paths: dict[str, pd.DataFrame], gemeente_name: str, goals: list[tuple[str, float, int]],
                   start_year: int):
    """BLP per year under the 0-scenario and each intervention (direct + local indirect effect, with the band
    over Flegg's delta shaded); the y-axis starts at zero."""
    fig, ax = new_figure(figsize=(8.5, 4.5))
    colors = [GEMEENTE_COLOR, REGION_COLOR, "#31a354", "#756bb1"]
    first = next(iter(paths.values()))
    ax.plot(first["year"], first["baseline_meur"], color=NL_COLOR, linestyle="--", label="0-scenario")
    interventions = {k: v for k, v in paths.items() if k != "0-scenario"}
    for (name, path), color in zip(interventions.items(), colors):
        after = path[path["year"] >= start_year]
        ax.plot(after["year"], after["scenario_meur"], color=color, linewidth=2, label="\n".join(textwrap.wrap(name, 24)))
        ax.fill_between(after["year"], after["baseline_meur"] + after["local_low_meur"],
                        after["baseline_meur"] + after["local_high_meur"], color=color, alpha=0.2, linewidth=0,
                        label="bandbreedte indirect effect")
    for label, target, year in goals:
        ax.scatter([year], [target], marker="*", s=160, color="black", zorder=4)
        ax.annotate("\n".join(textwrap.wrap(label, 28)), (year, target), textcoords="offset points", xytext=(-8, 8),
                    ha="right", fontsize=8)
    ax.axvline(start_year, color="#bbbbbb", linewidth=0.8, zorder=0)
    ax.annotate(f"start {start_year}", (start_year, 0), textcoords="offset points", xytext=(3, 4), fontsize=8,
                color="#777777")
    ax.set_ylim(bottom=0)
    ax.xaxis.set_major_locator(MaxNLocator(integer=True))
    ax.xaxis.set_major_formatter(lambda v, _: f"{v:.0f}")  # years
    ax.set_ylabel(f"BLP {gemeente_name} (mln euro, prijzen van {int(first['year'].iloc[0])})")
    ax.yaxis.set_major_formatter(DutchTicks())
    ax.spines[["top", "right"]].set_visible(False)
    ax.legend(frameon=False, fontsize=9, loc="upper left", bbox_to_anchor=(1.0, 1.0))
    fit_margins(fig, ["100.000"], left_min=0.12, right=0.7)
    return fig


def levers_chart(levers: pd.DataFrame, n_jobs: int):
    df = levers.iloc[::-1]
    fig, ax = new_figure(figsize=(8.5, 0.45 * len(df) + 1.2))
    labels = ["\n".join(textwrap.wrap(l, 40)) for l in df["label_nl"]]
    ax.barh(labels, df["jobs_direct_meur"], color=GEMEENTE_COLOR, label="direct")
    ax.barh(labels, df["jobs_local_meur"] - df["jobs_direct_meur"], left=df["jobs_direct_meur"], color=PEER_COLOR,
            label="indirect, in de gemeente")
    ax.set_xlabel(f"extra BLP bij +{n_jobs} banen (mln euro per jaar)")
    ax.legend(frameon=False, loc="lower right")
    ax.spines[["top", "right"]].set_visible(False)
    fit_margins(fig, labels)
    return fig


def lm3_chart(result, label: str):
    """Left: the three rounds; right: where round 1 goes (local vs leaked per category)."""
    fig, (ax1, ax2) = new_figure(1, 2, figsize=(10, 3.8), gridspec_kw={"width_ratios": [1, 1.6]})
    rounds = [result.round1, result.round2, result.round3]
    ax1.bar(["Ronde 1", "Ronde 2", "Ronde 3"], rounds,
            color=[NL_COLOR, REGION_COLOR, GEMEENTE_COLOR])
    for i, v in enumerate(rounds):
        ax1.text(i, v, num(v), ha="center", va="bottom", fontsize=8)
    ax1.set_title(f"LM3 = {num(result.lm3, 2)}", fontsize=10)
    ax1.set_ylabel("euro")
    ax1.yaxis.set_major_formatter(DutchTicks())
    df = result.spending.iloc[::-1]
    ax2.barh(df["category"], df["local"], color=REGION_COLOR, label="blijft in de gemeente")
    ax2.barh(df["category"], df["leaked"], left=df["local"], color="#fdae6b", label="lekt weg")
    ax2.set_xlabel("euro")
    ax2.xaxis.set_major_formatter(DutchTicks())
    ax2.legend(frameon=False, fontsize=8, loc="lower right")
    for ax in (ax1, ax2):
        ax.spines[["top", "right"]].set_visible(False)
    fig.suptitle("\n".join(textwrap.wrap(label, 90)), fontsize=9)
    fig.subplots_adjust(left=0.1, right=0.97, bottom=0.15, top=0.82, wspace=0.65)
    return fig


def where_effects_land(by_group_total: dict[str, float]):
    """Stacked bar: the effect in NL split over the gemeente, the rest of its COROP and the rest of NL."""
    fig, ax = new_figure(figsize=(8.5, 2.2))
    left = 0.0
    colors = [GEMEENTE_COLOR, REGION_COLOR, NL_COLOR, "#fdae6b"]
    total = sum(by_group_total.values())
    for (label, value), color in zip(by_group_total.items(), colors):
        ax.barh([""], [value], left=left, color=color,
                label=f"{label}: {num(value, 1)} mln ({num(100 * value / total)}%)")
        left += value
    ax.legend(frameon=False, fontsize=8, loc="lower center", bbox_to_anchor=(0.5, 1.0), ncol=2)
    ax.set_xlabel("mln euro toegevoegde waarde per jaar in het eindjaar")
    ax.xaxis.set_major_formatter(DutchTicks())
    ax.spines[["top", "right", "left"]].set_visible(False)
    fig.subplots_adjust(left=0.03, right=0.97, bottom=0.3, top=0.72)
    return fig
