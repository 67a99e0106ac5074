"""Shared by the network-intelligence and networking-fund pages."""

from __future__ import annotations

from django.http import HttpRequest
from django.urls import reverse

from alliance.models import Membership
from network_intel import selectors
from network_intel.models import IntelNote
from network_intel.text import highlighted


def org_url(request: HttpRequest, name: str, *args) -> str:
    return reverse(f"network_intel:{name}", args=[request.org.slug, *args])


def decorate_notes(notes: list[IntelNote], member: Membership) -> None:
    counts, mine = selectors.useful_counts(notes, member)
    for note in notes:
        note.useful_count = counts.get(note.pk, 0)
        note.marked_useful = note.pk in mine
        if getattr(note, "body_snippet", None) is not None:
            note.snippet_html = highlighted(note.body_snippet)
            note.title_html = highlighted(note.title_snippet)
