"""Copies of a person's sort key on other apps' rows (``register_sort_name_copy``).

A list that sorts an app's rows by a person (tours by employee) cannot be served by an index when the
name lives in another table: the sort would join every membership and user. The app stores a copy of the
member's ``Membership.sort_name`` on its row, indexed with ``organization_id``, and declares it here; the
core's services that rename people (``alliance.services.members.person_sort_name_refresh``) update every
declared copy in the same transaction, so the copies never drift from the name.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class SortNameCopy:
    model: str  # "app_label.ModelName"
    member_field: str  # the foreign key to the membership whose key is copied
    key_field: str  # the column holding the copy


_SORT_NAME_COPIES: dict[str, SortNameCopy] = {}


def register_sort_name_copy(key: str, *, model: str, member_field: str, key_field: str) -> None:
    _SORT_NAME_COPIES[key] = SortNameCopy(model=model, member_field=member_field, key_field=key_field)


def sort_name_copies() -> list[SortNameCopy]:
    return list(_SORT_NAME_COPIES.values())
