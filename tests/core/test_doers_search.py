"""The catalogue's tokenisation and ranking rule (pure Python; both engines rely on it)."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from circulair.core.doers.search import (
    Doc,
    index_text,
    parse,
    prefix_upper,
    rank,
    score,
    score_weights,
    search_text,
    term_weights,
    tokens,
)


def test_tokens_fold_accents_case_and_punctuation() -> None:
    assert tokens("Hérgebruik, CO₂-neutraal & Œuvre; Straße 3.000 m²") == [
        "hergebruik",
        "co2",
        "neutraal",
        "oeuvre",
        "strasse",
        "3",
        "000",
        "m2",
    ]


def test_parse_keeps_order_drops_duplicates_and_builds_engine_queries() -> None:
    q = parse("Hout  hergebruik hout HERGEBR")
    assert q.terms == ("hout", "hergebruik", "hergebr")
    assert q.fts5() == '"hout" AND "hergebruik" AND "hergebr"*'
    assert q.tsquery() == "hout & hergebruik & hergebr:*"
    assert parse("  ,;! ").empty


def test_score_by_hand() -> None:
    q = parse("zorbex hergebr")
    a = Doc("a", title="Zorbex hergebruik centrum", summary="Hergebruik van zorbex.")
    # zorbex: 3·1 + 2·1 = 5; hergebr*: 3 + 2 = 5; each 5·2.2/6.2
    assert score(q, a) == pytest.approx(2 * 5 * 2.2 / 6.2)
    d = Doc("d", title="Iets anders", body="zorbex hergebruik")
    assert score(q, d) == pytest.approx(2.0)
    # the non-final term is a whole word: "zorbexen" is not "zorbex"
    assert score(q, Doc("x", title="zorbexen hergebruik")) == 0.0
    assert [s for s, _ in rank(q, [d, a, Doc("c", title="zorbex anders", body="hergebruik")])] == [
        "a",
        "c",
        "d",
    ]


@given(st.text(max_size=80))
def test_search_text_is_a_fixed_point(text: str) -> None:
    once = search_text(text)
    assert search_text(once) == once
    assert once.split() == tokens(text)
    assert all(t.isascii() and t.isalnum() and t == t.lower() for t in once.split())


_words = st.sampled_from(
    [
        "zorbex",
        "Hérgebruik",
        "hergebruikte",
        "hout",
        "HOUT",
        "zorbexen",
        "co2",
        "a",
        "ß",
        "café",
        "—",
        "3.000",
    ]
)
_field = st.lists(_words, max_size=12).map(" ".join)


def test_term_weights_by_hand() -> None:
    text = index_text("Hout hout", "Zorbex", "hout en zorbex", "zorbex")
    # hout: 3·2 (title) + 2·1 (summary); zorbex: 2 (organisation) + 2 (summary) + 1 (body)
    assert term_weights(text) == {"hout": 8, "zorbex": 5, "en": 2}
    assert score_weights(parse("zorb"), term_weights(text)) == 5 * 2.2 / 6.2


@given(
    title=_field,
    org=_field,
    summary=_field,
    body=_field,
    q=st.lists(_words, min_size=1, max_size=3).map(" ".join),
)
def test_term_weight_score_equals_the_reference_score(
    title: str, org: str, summary: str, body: str, q: str
) -> None:
    query = parse(q)
    doc = Doc("s", title=title, summary=summary, organisation=org, body=body)
    assert score_weights(query, term_weights(index_text(title, org, summary, body))) == score(
        query, doc
    )


def test_prefix_upper_by_hand() -> None:
    assert prefix_upper("hout") == "houu"
    assert prefix_upper("abz") == "ac"
    assert prefix_upper("a9") == "aa"
    assert prefix_upper("zz") is None


_token = st.text(alphabet="0123456789abcdefghijklmnopqrstuvwxyz", min_size=1, max_size=6)


@given(prefix=_token, tok=_token)
def test_prefix_range_holds_exactly_the_tokens_with_the_prefix(prefix: str, tok: str) -> None:
    upper = prefix_upper(prefix)
    inside = prefix <= tok and (upper is None or tok < upper)
    assert inside == tok.startswith(prefix)
