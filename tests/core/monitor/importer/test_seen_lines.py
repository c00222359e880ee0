"""The importer's record of which line gave each (indicator, region, year): the same answers
as a dict keyed by the triple, at the year range's edges too."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from circulair.core.monitor.importer.checks import SeenLines
from circulair.core.monitor.importer.columns import YEAR_MAX, YEAR_MIN

keys = st.tuples(
    st.sampled_from(["rmc", "dmc", "waste"]),
    st.sampled_from(["VLG", "BE"]),
    st.integers(YEAR_MIN, YEAR_MAX),
)


@given(st.lists(st.tuples(keys, st.integers(1, 2**32 - 1)), max_size=60), st.lists(keys))
def test_seen_lines_answer_as_a_dict_would(adds: list, probes: list) -> None:
    seen, ref = SeenLines(), {}
    for (slug, region, year), line in adds:
        if seen.line(slug, region, year) is None:  # the importer adds a key once
            assert (slug, region, year) not in ref
            seen.add(slug, region, year, line)
            ref[(slug, region, year)] = line
    for key in [k for k, _ in adds] + probes:
        assert seen.line(*key) == ref.get(key)


def test_the_first_and_last_year_and_a_large_line_number() -> None:
    seen = SeenLines()
    seen.add("rmc", "VLG", YEAR_MIN, 2)
    seen.add("rmc", "VLG", YEAR_MAX, 4_000_000_000)
    assert seen.line("rmc", "VLG", YEAR_MIN) == 2
    assert seen.line("rmc", "VLG", YEAR_MAX) == 4_000_000_000
    assert seen.line("rmc", "VLG", YEAR_MIN + 1) is None
    assert seen.line("rmc", "BE", YEAR_MIN) is None
