"""Municipality boundaries: the shipped approximate ones and imported official ones.

Why: maps need the land on them, offline. The region folder ships ``boundaries.geojson``,
approximate cells derived at build time (``scripts/geo_boundaries.py``); a person replaces them
by importing an official file (GeoJSON FeatureCollection keyed by REFNIS/NIS code). An import is
all-or-nothing: every municipality of the region must be there exactly once with a polygon in
longitude/latitude, otherwise nothing changes and every problem names the feature and field.
Pure Python (no shapely/GDAL at run time).
"""

from __future__ import annotations

import itertools
import json
import math
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from circulair.core.errors import (
    InputError,
    Problem,
    ProblemCollector,
    gettext_noop,
    listing,
    problem,
)
from circulair.core.geo.reference import DATA_DIR

FILE_NAME = "boundaries.geojson"
DECIMALS = 5
CODE_FIELDS = (
    "refnis",
    "nis",
    "niscode",
    "nis_code",
    "nis5",
    "cd_munty_refnis",
    "cd_refnis",
    "code_ins",
    "ins",
)
"""Property names read as the municipality code, case-insensitively, first found wins (Statbel
writes ``CD_MUNTY_REFNIS``, the Flemish reference file ``NISCODE``)."""

Ring = tuple[tuple[float, float], ...]
Polygon = tuple[Ring, ...]  # exterior ring first, then holes


@dataclass(frozen=True)
class Boundaries:
    """One region's municipality outlines in lon/lat, and how good they are."""

    quality: str  # "approximate" or "official"
    source: str
    polygons: Mapping[str, tuple[Polygon, ...]]  # refnis -> polygons

    @property
    def official(self) -> bool:
        return self.quality == "official"

    def contains(self, refnis: str, lon: float, lat: float) -> bool:
        """Whether the point lies inside the municipality (even-odd rule over all rings)."""
        return any(_inside(poly, lon, lat) for poly in self.polygons.get(refnis, ()))

    def bounds(self) -> tuple[float, float, float, float]:
        """(lon_min, lat_min, lon_max, lat_max) of every outer ring."""
        xs = [x for ps in self.polygons.values() for p in ps for x, _ in p[0]]
        ys = [y for ps in self.polygons.values() for p in ps for _, y in p[0]]
        return min(xs), min(ys), max(xs), max(ys)


def _inside(poly: Polygon, x: float, y: float) -> bool:
    inside = False
    for ring in poly:
        for (x1, y1), (x2, y2) in itertools.pairwise(ring):
            if (y1 > y) != (y2 > y) and x < x1 + (y - y1) * (x2 - x1) / (y2 - y1):
                inside = not inside
    return inside


def load_boundaries(slug: str = "flanders", data_dir: Path | None = None) -> Boundaries:
    """The approximate boundaries shipped in a region's folder."""
    path = (data_dir or DATA_DIR) / "regions" / slug / FILE_NAME
    return boundaries_from_text(path.read_text(encoding="utf-8"))


def boundaries_from_text(text: str) -> Boundaries:
    """Read the compact form written by :func:`dump_boundaries` (or the shipped file)."""
    doc = json.loads(text)
    polygons = {
        f["properties"]["refnis"]: tuple(
            tuple(tuple((float(x), float(y)) for x, y in ring) for ring in poly)
            for poly in f["geometry"]["coordinates"]
        )
        for f in doc["features"]
    }
    return Boundaries(
        quality=str(doc.get("quality", "approximate")),
        source=str(doc.get("source") or doc.get("method") or ""),
        polygons=polygons,
    )


RING_SHORT = gettext_noop("a ring needs at least 4 positions")
POSITION_BAD = gettext_noop("a position must be [longitude, latitude]")
NOT_DEGREES = gettext_noop(
    "coordinates must be longitude/latitude in degrees (WGS 84, EPSG:4326); reproject the file "
    "(e.g. from Lambert 72)"
)
RING_OPEN = gettext_noop("a ring must be closed (last position = first)")
RING_DEGENERATE = gettext_noop("a ring has fewer than 3 distinct positions")
GEOMETRY_TYPE = gettext_noop("must be a Polygon or MultiPolygon")
GEOMETRY_EMPTY = gettext_noop("no coordinates")
POLYGON_EMPTY = gettext_noop("a polygon needs an outer ring")
NOT_GEOJSON = gettext_noop("not a GeoJSON file: %(reason)s")
NOT_COLLECTION = gettext_noop("must be a GeoJSON FeatureCollection")
NO_FEATURES = gettext_noop("must hold a list of features")
NO_PROPERTIES = gettext_noop("a feature needs properties")
NO_CODE = gettext_noop("no municipality code (one of: %(fields)s)")
CODE_UNKNOWN = gettext_noop("unknown municipality code")
CODE_TWICE = gettext_noop("municipality already given in %(first)s")
MISSING = gettext_noop("municipalities missing (%(n)s): %(codes)s")


def _at(
    code: str, template: str, file: str, field: str | None, value: Any = None, **params: Any
) -> Problem:
    """A coded problem of a boundary file at a place in its GeoJSON (``features[3].geometry``)."""
    return problem(code, template, file=file, field=field, value=value, **params)


def _code_field(props: Mapping[str, Any]) -> str | None:
    lower = {str(k).lower(): k for k in props}
    return next((lower[n] for n in CODE_FIELDS if n in lower), None)


def _ring(raw: Any, where: str, problems: ProblemCollector, file: str) -> Ring | None:
    if not isinstance(raw, list) or len(raw) < 4:
        problems.add(_at("ring_short", RING_SHORT, file, where, _short(raw)))
        return None
    pts: list[tuple[float, float]] = []
    for j, pos in enumerate(raw):
        ok = isinstance(pos, list) and len(pos) >= 2
        ok = ok and all(isinstance(v, int | float) and math.isfinite(v) for v in pos[:2])
        if not ok:
            problems.add(_at("position_bad", POSITION_BAD, file, f"{where}[{j}]", pos))
            return None
        x, y = float(pos[0]), float(pos[1])
        if not (-180 <= x <= 180 and -90 <= y <= 90):
            problems.add(_at("position_not_degrees", NOT_DEGREES, file, f"{where}[{j}]", pos[:2]))
            return None
        p = (round(x, DECIMALS), round(y, DECIMALS))
        if not pts or pts[-1] != p:
            pts.append(p)
    if pts[0] != pts[-1]:
        problems.add(_at("ring_open", RING_OPEN, file, where))
        return None
    if len(pts) < 4:
        problems.add(_at("ring_degenerate", RING_DEGENERATE, file, where))
        return None
    return tuple(pts)


def _short(v: Any) -> Any:
    text = json.dumps(v)
    return text if len(text) <= 60 else text[:57] + "..."


def _geometry(geom: Any, where: str, problems: ProblemCollector, file: str) -> list[Polygon]:
    if not isinstance(geom, dict) or geom.get("type") not in ("Polygon", "MultiPolygon"):
        got = geom.get("type") if isinstance(geom, dict) else geom
        problems.add(_at("geometry_type", GEOMETRY_TYPE, file, f"{where}.type", got))
        return []
    coords = geom.get("coordinates")
    polys = [coords] if geom["type"] == "Polygon" else coords
    if not isinstance(polys, list) or not polys:
        problems.add(_at("geometry_empty", GEOMETRY_EMPTY, file, f"{where}.coordinates"))
        return []
    out: list[Polygon] = []
    for k, poly in enumerate(polys):
        at = f"{where}.coordinates" + (f"[{k}]" if geom["type"] == "MultiPolygon" else "")
        if not isinstance(poly, list) or not poly:
            problems.add(_at("polygon_empty", POLYGON_EMPTY, file, at, _short(poly)))
            continue
        rings = [_ring(r, f"{at}[{i}]", problems, file) for i, r in enumerate(poly)]
        if all(r is not None for r in rings):
            out.append(tuple(r for r in rings if r is not None))
    return out


def parse_boundaries(
    data: bytes | str, *, file: str, municipalities: Iterable[str], source: str = ""
) -> Boundaries:
    """Read an official boundary file (GeoJSON FeatureCollection, one feature per municipality,
    keyed by its REFNIS code). Raises InputError naming every bad feature and field."""
    problems = ProblemCollector(file=file)
    expected = set(municipalities)
    try:
        text = data.decode("utf-8-sig") if isinstance(data, bytes) else data
        doc = json.loads(text)
    except (UnicodeDecodeError, json.JSONDecodeError) as e:
        raise InputError(
            [_at("geojson_unreadable", NOT_GEOJSON, file, None, reason=str(e))]
        ) from None
    if not isinstance(doc, dict) or doc.get("type") != "FeatureCollection":
        got = doc.get("type") if isinstance(doc, dict) else type(doc).__name__
        raise InputError([_at("geojson_not_collection", NOT_COLLECTION, file, "type", got)])
    feats = doc.get("features")
    if not isinstance(feats, list):
        raise InputError([_at("geojson_no_features", NO_FEATURES, file, "features")])
    found: dict[str, tuple[Polygon, ...]] = {}
    first_at: dict[str, int] = {}
    for i, f in enumerate(feats):
        where = f"features[{i}]"
        props = f.get("properties") if isinstance(f, dict) else None
        if not isinstance(props, dict):
            problems.add(_at("feature_no_properties", NO_PROPERTIES, file, f"{where}.properties"))
            continue
        key = _code_field(props)
        if key is None:
            problems.add(
                _at(
                    "feature_no_code",
                    NO_CODE,
                    file,
                    f"{where}.properties",
                    sorted(props)[:8],
                    fields=", ".join(CODE_FIELDS),
                )
            )
            continue
        code = str(props[key]).strip()
        if code not in expected:
            problems.add(
                _at(
                    "municipality_unknown",
                    CODE_UNKNOWN,
                    file,
                    f"{where}.properties.{key}",
                    props[key],
                )
            )
            continue
        if code in first_at:
            problems.add(
                _at(
                    "municipality_twice",
                    CODE_TWICE,
                    file,
                    f"{where}.properties.{key}",
                    code,
                    first=f"features[{first_at[code]}]",
                )
            )
            continue
        first_at[code] = i
        polys = _geometry(f.get("geometry"), f"{where}.geometry", problems, file)
        if polys:
            found[code] = tuple(polys)
    missing = sorted(expected - set(first_at))
    if missing:
        problems.add(
            _at(
                "municipalities_missing",
                MISSING,
                file,
                "features",
                n=len(missing),
                codes=listing(missing),
            )
        )
    problems.raise_if_any()
    return Boundaries("official", source or file, found)


def dump_boundaries(b: Boundaries, properties: Mapping[str, Mapping[str, str]]) -> str:
    """The compact storage form (the shipped file's shape) of boundaries, with per-municipality
    properties (name, arrondissement, province)."""
    head = {"type": "FeatureCollection", "quality": b.quality, "source": b.source}
    lines = [
        json.dumps(
            {
                "type": "Feature",
                "properties": {"refnis": code, **properties.get(code, {})},
                "geometry": {
                    "type": "MultiPolygon",
                    "coordinates": [[[list(p) for p in ring] for ring in poly] for poly in polys],
                },
            },
            separators=(",", ":"),
            ensure_ascii=False,
        )
        for code, polys in sorted(b.polygons.items())
    ]
    opening = json.dumps(head, separators=(",", ":"), ensure_ascii=False)[:-1]
    return opening + ',"features":[\n' + ",\n".join(lines) + "\n]}\n"


Segment = tuple[tuple[float, float], tuple[float, float]]


def outline_segments(
    rings_of: Mapping[str, Iterable[Iterable[tuple[float, float]]]], group_of: Mapping[str, str]
) -> dict[str, list[Segment]]:
    """Per group (arrondissement, province), the edges of its members that no other member
    shares: the group's outline, without any polygon union. Edges match exactly when the
    members' rings share vertices, as the shipped cells and official coverages do (coordinates
    rounded to a common grid first)."""
    owners: dict[Segment, set[str]] = defaultdict(set)
    for code, rings in rings_of.items():
        for ring in rings:
            pts = list(ring)
            for a, b in itertools.pairwise(pts):
                if a != b:
                    owners[(a, b) if a < b else (b, a)].add(code)
    out: dict[str, list[Segment]] = defaultdict(list)
    for seg, codes in owners.items():
        groups = {group_of[c] for c in codes if c in group_of}
        for g in groups:
            if sum(1 for c in codes if group_of.get(c) == g) == 1:
                out[g].append(seg)
    return dict(out)


def chain(segments: list[Segment]) -> list[list[tuple[float, float]]]:
    """Join segments end to end into polylines (fewer, shorter SVG path commands)."""
    nxt: dict[tuple[float, float], list[tuple[float, float]]] = defaultdict(list)
    for a, b in sorted(segments):
        nxt[a].append(b)
        nxt[b].append(a)
    used: set[Segment] = set()
    lines: list[list[tuple[float, float]]] = []
    for a, b in sorted(segments):
        if (a, b) in used:
            continue
        used.add((a, b))
        line = [a, b]
        while True:
            end = line[-1]
            cand = [p for p in nxt[end] if ((end, p) if end < p else (p, end)) not in used]
            if not cand:
                break
            p = cand[0]
            used.add((end, p) if end < p else (p, end))
            line.append(p)
        lines.append(line)
    return lines
