import django_filters

from circulair.web.apps.monitor.models import Observation


class ObservationFilter(django_filters.FilterSet):
    indicator = django_filters.CharFilter(field_name="indicator__slug")
    region = django_filters.CharFilter()
    year = django_filters.NumberFilter()
    year_from = django_filters.NumberFilter(field_name="year", lookup_expr="gte")
    year_to = django_filters.NumberFilter(field_name="year", lookup_expr="lte")

    class Meta:
        model = Observation
        fields = ["indicator", "region", "year", "year_from", "year_to"]
