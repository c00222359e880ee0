"""The match table: the explanation of a row's score."""

from __future__ import annotations

import pytest

from circulair.core.errors import InputError
from circulair.core.exchange.breakdown import parts_total, rounded_contributions
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


def test_explain_gives_codes_and_the_parts_of_a_hand_made_match(b) -> None:  # type: ignore[no-untyped-def]
    """10 km north as the crow flies is 13 road km (factor 1.3) of a 50 km radius: distance
    1 - 13/50 = 0.74; 8 t wanted of 10 t: 0.8; reuse offer for a recycling request (R8):
    (9 - 8)/6; grade A for B (fit 0.75) and certified: 0.8·0.75 + 0.2 = 0.8."""
    offers, requests = split_by_kind(
        [
            b.request("r", radius_km=50.0, route="recycle", quantity=8.0, quality="B"),
            b.offer("o", north=10, route="reuse", quality="A", certified=True),
        ]
    )
    e = explain(candidates(offers, requests), 0, offers, requests)
    parts = e["parts"]
    assert [p.code for p in parts] == ["distance", "quantity", "route", "quality"]
    assert [p.weight for p in parts] == [0.40, 0.20, 0.25, 0.15]
    assert [p.value for p in parts] == pytest.approx([0.74, 0.8, 1 / 6, 0.8], abs=1e-12)
    assert [p.contribution for p in parts] == pytest.approx(
        [0.296, 0.16, 0.25 / 6, 0.12], abs=1e-12
    )
    assert e["score"] == pytest.approx(0.296 + 0.16 + 0.25 / 6 + 0.12, abs=1e-12)
    assert parts_total(parts) == e["score"]
    assert rounded_contributions(parts, 2) == [0.30, 0.16, 0.04, 0.12]
    assert e["components"]["route"] == {
        "value": parts[2].value,
        "weight": 0.25,
        "contribution": parts[2].contribution,
    }
    # materials and unit as codes (the edge names them in the reader's language)
    assert (e["offer_material"], e["request_material"], e["unit"]) == (
        "plastic-pet",
        "plastic-pet",
        "t",
    )
