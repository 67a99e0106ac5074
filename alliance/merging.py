"""Shared texts two people may type into at once (a checkpoint's shared notes): merged, never overwritten.

A form carries ``text_version(text)`` of the text it showed. On save, ``merge_text`` compares it with
the text stored now: unchanged since (or changed to exactly what is being saved), the new text
replaces it; changed by someone else meanwhile, both are kept, the stored one first, then the new
one under a line naming who wrote it and when. Nobody's words are lost; the writer tidies up.
"""

from __future__ import annotations

import hashlib
from datetime import datetime

from django.utils import timezone


def text_version(text: str) -> str:
    return hashlib.sha256((text or "").encode()).hexdigest()


def merge_text(*, stored: str, saved: str, based_on: str | None, author: str, at: datetime | None = None) -> str:
    """What to store when ``saved`` was written over the version ``based_on`` (None: no version known)."""
    if based_on is None or based_on == text_version(stored) or saved == stored or not stored.strip():
        return saved
    if not saved.strip():  # clearing a text someone else has just written would lose their words
        return stored
    when = timezone.localtime(at or timezone.now()).strftime("%Y-%m-%d %H:%M")
    return f"{stored.rstrip()}\n\n--- {author}, {when} (saved at the same time) ---\n{saved.strip()}"
