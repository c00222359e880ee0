"""Read API of the reference geography (plus a GeoJSON of municipalities for maps)."""

from __future__ import annotations

from django.db.models import Count, Prefetch, QuerySet
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import parsers, serializers, viewsets
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from circulair.web.apps.common.permissions import api_permission
from circulair.web.apps.geography import presenters, selectors
from circulair.web.apps.geography.filtersets import (
    ArrondissementFilter,
    MunicipalityFilter,
    PartitionFilter,
)
from circulair.web.apps.geography.models import (
    Arrondissement,
    Municipality,
    Partition,
    PartitionMember,
    PartitionUnit,
    Province,
    Region,
)
from circulair.web.apps.geography.services import partition_import


class RegionSerializer(serializers.ModelSerializer):
    class Meta:
        model = Region
        fields = [
            "slug",
            "code",
            "name_nl",
            "name_en",
            "name_fr",
            "center_lat",
            "center_lon",
            "zoom",
            "sources",
        ]


class ProvinceSerializer(serializers.ModelSerializer):
    region = serializers.CharField(source="region.slug")

    class Meta:
        model = Province
        fields = ["refnis", "name_nl", "name_fr", "name_en", "region"]


class ArrondissementSerializer(serializers.ModelSerializer):
    region = serializers.CharField(source="region.slug")
    province = serializers.CharField(source="province.refnis")

    class Meta:
        model = Arrondissement
        fields = ["refnis", "name_nl", "name_fr", "province", "region"]


class MunicipalitySerializer(serializers.ModelSerializer):
    region = serializers.CharField(source="region.slug")
    arrondissement = serializers.CharField(source="arrondissement.refnis")
    province = serializers.CharField(source="province.refnis")
    postal_codes = serializers.SerializerMethodField()

    class Meta:
        model = Municipality
        fields = [
            "refnis",
            "name_nl",
            "name_fr",
            "arrondissement",
            "province",
            "region",
            "lat",
            "lon",
            "population",
            "population_source",
            "postal_codes",
            "central_city",
        ]

    def get_postal_codes(self, obj: Municipality) -> list[str]:
        return obj.postal_codes.split()


class PartitionUnitSerializer(serializers.ModelSerializer):
    municipalities = serializers.SerializerMethodField()

    class Meta:
        model = PartitionUnit
        fields = ["code", "name", "municipalities"]

    def get_municipalities(self, obj: PartitionUnit) -> list[str]:
        return [m.municipality.refnis for m in obj.members.all()]


class PartitionSerializer(serializers.ModelSerializer):
    region = serializers.CharField(source="region.slug")
    n_units = serializers.IntegerField(read_only=True)

    class Meta:
        model = Partition
        fields = ["slug", "name", "kind", "region", "n_units", "created_at"]


class RegionViewSet(viewsets.ReadOnlyModelViewSet):
    """Regions served by this platform (Flanders by default)."""

    queryset = Region.objects.all()
    serializer_class = RegionSerializer
    lookup_field = "slug"


class ProvinceViewSet(viewsets.ReadOnlyModelViewSet):
    queryset = Province.objects.select_related("region").order_by("region__slug", "refnis")
    serializer_class = ProvinceSerializer
    lookup_field = "refnis"
    filterset_fields = ["region__slug"]


class ArrondissementViewSet(viewsets.ReadOnlyModelViewSet):
    queryset = Arrondissement.objects.select_related("region", "province").order_by(
        "region__slug", "refnis"
    )
    serializer_class = ArrondissementSerializer
    filterset_class = ArrondissementFilter
    lookup_field = "refnis"


# The filter's choices are the strings "true" and "false" (django-filter documents a boolean).
_CENTRAL_CITY = OpenApiParameter(
    "central_city", str, enum=["true", "false"], description="Central city"
)


@extend_schema_view(
    list=extend_schema(parameters=[_CENTRAL_CITY]),
    geojson=extend_schema(parameters=[_CENTRAL_CITY]),
)
class MunicipalityViewSet(viewsets.ReadOnlyModelViewSet):
    """Municipalities with REFNIS code, names, arrondissement, province, coordinate, population.

    Filter by ``arrondissement``, ``province`` (REFNIS codes), ``central_city``, ``partition`` and
    ``unit``, ``postal_code`` or ``q``. ``/municipalities/geojson/`` returns the same as GeoJSON.
    """

    serializer_class = MunicipalitySerializer
    filterset_class = MunicipalityFilter
    lookup_field = "refnis"

    def get_queryset(self) -> QuerySet[Municipality]:
        return Municipality.objects.select_related("region", "arrondissement", "province").order_by(
            "region__slug", "refnis"
        )

    @extend_schema(responses={200: dict})
    @action(detail=False, methods=["get"], pagination_class=None)
    def geojson(self, request: Request) -> Response:
        qs = self.filter_queryset(self.get_queryset())
        return Response(presenters.municipalities_geojson(qs))


class PartitionImportSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=200)
    file = serializers.FileField(help_text="CSV refnis,unit[,unit_name]")


class PartitionViewSet(viewsets.ReadOnlyModelViewSet):
    """Partitions of a region into units; ``/partitions/{slug}/units/`` lists their members;
    ``POST /partitions/import/`` (logged in) imports one, rejecting a file that misses or
    duplicates a municipality."""

    serializer_class = PartitionSerializer
    filterset_class = PartitionFilter
    lookup_field = "slug"

    def get_queryset(self) -> QuerySet[Partition]:
        return (
            Partition.objects.select_related("region")
            .annotate(n_units=Count("units"))
            .order_by("region__slug", "slug")
        )

    @extend_schema(
        request={"multipart/form-data": PartitionImportSerializer},
        responses={201: PartitionSerializer},
    )
    @action(
        detail=False,
        methods=["post"],
        url_path="import",
        parser_classes=[parsers.MultiPartParser],
        permission_classes=[api_permission("geography.partition.import")],
    )
    def import_file(self, request: Request) -> Response:
        ser = PartitionImportSerializer(data=request.data)
        ser.is_valid(raise_exception=True)
        f = ser.validated_data["file"]
        part = partition_import(
            region=selectors.region_default(),
            name=ser.validated_data["name"],
            file_name=f.name,
            content=f.read(),
            user=request.user,
        )
        part = self.get_queryset().get(pk=part.pk)
        return Response(PartitionSerializer(part).data, status=201)

    @extend_schema(responses=PartitionUnitSerializer(many=True))
    @action(detail=True, methods=["get"], pagination_class=None, filterset_class=None)
    def units(self, request: Request, slug: str | None = None) -> Response:
        part = self.get_object()
        units = part.units.prefetch_related(
            Prefetch("members", queryset=PartitionMember.objects.select_related("municipality"))
        )
        return Response(PartitionUnitSerializer(units, many=True).data)
