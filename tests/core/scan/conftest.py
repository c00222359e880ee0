"""A small hand-checkable questionnaire (v1) and its v2 successor, as plain data and on disk."""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

import pytest
import yaml


def _loc(text: str) -> dict[str, str]:
    return {"nl": text, "en": text}


LEVELS = [_loc(f"level {i}") for i in range(5)]


def _scored(qid: str, section: str, qtype: str, weight: float, **extra: Any) -> dict[str, Any]:
    return {
        "id": qid,
        "section": section,
        "type": qtype,
        "text": _loc(qid),
        "weight": weight,
        "scored": True,
        "instrument": f"instr-{qid}",
        "community": "aankoop",
        "next_step": _loc(f"improve {qid}"),
        **extra,
    }


def mini_v1() -> dict[str, Any]:
    """Two domains and one instrument group with known weights (see test_scoring for sums)."""
    return {
        "id": "mini",
        "version": 1,
        "title": _loc("Mini scan"),
        "profile": {"government_type": "type", "population": "pop"},
        "scales": {"default": LEVELS},
        "sections": [
            {"id": "profiel", "kind": "profile", "title": _loc("Profile")},
            {"id": "d1", "kind": "domain", "ref": "d1", "title": _loc("D1"), "weight": 1},
            {"id": "d2", "kind": "domain", "ref": "d2", "title": _loc("D2"), "weight": 1},
            {"id": "g1", "kind": "instrument_group", "ref": "g1", "title": _loc("G1"), "weight": 2},
        ],
        "questions": [
            {
                "id": "type",
                "section": "profiel",
                "type": "choice",
                "text": _loc("type"),
                "options": [
                    {"value": "gemeente", "text": _loc("municipality")},
                    {"value": "stad", "text": _loc("city")},
                ],
            },
            {
                "id": "pop",
                "section": "profiel",
                "type": "number",
                "text": _loc("inhabitants"),
                "min": 0,
                "integer": True,
            },
            {
                "id": "motives",
                "section": "profiel",
                "type": "choice",
                "multiple": True,
                "text": _loc("motives"),
                "options": [
                    {"value": "klimaat", "text": _loc("climate")},
                    {"value": "jobs", "text": _loc("jobs")},
                ],
            },
            {
                "id": "remark",
                "section": "profiel",
                "type": "text",
                "required": False,
                "text": _loc("remarks"),
            },
            _scored("q1", "d1", "maturity", 1, scale="default"),
            _scored("q2", "d1", "yes_no", 3),
            _scored(
                "q3",
                "d2",
                "choice",
                1,
                options=[
                    {"value": "none", "score": 0, "text": _loc("none")},
                    {"value": "half", "score": 0.5, "text": _loc("half")},
                    {"value": "all", "score": 1, "text": _loc("all")},
                ],
            ),
            _scored("q4", "g1", "maturity", 2, levels=LEVELS),
            _scored("q5", "g1", "maturity", 2, scale="default"),
        ],
    }


def mini_v2() -> dict[str, Any]:
    """v2: option 'half' of q3 replaced by 'most', and a new scored question q6 in d2."""
    raw = copy.deepcopy(mini_v1())
    raw["version"] = 2
    q3 = next(q for q in raw["questions"] if q["id"] == "q3")
    q3["options"][1] = {"value": "most", "score": 0.75, "text": _loc("most")}
    raw["questions"].append(_scored("q6", "d2", "maturity", 1, scale="default"))
    return raw


#: Answers to mini v1; hand-computed scores are in test_scoring.py.
ANSWERS_V1: dict[str, Any] = {
    "type": "gemeente",
    "pop": 12000,
    "motives": ["klimaat"],
    "remark": "",
    "q1": 2,
    "q2": False,
    "q3": "half",
    "q4": 4,
    "q5": 1,
}


@pytest.fixture()
def scan_dir(tmp_path: Path) -> Path:
    """A directory holding mini v1 and v2 as published questionnaire files."""
    for raw in (mini_v1(), mini_v2()):
        (tmp_path / f"questionnaire-v{raw['version']}.yaml").write_text(
            yaml.safe_dump(raw, allow_unicode=True), encoding="utf-8"
        )
    return tmp_path
