"""The one problem collector and the one cap."""

from __future__ import annotations

import pytest

from circulair.core.errors import (
    MAX_LISTED,
    InputError,
    Problem,
    ProblemCollector,
    bullets,
    listing,
)


def test_collector_keeps_the_cap_and_counts_the_rest() -> None:
    c = ProblemCollector(file="t.csv")
    assert not c
    for i in range(MAX_LISTED + 7):
        c.add("bad", row=i + 2, field="x", value=i)
    assert c and len(c) == MAX_LISTED + 7 and len(c.items) == MAX_LISTED
    with pytest.raises(InputError) as e:
        c.raise_if_any()
    problems = e.value.problems
    assert len(problems) == MAX_LISTED + 1
    last = problems[-1]
    assert (str(last), last.code, dict(last.params)) == (
        "t.csv: ... and 7 more problems not listed",
        "problems_more",
        {"n": 7},
    )
    assert problems[0] == Problem("bad", None, 2, "x", 0)


def test_collector_without_limit_and_with_problem_objects() -> None:
    c = ProblemCollector(None)
    c.extend(Problem(str(i)) for i in range(MAX_LISTED * 3))
    assert len(c.listed()) == MAX_LISTED * 3 and c.extra == 0
    ProblemCollector().raise_if_any()  # nothing to raise


def test_listing_and_bullets_use_the_same_cap() -> None:
    assert listing([1, 2, 3]) == "1, 2, 3"
    long = listing(list(range(MAX_LISTED + 1)))
    assert long.endswith(f", ... ({MAX_LISTED + 1} in all)")
    assert long.count(",") == MAX_LISTED  # MAX_LISTED numbers, then ", ... (N in all)"
    text = bullets([f"v{i}" for i in range(MAX_LISTED + 2)])
    assert text.count("\n  - ") == MAX_LISTED and text.endswith("  - ... and 2 more")


def test_a_coded_problem_is_english_by_default_and_translated_where_it_is_shown() -> None:
    from circulair.core.errors import Problem, gettext_noop, problem

    p = problem(
        "columns_missing",
        gettext_noop("missing columns %(missing)s; expected %(expected)s"),
        file="a.csv",
        row=1,
        missing="title",
        expected="title, organisation",
    )
    assert str(p) == "a.csv, line 1: missing columns title; expected title, organisation"
    catalogue = {
        "line %(n)s": "regel %(n)s",
        "missing columns %(missing)s; expected %(expected)s": "ontbrekende kolommen: %(missing)s",
    }
    assert p.text(lambda m: catalogue.get(m, m)) == "a.csv, regel 1: ontbrekende kolommen: title"
    # stored with an upload or a job, and shown again later: code and parameters survive
    assert Problem.from_dict(p.as_dict()) == p
    assert p.as_dict()["params"] == {"expected": "title, organisation", "missing": "title"}
    # a broken translation falls back to the English text rather than failing
    assert p.text(lambda m: "%(nope)s" if "missing" in m else m).endswith(
        "expected title, organisation"
    )
    # an uncoded problem's message is never looked up (it may be any text)
    plain = Problem("50 % of it", field="x", value=3)
    assert (
        plain.text(lambda m: m.upper() if m == "50 % of it" else m)
        == "field 'x': 50 % of it (got 3)"
    )


def test_an_amount_is_written_by_the_reader_s_formatter_and_survives_storage() -> None:
    from circulair.core.errors import Amount, Problem, problem

    p = problem(
        "xlsx_too_large",
        "unpacks to %(size)s MB, limit %(limit)s MB, in %(year)s",
        file="a.xlsx",
        size=Amount(2048.0),
        limit=Amount(500),
        year=2024,
    )
    assert p.message == "unpacks to 2,048 MB, limit 500 MB, in 2024"  # English by default
    dutch = p.text(number=lambda a: f"{a.value:,.{a.decimals}f}".replace(",", "."))
    assert dutch == "a.xlsx: unpacks to 2.048 MB, limit 500 MB, in 2024"  # the year is no amount
    again = Problem.from_dict(p.as_dict())
    assert again == p and again.text() == "a.xlsx: unpacks to 2,048 MB, limit 500 MB, in 2024"
    assert str(Amount(1234.56, 1)) == "1,234.6"
