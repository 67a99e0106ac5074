"""Free text of tours has one maximum length, enforced by the model, the forms, the services and the API.

The API side (serializers) is tested in ``test_apis.py``; here: a 1 MB text is refused by every other
door, with the bound from ``tours.limits``, and nothing is written.
"""

from __future__ import annotations

from datetime import time, timedelta

import pytest
from django import forms as django_forms
from django.db import models
from django.utils import timezone

from alliance.errors import ApplicationError
from alliance.tenancy import tenant_context
from tests.tours.factories import CheckpointFactory, TourFactory
from tours import forms, limits, services
from tours import models as tour_models
from tours.models import Checkpoint, FirstConversation, PrivateNote, Tour, TourAmendment, TourRevision

pytestmark = pytest.mark.django_db

MEGABYTE = "x" * 1_000_000


def _text_fields():
    for model in (tour_models.RotationalProgram, tour_models.Cohort, Tour, TourRevision, TourAmendment,
                  Checkpoint, tour_models.AgendaItem, tour_models.ActionItem, PrivateNote, FirstConversation):
        for field in model._meta.concrete_fields:
            if isinstance(field, (models.TextField, models.CharField)) and not field.choices:
                yield model, field


@pytest.mark.parametrize(("model", "field"), list(_text_fields()),
                         ids=lambda v: getattr(v, "__name__", getattr(v, "name", "")))
def test_every_free_text_field_of_the_models_has_a_bound_that_full_clean_enforces(model, field):
    assert field.max_length, f"{model.__name__}.{field.name} has no max_length"
    with pytest.raises(django_forms.ValidationError):
        field.run_validators("x" * (field.max_length + 1))


def _form_classes():
    return [value for value in vars(forms).values()
            if isinstance(value, type) and issubclass(value, django_forms.BaseForm)
            and value.__module__ == forms.__name__]


def test_every_text_field_of_the_tour_forms_has_a_bound(tenant, manager, employee):
    checkpoint = CheckpointFactory(tour=TourFactory(employee=employee, manager=manager, status="active"))
    series = services.one_on_one_series_start(by=manager, report=employee, cadence="weekly",
                                              first_date=timezone.localdate() + timedelta(days=1),
                                              local_time=time(10, 0), duration_minutes=30)
    meeting = series.meetings.order_by("scheduled_at").first()
    for form_class in _form_classes():
        kwargs = {}
        if form_class is forms.TourCreateForm:
            kwargs = {"employees": employee.__class__.objects.none(), "managers": employee.__class__.objects.none()}
        elif form_class is forms.OutcomeForm:
            kwargs = {"checkpoint": checkpoint}
        elif form_class is forms.TourFilterForm:
            kwargs = {"teams": [], "managers": employee.__class__.objects.none()}
        elif form_class is forms.CohortForm:
            kwargs = {"members": employee.__class__.objects.none()}
        elif form_class is forms.OneOnOneRecordForm:
            kwargs = {"meeting": meeting}
        form = form_class(**kwargs)
        for name, field in form.fields.items():
            if type(field) is django_forms.CharField:
                assert field.max_length, f"{form_class.__name__}.{name} has no max_length"


@pytest.fixture
def tenant(org):
    with tenant_context(org.pk):
        yield org


def _terms(**overrides):
    today = timezone.localdate()
    terms = dict(kind=Tour.Kind.TRANSFORMATIONAL, title="Own the fleet", mission="Make updates boring.",
                 company_objectives="Zero downtime.", employee_benefits="Lead a team.",
                 start_date=today, end_date=today + timedelta(days=730))
    terms.update(overrides)
    return terms


def test_a_one_megabyte_mission_is_refused_by_the_service_and_nothing_is_saved(tenant, manager, employee):
    with pytest.raises(ApplicationError) as error:
        services.tour_create(by=manager, employee=employee, **_terms(mission=MEGABYTE))
    assert "mission" in error.value.field_errors
    assert not Tour.objects.exists()


def test_the_tour_form_refuses_a_mission_over_the_limit():
    form = forms.TourEditForm({**_terms(mission="x" * (limits.MISSION_MAX + 1)), "cadence_months": 6,
                               "next_tour_lead_days": 180})
    assert not form.is_valid() and "mission" in form.errors
    assert form.fields["mission"].widget.attrs["maxlength"] == str(limits.MISSION_MAX)


def test_text_written_without_full_clean_is_bounded_too(tenant, manager, employee):
    proposed = TourFactory(employee=employee, manager=manager, status="proposed")
    with pytest.raises(ApplicationError) as error:
        services.tour_request_changes(tour=proposed, by=employee, comment=MEGABYTE)
    assert "changes_requested" in error.value.field_errors
    proposed.refresh_from_db()
    assert (proposed.status, proposed.changes_requested) == ("proposed", "")

    checkpoint = CheckpointFactory(tour=TourFactory(employee=employee, manager=manager, status="active"))
    with pytest.raises(ApplicationError):
        services.checkpoint_update_notes(checkpoint=checkpoint, by=employee, employee_notes=MEGABYTE)
    with pytest.raises(ApplicationError):
        services.private_note_save(checkpoint=checkpoint, by=manager, body=MEGABYTE)
    checkpoint.refresh_from_db()
    assert checkpoint.employee_notes == "" and not PrivateNote.objects.exists()

    services.checkpoint_update_notes(checkpoint=checkpoint, by=employee, employee_notes="x" * limits.NOTES_MAX)
    checkpoint.refresh_from_db()
    assert len(checkpoint.employee_notes) == limits.NOTES_MAX


def test_closing_a_tour_with_an_overlong_note_changes_nothing(tenant, manager, employee):
    tour = TourFactory(employee=employee, manager=manager, status="active")
    with pytest.raises(ApplicationError):
        services.tour_end_early(tour=tour, by=manager, reason=MEGABYTE)
    tour.refresh_from_db()
    assert tour.status == "active" and not tour.closed_at
