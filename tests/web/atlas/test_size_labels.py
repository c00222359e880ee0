"""Sizes on the atlas pages are words in the reader's language, not the plan's identifiers
(issue 15): an archetype's large/small/single sizes and the study's area classes, with their
numbers written per language."""

from __future__ import annotations

from django.utils import translation

from circulair.core.atlas.sizing import STUDY_SIZE_CLASSES
from circulair.web.apps.atlas import presenters

RESULT = {
    "totals": {"by_size": {"large": {"count": 12}, "small": {"count": 3}}},
    "facilities": [
        {"refnis": "44021", "size": "large"},
        {"refnis": "11002", "size_class": "1,000 - 5,000 m²"},
        {"refnis": "24062", "size": None},
    ],
}


def test_sizes_read_as_words_in_both_languages() -> None:
    with translation.override("nl"):
        view = presenters.sizes_view(RESULT)
        assert [label for label, _ in view["by_size"]] == ["groot", "klein"]
        assert [f["size_label"] for f in view["facilities"]] == ["groot", "1.000 - 5.000 m²", ""]
        assert presenters.size_label("single") == "één maat"
    with translation.override("en"):
        view = presenters.sizes_view(RESULT)
        assert [label for label, _ in view["by_size"]] == ["large", "small"]
        assert view["facilities"][1]["size_label"] == "1,000 - 5,000 m²"
    assert presenters.size_label("custom archetype size") == "custom archetype size"


def test_every_study_size_class_has_a_dutch_label() -> None:
    with translation.override("nl"):
        for label, _low, _high in STUDY_SIZE_CLASSES:
            shown = presenters.size_label(label)
            assert shown != label and "," not in shown, (label, shown)


def test_the_comparison_labels_sizes_too() -> None:
    a = {"count": 2, "by_size": {"large": {"count": 2}}}
    b = {"count": 3, "by_size": {"large": {"count": 1}, "small": {"count": 2}}}
    with translation.override("nl"):
        labels = [r["label"] for r in presenters.compare_rows(a, b)]
    assert any(lab.endswith("(groot)") for lab in labels)
    assert any(lab.endswith("(klein)") for lab in labels)
