"""Hand-offs: who hears of each change, and the one way to tell them.

Every public function of an app's ``services`` package (and of the core's services) is
declared here, by the app that owns it (``declare`` from its ``AppConfig.ready()``):
``tells(whom, *kinds)`` — the change hands work or news to someone, who is told by those
notification kinds — or ``silent(reason)`` — nobody else needs to hear of it, and why.
A test (tests/alliance/test_handoffs.py) walks every services package and fails for a
public function nobody declared, so a new service cannot forget the people it concerns.

``tell`` is the direct way to notify one person inside the change's transaction: the bell
and the e-mail (an outbox row, sent after the commit) by the person's chosen channels;
nothing when they turned the kind off. A ``topic`` names the request a notification is about,
so that withdrawing it takes the notification out of every bell
(``alliance.notifications.notifications_withdraw``).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from django.conf import settings

from alliance.models import Membership
from alliance.notifications import Channel, channel_for, notification_create
from alliance.outbox import email_send
from alliance.webhooks.chat import chat_forward

# The core's own kind: a new report joined the manager's team (an invitation accepted, a rehire).
TEAM_JOINED = "team_joined"
# The identity provider suspended (SCIM deactivation) or gave back a member's access: HR hear of it.
ACCESS_SUSPENDED = "access_suspended"
ACCESS_RESTORED = "access_restored"


@dataclass(frozen=True)
class Tells:
    whom: str
    kinds: tuple[str, ...]


@dataclass(frozen=True)
class Silent:
    reason: str


Declaration = Tells | Silent


def tells(whom: str, *kinds: str) -> Tells:
    if not whom or not kinds:
        raise ValueError("Say whom the change tells, and by which notification kinds.")
    return Tells(whom=whom, kinds=tuple(kinds))


def silent(reason: str) -> Silent:
    if not reason.strip():
        raise ValueError("A silent service says why nobody needs to hear of it.")
    return Silent(reason=reason)


# services module or package ("tours.services") -> function name -> declaration
_DECLARED: dict[str, dict[str, Declaration]] = {}


def declare(package: str, declarations: dict[str, Declaration]) -> None:
    """Declare the hand-offs of ``package``'s public services (replacing an earlier declaration)."""
    for name, declaration in declarations.items():
        if not isinstance(declaration, Tells | Silent):
            raise TypeError(f"{package}.{name}: declare it with tells(...) or silent(...).")
    _DECLARED[package] = dict(declarations)


def declarations() -> dict[str, dict[str, Declaration]]:
    return {package: dict(items) for package, items in _DECLARED.items()}


def tell(*, recipient: Membership | None, kind: str, title: str, body: str = "", url: str = "",
         topic: str = "") -> bool:
    """Tell one person of a change, by their chosen channels; True when anything was sent.

    ``url`` is a path of this site. Call it inside the change's transaction: a refused change
    tells nobody, and the e-mail leaves only after the commit (the outbox).
    """
    if recipient is None or not recipient.user.is_active:
        return False
    if recipient.status not in (Membership.Status.ACTIVE, Membership.Status.ALUMNUS):
        return False
    # Slack or Teams, when the person sends this kind there: beside the bell and e-mail, whatever those are.
    forwarded = recipient.status == Membership.Status.ACTIVE and chat_forward(recipient=recipient, kind=kind,
                                                                             title=title, url=url)
    channel = channel_for(member=recipient, kind=kind)
    if channel == Channel.OFF:
        return bool(forwarded)
    if channel in (Channel.BOTH, Channel.IN_APP):
        notification_create(recipient=recipient, kind=kind, title=title, body=body, url=url, topic=topic)
    if channel in (Channel.BOTH, Channel.EMAIL):
        link = settings.SITE_URL.rstrip("/") + url if url.startswith("/") else url
        text = "\n\n".join(part for part in (body, link) if part) + "\n"
        email_send(kind=kind, to=recipient.user.email, subject=" ".join(title.split())[:200], text=text)
    return True


def tell_each(recipients: Iterable[Membership | None], *, but: Membership | None = None, **message) -> int:
    """``tell`` each person once (never ``but``, the person who made the change); returns how many."""
    seen: set[int] = set()
    told = 0
    for recipient in recipients:
        if recipient is None or recipient.pk in seen or (but is not None and recipient.pk == but.pk):
            continue
        seen.add(recipient.pk)
        told += tell(recipient=recipient, **message)
    return told


def hr_of(organization_id: int, *, but: Membership | None = None) -> list[Membership]:
    """The organization's active HR people and administrators (who hear of what concerns HR)."""
    queryset = (Membership.objects.for_org(organization_id)
                .filter(status=Membership.Status.ACTIVE, role__in=(Membership.Role.HR, Membership.Role.ADMIN))
                .select_related("user", "organization").order_by("pk"))
    if but is not None:
        queryset = queryset.exclude(pk=but.pk)
    return list(queryset)


def declare_core() -> None:
    """The core's services (alliance.services); called from AllianceConfig.ready()."""
    from alliance.registry import register_notification_kind

    register_notification_kind(TEAM_JOINED, "A new report joins your team (managers)", order=5)
    register_notification_kind(ACCESS_SUSPENDED, "The identity provider deactivates a member (HR)", order=6)
    register_notification_kind(ACCESS_RESTORED, "The identity provider reactivates a member (HR)", order=7)
    register_notification_kind("two_factor_reset", "An administrator reset your sign-in's second factor", order=8,
                               required=True)
    helper = "a helper of other services: changes nothing by itself"
    declare("alliance.services", {
        "full_clean_or_raise": silent(helper),
        "check_text_bounds": silent(helper),
        "model_update": silent(helper),
        "person_sort_name_refresh": silent("keeps a renamed person's sort key (and its copies) in step: the rename "
                                           "itself is what the services that call it tell"),
        "require_role": silent("a rights check: changes nothing"),
        "organization_create": silent("a new organization: its first administrator is the one creating it"),
        "organization_update": silent("the organization's own settings, changed by its administrator"),
        "membership_update": silent("HR changes a member's role, title or manager on the member's page; a role "
                                    "or manager change is visible to both at once on their pages"),
        "profile_update": silent("a person changes their own profile"),
        "email_in_use": silent("a read: changes nothing"),
        "user_email_change_keeping_alias": silent("a person changes their own sign-in address"),
        "membership_leave": silent("a step of the exit, whose services (alumni.services.exit_finish) tell "
                                   "the manager"),
        "invitation_create": silent("the invited person is e-mailed the link itself, not a notification"),
        "two_factor_requirement_set": silent("an administrator's setting: each person it concerns is asked to set "
                                             "up a second factor at their next sign-in"),
        "two_factor_reset": tells("the member whose second factor was reset", "two_factor_reset"),
        "invitation_revoke": silent("an open invitation nobody accepted yet: there is nobody in it to tell"),
        "invitation_lookup": silent("a read: changes nothing"),
        "invitation_accept": tells("the new member's manager", TEAM_JOINED),
        "api_token_create": silent("an administrator's own credential"),
        "api_token_revoke": silent("an administrator's own credential"),
        "secret_credential_authenticate": silent("a read (notes the last use of a credential)"),
        "api_token_authenticate": silent("a read (notes the last use of a token)"),
        "awaiting_first_sign_in": silent("a read: changes nothing"),
        "check_employment_start": silent("a check of a date: changes nothing"),
        "membership_history_record": silent(helper),
        "membership_write": silent("the shared write of membership_update and the people import; a manager change "
                                   "carries the member's open tours (tours listens)"),
        "membership_employment_start_set": silent("HR corrects a fact of the member's employment, kept in the "
                                                  "member's history on their page"),
        "membership_invite": silent("the invited person is e-mailed the link itself, not a notification"),
        "membership_suspend": tells("HR and the administrators (the leaving list: their page starts the exit)",
                                    ACCESS_SUSPENDED),
        "membership_reactivate": tells("HR and the administrators", ACCESS_RESTORED),
        "scim_members": silent("a read: changes nothing"),
        "scim_token_create": silent("an administrator's own credential for the identity provider"),
        "scim_token_revoke": silent("an administrator's own credential for the identity provider"),
        "scim_token_authenticate": silent("a read (notes the last use of a token)"),
        "scim_user_create": tells("the new member's manager", TEAM_JOINED),
        "scim_user_change": tells("HR and the administrators, when it suspends or reactivates the member",
                                  ACCESS_SUSPENDED, ACCESS_RESTORED),
        "scim_user_deprovision": tells("HR and the administrators (the member is suspended)", ACCESS_SUSPENDED),
        "membership_leadership_set": silent("an administrator opens the health page to a leader, who finds it "
                                            "in their navigation; kept in the member's history"),
        "health_week_record": silent("the weekly digest keeps the week's figures for next week's comparison; "
                                     "the digest itself is the news"),
    })
    own = "an administrator's own setting, on the page they are on"
    declare("alliance.webhooks.services", {
        "new_secret": silent("makes a random secret: changes nothing"),
        "clean_event_types": silent("a check of the input: changes nothing"),
        "webhook_endpoint_create": silent(own),
        "webhook_endpoint_update": silent(own),
        "webhook_endpoint_delete": silent(own),
        "webhook_secret_rotate": silent(own + "; the receiver's owner is the administrator"),
        "webhook_endpoint_test": silent("a test event to the administrator's own endpoint"),
        "webhook_delivery_redeliver": silent("an event sent again to the administrator's own endpoint"),
    })
    mine = "a person's own notification setting, on their preferences page"
    declare("alliance.webhooks.chat", {
        "slack_message": silent("builds a message: changes nothing"),
        "teams_message": silent("builds a message: changes nothing"),
        "chat_forward": silent("the person's own notification, sent where they chose (the caller tells them)"),
        "chat_connections_of": silent("a read: changes nothing"),
        "clean_kinds": silent("a check of the input: changes nothing"),
        "chat_connection_save": silent(mine),
        "chat_connection_remove": silent(mine),
        "chat_connection_test": silent("a test message to the person's own Slack or Teams"),
    })
