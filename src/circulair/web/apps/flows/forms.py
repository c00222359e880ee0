from typing import Any

from django import forms
from django.utils.translation import gettext_lazy

from circulair.web.apps.flows.selectors import GROUPINGS


class RegisterImportForm(forms.Form):
    """A member's waste register, for one of the organisations the member acts for."""

    organisation: forms.ModelChoiceField[Any] = forms.ModelChoiceField(
        queryset=None, label=gettext_lazy("Organisation"), empty_label=None
    )
    file = forms.FileField(label=gettext_lazy("Waste register (CSV or XLSX)"))
    name = forms.CharField(label=gettext_lazy("Name (optional)"), max_length=200, required=False)

    def __init__(self, *args: Any, organisations: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["organisation"].queryset = organisations  # type: ignore[attr-defined]


class MunicipalImportForm(forms.Form):
    file = forms.FileField(label=gettext_lazy("Household waste per municipality (CSV or XLSX)"))
    name = forms.CharField(label=gettext_lazy("Name (optional)"), max_length=200, required=False)
    source = forms.CharField(label=gettext_lazy("Source"), max_length=300, required=False)
    licence = forms.CharField(label=gettext_lazy("Licence"), max_length=120, required=False)


class FilterForm(forms.Form):
    """What the analysis page shows: a dataset, a year and a grouping."""

    dataset = forms.IntegerField(required=False, min_value=1, widget=forms.HiddenInput)
    year = forms.IntegerField(
        label=gettext_lazy("Year"), required=False, min_value=1990, max_value=2100
    )
    by = forms.ChoiceField(
        label=gettext_lazy("Group by"),
        required=False,
        choices=[(k, k) for k in GROUPINGS],
    )
