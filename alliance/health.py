"""The alliance's health: the figures HR, leadership and each manager read to see whether the alliance
is kept (tours agreed and current, checkpoints held, next tours planned, the network paying back).

The core knows no figure: apps register them (``alliance.registry.register_health_figure``) and each
computes one ``HealthFigure`` for a ``HealthScope`` with set-based queries (a constant number,
whatever the organization's size). The page, its CSV downloads, the API and the weekly digest all
call ``health_figures_for``: one code path.

A scope is the organization, optionally narrowed to a team and/or a manager's subtree (everyone
below them, found with one recursive query over the membership's ``manager`` link), and a period
(the last 30, 90, 180 or 365 days) for the figures that count events.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from django.db import connection
from django.db.models import Exists, OuterRef
from django.utils import timezone

from alliance import registry
from alliance.errors import ApplicationError, NotAllowed
from alliance.models import Membership
from alliance.rights import can_see_organization_health, can_see_team_health

PERIODS = {"30": "Last 30 days", "90": "Last 90 days", "180": "Last 6 months", "365": "Last 12 months"}
DEFAULT_PERIOD = "90"
TEAM_MAX = 100  # Membership.team's length


@dataclass(frozen=True)
class HealthScope:
    """Whom and when a figure counts. ``member_ids`` None means the whole organization."""

    organization_id: int
    organization_slug: str
    member_ids: tuple[int, ...] | None
    start: date  # the period's first day…
    end: date  # …and the day after its last (today + 1)
    today: date  # in the organization's time zone
    now: datetime
    team: str = ""
    manager_id: int | None = None
    period: str = DEFAULT_PERIOD
    # Who reads the figures: a figure that lists records (the most-read notes) lists only those they may see.
    viewer: Membership | None = field(default=None, compare=False, repr=False)

    @property
    def everyone(self) -> bool:
        return self.member_ids is None

    def members_sql(self, column: str) -> tuple[str, list[Any]]:
        """A condition keeping rows whose ``column`` (a membership id) is in scope, and its parameters."""
        return f"(%s OR {column} = ANY(%s))", [self.everyone, list(self.member_ids or ())]

    @property
    def start_at(self) -> datetime:
        return datetime.combine(self.start, datetime.min.time(), tzinfo=self.now.tzinfo)

    @property
    def end_at(self) -> datetime:
        return datetime.combine(self.end, datetime.min.time(), tzinfo=self.now.tzinfo)


@dataclass
class HealthFigure:
    """One figure: a chart (Chart.js type, labels, datasets), the same figures as a table (the chart's
    text alternative, and the CSV), and the number the weekly digest compares with last week's."""

    title: str
    chart_type: str  # bar, line, doughnut
    labels: list[str]
    datasets: list[dict]  # {"label": str, "data": [numbers]}
    columns: list[str]
    rows: list[list]
    note: str = ""
    links: list[str] = field(default_factory=list)  # per row, where to act ("" for none)
    headline: float | int | None = None
    headline_label: str = ""
    key: str = ""
    section: str = ""
    csv_url: str = ""  # set by the page

    @property
    def chart(self) -> dict:
        return {"type": self.chart_type, "labels": self.labels, "datasets": self.datasets}

    @property
    def table(self) -> list[tuple[list, str]]:
        """Each row with its link (or "")."""
        return [(row, self.links[index] if index < len(self.links) else "") for index, row in enumerate(self.rows)]

    def as_json(self) -> dict:
        return {"key": self.key, "section": self.section, "title": self.title, "note": self.note,
                "headline": None if self.headline is None else float(self.headline),
                "headline_label": self.headline_label,
                "chart": self.chart, "columns": self.columns,
                "rows": [[_plain(cell) for cell in row] for row in self.rows], "links": self.links}


def _plain(value: Any) -> Any:
    if isinstance(value, date | datetime):
        return value.isoformat()
    if value is None or isinstance(value, bool | int | float | str):
        return value
    return str(value)


def share(part: int, whole: int) -> float | None:
    """``part`` of ``whole`` in percent, one decimal; None when there is nothing to divide."""
    return round(100 * part / whole, 1) if whole else None


def percent_text(value: float | None) -> str:
    return "—" if value is None else f"{value} %"


def fetch(sql: str, params: Iterable[Any]) -> list[tuple]:
    """Rows of one read inside the request's (or task's) tenant context."""
    with connection.cursor() as cursor:
        cursor.execute(sql, list(params))
        return cursor.fetchall()


# ---------------------------------------------------------------- scopes

_SUBTREE_SQL = """
WITH RECURSIVE below(id) AS (
    SELECT id FROM alliance_membership WHERE organization_id = %s AND manager_id = %s
    UNION
    SELECT m.id FROM alliance_membership m JOIN below b ON m.manager_id = b.id WHERE m.organization_id = %s
)
SELECT b.id FROM below b JOIN alliance_membership m ON m.organization_id = %s AND m.id = b.id
WHERE (%s = '' OR m.team = %s)
"""


def subtree_ids(organization_id: int, manager_id: int, *, team: str = "") -> list[int]:
    """Everyone below ``manager_id`` (their reports, their reports' reports…), not the manager."""
    return [row[0] for row in fetch(_SUBTREE_SQL, [organization_id, manager_id, organization_id,
                                                   organization_id, team, team])]


def _bad(field_name: str, message: str) -> ApplicationError:
    return ApplicationError(message, field_errors={field_name: [message]})


def health_scope(*, viewer: Membership, team: str = "", manager: str | int | None = None,
                 period: str = "", own_team: bool = False) -> HealthScope:
    """The scope ``viewer`` asked for. HR, admins and leadership see the organization; a manager (and
    anyone on their own team's page, ``own_team``) only their subtree. A refusal is ``NotAllowed``; a
    filter that names nobody the viewer may see, or an unknown period, an ``ApplicationError``."""
    organization = viewer.organization
    if own_team:
        if not can_see_team_health(viewer):
            raise NotAllowed("Only managers have a team to read the alliance's health of.")
    elif not (can_see_organization_health(viewer) or can_see_team_health(viewer)):
        raise NotAllowed("Only HR, administrators, leadership and managers can read the alliance's health.")
    period = (period or DEFAULT_PERIOD).strip()
    if period not in PERIODS:
        raise _bad("period", f"Choose a period of {', '.join(PERIODS)} days.")
    team = (team or "").strip()
    if len(team) > TEAM_MAX:
        raise _bad("team", f"A team's name has at most {TEAM_MAX} characters.")
    org_wide = can_see_organization_health(viewer) and not own_team
    manager_id: int | None = None
    if manager not in (None, ""):
        try:
            manager_id = int(manager)
        except (TypeError, ValueError):
            raise _bad("manager", "Choose a manager from the list.") from None
        if not 0 < manager_id < 2 ** 63:
            raise _bad("manager", "Choose a manager from the list.")
    member_ids: list[int] | None = None
    if org_wide:
        if manager_id is not None:
            if not Membership.objects.for_org(viewer.organization_id).filter(pk=manager_id).exists():
                raise _bad("manager", "Choose a manager from the list.")
            member_ids = subtree_ids(viewer.organization_id, manager_id, team=team)
        elif team:
            member_ids = list(Membership.objects.for_org(viewer.organization_id).filter(team=team)
                              .values_list("pk", flat=True))
    else:
        root = viewer.pk
        if manager_id is not None and manager_id != viewer.pk:
            if manager_id not in set(subtree_ids(viewer.organization_id, viewer.pk)):
                raise _bad("manager", "Choose a manager of your team.")
            root = manager_id
        member_ids = subtree_ids(viewer.organization_id, root, team=team)
    now = timezone.now()
    today = timezone.localtime(now, ZoneInfo(organization.time_zone)).date()
    return HealthScope(organization_id=viewer.organization_id, organization_slug=organization.slug,
                       member_ids=None if member_ids is None else tuple(sorted(member_ids)),
                       start=today - timedelta(days=int(period) - 1), end=today + timedelta(days=1),
                       today=today, now=now, team=team, manager_id=manager_id, period=period, viewer=viewer)


# ---------------------------------------------------------------- figures

def health_figures_for(scope: HealthScope, *, only: str = "") -> list[HealthFigure]:
    """Every registered figure for ``scope`` in the page's order (or the one named ``only``)."""
    figures = []
    for spec in registry.health_figures():
        if only and spec.key != only:
            continue
        figure = spec.compute(scope)
        figure.key, figure.section = spec.key, spec.section
        figures.append(figure)
    return figures


def figure_keys() -> list[str]:
    return [spec.key for spec in registry.health_figures()]


@dataclass
class HealthSection:
    title: str
    figures: list[HealthFigure]


def sections(figures: list[HealthFigure]) -> list[HealthSection]:
    """The figures grouped under their section, sections in the order of their first figure."""
    grouped: dict[str, HealthSection] = {}
    for figure in figures:
        grouped.setdefault(figure.section, HealthSection(figure.section, [])).figures.append(figure)
    return list(grouped.values())


def filter_choices(viewer: Membership, *, own_team: bool) -> dict[str, list]:
    """The teams and managers the filters offer: the organization's, or those of the viewer's subtree
    (two queries)."""
    people = Membership.objects.for_org(viewer.organization_id).filter(status=Membership.Status.ACTIVE)
    if own_team or not can_see_organization_health(viewer):
        people = people.filter(pk__in=subtree_ids(viewer.organization_id, viewer.pk))
    teams = sorted({team for team in people.exclude(team="").values_list("team", flat=True)})
    # EXISTS, not a join to every report and DISTINCT: one probe of the manager index per member.
    reports = Membership.objects.for_org(viewer.organization_id).filter(manager_id=OuterRef("pk"))
    managers = list(people.filter(Exists(reports)).order_by("user__full_name", "id")
                    .values_list("pk", "user__full_name"))
    return {"teams": teams, "managers": managers}


# ---------------------------------------------------------------- a manager's to-do

@dataclass
class TodoGroup:
    kind: str
    items: list[registry.TodoItem]


def manager_todo(manager: Membership, *, team_ids: Iterable[int] = ()) -> list[TodoGroup]:
    """What ``manager`` has to do, grouped by kind: each app's part (checkpoints to hold, plans to
    record, amendments to answer, expenses to approve) and the departures in their team (the exits under
    way of the people below them, ``team_ids``)."""
    from django.urls import reverse

    items: list[registry.TodoItem] = []
    for part in registry.manager_todos():
        items.extend(part.items(manager))
    leaving = registry.pending_departures(manager.organization_id, list(team_ids))
    if leaving:
        names = dict(Membership.objects.for_org(manager.organization_id).filter(pk__in=list(leaving))
                     .values_list("pk", "user__full_name"))
        for member_id, day in sorted(leaving.items(), key=lambda entry: (entry[1], entry[0])):
            items.append(registry.TodoItem("Departures in your team", f"{names.get(member_id, '')}, last day "
                                           f"{day.isoformat()}", reverse("member_edit", args=[
                                               manager.organization.slug, member_id]) if manager.is_hr else "", day))
    groups: dict[str, TodoGroup] = {}
    for item in items:
        groups.setdefault(item.kind, TodoGroup(item.kind, [])).items.append(item)
    return list(groups.values())
