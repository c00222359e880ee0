"""Forms of the exchange (the API validates the same fields through the services)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from circulair.web.apps.exchange import selectors
from circulair.web.apps.exchange.models import Listing


class ListingForm(forms.Form):
    organisation = forms.ChoiceField(label=_("Organisation"))
    kind = forms.ChoiceField(label=_("Offer or request"), choices=Listing.Kind.choices)
    title = forms.CharField(label=_("Title"), max_length=200)
    description = forms.CharField(label=_("Description"), widget=forms.Textarea(attrs={"rows": 3}),
                                  required=False)
    material = forms.ChoiceField(label=_("Material"))
    ewc = forms.CharField(label=_("List of Waste code (e.g. 17 02 01, * = hazardous)"),
                          required=False, max_length=12)
    route = forms.ChoiceField(label=_("Intended route"), choices=Listing.Route.choices,
                              initial=Listing.Route.RECYCLE)
    quantity = forms.FloatField(label=_("Quantity"), min_value=0.000001)
    unit = forms.ChoiceField(label=_("Unit"), choices=Listing.Unit.choices)
    frequency = forms.ChoiceField(label=_("Frequency"), choices=Listing.Frequency.choices)
    available_from = forms.DateField(label=_("Available from"),
                                     widget=forms.DateInput(attrs={"type": "date"}))
    available_to = forms.DateField(label=_("Available until"),
                                   widget=forms.DateInput(attrs={"type": "date"}))
    quality = forms.CharField(label=_("Quality / specification"), required=False)
    certified = forms.BooleanField(label=_("Certified"), required=False)
    accepts_hazardous = forms.BooleanField(label=_("Accepts hazardous material (requests)"),
                                           required=False)
    refnis = forms.CharField(label=_("Municipality (REFNIS)"), required=False)
    postal_code = forms.CharField(label=_("or postal code"), required=False)
    address = forms.CharField(label=_("Address (shown only to match parties)"), required=False)
    radius_km = forms.FloatField(label=_("Search radius (km, requests)"), initial=50,
                                 min_value=1, max_value=500)
    price_eur = forms.DecimalField(label=_("Price (€, optional)"), required=False,
                                   max_digits=12, decimal_places=2)
    primary_km = forms.FloatField(label=_("Distance to the nearest primary-material supplier "
                                          "(km, requests; optional)"), required=False,
                                  min_value=0)
    publish = forms.BooleanField(label=_("Publish now"), required=False, initial=True)

    def __init__(self, *args: Any, user: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        from circulair.web.apps.organisations.selectors import organisations_of

        self.fields["organisation"].choices = [(o.pk, o.name) for o in organisations_of(user)]
        self.fields["material"].choices = selectors.material_choices()


class ProposeForm(forms.Form):
    offer = forms.IntegerField(widget=forms.HiddenInput)
    request = forms.IntegerField(widget=forms.HiddenInput)
    quantity = forms.FloatField(required=False, min_value=0.000001)
