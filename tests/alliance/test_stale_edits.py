"""Stale browser saves are refused (alliance/versions.py): every edit form carries the version it was rendered
from; a save over a version someone else has changed since answers 409 with both texts and changes nothing,
and saving again (the page now carries the new version) keeps the writer's text."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

import pytest
from django import forms
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from alliance import tenancy, versions
from alliance.models import Membership, Organization
from alumni import services as alumni_services
from alumni.models import AlumniEvent, Benefit, ExitProcess, NewsPost, Opening
from network_intel.models import Contact, IntelNote
from tests.alumni.conftest import start
from tests.alumni.engage import as_member, benefit, event, post
from tests.alumni.network import set_level
from tests.network_intel.factories import company, contact, note
from tests.tours.factories import TourFactory
from tours.models import Tour


@dataclass
class Case:
    who: Any           # the membership that edits (both "windows" are this person, or two of them)
    other: Any         # who saves in between
    page: str          # the edit page (GET)
    action: str        # where the form posts
    form_key: str      # the form's name in the page's context
    field: str         # the text field both change
    stored: Any        # () -> the field's saved value
    label: str = ""    # the field's label, shown in the conflict


def _value(model, pk, field, org):
    def read():
        with tenancy.tenant_context(org.pk):
            return getattr(model._base_manager.get(pk=pk), field)
    return read


def _tour(org, admin, hr, manager, employee):
    tour = TourFactory(employee=employee, manager=manager, status="draft", mission="Grow the platform team.")
    page = reverse("tours:edit", args=[org.slug, tour.pk])
    return Case(manager, hr, page, page, "form", "mission", _value(Tour, tour.pk, "mission", org))


def _note(org, admin, hr, manager, employee):
    written = note(employee, body="Globex hires ten engineers.")
    page = reverse("network_intel:note_edit", args=[org.slug, written.pk])
    return Case(employee, employee, page, page, "form", "body", _value(IntelNote, written.pk, "body", org))


def _contact(org, admin, hr, manager, employee):
    met = contact(employee, company(employee, "Globex"), personal_notes="Met at the fair.")
    page = reverse("network_intel:contact_edit", args=[org.slug, met.pk])
    return Case(employee, employee, page, page, "form", "personal_notes",
                _value(Contact, met.pk, "personal_notes", org))


def _exit(org, admin, hr, manager, employee):
    process = start(hr, employee)
    return Case(hr, admin, reverse("alumni:exit_detail", args=[org.slug, process.pk]),
                reverse("alumni:exit_classify", args=[org.slug, process.pk]), "classification_form", "hr_note",
                _value(ExitProcess, process.pk, "hr_note", org))


def _opening(org, admin, hr, manager, employee):
    set_level(admin, "invest")
    with tenancy.tenant_context(org.pk):
        opening = alumni_services.opening_create(by=as_member(org, hr), title="Platform engineer",
                                          description="Build the platform.")
    return Case(hr, admin, reverse("alumni:opening_edit", args=[org.slug, opening.pk]),
                reverse("alumni:opening_edit", args=[org.slug, opening.pk]), "form", "description",
                _value(Opening, opening.pk, "description", org))


def _news(org, admin, hr, manager, employee):
    set_level(admin, "support")
    written = post(org, hr, body="The fleet grows.")
    page = reverse("alumni:news_edit", args=[org.slug, written.pk])
    return Case(hr, admin, page, page, "form", "body", _value(NewsPost, written.pk, "body", org))


def _benefit(org, admin, hr, manager, employee):
    set_level(admin, "invest")
    perk = benefit(org, hr, "Gym")
    page = reverse("alumni:benefit_edit", args=[org.slug, perk.pk])
    return Case(hr, admin, page, page, "form", "description", _value(Benefit, perk.pk, "description", org))


def _event(org, admin, hr, manager, employee):
    set_level(admin, "invest")
    party = event(org, hr)
    page = reverse("alumni:event_edit", args=[org.slug, party.pk])
    return Case(hr, admin, page, page, "form", "description", _value(AlumniEvent, party.pk, "description", org))


def _member(org, admin, hr, manager, employee):
    page = reverse("member_edit", args=[org.slug, employee.pk])
    return Case(hr, admin, page, page, "form", "title", _value(Membership, employee.pk, "title", org))


def _settings(org, admin, hr, manager, employee):
    page = reverse("organization_settings", args=[org.slug])
    return Case(admin, admin, page, page, "form", "mission",
                lambda: Organization.objects.get(pk=org.pk).mission)


# Every edit view that refuses a stale save, by URL name, with how to set one up.
COVERED = {
    "tours:edit": _tour,
    "network_intel:note_edit": _note,
    "network_intel:contact_edit": _contact,
    "alumni:exit_classify": _exit,
    "alumni:opening_edit": _opening,
    "alumni:news_edit": _news,
    "alumni:benefit_edit": _benefit,
    "alumni:event_edit": _event,
    "member_edit": _member,
    "organization_settings": _settings,
}
# Pages whose URL name reads like an edit form but that do not edit one shared row, with the reason.
NOT_EDIT_FORMS = {
    "tours:calendar": "one's own calendar-feed link: rotate or revoke, nothing typed",
    "network_intel:fund_settings": "the fund policy: numbers HR sets; a later save is the policy",
    "alumni:newsletter_settings": "the newsletter schedule: one HR choice, no free text",
    "alumni:network": "the network level: one choice, every save records its own change",
    "tours:one_on_one_edit": "a 1:1 schedule: a cadence, a day and an hour; each save re-times the meetings to come "
                             "and raises the calendar's SEQUENCE, so the later save is the schedule",
}
EDIT_NAME = re.compile(r"(^|[:_])(edit|settings|classify|network)($|_)")


def _url_names(resolver: URLResolver | None = None, prefix: str = "") -> set[str]:
    names = set()
    for pattern in (resolver or get_resolver()).url_patterns:
        if isinstance(pattern, URLResolver):
            space = f"{prefix}{pattern.namespace}:" if pattern.namespace else prefix
            names |= _url_names(pattern, space)
        elif isinstance(pattern, URLPattern) and pattern.name:
            names.add(prefix + pattern.name)
    return names


def test_every_edit_view_is_covered_or_explained():
    """A new edit page is noticed: it must carry the version (and be set up here) or say why it need not."""
    edit_pages = {name for name in _url_names()
                  if EDIT_NAME.search(name.split(":")[-1]) and not name.startswith("admin:")}
    unexplained = edit_pages - set(COVERED) - set(NOT_EDIT_FORMS)
    assert not unexplained, f"Edit pages without a stale-save check (alliance/versions.py): {sorted(unexplained)}"
    assert set(COVERED) <= edit_pages | {"alumni:exit_classify"}


def posted(form, **changes) -> dict:
    """What the browser posts for ``form`` as it was rendered, with ``changes`` typed in."""
    data = {}
    for bound in form:
        value = bound.value()
        if isinstance(bound.field, forms.BooleanField):
            if value:
                data[bound.html_name] = "on"
            continue
        if not isinstance(value, str):
            value = bound.field.prepare_value(value)
            value = bound.field.widget.format_value(value) if not isinstance(value, list | tuple) else value
        if isinstance(value, list | tuple):
            value = [str(getattr(item, "pk", item)) for item in value]
        data[bound.html_name] = "" if value is None else value
    data.update(changes)
    return data


@pytest.fixture
def case(request, org, admin, hr, manager, employee):
    return COVERED[request.param](org, admin, hr, manager, employee)


@pytest.mark.parametrize("case", sorted(COVERED), indirect=True)
def test_a_stale_save_is_refused_with_both_texts_and_saving_again_keeps_yours(case, client_for):
    mine, theirs = client_for(case.who), client_for(case.other)
    shown = theirs.get(case.page).context[case.form_key]
    assert shown[versions.FIELD].value(), "the edit form carries its version"
    my_form = mine.get(case.page).context[case.form_key]

    saved = theirs.post(case.action, posted(shown, **{case.field: "Their words, saved first."}))
    assert saved.status_code == 302, "a save over the current version works"
    assert case.stored() == "Their words, saved first."

    stale = mine.post(case.action, posted(my_form, **{case.field: "My words, typed meanwhile."}))
    assert stale.status_code == 409
    page = stale.content.decode()
    assert "Changed by " in page and "nothing was saved" in page
    assert "Their words, saved first." in page and "My words, typed meanwhile." in page
    assert "Theirs (saved)" in page and "Yours (not saved)" in page
    assert case.stored() == "Their words, saved first."

    again = stale.context[case.form_key]
    assert again[versions.FIELD].value() != my_form[versions.FIELD].value(), "the page now carries the new version"
    kept = mine.post(case.action, posted(again))
    assert kept.status_code == 302
    assert case.stored() == "My words, typed meanwhile."


def test_a_tour_conflict_names_who_changed_it_and_when(org, hr, manager, employee, client_for):
    case = _tour(org, None, hr, manager, employee)
    mine, theirs = client_for(case.who), client_for(case.other)
    my_form = mine.get(case.page).context["form"]
    theirs.post(case.action, posted(theirs.get(case.page).context["form"], mission="Theirs"))
    page = mine.post(case.action, posted(my_form, mission="Mine")).content.decode()
    assert f"Changed by {hr.user.full_name} at " in page


def test_a_save_without_a_version_saves_as_before(org, hr, manager, employee, client_for):
    """A page from before this rule (or a script) posts no version: nothing to compare, the save goes through."""
    case = _tour(org, None, hr, manager, employee)
    client = client_for(case.who)
    data = posted(client.get(case.page).context["form"], mission="No version")
    del data[versions.FIELD]
    assert client.post(case.action, data).status_code == 302
    assert case.stored() == "No version"


def test_the_same_text_saved_twice_is_no_conflict(org, hr, manager, employee, client_for):
    case = _tour(org, None, hr, manager, employee)
    mine, theirs = client_for(case.who), client_for(case.other)
    my_form = mine.get(case.page).context["form"]
    theirs.post(case.action, posted(theirs.get(case.page).context["form"], mission="Agreed words"))
    assert mine.post(case.action, posted(my_form, mission="Agreed words")).status_code == 302
