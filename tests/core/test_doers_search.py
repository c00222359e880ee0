"""The catalogue's tokenisation and ranking rule (pure Python; both engines rely on it)."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from circulair.core.doers.search import (
    Doc,
    index_text,
    parse,
    rank,
    score,
    score_indexed,
    scores_batch,
    search_text,
    tokens,
)


def test_tokens_fold_accents_case_and_punctuation() -> None:
    assert tokens("Hérgebruik, CO₂-neutraal & Œuvre; Straße 3.000 m²") == [
        "hergebruik", "co2", "neutraal", "oeuvre", "strasse", "3", "000", "m2"]


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
    assert [s for s, _ in rank(q, [d, a, Doc("c", title="zorbex anders", body="hergebruik")])
            ] == ["a", "c", "d"]


@given(st.text(max_size=80))
def test_search_text_is_a_fixed_point(text: str) -> None:
    once = search_text(text)
    assert search_text(once) == once
    assert once.split() == tokens(text)
    assert all(t.isascii() and t.isalnum() and t == t.lower() for t in once.split())


_words = st.sampled_from(["zorbex", "Hérgebruik", "hergebruikte", "hout", "HOUT", "zorbexen",
                          "co2", "a", "ß", "café", "—", "3.000"])
_field = st.lists(_words, max_size=12).map(" ".join)


@given(title=_field, org=_field, summary=_field, body=_field,
       q=st.lists(_words, min_size=1, max_size=3).map(" ".join))
def test_indexed_score_equals_the_reference_score(title: str, org: str, summary: str,
                                                  body: str, q: str) -> None:
    query = parse(q)
    doc = Doc("s", title=title, summary=summary, organisation=org, body=body)
    assert score_indexed(query, index_text(title, org, summary, body)) == score(query, doc)


@given(docs=st.lists(st.tuples(_field, _field, _field, _field), max_size=8),
       q=st.lists(_words, min_size=1, max_size=3).map(" ".join))
def test_batch_scores_equal_the_scalar_rule(docs: list[tuple[str, str, str, str]],
                                            q: str) -> None:
    query = parse(q)
    texts = [index_text(*d) for d in docs]
    assert scores_batch(query, texts).tolist() == [score_indexed(query, t) for t in texts]
