"""The status vocabulary and the status rule in words (``compute/rule.py``)."""

from __future__ import annotations

from circulair.core.monitor.compute import (
    DEFAULT_BAND_Z,
    DEFAULT_WINDOW,
    STATUS_LABELS,
    STATUS_RULE,
    STATUSES,
    status_rule,
)


def test_status_rule_names_every_status() -> None:
    for s in STATUSES:
        label = s.replace("_", " ")
        assert label.lower() in STATUS_RULE.lower()
    assert "last 10 years" in STATUS_RULE and "90 % band" in STATUS_RULE
    assert "last 5 years" in status_rule(5, 1.959964) and "95 % band" in status_rule(5, 1.959964)


def test_every_status_has_an_english_and_a_dutch_label() -> None:
    assert set(STATUS_LABELS) == set(STATUSES)
    assert STATUS_LABELS["on_track"] == {"en": "on track", "nl": "op koers"}
    assert all(set(labels) == {"en", "nl"} for labels in STATUS_LABELS.values())


def test_defaults_are_those_the_rule_quotes() -> None:
    # erf(1.6448536 / sqrt 2) = 0.90: the default band is 90 % two-sided
    assert DEFAULT_WINDOW == 10 and DEFAULT_BAND_Z == 1.6448536269514722
    assert status_rule() == STATUS_RULE == status_rule(DEFAULT_WINDOW, DEFAULT_BAND_Z)
