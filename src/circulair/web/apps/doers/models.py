"""The doers catalogue: cases others can learn from, with a draft → published workflow.

A member's draft is submitted for review (``review_requested_at``); a catalogue moderator or an
administrator approves it (it is published) or sends it back with a remark the author reads
(``moderation_remark``, kept until the next submit). See ``services.review``.

A case links to the knowledge base (agendas, R-strategies, value chain, sector group are
``knowledge.Record`` rows of kinds ``work_agenda``, ``r_strategy``, ``value_chain`` and
``nace_sector_group``) and to the reference geography. Cases seeded from the shipped data
(``origin = data``) carry their citations; ``search_text`` is the folded token string that the
full-text indexes of both engines read (see ``circulair.core.doers.search``).
"""

from __future__ import annotations

from django.conf import settings
from django.contrib.postgres.search import SearchVectorField
from django.db import models
from django.utils.translation import gettext_lazy as _


class Case(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", _("draft")
        PUBLISHED = "published", _("published")
        ARCHIVED = "archived", _("archived")

    class Category(models.TextChoices):
        STUDY_CASE = "study_case", _("worked case")
        INNOVATIVE_PROJECT = "innovative_project", _("innovative project")
        PRACTICE = "practice", _("practice example")
        OTHER = "other", _("other")

    class Origin(models.TextChoices):
        DATA = "data", _("shipped data file")
        USER = "user", _("entered by a user")
        EDITED = "edited", _("shipped, edited by a user")

    title = models.CharField(_("title"), max_length=200)
    slug = models.SlugField(max_length=120, unique=True)
    summary = models.TextField(_("summary"), blank=True)
    body = models.TextField(_("text"), blank=True)
    organisation = models.ForeignKey(
        "organisations.Organisation",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="doer_cases",
    )
    organisation_name = models.CharField(_("organisation name"), max_length=200, blank=True)
    agendas = models.ManyToManyField(
        "knowledge.Record",
        blank=True,
        related_name="doer_cases",
        limit_choices_to={"kind": "work_agenda"},
    )
    r_strategies = models.ManyToManyField(
        "knowledge.Record", blank=True, related_name="+", limit_choices_to={"kind": "r_strategy"}
    )
    value_chain = models.ForeignKey(
        "knowledge.Record",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        limit_choices_to={"kind": "value_chain"},
    )
    sector_group = models.ForeignKey(
        "knowledge.Record",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        limit_choices_to={"kind": "nace_sector_group"},
    )
    province = models.ForeignKey(
        "geography.Province", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    municipality = models.ForeignKey(
        "geography.Municipality", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    category = models.CharField(
        _("category"), max_length=20, choices=Category.choices, default=Category.OTHER
    )
    links = models.JSONField(_("links"), default=list, blank=True)
    status = models.CharField(
        max_length=10, choices=Status.choices, default=Status.DRAFT, db_index=True
    )
    origin = models.CharField(max_length=8, choices=Origin.choices, default=Origin.USER)
    kb_slug = models.SlugField(
        max_length=120,
        blank=True,
        help_text=_("Slug of the knowledge-base case this was seeded from"),
    )
    search_text = models.TextField(blank=True, editable=False)
    # PostgreSQL only: to_tsvector('simple', search_text), filled by a trigger (migration 0002);
    # stored so that any plan (index or scan) compares ready vectors. NULL on SQLite (FTS5).
    search_vector = SearchVectorField(null=True, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True, db_index=True)
    published_at = models.DateTimeField(null=True, blank=True)
    # set while a draft waits for a moderator (oldest first in the queue); cleared by a decision
    review_requested_at = models.DateTimeField(_("submitted for review"), null=True, blank=True)
    moderation_remark = models.TextField(_("moderator's remark"), blank=True, max_length=2000)

    class Meta:
        ordering = ["title", "slug"]
        verbose_name = _("case")
        verbose_name_plural = _("cases")
        # (status, x) indexes cover the facet counts, so they do not read the wide rows
        indexes = [
            models.Index(fields=["status", "title"], name="doers_case_status_title"),
            models.Index(fields=["status", "category"], name="doers_case_status_cat"),
            models.Index(fields=["status", "province"], name="doers_case_status_prov"),
            # the ranking's join reads these by id without the row: SQLite stores the
            # long texts inside the row, and reading a column after them walks overflow
            # pages (ranking a common word over 20,000 cases: 58 ms → 29 ms)
            models.Index(
                fields=["id", "status", "slug", "category", "province"], name="doers_case_narrow"
            ),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def in_review(self) -> bool:
        """A draft submitted for review that no moderator has decided on yet."""
        return self.review_requested_at is not None

    @property
    def organisation_label(self) -> str:
        return self.organisation_name or (self.organisation.name if self.organisation else "")


class CaseImage(models.Model):
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="images")
    image = models.ImageField(upload_to="doers/%Y/")
    caption = models.CharField(max_length=200, blank=True)
    position = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["case", "position", "pk"]
        verbose_name = _("case image")
        verbose_name_plural = _("case images")


class CaseCitation(models.Model):
    """Where a seeded case is named in a source document (as knowledge-base citations)."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="citations")
    source = models.ForeignKey("knowledge.Source", on_delete=models.PROTECT, related_name="+")
    locator = models.CharField(max_length=300)
    line_start = models.PositiveIntegerField()
    line_end = models.PositiveIntegerField()
    position = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["case", "position"]
        verbose_name = _("citation")
        verbose_name_plural = _("citations")

    def __str__(self) -> str:
        return f"{self.source.code}:{self.line_start}-{self.line_end}"


class CaseTerm(models.Model):
    """One token of a case with its weighted frequency ``f(t, d)``
    (``circulair.core.doers.search.term_weights``), derived from ``search_text``.

    Why: the ranking then sums a few index rows per query term in SQL — the same integer sums
    and IEEE arithmetic on SQLite and PostgreSQL — instead of reading and scoring the text of
    every matching case in Python. Kept in step by ``services.case_terms_sync``.
    """

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="+")
    term = models.TextField()
    weight = models.PositiveIntegerField()

    class Meta:
        # (term, case, weight) covers the ranking's reads; the case index serves rewrites.
        # No unique (case, term) index: with it SQLite's planner chose a skip-scan over case
        # ids for term ranges (4x slower); the rows come from a dict, one per (case, term).
        indexes = [models.Index(fields=["term", "case", "weight"], name="doers_term_rank")]
