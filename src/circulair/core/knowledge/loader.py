"""Load and validate the knowledge base from YAML files.

Validation reports every problem (file, record, field, value) at once, so a curator can fix a
file in one pass; nothing is loaded when anything is wrong.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import yaml

from circulair.core.errors import InputError, Problem
from circulair.core.knowledge.model import Citation, KnowledgeBase, Record, Source, Variant
from circulair.core.knowledge.schema import (
    ANY,
    BOOL,
    DICT_LIST,
    INT,
    KINDS,
    LOCALIZED,
    LOCALIZED_LIST,
    NUMBER,
    STR,
    STR_LIST,
    Attr,
)

SLUG_RE = re.compile(r"^[a-z0-9][a-z0-9-]*$")
SOURCES_FILE = "sources.yaml"
RECORD_KEYS = {
    "slug",
    "name",
    "description",
    "order",
    "attributes",
    "refs",
    "citations",
    "variants",
}


def default_knowledge_dir() -> Path:
    """The knowledge base shipped with the package."""
    return Path(__file__).resolve().parents[2] / "data" / "knowledge"


def _is_localized(v: Any) -> bool:
    return (
        isinstance(v, dict)
        and isinstance(v.get("nl"), str)
        and bool(v["nl"].strip())
        and all(isinstance(k, str) and isinstance(x, str) for k, x in v.items())
    )


def _type_ok(attr: Attr, v: Any) -> bool:
    if v is None:
        return attr.nullable
    t = attr.type
    if t == ANY:
        return True
    if t == STR:
        return isinstance(v, str)
    if t == INT:
        return isinstance(v, int) and not isinstance(v, bool)
    if t == NUMBER:
        return isinstance(v, (int, float)) and not isinstance(v, bool)
    if t == BOOL:
        return isinstance(v, bool)
    if t == LOCALIZED:
        return _is_localized(v)
    if t == STR_LIST:
        return isinstance(v, list) and all(isinstance(x, str) for x in v)
    if t == LOCALIZED_LIST:
        return isinstance(v, list) and all(_is_localized(x) for x in v)
    if t == DICT_LIST:
        return isinstance(v, list) and all(isinstance(x, dict) for x in v)
    return False


class _Collector:
    def __init__(self) -> None:
        self.problems: list[Problem] = []

    def add(self, message: str, **where: Any) -> None:
        self.problems.append(Problem(message=message, **where))


def _parse_citations(
    raw: Any,
    file: str,
    slug: str,
    field: str,
    sources: dict[str, Source],
    out: _Collector,
    variant: str = "",
) -> tuple[Citation, ...]:
    if not isinstance(raw, list) or not raw:
        out.add(
            "at least one citation is required (source, locator, lines)",
            file=file,
            row=slug,
            field=field,
            value=raw,
        )
        return ()
    cites = []
    for i, c in enumerate(raw):
        f = f"{field}[{i}]"
        if not isinstance(c, dict):
            out.add(
                "a citation is a mapping with source, locator and lines",
                file=file,
                row=slug,
                field=f,
                value=c,
            )
            continue
        src = str(c.get("source", ""))
        if src not in sources:
            out.add(
                f"unknown source; expected one of {sorted(sources)}",
                file=file,
                row=slug,
                field=f + ".source",
                value=c.get("source"),
            )
        loc = c.get("locator")
        if not isinstance(loc, str) or not loc.strip():
            out.add(
                "a locator (section or heading) is required",
                file=file,
                row=slug,
                field=f + ".locator",
                value=loc,
            )
        lines = c.get("lines")
        if (
            not isinstance(lines, list)
            or len(lines) != 2
            or not all(isinstance(x, int) and not isinstance(x, bool) and x > 0 for x in lines)
            or lines[0] > lines[1]
        ):
            out.add(
                "lines must be [first, last] with 0 < first <= last",
                file=file,
                row=slug,
                field=f + ".lines",
                value=lines,
            )
            continue
        extra = set(c) - {"source", "locator", "lines"}
        if extra:
            out.add(f"unknown citation keys {sorted(extra)}", file=file, row=slug, field=f)
        cites.append(Citation(src, str(loc or ""), lines[0], lines[1], variant))
    return tuple(cites)


def _check_attributes(
    kind: str, attrs: Any, file: str, slug: str, field: str, out: _Collector, partial: bool = False
) -> dict[str, Any]:
    spec = KINDS[kind]
    if attrs is None:
        attrs = {}
    if not isinstance(attrs, dict):
        out.add("attributes must be a mapping", file=file, row=slug, field=field, value=attrs)
        return {}
    for name, value in attrs.items():
        if name not in spec.attributes:
            out.add(
                f"unknown attribute for kind '{kind}'; expected one of {sorted(spec.attributes)}",
                file=file,
                row=slug,
                field=f"{field}.{name}",
            )
            continue
        a = spec.attributes[name]
        if not _type_ok(a, value):
            out.add(
                f"expected {a.type}{' or null' if a.nullable else ''}",
                file=file,
                row=slug,
                field=f"{field}.{name}",
                value=value,
            )
        elif a.choices is not None and value is not None and value not in a.choices:
            out.add(
                f"expected one of {list(a.choices)}",
                file=file,
                row=slug,
                field=f"{field}.{name}",
                value=value,
            )
    if not partial:
        for name, a in spec.attributes.items():
            if a.required and name not in attrs:
                out.add(
                    f"required attribute is missing ({a.type})",
                    file=file,
                    row=slug,
                    field=f"{field}.{name}",
                )
    return dict(attrs)


def _parse_record(
    kind: str, raw: Any, index: int, file: str, sources: dict[str, Source], out: _Collector
) -> Record | None:
    if not isinstance(raw, dict):
        out.add("a record must be a mapping", file=file, row=index + 1, value=raw)
        return None
    slug = raw.get("slug")
    if not isinstance(slug, str) or not SLUG_RE.match(slug):
        out.add(
            "slug must be lowercase letters, digits and hyphens",
            file=file,
            row=index + 1,
            field="slug",
            value=slug,
        )
        return None
    for k in sorted(set(raw) - RECORD_KEYS):
        out.add(f"unknown key; expected one of {sorted(RECORD_KEYS)}", file=file, row=slug, field=k)
    name: Any = raw.get("name")
    if not _is_localized(name):
        out.add(
            "name must be a mapping with at least a non-empty 'nl' (and 'en')",
            file=file,
            row=slug,
            field="name",
            value=name,
        )
        name = {"nl": slug}
    desc = raw.get("description") or {}
    if desc and not _is_localized(desc):
        out.add(
            "description must be a mapping of language to text with 'nl'",
            file=file,
            row=slug,
            field="description",
            value=desc,
        )
        desc = {}
    order = raw.get("order", 0)
    if not isinstance(order, int) or isinstance(order, bool):
        out.add("order must be an integer", file=file, row=slug, field="order", value=order)
        order = 0
    attrs = _check_attributes(kind, raw.get("attributes"), file, slug, "attributes", out)
    refs_raw = raw.get("refs") or {}
    refs: dict[str, tuple[str, ...]] = {}
    spec = KINDS[kind]
    if not isinstance(refs_raw, dict):
        out.add("refs must be a mapping", file=file, row=slug, field="refs", value=refs_raw)
        refs_raw = {}
    for rname, rv in refs_raw.items():
        if rname not in spec.refs:
            out.add(
                f"unknown reference for kind '{kind}'; expected one of {sorted(spec.refs)}",
                file=file,
                row=slug,
                field=f"refs.{rname}",
            )
            continue
        r = spec.refs[rname]
        vals = rv if isinstance(rv, list) else [rv]
        if (r.many is False and isinstance(rv, list)) or not all(isinstance(x, str) for x in vals):
            out.add(
                "expected a slug" + (" or a list of slugs" if r.many else ""),
                file=file,
                row=slug,
                field=f"refs.{rname}",
                value=rv,
            )
            continue
        refs[rname] = tuple(vals)
    for rname, r in spec.refs.items():
        if r.required and not refs.get(rname):
            out.add(
                f"required reference to a '{r.kind}' is missing",
                file=file,
                row=slug,
                field=f"refs.{rname}",
            )
    cites = _parse_citations(raw.get("citations"), file, slug, "citations", sources, out)
    variants = []
    for i, v in enumerate(raw.get("variants") or []):
        f = f"variants[{i}]"
        if not isinstance(v, dict) or not isinstance(v.get("name"), str):
            out.add(
                "a variant is a mapping with a name, attributes and citations",
                file=file,
                row=slug,
                field=f,
                value=v,
            )
            continue
        vattrs = _check_attributes(
            kind, v.get("attributes"), file, slug, f + ".attributes", out, partial=True
        )
        label = v.get("label") or {"nl": v["name"], "en": v["name"]}
        if not _is_localized(label):
            out.add(
                "label must be a mapping with 'nl'",
                file=file,
                row=slug,
                field=f + ".label",
                value=label,
            )
            label = {"nl": v["name"]}
        vc = _parse_citations(
            v.get("citations"), file, slug, f + ".citations", sources, out, variant=v["name"]
        )
        variants.append(Variant(v["name"], dict(label), vattrs, vc))
    return Record(
        kind=kind,
        slug=slug,
        name=dict(name),
        file=file,
        description=dict(desc),
        order=order,
        attributes=attrs,
        refs=refs,
        citations=cites,
        variants=tuple(variants),
    )


def parse_sources(raw: Any, file: str, out: _Collector) -> dict[str, Source]:
    sources: dict[str, Source] = {}
    items = raw.get("sources") if isinstance(raw, dict) else None
    if not isinstance(items, list):
        out.add("expected a mapping with a 'sources' list", file=file)
        return sources
    for i, s in enumerate(items):
        try:
            src = Source(
                id=str(s["id"]),
                title=str(s["title"]),
                publisher=str(s["publisher"]),
                year=int(s["year"]),
                language=str(s["language"]),
                file=str(s["file"]),
                url=str(s.get("url", "")),
                title_en=str(s.get("title_en", "")),
            )
        except (KeyError, TypeError, ValueError) as e:
            out.add(
                f"source needs id, title, publisher, year, language, file ({e})",
                file=file,
                row=i + 1,
            )
            continue
        sources[src.id] = src
    return sources


def load_knowledge(
    directory: Path | None = None, *, seeds_dir: Path | None = None
) -> KnowledgeBase:
    """Read, validate and return the whole knowledge base, or raise :class:`InputError`.

    ``seeds_dir``, when given, also checks that every cited line range lies inside the cited
    source's text extraction.
    """
    directory = directory or default_knowledge_dir()
    out = _Collector()
    src_path = directory / SOURCES_FILE
    if not src_path.exists():
        raise InputError.single("sources.yaml is missing", file=str(src_path))
    sources = parse_sources(_read_yaml(src_path, out), SOURCES_FILE, out)
    records: list[Record] = []
    for path in sorted(directory.glob("*.yaml")):
        if path.name == SOURCES_FILE:
            continue
        records.extend(_parse_file(path, sources, out))
    _check_integrity(records, out)
    if seeds_dir is not None:
        _check_lines(records, sources, seeds_dir, out)
    if out.problems:
        raise InputError(out.problems)
    return KnowledgeBase(sources=sources, records=records)


def _read_yaml(path: Path, out: _Collector) -> Any:
    try:
        return yaml.safe_load(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as e:
        mark = getattr(e, "problem_mark", None)
        out.add(
            f"not valid YAML: {getattr(e, 'problem', e)}",
            file=path.name,
            row=(mark.line + 1) if mark else None,
        )
        return None


def _parse_file(path: Path, sources: dict[str, Source], out: _Collector) -> Iterable[Record]:
    raw = _read_yaml(path, out)
    if raw is None:
        return []
    kind = raw.get("kind") if isinstance(raw, dict) else None
    if kind not in KINDS:
        out.add(
            f"unknown kind; expected one of {sorted(KINDS)}",
            file=path.name,
            field="kind",
            value=kind,
        )
        return []
    items = raw.get("records")
    if not isinstance(items, list):
        out.add("expected a 'records' list", file=path.name, field="records")
        return []
    recs = [_parse_record(kind, r, i, path.name, sources, out) for i, r in enumerate(items)]
    return [r for r in recs if r is not None]


def _check_integrity(records: list[Record], out: _Collector) -> None:
    seen: dict[tuple[str, str], str] = {}
    for r in records:
        if r.key in seen:
            out.add(
                f"duplicate slug for kind '{r.kind}' (also in {seen[r.key]})",
                file=r.file,
                row=r.slug,
                field="slug",
                value=r.slug,
            )
        seen[r.key] = r.file
    for r in records:
        spec = KINDS[r.kind]
        for rname, slugs in r.refs.items():
            target = spec.refs[rname].kind
            for s in slugs:
                if (target, s) not in seen:
                    out.add(
                        f"broken reference: no '{target}' record with this slug",
                        file=r.file,
                        row=r.slug,
                        field=f"refs.{rname}",
                        value=s,
                    )


def _check_lines(
    records: list[Record], sources: dict[str, Source], seeds_dir: Path, out: _Collector
) -> None:
    counts: dict[str, int] = {}
    for sid, s in sources.items():
        p = seeds_dir / s.file
        if p.exists():
            counts[sid] = len(p.read_text(encoding="utf-8", errors="replace").splitlines())
    for r in records:
        for c in (*r.citations, *(c for v in r.variants for c in v.citations)):
            n = counts.get(c.source)
            if n is not None and c.line_end > n:
                out.add(
                    f"cited lines end after the source's last line ({n})",
                    file=r.file,
                    row=r.slug,
                    field="citations",
                    value=c.label(),
                )
