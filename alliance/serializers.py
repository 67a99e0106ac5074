"""Serializer fields the apps' APIs share."""

from __future__ import annotations

from rest_framework import serializers


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
