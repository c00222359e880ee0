"""Knowledge-base tables: a record per fact-bearing item, with citations, variants, relations.

One generic ``Record`` table keyed by (kind, slug) keeps every kind of the schema
(``circulair.core.knowledge.schema.KINDS``) without a migration per kind; the schema itself is
enforced by the loader.
"""

from __future__ import annotations

from typing import Any

from django.db import models
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from circulair.core.knowledge.texts import split_lines


class Source(models.Model):
    code = models.CharField(_("code"), max_length=16, unique=True)
    title = models.CharField(_("title"), max_length=300)
    title_en = models.CharField(_("title (English)"), max_length=300, blank=True)
    publisher = models.CharField(_("publisher"), max_length=200)
    year = models.PositiveIntegerField(_("year"))
    language = models.CharField(_("language"), max_length=8)
    file = models.CharField(_("file"), max_length=200)
    url = models.URLField(_("URL"), blank=True)

    class Meta:
        ordering = ["code"]
        verbose_name = _("source document")
        verbose_name_plural = _("source documents")

    def __str__(self) -> str:
        return f"[{self.code}] {self.title} ({self.publisher}, {self.year})"


class SourceText(models.Model):
    """A source document's installed text extraction (``circulair data sources DIR``): the
    source pages show cited passages from it. Optional: the product runs without it."""

    source = models.OneToOneField(
        Source, verbose_name=_("source document"), on_delete=models.CASCADE, related_name="text"
    )
    file = models.CharField(_("file"), max_length=200)
    text = models.TextField(_("text"))
    line_count = models.PositiveIntegerField(_("number of lines"))
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    installed = models.DateTimeField(_("installed"), auto_now=True)

    class Meta:
        ordering = ["source"]
        verbose_name = _("source text")
        verbose_name_plural = _("source texts")

    def __str__(self) -> str:
        return f"{self.source.code}: {self.file} ({self.line_count})"

    def lines(self) -> list[str]:
        return split_lines(self.text)


def name_in_language(nl: str | None, en: str | None) -> str:
    """The English name when English is active and one exists, else the Dutch one (the rule of
    ``Record.name``, for rows read as plain values)."""
    return (en if en and get_language() == "en" else nl) or ""


class Record(models.Model):
    class Origin(models.TextChoices):
        DATA = "data", _("shipped data file")
        ADMIN = "admin", _("entered in the back office")
        # A shipped record a person changed in the back office: the loader keeps it as it is.
        EDITED = "edited", _("edited in the back office")

    kind = models.CharField(_("kind"), max_length=64, db_index=True)
    slug = models.SlugField(_("slug"), max_length=120)
    name_nl = models.CharField(_("name (Dutch)"), max_length=300)
    name_en = models.CharField(_("name (English)"), max_length=300, blank=True)
    description_nl = models.TextField(_("description (Dutch)"), blank=True)
    description_en = models.TextField(_("description (English)"), blank=True)
    order = models.IntegerField(_("order"), default=0)
    attributes = models.JSONField(_("attributes"), default=dict, blank=True)
    data_file = models.CharField(_("data file"), max_length=120, blank=True)
    origin = models.CharField(
        _("origin"), max_length=8, choices=Origin.choices, default=Origin.ADMIN
    )

    class Meta:
        ordering = ["kind", "order", "slug"]
        constraints = [models.UniqueConstraint(fields=["kind", "slug"], name="kb_record_kind_slug")]
        verbose_name = _("knowledge record")
        verbose_name_plural = _("knowledge records")

    def __str__(self) -> str:
        return f"{self.kind}:{self.slug}"

    @property
    def name(self) -> str:
        return name_in_language(self.name_nl, self.name_en)

    @property
    def description(self) -> str:
        if get_language() == "en" and self.description_en:
            return self.description_en
        return self.description_nl

    def localized(self, value: Any) -> Any:
        """Pick the current language from a {nl, en} mapping stored in attributes."""
        if isinstance(value, dict) and "nl" in value:
            return value.get(get_language() or "nl") or value["nl"]
        return value


class Variant(models.Model):
    record = models.ForeignKey(
        Record,
        verbose_name=_("knowledge record"),
        on_delete=models.CASCADE,
        related_name="variants",
    )
    name = models.CharField(_("name"), max_length=64)
    label_nl = models.CharField(_("label (Dutch)"), max_length=300)
    label_en = models.CharField(_("label (English)"), max_length=300, blank=True)
    attributes = models.JSONField(_("attributes"), default=dict, blank=True)

    class Meta:
        ordering = ["record", "name"]
        constraints = [
            models.UniqueConstraint(fields=["record", "name"], name="kb_variant_record_name")
        ]
        verbose_name = _("variant")
        verbose_name_plural = _("variants")

    def __str__(self) -> str:
        return f"{self.record} / {self.name}"

    @property
    def label(self) -> str:
        return self.label_en if get_language() == "en" and self.label_en else self.label_nl


class Citation(models.Model):
    record = models.ForeignKey(
        Record,
        verbose_name=_("knowledge record"),
        on_delete=models.CASCADE,
        related_name="citations",
    )
    source = models.ForeignKey(
        Source,
        verbose_name=_("source document"),
        on_delete=models.PROTECT,
        related_name="citations",
    )
    locator = models.CharField(_("locator"), max_length=300)
    line_start = models.PositiveIntegerField(_("first line"))
    line_end = models.PositiveIntegerField(_("last line"))
    variant = models.CharField(_("variant"), max_length=64, blank=True)
    position = models.PositiveIntegerField(_("position"), default=0)

    class Meta:
        ordering = ["record", "variant", "position"]
        verbose_name = _("citation")
        verbose_name_plural = _("citations")

    def __str__(self) -> str:
        return f"{self.source.code}:{self.line_start}-{self.line_end}"


class Relation(models.Model):
    """A typed reference from one record to another (e.g. work path → agenda)."""

    from_record = models.ForeignKey(
        Record, verbose_name=_("from record"), on_delete=models.CASCADE, related_name="relations"
    )
    role = models.CharField(_("role"), max_length=64)
    to_record = models.ForeignKey(
        Record, verbose_name=_("to record"), on_delete=models.CASCADE, related_name="incoming"
    )
    position = models.PositiveIntegerField(_("position"), default=0)

    class Meta:
        ordering = ["from_record", "role", "position"]
        constraints = [
            models.UniqueConstraint(
                fields=["from_record", "role", "to_record"], name="kb_relation_unique"
            )
        ]
        verbose_name = _("relation")
        verbose_name_plural = _("relations")

    def __str__(self) -> str:
        return f"{self.from_record} -{self.role}-> {self.to_record}"
