"""One way to write days, times and money on every page (alliance/templatetags/alliance_tags.py)."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime
from decimal import Decimal
from pathlib import Path

import pytest
from django.conf import settings
from django.template import Context, Template
from django.utils import timezone

from alliance.templatetags.alliance_tags import day, moment, money, month, time_zone_note

TEMPLATES = Path(settings.BASE_DIR, "templates")


def test_a_day_has_its_year_only_when_it_is_not_this_year():
    this_year = timezone.localdate().year
    assert day(date(this_year, 3, 4)) == "Mar 4"
    assert day(date(2019, 3, 4)) == "Mar 4, 2019"
    assert day(None) == "" and day("") == ""


def test_a_moment_is_in_the_viewers_zone_and_the_zone_is_named_once_per_page():
    instant = datetime(2019, 3, 4, 9, 30, tzinfo=UTC)
    with timezone.override("Europe/Berlin"):
        assert moment(instant) == "Mar 4, 2019, 10:30"
        assert day(datetime(2019, 3, 4, 23, 30, tzinfo=UTC)) == "Mar 5, 2019"  # already the 5th in Berlin
        assert time_zone_note() in ("Times are in Europe/Berlin (CET).", "Times are in Europe/Berlin (CEST).")
    with timezone.override("America/Los_Angeles"):
        assert moment(instant) == "Mar 4, 2019, 01:30"
    with timezone.override("UTC"):
        assert time_zone_note() == "Times are in UTC."


def test_a_month_for_spans_of_months():
    assert month(date(2025, 6, 2)) == "Jun 2025"
    assert month(None) == ""


@pytest.mark.parametrize(("amount", "currency", "written"), [
    (Decimal("1234567.5"), "USD", "1,234,567.50 USD"),
    (Decimal("600"), "", "600.00"),
    (Decimal("-12.345"), "EUR", "-12.35 EUR"),
    (120000, "JPY", "120,000.00 JPY"),
    ("2500.00", "CHF", "2,500.00 CHF"),
    (None, "USD", ""),
])
def test_money_has_thousands_separators_and_its_currency(amount, currency, written):
    assert money(amount, currency) == written


def test_the_filters_read_the_same_in_a_template():
    page = Template("{% load alliance_tags %}{{ amount|money:currency }} · {{ when|moment }} · {{ since|month }}")
    with timezone.override("UTC"):
        text = page.render(Context({"amount": Decimal("9876.5"), "currency": "EUR",
                                    "when": datetime(2019, 1, 2, 8, 0, tzinfo=UTC), "since": date(2018, 12, 1)}))
    assert text == "9,876.50 EUR · Jan 2, 2019, 08:00 · Dec 2018"


def test_pages_write_days_and_times_only_through_the_filters():
    """Django's ``|date`` with a format of its own would write a second way; e-mails (read without
    the page's zone note) keep their own, zone-named formats."""
    found = []
    for path in TEMPLATES.rglob("*.html"):
        if "email" in path.parts:
            continue
        found += [f"{path.relative_to(TEMPLATES)}: {m}" for m in re.findall(r"\|(?:date|time):[^}]*", path.read_text())]
    assert found == []
