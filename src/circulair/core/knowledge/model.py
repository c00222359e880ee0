"""Typed records of the knowledge base."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class Source:
    """One source document (``sources.yaml``)."""

    id: str
    title: str
    publisher: str
    year: int
    language: str
    file: str
    url: str = ""
    title_en: str = ""


@dataclass(frozen=True)
class Citation:
    """Where a fact stands: a source, a human locator and a line range of the text extraction."""

    source: str
    locator: str
    line_start: int
    line_end: int
    variant: str = ""

    def label(self) -> str:
        return f"{self.source}:{self.line_start}-{self.line_end}"


@dataclass(frozen=True)
class Variant:
    """A named alternative reading where two passages disagree."""

    name: str
    label: dict[str, str]
    attributes: dict[str, Any]
    citations: tuple[Citation, ...]


@dataclass(frozen=True)
class Record:
    """One knowledge-base record of a given kind."""

    kind: str
    slug: str
    name: dict[str, str]
    file: str
    description: dict[str, str] = field(default_factory=dict)
    order: int = 0
    attributes: dict[str, Any] = field(default_factory=dict)
    refs: dict[str, tuple[str, ...]] = field(default_factory=dict)
    citations: tuple[Citation, ...] = ()
    variants: tuple[Variant, ...] = ()

    @property
    def key(self) -> tuple[str, str]:
        return (self.kind, self.slug)


@dataclass
class KnowledgeBase:
    """All sources and records, validated together."""

    sources: dict[str, Source]
    records: list[Record]

    def by_kind(self, kind: str) -> list[Record]:
        return sorted((r for r in self.records if r.kind == kind), key=lambda r: (r.order, r.slug))

    def get(self, kind: str, slug: str) -> Record:
        for r in self.records:
            if r.kind == kind and r.slug == slug:
                return r
        raise KeyError((kind, slug))
