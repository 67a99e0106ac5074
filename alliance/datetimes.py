"""What a date-time must be for PostgreSQL to take it."""

from __future__ import annotations

import datetime as dt

# PostgreSQL refuses a time-zone offset beyond ±15:59 ("time zone displacement out of range").
MAX_UTC_OFFSET = dt.timedelta(hours=15, minutes=59)
OFFSET_OUT_OF_RANGE = "The time-zone offset must be between -15:59 and +15:59."


def offset_in_range(value: dt.datetime) -> bool:
    offset = value.utcoffset()
    return offset is None or abs(offset) <= MAX_UTC_OFFSET
