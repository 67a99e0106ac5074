"""Where apps plug into the core.

The core knows no app. Each app fills these registries from its own
``AppConfig.ready()`` (or a module it imports there), so adding an app is a folder,
one line in ``INSTALLED_APPS`` and nothing else in ``alliance/``:

* ``register_urls`` — its browser routes (under ``/o/<slug>/``), API routes (under
  ``/api/v1/``) and top-level routes;
* ``register_notification_kind`` — a kind a person picks channels for (the rows of
  the notification-preferences page), with its default channel;
* ``register_reminder_kind`` — a kind of the reminder ledger with the builder that
  writes its message (it is a notification kind as well);
* ``register_beat_entry`` — a periodic task for celery beat;
* ``register_nav_item`` — a link of the main navigation, shown to whom it says, in the menu
  (``register_nav_group``) it belongs to when the navigation is too long to show flat;
* ``register_dashboard_panel`` — a template partial on the dashboard and the
  function that gives its context;
* ``register_member_link`` — a link on a member's profile / HR's member page;
* ``register_role_guard`` — a check that may refuse taking a member's manager role
  away (e.g. while they still manage open tours);
* ``register_alumni_area`` — the routes an alumnus (a former member who joined the
  organization's alumni network) may still reach, and where they land; every other
  page of the organization answers 404 to them;
* ``register_demo_loader`` — demo data, run by ``seed_demo`` after the loaders it
  names in ``after``;
* ``register_departures`` — who is leaving and on which last working day (the exit process), so
  other apps warn their managers without knowing how exits work;
* ``register_data_export`` — a section of a person's "download my data" (and its files);
* ``register_contact_consent`` — which former members agreed to be contacted, the one
  fact about a person's consent that the core's address rule (``alliance.people``) needs;
* ``register_health_figure`` — a figure of the alliance's health page (``alliance.health``): its
  section and the function that computes it for a scope (organization, people, period);
* ``register_member_set`` — a named set of members as one SQL statement (e.g. those who exercised
  the right of first conversation), so one app's figure can count by another app's fact;
* ``register_manager_todo`` — a part of a manager's to-do (checkpoints to hold, expenses to approve…).
* ``register_audited_model`` / ``register_audit_source`` — a record whose changes the audit trail shows
  (its event table, how it is named and linked, whose it is), and further event tables shown in its history.
* ``register_job_kind``, ``register_import_kind``, ``register_export`` — work a worker does while the
  page shows its progress (``alliance.jobs``): an import's apply, a very large export;
* ``register_people_import_columns`` — optional columns of the people import (a person's current tour);
* ``register_webhook_event`` — an event type REST clients subscribe to with a webhook endpoint (its
  description and the API serializer of its resource), sent from the app's services (``alliance.webhooks``);
* ``register_sort_name_copy`` — a row that keeps a copy of a member's sort key (tours by employee), kept
  up to date by the core when the person is renamed.

Everything is keyed by a name, so registering the same thing twice (a second
``ready()`` in a test run) replaces it instead of adding a copy.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from django.http import HttpRequest

    from alliance.models import Membership


# ---------------------------------------------------------------- URLs


@dataclass(frozen=True)
class AppUrls:
    app: str
    org: str | None = None  # module of routes under /o/<org_slug>/
    api: str | None = None  # module of routes under /api/v1/
    root: dict[str, str] = field(default_factory=dict)  # prefix -> module, at the site's root


_URLS: dict[str, AppUrls] = {}


def register_urls(app: str, *, org: str | None = None, api: str | None = None,
                  root: dict[str, str] | None = None) -> None:
    _URLS[app] = AppUrls(app=app, org=org, api=api, root=dict(root or {}))


def app_urls() -> list[AppUrls]:
    return list(_URLS.values())


# ---------------------------------------------------------------- the alumni area


@dataclass(frozen=True)
class AlumniArea:
    app: str
    view_prefix: str  # view names (namespace:name) starting with it are open to alumni
    home: str  # url name, reversed with the organization's slug: where an alumnus lands


_ALUMNI_AREAS: dict[str, AlumniArea] = {}


def register_alumni_area(app: str, *, view_prefix: str, home: str) -> None:
    if not view_prefix:
        raise ValueError("An alumni area needs a view-name prefix (e.g. 'alumni:').")
    _ALUMNI_AREAS[app] = AlumniArea(app=app, view_prefix=view_prefix, home=home)


def open_to_alumni(view_name: str) -> bool:
    return any(view_name.startswith(area.view_prefix) for area in _ALUMNI_AREAS.values())


def alumni_home() -> str | None:
    """The url name an alumnus lands on, or None when no app offers an alumni area."""
    return next((area.home for area in _ALUMNI_AREAS.values()), None)


# ---------------------------------------------------------------- notifications and reminders

BOTH = "both"


@dataclass(frozen=True)
class NotificationKind:
    kind: str
    label: str
    default_channel: str = BOTH
    order: int = 100
    # Must be delivered (a person cannot turn it off, only choose how it reaches them).
    required: bool = False


_NOTIFICATION_KINDS: dict[str, NotificationKind] = {}


def register_notification_kind(kind: str, label: str, *, default_channel: str = BOTH, order: int = 100,
                               required: bool = False) -> None:
    _NOTIFICATION_KINDS[kind] = NotificationKind(kind=kind, label=label, default_channel=default_channel,
                                                 order=order, required=required)


def notification_kinds() -> dict[str, NotificationKind]:
    """Every kind a person can choose channels for, in the order the preferences page shows."""
    ordered = sorted(_NOTIFICATION_KINDS.values(), key=lambda item: (item.order, item.kind))
    return {item.kind: item for item in ordered}


# A builder turns a claimed ledger row into the message to send, or None to skip it.
_REMINDER_BUILDERS: dict[str, Callable[..., Any]] = {}


# Kinds that also reach alumni (a former member who joined the alumni network), by e-mail only:
# the ledger's other kinds go to active members only (an alumnus still hears what is sent them directly).
_REACHES_ALUMNI: set[str] = set()


def register_reminder_kind(kind: str, label: str, builder: Callable[..., Any], *,
                           default_channel: str = BOTH, order: int = 100, reaches_alumni: bool = False,
                           required: bool = False) -> None:
    register_notification_kind(kind, label, default_channel=default_channel, order=order, required=required)
    _REMINDER_BUILDERS[kind] = builder
    if reaches_alumni:
        _REACHES_ALUMNI.add(kind)
    else:
        _REACHES_ALUMNI.discard(kind)


def reaches_alumni(kind: str) -> bool:
    return kind in _REACHES_ALUMNI


def reminder_builder(kind: str) -> Callable[..., Any]:
    try:
        return _REMINDER_BUILDERS[kind]
    except KeyError:
        raise LookupError(f"No reminder builder registered for {kind!r}") from None


# ---------------------------------------------------------------- beat


_BEAT: dict[str, dict[str, Any]] = {}


def register_beat_entry(name: str, *, task: str, schedule: float, **options: Any) -> None:
    """``name`` in kebab-case, ``task`` a dotted path (STYLE.md)."""
    _BEAT[name] = {"task": task, "schedule": schedule, **options}


def beat_entries() -> dict[str, dict[str, Any]]:
    return {name: dict(entry) for name, entry in _BEAT.items()}


# ---------------------------------------------------------------- navigation, dashboard, member links

MemberTest = Callable[["Membership"], bool]


def _everyone(member: Membership) -> bool:
    return True


@dataclass(frozen=True)
class NavItem:
    key: str
    label: str
    url_name: str  # reversed with the organization's slug
    visible: MemberTest = _everyone
    active: tuple[str, ...] = ()  # view names that light the item; url_name by default
    order: int = 100
    group: str = ""  # the key of its menu (register_nav_group); "" for a link that is never in one


@dataclass(frozen=True)
class NavGroup:
    key: str
    label: str


@dataclass(frozen=True)
class NavEntry:
    """One entry of the navigation as shown: a link (``items`` has one item, ``group`` is None) or a
    menu of links."""
    items: tuple[NavItem, ...]
    group: NavGroup | None = None


_NAV: dict[str, NavItem] = {}
_NAV_GROUPS: dict[str, NavGroup] = {}
# Up to this many links the navigation is flat; past it (HR sees some twenty), it shows menus.
NAV_FLAT_MAX = 8


def register_nav_item(key: str, *, label: str, url_name: str, visible: MemberTest = _everyone,
                      active: tuple[str, ...] = (), order: int = 100, group: str = "") -> None:
    _NAV[key] = NavItem(key=key, label=label, url_name=url_name, visible=visible,
                        active=active or (url_name,), order=order, group=group)


def register_nav_group(key: str, *, label: str) -> None:
    """A menu of the navigation; items name it with ``group=key``."""
    _NAV_GROUPS[key] = NavGroup(key=key, label=label)


def nav_items_for(member: Membership) -> list[NavItem]:
    """The items shown to ``member``; someone no longer active sees only what is open to alumni."""
    return sorted(
        (item for item in _NAV.values()
         if item.visible(member) and (member.is_active or open_to_alumni(item.url_name))),
        key=lambda item: (item.order, item.key),
    )


def nav_entries_for(member: Membership) -> list[NavEntry]:
    """The navigation as shown to ``member``: flat while it is short; otherwise each group's items in
    one menu, placed where its first item would be (a group with one item shown stays a plain link)."""
    items = nav_items_for(member)
    if len(items) <= NAV_FLAT_MAX:
        return [NavEntry(items=(item,)) for item in items]
    by_group: dict[str, list[NavItem]] = {}
    for item in items:
        if item.group in _NAV_GROUPS:
            by_group.setdefault(item.group, []).append(item)
    entries, placed = [], set()
    for item in items:
        members = by_group.get(item.group, [])
        if len(members) < 2:
            entries.append(NavEntry(items=(item,)))
        elif item.group not in placed:
            placed.add(item.group)
            entries.append(NavEntry(items=tuple(members), group=_NAV_GROUPS[item.group]))
    return entries


@dataclass(frozen=True)
class DashboardPanel:
    key: str
    template: str
    context: Callable[[HttpRequest], dict | None]  # None: the panel is not shown
    order: int = 100


_PANELS: dict[str, DashboardPanel] = {}


def register_dashboard_panel(key: str, *, template: str, context: Callable[[HttpRequest], dict | None],
                             order: int = 100) -> None:
    _PANELS[key] = DashboardPanel(key=key, template=template, context=context, order=order)


def dashboard_panels() -> list[DashboardPanel]:
    return sorted(_PANELS.values(), key=lambda item: (item.order, item.key))


ViewerSubjectTest = Callable[["Membership", "Membership"], bool]


@dataclass(frozen=True)
class MemberLink:
    key: str
    label: str
    url_name: str  # reversed with (org slug, the subject membership's id)
    visible: ViewerSubjectTest
    order: int = 100


_MEMBER_LINKS: dict[str, MemberLink] = {}


def register_member_link(key: str, *, label: str, url_name: str, visible: ViewerSubjectTest,
                         order: int = 100) -> None:
    _MEMBER_LINKS[key] = MemberLink(key=key, label=label, url_name=url_name, visible=visible, order=order)


def member_links_for(viewer: Membership, subject: Membership) -> list[MemberLink]:
    return sorted((link for link in _MEMBER_LINKS.values() if link.visible(viewer, subject)),
                  key=lambda link: (link.order, link.key))


# ---------------------------------------------------------------- departures

# lookup(organization_id, member ids) -> {member id: last working day} of those whose exit is under way.
_DEPARTURES: dict[str, Callable[[int, list[int]], dict[int, date]]] = {}


def register_departures(key: str, lookup: Callable[[int, list[int]], dict[int, date]]) -> None:
    _DEPARTURES[key] = lookup


def pending_departures(organization_id: int, member_ids: list[int]) -> dict[int, date]:
    """The last working day of each of these members who is leaving (an exit under way), by member id."""
    found: dict[int, date] = {}
    if not member_ids:
        return found
    for lookup in _DEPARTURES.values():
        for member_id, day in lookup(organization_id, list(member_ids)).items():
            found[member_id] = min(day, found.get(member_id, day))
    return found


# ---------------------------------------------------------------- "download my data"

@dataclass(frozen=True)
class DataExport:
    key: str  # the section's name in the export
    data: Callable[[Membership], Any]  # what the app holds about (or by) the person, JSON-ready
    files: Callable[[Membership], list[tuple[str, str]]] | None = None  # (name in the zip, storage name)


_DATA_EXPORTS: dict[str, DataExport] = {}


def register_data_export(key: str, data: Callable[[Membership], Any], *,
                         files: Callable[[Membership], list[tuple[str, str]]] | None = None) -> None:
    """A section of a person's "download my data": each app exports what it holds about them."""
    _DATA_EXPORTS[key] = DataExport(key=key, data=data, files=files)


def data_exports() -> list[DataExport]:
    return sorted(_DATA_EXPORTS.values(), key=lambda item: item.key)


# ---------------------------------------------------------------- role guards

# guard(membership) -> a refusal message, or "" when the member may lose their manager role.
_ROLE_GUARDS: dict[str, Callable[[Membership], str]] = {}


def register_role_guard(key: str, guard: Callable[[Membership], str]) -> None:
    _ROLE_GUARDS[key] = guard


def manager_role_refusals(membership: Membership) -> list[str]:
    return [message for guard in _ROLE_GUARDS.values() if (message := guard(membership))]


# ---------------------------------------------------------------- demo data


@dataclass(frozen=True)
class DemoLoader:
    name: str
    load: Callable[..., None]  # load(stdout=...) after the core's people exist
    after: tuple[str, ...] = ()


_DEMO: dict[str, DemoLoader] = {}


def register_demo_loader(name: str, load: Callable[..., None], *, after: tuple[str, ...] = ()) -> None:
    _DEMO[name] = DemoLoader(name=name, load=load, after=tuple(after))


def demo_loaders() -> list[DemoLoader]:
    """The loaders, each after those it names (ones not installed are ignored)."""
    ordered: list[DemoLoader] = []
    placed: set[str] = set()
    visiting: set[str] = set()

    def place(loader: DemoLoader) -> None:
        if loader.name in placed:
            return
        if loader.name in visiting:
            raise RuntimeError(f"Demo loaders depend on each other in a circle at {loader.name!r}")
        visiting.add(loader.name)
        for name in loader.after:
            if name in _DEMO:
                place(_DEMO[name])
        visiting.discard(loader.name)
        placed.add(loader.name)
        ordered.append(loader)

    for name in sorted(_DEMO):
        place(_DEMO[name])
    return ordered


# ---------------------------------------------------------------- contact consent

# app -> a SELECT of one column: the ids of the memberships of the organization given as its one
# parameter (%s) whose person agreed to be contacted after they left (alliance.people reads it).
_CONTACT_CONSENT: dict[str, str] = {}


def register_contact_consent(app: str, *, sql: str) -> None:
    if sql.count("%s") != 1:
        raise ValueError("The contact-consent statement takes exactly one parameter: the organization's id.")
    _CONTACT_CONSENT[app] = sql


def contact_consent_sql() -> str | None:
    """The memberships (one column, ``member_id``) that consent by any app's record, as one statement
    with one ``%s`` per app (each the organization's id); None when no app records consent."""
    if not _CONTACT_CONSENT:
        return None
    return " UNION ALL ".join(f"SELECT member_id FROM ({sql}) c{index}(member_id)"  # noqa: S608 (apps' constants)
                              for index, sql in enumerate(_CONTACT_CONSENT.values()))


def contact_consent_parameters() -> int:
    return len(_CONTACT_CONSENT)


# Topic modules of the registry, re-exported so ``registry.register_…`` stays the one way in.
from alliance.registry.audit import (  # noqa: E402, F401
    _AUDIT_SOURCES,
    _AUDITED,
    AuditedRecord,
    AuditSource,
    audit_sources,
    audited_records,
    register_audit_source,
    register_audited_model,
)
from alliance.registry.health import (  # noqa: E402, F401
    _HEALTH_FIGURES,
    _MANAGER_TODOS,
    _MEMBER_SETS,
    HealthFigureSpec,
    ManagerTodo,
    TodoItem,
    health_figures,
    manager_todos,
    member_set_sql,
    register_health_figure,
    register_manager_todo,
    register_member_set,
)
from alliance.registry.jobs import (  # noqa: E402, F401
    _EXPORTS,
    _IMPORT_KINDS,
    _JOB_KINDS,
    _PEOPLE_IMPORT_COLUMNS,
    ImportKind,
    JobKind,
    PeopleImportColumns,
    export_builder,
    import_kind,
    job_kind,
    people_import_columns,
    register_export,
    register_import_kind,
    register_job_kind,
    register_people_import_columns,
)
from alliance.registry.sorting import (  # noqa: E402, F401
    _SORT_NAME_COPIES,
    SortNameCopy,
    register_sort_name_copy,
    sort_name_copies,
)
from alliance.registry.webhooks import (  # noqa: E402, F401
    _WEBHOOK_EVENTS,
    WebhookEvent,
    register_webhook_event,
    webhook_events,
)
