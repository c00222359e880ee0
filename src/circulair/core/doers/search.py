"""Full-text search of cases with one rule for every database engine.

Why this module exists: SQLite FTS5 and PostgreSQL full-text search tokenise, stem and rank
differently, yet the catalogue must return the same ranked results on both. So the engines only
do what they agree on — *which* cases match a set of plain tokens — and everything else is
defined here, in Python:

Tokenisation (used for the indexed text **and** the query)
    Unicode NFKD, combining marks removed (accent folding: "hergébruik" = "hergebruik"), a few
    letters without a decomposition mapped (ß→ss, æ→ae, œ→oe, ø→o, ł→l, đ→d, ı→i, þ→th), then
    lower-cased; a token is a maximal run of ``[a-z0-9]``; everything else separates tokens.
    No stemming, no stop words. The stored ``search_text`` (:func:`index_text`) is four lines —
    title, organisation, summary, body — each the field's tokens joined by one space; FTS5
    (``unicode61``) and PostgreSQL (``to_tsvector('simple', …)``) split it into exactly the same
    tokens, and the ranking reads the lines back without tokenising again.

Matching
    A case matches when it contains every query term as a whole token, except the last term,
    which matches any token that starts with it (type-ahead: "hergebr" finds "hergebruik").
    Terms are combined with AND. An empty query (no tokens) matches everything.

Ranking (one formula; the database evaluates it from the term table, see :func:`term_weights`)
    For each query term t and case d, the weighted frequency is
    ``f(t, d) = 3·tf(title) + 2·tf(summary) + 2·tf(organisation) + 1·tf(body)``
    (tf counts tokens equal to t, or starting with t for the last term), saturated BM25-style:
    ``score(d) = Σ_t f·(K1 + 1) / (f + K1)`` with ``K1 = 1.2``. Results are ordered by score
    descending, then by slug ascending (slugs are unique and equal on every engine, unlike ids).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

K1 = 1.2
WEIGHTS: dict[str, int] = {"title": 3, "summary": 2, "organisation": 2, "body": 1}
MAX_TERMS = 8

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


def fold(text: str) -> str:
    """Lower-case, accent-free form of ``text`` (the first step of tokenisation)."""
    decomposed = unicodedata.normalize("NFKD", text.translate(_SPECIAL))
    return "".join(c for c in decomposed if not unicodedata.combining(c)).lower()


def tokens(text: str) -> list[str]:
    """The tokens of ``text`` under the catalogue's rule (see the module docstring)."""
    return _TOKEN.findall(fold(text))


def search_text(*parts: str) -> str:
    """The indexed document: the tokens of every part joined by single spaces."""
    return " ".join(t for p in parts for t in tokens(p or ""))


FIELD_ORDER = ("title", "organisation", "summary", "body")


def index_text(title: str, organisation: str, summary: str, body: str) -> str:
    """The stored, indexed form of a case: one line of tokens per field (see FIELD_ORDER)."""
    return "\n".join(search_text(p) for p in (title, organisation, summary, body))


@dataclass(frozen=True)
class Query:
    """A parsed query: whole-word terms plus a final prefix term."""

    terms: tuple[str, ...]

    @property
    def empty(self) -> bool:
        return not self.terms

    @property
    def exact(self) -> tuple[str, ...]:
        return self.terms[:-1]

    @property
    def prefix(self) -> str:
        return self.terms[-1] if self.terms else ""

    def fts5(self) -> str:
        """FTS5 MATCH expression: ``"a" AND "b" AND "c"*`` (tokens are [a-z0-9], safe to quote)."""
        parts = [f'"{t}"' for t in self.exact] + [f'"{self.prefix}"*']
        return " AND ".join(parts)

    def tsquery(self) -> str:
        """PostgreSQL ``to_tsquery('simple', …)`` text: ``a & b & c:*``."""
        return " & ".join([*self.exact, f"{self.prefix}:*"])


def parse(q: str) -> Query:
    """Parse user input; duplicate terms are dropped (keeping the last occurrence as prefix)."""
    raw = tokens(q or "")[:MAX_TERMS]
    seen: list[str] = []
    for i, t in enumerate(raw):
        if t in seen and i != len(raw) - 1:
            continue
        if t in seen:
            seen.remove(t)
        seen.append(t)
    return Query(tuple(seen))


@dataclass(frozen=True)
class Doc:
    """The searchable fields of one case."""

    slug: str
    title: str
    summary: str = ""
    organisation: str = ""
    body: str = ""


def _count(toks: Sequence[str], term: str, prefix: bool) -> int:
    if prefix:
        return sum(1 for t in toks if t.startswith(term))
    return sum(1 for t in toks if t == term)


def score(query: Query, doc: Doc) -> float:
    """The documented score of ``doc`` for ``query``; 0.0 when it does not match."""
    fields = {
        "title": tokens(doc.title),
        "summary": tokens(doc.summary),
        "organisation": tokens(doc.organisation),
        "body": tokens(doc.body),
    }
    total = 0.0
    last = len(query.terms) - 1
    for i, term in enumerate(query.terms):
        f = sum(w * _count(fields[name], term, i == last) for name, w in WEIGHTS.items())
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
    """Weighted frequency ``f(t, d)`` of every token of a stored :func:`index_text`.

    These are the rows of the database's term table: the ranking sums them in SQL (the same
    integer sums and the same IEEE arithmetic on every engine), so a request reads only the
    rows of its query terms instead of every matching case's text.
    """
    out: dict[str, int] = {}
    lines = (text.split("\n") + [""] * 4)[:4]
    for name, line in zip(FIELD_ORDER, lines, strict=True):
        w = WEIGHTS[name]
        for tok in line.split():
            out[tok] = out.get(tok, 0) + w
    return out


def score_weights(query: Query, weights: dict[str, int]) -> float:
    """:func:`score` computed from :func:`term_weights` (the rule the SQL ranking implements):
    the last term sums the weights of every token it prefixes."""
    total = 0.0
    last = len(query.terms) - 1
    for i, term in enumerate(query.terms):
        if i == last:
            f = sum(w for tok, w in weights.items() if tok.startswith(term))
        else:
            f = weights.get(term, 0)
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
