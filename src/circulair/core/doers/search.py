"""Full-text search of cases with one rule for every database engine.

Why this module exists: SQLite FTS5 and PostgreSQL full-text search tokenise, stem and rank
differently, yet the catalogue must return the same ranked results on both. So the engines only
do what they agree on — *which* cases contain a set of plain tokens — and everything else is
defined here, in Python: folding, stemming, matching and ranking.

Words (the first step, for the indexed text **and** the query)
    Unicode NFKD, combining marks removed (accent folding: "hergébruik" = "hergebruik"), a few
    letters without a decomposition mapped (ß→ss, æ→ae, œ→oe, ø→o, ł→l, đ→d, ı→i, þ→th), then
    lower-cased; a word is a maximal run of ``[a-z0-9]``; everything else separates words.

Stems
    Every word is stemmed with the Snowball stemmer of its text's language — Dutch or English,
    the pure-Python ``snowballstemmer`` classes (not PyStemmer, whose Snowball release may
    differ) — here, in Python, so both engines index and look up the very same stems. No stop
    words: a query of common words simply matches many cases.

Languages and fields
    A case (:class:`Doc`) has a Dutch and an English version, each with the fields title,
    organisation, summary, body and tags. The Dutch version holds the catalogue's text; the
    English one the shipped English title and summary where they exist (seeded cases), the
    organisation again, and no body. ``tags`` holds the search words of the case's
    R-strategies in that language (``concepts``: the strategy's names plus a short list, so
    that "herbruikbare" and "reuse" find the cases tagged *re-use*); its words count once.

Index tokens
    Each word of a Dutch field is indexed twice: as ``nw`` + word and ``ns`` + Dutch stem; of an
    English field as ``ew`` + word and ``es`` + English stem. The two-letter prefixes keep the
    four kinds apart (no word of one kind can be mistaken for another), and every token stays
    ``[a-z0-9]+``, which FTS5 (``unicode61``) and PostgreSQL (``to_tsvector('simple', …)``)
    split identically. The stored ``search_text`` (:func:`index_text`) is the index version
    (:func:`index_version`) on its first line, then one line of tokens per (language, field) in
    ``LAYOUT`` order; the ranking reads those lines back without tokenising again.

Matching (a query is a list of words; the request language plays no part)
    A query word matches a case when its Dutch stem occurs in the Dutch version or its English
    stem in the English version — so "hergebruikt" finds "hergebruik", "reuse" finds
    "reused", and a Dutch visitor typing the R-ladder's English name "reuse" finds what an
    English one does. The last word may also be unfinished (type-ahead): it matches too any
    word that starts with it ("hergebr" finds "hergebruik"; words, not stems, since the Dutch
    stem of "hergebruik" is ``herbruik``). Words are combined with AND. An empty query (no
    words) matches everything.

Ranking (one formula; the database evaluates it from the term table, see :func:`term_weights`)
    In one language version L the weighted frequency of query word t is
    ``f_L(t, d) = Σ_field w(field) · n(field)`` with w = title 3, summary 2, organisation 2,
    body 1, tags 1 and n the number of the field's words whose stem equals t's stem; for the
    last word, n is also computed for the words starting with t and the larger of the two
    sums is taken (one occurrence matching both ways is not counted twice). A case is scored
    by its better version per word, ``f(t, d) = max(f_nl, f_en)``: the versions translate each
    other, and adding them would favour cases that have a translation. Saturated BM25-style:
    ``score(d) = Σ_t f·(K1 + 1) / (f + K1)`` with ``K1 = 1.2``, and 0 (no match) when any f is
    0. Results are ordered by score descending, then by slug ascending (slugs are unique and
    equal on every engine, unlike ids).

Versions
    :func:`index_version` fingerprints everything above that shapes the stored text (layout,
    prefixes, weights, the stemmer's release, the folding table, Unicode's version, the
    concept words) plus what the caller adds (the web adds the R-strategies' names). A stored
    text of another version is stale: the web rebuilds it at start and after ``migrate``.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache
from importlib.metadata import version as _package_version

from snowballstemmer.dutch_stemmer import DutchStemmer
from snowballstemmer.english_stemmer import EnglishStemmer

from circulair.core.doers.concepts import R_STRATEGY_WORDS

K1 = 1.2
WEIGHTS: dict[str, int] = {"title": 3, "summary": 2, "organisation": 2, "body": 1, "tags": 1}
MAX_TERMS = 8
LANGUAGES = ("nl", "en")
FIELDS = ("title", "organisation", "summary", "body", "tags")
#: The (language, field) of each stored line after the version line.
LAYOUT = tuple((lang, f) for lang in LANGUAGES for f in FIELDS)
#: Token prefixes: a word as written, and its stem, per language.
WORD = {"nl": "nw", "en": "ew"}
STEM = {"nl": "ns", "en": "es"}
#: Bump when the stored text changes in a way the fingerprint below does not see.
FORMAT = 2
VERSION_PREFIX = "ix"

_TOKEN = re.compile(r"[a-z0-9]+")
_SPECIAL = str.maketrans(
    {
        "ß": "ss",
        "æ": "ae",
        "œ": "oe",
        "ø": "o",
        "ł": "l",
        "đ": "d",
        "ı": "i",
        "þ": "th",
        "Æ": "ae",
        "Œ": "oe",
        "Ø": "o",
        "Ł": "l",
        "Đ": "d",
        "Þ": "th",
    }
)
_STEMMERS = {"nl": DutchStemmer, "en": EnglishStemmer}


def fold(text: str) -> str:
    """Lower-case, accent-free form of ``text`` (the first step of tokenisation)."""
    if text.isascii():  # the same result, without walking every character (index rebuilds)
        return text.lower()
    decomposed = unicodedata.normalize("NFKD", text.translate(_SPECIAL))
    return "".join(c for c in decomposed if not unicodedata.combining(c)).lower()


def tokens(text: str) -> list[str]:
    """The words of ``text`` under the catalogue's rule (see the module docstring)."""
    return _TOKEN.findall(fold(text))


@lru_cache(maxsize=1 << 16)
def stem(word: str, language: str) -> str:
    """The Snowball stem of a folded word in ``language`` ("nl" or "en").

    A new stemmer object per call: the Snowball objects keep the word being stemmed as state,
    so one shared object is unsafe across threads. The result is memoised (a pure function;
    rebuilding an index meets the same words again and again). A stem outside ``[a-z0-9]+``
    (none is known) falls back to the word, so index tokens keep their alphabet.
    """
    out = str(_STEMMERS[language]().stemWord(word))
    return out if _TOKEN.fullmatch(out) else word


def field_tokens(text: str, language: str, field: str = "body") -> list[str]:
    """The index tokens of one field: per word, its ``WORD`` then its ``STEM`` token; the
    ``tags`` field keeps each token once."""
    w, s = WORD[language], STEM[language]
    out = [t for word in tokens(text or "") for t in (w + word, s + stem(word, language))]
    return list(dict.fromkeys(out)) if field == "tags" else out


@dataclass(frozen=True)
class Doc:
    """The searchable text of one case: the Dutch fields, the English title and summary (empty
    when there is no translation) and the words of its tags in each language."""

    slug: str
    title: str
    summary: str = ""
    organisation: str = ""
    body: str = ""
    title_en: str = ""
    summary_en: str = ""
    tags_nl: str = ""
    tags_en: str = ""

    def field(self, language: str, field: str) -> str:
        """The text of one field of one language version (the organisation is in both)."""
        if field == "organisation":
            return self.organisation
        if language == "nl":
            return {"title": self.title, "summary": self.summary, "body": self.body}.get(
                field, self.tags_nl
            )
        return {"title": self.title_en, "summary": self.summary_en, "body": ""}.get(
            field, self.tags_en
        )


@lru_cache(maxsize=1)
def _fingerprint() -> str:
    rules = (
        FORMAT,
        LAYOUT,
        WORD,
        STEM,
        WEIGHTS,
        _package_version("snowballstemmer"),
        unicodedata.unidata_version,
        sorted(_SPECIAL.items()),
        _TOKEN.pattern,
        sorted(R_STRATEGY_WORDS.items()),
    )
    return repr(rules)


def index_version(extra: str = "") -> str:
    """The version token of the stored index: a digest of the rules that shape it and of
    ``extra`` (what else the caller's texts depend on). It starts with ``VERSION_PREFIX``, which
    no indexed token does (theirs are ``WORD`` and ``STEM`` prefixes), so it never matches."""
    digest = hashlib.sha256(f"{_fingerprint()}\x00{extra}".encode()).hexdigest()
    return VERSION_PREFIX + digest[:12]


def text_version(text: str) -> str:
    """The version token a stored :func:`index_text` was written with ("" if none)."""
    first = text.split("\n", 1)[0]
    return first if first.startswith(VERSION_PREFIX) and _TOKEN.fullmatch(first) else ""


def index_text(doc: Doc, version: str | None = None) -> str:
    """The stored, indexed form of a case: the version line, then one line of tokens per
    (language, field) of ``LAYOUT``."""
    lines = [version or index_version()]
    lines += [" ".join(field_tokens(doc.field(lang, f), lang, f)) for lang, f in LAYOUT]
    return "\n".join(lines)


@dataclass(frozen=True)
class Query:
    """A parsed query: folded words, the last one also a prefix (type-ahead)."""

    terms: tuple[str, ...]

    @property
    def empty(self) -> bool:
        return not self.terms

    def stems(self, i: int) -> tuple[str, ...]:
        """The index tokens word ``i`` matches exactly: its Dutch and its English stem."""
        return tuple(STEM[lang] + stem(self.terms[i], lang) for lang in LANGUAGES)

    def prefixes(self, i: int) -> tuple[str, ...]:
        """The token prefixes word ``i`` matches: the words starting with it (last word only)."""
        if i != len(self.terms) - 1:
            return ()
        return tuple(WORD[lang] + self.terms[i] for lang in LANGUAGES)

    def fts5(self) -> str:
        """FTS5 MATCH expression: ``("nsa" OR "esa") AND ("nsb" OR "esb" OR "nwb"* OR "ewb"*)``
        (tokens are [a-z0-9], safe to quote)."""
        groups = []
        for i in range(len(self.terms)):
            alts = [f'"{t}"' for t in self.stems(i)] + [f'"{p}"*' for p in self.prefixes(i)]
            groups.append("(" + " OR ".join(alts) + ")")
        return " AND ".join(groups)

    def tsquery(self) -> str:
        """PostgreSQL ``to_tsquery('simple', …)`` text:
        ``(nsa | esa) & (nsb | esb | nwb:* | ewb:*)``."""
        groups = []
        for i in range(len(self.terms)):
            alts = [*self.stems(i), *(f"{p}:*" for p in self.prefixes(i))]
            groups.append("(" + " | ".join(alts) + ")")
        return " & ".join(groups)


def parse(q: str) -> Query:
    """Parse user input; duplicate words are dropped (keeping the last occurrence as prefix)."""
    raw = tokens(q or "")[:MAX_TERMS]
    seen: list[str] = []
    for i, t in enumerate(raw):
        if t in seen and i != len(raw) - 1:
            continue
        if t in seen:
            seen.remove(t)
        seen.append(t)
    return Query(tuple(seen))


def _frequency(query: Query, i: int, fields: Mapping[tuple[str, str], Sequence[str]]) -> int:
    """``f(t_i, d)`` from a document's index tokens per (language, field)."""
    best = 0
    for lang, s, p in zip(LANGUAGES, query.stems(i), query.prefixes(i) or ("",) * 2, strict=True):
        by_stem = by_prefix = 0
        for (flang, name), toks in fields.items():
            if flang != lang:
                continue
            by_stem += WEIGHTS[name] * sum(1 for t in toks if t == s)
            if p:
                by_prefix += WEIGHTS[name] * sum(1 for t in toks if t.startswith(p))
        best = max(best, by_stem, by_prefix)
    return best


def score(query: Query, doc: Doc) -> float:
    """The documented score of ``doc`` for ``query``, from its fields; 0.0 when it does not
    match."""
    fields = {(lang, f): field_tokens(doc.field(lang, f), lang, f) for lang, f in LAYOUT}
    total = 0.0
    for i in range(len(query.terms)):
        f = _frequency(query, i, fields)
        if f == 0:
            return 0.0
        total += f * (K1 + 1) / (f + K1)
    return total


def matches(query: Query, doc: Doc) -> bool:
    """The matching rule in Python (the engines' FTS must agree with it)."""
    return query.empty or score(query, doc) > 0


def rank(query: Query, docs: Iterable[Doc]) -> list[tuple[str, float]]:
    """(slug, score) of the matching docs, best first, ties by slug."""
    scored = [(d.slug, score(query, d)) for d in docs]
    hits = [(s, v) for s, v in scored if v > 0 or query.empty]
    hits.sort(key=lambda x: (-x[1], x[0]))
    return hits


def term_weights(text: str) -> dict[str, int]:
    """Weighted frequency of every token of a stored :func:`index_text` (summed over the
    fields of its language: a token belongs to one language).

    These are the rows of the database's term table: the ranking combines them in SQL (integer
    sums and maxima, then the same IEEE arithmetic on every engine), so a request reads only
    the rows of its query's tokens instead of every matching case's text. A text without a
    version line (an index older than stemming) has no rows: it is stale and gets rebuilt.
    """
    lines = text.split("\n")
    if not text_version(lines[0]):
        return {}
    out: dict[str, int] = {}
    for (_lang, name), line in zip(LAYOUT, lines[1:], strict=False):
        w = WEIGHTS[name]
        for tok in line.split():
            out[tok] = out.get(tok, 0) + w
    return out


def score_weights(query: Query, weights: dict[str, int]) -> float:
    """:func:`score` computed from :func:`term_weights` (the rule the SQL ranking implements):
    per word the largest of its stems' weights and, for the last word, of the summed weights
    of the tokens each of its prefixes starts."""
    total = 0.0
    for i in range(len(query.terms)):
        f = max(weights.get(s, 0) for s in query.stems(i))
        for p in query.prefixes(i):
            f = max(f, sum(w for tok, w in weights.items() if tok.startswith(p)))
        if f == 0:
            return 0.0
        total += f * (K1 + 1) / (f + K1)
    return total


_ALPHABET = "0123456789abcdefghijklmnopqrstuvwxyz"


def prefix_upper(prefix: str) -> str | None:
    """The smallest token-alphabet string above every token starting with ``prefix`` (``None``
    when there is none: "zz"), so a prefix is the range ``prefix <= term < upper``.

    Why not ``prefix + chr(0x10FFFF)`` or ``LIKE 'p%'``: outside ``[0-9a-z]`` the order depends
    on the database collation, and ``LIKE`` uses no index under a non-C collation in
    PostgreSQL; within ``[0-9a-z]`` byte order and the usual collations agree.
    """
    chars = list(prefix)
    while chars:
        i = _ALPHABET.index(chars.pop())
        if i + 1 < len(_ALPHABET):
            return "".join(chars) + _ALPHABET[i + 1]
    return None
