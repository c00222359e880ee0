"""Recommendations of the circular scan: concrete next steps, ranked by expected value.

Why: a scan is only useful if it says what to do next (the Circu-Wijzer returns a tailored
report, DOMAIN.md section 7). Each scored question carries its next step, the policy
instrument it uses and the community of practice of the doe-netwerk where peers work on it;
the rule below picks and orders them (:data:`RECOMMENDATION_RULE`).
"""

from __future__ import annotations

from dataclasses import dataclass

from circulair.core.errors import InputError
from circulair.core.scan.answers import next_points
from circulair.core.scan.questionnaire import Questionnaire
from circulair.core.scan.scoring import ScanScore

#: A section scoring below this is weak (its level is below "Gevorderd"/"Advanced").
WEAK_BELOW = 6.25

RECOMMENDATION_RULE = (
    "Candidates are the scored questions not yet at their best answer, in the weak sections "
    f"(score below {WEAK_BELOW:g}, i.e. below the level 'Advanced'); when no section is weak, in "
    "every section. The expected value of a candidate is the rise of the overall 0-10 score if "
    "the answer moved one step up: 10 x (section weight / sum of section weights) x (question "
    "weight / sum of question weights in its section) x (points of the next answer - current "
    "points), i.e. weight x gap to the next level. Candidates are ranked by expected value "
    "(highest first), then by section score (weakest first), then in questionnaire order."
)


@dataclass(frozen=True)
class Recommendation:
    """One next step, linked to a policy instrument and a community of practice (slugs)."""

    question: str
    section: str
    text: dict[str, str]
    instrument: str
    community: str
    value: float
    section_score: float
    points: float
    next_points: float


def recommend(q: Questionnaire, score: ScanScore, top: int = 5) -> list[Recommendation]:
    """The ``top`` recommendations for a scored response, by :data:`RECOMMENDATION_RULE`.

    ``q`` must be the questionnaire version ``score`` was computed with.
    """
    if (score.questionnaire, score.version) != (q.id, q.version):
        raise InputError.single(
            "the score was computed with another questionnaire version",
            field="version",
            value=f"{score.questionnaire} v{score.version}",
        )
    if top < 0:
        raise InputError.single("top must be 0 or more", field="top", value=top)
    weak = {k for k, v in score.sections.items() if v < WEAK_BELOW}
    pool = weak or set(score.sections)
    section_total = sum(s.weight for s in q.scored_sections())
    order = {x.id: i for i, x in enumerate(q.questions)}
    out: list[Recommendation] = []
    for s in q.scored_sections():
        if s.id not in pool:
            continue
        qs = [x for x in q.questions_in(s.id) if x.scored]
        q_total = sum(x.weight for x in qs)
        for x in qs:
            pts = score.points[x.id]
            nxt = next_points(x, pts)
            if nxt is None or x.next_step is None or x.instrument is None or x.community is None:
                continue
            value = 10 * (s.weight / section_total) * (x.weight / q_total) * (nxt - pts)
            out.append(
                Recommendation(
                    x.id,
                    s.id,
                    x.next_step,
                    x.instrument,
                    x.community,
                    value,
                    score.sections[s.id],
                    pts,
                    nxt,
                )
            )
    out.sort(key=lambda r: (-round(r.value, 9), r.section_score, order[r.question]))
    return out[:top]
