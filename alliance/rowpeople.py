"""The people of a list's rows, read per row: the one way list pages and API lists read people.

A sorted, limited list (a page of tours, checkpoints, expenses…) that ``select_related``s through a
membership foreign key joins ``alliance_membership`` (and ``alliance_user``) into the statement that
sorts and limits. PostgreSQL multiplies the row-level-security selectivity of every joined membership
table as if they were independent and mis-plans small organizations (measured ×4–8 slower than a big
one). Reading each person by its key instead — a subquery ``(SELECT … FROM alliance_membership WHERE
organization_id = … AND id = row.employee_id LIMIT 1)`` per row and person — is one index probe per row
of the page, whatever the planner estimates, and keeps the statement's plan the one of the list alone.

``with_people(queryset, "employee", "manager", "tour__employee")`` annotates each row with the person
behind each named membership foreign key (the membership and its user as one JSON object), and the
rows it yields carry real ``Membership`` objects with their ``User`` in place, exactly as
``select_related("employee__user")`` would leave them: templates, serializers and
``alliance.people.email_visible_to`` read ``row.employee.user.full_name`` without a query. A path's
leading parts (``tour`` in ``tour__employee``) must be loaded by ``select_related`` (they are not
membership tables). The API's column lists read people the same way in SQL (``alliance.listing``:
a LATERAL lookup by key per row).
"""

from __future__ import annotations

import functools
from collections.abc import Iterator

from django.db.models import F, JSONField, OuterRef, QuerySet, Subquery
from django.db.models.functions import JSONObject
from django.db.models.query import ModelIterable

from alliance.models import Membership, User

# The user's columns a list may show: never the password or the login bookkeeping.
USER_FIELDS = ("id", "email", "full_name", "time_zone", "is_active")


def _annotation(path: str) -> str:
    return f"person__{path}"


def _person(path: str) -> Subquery:
    prefix = path.rpartition("__")[0]
    organization = f"{prefix}__organization_id" if prefix else "organization_id"
    fields = {f"m_{field.attname}": F(field.attname) for field in Membership._meta.concrete_fields}
    fields |= {f"u_{name}": F(f"user__{name}") for name in USER_FIELDS}
    people = (Membership.objects.filter(organization_id=OuterRef(organization), pk=OuterRef(f"{path}_id"))
              .order_by().values(person=JSONObject(**fields))[:1])
    return Subquery(people, output_field=JSONField())


@functools.cache
def _field_types() -> tuple[dict, dict]:
    return ({field.attname: field for field in Membership._meta.concrete_fields},
            {name: User._meta.get_field(name) for name in USER_FIELDS})


def person_from_json(data: dict | None, *, db: str = "default") -> Membership | None:
    """The ``Membership`` (with its ``User``) that one row's JSON person describes, or None."""
    if data is None:
        return None
    membership_fields, user_fields = _field_types()
    member = Membership(**{name: field.to_python(data[f"m_{name}"]) for name, field in membership_fields.items()})
    user = User(**{name: field.to_python(data[f"u_{name}"]) for name, field in user_fields.items()})
    for instance in (member, user):
        instance._state.adding = False
        instance._state.db = db
    member._state.fields_cache["user"] = user
    return member


@functools.cache
def _iterable(paths: tuple[str, ...]) -> type[ModelIterable]:
    class PeopleIterable(ModelIterable):
        def __iter__(self) -> Iterator:
            db = self.queryset.db
            for row in super().__iter__():
                for path in paths:
                    *through, name = path.split("__")
                    holder = row
                    for part in through:
                        holder = getattr(holder, part)
                        if holder is None:
                            break
                    data = row.__dict__.pop(_annotation(path), None)
                    # A person already joined (a detail lookup's select_related) keeps its relations.
                    if holder is not None and name not in holder._state.fields_cache:
                        holder._state.fields_cache[name] = person_from_json(data, db=db)
                yield row

    PeopleIterable.people_paths = paths
    return PeopleIterable


def without_people(queryset: QuerySet) -> QuerySet:
    """``queryset`` without the people ``with_people`` added: for a read of columns (the API's lists,
    which bring people in their own statement, ``alliance.listing``)."""
    paths = getattr(queryset._iterable_class, "people_paths", ())
    if not paths:
        return queryset
    queryset = queryset.all()
    names = {_annotation(path) for path in paths}
    for name in names:
        queryset.query.annotations.pop(name, None)
    if queryset.query.annotation_select_mask is not None:
        queryset.query.set_annotation_mask(set(queryset.query.annotation_select_mask) - names)
    queryset._iterable_class = ModelIterable
    return queryset


def with_people(queryset: QuerySet, *paths: str) -> QuerySet:
    """``queryset`` whose rows carry the people of the membership foreign keys ``paths``, read per row
    (see the module's docstring). The query count does not change: the people come in the same
    statement."""
    if not issubclass(queryset._iterable_class, ModelIterable):
        raise TypeError("with_people reads model rows, not .values()")
    known = getattr(queryset._iterable_class, "people_paths", ())
    paths = tuple(dict.fromkeys((*known, *paths)))
    queryset = queryset.annotate(**{_annotation(path): _person(path) for path in paths if path not in known})
    queryset._iterable_class = _iterable(paths)
    return queryset
