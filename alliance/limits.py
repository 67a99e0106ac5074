"""The longest text and the longest lists the core takes (characters, items).

One constant per bound, used by the models (``max_length``, an ``ArrayField``'s ``size``), the forms and
the API alike, so an oversized input is refused in every door with the same limit and before any query.
"""

from __future__ import annotations

# The organization's mission and values, a member's aspirations and values: a few paragraphs each.
PROFILE_TEXT_MAX = 5_000
# Reminder lead times: at most this many per list, typed as "14, 7, 1" in a form field of this length.
MAX_LEAD_TIMES = 5
LEAD_TIMES_TEXT_MAX = 100
# An e-mail address (Django's EmailField in a model).
EMAIL_MAX = 254
# A password typed in a form (validate_password and the hasher only ever see this much).
PASSWORD_MAX = 1_000
# Written by the app, not typed: an in-app notification's text, a failed delivery's error.
NOTIFICATION_BODY_MAX = 10_000
DELIVERY_ERROR_MAX = 1_000
# A value in a member's history (a title, a team, a manager's name, a date): the longest of those fields.
MEMBER_CHANGE_VALUE_MAX = 300
# How far ahead an employment start date may be (a hire signed today who starts within a year).
EMPLOYMENT_START_MAX_DAYS_AHEAD = 366
# The earliest employment start date taken (anything before is a typing mistake).
EMPLOYMENT_START_EARLIEST_YEAR = 1950
