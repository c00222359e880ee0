"""The catalogue's tokenisation, stemming, matching and ranking rule (pure Python; both engines
rely on it)."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from circulair.core.doers.concepts import R_STRATEGY_WORDS, strategy_words
from circulair.core.doers.search import (
    LAYOUT,
    Doc,
    field_tokens,
    fold,
    index_text,
    index_version,
    matches,
    parse,
    prefix_upper,
    rank,
    score,
    score_weights,
    stem,
    term_weights,
    text_version,
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


@pytest.mark.parametrize(
    ("word", "dutch", "english"),
    [
        ("hergebruik", "herbruik", "hergebruik"),
        ("hergebruikt", "herbruik", "hergebruikt"),
        ("hergebruiken", "herbruik", "hergebruiken"),
        ("hergebruikte", "herbruik", "hergebruikt"),
        ("herbruikbaar", "herbruik", "herbruikbaar"),
        # the one inflection Snowball does not join: hence the concept words (concepts.py)
        ("herbruikbare", "herbruikbar", "herbruikbar"),
        ("materialen", "material", "materialen"),
        ("zorbexen", "zorbex", "zorbexen"),
        ("reuse", "reuse", "reus"),
        ("reused", "reused", "reus"),
        ("reusing", "reus", "reus"),
        ("reusable", "reusabl", "reusabl"),
        ("materials", "material", "materi"),
        ("3000", "3000", "3000"),
    ],
)
def test_snowball_stems_by_hand(word: str, dutch: str, english: str) -> None:
    assert (stem(word, "nl"), stem(word, "en")) == (dutch, english)


def test_field_tokens_are_word_and_stem_per_word_and_tags_count_once() -> None:
    assert field_tokens("Hergebruikte materialen", "nl") == [
        "nwhergebruikte",
        "nsherbruik",
        "nwmaterialen",
        "nsmaterial",
    ]
    assert field_tokens("Reuse reused, REUSE", "en") == [
        "ewreuse",
        "esreus",
        "ewreused",
        "esreus",
        "ewreuse",
        "esreus",
    ]
    assert field_tokens("Reuse reused, REUSE", "en", "tags") == ["ewreuse", "esreus", "ewreused"]


def test_index_text_layout_and_term_weights_by_hand() -> None:
    doc = Doc(
        "a",
        title="Hout hout",
        summary="hout en zorbex",
        organisation="Zorbex",
        body="zorbex",
        title_en="Wood",
        tags_nl="Reuse hergebruik",
        tags_en="Reuse reuse",
    )
    text = index_text(doc, "ixtest")
    assert text.split("\n") == [
        "ixtest",
        "nwhout nshout nwhout nshout",  # nl title
        "nwzorbex nszorbex",  # nl organisation
        "nwhout nshout nwen nsen nwzorbex nszorbex",  # nl summary
        "nwzorbex nszorbex",  # nl body
        "nwreuse nsreuse nwhergebruik nsherbruik",  # nl tags
        "ewwood eswood",  # en title
        "ewzorbex eszorbex",  # en organisation (the same name in both versions)
        "",  # en summary
        "",  # en body (there is none)
        "ewreuse esreus",  # en tags, each token once
    ]
    assert len(text.split("\n")) == 1 + len(LAYOUT)
    # hout: 3·2 (title) + 2·1 (summary); zorbex: 2 (organisation) + 2 (summary) + 1 (body)
    assert term_weights(text) == {
        "nwhout": 8,
        "nshout": 8,
        "nwzorbex": 5,
        "nszorbex": 5,
        "nwen": 2,
        "nsen": 2,
        "nwreuse": 1,
        "nsreuse": 1,
        "nwhergebruik": 1,
        "nsherbruik": 1,
        "ewwood": 3,
        "eswood": 3,
        "ewzorbex": 2,
        "eszorbex": 2,
        "ewreuse": 1,
        "esreus": 1,
    }


def test_index_version_and_stale_texts() -> None:
    v = index_version()
    assert v.startswith("ix") and len(v) == 14 and v == index_version("")
    assert index_version("r3-reuse renamed") != v
    assert text_version(index_text(Doc("a", "Hout"), v)) == v
    # a text of the index before stemming (four lines of plain words) is stale and has no rows
    old = "hout\natelier\nhergebruik van hout\n"
    assert text_version(old) == "" and term_weights(old) == {}
    assert term_weights("") == {}


def test_parse_keeps_order_drops_duplicates_and_builds_engine_queries() -> None:
    q = parse("Hout  hergebruik hout HERGEBR")
    assert q.terms == ("hout", "hergebruik", "hergebr")
    assert q.stems(1) == ("nsherbruik", "eshergebruik") and q.prefixes(1) == ()
    assert q.prefixes(2) == ("nwhergebr", "ewhergebr")
    assert q.fts5() == (
        '("nshout" OR "eshout") AND ("nsherbruik" OR "eshergebruik") AND '
        '("nshergebr" OR "eshergebr" OR "nwhergebr"* OR "ewhergebr"*)'
    )
    assert q.tsquery() == (
        "(nshout | eshout) & (nsherbruik | eshergebruik) & "
        "(nshergebr | eshergebr | nwhergebr:* | ewhergebr:*)"
    )
    assert parse("  ,;! ").empty


def test_score_by_hand() -> None:
    q = parse("zorbex hergebr")
    a = Doc("a", title="Zorbex hergebruik centrum", summary="Hergebruik van zorbex.")
    # zorbex: 3·1 + 2·1 = 5; hergebr*: 3 + 2 = 5; each 5·2.2/6.2
    assert score(q, a) == pytest.approx(2 * 5 * 2.2 / 6.2)
    d = Doc("d", title="Iets anders", body="zorbex hergebruik")
    assert score(q, d) == pytest.approx(2.0)
    # a non-final word matches by its stem: the plural "zorbexen" is "zorbex"
    assert score(q, Doc("p", title="zorbexen hergebruik")) == pytest.approx(2 * 3 * 2.2 / 4.2)
    # ... but another word does not
    assert score(q, Doc("x", title="zorbexia hergebruik")) == 0.0
    assert [s for s, _ in rank(q, [d, a, Doc("c", title="zorbex anders", body="hergebruik")])] == [
        "a",
        "c",
        "d",
    ]


def test_the_last_word_takes_the_larger_of_its_stem_and_prefix_frequency() -> None:
    doc = Doc("x", title="hergebruikte", summary="herbruikbaar")
    # stem herbruik: title 3 + summary 2 = 5; prefix "hergebruikt": title 3 only → 5, not 8
    assert score(parse("hergebruikt"), doc) == 5 * 2.2 / 6.2
    # a type-ahead prefix matches by the word as written: only the title
    assert score(parse("hergebr"), doc) == 3 * 2.2 / 4.2


def test_a_case_scores_by_its_better_language_version_not_both() -> None:
    both = Doc("b", title="Zorbex", title_en="Zorbex")
    assert score(parse("zorbex"), both) == score(parse("zorbex"), Doc("n", title="Zorbex"))
    assert score(parse("zorbex"), both) == 3 * 2.2 / 4.2
    # a query word is looked for by its Dutch stem in Dutch and its English stem in English
    english = Doc("e", title="Atelier", title_en="Reusing boards")
    assert [matches(parse(q), english) for q in ("reuse", "reused", "hergebruik")] == [
        True,
        True,
        False,
    ]


def test_reuse_concept_words_join_the_dutch_and_english_variants() -> None:
    nl, en = strategy_words(
        "r3-reuse", "Reuse (redistributie, delen)", "Reuse (redistribute, share)"
    )
    assert nl == "Reuse (redistributie, delen) hergebruik herbruikbare"
    assert en == "Reuse (redistribute, share) reuse re-use reusable"
    tagged = Doc("t", title="Kringwinkel", tags_nl=nl, tags_en=en)
    queries = (
        "hergebruik",
        "hergebruikt",
        "hergebruiken",
        "herbruikbaar",
        "herbruikbare",
        "reuse",
        "re-use",
        "reusable",
        "delen",
    )
    assert all(matches(parse(q), tagged) for q in queries)
    assert not matches(parse("recyclage"), tagged)
    # a tag weighs 1 (a low-weight field), and each of its tokens counts once
    assert score(parse("hergebruik"), tagged) == 1 * 2.2 / 2.2
    # a strategy without a word list is indexed with its names; an empty English name → Dutch
    assert strategy_words("x-new", "Nieuw", "") == ("Nieuw", "Nieuw")
    assert set(R_STRATEGY_WORDS) >= {"r3-reuse", "r4-repair", "r8-recycle"}


@pytest.mark.parametrize("slug", sorted(R_STRATEGY_WORDS))
def test_concept_lists_hold_one_word_per_stem(slug: str) -> None:
    """A second inflection with the same stem adds nothing but a larger type-ahead sum."""
    for lang, words in zip(("nl", "en"), R_STRATEGY_WORDS[slug], strict=True):
        stems = [stem(t, lang) for w in words for t in tokens(w)]
        assert len(stems) == len(set(stems)), (slug, lang, stems)


@given(st.text(max_size=80))
def test_fold_of_ascii_text_is_its_lower_case(text: str) -> None:
    """The ASCII fast path of ``fold`` is the general rule's result."""
    ascii_text = text.encode("ascii", "replace").decode()
    assert fold(ascii_text) == ascii_text.lower() == fold(ascii_text + "é")[: len(ascii_text)]


@given(st.text(max_size=80))
def test_tokens_are_a_fixed_point(text: str) -> None:
    once = tokens(text)
    assert tokens(" ".join(once)) == once
    assert all(t.isascii() and t.isalnum() and t == t.lower() for t in once)


_alnum = st.text(alphabet="0123456789abcdefghijklmnopqrstuvwxyz", min_size=1, max_size=14)


@given(word=_alnum)
def test_stems_stay_in_the_token_alphabet(word: str) -> None:
    for lang in ("nl", "en"):
        s = stem(word, lang)
        assert s and tokens(s) == [s]


_words = st.sampled_from(
    [
        "zorbex",
        "zorbexen",
        "Hérgebruik",
        "hergebruikte",
        "herbruikbare",
        "hout",
        "HOUT",
        "houten",
        "reuse",
        "Reused",
        "reusing",
        "materials",
        "co2",
        "a",
        "ß",
        "café",
        "—",
        "3.000",
    ]
)
_field = st.lists(_words, max_size=10).map(" ".join)
_docs = st.builds(
    Doc,
    slug=st.just("s"),
    title=_field,
    summary=_field,
    organisation=_field,
    body=_field,
    title_en=_field,
    summary_en=_field,
    tags_nl=_field,
    tags_en=_field,
)


@given(doc=_docs, q=st.lists(_words, min_size=1, max_size=3).map(" ".join))
def test_term_weight_score_equals_the_reference_score(doc: Doc, q: str) -> None:
    query = parse(q)
    assert score_weights(query, term_weights(index_text(doc))) == score(query, doc)


@given(doc=_docs, data=st.data())
def test_a_document_matches_a_query_of_its_own_words(doc: Doc, data: st.DataObject) -> None:
    """Stemming the index and the query is consistent: any of a case's words, in any order,
    in any field of either language, find it — and so does the last one cut short."""
    own = [w for lang, f in LAYOUT for w in doc.field(lang, f).split() if tokens(w)]
    if not own:
        return
    picked = data.draw(st.lists(st.sampled_from(own), min_size=1, max_size=4))
    weights = term_weights(index_text(doc))
    query = parse(" ".join(picked))
    assert matches(query, doc) and score_weights(query, weights) > 0
    last = tokens(picked[-1])[-1]
    cut = last[: data.draw(st.integers(min_value=1, max_value=len(last)))]
    typed = parse(" ".join([*picked[:-1], cut]))
    assert matches(typed, doc) and score_weights(typed, weights) > 0


def test_prefix_upper_by_hand() -> None:
    assert prefix_upper("hout") == "houu"
    assert prefix_upper("abz") == "ac"
    assert prefix_upper("a9") == "aa"
    assert prefix_upper("zz") is None
    assert prefix_upper("nwzz") == "nx"


_token = st.text(alphabet="0123456789abcdefghijklmnopqrstuvwxyz", min_size=1, max_size=6)


@given(prefix=_token, tok=_token)
def test_prefix_range_holds_exactly_the_tokens_with_the_prefix(prefix: str, tok: str) -> None:
    upper = prefix_upper(prefix)
    inside = prefix <= tok and (upper is None or tok < upper)
    assert inside == tok.startswith(prefix)
