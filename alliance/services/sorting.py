"""The sort key of people's lists, kept up to date.

Lists of people and of their rows (members by name, tours by employee) sort by a stored key, served by an
index that leads with ``organization_id``, instead of joining every user (``Membership.sort_name``; the
rows that copy it are declared with ``alliance.registry.register_sort_name_copy``). The key follows the
person's name and address, which are global (one person may belong to several organizations), so a rename
updates the person's memberships in every organization and every declared copy in the same transaction.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.apps import apps
from django.db import transaction

from alliance import tenancy
from alliance.models import Membership, User, person_sort_name
from alliance.registry import sort_name_copies

RENAME_REASON = "a person's name orders their rows in each organization they belong to"


@transaction.atomic
def person_sort_name_refresh(*, users: Iterable[User]) -> int:
    """Write the sort key of each of ``users`` (as their name and address now are) on their memberships
    and on every declared copy; returns how many memberships changed. Only stale keys are written, so
    calling it for people whose name did not change costs one read."""
    keys = {user.pk: person_sort_name(user.full_name, user.email) for user in users}
    if not keys:
        return 0
    with tenancy.cross_tenant(reason=RENAME_REASON):
        stale: dict[str, list[int]] = {}
        for membership_id, user_id, key in (Membership.objects.filter(user_id__in=keys)
                                             .values_list("pk", "user_id", "sort_name")):
            if key != keys[user_id]:
                stale.setdefault(keys[user_id], []).append(membership_id)
        for key, membership_ids in stale.items():
            Membership.objects.filter(pk__in=membership_ids).update(sort_name=key)
            for copy in sort_name_copies():
                apps.get_model(copy.model).objects.filter(**{f"{copy.member_field}__in": membership_ids}).update(
                    **{copy.key_field: key})
    return sum(len(ids) for ids in stale.values())
