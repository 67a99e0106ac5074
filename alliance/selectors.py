from __future__ import annotations

import functools

from allauth.mfa.models import Authenticator
from django.db import connection, models, transaction
from django.db.models import Q, QuerySet
from django.http import Http404

from alliance import tenancy
from alliance.models import (
    ApiToken,
    Invitation,
    Membership,
    MembershipChange,
    PeopleImport,
    TwoFactorRequirement,
    TwoFactorReset,
    User,
)
from alliance.people import visible_email_sql
from alliance.rights import MANAGER_ROLES
from alliance.rowpeople import with_people


def organizations_of_user(user: User) -> list[Membership]:
    """The user's memberships in every organization (RLS lets a user see their own)."""
    return list(
        Membership.objects.filter(user=user)
        .select_related("organization")
        .order_by("organization__name")
    )


def landing_url(membership: Membership) -> str | None:
    """Where a membership's organization opens for its person: the dashboard for a member, the
    alumni area for an alumnus (when an app offers one), nowhere for a former member."""
    from django.urls import reverse

    from alliance.registry import alumni_home

    slug = membership.organization.slug
    if membership.is_active:
        return reverse("dashboard", args=[slug])
    if membership.status == Membership.Status.ALUMNUS and (home := alumni_home()):
        return reverse(home, args=[slug])
    return None


def members_visible_to(member: Membership) -> QuerySet[Membership]:
    """HR and admins see the whole organization; anyone else themselves and their direct reports.

    Profiles hold personal career aspirations: a colleague's are not everyone's business.
    """
    queryset = Membership.objects.for_org(member.organization_id)
    if member.is_hr:
        return queryset
    return queryset.filter(Q(pk=member.pk) | Q(manager_id=member.pk))


def direct_reports_of(member: Membership) -> QuerySet[Membership]:
    """The caller's active direct reports (the membership ``manager`` link)."""
    return Membership.objects.for_org(member.organization_id).filter(
        manager_id=member.pk, status=Membership.Status.ACTIVE
    )


def member_list(
    *,
    member: Membership,
    search: str = "",
    role: str = "",
    team: str = "",
    status: str = Membership.Status.ACTIVE,
) -> QuerySet[Membership]:
    # The manager per row, not joined: the list is sorted and limited (alliance.rowpeople).
    queryset = with_people(
        # By the stored sort key, which (organization_id, sort_name, id) serves: no sort over every user.
        members_visible_to(member).select_related("user").order_by("sort_name", "id"),
        "manager",
    )
    if status:
        queryset = queryset.filter(status=status)
    if search:
        queryset = queryset.filter(
            Q(user__full_name__icontains=search)
            # By address only while it is a work address: a leaver's is theirs (alliance.people).
            | Q(user__email__icontains=search, status=Membership.Status.ACTIVE)
            | Q(title__icontains=search)
            | Q(team__icontains=search)
        )
    if role:
        queryset = queryset.filter(role=role)
    if team:
        queryset = queryset.filter(team=team)
    return queryset


def team_names(*, organization_id: int) -> list[str]:
    return list(
        Membership.objects.for_org(organization_id)
        .exclude(team="")
        .order_by("team")
        .values_list("team", flat=True)
        .distinct()
    )


MEMBER_HISTORY_SHOWN = 50


def membership_history(*, membership: Membership) -> list[MembershipChange]:
    """The latest changes to a member (newest first), each with ``by_name``: two queries whatever the count."""
    changes = list(MembershipChange.objects.for_org(membership.organization_id).filter(membership=membership)
                   .order_by("-created_at", "-id")[:MEMBER_HISTORY_SHOWN])
    names = dict(Membership.objects.for_org(membership.organization_id)
                 .filter(pk__in={change.by_id for change in changes if change.by_id})
                 .values_list("pk", "user__full_name"))
    for change in changes:
        change.by_name = names.get(change.by_id, "")
    return changes


def get_membership_for_member(member: Membership, membership_id: int) -> Membership:
    """A membership the caller may see (see ``members_visible_to``), or 404."""
    found = (
        members_visible_to(member)
        .select_related("user", "manager__user")
        .filter(pk=membership_id)
        .first()
    )
    if found is None:
        raise Http404("No such member.")
    return found


def managers_for_org(*, organization_id: int) -> QuerySet[Membership]:
    return (
        Membership.objects.for_org(organization_id)
        .filter(
            status=Membership.Status.ACTIVE,
            role__in=MANAGER_ROLES,
        )
        .select_related("user")
    )


def invitation_list(*, organization_id: int) -> QuerySet[Invitation]:
    # People per row, not joined: the list is sorted and limited (alliance.rowpeople).
    return with_people(Invitation.objects.for_org(organization_id), "invited_by", "manager")


def open_invitation_exists(*, organization_id: int, email: str) -> bool:
    return Invitation.objects.for_org(organization_id).filter(
        email__iexact=(email or "").strip(), accepted_at__isnull=True, revoked_at__isnull=True
    ).exists()


def get_invitation_for_member(member: Membership, invitation_id: int) -> Invitation:
    found = Invitation.objects.for_org(member.organization_id).filter(pk=invitation_id).first()
    if found is None:
        raise Http404("No such invitation.")
    return found


def api_token_list(*, member: Membership) -> QuerySet[ApiToken]:
    return ApiToken.objects.for_org(member.organization_id).filter(membership=member)


def get_api_token_for_member(member: Membership, token_id: int) -> ApiToken:
    found = api_token_list(member=member).filter(pk=token_id).first()
    if found is None:
        raise Http404("No such token.")
    return found


@functools.cache
def _live_credential_query(model: type[models.Model], related: tuple[str, ...]) -> tuple[str, tuple]:
    """The SQL of ``model.objects.for_org(o).select_related(*related).filter(token_hash=d,
    revoked_at__isnull=True)`` and how to rebuild its instances from a row, worked out once per process.

    Every request of an API client is authenticated by this lookup; compiling it with the ORM (five
    tables, ~60 columns) cost more than all the other queries of a list request together. Returns the
    SQL and, for the row itself and each related object in join order: ``(parent's index, the field
    from the parent, model, attnames, first column, column count, converters by position)``.
    """
    quote = connection.ops.quote_name
    steps: list[tuple] = [(None, None, model)]
    index_of = {"": 0}
    joins, columns = [], []
    prefixes = {"__".join(path.split("__")[:depth]) for path in related for depth in range(1, path.count("__") + 2)}
    for prefix in sorted(prefixes, key=lambda p: (p.count("__"), p)):
        parent, _, name = prefix.rpartition("__")
        field = steps[index_of[parent]][2]._meta.get_field(name)
        index_of[prefix] = len(steps)
        steps.append((index_of[parent], field, field.related_model))
        target = field.related_model
        joins.append(
            f"{'LEFT JOIN' if field.null else 'JOIN'} {quote(target._meta.db_table)} t{index_of[prefix]} "
            f"ON t{index_of[prefix]}.{quote(target._meta.pk.column)} = t{index_of[parent]}.{quote(field.column)}"
        )
    plan = []
    for index, (parent, field, step_model) in enumerate(steps):
        fields = step_model._meta.concrete_fields
        converters = []
        for position, concrete in enumerate(fields):
            column = concrete.get_col(f"t{index}")
            if found := connection.ops.get_db_converters(column) + column.get_db_converters(connection):
                converters.append((position, column, tuple(found)))
        plan.append((parent, field, step_model, tuple(f.attname for f in fields), len(columns), len(fields),
                     tuple(converters)))
        columns += [f"t{index}.{quote(f.column)}" for f in fields]
    # Every name comes from the models' metadata, quoted; the values are parameters.
    sql = (
        f"SELECT {', '.join(columns)} FROM {quote(model._meta.db_table)} t0 {' '.join(joins)} "  # noqa: S608
        "WHERE t0.organization_id = %s AND t0.token_hash = %s AND t0.revoked_at IS NULL LIMIT 1"
    )
    return sql, tuple(plan)


def live_credential(model: type[models.Model], *, organization_id: int, digest: str, related: tuple[str, ...]):
    """The unrevoked credential (API token, calendar feed) of ``organization_id`` whose stored digest is
    ``digest``, with its ``related`` objects loaded as ``select_related`` would, or None. Read from the
    database on every call (one indexed query), so a revoked credential stops working at once.

    Enters ``organization_id`` first (``tenancy.set_tenant``), in the same round trip as the lookup,
    which then runs under row-level security."""
    sql, plan = _live_credential_query(model, related)
    with connection.cursor() as cursor:
        tenancy.execute_in_tenant(cursor, organization_id, sql, [organization_id, digest])
        row = cursor.fetchone()
    if row is None:
        return None
    instances: list[models.Model | None] = []
    for parent, field, step_model, attnames, start, count, converters in plan:
        parent_instance = instances[parent] if parent is not None else None
        values = list(row[start:start + count])
        if (parent is not None and parent_instance is None) or values[0] is None:
            instance = None  # a null reference (LEFT JOIN), as select_related leaves it
        else:
            for position, column, functions in converters:
                for function in functions:
                    values[position] = function(values[position], column, connection)
            instance = step_model.from_db(connection.alias, attnames, values)
        if parent_instance is not None:
            field.set_cached_value(parent_instance, instance)
        instances.append(instance)
    return instances[0]


# What a list row says about a person behind a membership ``m`` (see people_by_membership), and
# where it is read from: the one definition for this selector and alliance.listing's page statement.
# The e-mail is the one the viewer may see (``alliance.people``), None when it is not theirs to see.
PERSON_FIELDS = ("manager_id", "email", "full_name", "time_zone")
PERSON_TABLES_SQL = "alliance_membership m JOIN alliance_user u ON u.id = m.user_id"


def person_columns_sql(viewer: Membership) -> tuple[str, list]:
    """The select list of PERSON_FIELDS over ``PERSON_TABLES_SQL`` as ``viewer`` sees them, and its parameters."""
    email, params = visible_email_sql(viewer, membership="m", user="u")
    return f"m.manager_id, {email} AS email, u.full_name, u.time_zone", params


def people_by_membership(organization_id: int, membership_ids, *, viewer: Membership) -> dict[int, dict[str, object]]:
    """The person behind each membership of a list page, as ``viewer`` sees them: ``{id: {"manager_id",
    "email", "full_name", "time_zone"}}``, in one indexed query. Plain SQL because the lists call it on
    every page and the ORM's compilation of this two-table ``.values()`` cost more than running it."""
    ids = sorted(set(membership_ids))
    if not ids:
        return {}
    columns, params = person_columns_sql(viewer)
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT m.id, {columns} FROM {PERSON_TABLES_SQL} "  # noqa: S608 (constants)
            "WHERE m.organization_id = %s AND m.id = ANY(%s)",
            [*params, organization_id, ids],
        )
        return {
            pk: dict(zip(PERSON_FIELDS, person, strict=True))
            for pk, *person in cursor.fetchall()
        }


# --- People imports ------------------------------------------------------------------

def get_people_import_for_member(member: Membership, import_id: int) -> PeopleImport:
    """An import of the caller's organization, for HR and admins; 404 otherwise (not theirs, or missing)."""
    found = (PeopleImport.objects.for_org(member.organization_id).filter(pk=import_id, kind="people").first()
             if member.is_hr else None)
    if found is None:
        raise Http404("No such import.")
    return found


def people_import_list(*, organization_id: int, limit: int = 20, kind: str = "people") -> list[dict]:
    """The latest imports of a kind (newest first), without their rows."""
    return list(PeopleImport.objects.for_org(organization_id).filter(kind=kind).order_by("-created_at", "-id")
                .values("id", "file_name", "status", "created_at", "applied_at", "new_count", "changed_count",
                        "unchanged_count", "error_count")[:limit])


def member_export_rows(*, organization_id: int) -> list[list[str]]:
    """Every active member in the people import's columns (its template's order), by name: two queries."""
    rows = list(Membership.objects.for_org(organization_id).filter(status=Membership.Status.ACTIVE)
                .order_by("user__full_name", "user__email", "id")
                .values("id", "user__email", "user__full_name", "title", "team", "role", "manager_id",
                        "employment_started_on", "user__time_zone"))
    email_of = {row["id"]: row["user__email"] for row in rows}
    missing = {row["manager_id"] for row in rows if row["manager_id"] and row["manager_id"] not in email_of}
    if missing:
        email_of.update(Membership.objects.for_org(organization_id).filter(pk__in=missing)
                        .values_list("pk", "user__email"))
    return [[row["user__email"], row["user__full_name"], row["title"], row["team"], row["role"],
             email_of.get(row["manager_id"], ""), row["employment_started_on"].isoformat(), row["user__time_zone"]]
            for row in rows]


# --- Second factor ------------------------------------------------------------------------------------

def two_factor_enabled(user: User) -> bool:
    """The person signs in with a second factor (an authenticator app)."""
    return Authenticator.objects.filter(user_id=user.pk, type=Authenticator.Type.TOTP).exists()


def two_factor_roles(*, organization_id: int) -> set[str]:
    """The roles whose people must sign in with a second factor in the organization."""
    return set(TwoFactorRequirement.objects.for_org(organization_id).values_list("role", flat=True))


def two_factor_required_for(user: User) -> bool:
    """Whether the person's role in one of their organizations requires a second factor: read at sign-in,
    inside each organization (its own rows only), for the person's active memberships."""
    with transaction.atomic():
        tenancy.set_current_user(user.pk)  # at sign-in, before any middleware named the person: their own rows
        memberships = list(Membership.objects.filter(user_id=user.pk, status=Membership.Status.ACTIVE)
                           .values_list("organization_id", "role"))
    for organization_id, role in memberships:
        with tenancy.tenant_context(organization_id):
            if role in two_factor_roles(organization_id=organization_id):
                return True
    return False


def two_factor_resets(*, membership: Membership) -> QuerySet:
    """The resets of a member's second factor, newest first (the audit record on the member's page)."""
    return (TwoFactorReset.objects.for_org(membership.organization_id).filter(membership=membership)
            .select_related("by__user").order_by("-created_at", "-id"))
