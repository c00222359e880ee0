"""The municipality list (/geo/): the whole region on the first visit, filters narrow it."""

from __future__ import annotations

import re

import pytest
from django.test import Client

pytestmark = pytest.mark.django_db


def _rows(body: str) -> list[str]:
    """The REFNIS codes of the listed municipalities, in order."""
    return re.findall(r"<tr><td>(\d{5})</td>", body)


@pytest.mark.parametrize(
    ("lang", "summary"), [("en", "285 municipalities"), ("nl", "285 gemeenten")]
)
def test_first_visit_lists_all_285_municipalities(client: Client, lang: str, summary: str) -> None:
    resp = client.get("/geo/", HTTP_ACCEPT_LANGUAGE=lang)
    body = resp.content.decode()
    assert resp.status_code == 200
    assert f'<tr class="summary"><td colspan="6">{summary}</td></tr>' in body
    rows = _rows(body)
    assert len(rows) == 285 and len(set(rows)) == 285
    assert rows[:2] == ["11001", "11002"] and rows == sorted(rows)


def test_filters_narrow_the_list(client: Client) -> None:
    en = {"HTTP_ACCEPT_LANGUAGE": "en"}
    antwerp = client.get("/geo/", {"province": "10000"}, **en).content.decode()
    assert ">67 municipalities<" in antwerp and len(_rows(antwerp)) == 67
    rows = client.get("/geo/", {"arrondissement": "23000"}, HTTP_HX_REQUEST="true", **en)
    assert (
        ">33 municipalities<" in rows.content.decode() and len(_rows(rows.content.decode())) == 33
    )
    empty = client.get("/geo/", {"province": "", "q": ""}, **en).content.decode()
    assert len(_rows(empty)) == 285
    one = client.get("/geo/", {"q": "Aartselaar"}, **en).content.decode()
    assert _rows(one) == ["11001"] and ">1 municipality<" in one
