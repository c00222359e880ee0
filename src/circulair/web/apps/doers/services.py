"""Writes of the doers catalogue: create, edit, publish, import, seeding from the knowledge base.

Permissions (checked here, so the web, the API and a crafted request meet the same rule):
- a member of an organisation creates cases for that organisation and edits its cases;
- staff edit every case (also seeded ones, which have no organisation account) and are the
  only ones who publish or archive (an editorial check); a member may withdraw its own
  organisation's published case back to draft;
- ``user=None`` is the command line, run by an operator of the platform itself.
"""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.validators import URLValidator
from django.db import connection, transaction
from django.utils import timezone
from django.utils.text import slugify

from circulair.core.doers.search import index_text, term_weights
from circulair.core.errors import InputError, Problem
from circulair.web.apps.common.permissions import is_administrator
from circulair.web.apps.common.tables import read_table
from circulair.web.apps.common.uploads import upload_keep
from circulair.web.apps.doers.models import Case, CaseCitation, CaseImage, CaseTerm
from circulair.web.apps.geography.models import Municipality, Province
from circulair.web.apps.knowledge.models import Record
from circulair.web.apps.organisations.selectors import organisation_ids_of
from circulair.web.apps.organisations.services import organisation_find

log = logging.getLogger(__name__)

TEXT_FIELDS = ("title", "summary", "body", "organisation_name")
MAX_LINKS = 20


# --- permissions -----------------------------------------------------------------------------


def is_staff(user: Any) -> bool:
    """The operator (``user`` None: CLI, seeding) or an administrator."""
    return user is None or is_administrator(user)


member_org_ids = organisation_ids_of


def can_edit(user: Any, case: Case) -> bool:
    if is_staff(user):
        return True
    return case.organisation_id is not None and case.organisation_id in member_org_ids(user)


def can_publish(user: Any) -> bool:
    return is_staff(user)


def _require_edit(user: Any, case: Case) -> None:
    if not can_edit(user, case):
        raise PermissionDenied("only members of the case's organisation or staff edit this case")


# --- validation ------------------------------------------------------------------------------


def case_search_text(case: Case) -> str:
    """The folded token string both full-text indexes read (title, organisation, summary, body)."""
    return index_text(case.title, case.organisation_label, case.summary, case.body)


def _records(kind: str, slugs: list[str], fname: str, problems: list[Problem]) -> list[Record]:
    found = {r.slug: r for r in Record.objects.filter(kind=kind, slug__in=slugs)}
    for s in slugs:
        if s not in found:
            problems.append(
                Problem(f"unknown {kind} (see: circulair kb list {kind})", field=fname, value=s)
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
        problems.append(Problem("a title is required", field="title"))
    elif len(title) > 200:
        problems.append(Problem("at most 200 characters", field="title", value=title[:40]))
    if data.get("slug"):
        slug = str(data["slug"])
        if slugify(slug) != slug:
            problems.append(
                Problem("lower-case letters, digits and hyphens only", field="slug", value=slug)
            )
        elif Case.objects.filter(slug=slug).exclude(pk=case.pk if case else -1).exists():
            problems.append(Problem("this slug is taken", field="slug", value=slug))
        else:
            clean["slug"] = slug
    if "category" in data:
        cat = str(data["category"] or Case.Category.OTHER)
        if cat not in Case.Category.values:
            problems.append(
                Problem(f"expected one of {Case.Category.values}", field="category", value=cat)
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
                    Problem("expected a web address (http:// or https://)", field="links", value=u)
                )
        if len(links) > MAX_LINKS:
            problems.append(Problem(f"at most {MAX_LINKS} links", field="links", value=len(links)))
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
                Problem(
                    "unknown municipality (REFNIS code, e.g. 24062 Leuven)",
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
                    Problem(
                        "unknown province (REFNIS code, e.g. 20001)",
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
                problems.append(Problem("unknown organisation", field="organisation", value=org))
            elif not is_staff(user) and obj.pk not in member_org_ids(user):
                problems.append(
                    Problem(
                        "you are not a member of this organisation",
                        field="organisation",
                        value=obj.name,
                    )
                )
            else:
                clean["organisation"] = obj
    return clean


def _unique_slug(title: str) -> str:
    base = slugify(title)[:100] or "case"
    slug, n = base, 1
    while Case.objects.filter(slug=slug).exists():
        n += 1
        slug = f"{base}-{n}"
    return slug


def _apply(case: Case, clean: dict[str, Any]) -> None:
    m2m = {k: clean.pop(k) for k in ("agendas", "r_strategies") if k in clean}
    for k, v in clean.items():
        setattr(case, k, v)
    if case.organisation is not None and not case.organisation_name:
        case.organisation_name = case.organisation.name
    if not case.slug:
        case.slug = _unique_slug(case.title)
    case.search_text = case_search_text(case)
    case.full_clean()
    case.save()
    case_terms_sync([case.pk])
    for k, v in m2m.items():
        getattr(case, k).set(v)


# --- writes ----------------------------------------------------------------------------------


@transaction.atomic
def case_create(*, user: Any, data: dict[str, Any]) -> Case:
    """Create a draft case for an organisation the user belongs to (staff: any or none)."""
    if user is not None and not getattr(user, "is_authenticated", False):
        raise PermissionDenied("log in to add a case")
    problems: list[Problem] = []
    if not is_staff(user) and not data.get("organisation"):
        problems.append(Problem("choose one of your organisations", field="organisation"))
    clean = _validate(data, user, problems)
    if problems:
        raise InputError(problems)
    case = Case(
        created_by=user if getattr(user, "is_authenticated", False) else None,
        origin=Case.Origin.USER,
        status=Case.Status.DRAFT,
    )
    _apply(case, clean)
    log.info("case created: %s", case.slug)
    return case


@transaction.atomic
def case_update(*, user: Any, case: Case, data: dict[str, Any]) -> Case:
    """Change a case; a seeded case edited by a user is no longer refreshed by the seeding."""
    _require_edit(user, case)
    problems: list[Problem] = []
    if not is_staff(user) and "organisation" in data and not data["organisation"]:
        problems.append(Problem("choose one of your organisations", field="organisation"))
    clean = _validate(data, user, problems, case)
    if problems:
        raise InputError(problems)
    if case.origin == Case.Origin.DATA:
        case.origin = Case.Origin.EDITED
    _apply(case, clean)
    return case


def _set_status(case: Case, status: str) -> Case:
    case.status = status
    if status == Case.Status.PUBLISHED and case.published_at is None:
        case.published_at = timezone.now()
    case.save(update_fields=["status", "published_at", "updated_at"])
    return case


def case_publish(*, user: Any, case: Case) -> Case:
    """Make a case public (staff only: the catalogue is edited)."""
    if not can_publish(user):
        raise PermissionDenied("only staff publish cases")
    problems = []
    if not case.summary:
        problems.append(Problem("a published case needs a summary", field="summary"))
    if problems:
        raise InputError(problems)
    return _set_status(case, Case.Status.PUBLISHED)


def case_unpublish(*, user: Any, case: Case) -> Case:
    """Back to draft: staff, or a member of the case's organisation withdrawing it."""
    _require_edit(user, case)
    return _set_status(case, Case.Status.DRAFT)


def case_archive(*, user: Any, case: Case) -> Case:
    if not can_publish(user):
        raise PermissionDenied("only staff archive cases")
    return _set_status(case, Case.Status.ARCHIVED)


def case_image_add(*, user: Any, case: Case, image: Any, caption: str = "") -> CaseImage:
    """Keep an uploaded image with the case (stored under MEDIA_ROOT/doers/)."""
    _require_edit(user, case)
    img = CaseImage(case=case, image=image, caption=caption[:200], position=case.images.count())
    img.full_clean()
    img.save()
    return img


# --- import ----------------------------------------------------------------------------------

IMPORT_COLUMNS = ("title", "summary")
IMPORT_OPTIONAL = (
    "slug",
    "body",
    "organisation",
    "organisation_name",
    "agendas",
    "r_strategies",
    "value_chain",
    "sector_group",
    "refnis",
    "province",
    "category",
    "links",
    "status",
)


def cases_import(*, content: bytes, file_name: str, user: Any = None) -> list[Case]:
    """Import cases from CSV/XLSX; every bad row is named, nothing is saved unless all are valid,
    and the file is kept. ``organisation`` is an organisation id or exact name; list columns
    (agendas, r_strategies, links) are separated by commas or semicolons."""

    try:
        rows = _table_rows(content, file_name)
        problems: list[Problem] = []
        prepared: list[tuple[dict[str, Any], str]] = []
        seen: dict[str, int] = {}
        for line, raw in rows:
            row_problems: list[Problem] = []
            data = {k: v for k, v in raw.items() if k in IMPORT_COLUMNS + IMPORT_OPTIONAL}
            org = data.get("organisation", "")
            if org and not org.isdigit():
                o = organisation_find(org)
                data["organisation"] = str(o.pk) if o else f"name:{org}"
            status = data.pop("status", "") or Case.Status.DRAFT
            if status not in (Case.Status.DRAFT, Case.Status.PUBLISHED):
                row_problems.append(
                    Problem("expected draft or published", field="status", value=status)
                )
            elif status == Case.Status.PUBLISHED and not can_publish(user):
                row_problems.append(
                    Problem("only staff publish cases", field="status", value=status)
                )
            if not data.get("summary"):
                row_problems.append(Problem("a summary is required", field="summary"))
            slug = data.get("slug") or slugify(data.get("title", ""))[:100]
            if slug in seen:
                row_problems.append(
                    Problem(f"the same slug as line {seen[slug]}", field="slug", value=slug)
                )
            seen[slug] = line
            if not is_staff(user) and not data.get("organisation"):
                row_problems.append(
                    Problem("choose one of your organisations", field="organisation")
                )
            if str(data.get("organisation", "")).startswith("name:"):
                row_problems.append(
                    Problem("unknown organisation", field="organisation", value=org)
                )
                data.pop("organisation")
            _validate(data, user, row_problems)
            problems.extend(p.at(file=file_name, row=line) for p in row_problems)
            prepared.append((data, status))
        if not rows:
            problems.append(Problem("the file has no rows", file=file_name))
        if problems:
            raise InputError(problems)
    except InputError as e:
        upload_keep(purpose="doers", name=file_name, content=content, user=user, error=e)
        raise
    with transaction.atomic():
        upload_keep(purpose="doers", name=file_name, content=content, user=user)
        out = []
        for data, status in prepared:
            case = case_create(user=user, data=data)
            if status == Case.Status.PUBLISHED:
                _set_status(case, status)
            out.append(case)
    log.info("cases import %s: %d rows", file_name, len(out))
    return out


def _table_rows(content: bytes, file_name: str) -> list[tuple[int, dict[str, str]]]:
    """Rows of a CSV (UTF-8) or XLSX file as (file line, {lower-case column: text})."""

    header, rows = read_table(content, file_name)
    missing = [c for c in IMPORT_COLUMNS if c not in header]
    if missing:
        raise InputError.single(
            f"missing columns {missing}; expected {list(IMPORT_COLUMNS)} "
            f"and optionally {list(IMPORT_OPTIONAL)}",
            file=file_name,
            row=1,
        )
    return rows


# --- seeding ---------------------------------------------------------------------------------


@dataclass
class SeedReport:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    kept: list[str] = field(default_factory=list)

    @property
    def changes(self) -> int:
        return self.created + self.updated


def _category(locator: str) -> str:
    """Derived from where the source names the case (see the module docs of the catalogue)."""
    if locator.startswith("Case "):
        return Case.Category.STUDY_CASE
    if "innovatieve projecten" in locator:
        return Case.Category.INNOVATIVE_PROJECT
    return Case.Category.PRACTICE


def _facts_text(facts: list[dict[str, Any]]) -> str:
    lines = []
    for f in facts:
        note = f" ({f['note']})" if f.get("note") else ""
        lines.append(f"{f['label']}: {f['value']} {f.get('unit', '')}".rstrip() + note)
    return "\n".join(lines)


@transaction.atomic
def cases_seed() -> SeedReport:
    """Create or refresh the catalogue's cases from the knowledge base's ``case`` records.

    Idempotent (a second run changes nothing). Only cases with origin ``data`` are refreshed;
    a seeded case edited by a user (origin ``edited``) keeps its text, and cases entered by users
    are never touched or deleted. A slug already used by a user's case is left alone (reported).
    """
    from circulair.web.apps.knowledge.models import Citation, Relation

    t0 = time.perf_counter()
    search_index_ensure()
    report = SeedReport()
    indexed: list[int] = []
    records = list(Record.objects.filter(kind="case").order_by("order", "slug"))
    rels: dict[int, dict[str, list[Record]]] = {}
    for rel in (
        Relation.objects.filter(from_record__kind="case")
        .select_related("to_record")
        .order_by("from_record_id", "role", "position")
    ):
        rels.setdefault(rel.from_record_id, {}).setdefault(rel.role, []).append(rel.to_record)
    cites: dict[int, list[Citation]] = {}
    for c in (
        Citation.objects.filter(record__kind="case", variant="")
        .select_related("source")
        .order_by("record_id", "position")
    ):
        cites.setdefault(c.record_id, []).append(c)
    refnis = {str(r.attributes.get("municipality_refnis", "")) for r in records}
    munis = {m.refnis: m for m in Municipality.objects.filter(refnis__in=refnis)}
    existing = {c.slug: c for c in Case.objects.filter(slug__in=[r.slug for r in records])}
    for r in records:
        case = existing.get(r.slug)
        if case is not None and case.kb_slug != r.slug:
            report.kept.append(r.slug)  # a user's case has this slug: never overwrite it
            continue
        muni = munis.get(str(r.attributes.get("municipality_refnis", "")))
        rcites = cites.get(r.pk, [])
        values: dict[str, Any] = {
            "title": r.name_nl,
            "summary": r.description_nl,
            "body": _facts_text(r.attributes.get("facts") or []),
            "organisation_name": str(r.attributes.get("organisation", "")),
            "municipality": muni,
            "province": muni.province if muni else None,
            "category": _category(rcites[0].locator if rcites else ""),
        }
        agendas = sorted(a.pk for a in rels.get(r.pk, {}).get("agendas", []))
        rstrats = sorted(a.pk for a in rels.get(r.pk, {}).get("r_strategies", []))
        changed = created = False
        if case is None:
            case = Case(
                slug=r.slug,
                kb_slug=r.slug,
                origin=Case.Origin.DATA,
                status=Case.Status.PUBLISHED,
                published_at=timezone.now(),
                **values,
            )
            case.search_text = case_search_text(case)
            case.save()
            indexed.append(case.pk)
            created = True
        elif case.origin == Case.Origin.DATA and any(
            getattr(case, k) != v for k, v in values.items()
        ):
            for k, v in values.items():
                setattr(case, k, v)
            case.search_text = case_search_text(case)
            case.save()
            indexed.append(case.pk)
            changed = True
        if case.origin == Case.Origin.DATA:
            if sorted(case.agendas.values_list("pk", flat=True)) != agendas:
                case.agendas.set(agendas)
                changed = True
            if sorted(case.r_strategies.values_list("pk", flat=True)) != rstrats:
                case.r_strategies.set(rstrats)
                changed = True
        rows = [(c.source_id, c.locator, c.line_start, c.line_end, i) for i, c in enumerate(rcites)]
        current = list(
            case.citations.order_by("position").values_list(
                "source_id", "locator", "line_start", "line_end", "position"
            )
        )
        if current != rows:
            case.citations.all().delete()
            CaseCitation.objects.bulk_create(
                CaseCitation(
                    case=case, source_id=s, locator=loc, line_start=a, line_end=b, position=i
                )
                for s, loc, a, b, i in rows
            )
            changed = True
        if created:
            report.created += 1
        elif changed:
            report.updated += 1
        else:
            report.unchanged += 1
    case_terms_sync(indexed)
    log.info(
        "doers seed: %d cases (%d created, %d updated) in %.2fs",
        len(records),
        report.created,
        report.updated,
        time.perf_counter() - t0,
    )
    return report


TERM_BATCH = 500


def case_terms_sync(case_ids: list[int] | None = None) -> int:
    """Rewrite the ranking's term rows (``CaseTerm``) of these cases (all when ``None``) from
    their ``search_text``; returns the number of rows written.

    Every write path that sets ``search_text`` calls this (forms, API, import, seeding, admin);
    ``search_index_ensure`` repairs cases that were bulk-inserted without it.
    """
    table, written = CaseTerm._meta.db_table, 0
    ids = (
        case_ids
        if case_ids is not None
        else list(Case.objects.order_by("pk").values_list("pk", flat=True))
    )
    with connection.cursor() as cur:
        for i in range(0, len(ids), TERM_BATCH):
            chunk = ids[i : i + TERM_BATCH]
            marks = ",".join(["%s"] * len(chunk))
            cur.execute(f"DELETE FROM {table} WHERE case_id IN ({marks})", chunk)
            rows = [
                (pk, term, w)
                for pk, text in Case.objects.filter(pk__in=chunk).values_list("pk", "search_text")
                for term, w in term_weights(text).items()
            ]
            cur.executemany(
                f"INSERT INTO {table} (case_id, term, weight) VALUES (%s, %s, %s)", rows
            )
            written += len(rows)
    return written


def search_index_ensure() -> bool:
    """(Re)create the SQLite FTS5 triggers when missing (a table remake drops them) and rebuild;
    on both engines, write the term rows of cases that have text but none (bulk inserts).

    Returns True when an index had to be rebuilt or completed. PostgreSQL's tsvector column is
    kept by its trigger.
    """
    missing = list(
        Case.objects.exclude(search_text="")
        .exclude(pk__in=CaseTerm.objects.values("case_id"))
        .values_list("pk", flat=True)
    )
    if missing:
        case_terms_sync(missing)
    if connection.vendor != "sqlite":
        return bool(missing)
    from circulair.web.apps.doers.selectors import fts as _fts

    with connection.cursor() as cur:
        cur.execute("SELECT name FROM sqlite_master WHERE name LIKE 'doers_case_fts%'")
        names = {row[0] for row in cur.fetchall()}
        if set(_fts.SQLITE_OBJECTS) <= names:
            return bool(missing)
        for sql in _fts.SQLITE_DOWN:
            cur.execute(sql)
        for sql in _fts.SQLITE_UP:
            cur.execute(sql)
    return True
