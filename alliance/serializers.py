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
