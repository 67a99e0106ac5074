from __future__ import annotations

from django.db.models import Q, QuerySet
from django.http import Http404

from alliance.models import ApiToken, Invitation, Membership, User
from alliance.rights import MANAGER_ROLES


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
    queryset = (
        members_visible_to(member)
        .select_related("user", "manager__user")
        .order_by("user__full_name", "user__email", "id")
    )
    if status:
        queryset = queryset.filter(status=status)
    if search:
        queryset = queryset.filter(
            Q(user__full_name__icontains=search)
            | Q(user__email__icontains=search)
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
    return Invitation.objects.for_org(organization_id).select_related("invited_by__user", "manager__user")


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
