"""The agenda's knowledge references: agendas, work paths, levers and the commitment rule are
records of the knowledge base, read here by slug and kind."""

from __future__ import annotations

from django.db.models import QuerySet
from django.http import Http404

from circulair.core.agenda import evaluation as ev
from circulair.web.apps.agenda.models import AgendaSetting
from circulair.web.apps.knowledge.models import Record

#: Other names accepted for an agenda slug (CLI and API): the knowledge base's slugs are Dutch.
AGENDA_ALIASES = {
    "manufacturing": "maakindustrie",
    "building": "circulair-bouwen",
    "bouwen": "circulair-bouwen",
    "chemistry": "chemie-kunststoffen",
    "chemie": "chemie-kunststoffen",
    "bio-economy": "bio-economie",
    "food": "voedselketen",
    "water": "waterkringlopen",
}
#: Manufacturing agenda slug (the brief's "maakindustrie" is the knowledge base's slug).
MANUFACTURING = "maakindustrie"
#: The monitor indicator behind the target "more than half of manufacturers work circularly".
SHARE_INDICATOR = "circular-manufacturers-share"
SHARE_REGION = "VLG"


def agenda_record(slug: str) -> Record:
    slug = AGENDA_ALIASES.get(slug, slug)
    rec = Record.objects.filter(kind="work_agenda", slug=slug).first()
    if rec is None:
        known = ", ".join(Record.objects.filter(kind="work_agenda").values_list("slug", flat=True))
        raise Http404(f"unknown agenda '{slug}'; known: {known}")
    return rec


def records(kind: str) -> QuerySet[Record]:
    return Record.objects.filter(kind=kind).order_by("order", "slug")


def records_of_agenda(kind: str, agenda: Record) -> QuerySet[Record]:
    """Work paths / value chains whose knowledge record refers to this agenda."""
    return records(kind).filter(relations__role="agenda", relations__to_record=agenda)


def r_loops() -> dict[str, str | None]:
    return {r.slug: r.attributes.get("loop") for r in records("r_strategy")}


def commitment_of(agenda: Record) -> int:
    """The agenda's commitment: its setting, else the knowledge base's rule, else 5."""
    s = AgendaSetting.objects.filter(agenda=agenda).first()
    if s is not None:
        return s.min_actions_per_year
    rule = Record.objects.filter(kind="commitment_rule", slug=agenda.slug).first()
    if rule is not None and rule.attributes.get("min_actions_per_year"):
        return int(rule.attributes["min_actions_per_year"])
    return ev.DEFAULT_MIN_ACTIONS


def labels(kind: str) -> dict[str, str]:
    """Slug → name (in the active language) of every record of ``kind``."""
    return {r.slug: r.name for r in records(kind)}
