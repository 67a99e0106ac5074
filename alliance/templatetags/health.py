"""The health page's table cells: a day and an amount are written the one way (``day``, ``money``).

``health_rows`` writes a figure's table body in one pass: the at-risk list alone has up to 200 rows of four
cells, and a template loop with a filter per cell cost more than the figures' SQL (about 100 ms of the big
organization's page)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from django import template
from django.utils.html import escape, format_html
from django.utils.safestring import SafeString, mark_safe

from alliance.templatetags.alliance_tags import day, money

register = template.Library()


@register.filter
def health_cell(value):
    if isinstance(value, date):
        return day(value)
    if isinstance(value, Decimal):
        return money(value)
    return "—" if value is None else value


@register.simple_tag
def health_rows(figure) -> SafeString:
    """The ``<tr>`` rows of a figure's table: the first cell a row header (a link where the row has one),
    every cell escaped. Each distinct cell is written once (the at-risk list repeats its reasons and days)."""
    if not figure.rows:
        return format_html('<tr><td colspan="{}" class="muted">Nothing to count yet.</td></tr>', len(figure.columns))
    written: dict = {}

    def text(cell) -> str:
        try:
            key = (type(cell), cell)
            if key not in written:
                written[key] = escape(health_cell(cell))
            return written[key]
        except TypeError:  # an unhashable cell: written every time
            return escape(health_cell(cell))

    parts = []
    for row, link in figure.table:
        head = text(row[0]) if row else ""
        if link:
            head = f'<a href="{escape(link)}">{head}</a>'
        cells = "".join(f"<td>{text(cell)}</td>" for cell in row[1:])
        parts.append(f'<tr><th scope="row">{head}</th>{cells}</tr>')
    return mark_safe("".join(parts))  # noqa: S308  (every cell and link escaped above)
