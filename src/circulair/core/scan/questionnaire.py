"""Versioned questionnaire of the local-government circular scan: load, validate, check answers.

Why: the scan asks a local government where it stands on the five action domains and the three
groups of policy instruments of Lokaal Circulair (DOMAIN.md section 7). The questions are data
(``data/scan/questionnaire-v<N>.yaml``), not code, so a new version can be published without
touching stored answers: every stored response keeps the version it was given for and is checked
and scored against that version only (:func:`load_questionnaire` takes the version).

Validation reports every problem at once (file, question id, field, value) so a curator fixes a
file in one pass, and so a form can mark every wrong answer together.
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeGuard

import yaml

from circulair.core.errors import InputError, Problem

#: Question types. ``choice`` covers single and multiple choice (``multiple: true``).
QUESTION_TYPES = ("maturity", "yes_no", "choice", "number", "text")
#: Types whose answer can be turned into points between 0 and 1 (see scoring.SCORING_RULE).
SCORABLE_TYPES = ("maturity", "yes_no", "choice")
#: Section kinds: the profile (not scored), the action domains and the instrument groups.
SECTION_KINDS = ("profile", "domain", "instrument_group")
#: Steps of the maturity scale: 0 (nothing yet) to 4 (embedded, leading), one description each.
MATURITY_STEPS = 5
#: Roles a profile question can play for peer comparison (scoring.percentiles).
PROFILE_ROLES = ("government_type", "population")

ID_RE = re.compile(r"^[a-z0-9][a-z0-9_-]*$")
FILE_RE = re.compile(r"^questionnaire-v(\d+)\.yaml$")

Localized = dict[str, str]


def default_scan_dir() -> Path:
    """The directory holding the shipped questionnaire versions."""
    return Path(__file__).resolve().parents[2] / "data" / "scan"


@dataclass(frozen=True)
class Option:
    """One option of a choice question; ``score`` (0-1) is set only when the question is scored."""

    value: str
    text: Localized
    score: float | None = None


@dataclass(frozen=True)
class Section:
    """A group of questions: the profile, one action domain or one instrument group.

    ``ref`` is the knowledge-base slug (``lg_action_domain`` or ``lg_instrument_group``) so the
    scan report can show the curated names and citations; ``weight`` is the section's share in
    the overall score.
    """

    id: str
    kind: str
    title: Localized
    ref: str | None = None
    weight: float = 1.0


@dataclass(frozen=True)
class Question:
    """One question; see the module docstring of :mod:`.scoring` for how it is scored.

    ``instrument`` (an ``lg_policy_instrument`` slug), ``community`` (an
    ``lg_community_of_practice`` slug) and ``next_step`` are what a recommendation for this
    question points to; every scored question has all three.
    """

    id: str
    section: str
    type: str
    text: Localized
    weight: float = 1.0
    scored: bool = False
    required: bool = True
    levels: tuple[Localized, ...] = ()
    options: tuple[Option, ...] = ()
    multiple: bool = False
    minimum: float | None = None
    maximum: float | None = None
    integer: bool = False
    subtopic: Localized | None = None
    instrument: str | None = None
    community: str | None = None
    next_step: Localized | None = None

    def option(self, value: str) -> Option | None:
        """The option with this value, or None."""
        return next((o for o in self.options if o.value == value), None)


@dataclass(frozen=True)
class Questionnaire:
    """One published version of the scan questionnaire."""

    id: str
    version: int
    title: Localized
    sections: tuple[Section, ...]
    questions: tuple[Question, ...]
    profile: dict[str, str] = field(default_factory=dict)

    def question(self, qid: str) -> Question:
        """The question with this id; KeyError if there is none."""
        for q in self.questions:
            if q.id == qid:
                return q
        raise KeyError(qid)

    def section(self, sid: str) -> Section:
        """The section with this id; KeyError if there is none."""
        for s in self.sections:
            if s.id == sid:
                return s
        raise KeyError(sid)

    def questions_in(self, sid: str) -> tuple[Question, ...]:
        """The questions of a section, in questionnaire order."""
        return tuple(q for q in self.questions if q.section == sid)

    def scored_sections(self) -> tuple[Section, ...]:
        """The action-domain and instrument-group sections, which get a score."""
        return tuple(s for s in self.sections if s.kind != "profile")


class _Collector:
    def __init__(self, file: str) -> None:
        self.file = file
        self.problems: list[Problem] = []

    def add(
        self,
        message: str,
        *,
        row: int | str | None = None,
        fld: str | None = None,
        value: Any = None,
    ) -> None:
        self.problems.append(Problem(message, file=self.file, row=row, field=fld, value=value))


def _localized(v: Any) -> TypeGuard[dict[str, str]]:
    return (
        isinstance(v, dict)
        and all(isinstance(v.get(k), str) and v[k].strip() for k in ("nl", "en"))
        and all(isinstance(k, str) and isinstance(x, str) for k, x in v.items())
    )


def _number(v: Any) -> TypeGuard[int | float]:
    return isinstance(v, (int, float)) and not isinstance(v, bool) and math.isfinite(v)


def _parse_sections(raw: Any, out: _Collector) -> list[Section]:
    sections: list[Section] = []
    if not isinstance(raw, list) or not raw:
        out.add("must be a non-empty list of sections", fld="sections")
        return sections
    seen: set[str] = set()
    for i, s in enumerate(raw):
        row = f"sections[{i}]"
        if not isinstance(s, dict):
            out.add("a section must be a mapping", row=row, value=s)
            continue
        sid, kind = s.get("id"), s.get("kind")
        if not isinstance(sid, str) or not ID_RE.match(sid):
            out.add("id must be a lower-case identifier", row=row, fld="id", value=sid)
            continue
        if sid in seen:
            out.add("duplicate section id", row=sid, fld="id", value=sid)
        seen.add(sid)
        if kind not in SECTION_KINDS:
            out.add(
                f"kind must be one of {', '.join(SECTION_KINDS)}", row=sid, fld="kind", value=kind
            )
            continue
        if not _localized(s.get("title")):
            out.add("title needs non-empty 'nl' and 'en' texts", row=sid, fld="title")
        weight = s.get("weight", 1.0)
        if not _number(weight) or weight <= 0:
            out.add("weight must be a positive number", row=sid, fld="weight", value=weight)
            weight = 1.0
        ref = s.get("ref")
        if kind != "profile" and not isinstance(ref, str):
            out.add(
                "a domain or instrument-group section needs 'ref' (a knowledge-base slug)",
                row=sid,
                fld="ref",
                value=ref,
            )
        sections.append(
            Section(
                sid,
                kind,
                dict(s.get("title") or {}),
                ref if isinstance(ref, str) else None,
                float(weight),
            )
        )
    return sections


def _resolve_levels(
    raw: dict[str, Any], scales: Mapping[str, Any], qid: str, out: _Collector
) -> tuple[Localized, ...]:
    levels = raw.get("levels")
    if levels is None and "scale" in raw:
        levels = scales.get(raw["scale"])
        if levels is None:
            out.add("unknown scale", row=qid, fld="scale", value=raw["scale"])
            return ()
    if (
        not isinstance(levels, list)
        or len(levels) != MATURITY_STEPS
        or not all(_localized(x) for x in levels)
    ):
        out.add(
            f"a maturity question needs {MATURITY_STEPS} described levels (0-4) with 'nl' "
            "and 'en' texts, given in 'levels' or through 'scale'",
            row=qid,
            fld="levels",
        )
        return ()
    return tuple(dict(x) for x in levels)


def _parse_options(raw: Any, scored: bool, qid: str, out: _Collector) -> tuple[Option, ...]:
    if not isinstance(raw, list) or len(raw) < 2:
        out.add("a choice question needs at least two options", row=qid, fld="options")
        return ()
    options: list[Option] = []
    for o in raw:
        if (
            not isinstance(o, dict)
            or not isinstance(o.get("value"), str)
            or not _localized(o.get("text"))
        ):
            out.add(
                "an option needs 'value' and a 'text' with 'nl' and 'en'",
                row=qid,
                fld="options",
                value=o,
            )
            continue
        score = o.get("score")
        if scored and (not _number(score) or not 0 <= score <= 1):
            out.add(
                "every option of a scored choice question needs a score from 0 to 1",
                row=qid,
                fld="options",
                value=o["value"],
            )
            score = None
        options.append(
            Option(o["value"], dict(o["text"]), float(score) if _number(score) else None)
        )
    values = [o.value for o in options]
    if len(set(values)) != len(values):
        out.add("option values must be unique", row=qid, fld="options", value=values)
    return tuple(options)


def _parse_question(
    raw: Any, i: int, kinds: Mapping[str, str], scales: Mapping[str, Any], out: _Collector
) -> Question | None:
    if not isinstance(raw, dict):
        out.add("a question must be a mapping", row=f"questions[{i}]", value=raw)
        return None
    qid = raw.get("id")
    if not isinstance(qid, str) or not ID_RE.match(qid):
        out.add("id must be a lower-case identifier", row=f"questions[{i}]", fld="id", value=qid)
        return None
    qtype, section = raw.get("type"), raw.get("section")
    if qtype not in QUESTION_TYPES:
        out.add(
            f"type must be one of {', '.join(QUESTION_TYPES)}", row=qid, fld="type", value=qtype
        )
        return None
    if not isinstance(section, str) or section not in kinds:
        out.add("section is not defined", row=qid, fld="section", value=section)
        return None
    if not _localized(raw.get("text")):
        out.add("text needs non-empty 'nl' and 'en'", row=qid, fld="text")
    scored, required, multiple = (
        raw.get("scored", False),
        raw.get("required", True),
        raw.get("multiple", False),
    )
    for name, flag in (("scored", scored), ("required", required), ("multiple", multiple)):
        if not isinstance(flag, bool):
            out.add(f"{name} must be true or false", row=qid, fld=name, value=flag)
    scored, required, multiple = scored is True, required is not False, multiple is True
    weight = raw.get("weight", 1.0)
    if not _number(weight) or weight <= 0:
        out.add("weight must be a positive number", row=qid, fld="weight", value=weight)
        weight = 1.0
    if scored:
        if qtype not in SCORABLE_TYPES or (qtype == "choice" and multiple):
            out.add(
                "only maturity, yes/no and single-choice questions can be scored",
                row=qid,
                fld="scored",
                value=qtype,
            )
        if kinds[section] == "profile":
            out.add("profile questions are not scored", row=qid, fld="scored")
        if not required:
            out.add(
                "a scored question must be required (a score needs every answer)",
                row=qid,
                fld="required",
            )
        for key in ("instrument", "community"):
            if not isinstance(raw.get(key), str):
                out.add(
                    f"a scored question needs '{key}' (a knowledge-base slug) for its "
                    "recommendation",
                    row=qid,
                    fld=key,
                    value=raw.get(key),
                )
        if not _localized(raw.get("next_step")):
            out.add(
                "a scored question needs a 'next_step' with 'nl' and 'en'", row=qid, fld="next_step"
            )
    levels = _resolve_levels(raw, scales, qid, out) if qtype == "maturity" else ()
    options = _parse_options(raw.get("options"), scored, qid, out) if qtype == "choice" else ()
    lo, hi = raw.get("min"), raw.get("max")
    for name, v in (("min", lo), ("max", hi)):
        if v is not None and not _number(v):
            out.add(f"{name} must be a number", row=qid, fld=name, value=v)
    if _number(lo) and _number(hi) and lo > hi:
        out.add("min is above max", row=qid, fld="min", value=lo)
    sub = raw.get("subtopic")
    if sub is not None and not _localized(sub):
        out.add("subtopic needs 'nl' and 'en'", row=qid, fld="subtopic")
    nxt = raw.get("next_step")
    return Question(
        id=qid,
        section=section,
        type=qtype,
        text=dict(raw.get("text") or {}),
        weight=float(weight),
        scored=scored,
        required=required,
        levels=levels,
        options=options,
        multiple=multiple,
        minimum=float(lo) if _number(lo) else None,
        maximum=float(hi) if _number(hi) else None,
        integer=raw.get("integer", False) is True,
        subtopic=dict(sub) if _localized(sub) else None,
        instrument=raw["instrument"] if isinstance(raw.get("instrument"), str) else None,
        community=raw["community"] if isinstance(raw.get("community"), str) else None,
        next_step=dict(nxt) if _localized(nxt) else None,
    )


def _check_profile(raw: Any, questions: Mapping[str, Question], out: _Collector) -> dict[str, str]:
    if raw is None:
        return {}
    if not isinstance(raw, dict):
        out.add("profile must map roles to question ids", fld="profile", value=raw)
        return {}
    profile: dict[str, str] = {}
    for role, qid in raw.items():
        if role not in PROFILE_ROLES:
            out.add(
                f"unknown profile role; expected {', '.join(PROFILE_ROLES)}",
                fld="profile",
                value=role,
            )
            continue
        q = questions.get(qid) if isinstance(qid, str) else None
        wanted = ("choice", False) if role == "government_type" else ("number", False)
        if q is None or (q.type, q.multiple) != wanted:
            out.add(
                f"profile role {role} must name a {wanted[0]} question (single answer)",
                fld="profile",
                value=qid,
            )
            continue
        profile[str(role)] = qid
    return profile


def parse_questionnaire(raw: Any, file: str = "<questionnaire>") -> Questionnaire:
    """Build a :class:`Questionnaire` from parsed YAML, or raise InputError listing every problem.

    Parameters
    ----------
    raw
        The mapping read from a ``questionnaire-v<N>.yaml`` file.
    file
        Name used in the problems, so a curator knows which file to fix.
    """
    out = _Collector(file)
    if not isinstance(raw, dict):
        raise InputError([Problem("a questionnaire file must hold a mapping", file=file)])
    qn_id, version = raw.get("id"), raw.get("version")
    if not isinstance(qn_id, str) or not ID_RE.match(qn_id):
        out.add("id must be a lower-case identifier", fld="id", value=qn_id)
    if not isinstance(version, int) or isinstance(version, bool) or version < 1:
        out.add("version must be a positive integer", fld="version", value=version)
    if not _localized(raw.get("title")):
        out.add("title needs non-empty 'nl' and 'en'", fld="title")
    sections = _parse_sections(raw.get("sections"), out)
    kinds = {s.id: s.kind for s in sections}
    scales = raw.get("scales") or {}
    if not isinstance(scales, dict):
        out.add("scales must map a name to a list of levels", fld="scales")
        scales = {}
    questions: dict[str, Question] = {}
    raw_questions = raw.get("questions")
    if not isinstance(raw_questions, list) or not raw_questions:
        out.add("must be a non-empty list of questions", fld="questions")
        raw_questions = []
    for i, rq in enumerate(raw_questions):
        q = _parse_question(rq, i, kinds, scales, out)
        if q is None:
            continue
        if q.id in questions:
            out.add("duplicate question id", row=q.id, fld="id", value=q.id)
        questions[q.id] = q
    for s in sections:
        if s.kind != "profile" and not any(
            q.scored and q.section == s.id for q in questions.values()
        ):
            out.add(
                "a domain or instrument-group section needs at least one scored question",
                row=s.id,
                fld="questions",
            )
    profile = _check_profile(raw.get("profile"), questions, out)
    if out.problems:
        raise InputError(out.problems)
    assert isinstance(version, int)  # checked above; no problems were found
    return Questionnaire(
        str(qn_id), version, dict(raw["title"]), tuple(sections), tuple(questions.values()), profile
    )


def available_versions(directory: Path | None = None) -> list[int]:
    """The published versions found in ``directory`` (default: the shipped ones), ascending."""
    d = directory or default_scan_dir()
    found = (FILE_RE.match(p.name) for p in d.glob("questionnaire-v*.yaml"))
    return sorted(int(m.group(1)) for m in found if m)


def load_questionnaire(version: int | None = None, directory: Path | None = None) -> Questionnaire:
    """Load one version of the questionnaire (default: the latest) and validate it.

    Parameters
    ----------
    version
        The version a response was given for; stored answers must always be loaded with their
        own version, never the latest, so a new version cannot change an old score.
    directory
        Where the ``questionnaire-v<N>.yaml`` files are; default the shipped data.
    """
    d = directory or default_scan_dir()
    if version is None:
        versions = available_versions(d)
        if not versions:
            raise InputError.single("no questionnaire-v<N>.yaml found", file=str(d))
        version = versions[-1]
    path = d / f"questionnaire-v{version}.yaml"
    if not path.is_file():
        raise InputError.single(
            "this questionnaire version is not published",
            file=str(path),
            field="version",
            value=version,
        )
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as exc:
        raise InputError.single(f"not valid YAML: {exc}", file=path.name) from exc
    q = parse_questionnaire(raw, path.name)
    if q.version != version:
        raise InputError.single(
            "the version inside the file differs from its name",
            file=path.name,
            field="version",
            value=q.version,
        )
    return q
