"""Charts of the scan report: a radar of the section scores (0-10) with the peers' median.

Rendered with matplotlib to SVG (page and PDF) or PNG; labels come in already translated.
"""

from __future__ import annotations

import math
import textwrap
from collections.abc import Mapping, Sequence
from typing import Any

import matplotlib.pyplot as plt

from circulair.core.monitor.charts import AMBER, GREEN, _render, integer_axis


def score_chart(
    titles: Sequence[str],
    scores: Sequence[float],
    peers: Sequence[float | None],
    labels: Mapping[str, str],
    *,
    fmt: str = "svg",
) -> bytes:
    """Radar chart: one axis per scored section, the respondent's scores and the peer median.

    ``peers`` may hold None for sections without peers; the peer line is drawn only when every
    section has a value. With fewer than three sections a radar is meaningless, so bars are
    drawn instead. Text stays text in the SVG (not glyph paths) so the PDF renderer, which
    does not draw matplotlib's glyph references, prints the labels too.
    """
    with plt.rc_context({"svg.fonttype": "none", "font.family": "DejaVu Sans"}):
        return _score_chart(titles, scores, peers, labels, fmt)


def _score_chart(
    titles: Sequence[str],
    scores: Sequence[float],
    peers: Sequence[float | None],
    labels: Mapping[str, str],
    fmt: str,
) -> bytes:
    n = len(titles)
    if n != len(scores) or n != len(peers):
        raise ValueError("titles, scores and peers must have the same length")
    if n < 3:
        fig, ax = plt.subplots(figsize=(6, 1 + 0.5 * max(n, 1)), dpi=100)
        ax.barh(list(titles), list(scores), color=GREEN)
        ax.set_xlim(0, 10)
        return _render(fig, fmt)
    angles = [2 * math.pi * i / n for i in range(n)]
    fig = plt.figure(figsize=(6.4, 5.2), dpi=100)
    pax: Any = fig.add_subplot(111, polar=True)  # a PolarAxes, typed as Axes by matplotlib
    pax.set_theta_offset(math.pi / 2)
    pax.set_theta_direction(-1)
    closed = [*angles, angles[0]]
    pax.plot(
        closed,
        [*scores, scores[0]],
        "-o",
        color=GREEN,
        lw=2,
        label=labels.get("you", "score"),
        zorder=3,
    )
    pax.fill(closed, [*scores, scores[0]], color=GREEN, alpha=0.18)
    if all(p is not None for p in peers):
        vals = [float(p) for p in peers if p is not None]
        pax.plot(
            closed, [*vals, vals[0]], "--", color=AMBER, lw=1.5, label=labels.get("peers", "peers")
        )
    pax.set_xticks(angles)
    pax.set_xticklabels(
        ["\n".join(textwrap.wrap(t, 18, break_long_words=False)) for t in titles], fontsize=7.5
    )
    pax.tick_params(axis="x", pad=10)
    pax.set_ylim(0, 10)
    pax.set_yticks([2.5, 5, 7.5, 10])
    pax.set_yticklabels(["2.5", "5", "7.5", "10"], fontsize=7, color="#666")
    pax.legend(loc="upper right", bbox_to_anchor=(1.25, 1.12), fontsize=8)
    return _render(fig, fmt)


def distribution_chart(
    ranges: Sequence[str], counts: Sequence[int], labels: Mapping[str, str], *, fmt: str = "svg"
) -> bytes:
    """Bar chart of how many governments fall in each band of the overall score."""
    if len(ranges) != len(counts):
        raise ValueError("ranges and counts must have the same length")
    with plt.rc_context({"svg.fonttype": "none", "font.family": "DejaVu Sans"}):
        fig, ax = plt.subplots(figsize=(5.2, 2.6), dpi=100)
        ax.bar(list(ranges), list(counts), color=GREEN)
        ax.set_xlabel(labels.get("x", "overall score"))
        ax.set_ylabel(labels.get("y", "governments"))
        integer_axis(ax.yaxis)  # counts of governments
        ax.spines[["top", "right"]].set_visible(False)
        return _render(fig, fmt)
