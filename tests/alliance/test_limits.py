"""Free text has a maximum length in the forms of the core, as in the API."""

from __future__ import annotations

import pytest

from alliance.forms import PROFILE_TEXT_MAX, OrganizationForm, ProfileForm

pytestmark = pytest.mark.django_db


def test_a_one_megabyte_organization_mission_is_refused(org):
    data = {"name": org.name, "mission": "x" * 1_000_000, "values": "", "time_zone": "UTC", "currency": "USD",
            "checkpoint_days_before": "7,1", "agenda_nudge_days_before": 2, "overdue_days_after": 2,
            "overdue_max_reminders": 3, "tour_ending_days_before": "90,30",
            "first_conversation_followup_working_days": 5}
    form = OrganizationForm(data, instance=org)
    assert not form.is_valid() and "mission" in form.errors
    assert form.fields["mission"].widget.attrs["maxlength"] == str(PROFILE_TEXT_MAX)


def test_profile_text_over_the_limit_is_refused():
    form = ProfileForm({"full_name": "A", "time_zone": "UTC", "aspirations": "x" * (PROFILE_TEXT_MAX + 1)})
    assert not form.is_valid() and "aspirations" in form.errors
