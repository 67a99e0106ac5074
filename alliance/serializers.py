"""Serializer fields the apps' APIs share."""

from __future__ import annotations

from django.db import models
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from alliance.people import email_visible_to, load_contact_consents


class StrictCharField(serializers.CharField):
    """A text field that takes only a JSON string.

    DRF's ``CharField`` turns ``12`` or ``0.5`` into ``"12"`` / ``"0.5"``; the schema promises
    ``type: string``, and a client sending a number there has a bug it should hear about. Every
    text field of the API's input is one of these (a test checks it); writing output is unchanged.
    """

    default_error_messages = {"invalid": "Not a valid string."}

    def to_internal_value(self, data):
        if not isinstance(data, str):
            self.fail("invalid")
        return super().to_internal_value(data)


class BoundedListField(serializers.ListField):
    """A list with a maximum number of items, counted before any item is looked at.

    DRF's ``ListField(max_length=...)`` validates every item first and counts afterwards, so 200,000 tags
    were each checked before the list was refused; here a list that is too long is refused at once. The
    child must be bounded too (a ``StrictCharField`` with a ``max_length``, an integer, a choice).
    """

    def __init__(self, *args, max_length: int | None = None, **kwargs):
        if max_length is None:
            raise TypeError("BoundedListField needs a max_length.")
        super().__init__(*args, max_length=max_length, **kwargs)

    def to_internal_value(self, data):
        if isinstance(data, list | tuple) and len(data) > self.max_length:
            self.fail("max_length", max_length=self.max_length)
        return super().to_internal_value(data)


@extend_schema_field(OpenApiTypes.EMAIL)
class VisibleEmailField(serializers.Field):
    """The e-mail of the person at ``source`` (a membership) that the request's member may see
    (``alliance.people.email_visible_to``): null after they left, unless the rule lets the viewer see it.

    A serializer with one of these declares ``list_serializer_class = PeopleListSerializer`` so a list
    reads the consents its rows need in one query."""

    def __init__(self, **kwargs):
        kwargs.update(read_only=True, allow_null=True)
        super().__init__(**kwargs)

    def to_representation(self, subject):
        return email_visible_to(self.context["request"].member, subject)


class PeopleListSerializer(serializers.ListSerializer):
    """A list of items that show people's addresses: the consents the rule needs are read once for the
    whole list (``alliance.people.load_contact_consents``), not once per row."""

    def to_representation(self, data):
        items = list(data.all() if isinstance(data, models.manager.BaseManager) else data)
        fields = [field for field in self.child.fields.values() if isinstance(field, VisibleEmailField)]
        load_contact_consents(self.context["request"].member,
                              [field.get_attribute(item) for item in items for field in fields])
        return super().to_representation(items)
