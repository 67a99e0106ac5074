"""Serializer fields the apps' APIs share."""

from __future__ import annotations

from collections.abc import Mapping

from django.db import models
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import exceptions, serializers
from rest_framework.utils import html

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


UNKNOWN_FIELD = "Unknown field: this operation does not take it."


class InputSerializer(serializers.Serializer):
    """The body of every API write (and every object nested in one).

    DRF drops a field it does not know; a client that misspells ``rehire`` or sends a field of
    another operation would see a 200 and nothing changed. Here it is a 400 naming each field, the
    same on every write of every app (the schema says ``additionalProperties: false``). A test checks
    that every input serializer of the API is one of these.
    """

    def to_internal_value(self, data):
        if isinstance(data, Mapping):
            known = {name for name, field in self.fields.items() if not field.read_only}
            unknown = sorted(str(name) for name in data if name not in known)
            if unknown:
                raise serializers.ValidationError({name: [UNKNOWN_FIELD] for name in unknown})
        return super().to_internal_value(data)


class NoInputSerializer(InputSerializer):
    """The body of an action that takes none (``/cancel/``, ``/bonus-paid/``): any field is unknown."""


def no_input(request) -> dict:
    """The input of an action that takes none: nothing, and a body naming fields is refused like on every
    other write. A body the API does not read (a form post, no JSON) carries nothing it would use."""
    try:
        data = request.data
    except exceptions.UnsupportedMediaType:
        return {}
    NoInputSerializer(data=data if data else {}).is_valid(raise_exception=True)
    return {}


class StrictBooleanField(serializers.BooleanField):
    """JSON ``true`` or ``false`` only. DRF's ``BooleanField`` also takes ``0``, ``1``, ``"yes"``,
    ``"on"``…; the schema says ``type: boolean``, so anything else is a 400 on every input."""

    default_error_messages = {"invalid": "Give true or false."}

    def get_value(self, dictionary):
        # A multipart form (a log with receipts) carries every value as text: there, "true" or "false".
        value = super().get_value(dictionary)
        if html.is_html_input(dictionary) and value in {"true", "false"}:
            return value == "true"
        return value

    def to_internal_value(self, data):
        if data is True or data is False:
            return data
        self.fail("invalid")


@extend_schema_field({"type": "string", "format": "uri", "nullable": True})
class OptionalURLOutputField(serializers.URLField):
    """A link that may be absent: stored as ``""``, answered as ``null`` (never ``""`` where a URI is promised)."""

    def __init__(self, **kwargs):
        kwargs.setdefault("read_only", True)
        super().__init__(**kwargs)

    def to_representation(self, value):
        return value or None


class OptionalChoiceOutputField(serializers.ChoiceField):
    """A choice not made yet: stored as ``""``, answered as ``null``, so every answer is one of the enum's
    values or null (the schema says so)."""

    def __init__(self, choices, **kwargs):
        kwargs.setdefault("read_only", True)
        super().__init__(choices=choices, allow_null=True, **kwargs)

    def to_representation(self, value):
        return value or None
