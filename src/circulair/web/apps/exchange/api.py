"""Exchange API. Exact locations only with the right of `.privacy`; writes only for members;
hiding a listing (`.moderation`) only for catalogue moderators and administrators."""

from __future__ import annotations

from typing import Any

from django.http import Http404
from django.shortcuts import get_object_or_404
from drf_spectacular.utils import extend_schema, extend_schema_field, inline_serializer
from rest_framework import permissions, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from circulair.web.apps.common import permissions as perms
from circulair.web.apps.common.fields import FiniteFloatField
from circulair.web.apps.exchange import presenters, selectors, services
from circulair.web.apps.exchange.models import HIDDEN_REASON_MAX, Listing, Match
from circulair.web.apps.exchange.services.validation import MAX_RADIUS_KM

# Ids above this overflow a PostgreSQL bigint (a 500 instead of a 4xx).
MAX_ID = 2**63 - 1


class PositiveFloatField(FiniteFloatField):
    """A finite number greater than 0 (DRF's ``min_value`` is inclusive; the schema says
    ``exclusiveMinimum``)."""

    positive = True

    def to_internal_value(self, data: Any) -> float:
        return _positive(super().to_internal_value(data))


class ListingSerializer(serializers.ModelSerializer):
    organisation = serializers.CharField(source="organisation.name")
    municipality = serializers.CharField(source="municipality.name_nl")
    refnis = serializers.CharField(source="municipality.refnis")
    location = serializers.SerializerMethodField()
    material_name = serializers.SerializerMethodField(
        help_text="The material's full name in the request's language (Accept-Language); "
        "'material' is its taxonomy code."
    )

    class Meta:
        model = Listing
        fields = [
            "id",
            "kind",
            "organisation",
            "title",
            "description",
            "material",
            "material_name",
            "ewc",
            "hazardous",
            "route",
            "quantity",
            "remaining",
            "unit",
            "frequency",
            "available_from",
            "available_to",
            "quality",
            "certified",
            "municipality",
            "refnis",
            "radius_km",
            "price_eur",
            "status",
            "location",
            "created_at",
            "hidden_at",
            "hidden_reason",
        ]
        extra_kwargs = {
            "hidden_at": {
                "help_text": "When a moderator hid the listing (null: not hidden). Only its own "
                "organisation and moderators see a hidden listing."
            },
            "hidden_reason": {"help_text": "The moderator's reason (empty: not hidden)."},
        }

    def get_material_name(self, obj: Listing) -> str:
        return selectors.material_label(obj.material)

    def get_location(self, obj: Listing) -> dict[str, Any] | None:
        """Exact location only with the right of :mod:`.privacy` (null for everyone else)."""
        visible = self.context.get("visible")
        ok = (
            (obj.pk in visible)
            if visible is not None
            else selectors.location_visible(obj, self.context["request"].user)
        )
        return {"lat": obj.lat, "lon": obj.lon, "address": obj.address} if ok else None


class ListingCreateSerializer(serializers.Serializer):
    organisation = serializers.IntegerField(min_value=1, max_value=MAX_ID)
    kind = serializers.ChoiceField(choices=Listing.Kind.choices)
    title = serializers.CharField(max_length=200)
    description = serializers.CharField(required=False, allow_blank=True, max_length=10000)
    material = serializers.CharField(max_length=80)
    ewc = serializers.CharField(required=False, allow_blank=True, max_length=20)
    route = serializers.ChoiceField(choices=Listing.Route.choices, default="recycle")
    quantity = PositiveFloatField()
    unit = serializers.ChoiceField(choices=Listing.Unit.choices, default="t")
    frequency = serializers.ChoiceField(choices=Listing.Frequency.choices, default="once")
    available_from = serializers.DateField()
    available_to = serializers.DateField()
    quality = serializers.CharField(required=False, allow_blank=True, max_length=100)
    certified = serializers.BooleanField(default=False)
    accepts_hazardous = serializers.BooleanField(default=False)
    refnis = serializers.RegexField(
        r"^[0-9]{5}$",
        required=False,
        allow_blank=True,
        error_messages={"invalid": "A REFNIS code has 5 digits."},
    )
    postal_code = serializers.RegexField(
        r"^[0-9]{4}$",
        required=False,
        allow_blank=True,
        error_messages={"invalid": "A Belgian postal code has 4 digits."},
    )
    lat = FiniteFloatField(required=False, min_value=-90, max_value=90)
    lon = FiniteFloatField(required=False, min_value=-180, max_value=180)
    address = serializers.CharField(required=False, allow_blank=True, max_length=200)
    radius_km = PositiveFloatField(default=50, max_value=MAX_RADIUS_KM)
    price_eur = serializers.DecimalField(
        max_digits=12, decimal_places=2, required=False, min_value=0
    )
    primary_km = FiniteFloatField(required=False, min_value=0, max_value=40000)
    publish = serializers.BooleanField(default=True)


def _positive(value: float) -> float:
    """DRF's ``min_value`` is inclusive; a quantity or a radius must be more than 0."""
    if value <= 0:
        raise serializers.ValidationError("Must be greater than 0.")
    return value


#: One part of a score: ``contribution = weight × value``; the parts add up to the score.
SCORE_COMPONENT = inline_serializer(
    name="ScoreComponent",
    fields={
        "code": serializers.ChoiceField(choices=["distance", "quantity", "route", "quality"]),
        "label": serializers.CharField(help_text="The part's name in the request's language."),
        "value": FiniteFloatField(),
        "weight": FiniteFloatField(),
        "contribution": FiniteFloatField(),
    },
    many=True,
    allow_null=True,
)


class MatchSerializer(serializers.ModelSerializer):
    """A match as its parties see it: ``distance_km`` and ``score`` are from the public points
    until the match is accepted (then the distance is the exact one; both parties have the
    right to both locations). ``components`` take the score apart as it was computed at the
    proposal (null for a match older than that)."""

    components = serializers.SerializerMethodField()

    class Meta:
        model = Match
        fields = [
            "id",
            "offer",
            "request",
            "quantity",
            "distance_km",
            "score",
            "components",
            "status",
            "created_at",
            "decided_at",
        ]

    @extend_schema_field(SCORE_COMPONENT)
    def get_components(self, obj: Match) -> list[dict[str, Any]] | None:
        kept = presenters.kept_breakdown(obj)
        return None if kept is None else kept["components"]


class HideSerializer(serializers.Serializer):
    reason = serializers.RegexField(
        r"\S",
        max_length=HIDDEN_REASON_MAX,
        help_text="Why the listing is hidden: shown to its owner (and sent to its members).",
        error_messages={"invalid": "Give the reason, shown to the listing's owner."},
    )


class ProposeSerializer(serializers.Serializer):
    offer = serializers.IntegerField(min_value=1, max_value=MAX_ID)
    request = serializers.IntegerField(min_value=1, max_value=MAX_ID)
    quantity = PositiveFloatField(required=False)


class ListingViewSet(viewsets.ReadOnlyModelViewSet):
    """Published offers and requests (plus your organisations' own). ``POST`` creates one for an
    organisation you belong to; ``/listings/{id}/matches/`` ranks candidates (own listings);
    ``/listings/{id}/hide/`` and ``/unhide/`` are for catalogue moderators."""

    serializer_class = ListingSerializer
    permission_classes = [permissions.IsAuthenticatedOrReadOnly]
    filterset_fields = ["kind", "material", "status"]

    def get_queryset(self) -> Any:
        return selectors.listing_visible_to(self.request.user).order_by("-created_at", "-pk")

    def get_serializer_context(self) -> dict[str, Any]:
        ctx = super().get_serializer_context()
        ctx["visible"] = selectors.visible_listing_ids(self.request.user)
        return ctx

    @extend_schema(request=ListingCreateSerializer, responses={201: ListingSerializer})
    def create(self, request: Request) -> Response:
        ser = ListingCreateSerializer(data=request.data)
        ser.is_valid(raise_exception=True)
        data = dict(ser.validated_data)
        org = selectors.my_organisation(request.user, data.pop("organisation"))
        publish = data.pop("publish")
        listing = services.listing_create(
            user=request.user, organisation=org, data=data, publish=publish
        )
        return Response(
            ListingSerializer(listing, context=self.get_serializer_context()).data,
            status=status.HTTP_201_CREATED,
        )

    @action(detail=True, methods=["get"], pagination_class=None)
    def matches(self, request: Request, pk: str | None = None) -> Response:
        """Ranked counterparts; distances and scores use each counterpart's public point
        unless this organisation has the right to its exact one (``ranked_candidates``)."""
        listing = self.get_object()
        perms.require(request.user, "exchange.listing.edit", listing)
        return Response(
            [
                {
                    "listing": c["listing"].pk,
                    "title": c["listing"].title,
                    "distance_km": c["distance_km"],
                    "score": c["score"],
                    "municipality": c["listing"].municipality.name_nl,
                    "material": c["listing"].material,
                    "material_name": selectors.material_label(c["listing"].material),
                    "components": presenters.score_breakdown(c["parts"], c["distance_km"])[
                        "components"
                    ],
                }
                for c in selectors.ranked_candidates(listing, k=10)
            ]
        )

    def _moderated(self, request: Request) -> Listing:
        """The listing of the URL (404 unless visible), once the user may moderate (403)."""
        listing = self.get_object()
        perms.require(request.user, "exchange.listing.moderate")
        return listing

    @extend_schema(
        request=HideSerializer,
        responses={200: ListingSerializer},
        description="Hide a listing from everyone but its own organisation, with a reason its "
        "members are told (in-app and by e-mail). Catalogue moderators and administrators only; "
        "a listing already hidden is a 400.",
    )
    @action(detail=True, methods=["post"])
    def hide(self, request: Request, pk: str | None = None) -> Response:
        listing = self._moderated(request)
        ser = HideSerializer(data=request.data)
        ser.is_valid(raise_exception=True)
        listing = services.listing_hide(
            user=request.user, listing=listing, reason=ser.validated_data["reason"]
        )
        return Response(ListingSerializer(listing, context=self.get_serializer_context()).data)

    @extend_schema(
        request=None,
        responses={200: ListingSerializer},
        description="Make a hidden listing visible again. Catalogue moderators and "
        "administrators only; a listing that is not hidden is a 400.",
    )
    @action(detail=True, methods=["post"])
    def unhide(self, request: Request, pk: str | None = None) -> Response:
        listing = services.listing_unhide(user=request.user, listing=self._moderated(request))
        return Response(ListingSerializer(listing, context=self.get_serializer_context()).data)


def _listing_or_404(pk: int, kind: str) -> Listing:
    """The offer or request ``pk``, or a 404 whose message names the field."""
    listing = Listing.objects.filter(pk=pk, kind=kind).first()
    if listing is None:
        raise Http404(f"{kind}: no {kind} with id {pk}")
    return listing


class MatchViewSet(viewsets.ReadOnlyModelViewSet):
    """Matches you are party to. ``POST`` proposes; ``/matches/{id}/accept|decline/``."""

    serializer_class = MatchSerializer
    permission_classes = [permissions.IsAuthenticated]

    def get_queryset(self) -> Any:
        return selectors.matches_visible_to(self.request.user)

    @extend_schema(request=ProposeSerializer, responses={201: MatchSerializer})
    def create(self, request: Request) -> Response:
        ser = ProposeSerializer(data=request.data)
        ser.is_valid(raise_exception=True)
        offer, req = (
            _listing_or_404(ser.validated_data[kind], kind) for kind in ("offer", "request")
        )
        m = services.match_propose(
            user=request.user, offer=offer, request=req, quantity=ser.validated_data.get("quantity")
        )
        return Response(MatchSerializer(m).data, status=status.HTTP_201_CREATED)

    def _decide(self, request: Request, pk: str | None, accept: bool) -> Response:
        if not str(pk).isdigit() or int(str(pk)) > MAX_ID:
            raise Http404("no such match")
        m = get_object_or_404(Match, pk=int(str(pk)))
        perms.require(request.user, "exchange.match.party", m)
        m = services.match_decide(user=request.user, match=m, accept=accept)
        return Response(MatchSerializer(m).data)

    @action(detail=True, methods=["post"])
    def accept(self, request: Request, pk: str | None = None) -> Response:
        return self._decide(request, pk, True)

    @action(detail=True, methods=["post"])
    def decline(self, request: Request, pk: str | None = None) -> Response:
        return self._decide(request, pk, False)
