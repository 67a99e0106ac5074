"""Signals the core sends for other apps to follow (e.g. tours follow a new manager)."""

from __future__ import annotations

from django.dispatch import Signal

# membership, previous_manager_id, by
manager_changed = Signal()
