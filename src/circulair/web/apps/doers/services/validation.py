"""Checking a case's fields as people and files enter them: every problem is named, relations
are resolved to records."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.utils.text import slugify

from circulair.core.errors import Problem, gettext_noop, problem
from circulair.web.apps.doers.models import Case
from circulair.web.apps.doers.services.access import is_staff, member_org_ids
from circulair.web.apps.geography.models import Municipality, Province
from circulair.web.apps.knowledge.models import Record
from circulair.web.apps.organisations.services import organisation_find

TEXT_FIELDS = ("title", "summary", "body", "organisation_name")
MAX_LINKS = 20
#: Slugs that name a page of the catalogue (``urls.py``): a case so named could not be opened.
RESERVED_SLUGS = frozenset({"new", "map", "review"})


def _records(kind: str, slugs: list[str], fname: str, problems: list[Problem]) -> list[Record]:
    found = {r.slug: r for r in Record.objects.filter(kind=kind, slug__in=slugs)}
    for s in slugs:
        if s not in found:
            problems.append(
                problem(
                    "record_unknown",
                    gettext_noop("unknown %(kind)s (see: circulair kb list %(kind)s)"),
                    field=fname,
                    value=s,
                    kind=kind,
                )
            )
    return [found[s] for s in slugs if s in found]


def _as_list(value: Any) -> list[str]:
    if value in (None, ""):
        return []
    if isinstance(value, str):
        return [v.strip() for v in value.replace(";", ",").split(",") if v.strip()]
    return [str(v).strip() for v in value if str(v).strip()]


def _validate(
    data: dict[str, Any], user: Any, problems: list[Problem], case: Case | None = None
) -> dict[str, Any]:
    """Check every field; returns the cleaned values (relations resolved)."""
    clean: dict[str, Any] = {}
    for f in TEXT_FIELDS:
        if f in data:
            clean[f] = str(data[f] or "").strip()
    title = clean.get("title", case.title if case else "")
    if not title:
        problems.append(
            problem("title_missing", gettext_noop("a title is required"), field="title")
        )
    elif len(title) > 200:
        problems.append(
            problem(
                "text_too_long",
                gettext_noop("at most 200 characters"),
                field="title",
                value=title[:40],
            )
        )
    if data.get("slug"):
        slug = str(data["slug"])
        if slugify(slug) != slug:
            problems.append(
                problem(
                    "slug_invalid",
                    gettext_noop("lower-case letters, digits and hyphens only"),
                    field="slug",
                    value=slug,
                )
            )
        elif slug in RESERVED_SLUGS:
            problems.append(
                problem(
                    "slug_reserved",
                    gettext_noop("this slug names a page of the catalogue"),
                    field="slug",
                    value=slug,
                )
            )
        elif Case.objects.filter(slug=slug).exclude(pk=case.pk if case else -1).exists():
            problems.append(
                problem("slug_taken", gettext_noop("this slug is taken"), field="slug", value=slug)
            )
        else:
            clean["slug"] = slug
    if "category" in data:
        cat = str(data["category"] or Case.Category.OTHER)
        if cat not in Case.Category.values:
            problems.append(
                problem(
                    "category_unknown",
                    gettext_noop("expected one of %(expected)s"),
                    field="category",
                    value=cat,
                    expected=", ".join(Case.Category.values),
                )
            )
        clean["category"] = cat
    if "links" in data:
        links = (
            _as_list(data["links"])
            if not isinstance(data["links"], str)
            else [v.strip() for v in str(data["links"]).replace(",", "\n").split() if v.strip()]
        )
        check = URLValidator(schemes=["http", "https"])
        for u in links:
            try:
                check(u)
            except ValidationError:
                problems.append(
                    problem(
                        "link_invalid",
                        gettext_noop("expected a web address (http:// or https://)"),
                        field="links",
                        value=u,
                    )
                )
        if len(links) > MAX_LINKS:
            problems.append(
                problem(
                    "links_too_many",
                    gettext_noop("at most %(n)s links"),
                    field="links",
                    value=len(links),
                    n=MAX_LINKS,
                )
            )
        clean["links"] = links
    if "agendas" in data:
        clean["agendas"] = _records("work_agenda", _as_list(data["agendas"]), "agendas", problems)
    if "r_strategies" in data:
        clean["r_strategies"] = _records(
            "r_strategy", _as_list(data["r_strategies"]), "r_strategies", problems
        )
    for f, kind in (("value_chain", "value_chain"), ("sector_group", "nace_sector_group")):
        if f in data:
            slugs = _as_list(data[f])
            found = _records(kind, slugs[:1], f, problems)
            clean[f] = found[0] if found else None
    if data.get("refnis"):
        muni = (
            Municipality.objects.select_related("province")
            .filter(refnis=str(data["refnis"]))
            .first()
        )
        if muni is None:
            problems.append(
                problem(
                    "municipality_unknown",
                    gettext_noop("unknown municipality (REFNIS code, e.g. 24062 Leuven)"),
                    field="refnis",
                    value=data["refnis"],
                )
            )
        else:
            clean["municipality"], clean["province"] = muni, muni.province
    elif "refnis" in data:
        clean["municipality"] = None
        if data.get("province"):
            prov = Province.objects.filter(refnis=str(data["province"])).first()
            if prov is None:
                problems.append(
                    problem(
                        "province_unknown",
                        gettext_noop("unknown province (REFNIS code, e.g. 20001)"),
                        field="province",
                        value=data["province"],
                    )
                )
            clean["province"] = prov
        else:
            clean["province"] = None
    if "organisation" in data:
        org = data["organisation"]
        if org in (None, ""):
            clean["organisation"] = None
        else:
            obj = organisation_find(org)
            if obj is None:
                problems.append(
                    problem(
                        "organisation_unknown",
                        gettext_noop("unknown organisation"),
                        field="organisation",
                        value=org,
                    )
                )
            elif (
                not is_staff(user)
                and obj.pk not in member_org_ids(user)
                # who may edit a case may keep its organisation (a moderator)
                and not (case is not None and obj.pk == case.organisation_id)
            ):
                problems.append(
                    problem(
                        "organisation_not_member",
                        gettext_noop("you are not a member of this organisation"),
                        field="organisation",
                        value=obj.name,
                    )
                )
            else:
                clean["organisation"] = obj
    return clean
