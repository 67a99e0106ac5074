"""Which address of a person a viewer may see: one rule, in Python for the objects a page or a
serializer holds and as its SQL twin for the list statements (DESIGN "Identity and people").

On their last day a leaver's personal address becomes their account's e-mail, so "the account's
e-mail" is a work address only while the membership is active:

* the subject's membership is active: everyone who may see the subject sees the account's e-mail
  (the work address);
* the subject left (alumnus, former member): the person themself still sees their own; HR and
  admins see it (it is the personal address by then) only while the person consents to be
  contacted; every colleague sees nothing (``None``: null in the API, nothing on a page).

The consent lives in the alumni app's leaver step, which the core does not import: the app
registers, through ``alliance.registry.register_contact_consent``, one SQL statement that gives
the consenting memberships of an organization. The Python rule and the SQL twin both read that
same statement, so they cannot disagree about who consented (``tests/alumni/test_addresses.py``
checks the two for every viewer role × subject status × consent).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from typing import TypeVar

from django.db import connection

from alliance.models import Membership
from alliance.registry import contact_consent_parameters, contact_consent_sql

T = TypeVar("T")

# Set on a membership instance by ``load_contact_consents``, read by ``consents_to_contact``.
_CONSENT_ATTRIBUTE = "_consents_to_contact"


def _consenting(organization_id: int, membership_ids: Iterable[int]) -> set[int]:
    ids = sorted(set(membership_ids))
    sql = contact_consent_sql()
    if not ids or sql is None:
        return set()
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT DISTINCT c.member_id FROM ({sql}) c WHERE c.member_id = ANY(%s)",  # noqa: S608 (registered)
            [organization_id] * contact_consent_parameters() + [ids],
        )
        return {row[0] for row in cursor.fetchall()}


def _needs_consent(viewer: Membership, subject: Membership) -> bool:
    """Whether the rule turns on the subject's consent: only HR's view of someone who left."""
    return viewer.is_hr and not subject.is_active and subject.pk != viewer.pk


def load_contact_consents(viewer: Membership, subjects: Iterable[Membership | None]) -> None:
    """Read, in one query, the consent of every subject whose address ``viewer`` may see only with it,
    so that a list page or a list serializer asks ``email_visible_to`` row by row without a query per
    row. No query when the viewer is not HR or nobody on the page left."""
    pending = {subject.pk: subject for subject in subjects
               if subject is not None and _needs_consent(viewer, subject)
               and _CONSENT_ATTRIBUTE not in subject.__dict__}
    if not pending:
        return
    consenting = _consenting(viewer.organization_id, pending)
    for pk, subject in pending.items():
        setattr(subject, _CONSENT_ATTRIBUTE, pk in consenting)


def with_contact_consents(viewer: Membership, items: Iterable[T], people: Callable[[T], Iterable[Membership | None]],
                          *, chunk_size: int = 500) -> Iterator[T]:
    """``items`` as they come (e.g. an export's ``.iterator()``), each chunk's consents read in one query
    (``load_contact_consents`` of the memberships ``people(item)`` names)."""
    chunk: list[T] = []
    for item in items:
        chunk.append(item)
        if len(chunk) == chunk_size:
            load_contact_consents(viewer, [subject for held in chunk for subject in people(held)])
            yield from chunk
            chunk = []
    load_contact_consents(viewer, [subject for held in chunk for subject in people(held)])
    yield from chunk


def consents_to_contact(subject: Membership) -> bool:
    """Whether the person agreed to be contacted after they left (by the registered record)."""
    if _CONSENT_ATTRIBUTE not in subject.__dict__:
        setattr(subject, _CONSENT_ATTRIBUTE, subject.pk in _consenting(subject.organization_id, [subject.pk]))
    return subject.__dict__[_CONSENT_ATTRIBUTE]


def email_visible_to(viewer: Membership, subject: Membership | None) -> str | None:
    """The address of ``subject`` that ``viewer`` may see, or None (see the module's docstring)."""
    if subject is None or subject.organization_id != viewer.organization_id:
        return None
    if subject.is_active or subject.pk == viewer.pk:
        return subject.user.email
    if viewer.is_hr and consents_to_contact(subject):
        return subject.user.email
    return None


def work_email(subject: Membership | None) -> str | None:
    """What anyone may be shown of a person where no viewer is known (a choice's label, a message to
    a third person): the work address while they are employed, nothing after."""
    return subject.user.email if subject is not None and subject.is_active else None


def person_label(subject: Membership) -> str:
    """A person in a list of choices: the name, and the work address while they are employed."""
    email = work_email(subject)
    return f"{subject.user.full_name} ({email})" if email else subject.user.full_name


def visible_email_sql(viewer: Membership, *, membership: str = "m", user: str = "u") -> tuple[str, list]:
    """The SQL twin of ``email_visible_to``: an expression over a membership row aliased ``membership``
    and its user aliased ``user``, and its parameters. The consent is looked up only for HR's view of
    someone who left (the CASE stops at the first true branch), one index probe per such row."""
    shown = f"{membership}.status = %s OR {membership}.id = %s"
    params: list = [Membership.Status.ACTIVE, viewer.pk]
    consent = contact_consent_sql() if viewer.is_hr else None
    if consent is None:
        return f"CASE WHEN {shown} THEN {user}.email END", params
    # Aliases from the caller's own statement, the statement an app registered; the values are parameters.
    expression = (f"CASE WHEN {shown} THEN {user}.email WHEN EXISTS (SELECT 1 FROM ({consent}) c "  # noqa: S608
                  f"WHERE c.member_id = {membership}.id) THEN {user}.email END")
    return expression, params + [viewer.organization_id] * contact_consent_parameters()
