"""The tours app's rows for the isolation sweep (see tests/isolation.py)."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

from alliance import tenancy
from tests.tours.factories import AgendaItemFactory, CheckpointFactory, ProgramFactory, TourFactory
from tours import services
from tours.models import (
    ActionItem,
    Cohort,
    FirstConversation,
    OneOnOne,
    OneOnOneActionItem,
    OneOnOnePrivateNote,
    OneOnOneSeries,
    PrivateNote,
    TalkingPoint,
    Tour,
    TourAmendment,
    TourRevision,
)


def populate(world) -> None:
    tour = TourFactory(employee=world.employee, manager=world.admin, status=Tour.Status.ACTIVE,
                       title="Globex Secret tour")
    checkpoint = CheckpointFactory(tour=tour)
    AgendaItemFactory(checkpoint=checkpoint, added_by=world.employee)
    program = ProgramFactory(organization=world.org, name="Globex Secret program")
    with tenancy.tenant_context(world.org.pk):
        ActionItem.objects.create(organization=world.org, checkpoint=checkpoint, text="Globex Secret action",
                                  owner=world.employee)
        FirstConversation.objects.create(organization=world.org, tour=tour, employee_note="Globex Secret")
        PrivateNote.objects.create(organization=world.org, checkpoint=checkpoint, author=world.employee,
                                   body="Globex Secret private")
        services.calendar_feed_create(member=world.employee)
        Cohort.objects.create(organization=world.org, program=program, name="Globex Secret cohort",
                              start_date=date.today(), started_by=world.admin)
        TourAmendment.objects.create(organization=world.org, tour=tour, proposed_by=world.admin,
                                     reason="Globex Secret amendment", changes={"title": "Globex Secret new"},
                                     diff={"title": {"label": "Title", "from": "a", "to": "b"}})
        TourRevision.objects.create(organization=world.org, tour=tour, by=world.admin,
                                    action=TourRevision.Action.AMENDED, comment="Globex Secret revision")
        series = OneOnOneSeries.objects.create(
            organization=world.org, manager=world.admin, report=world.employee, first_date=date.today(),
            local_time=time(10, 0), location="Globex Secret 1:1 room")
        meeting = OneOnOne.objects.create(
            organization=world.org, series=series, original_at=datetime.combine(date.today(), time(10, 0)).astimezone()
            + timedelta(days=1), scheduled_at=datetime.combine(date.today(), time(10, 0)).astimezone()
            + timedelta(days=1), shared_notes="Globex Secret 1:1 notes")
        TalkingPoint.objects.create(organization=world.org, meeting=meeting, text="Globex Secret talking point",
                                    added_by=world.employee)
        OneOnOneActionItem.objects.create(organization=world.org, meeting=meeting, text="Globex Secret 1:1 action",
                                          owner=world.employee)
        OneOnOnePrivateNote.objects.create(organization=world.org, meeting=meeting, author=world.employee,
                                           body="Globex Secret 1:1 private")
    world.objects.update(tour=tour, checkpoint=checkpoint, series=series, meeting=meeting)
