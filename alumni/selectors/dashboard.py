"""HR's alumni dashboard (``invest``): the return on the alliance, in figures, charts and tables.

Each section is one set-based aggregate (or two), so the page runs a constant number of
queries whatever the number of alumni. Sections are registered in order; another part
of the alumni network adds its own with ``register_section``, each giving a chart (labels
and datasets for Chart.js) and the same figures as an accessible table beside it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Count, Q, Sum
from django.db.models.functions import ExtractYear

from alliance.models import Membership
from alumni.models import AlumniEvent, CustomerLead, EventRsvp, ExitProcess, LeaverStep, Referral
from alumni.selectors.boomerangs import boomerang_rate_by_year

FEEDBACK_TAG = "alumni feedback"  # the tag alumni feedback carries (alumni.services.alumni_intel.FEEDBACK_TAG)
CONSENT_LABELS = {"consent_directory": "Directory", "consent_news": "News", "consent_jobs": "Job openings",
                  "consent_events": "Events", "consent_feedback": "Feedback and intelligence"}


@dataclass
class Section:
    key: str
    title: str
    chart_type: str  # a Chart.js type: bar, line, doughnut
    labels: list[str]
    datasets: list[dict]  # {"label": str, "data": [numbers]}
    columns: list[str]  # the table: a header row…
    rows: list[list] = field(default_factory=list)  # …and its rows (first cell: the row's label)
    note: str = ""

    @property
    def chart(self) -> dict:
        return {"type": self.chart_type, "labels": self.labels, "datasets": self.datasets}


_SECTIONS: dict[str, tuple[int, Callable[[Membership], Section]]] = {}


def register_section(key: str, build: Callable[[Membership], Section], *, order: int = 100) -> None:
    _SECTIONS[key] = (order, build)


def sections_for(member: Membership) -> list[Section]:
    return [build(member) for _, build in sorted(_SECTIONS.values(), key=lambda entry: entry[0])]


def _years(*series: dict) -> list[int]:
    found = sorted({year for rows in series for year in rows if year is not None})
    return list(range(found[0], found[-1] + 1)) if found else []


def _rate(part: int, whole: int) -> float | None:
    return round(100 * part / whole, 1) if whole else None


def alumni_by_tier(member: Membership) -> Section:
    rows = (ExitProcess.objects.for_org(member.organization_id).filter(outcome=ExitProcess.Outcome.ALUMNUS)
            .annotate(year=ExtractYear("last_working_day")).values_list("year", "alumni_tier")
            .annotate(n=Count("id")).order_by())
    counts: dict[int, dict[str, int]] = {}
    for year, tier, n in rows:
        counts.setdefault(year, {})[tier] = n
    years = _years(counts)
    tiers = ExitProcess.Tier
    data = {tier: [counts.get(year, {}).get(tier, 0) for year in years] for tier in tiers.values}
    return Section("alumni", "Alumni by year they left, and tier", "bar", [str(y) for y in years],
                   [{"label": tiers(tier).label, "data": data[tier]} for tier in tiers.values],
                   ["Year", *tiers.labels, "Total"],
                   [[year, *(data[t][i] for t in tiers.values), sum(data[t][i] for t in tiers.values)]
                    for i, year in enumerate(years)])


def directory_opt_in(member: Membership) -> Section:
    figures = (Membership.objects.for_org(member.organization_id).filter(status=Membership.Status.ALUMNUS)
               .aggregate(alumni=Count("id", distinct=True),
                          listed=Count("alumni_profiles", filter=Q(alumni_profiles__listed=True), distinct=True)))
    alumni, listed = figures["alumni"], figures["listed"]
    rate = _rate(listed, alumni)
    return Section("directory", "Directory opt-in", "doughnut", ["Listed", "Not listed"],
                   [{"label": "Alumni", "data": [listed, alumni - listed]}],
                   ["Alumni", "Listed in the directory", "Opt-in rate"],
                   [[alumni, listed, f"{rate} %" if rate is not None else "—"]])


def consents(member: Membership) -> Section:
    from network_intel.selectors import alumni_listed_count

    steps = LeaverStep.objects.for_org(member.organization_id).filter(
        process__member__status=Membership.Status.ALUMNUS, process__state=ExitProcess.State.COMPLETED)
    counts = steps.aggregate(**{name: Count("process__member", filter=Q(**{name: True}), distinct=True)
                                for name in LeaverStep.CONSENT_FIELDS})
    labels = [*CONSENT_LABELS.values(), "Listed in who-knows"]
    values = [counts[name] for name in CONSENT_LABELS] + [alumni_listed_count(member.organization_id)]
    return Section("consents", "Consents per kind (alumni today)", "bar", labels,
                   [{"label": "Alumni who consent", "data": values}], ["Consent", "Alumni"],
                   [[label, value] for label, value in zip(labels, values, strict=True)])


def referrals_from_alumni(member: Membership) -> Section:
    rows = {row["year"]: row for row in (
        Referral.objects.for_org(member.organization_id).filter(referrer_was_alumnus=True)
        .annotate(year=ExtractYear("created_at")).values("year")
        .annotate(referrals=Count("id"), hires=Count("id", filter=Q(status=Referral.Status.HIRED))).order_by())}
    years = _years(rows)
    referrals = [rows.get(y, {}).get("referrals", 0) for y in years]
    hires = [rows.get(y, {}).get("hires", 0) for y in years]
    return Section("referrals", "Referrals and hires from alumni", "bar", [str(y) for y in years],
                   [{"label": "Referrals", "data": referrals}, {"label": "Hired", "data": hires}],
                   ["Year", "Referrals", "Hired"], [[y, r, h] for y, r, h in zip(years, referrals, hires, strict=True)])


def leads_from_alumni(member: Membership) -> Section:
    leads = CustomerLead.objects.for_org(member.organization_id).filter(submitter_was_alumnus=True)
    won = Q(status=CustomerLead.Status.WON)
    rows = {row["year"]: row for row in (
        leads.annotate(year=ExtractYear("created_at")).values("year")
        .annotate(leads=Count("id"), won=Count("id", filter=won)).order_by())}
    values = list(leads.filter(won).values("currency").annotate(total=Sum("estimated_value")).order_by("currency"))
    years = _years(rows)
    counts = [rows.get(y, {}).get("leads", 0) for y in years]
    wins = [rows.get(y, {}).get("won", 0) for y in years]
    value_text = ", ".join(f"{row['total'] or Decimal(0):,.2f} {row['currency']}" for row in values) or "none yet"
    return Section("leads", "Customer leads from alumni", "bar", [str(y) for y in years],
                   [{"label": "Leads", "data": counts}, {"label": "Won", "data": wins}],
                   ["Year", "Leads", "Won"], [[y, n, w] for y, n, w in zip(years, counts, wins, strict=True)],
                   note=f"Won value (estimated): {value_text}.")


def boomerangs(member: Membership) -> Section:
    rows = boomerang_rate_by_year(member)
    return Section("boomerangs", "Boomerangs and the boomerang rate", "bar", [str(r["year"]) for r in rows],
                   [{"label": "Rehires", "data": [r["rehires"] for r in rows]},
                    {"label": "Boomerang rate (%)", "data": [r["rate"] for r in rows], "type": "line",
                     "yAxisID": "rate"}],
                   ["Year", "Rehires", "Alumni by then", "Rate"],
                   [[r["year"], r["rehires"], r["alumni"], f"{r['rate']} %" if r["rate"] is not None else "—"]
                    for r in rows], note="Rate: rehires in the year ÷ alumni who had left by its end.")


def alumni_notes(member: Membership) -> Section:
    from network_intel.selectors import alumni_note_counts

    rows = {row["year"]: row for row in alumni_note_counts(member.organization_id, feedback_tag=FEEDBACK_TAG)}
    years = _years(rows)
    feedback = [rows.get(y, {}).get("feedback", 0) for y in years]
    intel = [rows.get(y, {}).get("notes", 0) - f for y, f in zip(years, feedback, strict=True)]
    return Section("notes", "Feedback and intel notes from alumni", "bar", [str(y) for y in years],
                   [{"label": "Feedback", "data": feedback}, {"label": "Intel notes", "data": intel}],
                   ["Year", "Feedback", "Intel notes"],
                   [[y, f, i] for y, f, i in zip(years, feedback, intel, strict=True)])


def event_attendance(member: Membership) -> Section:
    """Per year of the events' start: the events held (not cancelled), the seats their answers took
    and the people left on a waiting list. One aggregate."""
    rsvps = "rsvps__state"
    rows = {row["year"]: row for row in (
        AlumniEvent.objects.for_org(member.organization_id).filter(cancelled_at__isnull=True)
        .annotate(year=ExtractYear("starts_at")).values("year")
        .annotate(events=Count("id", distinct=True),
                  going=Count("rsvps", filter=Q(**{rsvps: EventRsvp.State.GOING})),
                  waiting=Count("rsvps", filter=Q(**{rsvps: EventRsvp.State.WAITING})))
        .order_by())}
    years = _years(rows)
    events = [rows.get(y, {}).get("events", 0) for y in years]
    going = [rows.get(y, {}).get("going", 0) for y in years]
    waiting = [rows.get(y, {}).get("waiting", 0) for y in years]
    return Section("events", "Event attendance", "bar", [str(y) for y in years],
                   [{"label": "Going", "data": going}, {"label": "Waiting list", "data": waiting}],
                   ["Year", "Events", "Going", "Waiting list"],
                   [[y, e, g, w] for y, e, g, w in zip(years, events, going, waiting, strict=True)],
                   note="Answers to events not cancelled, by the year the event starts.")


for _order, (_key, _build) in enumerate((("alumni", alumni_by_tier), ("directory", directory_opt_in),
                                         ("consents", consents), ("referrals", referrals_from_alumni),
                                         ("leads", leads_from_alumni), ("boomerangs", boomerangs),
                                         ("notes", alumni_notes), ("events", event_attendance))):
    register_section(_key, _build, order=(_order + 1) * 10)
