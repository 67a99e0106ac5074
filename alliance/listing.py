"""A list page's rows in one SQL statement, for the API lists that read columns (``ColumnListMixin``).

The cursor paginator asks a queryset for three things: an ordering, a filter on the cursor's
position, and a slice one row longer than the page. ``ColumnRows`` answers them for a
``.values()``-style read of a view's columns, and builds the statement itself from parts that
do not change between requests:

* the WHERE (and any joins) comes from the ORM, compiled with a one-column select: the rights
  and filters stay the selectors' own, exactly as written there;
* the column list, the ORDER BY and the converters of each column are worked out once per
  model and column set;
* with ``people``, the membership columns named there come back with the person behind each
  (e-mail, name, time zone, manager) from the same statement, instead of one more query; the
  e-mail is the one the viewer may see (``alliance.people.visible_email_sql``).

Compiling ``.values(*33 columns).order_by(...)`` with the ORM cost about a millisecond per request,
more than PostgreSQL took to run it. A queryset the shortcut cannot read safely (DISTINCT, GROUP BY,
annotations, a combined query) is read through the ORM as before.
"""

from __future__ import annotations

import functools
from collections.abc import Iterator, Sequence
from typing import Any

from django.core.exceptions import EmptyResultSet
from django.db import connection, models
from django.db.models import QuerySet

from alliance.models import Membership
from alliance.rowpeople import without_people
from alliance.selectors import PERSON_FIELDS, PERSON_TABLES_SQL, people_by_membership, person_columns_sql

# A person's name is a NOT NULL column: None is a missing person (the e-mail may be hidden, so None).
FULL_NAME = PERSON_FIELDS.index("full_name")


@functools.cache
def _columns(model: type[models.Model], names: tuple[str, ...]) -> tuple[str, tuple] | None:
    """The quoted select list of ``names`` (attnames) of ``model``'s table, and each column's converters;
    None when a name is not a column of the table itself (``member__user__email``: the ORM joins it)."""
    quote = connection.ops.quote_name
    table = quote(model._meta.db_table)
    local = {field.attname: field for field in model._meta.concrete_fields}
    if not all(name in local for name in names):
        return None
    converters = []
    for position, name in enumerate(names):
        column = local[name].get_col(model._meta.db_table)
        if found := connection.ops.get_db_converters(column) + column.get_db_converters(connection):
            converters.append((position, column, tuple(found)))
    select = ", ".join(f"{table}.{quote(local[name].column)}" for name in names)
    return select, tuple(converters)


@functools.cache
def _order(model: type[models.Model], ordering: tuple[str, ...], alias: str) -> str:
    quote = connection.ops.quote_name
    parts = []
    for item in ordering:
        name = item.lstrip("-")
        parts.append(f"{alias}.{quote(model._meta.get_field(name).column)} {'DESC' if item.startswith('-') else 'ASC'}")
    return ", ".join(parts)


@functools.cache
def _people_sql(model: type[models.Model], names: tuple[str, ...], person_columns: str) -> tuple[str, str]:
    """The select list and joins that bring the person behind each membership column ``names`` of the page.

    Each person is a LATERAL lookup by primary key, kept a subquery by ``OFFSET 0``, so the plan is one
    index probe per row of the page whatever the planner estimates (joined plainly, the planner
    could scan all of an organization's memberships and filter them against every row)."""
    quote = connection.ops.quote_name
    selects, joins = [], []
    for index, name in enumerate(names):
        column = quote(model._meta.get_field(name).column)
        selects += [f"p{index}.{field}" for field in PERSON_FIELDS]
        joins.append(  # names from the models' metadata; the organization is a parameter
            f"LEFT JOIN LATERAL (SELECT {person_columns} FROM {PERSON_TABLES_SQL} "  # noqa: S608
            f"WHERE m.organization_id = %s AND m.id = page.{column} OFFSET 0) p{index} ON true"
        )
    return ", ".join(selects), " ".join(joins)


class ColumnRows:
    """``queryset``'s rows as dicts of ``columns``, ordered, filtered and sliced the way the cursor
    paginator asks, read in one statement (see the module's docstring). After the read, ``people``
    maps each membership id of the page's ``people`` columns to its person as ``viewer`` sees them (as
    ``alliance.selectors.people_by_membership`` gives them); the copies the paginator makes share
    that one dict, so the view reads it from the object it handed over."""

    def __init__(self, queryset: QuerySet, columns: Sequence[str], *, viewer: Membership,
                 people: Sequence[str] = ()):
        # A list selector's people-per-row annotations (alliance.rowpeople) are read here in the
        # page's own statement instead (``people``).
        self.queryset = without_people(queryset)
        self.columns = tuple(columns)
        self.viewer = viewer
        self.organization_id = viewer.organization_id
        self.people_columns = tuple(people)
        self.ordering: tuple[str, ...] = ()
        self.window: slice | None = None
        self.people: dict[int, dict[str, object]] = {}

    def _copy(self, **changes) -> ColumnRows:
        clone = ColumnRows(self.queryset, self.columns, viewer=self.viewer, people=self.people_columns)
        clone.ordering, clone.window, clone.people = self.ordering, self.window, self.people
        for name, value in changes.items():
            setattr(clone, name, value)
        return clone

    # What the cursor paginator calls.
    def order_by(self, *ordering: str) -> ColumnRows:
        return self._copy(ordering=tuple(ordering))

    def filter(self, *args, **kwargs) -> ColumnRows:
        return self._copy(queryset=self.queryset.filter(*args, **kwargs))

    def __getitem__(self, window: slice) -> ColumnRows:
        if not isinstance(window, slice) or window.step is not None or window.start is None or window.stop is None:
            raise TypeError("ColumnRows takes a [start:stop] slice")
        return self._copy(window=window)

    def __iter__(self) -> Iterator[dict[str, Any]]:
        return iter(self._read())

    def _read(self) -> list[dict[str, Any]]:
        try:
            statement = self._statement()
        except EmptyResultSet:  # a queryset that can match nothing (``.none()``, ``pk__in=[]``)
            self.people.clear()
            return []
        if statement is None:
            return self._read_with_orm()
        sql, params = statement
        _, converters = _columns(self.queryset.model, self.columns)
        width = len(self.columns)
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            fetched = cursor.fetchall()
        columns, people = self.columns, self.people
        people.clear()
        # Where each people column's membership id and its person's fields are in a record.
        lookups = [(self.columns.index(name), width + index * len(PERSON_FIELDS))
                   for index, name in enumerate(self.people_columns)]
        rows = []
        for record in fetched:
            if converters:
                values = list(record[:width])
                for position, column, functions in converters:
                    for function in functions:
                        values[position] = function(values[position], column, connection)
                rows.append(dict(zip(columns, values, strict=True)))
            else:
                rows.append(dict(zip(columns, record[:width], strict=True)))
            for position, at in lookups:
                membership_id, name = record[position], record[at + FULL_NAME]
                if membership_id is not None and name is not None and membership_id not in people:
                    people[membership_id] = dict(zip(PERSON_FIELDS, record[at:at + len(PERSON_FIELDS)], strict=True))
        return rows

    def _statement(self) -> tuple[str, list] | None:
        model = self.queryset.model
        query = self.queryset.query
        if (query.distinct or query.combinator or query.group_by is not None or query.annotations
                or query.extra or query.is_sliced or not self.ordering or self.window is None
                or any("__" in item for item in self.ordering)):
            return None
        columns = _columns(model, self.columns)
        if columns is None:
            return None
        quote = connection.ops.quote_name
        table = quote(model._meta.db_table)
        pk = f"{table}.{quote(model._meta.pk.column)}"
        name = model._meta.pk.attname
        sql, params = self.queryset.order_by().values_list(name).query.sql_with_params()
        for prefix in (f"SELECT {pk} FROM ", f"SELECT {pk} AS {quote(name)} FROM "):  # noqa: S608 (metadata)
            if sql.startswith(prefix):
                break
        else:
            return None
        select = columns[0]
        start, stop = self.window.start, self.window.stop
        # Names from the models' metadata, the ORM's own WHERE with its parameters, whole numbers.
        page = (f"SELECT {select} FROM {sql[len(prefix):]} "  # noqa: S608
                f"ORDER BY {_order(model, self.ordering, table)} LIMIT {int(stop) - int(start)} OFFSET {int(start)}")
        params = list(params)
        if not self.people_columns:
            return page, params
        person_columns, person_params = person_columns_sql(self.viewer)
        people_select, joins = _people_sql(model, self.people_columns, person_columns)
        outer = (f"SELECT page.*, {people_select} FROM ({page}) page {joins} "  # noqa: S608 (names from metadata)
                 f"ORDER BY {_order(model, self.ordering, 'page')}")
        return outer, params + [*person_params, self.organization_id] * len(self.people_columns)

    def _read_with_orm(self) -> list[dict[str, Any]]:
        rows = self.queryset.values(*self.columns)
        if self.ordering:
            rows = rows.order_by(*self.ordering)
        if self.window is not None:
            rows = rows[self.window]
        rows = list(rows)
        self.people.clear()
        if self.people_columns:
            self.people.update(people_by_membership(
                self.organization_id, {row[name] for row in rows for name in self.people_columns if row[name]},
                viewer=self.viewer,
            ))
        return rows
