"""Circular scan: published questionnaire versions, responses per government and round, and the
log of every answer given.

Why these tables: a questionnaire version is stored as published (its parsed YAML) so a response
is always read and scored with the version it was given for, even after a new version is
published; a response belongs to one government organisation (several members contribute) and
one round (year); submitting freezes it and stores its score; the answer log keeps every value a
contributor entered, so nothing is lost when someone overwrites an answer.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class QuestionnaireVersion(models.Model):
    """One published version of a questionnaire (content = the validated YAML as data)."""

    code = models.SlugField(_("code"), max_length=80)
    version = models.PositiveIntegerField(_("version"))
    title_nl = models.CharField(_("title (Dutch)"), max_length=200)
    title_en = models.CharField(_("title (English)"), max_length=200, blank=True)
    content = models.JSONField(_("content"))
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    published_at = models.DateTimeField(_("published at"), auto_now_add=True)

    class Meta:
        ordering = ["code", "version"]
        constraints = [
            models.UniqueConstraint(
                fields=["code", "version"], name="scan_questionnaire_version_once"
            )
        ]
        verbose_name = _("questionnaire version")
        verbose_name_plural = _("questionnaire versions")

    def __str__(self) -> str:
        return f"{self.code} v{self.version}"


class Response(models.Model):
    """A government's answers for one round (year) of the scan."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("in progress")
        SUBMITTED = "submitted", _("submitted")

    organisation = models.ForeignKey(
        "organisations.Organisation",
        verbose_name=_("organisation"),
        on_delete=models.PROTECT,
        related_name="scan_responses",
        db_index=False,  # the unique (organisation, year) index leads with it
    )
    questionnaire = models.ForeignKey(
        QuestionnaireVersion,
        verbose_name=_("questionnaire version"),
        on_delete=models.PROTECT,
        related_name="responses",
    )
    year = models.PositiveIntegerField(_("round (year)"))
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.DRAFT
    )
    answers = models.JSONField(_("answers"), default=dict, blank=True)
    #: Stored at submission: ScanScore in full precision (see services.score_to_json).
    score = models.JSONField(_("score"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("submitted by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    source = models.CharField(_("entered through"), max_length=20, default="web")

    class Meta:
        ordering = ["-year", "organisation__name"]
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "year"], name="scan_one_response_per_round"
            )
        ]
        verbose_name = _("scan response")
        verbose_name_plural = _("scan responses")

    def __str__(self) -> str:
        return f"{self.organisation} {self.year}"

    @property
    def is_submitted(self) -> bool:
        return self.status == self.Status.SUBMITTED

    def answer(self, qid: str) -> Any:
        return (self.answers or {}).get(qid)
