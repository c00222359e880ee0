"""Server-rendered pages: home, knowledge base, R-ladder, map, about the data, language."""

from __future__ import annotations

import pytest
from django.test import Client

pytestmark = pytest.mark.django_db


def test_home_shows_agendas_levers_and_targets_with_deadlines(client: Client) -> None:
    body = client.get("/").content.decode()
    for name in ("Maakindustrie", "Circulair bouwen", "Waterkringlopen"):
        assert name in body
    assert 'data-target="rmc-2030"' in body and "2030" in body and "2050" in body
    assert body.count('data-agenda="') == 6


def test_agenda_page_lists_its_work_paths_and_strategies(client: Client) -> None:
    body = client.get("/kb/work_agenda/maakindustrie/").content.decode()
    assert body.count('data-kind="work_path"') == 13
    assert 'data-incoming="spatial_strategy"' in body
    assert "Sources" in body or "Bronnen" in body
    assert "[000]" in body or "[003]" in body


def test_work_path_page_shows_citation(client: Client) -> None:
    body = client.get("/kb/work_path/maakindustrie-a/").content.decode()
    assert "lines" in body or "regels" in body
    assert "[000]" in body


def test_unknown_record_is_404(client: Client) -> None:
    assert client.get("/kb/work_agenda/nope/").status_code == 404
    assert client.get("/kb/nokind/").status_code == 404


def test_list_search_with_htmx_returns_rows_only(client: Client) -> None:
    resp = client.get("/kb/work_path/", {"q": "textiel"}, HTTP_HX_REQUEST="true")
    body = resp.content.decode()
    assert "<html" not in body and "<tr>" in body


def test_r_ladder_page_orders_rungs(client: Client) -> None:
    body = client.get("/kb/r-ladder/").content.decode()
    positions = [body.index(f'<span class="code">R{i}</span>') for i in range(10)]
    assert positions == sorted(positions)


def test_map_and_about_pages(client: Client) -> None:
    assert 'id="map"' in client.get("/map/").content.decode()
    about = client.get("/about/data/").content.decode()
    assert "CC BY 4.0" in about and "ODbL" in about
    assert "regions/flanders/municipalities.csv" in about
    cases = client.get("/map/cases.geojson").json()
    assert any(f["properties"]["slug"] == "materialenbank-leuven" for f in cases["features"])


def test_language_switch(client: Client) -> None:
    nl = client.get("/").content.decode()
    assert 'lang="nl"' in nl
    resp = client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    assert resp.status_code == 302
    en = client.get("/").content.decode()
    assert 'lang="en"' in en and "Manufacturing" in en and "Targets and deadlines" in en


def test_admin_and_login_pages(client: Client, admin_client: Client) -> None:
    assert client.get("/admin/").status_code == 302
    assert admin_client.get("/admin/knowledge/record/").status_code == 200
    assert client.get("/accounts/login/").status_code == 200


def test_municipality_page_filters(client: Client) -> None:
    body = client.get("/geo/", {"arrondissement": "24000"}).content.decode()
    assert "<td>24062</td>" in body and "<td>11002</td>" not in body
    assert "30 gemeenten" in body
