"""Forms of the agenda. They only parse; the services validate and check roles (the API goes
through the same services)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from circulair.web.apps.agenda import selectors
from circulair.web.apps.agenda.models import Action, Bottleneck
from circulair.web.apps.common import permissions
from circulair.web.apps.common.fields import set_choices
from circulair.web.apps.organisations.models import Organisation


def _choices(kind: str, blank: bool = True) -> list[tuple[str, str]]:
    out = [("", "—")] if blank else []
    return out + [(r.slug, r.name) for r in selectors.records(kind)]


class ActionForm(forms.Form):
    # An integer, not a choice: a crafted id of another organisation reaches the service, which
    # refuses it with 403 (a choice field would hide that behind a form error).
    organisation = forms.IntegerField(label=_("Organisation"), widget=forms.Select)
    title = forms.CharField(label=_("Title"), max_length=200)
    description = forms.CharField(
        label=_("Description"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    agenda = forms.ChoiceField(label=_("Agenda"))
    work_path = forms.ChoiceField(label=_("Work path"), required=False)
    lever = forms.ChoiceField(label=_("Lever"), required=False)
    value_chain = forms.ChoiceField(label=_("Value chain"), required=False)
    r_strategies = forms.MultipleChoiceField(
        label=_("R-strategies"), required=False, widget=forms.SelectMultiple(attrs={"size": 5})
    )
    municipality = forms.CharField(label=_("Municipality (REFNIS or name)"), required=False)
    partners = forms.CharField(
        label=_("Partners (organisation names, separated by ';')"), required=False
    )
    start = forms.DateField(
        label=_("Start"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    end = forms.DateField(
        label=_("End"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    status = forms.ChoiceField(label=_("Status"), choices=Action.Status.choices)
    results = forms.CharField(
        label=_("Results (text)"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    figures = forms.CharField(label=_("Results in numbers ('label=value unit; …')"), required=False)
    public = forms.BooleanField(label=_("Public"), required=False)
    impact_project = forms.BooleanField(label=_("Impact project"), required=False)

    def __init__(self, *args: Any, user: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        orgs = permissions.restrict(
            user, "agenda.organisation.act", Organisation.objects.all()
        ).order_by("name")
        self.fields["organisation"].widget.choices = [(o.pk, o.name) for o in orgs]
        set_choices(self, "agenda", _choices("work_agenda", blank=False))
        set_choices(self, "work_path", _choices("work_path"))
        set_choices(self, "lever", _choices("lever"))
        set_choices(self, "value_chain", _choices("value_chain"))
        set_choices(self, "r_strategies", _choices("r_strategy", blank=False))

    @staticmethod
    def initial_from(a: Action) -> dict[str, Any]:
        return {
            "organisation": a.organisation_id,
            "title": a.title,
            "description": a.description,
            "agenda": a.agenda.slug,
            "work_path": a.work_path.slug if a.work_path else "",
            "lever": a.lever.slug if a.lever else "",
            "value_chain": a.value_chain.slug if a.value_chain else "",
            "r_strategies": [r.slug for r in a.r_strategies.all()],
            "municipality": a.municipality.refnis if a.municipality else "",
            "partners": "; ".join(p.name for p in a.partners.all()),
            "start": a.start,
            "end": a.end,
            "status": a.status,
            "results": a.results,
            "figures": "; ".join(f"{f.label}={f.value:g} {f.unit}" for f in a.figures.all()),
            "public": a.public,
            "impact_project": a.impact_project,
        }


class SignatoryForm(forms.Form):
    organisation = forms.CharField(label=_("Organisation (id, enterprise number or name)"))
    agenda = forms.ChoiceField(label=_("Agenda"))
    year_signed = forms.IntegerField(label=_("Year signed"), min_value=2000, max_value=2100)
    min_actions = forms.IntegerField(
        label=_("Own commitment (actions per year)"), required=False, min_value=0
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        set_choices(self, "agenda", _choices("work_agenda", blank=False))


class ProgrammeForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=200)
    kind = forms.ChoiceField(label=_("Type"))
    agenda = forms.ChoiceField(label=_("Agenda"), required=False)
    lever = forms.ChoiceField(label=_("Lever"), required=False)
    year = forms.IntegerField(label=_("Year launched"), min_value=2000, max_value=2100)
    budget_eur = forms.DecimalField(
        label=_("Budget (€)"), required=False, max_digits=14, decimal_places=2
    )
    outcome = forms.CharField(
        label=_("Outcome"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        set_choices(self, "kind", _choices("programme_type", blank=False))
        set_choices(self, "agenda", _choices("work_agenda"))
        set_choices(self, "lever", _choices("lever"))


class BottleneckForm(forms.Form):
    title = forms.CharField(label=_("Obstacle"), max_length=200)
    description = forms.CharField(
        label=_("Description"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    agenda = forms.ChoiceField(label=_("Agenda"))
    policy_level = forms.ChoiceField(label=_("Policy level"), choices=Bottleneck.Level.choices)
    reported_by = forms.TypedChoiceField(
        label=_("On behalf of"), required=False, coerce=int, empty_value=None
    )

    def __init__(self, *args: Any, user: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        set_choices(self, "agenda", _choices("work_agenda", blank=False))
        orgs = Organisation.objects.filter(pk__in=selectors.my_org_ids(user)).order_by("name")
        set_choices(self, "reported_by", [("", "—")] + [(o.pk, o.name) for o in orgs])


class UploadForm(forms.Form):
    file = forms.FileField(label=_("CSV or XLSX file"))
    kind = forms.ChoiceField(
        label=_("Contents"), choices=[("actions", _("actions")), ("signatories", _("signatories"))]
    )


class ProgrammeStageForm(forms.Form):
    outcome = forms.CharField(required=False)
