"""The map page shows the land offline: 285 municipality outlines in 22 arrondissements and 5
provinces, a choropleth with a legend and a scale, in Dutch and English."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

from playwright.sync_api import expect

from circulair.core.geo.boundaries import dump_boundaries, load_boundaries

SHOTS = Path(os.environ.get("CIRCULAIR_SCREENSHOTS", "/tmp/circulair-screenshots"))


def _check_map(page: Any) -> None:
    expect(page.locator("#choropleth svg path.municipality")).to_have_count(285)
    expect(page.locator("#choropleth svg path.arrondissement")).to_have_count(22)
    expect(page.locator("#choropleth svg path.province")).to_have_count(5)
    expect(page.locator("#choropleth svg.legend rect.legend-class")).to_have_count(5)
    expect(page.locator("#choropleth .scale-bar text")).to_have_text("50 km")
    bar = page.locator("#choropleth .scale-bar line").first.bounding_box()
    assert bar is not None and bar["width"] > 100  # 50 km drawn to scale, in either language
    box = page.locator("#choropleth svg.choropleth-map").bounding_box()
    assert box is not None and box["width"] > 2 * box["height"] > 300  # Flanders is wide


def test_map_outlines_choropleth_and_legend_in_dutch_and_english(
    page: Any, live_url: str, run_cli: Any, tmp_path: Path
) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.set_viewport_size({"width": 1200, "height": 1000})
    page.goto(live_url + "/map/")
    _check_map(page)
    expect(page.locator("#choropleth .legend-title")).to_have_text("Bevolking (inwoners)")
    expect(page.locator("#choropleth figcaption")).to_contain_text("Benaderende gemeentegrenzen")
    antwerp = page.locator('#choropleth path.municipality[data-refnis="11002"] title')
    expect(antwerp).to_have_text("Antwerpen: 539.581 inwoners")
    page.locator("#choropleth").screenshot(path=str(SHOTS / "map-nl-population.png"))

    page.select_option("#choropleth select[name=layer]", "density")  # submits itself
    expect(page.locator("#choropleth")).to_have_attribute("data-layer", "density")
    expect(page.locator("#choropleth .legend-title")).to_have_text(
        "Bevolkingsdichtheid (inwoners per km²)"
    )
    _check_map(page)
    page.locator("#choropleth").screenshot(path=str(SHOTS / "map-nl-density.png"))

    page.goto(live_url + "/")
    page.click('button[data-lang="en"]')
    page.goto(live_url + "/map/")
    _check_map(page)
    expect(page.locator("#choropleth .legend-title")).to_have_text("Population (inhabitants)")
    expect(page.locator("#choropleth figcaption")).to_contain_text(
        "Approximate municipality boundaries"
    )
    page.locator("#choropleth").screenshot(path=str(SHOTS / "map-en-population.png"))

    # official boundaries imported through the CLI replace the approximate ones
    doc = json.loads(dump_boundaries(load_boundaries("flanders"), {}))
    for f in doc["features"]:
        f["properties"] = {"NISCODE": f["properties"]["refnis"]}
    official = tmp_path / "vrbg.geojson"
    official.write_text(json.dumps(doc), encoding="utf-8")
    done = run_cli("geo", "boundaries", str(official), "--source", "VRBG test")
    assert done.returncode == 0, done.stdout + done.stderr
    try:
        page.goto(live_url + "/map/")
        _check_map(page)
        expect(page.locator("#choropleth figcaption")).to_contain_text(
            "Official municipality boundaries (VRBG test)."
        )
    finally:
        run_cli("geo", "boundaries", "--reset")
