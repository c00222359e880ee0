"""Reference geography: regions, provinces, arrondissements, municipalities and partitions."""

from __future__ import annotations

from django.db import models
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _


class Region(models.Model):
    slug = models.SlugField(_("slug"), unique=True)
    code = models.CharField(_("code"), max_length=16)
    name_nl = models.CharField(_("name (Dutch)"), max_length=120)
    name_en = models.CharField(_("name (English)"), max_length=120, blank=True)
    name_fr = models.CharField(_("name (French)"), max_length=120, blank=True)
    center_lat = models.FloatField(_("latitude of the centre"))
    center_lon = models.FloatField(_("longitude of the centre"))
    zoom = models.PositiveSmallIntegerField(_("zoom level of the map"), default=8)
    sources = models.JSONField(_("sources"), default=list, blank=True)

    class Meta:
        ordering = ["slug"]
        verbose_name = _("region")
        verbose_name_plural = _("regions")

    def __str__(self) -> str:
        return self.name_nl

    @property
    def name(self) -> str:
        return self.name_en if get_language() == "en" and self.name_en else self.name_nl


class _Named(models.Model):
    region = models.ForeignKey(Region, verbose_name=_("region"), on_delete=models.CASCADE)
    refnis = models.CharField(_("REFNIS code"), max_length=8)
    name_nl = models.CharField(_("name (Dutch)"), max_length=120)
    name_fr = models.CharField(_("name (French)"), max_length=120, blank=True)

    class Meta:
        abstract = True
        ordering = ["refnis"]

    def __str__(self) -> str:
        return f"{self.name_nl} ({self.refnis})"

    @property
    def name(self) -> str:
        return self.name_nl


class Province(_Named):
    name_en = models.CharField(_("name (English)"), max_length=120, blank=True)

    class Meta(_Named.Meta):
        constraints = [models.UniqueConstraint(fields=["region", "refnis"], name="geo_prov_u")]
        verbose_name = _("province")
        verbose_name_plural = _("provinces")


class Arrondissement(_Named):
    province = models.ForeignKey(
        Province,
        verbose_name=_("province"),
        on_delete=models.CASCADE,
        related_name="arrondissements",
    )

    class Meta(_Named.Meta):
        constraints = [models.UniqueConstraint(fields=["region", "refnis"], name="geo_arr_u")]
        verbose_name = _("arrondissement")
        verbose_name_plural = _("arrondissements")


class Municipality(_Named):
    arrondissement = models.ForeignKey(
        Arrondissement,
        verbose_name=_("arrondissement"),
        on_delete=models.CASCADE,
        related_name="municipalities",
    )
    province = models.ForeignKey(
        Province,
        verbose_name=_("province"),
        on_delete=models.CASCADE,
        related_name="municipalities",
    )
    lat = models.FloatField(_("latitude"))
    lon = models.FloatField(_("longitude"))
    population = models.PositiveIntegerField(_("population"), default=0)
    population_source = models.CharField(_("source of the population"), max_length=200, blank=True)

    class Origin(models.TextChoices):
        DATA = "data", _("shipped reference data")
        IMPORT = "import", _("imported")
        EDITED = "edited", _("edited in the back office")

    # Who set the population: the start-up loader replaces only shipped values ("data").
    population_origin = models.CharField(
        _("origin of the population"), max_length=8, choices=Origin.choices, default=Origin.DATA
    )
    postal_codes = models.CharField(
        _("postal codes"), max_length=300, blank=True, help_text=_("Space-separated postal codes")
    )
    central_city = models.BooleanField(_("central city"), default=False)

    class Meta(_Named.Meta):
        verbose_name = _("municipality")
        verbose_name_plural = _("municipalities")
        constraints = [models.UniqueConstraint(fields=["region", "refnis"], name="geo_mun_u")]


class Partition(models.Model):
    """A division of a region's municipalities into units (arrondissements, catchment areas …)."""

    class Kind(models.TextChoices):
        BUILTIN = "builtin", _("built in")
        IMPORTED = "imported", _("imported")

    region = models.ForeignKey(
        Region, verbose_name=_("region"), on_delete=models.CASCADE, related_name="partitions"
    )
    slug = models.SlugField(_("slug"), max_length=80)
    name = models.CharField(_("name"), max_length=200)
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices, default=Kind.IMPORTED)
    upload = models.ForeignKey(
        "common.Upload", verbose_name=_("upload"), null=True, blank=True, on_delete=models.SET_NULL
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        ordering = ["region", "kind", "slug"]
        constraints = [models.UniqueConstraint(fields=["region", "slug"], name="geo_part_u")]
        verbose_name = _("partition")
        verbose_name_plural = _("partitions")

    def __str__(self) -> str:
        return self.name


class PartitionUnit(models.Model):
    partition = models.ForeignKey(
        Partition, verbose_name=_("partition"), on_delete=models.CASCADE, related_name="units"
    )
    code = models.CharField(_("code"), max_length=80)
    name = models.CharField(_("name"), max_length=200, blank=True)
    municipalities: models.ManyToManyField[Municipality, PartitionMember] = models.ManyToManyField(
        Municipality,
        verbose_name=_("municipalities"),
        through="PartitionMember",
        related_name="partition_units",
    )

    class Meta:
        ordering = ["partition", "code"]
        constraints = [models.UniqueConstraint(fields=["partition", "code"], name="geo_unit_u")]
        verbose_name = _("partition unit")
        verbose_name_plural = _("partition units")

    def __str__(self) -> str:
        return self.name or self.code


class PartitionMember(models.Model):
    partition = models.ForeignKey(
        Partition, verbose_name=_("partition"), on_delete=models.CASCADE, related_name="members"
    )
    unit = models.ForeignKey(
        PartitionUnit,
        verbose_name=_("partition unit"),
        on_delete=models.CASCADE,
        related_name="members",
    )
    municipality = models.ForeignKey(
        Municipality, verbose_name=_("municipality"), on_delete=models.CASCADE
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["partition", "municipality"], name="geo_member_once")
        ]
        verbose_name = _("municipality in a partition unit")
        verbose_name_plural = _("municipalities in partition units")


class RegionBoundaries(models.Model):
    """Official municipality boundaries imported for a region; they replace the approximate ones
    shipped with the data (``boundaries.geojson``) on every map. One per region."""

    region = models.OneToOneField(
        Region, verbose_name=_("region"), on_delete=models.CASCADE, related_name="boundaries"
    )
    source = models.CharField(_("source"), max_length=300)
    content = models.TextField(_("boundaries (compact GeoJSON)"))
    municipalities = models.PositiveIntegerField(_("municipalities"))
    upload = models.ForeignKey(
        "common.Upload", verbose_name=_("upload"), null=True, blank=True, on_delete=models.SET_NULL
    )
    imported_at = models.DateTimeField(_("imported at"), auto_now=True)

    class Meta:
        verbose_name = _("official boundaries")
        verbose_name_plural = _("official boundaries")

    def __str__(self) -> str:
        return f"{self.region.slug}: {self.source}"
