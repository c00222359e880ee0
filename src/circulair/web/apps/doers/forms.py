"""The case form (the API validates the same fields through the services)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.utils.translation import gettext_lazy as _

from circulair.web.apps.common import permissions
from circulair.web.apps.common.fields import set_choices
from circulair.web.apps.doers.models import Case
from circulair.web.apps.geography.models import Municipality
from circulair.web.apps.knowledge.models import Record
from circulair.web.apps.organisations.models import Organisation
from circulair.web.apps.organisations.selectors import organisations_of


def _record_choices(kind: str) -> list[tuple[str, str]]:
    return [(r.slug, r.name) for r in Record.objects.filter(kind=kind).order_by("order", "slug")]


class CaseForm(forms.Form):
    organisation = forms.ChoiceField(label=_("Organisation"), required=False)
    title = forms.CharField(label=_("Title"), max_length=200)
    summary = forms.CharField(label=_("Summary"), widget=forms.Textarea(attrs={"rows": 3}))
    body = forms.CharField(
        label=_("Text"), required=False, widget=forms.Textarea(attrs={"rows": 8})
    )
    agendas = forms.MultipleChoiceField(
        label=_("Work agendas"), required=False, widget=forms.CheckboxSelectMultiple
    )
    r_strategies = forms.MultipleChoiceField(
        label=_("R-strategies"), required=False, widget=forms.CheckboxSelectMultiple
    )
    value_chain = forms.ChoiceField(label=_("Value chain"), required=False)
    sector_group = forms.ChoiceField(label=_("Sector group"), required=False)
    refnis = forms.ChoiceField(label=_("Municipality"), required=False)
    category = forms.ChoiceField(
        label=_("Category"), choices=Case.Category.choices, initial=Case.Category.OTHER
    )
    links = forms.CharField(
        label=_("Links (one web address per line)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    image = forms.ImageField(label=_("Add an image"), required=False)
    image_caption = forms.CharField(label=_("Image caption"), required=False, max_length=200)

    def __init__(
        self, *args: Any, user: Any = None, case: Case | None = None, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        anywhere = permissions.can(user, "doers.case.any_organisation")
        orgs = Organisation.objects.all() if anywhere else organisations_of(user)
        choices = [(str(o.pk), o.name) for o in orgs]
        # who edits a case keeps its organisation (a moderator need not be a member of it)
        mine = {pk for pk, _name in choices}
        if (
            case is not None
            and case.organisation is not None
            and str(case.organisation_id) not in mine
        ):
            choices.append((str(case.organisation_id), case.organisation.name))
        keep_none = case is not None and case.organisation_id is None
        blank = [("", _("— none —"))] if anywhere or keep_none else []
        set_choices(self, "organisation", blank + choices)
        set_choices(self, "agendas", _record_choices("work_agenda"))
        set_choices(self, "r_strategies", _record_choices("r_strategy"))
        set_choices(self, "value_chain", [("", "—"), *_record_choices("value_chain")])
        set_choices(self, "sector_group", [("", "—"), *_record_choices("nace_sector_group")])
        set_choices(
            self,
            "refnis",
            [("", "—")] + [(m.refnis, m.name_nl) for m in Municipality.objects.order_by("name_nl")],
        )

    @staticmethod
    def initial_for(case: Case) -> dict[str, Any]:
        return {
            "organisation": str(case.organisation_id or ""),
            "title": case.title,
            "summary": case.summary,
            "body": case.body,
            "agendas": [a.slug for a in case.agendas.all()],
            "r_strategies": [r.slug for r in case.r_strategies.all()],
            "value_chain": case.value_chain.slug if case.value_chain else "",
            "sector_group": case.sector_group.slug if case.sector_group else "",
            "refnis": case.municipality.refnis if case.municipality else "",
            "category": case.category,
            "links": "\n".join(case.links),
        }

    def clean_links(self) -> list[str]:
        links = [u.strip() for u in str(self.cleaned_data.get("links") or "").split() if u.strip()]
        check = URLValidator(schemes=["http", "https"])
        bad = []
        for u in links:
            try:
                check(u)
            except ValidationError:
                bad.append(u)
        if bad:
            raise ValidationError(
                _("expected web addresses (http:// or https://): %(bad)s"),
                params={"bad": ", ".join(bad)},
            )
        return links

    def service_data(self) -> dict[str, Any]:
        d = dict(self.cleaned_data)
        d.pop("image", None)
        d.pop("image_caption", None)
        return d
