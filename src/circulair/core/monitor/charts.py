"""Charts of the monitor, rendered with matplotlib to SVG (in the page) or PNG (export).

One drawing serves both formats so the page and the export always agree. Labels are passed in
by the caller, already translated.
"""

from __future__ import annotations

import io
import math
from collections.abc import Mapping, Sequence
from typing import Any

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt
from matplotlib.ticker import FuncFormatter, MaxNLocator

GREEN, LIGHT, AMBER, GREY = "#1f7a4d", "#7fb069", "#e0a030", "#8a9690"
STATUS_COLOURS = {
    "met": "#1f7a4d",
    "on_track": "#1f7a4d",
    "at_risk": "#e0a030",
    "off_track": "#b5452b",
    "missed": "#b5452b",
    "no_data": "#8a9690",
}


def integer_axis(axis: Any) -> None:
    """Ticks of ``axis`` (``ax.xaxis``/``ax.yaxis``) at whole numbers, printed as integers.

    Why: matplotlib's default locator puts year axes at 2010.0, 2012.5 … and count axes at
    0.0, 0.2 …; a year or a count is never fractional, and the default formatter may also move
    part of a year into an offset ("+2.01e3")."""
    axis.set_major_locator(MaxNLocator(integer=True))
    axis.set_major_formatter(FuncFormatter(lambda x, _pos: str(int(round(x)))))  # noqa: RUF046


def year_axis(ax: Any) -> None:
    """The x-axis of ``ax`` holds years: whole years only, and a single year is shown between
    its neighbours (matplotlib would otherwise spread one point over two centuries)."""
    # the years of the drawn lines (a band with a NaN edge would make ax.dataLim NaN)
    xs = [float(x) for line in ax.lines for x in line.get_xdata() if math.isfinite(float(x))]
    if not xs:
        ax.set_xticks([])
        return
    lo, hi = min(xs), max(xs)
    if hi - lo < 1:
        mid = round((lo + hi) / 2)
        ax.set_xlim(mid - 1, mid + 1)
    integer_axis(ax.xaxis)


def _render(fig: Any, fmt: str) -> bytes:
    buf = io.BytesIO()
    fig.savefig(
        buf, format=fmt, bbox_inches="tight", metadata=None if fmt == "png" else {"Date": None}
    )
    plt.close(fig)
    return buf.getvalue()


def target_chart(
    years: Sequence[int],
    values: Sequence[float],
    a: Mapping[str, Any],
    labels: Mapping[str, str],
    *,
    fmt: str = "svg",
) -> bytes:
    """Series, target path, trend and projection band of one assessed target.

    ``a`` is an :class:`~circulair.core.monitor.compute.Assessment` as a dict; ``labels`` holds
    ``title``, ``unit``, ``observed``, ``target``, ``trend`` and ``band``.
    """
    fig, ax = plt.subplots(figsize=(8, 4.2), dpi=100)
    if years:
        ax.plot(
            years, values, "o-", color=GREEN, label=labels.get("observed", "observed"), zorder=3
        )
    level, ty = a.get("target_level"), a.get("target_year")
    if level is not None and ty is not None:
        start_year = a.get("latest_year") or a.get("baseline_year")
        start_val = a.get("latest_value") if a.get("latest_year") else a.get("baseline_value")
        if start_year is not None and start_val is not None and start_year < ty:
            ax.plot(
                [start_year, ty],
                [start_val, level],
                "--",
                color=GREY,
                label=labels.get("path", "required path"),
            )
        ax.plot(
            [ty],
            [level],
            marker="*",
            markersize=14,
            color=AMBER,
            linestyle="none",
            label=labels.get("target", "target"),
            zorder=4,
        )
    py, proj = a.get("projection_year"), a.get("projection")
    if py is not None and proj is not None and a.get("latest_year") is not None:
        ly, lv = a["latest_year"], a["latest_value"]
        ax.plot(
            [ly, py],
            [lv, proj],
            "-",
            color=LIGHT,
            lw=2,
            label=labels.get("trend", "trend projection"),
        )
        lo, hi = a.get("projection_low"), a.get("projection_high")
        if lo is not None and hi is not None:
            ax.fill_between(
                [ly, py],
                [lv, lo],
                [lv, hi],
                color=LIGHT,
                alpha=0.25,
                label=labels.get("band", "uncertainty band"),
            )
    if years or ty is not None:
        year_axis(ax)
    else:
        ax.set_xticks([])  # nothing dated to put on the axis
    ax.set_title(labels.get("title", ""), fontsize=11)
    ax.set_ylabel(labels.get("unit", ""))
    ax.grid(alpha=0.3)
    ax.spines[["top", "right"]].set_visible(False)
    if ax.get_legend_handles_labels()[0]:
        ax.legend(fontsize=8, loc="best")
    if not years:
        ax.text(
            0.5,
            0.5,
            labels.get("empty", "no observations"),
            transform=ax.transAxes,
            ha="center",
            va="center",
            color=GREY,
        )
    return _render(fig, fmt)


def sparkline(years: Sequence[int], values: Sequence[float], status: str) -> bytes:
    """A tiny SVG line of the series for a dashboard card."""
    fig, ax = plt.subplots(figsize=(2.4, 0.6), dpi=100)
    if years:
        ax.plot(years, values, "-", color=STATUS_COLOURS.get(status, GREY), lw=1.6)
        ax.plot(years[-1:], values[-1:], "o", color=STATUS_COLOURS.get(status, GREY), ms=3)
    ax.set_axis_off()
    return _render(fig, "svg")


def comparison_chart(
    series: Mapping[str, tuple[Sequence[int], Sequence[float]]],
    labels: Mapping[str, str],
    *,
    fmt: str = "svg",
) -> bytes:
    """One line per region over the years (e.g. circular material use rate of BE, EU27, NL), or
    one bar per region when every region (of several) has a single value."""
    fig, ax = plt.subplots(figsize=(8, 4), dpi=100)
    # One value per region (a snapshot year): bars by region. As soon as one region has a
    # series, years go on the x-axis for all (a lone value is a dot in its year): mixing
    # regions and years on one axis dropped the years.
    # A single region's series, even of one value, keeps its years (the year is the news).
    bars = len(series) > 1 and all(len(ys) <= 1 for ys, _vs in series.values())
    for region, (ys, vs) in sorted(series.items()):
        if bars:
            ax.bar([region], vs, color=GREEN if region == labels.get("highlight") else LIGHT)
        else:
            ax.plot(ys, vs, "o-", label=region)
    if not bars:
        year_axis(ax)
    ax.set_title(labels.get("title", ""), fontsize=11)
    ax.set_ylabel(labels.get("unit", ""))
    ax.grid(alpha=0.3, axis="y")
    ax.spines[["top", "right"]].set_visible(False)
    if ax.get_legend_handles_labels()[0]:
        ax.legend(fontsize=8)
    return _render(fig, fmt)
