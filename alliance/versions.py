"""Stale browser saves are refused: an edit form carries the version of the row it was rendered from.

``track(form, row, read=...)`` adds a hidden ``version`` field to an edit form: a digest of the values the
form edits as ``read(row)`` gives them (what the form shows). ``save_tracked(form, save)`` then, in one
transaction, locks the row (``SELECT … FOR UPDATE``), reads its values again and, when they are no longer
those of the version the form was rendered from, saves nothing and raises ``StaleEdit`` (409): the form
now shows "Changed by X at T" and, for each field that differs, both values — theirs, saved; yours, not
saved — and carries the version it is now, so saving again keeps yours. Two writers holding the same
version queue on the lock: the second one sees the first one's change.

A form posted without a version (a page from before this rule, a script) saves as before, as a write
without ``If-Match`` does in the API (``alliance/etags.py``). Shared free text that both sides write at
the same time is merged instead (``alliance/merging.py``).
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from typing import Any, TypeVar

import orjson
from django import forms
from django.db import models, transaction

from alliance.errors import ApplicationError
from alliance.templatetags.alliance_tags import day, moment

T = TypeVar("T")
FIELD = "version"
SOMEONE = "someone"


class StaleEdit(ApplicationError):
    """Someone else saved the row since the form was rendered: nothing was saved."""

    status_code = 409


@dataclass(frozen=True)
class Difference:
    label: str
    theirs: str
    yours: str


@dataclass(frozen=True)
class Conflict:
    by: str
    at: datetime | None
    differences: list[Difference] = field(default_factory=list)


def last_change_of(row: models.Model) -> tuple[str | None, datetime | None]:
    """Who changed a row without a history, and when: nobody we can name, at its ``updated_at``."""
    return None, getattr(row, "updated_at", None)


@dataclass
class Tracked:
    row: models.Model
    read: Callable[[models.Model], dict[str, Any]]
    changed_by: Callable[[models.Model], tuple[str | None, datetime | None]] = last_change_of


def _plain(value: Any) -> Any:
    """A value as the version digest sees it: rows by id, lists in order of their ids, text without CRs."""
    if isinstance(value, models.Model):
        return value.pk
    if isinstance(value, models.QuerySet | list | tuple | set | frozenset):
        return sorted((_plain(item) for item in value), key=str)
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value.normalize())
    if isinstance(value, str):
        return value.replace("\r\n", "\n").strip()
    return "" if value is None else value


def version_of(values: dict[str, Any]) -> str:
    encoded = orjson.dumps({name: _plain(value) for name, value in values.items()},
                           option=orjson.OPT_SORT_KEYS | orjson.OPT_NON_STR_KEYS, default=str)
    return hashlib.sha256(encoded).hexdigest()[:32]


def track(form: forms.BaseForm, row: models.Model, *, read: Callable[[models.Model], dict[str, Any]],
          changed_by: Callable[[models.Model], tuple[str | None, datetime | None]] | None = None):
    """Give ``form`` the hidden version of ``row``; ``read(row)`` gives the values the form edits, by field name."""
    form.fields[FIELD] = forms.CharField(widget=forms.HiddenInput, required=False, max_length=64,
                                         initial=version_of(read(row)))
    form.tracked = Tracked(row=row, read=read, changed_by=changed_by or last_change_of)
    form.conflict = None
    return form


def status_of(form: forms.BaseForm, *, posted: bool) -> int:
    """The answer's status for an edit page shown again: 409 after a stale save, 400 with errors, else 200."""
    if getattr(form, "conflict", None) is not None:
        return StaleEdit.status_code
    return 400 if posted or form.errors else 200


def _choice_label(choices: Iterable, value: Any) -> Any:
    for key, label in choices:
        if isinstance(label, list | tuple):  # an optgroup
            found = _choice_label(label, value)
            if found is not None:
                return found
        elif str(key) == str(value):
            return label
    return None


def shown(form_field: forms.Field, value: Any) -> str:
    """A value as a person reads it: choices by their labels, rows by their names, days and times one way."""
    if value in (None, "", [], ()):
        return "—"
    if isinstance(form_field, forms.ModelMultipleChoiceField):
        rows = value if isinstance(value, models.QuerySet | list | tuple) else [value]
        ids = [row.pk if isinstance(row, models.Model) else row for row in rows]
        return ", ".join(sorted(str(row) for row in form_field.queryset.filter(pk__in=ids))) or "—"
    if isinstance(form_field, forms.ModelChoiceField):
        row = value if isinstance(value, models.Model) else form_field.queryset.filter(pk=value).first()
        return form_field.label_from_instance(row) if row is not None else "—"
    if isinstance(value, bool):
        return "Yes" if value else "No"
    if isinstance(form_field, forms.ChoiceField) and not isinstance(value, list | tuple):
        label = _choice_label(form_field.choices, value)
        if label is not None:
            return str(label)
    if isinstance(value, list | tuple | set | models.QuerySet):
        return ", ".join(str(item) for item in value)
    if isinstance(value, datetime):
        return moment(value)
    if isinstance(value, date):
        return day(value)
    return str(value)


def _differences(form: forms.BaseForm, theirs: dict[str, Any]) -> list[Difference]:
    """The fields whose saved value is not what this form posted (Django's own ``has_changed`` decides)."""
    found = []
    for name, value in theirs.items():
        form_field = form.fields.get(name)
        if form_field is None or name == FIELD or not form_field.has_changed(value, form[name].data):
            continue
        found.append(Difference(label=str(form_field.label or name.replace("_", " ").capitalize()),
                                theirs=shown(form_field, value), yours=shown(form_field, form.cleaned_data.get(name))))
    return found


def _lock(row: models.Model) -> models.Model | None:
    return type(row)._base_manager.select_for_update().filter(pk=row.pk).first()


def save_tracked(form: forms.BaseForm, save: Callable[[], T]) -> T:
    """``save()`` when the row is still at the version ``form`` was rendered from, under a lock on the row.

    Otherwise nothing is saved: the form gets the conflict (``form.conflict``) and the row's version now,
    and ``StaleEdit`` is raised for the view to show the page again (``status_of``: 409). The version is
    taken out of ``form.cleaned_data`` first, so ``save`` sees the edited fields only."""
    tracked: Tracked = form.tracked
    posted = form.cleaned_data.pop(FIELD, "") or None
    with transaction.atomic():
        current = _lock(tracked.row)
        if current is None:
            raise ApplicationError("This was deleted while you were editing it: nothing was saved.")
        if posted is not None:
            theirs = tracked.read(current)
            now = version_of(theirs)
            differences = _differences(form, theirs) if now != posted else []
            if differences:
                name, at = tracked.changed_by(current)
                form.conflict = Conflict(by=name or SOMEONE, at=at, differences=differences)
                data = form.data.copy()
                data[form.add_prefix(FIELD)] = now
                form.data = data
                when = f" at {moment(at)}" if at else ""
                raise StaleEdit(f"Changed by {name or SOMEONE}{when} while you were editing: nothing was saved. "
                                "Both versions are shown below; save again to keep yours.")
        return save()
