"""Shared checkpoint notes two people type into at once are merged, never overwritten (alliance/merging.py)."""

from __future__ import annotations

import re
from datetime import timedelta

from django.urls import reverse
from django.utils import timezone

from alliance.merging import merge_text, text_version
from alliance.tenancy import tenant_context
from tests.tours.factories import CheckpointFactory
from tours import services
from tours.models import AgendaItem, Checkpoint


def notes_url(org, checkpoint) -> str:
    return reverse("tours:checkpoint_notes", args=[org.slug, checkpoint.pk])


def shown_version(client, org, checkpoint) -> str:
    page = client.get(reverse("tours:checkpoint_detail", args=[org.slug, checkpoint.pk])).content.decode()
    return re.search(r'name="based_on" value="([0-9a-f]{64})"', page).group(1)


def test_two_people_saving_the_same_notes_keep_both_texts(client_for, org, employee, active_tour):
    checkpoint = CheckpointFactory(tour=active_tour, employee_notes="Agreed: more mentoring.")
    laptop, phone = client_for(employee), client_for(employee)
    version = shown_version(laptop, org, checkpoint)
    assert shown_version(phone, org, checkpoint) == version

    phone.post(notes_url(org, checkpoint), {"notes": "Agreed: more mentoring. And a conference.",
                                            "based_on": version})
    answer = laptop.post(notes_url(org, checkpoint), {"notes": "Mentoring from Ana.", "based_on": version},
                         follow=True)
    with tenant_context(org.pk):
        stored = Checkpoint.objects.get(pk=checkpoint.pk).employee_notes
    assert stored.startswith("Agreed: more mentoring. And a conference.")
    assert stored.endswith("Mentoring from Ana.")
    assert f"--- {employee.user.full_name}, " in stored
    assert "both texts are kept" in answer.content.decode()


def test_a_save_over_the_version_shown_replaces_the_text(client_for, org, employee, active_tour):
    checkpoint = CheckpointFactory(tour=active_tour, employee_notes="Draft")
    client = client_for(employee)
    answer = client.post(notes_url(org, checkpoint), {"notes": "Final", "based_on": shown_version(client, org,
                                                                                                  checkpoint)},
                         follow=True)
    with tenant_context(org.pk):
        assert Checkpoint.objects.get(pk=checkpoint.pk).employee_notes == "Final"
    assert "Your shared notes are saved." in answer.content.decode()


def test_the_merge_rule():
    old = text_version("A")
    assert merge_text(stored="A", saved="B", based_on=old, author="Ana") == "B"
    assert merge_text(stored="A", saved="B", based_on=None, author="Ana") == "B"  # no version: as before
    assert merge_text(stored="A2", saved="A2", based_on=old, author="Ana") == "A2"
    assert merge_text(stored="A2", saved="", based_on=old, author="Ana") == "A2"  # no clearing their words
    merged = merge_text(stored="A2", saved="B", based_on=old, author="Ana")
    assert merged.startswith("A2\n\n--- Ana, ") and merged.endswith("---\nB")


def test_a_stale_rewording_of_a_talking_point_keeps_both(client_for, org, employee, active_tour):
    """The author rewords a point in two windows: the second save is merged with the first, not over it."""
    checkpoint = CheckpointFactory(tour=active_tour)
    with tenant_context(org.pk):
        item = AgendaItem.objects.create(organization=org, checkpoint=checkpoint, text="Mentoring", added_by=employee)
    client = client_for(employee)
    page = client.get(reverse("tours:checkpoint_detail", args=[org.slug, checkpoint.pk])).content.decode()
    shown = re.search(r'name="based_on" value="([0-9a-f]{64})"', page[page.index(f"edit-point-{item.pk}"):]).group(1)
    assert shown == text_version("Mentoring")
    edit = reverse("tours:agenda_item", args=[org.slug, item.pk, "edit"])
    client.post(edit, {"text": "Mentoring from Ana", "based_on": shown})
    answer = client.post(edit, {"text": "Mentoring and a conference", "based_on": shown}, follow=True)
    with tenant_context(org.pk):
        stored = AgendaItem.objects.get(pk=item.pk).text
    assert stored.startswith("Mentoring from Ana") and stored.endswith("Mentoring and a conference")
    assert "reworded meanwhile" in answer.content.decode()
    client.post(edit, {"text": "Mentoring, tidied", "based_on": text_version(stored)})
    with tenant_context(org.pk):
        assert AgendaItem.objects.get(pk=item.pk).text == "Mentoring, tidied"


def test_course_corrections_saved_meanwhile_are_merged_into_the_outcome(client_for, org, manager, hr, employee,
                                                                       active_tour):
    """The outcome form shows the manager's notes and course corrections; what HR saved on the same checkpoint
    while the manager wrote is kept above the manager's words, not overwritten."""
    checkpoint = CheckpointFactory(tour=active_tour, scheduled_at=timezone.now() - timedelta(minutes=5),
                                   course_corrections="Fewer meetings.")
    outcome = reverse("tours:checkpoint_outcome", args=[org.slug, checkpoint.pk])
    form = client_for(manager).get(outcome).context["form"]
    assert form["corrections_based_on"].value() == text_version("Fewer meetings.")
    with tenant_context(org.pk):
        services.checkpoint_update_notes(checkpoint=checkpoint, by=hr, course_corrections="Fewer meetings. Pairing.",
                                         corrections_based_on=text_version("Fewer meetings."))
    answer = client_for(manager).post(outcome, {
        "progress": "on_track", "manager_notes": "", "course_corrections": "Fewer meetings, more focus.",
        "notes_based_on": form["notes_based_on"].value(), "corrections_based_on": form["corrections_based_on"].value(),
    }, follow=True)
    with tenant_context(org.pk):
        stored = Checkpoint.objects.get(pk=checkpoint.pk).course_corrections
    assert stored.startswith("Fewer meetings. Pairing.") and stored.endswith("Fewer meetings, more focus.")
    assert "both texts are kept" in answer.content.decode()
