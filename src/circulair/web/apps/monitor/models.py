"""Indicators, targets, observations (with the history of every changed value)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import get_language, pgettext_lazy
from django.utils.translation import gettext_lazy as _


class Indicator(models.Model):
    class Direction(models.TextChoices):
        LOWER = "lower_is_better", _("lower is better")
        HIGHER = "higher_is_better", _("higher is better")
        NONE = "none", _("no direction")

    slug = models.SlugField(_("slug"), max_length=80, unique=True)
    name_nl = models.CharField(_("name (Dutch)"), max_length=200)
    name_en = models.CharField(_("name (English)"), max_length=200, blank=True)
    unit = models.CharField(_("unit"), max_length=40)
    direction = models.CharField(_("direction"), max_length=20, choices=Direction.choices)
    description_nl = models.TextField(_("description (Dutch)"), blank=True)
    description_en = models.TextField(_("description (English)"), blank=True)

    class Meta:
        ordering = ["slug"]
        verbose_name = _("indicator")
        verbose_name_plural = _("indicators")

    def __str__(self) -> str:
        return self.slug

    @property
    def name(self) -> str:
        return self.name_en if get_language() == "en" and self.name_en else self.name_nl


class Target(models.Model):
    slug = models.SlugField(_("slug"), max_length=80, unique=True)
    indicator = models.ForeignKey(
        Indicator, verbose_name=_("indicator"), on_delete=models.CASCADE, related_name="targets"
    )
    name_nl = models.CharField(_("name (Dutch)"), max_length=200)
    name_en = models.CharField(_("name (English)"), max_length=200, blank=True)
    region = models.CharField(_("region"), max_length=16)
    baseline_year = models.IntegerField(_("baseline year"), null=True, blank=True)
    baseline_value = models.FloatField(_("baseline value"), null=True, blank=True)
    target_year = models.IntegerField(_("target year"))
    target_value = models.FloatField(_("target value"))
    target_type = models.CharField(
        _("type of target"),
        max_length=10,
        choices=[("absolute", _("absolute")), ("relative", _("relative"))],
    )
    unit = models.CharField(_("unit"), max_length=40)
    strict = models.BooleanField(_("strict"), default=False)
    order = models.IntegerField(_("order"), default=0)

    class Meta:
        ordering = ["order", "target_year", "slug"]
        verbose_name = pgettext_lazy("monitor", "target")
        verbose_name_plural = _("targets")

    def __str__(self) -> str:
        return self.slug

    @property
    def name(self) -> str:
        return self.name_en if get_language() == "en" and self.name_en else self.name_nl


class Observation(models.Model):
    class Origin(models.TextChoices):
        DATA = "data", _("source document")
        IMPORT = "import", _("imported")
        AGENDA = "agenda", _("agenda evaluation")

    indicator = models.ForeignKey(
        Indicator,
        verbose_name=_("indicator"),
        on_delete=models.CASCADE,
        related_name="observations",
        db_index=False,  # the unique (indicator, region, year) index leads with it
    )
    region = models.CharField(_("region"), max_length=16)
    year = models.IntegerField(_("year"))
    value = models.FloatField(_("value"))
    unit = models.CharField(_("unit"), max_length=40)
    source = models.CharField(_("source"), max_length=300, blank=True)
    note = models.TextField(_("note"), blank=True)
    origin = models.CharField(
        _("origin"), max_length=8, choices=Origin.choices, default=Origin.IMPORT
    )
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("updated by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
    )

    class Meta:
        ordering = ["indicator", "region", "year"]
        constraints = [
            models.UniqueConstraint(
                fields=["indicator", "region", "year"], name="monitor_obs_unique"
            )
        ]
        verbose_name = _("observation")
        verbose_name_plural = _("observations")

    def __str__(self) -> str:
        return f"{self.indicator.slug} {self.region} {self.year}: {self.value} {self.unit}"


class ImportBatch(models.Model):
    """An editor's import kept aside under the four-eyes rule until a second editor decides.

    Its key is the upload's (one batch per kept file), so a page or an API path names an
    import by one number whether or not it waited. ``figures`` are the validated rows (in the
    indicators' units); the counts are what the import would change, and once approved what
    it did change."""

    class Status(models.TextChoices):
        PENDING = "pending", _("waiting for a second editor")
        APPROVED = "approved", _("approved")
        REJECTED = "rejected", _("rejected")

    upload = models.OneToOneField(
        "common.Upload",
        primary_key=True,
        on_delete=models.CASCADE,
        related_name="monitor_batch",
        verbose_name=_("upload"),
    )
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.PENDING
    )
    figures = models.JSONField(_("figures"), default=list)
    created = models.PositiveIntegerField(_("created"), default=0)
    replaced = models.PositiveIntegerField(_("replaced"), default=0)
    unchanged = models.PositiveIntegerField(_("unchanged"), default=0)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("imported by"),
    )
    created_at = models.DateTimeField(_("imported at"), auto_now_add=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("decided by"),
    )
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    reason = models.TextField(_("reason"), blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("import batch")
        verbose_name_plural = _("import batches")

    def __str__(self) -> str:
        return f"{self.upload.original_name} ({self.status})"
