"""The match table: the explanation of a row's score."""

from __future__ import annotations

import pytest

from circulair.core.errors import InputError
from circulair.core.exchange.match_table import explain
from circulair.core.exchange.matching import candidates
from circulair.core.exchange.model import split_by_kind


def test_explain_sums_to_score(b) -> None:  # type: ignore[no-untyped-def]
    offers, requests = split_by_kind(
        [b.request("r", quality="A"), b.offer("o", north=7, quality="A", certified=True)]
    )
    t = candidates(offers, requests)
    e = explain(t, 0, offers, requests)
    total = sum(c["contribution"] for c in e["components"].values())
    assert total == pytest.approx(e["score"])
    assert e["offer_id"] == "o" and e["request_id"] == "r" and e["offer_grade"] == "A"
    with pytest.raises(InputError):
        explain(t, 5)
