"""Circular scan for local governments: versioned questionnaire, scores, peers, next steps.

Why: governments asked the doe-netwerk Lokaal Circulair where they stand and what to do next
(DOMAIN.md section 7). This package is pure Python (no Django): :mod:`.questionnaire` loads a
published version and checks answers, :mod:`.scoring` scores complete responses on 0-10 (rule in
:data:`.scoring.SCORING_RULE`) and compares them, :mod:`.recommend` ranks next steps (rule in
:data:`.recommend.RECOMMENDATION_RULE`).
"""

from .answers import validate_answers
from .questionnaire import (
    QUESTION_TYPES,
    Option,
    Question,
    Questionnaire,
    Section,
    available_versions,
    default_scan_dir,
    load_questionnaire,
    parse_questionnaire,
)
from .recommend import RECOMMENDATION_RULE, WEAK_BELOW, Recommendation, recommend
from .scoring import (
    MATURITY_LEVELS,
    PERCENTILE_RULE,
    POPULATION_CLASSES,
    SCORING_RULE,
    Percentiles,
    ScanScore,
    ScoreChange,
    change,
    maturity_level,
    maturity_level_name,
    percentile_rank,
    percentiles,
    population_class,
    score,
)

__all__ = [
    "MATURITY_LEVELS",
    "PERCENTILE_RULE",
    "POPULATION_CLASSES",
    "QUESTION_TYPES",
    "RECOMMENDATION_RULE",
    "SCORING_RULE",
    "WEAK_BELOW",
    "Option",
    "Percentiles",
    "Question",
    "Questionnaire",
    "Recommendation",
    "ScanScore",
    "ScoreChange",
    "Section",
    "available_versions",
    "change",
    "default_scan_dir",
    "load_questionnaire",
    "maturity_level",
    "maturity_level_name",
    "parse_questionnaire",
    "percentile_rank",
    "percentiles",
    "population_class",
    "recommend",
    "score",
    "validate_answers",
]
