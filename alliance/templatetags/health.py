"""The health page's table cells: a day and an amount are written the one way (``day``, ``money``)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from django import template

from alliance.templatetags.alliance_tags import day, money

register = template.Library()


@register.filter
def health_cell(value):
    if isinstance(value, date):
        return day(value)
    if isinstance(value, Decimal):
        return money(value)
    return "—" if value is None else value
