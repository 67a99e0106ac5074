"""Undo instead of asking first, where it is cheap: the success message of a deletion carries an "Undo" button.

The app deletes softly (its row marked deleted, invisible everywhere) and gives the URL that restores it;
``offer_undo`` puts the message, with its button (a POST form, so it works without JavaScript), on the next
page. The app's beat deletes for real once the minute is over."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest
from django.template.loader import render_to_string
from django.utils.safestring import mark_safe


def offer_undo(request: HttpRequest, text: str, *, undo_url: str, seconds: int) -> None:
    """A success message saying ``text`` with an "Undo" button posting to ``undo_url`` (``text`` is escaped;
    the message keeps its markup through the message storage, which preserves safe strings)."""
    html = render_to_string("alliance/_undo_message.html",
                            {"text": text, "undo_url": undo_url, "seconds": seconds}, request=request)
    messages.success(request, mark_safe(html.strip()), extra_tags="undo")  # noqa: S308 - rendered, escaped above
