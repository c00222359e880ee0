"""Knowledge-base pages read as text: labelled facts, linked citations, the source page."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.test import Client

from circulair.core.knowledge import load_knowledge
from circulair.core.knowledge.texts import read_source_texts

pytestmark = pytest.mark.django_db


def _facts(body: str) -> list[tuple[str, str]]:
    pairs = re.findall(r'<dt data-fact="[a-z0-9_]+">(.*?)</dt><dd>(.*?)</dd>', body)
    return [(a, re.sub(r"<[^>]+>", "", b)) for a, b in pairs]


def test_agenda_facts_have_dutch_labels_and_ja(client: Client) -> None:
    body = client.get("/kb/work_agenda/maakindustrie/").content.decode()
    assert _facts(body) == [
        ("Nummer in de ruimtelijke studie (003)", "4"),
        ("Nummer in het jaarverslag 2023 (002)", "5"),
        ("Ruimtelijk uitgewerkt", "ja"),
    ]
    assert "spatially_elaborated" not in body.replace('data-fact="spatially_elaborated"', "")
    assert 'href="/kb/sources/003/?lines=943-963"' in body


def test_agenda_facts_in_english(client: Client) -> None:
    body = client.get("/kb/work_agenda/maakindustrie/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert ("Spatially elaborated", "yes") in _facts(body)


def test_a_code_naming_a_record_is_its_linked_name(client: Client) -> None:
    body = client.get("/kb/r_strategy/r3-reuse/").content.decode()
    assert '<dt data-fact="loop">Kringloop</dt><dd><a href="/kb/loop/' in body


def test_source_page_without_installed_text(client: Client) -> None:
    body = client.get("/kb/sources/003/?lines=943-963").content.decode()
    assert "Deel 1, 1.2 Werkagenda&#x27;s, sectoren, hefbomen en aansturing" in body
    assert 'data-text="not-installed"' in body and "circulair data sources DIR" in body
    assert client.get("/kb/sources/999/").status_code == 404


def test_source_page_shows_the_cited_lines(client: Client, seeds_dir: Path) -> None:
    from circulair.web.apps.knowledge.services import source_texts_install

    texts = read_source_texts(seeds_dir, load_knowledge().sources)
    first = source_texts_install(texts=texts)
    again = source_texts_install(texts=texts)
    assert (first.created, again.created, again.unchanged) == (5, 0, 5)
    body = client.get("/kb/sources/003/?lines=943-963").content.decode()
    cited = re.findall(
        r'class="line cited" data-line="(\d+)"><span class="no">\d+</span> <mark>(.*?)</mark>',
        body,
        re.S,
    )
    raw = (seeds_dir / "003_ff4d97b21552020c.txt").read_text(encoding="utf-8").split("\n")
    import html

    assert [int(n) for n, _t in cited] == list(range(943, 964))
    assert [html.unescape(t) for _n, t in cited] == raw[942:963]
    assert 'data-text="not-installed"' not in body


def test_api_adds_labelled_facts_and_source_pages(client: Client) -> None:
    data = client.get("/api/v1/records/work_agenda/maakindustrie/").json()
    assert data["attributes"]["spatially_elaborated"] is True
    assert data["facts"][2] == {
        "key": "spatially_elaborated",
        "label_nl": "Ruimtelijk uitgewerkt",
        "label_en": "Spatially elaborated",
        "text_nl": "ja",
        "text_en": "yes",
    }
    assert data["citations"][0]["page"] == "/kb/sources/003/?lines=943-963"
