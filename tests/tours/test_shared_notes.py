"""Shared checkpoint notes two people type into at once are merged, never overwritten (alliance/merging.py)."""

from __future__ import annotations

import re

from django.urls import reverse

from alliance.merging import merge_text, text_version
from alliance.tenancy import tenant_context
from tests.tours.factories import CheckpointFactory
from tours.models import Checkpoint


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
