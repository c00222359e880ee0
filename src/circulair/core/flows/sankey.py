"""The Sankey diagram of flows: nodes in columns (by default origin sector -> material -> rung)
and links between neighbouring columns, in tonnes; and its drawing as a standalone SVG.

Every flow passes through one node of every column, so a middle node's tonnes in equal its
tonnes out, and each column's nodes add up to the total (mass is conserved). Beyond ``top``
nodes a column's smallest are merged into one "other" node, so the picture stays readable."""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any
from xml.sax.saxutils import escape

from circulair.core.flows.aggregate import group_key
from circulair.core.flows.codes import Catalogue
from circulair.core.flows.records import Flow

OTHER = "other"
_COLOURS = ("#1f7a4d", "#2b6cb0", "#b7791f", "#9b2c2c", "#6b46c1", "#2c7a7b", "#975a16",
            "#4a5568", "#c05621", "#276749", "#553c9a", "#285e61")  # fmt: skip


@dataclass(frozen=True)
class Sankey:
    nodes: list[dict[str, Any]]  # id, key, label, column, tonnes
    links: list[dict[str, Any]]  # source, target (node ids), tonnes


def sankey(
    flows: Iterable[Flow],
    catalogue: Catalogue,
    *,
    columns: Sequence[str] = ("nace_section", "material", "rung"),
    label: Callable[[str, str], str] | None = None,
    other_label: str = "other",
    top: int = 12,
) -> Sankey:
    """Nodes and links of ``flows``; ``label(column, key)`` names a node (the key itself by
    default), ``other_label`` the merged node."""
    rows = [(tuple(group_key(f, c, catalogue) for c in columns), f.tonnes) for f in flows]
    keep: list[set[str]] = []
    for i in range(len(columns)):
        per: dict[str, list[float]] = defaultdict(list)
        for keys, t in rows:
            per[keys[i]].append(t)
        ranked = sorted(per, key=lambda k: (-math.fsum(per[k]), k))
        keep.append(set(ranked if len(ranked) <= top else ranked[: top - 1]))
    node_t: dict[tuple[int, str], list[float]] = defaultdict(list)
    link_t: dict[tuple[int, str, str], list[float]] = defaultdict(list)
    for keys, t in rows:
        ks = [k if k in keep[i] else OTHER for i, k in enumerate(keys)]
        for i, k in enumerate(ks):
            node_t[(i, k)].append(t)
        for i in range(len(ks) - 1):
            link_t[(i, ks[i], ks[i + 1])].append(t)
    name = label or (lambda c, k: k)
    nodes = []
    for (i, k), ts in sorted(
        node_t.items(), key=lambda kv: (kv[0][0], -math.fsum(kv[1]), kv[0][1])
    ):
        nodes.append(
            {
                "id": f"{i}:{k}",
                "key": k,
                "label": other_label if k == OTHER else name(columns[i], k),
                "column": i,
                "tonnes": math.fsum(ts),
            }
        )
    links = [
        {"source": f"{i}:{a}", "target": f"{i + 1}:{b}", "tonnes": math.fsum(ts)}
        for (i, a, b), ts in sorted(link_t.items(), key=lambda kv: (kv[0][0], -math.fsum(kv[1])))
    ]
    return Sankey(nodes, links)


def _tonnes(t: float) -> str:
    return f"{t:,.0f} t".replace(",", "\u202f") if t >= 10 else f"{t:.3g} t"


def layout_svg(s: Sankey, *, width: int = 900, height: int = 520, title: str = "") -> str:
    """A standalone SVG of the diagram: one rect per node, one path per link (stroke width
    proportional to tonnes), a <title> tooltip on each, labels with tonnes. Deterministic."""
    ncol = 1 + max((n["column"] for n in s.nodes), default=0)
    top_pad, gap, bar = (28 if title else 8), 8.0, 14.0
    cols: dict[int, list[dict[str, Any]]] = defaultdict(list)
    for n in s.nodes:
        cols[n["column"]].append(n)
    usable = height - top_pad - 8
    scale = (
        min(
            ((usable - gap * (len(ns) - 1)) / max(math.fsum(n["tonnes"] for n in ns), 1e-12))
            for ns in cols.values()
        )
        if cols
        else 1.0
    )
    label_w = 170.0
    xs = [
        label_w * 0 + 10 + c * (width - 20 - bar - label_w) / max(ncol - 1, 1) for c in range(ncol)
    ]
    pos: dict[str, tuple[float, float, float]] = {}  # id -> x, y, h
    for c, ns in cols.items():
        y = float(top_pad)
        for n in ns:
            h = max(n["tonnes"] * scale, 1.0)
            pos[n["id"]] = (xs[c], y, h)
            y += h + gap
    out_y = {k: v[1] for k, v in pos.items()}
    in_y = dict(out_y)
    # bands take the colour of their middle-column node (the material), so a material can be
    # followed from its origin to its treatment
    mid = 1 if ncol > 2 else 0
    colour = {n["id"]: _COLOURS[i % len(_COLOURS)] for i, n in enumerate(cols.get(mid, []))}
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" '
        f'width="{width}" height="{height}" font-family="DejaVu Sans, sans-serif" '
        f'font-size="11" role="img">'
    ]
    if title:
        parts.append(
            f'<text x="10" y="16" font-size="13" font-weight="bold">{escape(title)}</text>'
        )
    column = {n["id"]: n["column"] for n in s.nodes}
    for link in s.links:
        src = link["source"]
        root = link["target"] if column[src] < mid else src
        w = max(link["tonnes"] * scale, 0.5)
        x0, _, _ = pos[src]
        x1, _, _ = pos[link["target"]]
        y0 = out_y[src] + w / 2
        y1 = in_y[link["target"]] + w / 2
        out_y[src] += w
        in_y[link["target"]] += w
        mx = (x0 + bar + x1) / 2
        tip = f"{_label(s, src)} → {_label(s, link['target'])}: {_tonnes(link['tonnes'])}"
        parts.append(
            f'<path class="link" d="M{x0 + bar:.1f},{y0:.1f} C{mx:.1f},{y0:.1f} {mx:.1f},{y1:.1f} '
            f'{x1:.1f},{y1:.1f}" fill="none" stroke="{colour.get(root, "#718096")}" '
            f'stroke-opacity="0.45" stroke-width="{w:.2f}"><title>{escape(tip)}</title></path>'
        )
    for n in s.nodes:
        x, y, h = pos[n["id"]]
        text = f"{n['label']} ({_tonnes(n['tonnes'])})"
        last = n["column"] == ncol - 1
        tx, anchor = (x - 4, "end") if last else (x + bar + 4, "start")
        parts.append(
            f'<g class="node" data-id="{escape(n["id"])}"><rect x="{x:.1f}" y="{y:.1f}" '
            f'width="{bar:.0f}" height="{h:.1f}" fill="{colour.get(n["id"], "#4a5568")}">'
            f"<title>{escape(text)}</title></rect>"
            f'<text x="{tx:.1f}" y="{y + h / 2 + 4:.1f}" text-anchor="{anchor}">'
            f"{escape(text)}</text></g>"
        )
    parts.append("</svg>")
    return "".join(parts)


def _label(s: Sankey, node_id: str) -> str:
    return next((n["label"] for n in s.nodes if n["id"] == node_id), node_id)
