"""Search words of the R-strategies a case is tagged with (the catalogue's concept expansion).

Why: a stemmer joins the inflections of one word ("hergebruik", "hergebruikt", "hergebruiken"
share the Dutch stem ``herbruik``) but not other words for the same idea: "herbruikbare"
(stem ``herbruikbar``) or the English "reuse" never meet "hergebruik". The seeded cases carry
that idea as a tag instead: the R-strategy ``r3-reuse``. So a tagged case is indexed with its
strategies' words too — the record's name in each language (the knowledge base's label, read
from the database) plus the few words below — in a ``tags`` field of low weight
(``search.WEIGHTS``). A query then finds a case tagged with a strategy when one of its words
is one of the strategy's words (after stemming, like every word), in either language.

The lists hold the strategy's usual words, one per stem: the stemmer joins the other
inflections ("hergebruiken", "herbruikbaar" → ``herbruik``, like "hergebruik"), so only a
form it keeps apart is listed too ("herbruikbare" → ``herbruikbar``). They are deliberately
short: a word here makes *every* tagged case match it. Keys are the slugs of
``data/knowledge/r_ladder.yaml``; a strategy without an entry is indexed with its names only.
"""

from __future__ import annotations

#: slug → (Dutch words, English words), besides the record's names.
R_STRATEGY_WORDS: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
    "r0-refuse": (("weigeren",), ("refuse",)),
    "r1-rethink": (("heroverwegen",), ("rethink",)),
    "r2-reduce": (("verminderen",), ("reduce", "reduction")),
    "r3-reuse": (("hergebruik", "herbruikbare"), ("reuse", "re-use", "reusable")),
    "r4-repair": (("herstel", "repareren", "reparatie"), ("repair",)),
    "r5-refurbish": (("opknappen",), ("refurbish",)),
    "r6-remanufacture": (("remanufacturing",), ("remanufacture",)),
    "r7-repurpose": (("herbestemming",), ("repurpose",)),
    "r8-recycle": (("recyclage", "recycleren", "recyclen"), ("recycle",)),
    "r9-recover": (("terugwinning", "recuperatie"), ("recover", "recovery")),
    "redesign": (("herontwerp",), ("redesign",)),
    "research": (("onderzoek",), ("research",)),
    "disposal": (("storten", "stortplaats"), ("disposal", "landfill")),
}


def strategy_words(slug: str, name_nl: str, name_en: str) -> tuple[str, str]:
    """The Dutch and the English search words of one R-strategy: its names and its list.

    Parameters
    ----------
    slug, name_nl, name_en
        The strategy record's slug and names (an empty English name falls back to the Dutch).

    Returns
    -------
    tuple of str
        Text for the Dutch ``tags`` field and text for the English one.
    """
    nl, en = R_STRATEGY_WORDS.get(slug, ((), ()))
    return " ".join((name_nl, *nl)), " ".join((name_en or name_nl, *en))
