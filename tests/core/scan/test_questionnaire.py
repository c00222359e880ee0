"""Loading and validating questionnaires and answers, including the shipped version 1."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml

from circulair.core.errors import InputError
from circulair.core.scan import (
    available_versions,
    load_questionnaire,
    parse_questionnaire,
    score,
    validate_answers,
)
from circulair.data import DATA_DIR

from .conftest import ANSWERS_V1, mini_v1, mini_v2

KNOWLEDGE = DATA_DIR / "knowledge"


def _slugs(name: str) -> set[str]:
    raw = yaml.safe_load((KNOWLEDGE / name).read_text(encoding="utf-8"))
    return {r["slug"] for r in raw["records"]}


def _fields(err: pytest.ExceptionInfo[InputError]) -> list[str | None]:
    return [p.field for p in err.value.problems]


def test_mini_questionnaire_parses_with_scale_and_levels() -> None:
    q = parse_questionnaire(mini_v1())
    assert (q.id, q.version) == ("mini", 1)
    assert len(q.question("q1").levels) == 5  # from the shared scale
    assert q.question("q4").levels == q.question("q1").levels
    assert [s.id for s in q.scored_sections()] == ["d1", "d2", "g1"]
    assert q.profile == {"government_type": "type", "population": "pop"}


def test_complete_answers_have_nothing_missing_and_optional_text_may_be_blank() -> None:
    assert validate_answers(parse_questionnaire(mini_v1()), ANSWERS_V1) == []


def test_incomplete_response_lists_missing_ids_in_questionnaire_order() -> None:
    q = parse_questionnaire(mini_v1())
    answers = {k: v for k, v in ANSWERS_V1.items() if k not in ("q5", "q2", "pop")}
    answers["motives"] = None  # None counts as not answered
    assert validate_answers(q, answers) == ["pop", "motives", "q2", "q5"]
    with pytest.raises(InputError) as err:
        score(q, answers)
    assert _fields(err) == ["pop", "motives", "q2", "q5"]
    assert "only complete responses are scored" in str(err.value)


@pytest.mark.parametrize(
    ("qid", "value"),
    [
        ("q1", 5),
        ("q1", True),
        ("q1", 2.0),
        ("q2", "yes"),
        ("q3", "most"),
        ("motives", "klimaat"),
        ("motives", ["klimaat", "klimaat"]),
        ("pop", -1),
        ("pop", 10.5),
        ("pop", float("nan")),
        ("remark", 3),
        ("unknown", 1),
    ],
)
def test_bad_values_name_the_question_and_value(qid: str, value: Any) -> None:
    q = parse_questionnaire(mini_v1())
    with pytest.raises(InputError) as err:
        validate_answers(q, {**ANSWERS_V1, qid: value})
    (problem,) = err.value.problems
    assert problem.field == qid
    assert problem.value is value


def test_every_bad_value_is_reported_at_once() -> None:
    q = parse_questionnaire(mini_v1())
    with pytest.raises(InputError) as err:
        validate_answers(q, {**ANSWERS_V1, "q1": 9, "q3": "x", "type": "provincie"})
    assert sorted(f or "" for f in _fields(err)) == ["q1", "q3", "type"]


def test_broken_questionnaire_reports_every_problem() -> None:
    raw = mini_v1()
    raw["version"] = 0
    qs = raw["questions"]
    qs[4] = {**qs[4], "scale": "missing"}  # q1: unknown scale
    qs[5] = {**qs[5], "section": "nowhere"}  # q2: unknown section
    qs[3] = {**qs[3], "scored": True}  # remark: scored text, profile
    qs[6]["options"][0]["score"] = 2  # q3: score out of 0-1
    qs.append(dict(qs[7]))  # duplicate q4
    del qs[8]["next_step"]  # q5: no next step
    with pytest.raises(InputError) as err:
        parse_questionnaire(raw, "broken.yaml")
    text = str(err.value)
    for expected in (
        "version must be a positive integer",
        "unknown scale",
        "section is not defined",
        "only maturity, yes/no and single-choice",
        "profile questions are not scored",
        "score from 0 to 1",
        "duplicate question id",
        "needs a 'next_step'",
    ):
        assert expected in text
    assert all(p.file == "broken.yaml" for p in err.value.problems)


def test_a_section_without_scored_question_is_rejected() -> None:
    raw = mini_v1()
    raw["questions"] = [q for q in raw["questions"] if q["section"] != "d2"]
    with pytest.raises(InputError) as err:
        parse_questionnaire(raw)
    assert err.value.problems[0].row == "d2"


def test_versions_on_disk_latest_by_default(scan_dir: Path) -> None:
    assert available_versions(scan_dir) == [1, 2]
    assert load_questionnaire(directory=scan_dir).version == 2
    assert load_questionnaire(1, scan_dir).version == 1
    with pytest.raises(InputError, match="not published"):
        load_questionnaire(3, scan_dir)


def test_v1_answers_do_not_fit_v2_but_still_score_with_v1(scan_dir: Path) -> None:
    v1, v2 = load_questionnaire(1, scan_dir), load_questionnaire(2, scan_dir)
    with pytest.raises(InputError) as err:
        validate_answers(v2, ANSWERS_V1)  # 'half' is no longer an option of q3
    assert _fields(err) == ["q3"]
    assert validate_answers(v2, {**ANSWERS_V1, "q3": "most"}) == ["q6"]
    s = score(v1, ANSWERS_V1)  # the version the answers were given for
    assert (s.version, s.overall) == (1, pytest.approx(4.6875))
    assert parse_questionnaire(mini_v2()).version == 2


def test_version_inside_file_must_match_its_name(tmp_path: Path) -> None:
    (tmp_path / "questionnaire-v3.yaml").write_text(yaml.safe_dump(mini_v1()), encoding="utf-8")
    with pytest.raises(InputError, match="differs from its name"):
        load_questionnaire(3, tmp_path)


# --- the shipped questionnaire ---


def test_shipped_v1_loads_with_25_to_35_questions_and_every_type() -> None:
    q = load_questionnaire(1)
    assert 25 <= len(q.questions) <= 35
    assert {x.type for x in q.questions} == {"maturity", "yes_no", "choice", "number", "text"}
    assert any(x.multiple for x in q.questions)
    assert all(x.text["nl"] != x.text["en"] for x in q.questions)


def test_shipped_v1_sections_are_the_domains_and_instrument_groups() -> None:
    q = load_questionnaire(1)
    domains = [s.ref for s in q.sections if s.kind == "domain"]
    groups = [s.ref for s in q.sections if s.kind == "instrument_group"]
    assert set(domains) == _slugs("lg_action_domains.yaml") and len(domains) == 5
    assert set(groups) == _slugs("lg_instrument_groups.yaml") and len(groups) == 3


def test_shipped_v1_links_resolve_to_the_knowledge_base() -> None:
    q = load_questionnaire(1)
    instruments = _slugs("lg_policy_instruments.yaml")
    communities = _slugs("lg_communities.yaml")
    assert communities == {"aankoop", "stadsontwikkeling", "monitoring"}
    scored = [x for x in q.questions if x.scored]
    assert {x.instrument for x in scored} <= instruments
    assert {x.community for x in scored} == communities
    assert {x.instrument for x in scored} == instruments  # every instrument is asked about
    # Instrument-group questions use instruments of their own group.
    raw = yaml.safe_load((KNOWLEDGE / "lg_policy_instruments.yaml").read_text(encoding="utf-8"))
    group_of = {r["slug"]: r["refs"]["group"] for r in raw["records"]}
    for x in scored:
        if q.section(x.section).kind == "instrument_group":
            assert group_of[x.instrument] == x.section, x.id


def test_shipped_v1_profile_has_the_five_government_types() -> None:
    q = load_questionnaire(1)
    gov = q.question(q.profile["government_type"])
    assert [o.value for o in gov.options] == [
        "gemeente",
        "stad",
        "intercommunale",
        "pom-provincie",
        "intergemeentelijk-samenwerkingsverband",
    ]
    assert q.question(q.profile["population"]).type == "number"
    assert {"profiel_motieven", "profiel_drempels"} <= {x.id for x in q.questions}
