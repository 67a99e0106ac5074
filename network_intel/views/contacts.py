"""Who knows someone at a company, one's own contacts, and introductions."""

from __future__ import annotations

import copy

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.forms.models import model_to_dict
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from alliance import versions
from alliance.errors import ApplicationError
from alliance.forms import apply_application_error
from network_intel import rights, selectors, services
from network_intel.forms import AnswerForm, ContactForm, IntroductionForm
from network_intel.models.contacts import Contact
from network_intel.text import company_key
from network_intel.views._common import org_url


@require_GET
def who_knows_page(request: HttpRequest, org_slug: str) -> HttpResponse:
    """"Who here knows someone at X?" — by id or by name (typos forgiven); the strongest connections
    first, a page at a time ("show more" brings the next page's rows, ``offset``)."""
    text = request.GET.get("company", "")[:200]
    company = selectors.company_from_param(request.member, text)
    offset = _offset(request.GET.get("offset"))
    page = selectors.who_knows_page(member=request.member, company=company, offset=offset) if company else None
    context = {"text": text, "company": company, "who_knows": page,
               "acquaintances": page.acquaintances if page else [],
               "suggestions": selectors.company_matches(organization_id=request.org.pk, text=text) if text else []}
    if request.htmx and offset and company:  # "show more": the next rows, with their own "show more"
        return render(request, "network_intel/_acquaintance_rows.html", context)
    template = "network_intel/who_knows.html#answer" if request.htmx else "network_intel/who_knows.html"
    return render(request, template, context)


def _offset(value: str | None) -> int:
    """A page's start from the address: a whole number, anything else is the first page."""
    return int(value) if value and value.isascii() and value.isdigit() and len(value) < 9 else 0


# --- Contacts and introductions ---------------------------------------------------------------


def _colleagues(request: HttpRequest):
    return selectors.introducer_candidates(request.member)


def _company_of(request: HttpRequest, form: ContactForm):
    """The company typed in the form; one close to an existing company is asked about first."""
    name = form.cleaned_data["company_name"]
    allow_similar = form.cleaned_data.get("new_company", False)
    # Close by a word ("Cyberdine" for "Cyberdyne Systems") is enough to ask here: a contact's company is
    # typed, not searched, and a second entry would split who-knows.
    close = selectors.company_matches(organization_id=request.org.pk, text=name, limit=3)
    if close and not allow_similar and not any(c.name_key == company_key(name) for c in close):
        form.ask_new_company()
        names = ", ".join(f"“{c.name}”" for c in close)
        message = f"Did you mean {names}? Pick it, or tick the box below if it is another company."
        raise ApplicationError(message, field_errors={"company_name": [message]})
    try:
        return services.company_resolve(by=request.member, name=name, allow_similar=allow_similar)
    except ApplicationError as error:
        if selectors.company_matches(organization_id=request.org.pk, text=name, by_word=False):
            form.ask_new_company()
        raise ApplicationError(error.message, field_errors={"company_name": [error.message]}) from error


def _save_contact(request: HttpRequest, form: ContactForm, contact=None):
    data = {k: v for k, v in form.cleaned_data.items() if k not in ("company_name", "new_company")}
    company = _company_of(request, form)
    if contact is None:
        return services.contact_create(by=request.member, company=company, **data)
    return services.contact_update(by=request.member, contact=contact, data={**data, "company": company})


@require_http_methods(["GET", "POST"])
def contacts(request: HttpRequest, org_slug: str) -> HttpResponse:
    member = request.member
    form = ContactForm(request.POST or None, colleagues=_colleagues(request))
    if request.method == "POST" and form.is_valid():
        try:
            contact = _save_contact(request, form)
        except ApplicationError as error:
            apply_application_error(form, error)
        else:
            messages.success(request, f"{contact.name} is in your contacts.")
            return redirect(org_url(request, "contacts"))
    rows = list(selectors.contacts_of(member).order_by("name", "id"))
    return render(request, "network_intel/contacts.html", {"form": form, "contacts": rows},
                  status=400 if request.method == "POST" else 200)


@require_http_methods(["GET", "POST"])
def contact_edit(request: HttpRequest, org_slug: str, contact_id: int) -> HttpResponse:
    contact = rights.access_own_contact(request.member, contact_id)
    if request.method == "POST" and request.POST.get("delete"):
        services.contact_delete(by=request.member, contact=contact)
        messages.success(request, "The contact is deleted.")
        return redirect(org_url(request, "contacts"))
    # A ModelForm writes what it validates into its instance: give it a copy, so the service still sees
    # what changed (and saves it).
    form = ContactForm(request.POST or None, instance=copy.copy(contact), colleagues=_colleagues(request),
                       initial={"company_name": contact.company.name})
    versions.track(form, contact, read=_contact_values)
    if request.method == "POST" and form.is_valid():
        try:
            versions.save_tracked(form, lambda: _save_contact(request, form, contact))
        except ApplicationError as error:
            apply_application_error(form, error)
        else:
            messages.success(request, "Saved.")
            return redirect(org_url(request, "contacts"))
    return render(request, "network_intel/contact_edit.html", {"form": form, "contact": contact},
                  status=versions.status_of(form, posted=request.method == "POST"))


def _contact_values(contact: Contact) -> dict:
    """What the edit form shows of a contact (and what a stale save is compared on)."""
    return {**model_to_dict(contact, fields=ContactForm._meta.fields), "company_name": contact.company.name}


@require_http_methods(["GET", "POST"])
def introduction_new(request: HttpRequest, org_slug: str, contact_id: int) -> HttpResponse:
    contact = rights.access_contact_to_meet(request.member, contact_id)
    form = IntroductionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.introduction_request(by=request.member, contact=contact, message=form.cleaned_data["message"])
        except ApplicationError as error:
            apply_application_error(form, error)
        else:
            messages.success(request, f"{contact.owner.user.full_name} is asked; you will hear back.")
            return redirect(org_url(request, "introductions"))
    return render(request, "network_intel/introduction_new.html", {"form": form, "contact": contact},
                  status=400 if request.method == "POST" else 200)


@require_GET
def introductions(request: HttpRequest, org_slug: str) -> HttpResponse:
    rows = list(selectors.introductions_for(request.member)[:200])
    return render(request, "network_intel/introductions.html", {
        "asked_of_me": [r for r in rows if r.introducer_id == request.member.pk],
        "mine": [r for r in rows if r.requester_id == request.member.pk], "answer_form": AnswerForm()})


@require_POST
def introduction_answer(request: HttpRequest, org_slug: str, introduction_id: int, answer: str) -> HttpResponse:
    introduction = rights.access_introduction(request.member, introduction_id)
    if answer not in ("accept", "decline"):
        raise Http404("No such answer.")
    form = AnswerForm(request.POST)
    note = form.cleaned_data["note"] if form.is_valid() else ""
    try:
        services.introduction_respond(by=request.member, introduction=introduction, accept=answer == "accept",
                                      note=note)
    except ApplicationError as error:
        if error.status_code == 403:
            raise PermissionDenied(error.message) from error
        messages.error(request, error.message)
    else:
        messages.success(request, "Your answer is sent.")
    return redirect(org_url(request, "introductions"))
