"""The partnership's register: signatories, commitments, actions, programmes, bottlenecks.

Agendas, work paths, levers, value chains, R-strategies and programme types are knowledge-base
records (``knowledge.Record``, referenced by kind), never copied here. Every change made through
the services is written to the platform's change log, ``common.Change`` (who, when, field old →
new).
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from circulair.core.agenda import evaluation as ev

RECORD = "knowledge.Record"


def _kb(kind: str, **kw: Any) -> Any:
    return models.ForeignKey(
        RECORD, on_delete=models.PROTECT, related_name="+", limit_choices_to={"kind": kind}, **kw
    )


class AgendaSetting(models.Model):
    """Per agenda: the yearly commitment of its signatories (default 5, source 000)."""

    agenda = models.OneToOneField(
        RECORD,
        verbose_name=_("agenda"),
        on_delete=models.CASCADE,
        related_name="+",
        limit_choices_to={"kind": "work_agenda"},
    )
    min_actions_per_year = models.PositiveIntegerField(
        _("actions per year (commitment)"), default=ev.DEFAULT_MIN_ACTIONS
    )

    class Meta:
        verbose_name = _("agenda setting")
        verbose_name_plural = _("agenda settings")

    def __str__(self) -> str:
        return f"{self.agenda.slug}: {self.min_actions_per_year}"


class AgendaLead(models.Model):
    """A user who leads an agenda: manages its signatories, programmes, bottlenecks, evaluation."""

    agenda = _kb("work_agenda", verbose_name=_("agenda"))
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        on_delete=models.CASCADE,
        related_name="agenda_leads",
    )

    class Meta:
        constraints = [models.UniqueConstraint(fields=["agenda", "user"], name="agenda_lead_once")]
        verbose_name = _("agenda lead")
        verbose_name_plural = _("agenda leads")

    def __str__(self) -> str:
        return f"{self.user} leads {self.agenda.slug}"


class Signatory(models.Model):
    organisation = models.ForeignKey(
        "organisations.Organisation",
        verbose_name=_("organisation"),
        on_delete=models.CASCADE,
        related_name="signatures",
    )
    agenda = _kb("work_agenda", verbose_name=_("agenda"))
    year_signed = models.PositiveIntegerField(_("year signed"))
    min_actions = models.PositiveIntegerField(
        _("own commitment (actions per year)"),
        null=True,
        blank=True,
        help_text=_("Leave empty to use the agenda's commitment."),
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        ordering = ["organisation__name"]
        constraints = [
            models.UniqueConstraint(fields=["organisation", "agenda"], name="agenda_signatory_once")
        ]
        verbose_name = _("signatory")
        verbose_name_plural = _("signatories")

    def __str__(self) -> str:
        return f"{self.organisation} × {self.agenda.slug} ({self.year_signed})"


class Programme(models.Model):
    """A call, Green Deal, living lab or network (knowledge kind ``programme_type``)."""

    class Stage(models.TextChoices):
        LAUNCH = "launch", _("launch")
        SELECTION = "selection", _("selection")
        FUNDING = "funding", _("funding")
        INTERIM_REPORT = "interim_report", _("interim report")
        COMPLETION = "completion", _("completion")
        PUBLICATION = "publication", _("publication")

    name = models.CharField(_("name"), max_length=200)
    kind = _kb("programme_type", verbose_name=_("type"))
    agenda = _kb("work_agenda", null=True, blank=True, verbose_name=_("agenda"))
    lever = _kb("lever", null=True, blank=True, verbose_name=_("lever"))
    year = models.PositiveIntegerField(_("year launched"))
    stage = models.CharField(_("stage"), max_length=16, choices=Stage.choices, default=Stage.LAUNCH)
    budget_eur = models.DecimalField(
        _("budget (€)"), max_digits=14, decimal_places=2, null=True, blank=True
    )
    outcome = models.TextField(_("outcome"), blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        ordering = ["-year", "name"]
        verbose_name = _("programme")
        verbose_name_plural = _("programmes")

    def __str__(self) -> str:
        return self.name


class Action(models.Model):
    class Status(models.TextChoices):
        PLANNED = ev.PLANNED, _("planned")
        RUNNING = ev.RUNNING, _("running")
        COMPLETED = ev.COMPLETED, _("completed")
        STOPPED = ev.STOPPED, _("stopped")

    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    # No single-column index on organisation or agenda: the composite indexes of Meta lead with
    # them and serve the same lookups, and each index costs an import a few µs per row.
    organisation = models.ForeignKey(
        "organisations.Organisation",
        on_delete=models.CASCADE,
        related_name="agenda_actions",
        verbose_name=_("organisation"),
        db_index=False,
    )
    agenda = _kb("work_agenda", verbose_name=_("agenda"), db_index=False)
    work_path = _kb("work_path", null=True, blank=True, verbose_name=_("work path"))
    lever = _kb("lever", null=True, blank=True, verbose_name=_("lever"))
    value_chain = _kb("value_chain", null=True, blank=True, verbose_name=_("value chain"))
    r_strategies: models.ManyToManyField[Any, Any] = models.ManyToManyField(
        RECORD,
        blank=True,
        related_name="+",
        limit_choices_to={"kind": "r_strategy"},
        verbose_name=_("R-strategies"),
    )
    municipality = models.ForeignKey(
        "geography.Municipality",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        verbose_name=_("municipality"),
    )
    partners = models.ManyToManyField(
        "organisations.Organisation",
        blank=True,
        related_name="partner_actions",
        verbose_name=_("partners"),
    )
    programme = models.ForeignKey(
        Programme,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="projects",
        verbose_name=_("funded by"),
    )
    start = models.DateField(_("start"), null=True, blank=True)
    end = models.DateField(_("end"), null=True, blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.PLANNED
    )
    results = models.TextField(_("results"), blank=True)
    public = models.BooleanField(_("public"), default=False)
    impact_project = models.BooleanField(_("impact project"), default=False)
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

    class Meta:
        ordering = ["-start", "-pk"]
        indexes = [
            models.Index(
                fields=["agenda", "status", "start", "id"], name="agenda_action_agenda_status"
            ),
            models.Index(fields=["start", "id"], name="agenda_action_start_id"),
            models.Index(fields=["organisation", "start"]),
            # covers the yearly evaluation's read of an agenda's actions, so that SQLite
            # does not read the long texts stored in each row (facts 160 → 50 ms of SQL
            # at 100,000 actions)
            models.Index(
                fields=[
                    "agenda",
                    "status",
                    "start",
                    "end",
                    "id",
                    "organisation",
                    "work_path",
                    "value_chain",
                    "lever",
                    "programme",
                ],
                name="agenda_action_facts",
            ),
        ]
        verbose_name = pgettext_lazy("agenda", "action")
        verbose_name_plural = _("actions")

    def __str__(self) -> str:
        return self.title


class ActionResult(models.Model):
    """A result in numbers: e.g. 12 t of textile collected, 4 events, 30 participants."""

    action = models.ForeignKey(
        Action,
        verbose_name=pgettext_lazy("agenda", "action"),
        on_delete=models.CASCADE,
        related_name="figures",
    )
    label = models.CharField(_("what"), max_length=120)
    value = models.FloatField(_("value"))
    unit = models.CharField(_("unit"), max_length=20)

    class Meta:
        ordering = ["action", "pk"]
        verbose_name = _("result in figures")
        verbose_name_plural = _("results in figures")

    def __str__(self) -> str:
        return f"{self.label}: {self.value:g} {self.unit}"


class Bottleneck(models.Model):
    class Level(models.TextChoices):
        LOCAL = "local", _("local")
        PROVINCIAL = "provincial", _("provincial")
        REGIONAL = "regional", _("Flemish")
        FEDERAL = "federal", _("federal")
        EUROPEAN = "european", _("European")

    class Status(models.TextChoices):
        OPEN = "open", _("open")
        ESCALATED = "escalated", _("escalated")
        RESOLVED = "resolved", _("resolved")
        DROPPED = "dropped", _("dropped")

    title = models.CharField(_("obstacle"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    agenda = _kb("work_agenda", verbose_name=_("agenda"))
    policy_level = models.CharField(_("policy level"), max_length=12, choices=Level.choices)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.OPEN
    )
    reported_by = models.ForeignKey(
        "organisations.Organisation",
        verbose_name=_("reported by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        ordering = ["status", "-created_at"]
        verbose_name = _("bottleneck")
        verbose_name_plural = _("bottlenecks")

    def __str__(self) -> str:
        return self.title
