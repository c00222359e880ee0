"""Forms of the atlas pages (the API uses serializers with the same fields)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from circulair.core.atlas.plan import MODELS
from circulair.web.apps.atlas import selectors, services
from circulair.web.apps.common.fields import FiniteFloatFormField, set_choices
from circulair.web.apps.geography import selectors as geo_sel
from circulair.web.apps.knowledge.models import Record

MODEL_LABELS = {
    "p_median": _("p-median: minimise demand-weighted distance"),
    "set_cover": _("set covering: fewest facilities within R km of everyone"),
    "max_cover": _("maximal covering: p facilities, most demand within R km"),
    "capacitated": _("capacitated facility location (t/yr, costs)"),
}


class ExtrapolateForm(forms.Form):
    preset = forms.ChoiceField(label=_("Study scenario"))
    partition = forms.ChoiceField(label=_("Partition (for catchment-area presets)"), required=False)
    streams = forms.IntegerField(label=_("Material streams"), min_value=1, max_value=20, initial=1)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        set_choices(self, "preset", [(p.slug, p.name) for p in services.preset_list()])
        region = geo_sel.region_default()
        set_choices(
            self,
            "partition",
            [("", "—")] + [(p.slug, p.name) for p in geo_sel.partition_list(region=region)],
        )


class SiteForm(forms.Form):
    model = forms.ChoiceField(label=_("Model"), choices=[(m, MODEL_LABELS[m]) for m in MODELS])
    p = forms.IntegerField(label=_("Number of facilities p"), required=False, min_value=1)
    radius_km = FiniteFloatFormField(label=_("Radius R (km)"), required=False, min_value=0.001)
    road_factor = FiniteFloatFormField(
        label=_("Road factor (road / great-circle distance)"),
        initial=1.3,
        min_value=1.0,
        max_value=3.0,
    )
    rate_kg_per_inhabitant = FiniteFloatFormField(
        label=_("Demand per inhabitant (kg/yr); empty = inhabitants"), required=False, min_value=0
    )
    demand_file = forms.FileField(
        label=_("Or a demand table (CSV: refnis or postal_code or lat,lon; weight in t/yr)"),
        required=False,
    )
    kbo_file = forms.FileField(
        label=_(
            "Or companies as demand: a KBO open-data extract (.zip) — the establishments "
            "of a sector group per municipality"
        ),
        required=False,
    )
    sector_group = forms.ChoiceField(label=_("Sector group (for the KBO extract)"), required=False)
    kbo_weight = forms.ChoiceField(
        label=_("Weigh companies by (KBO extract)"),
        choices=[
            ("count", _("number of establishments")),
            ("employees", _("employees (needs an EmployeeClass column)")),
        ],
        initial="count",
        required=False,
    )
    candidates_file = forms.FileField(
        label=_(
            "Or candidate sites (CSV: refnis or postal_code or lat,lon; optional "
            "type_environment, capacity_t, fixed_cost, existing)"
        ),
        required=False,
    )
    distance_file = forms.FileField(
        label=_(
            "Or a distance table instead of great-circle × road factor (CSV from,to,km: "
            "demand point id, candidate site id; e.g. road distances)"
        ),
        required=False,
    )
    candidates = forms.ChoiceField(
        label=_("Candidate sites"),
        choices=[("all", _("all municipalities")), ("central_cities", _("central cities only"))],
    )
    archetype = forms.ChoiceField(label=_("Facility archetype (for area)"), required=False)
    fixed_open = forms.CharField(
        label=_("Existing facilities that stay open (REFNIS, comma separated)"), required=False
    )
    capacity_t = FiniteFloatFormField(
        label=_("Capacity per facility (t/yr)"), required=False, min_value=0.001
    )
    fixed_cost = FiniteFloatFormField(
        label=_("Fixed cost per facility (€/yr)"), required=False, min_value=0
    )
    cost_per_t_km = FiniteFloatFormField(
        label=_("Transport cost (€/t·km)"), initial=0.15, min_value=0
    )
    single_sourcing = forms.BooleanField(label=_("Single sourcing"), required=False)
    time_limit = forms.IntegerField(
        label=_("Time limit (s)"), initial=120, min_value=1, max_value=1800
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["time_limit"].help_text = _(
            "At most %(user)d s for an account, %(staff)d s for staff."
        ) % {
            "user": settings.CIRCULAIR_ATLAS_TIME_LIMIT_USER,
            "staff": settings.CIRCULAIR_ATLAS_TIME_LIMIT_STAFF,
        }
        archetypes = Record.objects.filter(kind="facility_archetype").order_by("order", "slug")
        set_choices(self, "archetype", [("", "—"), *archetypes.values_list("slug", "name_nl")])
        set_choices(self, "sector_group", [("", "—"), *selectors.sector_group_choices()])

    def clean_fixed_open(self) -> list[str]:
        raw = self.cleaned_data.get("fixed_open") or ""
        return [x.strip() for x in raw.replace(";", ",").split(",") if x.strip()]

    def params(self) -> dict[str, Any]:
        files = set(services.UPLOAD_FIELDS.values())
        return {
            k: v for k, v in self.cleaned_data.items() if v not in (None, "", []) and k not in files
        }

    def uploads(self) -> dict[str, services.File]:
        """The files sent, by upload purpose: (content, name)."""
        out = {}
        for purpose, field in services.UPLOAD_FIELDS.items():
            f = self.cleaned_data.get(field)
            if f is not None:
                out[purpose] = (f.read(), f.name)
        return out
