"""Charts of the agenda's evaluation and annual report (matplotlib → SVG, monitor house style).

Labels come in already translated; one drawing serves the page and the PDF.
"""

from __future__ import annotations

from collections.abc import Sequence

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt

from circulair.core.monitor.charts import AMBER, GREEN, GREY, _render, integer_axis


def bar_chart(
    labels: Sequence[str],
    values: Sequence[float],
    *,
    title: str = "",
    highlight_zero: bool = True,
    fmt: str = "svg",
) -> bytes:
    """Horizontal bars, one per label, in the given order; zero bars are marked in amber.

    ``values`` are counts (of actions): the value axis is ticked at whole numbers."""
    n = max(1, len(labels))
    with plt.rc_context({"svg.fonttype": "none"}):  # real <text>: searchable, drawn by WeasyPrint
        fig, ax = plt.subplots(figsize=(7.5, 0.9 + 0.28 * n), dpi=100)
        return _draw(fig, ax, labels, values, title, highlight_zero, fmt)


def _draw(
    fig: object,
    ax: object,
    labels: Sequence[str],
    values: Sequence[float],
    title: str,
    highlight_zero: bool,
    fmt: str,
) -> bytes:
    from typing import Any

    ax_: Any = ax
    ys = list(range(len(labels)))[::-1]
    colours = [AMBER if highlight_zero and v == 0 else GREEN for v in values]
    ax_.barh(ys, list(values), color=colours, height=0.7)
    ax_.set_yticks(ys, [str(x)[:60] for x in labels], fontsize=8)
    for y, v in zip(ys, values, strict=True):
        ax_.text(v, y, f" {v:g}", va="center", fontsize=8, color=GREY)
    ax_.set_title(title, fontsize=10, loc="left")
    ax_.spines[["top", "right"]].set_visible(False)
    ax_.tick_params(axis="x", labelsize=8)
    if not any(values):
        ax_.set_xlim(0, 1)
    integer_axis(ax_.xaxis)  # counts of actions: 0 1 2, never 0.0 0.2
    return _render(fig, fmt)


def svg_inline(svg: bytes) -> str:
    """SVG bytes without the XML prolog, for embedding in HTML."""
    text = svg.decode("utf-8")
    start = text.find("<svg")
    return text[start:] if start >= 0 else text
