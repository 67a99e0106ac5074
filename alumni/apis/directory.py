"""REST API of the alumni directory (``/api/v1/alumni/``): every filter is joined with the field's
visibility for the caller."""

from __future__ import annotations

from django.http import Http404
from django.utils import timezone
from django_filters import rest_framework as filters
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import generics, serializers
from rest_framework.exceptions import ValidationError

from alliance.apis import ColumnListMixin, UpdatedSinceFilterSet, api_datetime
from alliance.serializers import StrictCharField
from alumni import rights, selectors
from alumni.models import AlumniProfile


class AlumniCardOutputSerializer(serializers.ModelSerializer):
    """A directory card as the token's person may see it: a field its alumnus hid from them is null."""

    name = StrictCharField(allow_null=True)
    current_company = StrictCharField(allow_null=True)
    current_role = StrictCharField(allow_null=True)
    city = StrictCharField(allow_null=True)
    joined_year = serializers.IntegerField(allow_null=True)
    left_year = serializers.IntegerField(allow_null=True)
    teams = StrictCharField(allow_null=True)
    tour_titles = serializers.ListField(child=StrictCharField(), allow_null=True)
    distinguished = serializers.BooleanField(help_text="A distinguished alumnus (shown at the invest level).")
    photo = serializers.BooleanField(help_text="Whether the card shows the caller a photo (the page "
                                               "/o/<slug>/alumni/directory/<id>/photo/ serves it).")

    class Meta:
        model = AlumniProfile
        fields = ["id", "name", "current_company", "current_role", "city", "joined_year", "left_year", "teams",
                  "tour_titles", "distinguished", "photo", "updated_at"]
        read_only_fields = fields


class DirectoryFilterSet(UpdatedSinceFilterSet):
    """Every filter is joined with the field's visibility for the caller (``alumni.selectors``)."""

    q = filters.CharFilter(method="narrow", help_text="Text in the fields the caller may see.")
    company = filters.CharFilter(method="narrow")
    city = filters.CharFilter(method="narrow")
    team = filters.CharFilter(method="narrow")
    year = filters.NumberFilter(method="narrow", help_text="Here during this year.")

    class Meta:
        model = AlumniProfile
        fields = ["q", "company", "city", "team", "year", "updated_since"]

    def narrow(self, queryset, name, value):
        if name == "year":
            value = int(value) if value is not None and 1900 <= value <= 2200 else None
            if value is None:
                raise ValidationError({"year": ["Give a year between 1900 and 2200."]})
        return selectors.directory_narrow(queryset, viewer=self.request.member,
                                          filters=selectors.DirectoryFilters(**{name: value}))


@extend_schema_view(get=extend_schema(
    summary="The alumni directory, as the token's person may see it",
    description="Listed alumni only; each field is null when its alumnus did not open it to employees. "
                "Not offered when the organization's investment level is `ignore` (404).",
    responses=AlumniCardOutputSerializer))
class AlumniDirectoryListApi(ColumnListMixin, generics.ListAPIView):
    serializer_class = AlumniCardOutputSerializer
    filterset_class = DirectoryFilterSet
    queryset = AlumniProfile.objects.none()
    list_columns = selectors.DIRECTORY_COLUMNS

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return AlumniProfile.objects.none()
        self.network = selectors.network_settings(self.request.org)
        if not rights.can_use_directory(self.request.member, self.network):
            raise Http404("No such page.")
        return selectors.directory_cards(self.request.member)

    def list_rows(self, rows):
        zone = timezone.get_current_timezone()
        cards = selectors.directory_rows(rows, viewer=self.request.member, settings=self.network)
        return [{**{name: card[name] for name in AlumniCardOutputSerializer.Meta.fields if name != "updated_at"},
                 "updated_at": api_datetime(card["updated_at"], zone)} for card in cards]
