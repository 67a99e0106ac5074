from __future__ import annotations

from datetime import timedelta

import factory
from django.utils import timezone

from tests.alliance.factories import TenantFactory
from tours.models import AgendaItem, Checkpoint, RotationalProgram, Tour


class TourFactory(TenantFactory):
    class Meta:
        model = Tour

    organization = factory.LazyAttribute(lambda o: o.employee.organization)
    kind = Tour.Kind.TRANSFORMATIONAL
    title = factory.Sequence(lambda n: f"Tour {n}: rebuild the platform")
    mission = "Rebuild the data platform so every team can ship weekly."
    company_objectives = "A platform that serves 10 teams."
    employee_benefits = "Lead a cross-team project; learn distributed systems."
    success_company = "Ten teams on the new platform."
    success_employee = "A talk at a conference."
    start_date = factory.LazyFunction(lambda: timezone.localdate() - timedelta(days=30))
    end_date = factory.LazyAttribute(lambda o: o.start_date + timedelta(days=3 * 365))
    cadence_months = 6
    status = Tour.Status.DRAFT
    employee_sort_name = factory.LazyAttribute(lambda o: o.employee.sort_name)  # as tours.services copies it


class CheckpointFactory(TenantFactory):
    class Meta:
        model = Checkpoint

    tour = None
    organization = factory.LazyAttribute(lambda o: o.tour.organization)
    scheduled_at = factory.LazyFunction(lambda: timezone.now() + timedelta(days=14))
    confirmed = True


class AgendaItemFactory(TenantFactory):
    class Meta:
        model = AgendaItem

    checkpoint = None
    organization = factory.LazyAttribute(lambda o: o.checkpoint.organization)
    text = factory.Sequence(lambda n: f"Talking point {n}")


class ProgramFactory(TenantFactory):
    class Meta:
        model = RotationalProgram

    organization = None
    name = factory.Sequence(lambda n: f"Engineering rotation {n}")
    duration_months = 12
    mission_template = "Rotate through three teams and find where you add most."
    company_objectives = "Three shipped features across teams."
    employee_benefits = "A map of the company and a network."
    success_criteria = "Positive feedback from all three teams."
    cadence_months = 3


def started(checkpoint: Checkpoint, *, ago: timedelta = timedelta(minutes=30)) -> Checkpoint:
    """The conversation has begun (its outcome can be recorded): move its start into the past."""
    from alliance.tenancy import tenant_context

    with tenant_context(checkpoint.organization_id):
        Checkpoint.objects.filter(pk=checkpoint.pk).update(scheduled_at=timezone.now() - ago)
        checkpoint.refresh_from_db()
    return checkpoint
