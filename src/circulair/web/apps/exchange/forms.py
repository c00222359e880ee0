"""Forms of the exchange (the API validates the same fields through the services)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from circulair.web.apps.common.fields import FiniteFloatFormField, set_choices
from circulair.web.apps.exchange import selectors
from circulair.web.apps.exchange.models import Listing
from circulair.web.apps.exchange.services.validation import MAX_RADIUS_KM
from circulair.web.apps.organisations.selectors import organisations_of


class ListingForm(forms.Form):
    organisation = forms.ChoiceField(label=_("Organisation"))
    kind = forms.ChoiceField(label=_("Offer or request"), choices=Listing.Kind.choices)
    title = forms.CharField(label=_("Title"), max_length=200)
    description = forms.CharField(
        label=_("Description"), widget=forms.Textarea(attrs={"rows": 3}), required=False
    )
    material = forms.ChoiceField(label=_("Material"))
    ewc = forms.CharField(
        label=_("List of Waste code (e.g. 17 02 01, * = hazardous)"), required=False, max_length=12
    )
    route = forms.ChoiceField(
        label=_("Intended route"), choices=Listing.Route.choices, initial=Listing.Route.RECYCLE
    )
    quantity = FiniteFloatFormField(label=_("Quantity"), min_value=0.000001)
    unit = forms.ChoiceField(label=_("Unit"), choices=Listing.Unit.choices)
    frequency = forms.ChoiceField(label=_("Frequency"), choices=Listing.Frequency.choices)
    available_from = forms.DateField(
        label=_("Available from"), widget=forms.DateInput(attrs={"type": "date"})
    )
    available_to = forms.DateField(
        label=_("Available until"), widget=forms.DateInput(attrs={"type": "date"})
    )
    quality = forms.CharField(label=_("Quality / specification"), required=False, max_length=100)
    certified = forms.BooleanField(label=_("Certified"), required=False)
    accepts_hazardous = forms.BooleanField(
        label=_("Accepts hazardous material (requests)"), required=False
    )
    refnis = forms.CharField(label=_("Municipality (REFNIS)"), required=False, max_length=5)
    postal_code = forms.CharField(label=_("or postal code"), required=False, max_length=4)
    address = forms.CharField(
        label=_("Address (shown only to match parties)"), required=False, max_length=200
    )
    radius_km = FiniteFloatFormField(
        label=_("Search radius (km, requests)"), initial=50, min_value=1, max_value=MAX_RADIUS_KM
    )
    price_eur = forms.DecimalField(
        label=_("Price (€, optional)"), required=False, max_digits=12, decimal_places=2, min_value=0
    )
    primary_km = FiniteFloatFormField(
        label=_("Distance to the nearest primary-material supplier (km, requests; optional)"),
        required=False,
        min_value=0,
        max_value=40000,
    )
    publish = forms.BooleanField(label=_("Publish now"), required=False, initial=True)

    def __init__(self, *args: Any, user: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        set_choices(self, "organisation", [(o.pk, o.name) for o in organisations_of(user)])
        set_choices(self, "material", selectors.material_choices())


class ListingImportForm(forms.Form):
    """A CSV or XLSX of listings for one of the user's organisations."""

    organisation = forms.ChoiceField(label=_("Organisation"))
    file = forms.FileField(label=_("File (CSV or XLSX)"))
    publish = forms.BooleanField(label=_("Publish now"), required=False, initial=True)

    def __init__(self, *args: Any, user: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        set_choices(self, "organisation", [(o.pk, o.name) for o in organisations_of(user)])


MAX_ID = 2**63 - 1  # larger ids overflow a PostgreSQL bigint


class ProposeForm(forms.Form):
    """A proposal from a listing page (the quantity defaults to what both have left)."""

    offer = forms.IntegerField(widget=forms.HiddenInput, min_value=1, max_value=MAX_ID)
    request = forms.IntegerField(widget=forms.HiddenInput, min_value=1, max_value=MAX_ID)
    quantity = FiniteFloatFormField(required=False, min_value=0.000001)


class SavedSearchForm(forms.Form):
    """A standing question: notify me of new listings of this kind and material near here."""

    kind = forms.ChoiceField(choices=Listing.Kind.choices)
    material = forms.CharField(max_length=80)
    refnis = forms.RegexField(
        r"^[0-9]{5}$",
        required=False,
        max_length=5,
        error_messages={"invalid": _("A REFNIS code has 5 digits.")},
    )
    radius_km = FiniteFloatFormField(required=False, min_value=0.001, max_value=MAX_RADIUS_KM)


def form_problems(form: forms.Form) -> list[str]:
    """The form's errors as ``field: message`` lines (the field named in every one)."""
    return [f"{name}: {message}" for name, messages in form.errors.items() for message in messages]
