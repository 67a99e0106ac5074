"""The API's JSON parser: a body nested deeper than any real request is a 400 (not a RecursionError),
one over ``DATA_UPLOAD_MAX_MEMORY_SIZE`` a 413, both as JSON."""

from __future__ import annotations

import io
import re
from itertools import accumulate

from django.conf import settings
from rest_framework import status
from rest_framework.exceptions import APIException, ParseError
from rest_framework.parsers import JSONParser

# No request of this API nests deeper than a handful of levels.
MAX_JSON_DEPTH = 32
_ESCAPE = re.compile(r"\\.", re.DOTALL)
_BRACKETS = re.compile(r"[\[\]{}]")
_STEP = {"[": 1, "{": 1, "]": -1, "}": -1}


def json_depth(text: str) -> int:
    """The deepest nesting of arrays and objects in ``text`` (brackets inside strings do not count).

    Linear in the length of ``text`` whatever it holds: every step is one pass of a regular expression
    that never backtracks, or of a C iterator. (A pattern matching whole strings, ``"(?:[^"\\]|\\.)*"``,
    is quadratic on an unterminated string of escaped quotes: it rescans to the end from every quote.)
    Escapes are dropped first, so every remaining quote opens or closes a string, and the text between
    the even and odd quotes is outside strings.
    """
    outside = "".join(_ESCAPE.sub("", text).split('"')[::2])
    steps = map(_STEP.__getitem__, _BRACKETS.findall(outside))
    return max(accumulate(steps, initial=0))


class RequestTooLarge(APIException):
    status_code = status.HTTP_413_REQUEST_ENTITY_TOO_LARGE
    default_detail = "The request body is larger than this API accepts."
    default_code = "request_too_large"


def body_limit() -> int | None:
    return settings.DATA_UPLOAD_MAX_MEMORY_SIZE


def too_large_message(limit: int) -> str:
    return f"The request body is larger than {limit:,} bytes, the most this API accepts."


class DepthLimitedJSONParser(JSONParser):
    def parse(self, stream, media_type=None, parser_context=None):
        encoding = (parser_context or {}).get("encoding", settings.DEFAULT_CHARSET)
        limit = body_limit()
        if stream is None:
            raw = b""
        else:
            raw = stream.read() if limit is None else stream.read(limit + 1)
        if limit is not None and len(raw) > limit:
            raise RequestTooLarge(too_large_message(limit))
        try:
            text = raw.decode(encoding)
        except UnicodeDecodeError as error:
            raise ParseError(f"The body is not valid {encoding}.") from error
        if json_depth(text) > MAX_JSON_DEPTH:
            raise ParseError(f"The JSON body nests deeper than {MAX_JSON_DEPTH} levels.")
        try:
            return super().parse(io.BytesIO(raw), media_type, parser_context)
        except RecursionError as error:  # belt and braces: the count above should have caught it
            raise ParseError(f"The JSON body nests deeper than {MAX_JSON_DEPTH} levels.") from error
