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

Ranking (computed in Python on the matching cases)
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

import numpy as np
from numpy.typing import NDArray

K1 = 1.2
WEIGHTS: dict[str, int] = {"title": 3, "summary": 2, "organisation": 2, "body": 1}
MAX_TERMS = 8

_TOKEN = re.compile(r"[a-z0-9]+")
_SPECIAL = str.maketrans({"ß": "ss", "æ": "ae", "œ": "oe", "ø": "o", "ł": "l", "đ": "d",
                          "ı": "i", "þ": "th", "Æ": "ae", "Œ": "oe", "Ø": "o", "Ł": "l",
                          "Đ": "d", "Þ": "th"})


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
    fields = {"title": tokens(doc.title), "summary": tokens(doc.summary),
              "organisation": tokens(doc.organisation), "body": tokens(doc.body)}
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


def score_indexed(query: Query, text: str) -> float:
    """:func:`score` computed from the stored :func:`index_text` (same value, much faster).

    Each line's single spaces are doubled and the line padded with spaces, so every token is
    `` tok `` without sharing its spaces with a neighbour: ``str.count(" t ")`` counts whole
    tokens and ``str.count(" t")`` counts tokens starting with ``t``.
    """
    lines = [" " + line.replace(" ", "  ") + " " for line in (text.split("\n") + [""] * 4)[:4]]
    weights = [WEIGHTS[name] for name in FIELD_ORDER]
    total = 0.0
    last = len(query.terms) - 1
    for i, term in enumerate(query.terms):
        needle = f" {term}" if i == last else f" {term} "
        f = sum(w * line.count(needle) for w, line in zip(weights, lines, strict=True))
        if f == 0:
            return 0.0
        total += f * (K1 + 1) / (f + K1)
    return total


def scores_batch(query: Query, texts: Sequence[str]) -> NDArray[np.float64]:
    """:func:`score_indexed` for many stored texts at once (bit-identical values).

    Why: ranking a frequent word means scoring thousands of cases per request. Each field of
    all texts is joined into one string (every line padded with a space each side, cases
    separated by NUL); a word is found with one C-level regex scan per word and field
    (`` t(?= )`` whole word, `` t`` prefix: the leading space is consumed, the trailing one only
    looked at, so adjacent repeats are all counted), and the hits are counted per case with
    ``searchsorted`` + ``bincount``. The score arithmetic is the same IEEE sequence as the
    scalar rule.
    """
    n = len(texts)
    out = np.zeros(n, dtype=np.float64)
    if n == 0 or query.empty:
        return out
    fixed = [t if t.count("\n") == 3 else "\n".join((t.split("\n") + [""] * 4)[:4])
             for t in texts]
    lines = "\n".join(fixed).split("\n")
    columns = []
    for j in range(len(FIELD_ORDER)):
        col = " " + " \x00 ".join(lines[j::4]) + " "
        arr = np.frombuffer(col.encode("ascii"), dtype=np.uint8)
        columns.append((col, np.flatnonzero(arr == 0)))
    weights = [WEIGHTS[name] for name in FIELD_ORDER]
    alive = np.ones(n, dtype=bool)
    last = len(query.terms) - 1
    for i, term in enumerate(query.terms):
        needle = re.compile(" " + re.escape(term) + ("" if i == last else "(?= )"))
        f = np.zeros(n, dtype=np.int64)
        for w, (col, seps) in zip(weights, columns, strict=True):
            starts = np.fromiter((m.start() for m in needle.finditer(col)), dtype=np.int64)
            if starts.size:
                f += w * np.bincount(np.searchsorted(seps, starts), minlength=n)[:n]
        alive &= f > 0
        ff = f.astype(np.float64)
        out += np.where(f > 0, ff * (K1 + 1) / (ff + K1), 0.0)
    out[~alive] = 0.0
    return out


def rank_indexed(query: Query, rows: Sequence[tuple[str, str]]) -> list[tuple[str, float]]:
    """(slug, score) for (slug, index_text) rows, best first, ties by slug (as :func:`rank`)."""
    if query.empty:
        return sorted(((slug, 0.0) for slug, _t in rows), key=lambda x: x[0])
    scores = scores_batch(query, [t for _s, t in rows])
    hits = [(slug, float(v)) for (slug, _t), v in zip(rows, scores.tolist(), strict=True)
            if v > 0]
    hits.sort(key=lambda x: (-x[1], x[0]))
    return hits
