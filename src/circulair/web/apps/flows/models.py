"""Material and waste flows: datasets (one import each, with its source and licence) and the
flow records they hold, classified on import (material, rung of the R-ladder) so that every
aggregation is a database GROUP BY rather than a walk over Python objects."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Dataset(models.Model):
    """One imported file of flows. A company's waste register belongs to its organisation and is
    seen by its members and analysts only; statistics (municipal household waste, Eurostat, a
    generic public table) have no organisation and are public."""

    class Kind(models.TextChoices):
        REGISTER = "register", _("waste register of a company")
        MUNICIPAL = "municipal", _("municipal household waste")
        GENERIC = "generic", _("flow table")

    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices)
    name = models.CharField(_("name"), max_length=200)
    organisation = models.ForeignKey(
        "organisations.Organisation",
        verbose_name=_("organisation"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="flow_datasets",
    )
    source = models.CharField(_("source"), max_length=300, blank=True)
    licence = models.CharField(_("licence"), max_length=120, blank=True)
    upload = models.OneToOneField(
        "common.Upload",
        verbose_name=_("imported file"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="flow_dataset",
    )
    rows = models.PositiveIntegerField(_("rows"), default=0)
    tonnes = models.FloatField(_("tonnes"), default=0.0)
    year_from = models.IntegerField(_("first year"), null=True, blank=True)
    year_to = models.IntegerField(_("last year"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("imported by"),
    )
    created_at = models.DateTimeField(_("imported at"), auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("flow dataset")
        verbose_name_plural = _("flow datasets")

    def __str__(self) -> str:
        return self.name


class Flow(models.Model):
    """One flow: a quantity of one waste or material in one year, from an origin to a treatment.

    ``material``, ``chapter``, ``hazardous``, ``rung`` and ``family`` are the classification of
    the waste code and treatment code (``circulair.core.flows.codes``), stored so that the
    aggregation pages group in the database. ``fraction`` is set for municipal statistics,
    whose treatment is not known per fraction (``treatment`` and ``rung`` then empty)."""

    dataset = models.ForeignKey(
        Dataset,
        verbose_name=_("dataset"),
        on_delete=models.CASCADE,
        related_name="flows",
        db_index=False,  # the (dataset, year) index leads with it
    )
    year = models.IntegerField(_("year"))
    date = models.DateField(_("date"), null=True, blank=True)
    waste_code = models.CharField(_("List-of-Waste code"), max_length=8)
    chapter = models.CharField(_("chapter"), max_length=2)
    hazardous = models.BooleanField(_("hazardous"), default=False)
    material = models.CharField(_("material"), max_length=80)
    description = models.CharField(_("description"), max_length=300, blank=True)
    fraction = models.CharField(_("fraction"), max_length=40, blank=True)
    tonnes = models.FloatField(_("tonnes"))
    treatment = models.CharField(_("treatment"), max_length=4, blank=True)
    rung = models.CharField(_("rung"), max_length=20, blank=True)
    family = models.CharField(_("treatment family"), max_length=10, blank=True)
    origin_nace = models.CharField(_("NACE code of the origin"), max_length=8, blank=True)
    origin_refnis = models.CharField(_("municipality of the origin"), max_length=8, blank=True)
    destination = models.CharField(_("processor"), max_length=200, blank=True)
    destination_number = models.CharField(
        _("enterprise number of the processor"), max_length=12, blank=True
    )
    destination_country = models.CharField(_("country of the processor"), max_length=2, blank=True)
    collector = models.CharField(_("collector or transporter"), max_length=200, blank=True)
    transport = models.CharField(_("transport mode"), max_length=12, blank=True)
    line = models.PositiveIntegerField(_("line in the file"), default=0)

    class Meta:
        ordering = ["dataset", "line"]
        verbose_name = _("flow")
        verbose_name_plural = _("flows")
        indexes = [
            models.Index(fields=["dataset", "year"], name="flow_dataset_year"),
            models.Index(fields=["year", "material"], name="flow_year_material"),
            models.Index(fields=["year", "rung"], name="flow_year_rung"),
        ]

    def __str__(self) -> str:
        return f"{self.year} {self.waste_code} {self.tonnes:g} t"


class FlowTotal(models.Model):
    """The tonnes of a dataset's flows per combination of the columns every page groups by,
    written with the flows on import. A million flow records of a register make a few thousand
    totals, so every aggregation, the Sankey and the indicators read these (p95 well under
    300 ms) while the export and the rows read :class:`Flow`."""

    dataset = models.ForeignKey(
        Dataset,
        verbose_name=_("dataset"),
        on_delete=models.CASCADE,
        related_name="totals",
        db_index=False,  # the (dataset, year) index leads with it
    )
    year = models.IntegerField(_("year"))
    chapter = models.CharField(_("chapter"), max_length=2)
    material = models.CharField(_("material"), max_length=80)
    division = models.CharField(_("NACE division of the origin"), max_length=2, blank=True)
    origin_refnis = models.CharField(_("municipality of the origin"), max_length=8, blank=True)
    treatment = models.CharField(_("treatment"), max_length=4, blank=True)
    rung = models.CharField(_("rung"), max_length=20, blank=True)
    fraction = models.CharField(_("fraction"), max_length=40, blank=True)
    tonnes = models.FloatField(_("tonnes"))
    flows = models.PositiveIntegerField(_("flows"))

    class Meta:
        verbose_name = _("flow total")
        verbose_name_plural = _("flow totals")
        indexes = [models.Index(fields=["dataset", "year"], name="flowtotal_dataset_year")]

    def __str__(self) -> str:
        return f"{self.year} {self.material} {self.tonnes:g} t"
