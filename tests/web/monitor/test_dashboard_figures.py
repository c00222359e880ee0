"""Issue 15, "alive on first start": the sources' figures on a fresh start, as observations with
their citation and beside the targets they bear on; a target without a series names it and links
to the import template, in the user's language."""

from __future__ import annotations

import re

import pytest
from django.test import Client
from django.utils import translation

from circulair.web.apps.monitor.models import Observation

pytestmark = pytest.mark.django_db


def _card(body: str, target: str) -> str:
    """The HTML of one target card of the dashboard."""
    m = re.search(rf'<article class="card[^"]*" data-target="{target}">(.*?)</article>', body, re.S)
    assert m is not None, target
    return m.group(1)


def test_every_dated_figure_is_an_observation_with_its_citation() -> None:
    seeded = Observation.objects.filter(origin=Observation.Origin.DATA).select_related("indicator")
    assert sorted((o.indicator.slug, o.region, o.year, o.value) for o in seeded) == [
        ("circular-jobs-share", "BE", 2020, 7.5),
        ("circular-material-use-rate", "BE", 2022, 22.2),
        ("circular-material-use-rate", "EU27", 2022, 11.5),
        ("circular-material-use-rate", "FR", 2022, 19.3),
        ("circular-material-use-rate", "NL", 2022, 27.5),
        ("material-recovery-rate-household", "VLG", 2020, 65.0),
        ("recycling-rate-household", "VLG", 2020, 44.0),
        ("rmi", "VLG", 2010, 567.0),
        ("rmi", "VLG", 2018, 642.0),
    ]
    recycled = seeded.get(indicator__slug="recycling-rate-household")
    assert recycled.source == "004:94-96 (03. Waarom lokaal circulair?)"


def test_an_indicator_page_shows_its_figures_in_a_chart_and_with_citations(client: Client) -> None:
    body = client.get("/monitor/indicators/rmi/").content.decode()
    assert 'id="comparison-chart"' in body and "<svg" in body
    assert "003:836-839 (Deel 1, 1.1 Vlaamse context - bevindingen CE Monitor (1))" in body
    assert 'data-figure="rmi-vlg-2010"' in body and 'data-figure="rmi-vlg-2018"' in body
    # a figure without a year is shown with its citation, not as a point of the series
    waste = client.get("/monitor/indicators/household-waste-per-inhabitant/").content.decode()
    fig = re.search(r'<li class="figure" data-figure="household-waste-vlg-004">(.*?)</li>', waste)
    assert fig is not None
    assert "476 kg/inh</b> (jaartal niet vermeld, Vlaanderen)" in fig.group(1)
    assert 'href="/kb/indicator_figure/household-waste-vlg-004/"' in fig.group(1)
    assert ">004:88-92</a>" in fig.group(1)


def test_dashboard_in_dutch_shows_the_figures_beside_their_targets(client: Client) -> None:
    body = client.get("/monitor/").content.decode()
    assert body.count('data-target="') == 4
    waste = _card(body, "residual-household-waste-2030")
    assert re.findall(r'data-figure="([^"]+)"', waste) == [
        "household-waste-vlg-003",
        "household-waste-vlg-004",
        "recycling-rate-household-vlg-003",
        "recycled-household-vlg-2020",
        "material-recovery-household-vlg-2020",
        "waste-production-vlg",
    ]
    assert "Huishoudelijk afval per inwoner (Lokaal Circulair): <b>476 kg/inh</b>" in waste
    assert ">004:88-92</a>" in waste
    assert (
        "Nog geen reeks van “Huishoudelijk restafval per inwoner” voor Vlaanderen. "
        '<a href="/monitor/template.csv">Download het importsjabloon</a>'
    ) in waste
    rmc = _card(body, "rmc-2030")
    assert re.findall(r'data-figure="([^"]+)"', rmc) == [
        "rmi-vlg-2010",
        "rmi-vlg-2018",
        "materials-processed-vlg",
        "import-share-vlg",
    ]
    assert "RMI Vlaanderen 2010: <b>567 Mt</b> (2010, Vlaanderen)" in rmc
    footprint = _card(body, "ecological-footprint-2050")
    assert 'data-figure="ecological-footprint-change-vlg-2010-2016"' in footprint
    assert "<b>-17 %</b> (2016, Vlaanderen)" in footprint
    makers = _card(body, "circular-manufacturers-2030")
    assert "<b>7,5 %</b> (2020, België)" in makers
    # every card names its missing series; no English reason of the engine
    assert body.count('data-missing="') == 4
    assert "no observation of" not in body


def test_dashboard_in_english(client: Client) -> None:
    with translation.override("en"):
        body = client.get("/monitor/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    waste = _card(body, "residual-household-waste-2030")
    assert "Household waste per inhabitant (Lokaal Circulair): <b>476 kg/inh</b>" in waste
    assert "(year not given, Flanders)" in waste
    assert (
        "No series of “Residual household waste per inhabitant” for Flanders yet. "
        '<a href="/monitor/template.csv">Download the import template</a>'
    ) in waste


def test_a_relative_target_without_its_baseline_names_the_baseline_year(client: Client) -> None:
    from circulair.web.apps.monitor.services import observations_import

    rows = "indicator,region,year,value,unit,source,note\nrmc,VLG,2018,600,Mt,test,\n"
    observations_import(content=rows.encode(), file_name="rmc.csv")
    rmc = _card(client.get("/monitor/").content.decode(), "rmc-2030")
    assert "Geen waarde van “Raw Material Consumption" in rmc
    assert "voor Vlaanderen in het basisjaar 2010." in rmc
    assert 'href="/monitor/template.csv"' in rmc
