"""Doers search over the seeded catalogue with stemming and the R-strategies' words: the exact
cases found for re-use in Dutch and English, ranked exactly as the pure-Python rule; the
index's version, and its rebuild when the rules change (at start and after ``migrate``)."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import AnonymousUser, User
from django.core.management import call_command
from django.db.models import F
from django.test import Client
from django.utils import translation

from circulair.core.doers.concepts import R_STRATEGY_WORDS
from circulair.core.doers.search import parse, rank
from circulair.web.apps.doers import selectors, services
from circulair.web.apps.doers.models import Case, CaseTerm
from circulair.web.apps.knowledge.models import Record

pytestmark = pytest.mark.django_db

#: The seeded cases tagged R3 re-use (data/knowledge/cases.yaml).
R3 = [
    "autohandel-didier",
    "circular-retrofit-lab",
    "de-jonghe-recuparts",
    "kringwinkel-antwerpen",
    "kringwinkel-kust",
    "materialenbank-leuven",
]


def _found(q: str, lang: str = "nl") -> list[str]:
    with translation.override(lang):
        return [
            c.slug for c in selectors.case_results(AnonymousUser(), {"q": q}, page_size=100).cases
        ]


def test_reuse_words_find_the_reuse_cases_in_dutch_and_english() -> None:
    """Before stemming: "hergebruik" found circular-retrofit-lab and kringwinkel-antwerpen only
    (the two whose Dutch text says it); "hergebruikt", "herbruikbare" and "reuse" found none."""
    tagged = Case.objects.filter(r_strategies__slug="r3-reuse").values_list("slug", flat=True)
    assert sorted(tagged) == R3
    # the two that say "hergebruik" first (title or summary), then the tagged ones by slug
    by_text = ["circular-retrofit-lab", "kringwinkel-antwerpen"]
    tag_only = [s for s in R3 if s not in by_text]
    assert _found("hergebruik") == by_text + tag_only
    assert _found("hergebruikt") == by_text + tag_only  # the same Dutch stem, herbruik
    assert _found("herbruikbare") == R3  # by the tag only: all tie, by slug
    # English: the four whose English text says "reuse", among them wintercircus-gent
    # ("Adaptive-reuse (repurposing) project.", tagged R7 repurpose), then the tagged ones
    assert _found("reuse", "en") == [
        "kringwinkel-antwerpen",
        "kringwinkel-kust",
        "circular-retrofit-lab",
        "wintercircus-gent",
        "autohandel-didier",
        "de-jonghe-recuparts",
        "materialenbank-leuven",
    ]
    # the request language plays no part
    for q in ("reuse", "hergebruik", "herbruikbare"):
        assert _found(q, "nl") == _found(q, "en"), q
    # type-ahead: an unfinished word finds what the whole one finds here
    assert _found("hergebr") == _found("hergebruik")


QUERIES = (
    "hergebruik",
    "hergebruikt",
    "herbruikbare",
    "reuse",
    "reused",
    "hergebr",
    "re",
    "h",
    "kringwinkel reuse",
    "recyclage",
    "recycling",
    "materialenbank leuven",
    "hout",
    "circulaire",
    "antwerpen",
    "repair",
    "ghent",
)


def test_seeded_ranking_is_identical_to_the_python_reference() -> None:
    docs = [services.case_doc(c) for c in Case.objects.filter(status="published")]
    assert len(docs) == 47
    for q in QUERIES:
        res = selectors.case_results(AnonymousUser(), {"q": q}, page_size=100)
        got = [(c.slug, res.scores[c.pk]) for c in res.cases]
        assert got == rank(parse(q), docs), q  # the same order and the same doubles
        assert got, q


def test_every_shipped_r_strategy_has_concept_words() -> None:
    shipped = set(Record.objects.filter(kind="r_strategy").values_list("slug", flat=True))
    assert shipped == set(R_STRATEGY_WORDS)


def test_a_case_is_reindexed_with_the_strategies_it_is_given() -> None:
    case = services.case_create(
        user=None,
        data={"title": "Kwantumwerkplaats", "summary": "Een atelier", "r_strategies": ["r3-reuse"]},
    )
    services.case_publish(user=None, case=case)
    assert "kwantumwerkplaats" in _found("herbruikbare")
    services.case_update(user=None, case=case, data={"r_strategies": ["r4-repair"]})
    assert "kwantumwerkplaats" not in _found("herbruikbare")
    assert _found("kwantumwerkplaats reparatie") == ["kwantumwerkplaats"]


def test_a_seeded_case_edited_by_a_user_keeps_only_its_dutch_text() -> None:
    # its English name is Wintercircus Ghent (labeur-atelier: "the source writes 'Ghent'")
    assert _found("ghent", "en") == ["wintercircus-gent", "labeur-atelier"]
    case = Case.objects.get(slug="wintercircus-gent")
    services.case_update(user=None, case=case, data={"summary": "Herbestemd circusgebouw."})
    # the shipped translation may no longer say the same: it is no longer indexed
    assert _found("ghent", "en") == ["labeur-atelier"]
    assert _found("gent", "en") == ["wintercircus-gent"]
    assert _found("herbestemming") == ["wintercircus-gent"]  # still tagged R7 repurpose


def test_the_index_is_versioned_and_rebuilt_when_its_rules_change() -> None:
    marker = services.index_marker()
    texts = Case.objects.values_list("search_text", flat=True)
    assert texts and all(t.startswith(marker + "\n") for t in texts)
    assert services.search_index_ensure() is False
    # an index written by the rules before stemming: plain words, no version line
    Case.objects.update(search_text=F("title"))
    CaseTerm.objects.all().delete()
    assert _found("hergebruik") == []
    assert services.search_index_ensure() is True
    assert sorted(_found("hergebruik")) == R3
    assert services.search_index_ensure() is False
    # a renamed strategy is part of the version: every case is reindexed with the new name
    Record.objects.filter(kind="r_strategy", slug="r3-reuse").update(
        name_en="Reuse (redistribute, share, swap)"
    )
    assert services.index_marker() != marker
    assert _found("swap", "en") == []
    assert services.search_index_ensure() is True
    assert _found("swap", "en") == R3


def test_migrate_rebuilds_a_stale_index() -> None:
    Case.objects.filter(r_strategies__slug="r3-reuse").update(search_text="ixold\nnwx nsx")
    assert _found("hergebruik") == []
    call_command("migrate", verbosity=0)  # nothing to apply; post_migrate reindexes
    assert sorted(_found("hergebruik")) == R3
    assert services.search_index_ensure() is False


def test_the_admin_indexes_the_strategies_its_form_sets() -> None:
    admin = User.objects.create_superuser("root", password="a-long-test-password")
    c = Client()
    c.force_login(admin)
    r3 = Record.objects.get(kind="r_strategy", slug="r3-reuse")
    form = {
        "title": "Kwantumloods",
        "slug": "kwantumloods",
        "summary": "Een loods",
        "category": "other",
        "links": "[]",
        "status": "published",
        "origin": "user",
        "r_strategies": [r3.pk],
        **{
            f"{prefix}-{k}": v
            for prefix in ("citations", "images")
            for k, v in (("TOTAL_FORMS", 0), ("INITIAL_FORMS", 0))
        },
    }
    r = c.post("/admin/doers/case/add/", form)
    assert r.status_code == 302, r.content.decode()[:3000]
    assert _found("kwantumloods herbruikbare") == ["kwantumloods"]
