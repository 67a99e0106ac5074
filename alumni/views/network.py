"""The alumnus's home, and HR's page of the network's settings and figures."""

from __future__ import annotations

from functools import wraps

from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods

from alliance.decorators import hr_required
from alliance.errors import ApplicationError
from alliance.forms import apply_application_error
from alliance.http import OrgRequest
from alumni import rights, selectors, services
from alumni.forms import AlumniContactForm, NetworkSettingsForm
from alumni.views._common import _alumnus_portal, network_gate


def _no_portal_page(view):
    """Where an alumnus lands after signing in: at ``ignore`` there is no portal, and they are told so on a
    page of its own (still a 404: the portal does not exist) with what remains theirs — their data."""

    @wraps(view)
    def wrapper(request: OrgRequest, *args, **kwargs):
        if rights.is_alumnus(request.member) and not rights.portal_open(request.member,
                                                                        selectors.network_settings(request.org)):
            return render(request, "alumni/no_portal.html", status=404)
        return view(request, *args, **kwargs)

    return wrapper


@_no_portal_page
@network_gate(_alumnus_portal)
@require_GET
def alumni_home(request: OrgRequest, org_slug: str) -> HttpResponse:
    """Where an alumnus lands: the organization's welcome, their profile and consents, what the
    portal offers at the organization's level, and (``invest``) the distinguished alumni."""
    process = selectors.last_exit_of(request.member)
    step = selectors.leaver_step_of(process) if process is not None else None
    return render(request, "alumni/home.html", {
        "process": process, "step": step, "network": request.network,
        "spotlight": selectors.spotlight(viewer=request.member, settings=request.network),
        "come_back": selectors.open_request_of(request.member),
    })


@require_http_methods(["GET", "POST"])
def alumni_contact(request: OrgRequest, org_slug: str) -> HttpResponse:
    """The alumnus edits their contact details and gives or withdraws any consent, at every level."""
    if not rights.is_alumnus(request.member):
        raise Http404("No such page.")
    process = selectors.last_exit_of(request.member)
    step = selectors.leaver_step_of(process) if process is not None else None
    if step is None:
        raise Http404("No such page.")
    initial = {name: getattr(step, name) for name in services.CONTACT_FIELDS}
    form = AlumniContactForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        address_before = step.personal_email
        try:
            saved = services.alumni_contact_update(by=request.member, data=form.cleaned_data)
        except ApplicationError as error:
            apply_application_error(form, error)
        else:
            note = (f" We sent a link to {saved.personal_email}: open it to confirm the address."
                    if saved.personal_email != address_before else "")
            messages.success(request, "Your details and consents are saved." + note)
            return redirect("alumni:alumni_contact", org_slug=org_slug)
    return render(request, "alumni/contact.html", {"form": form, "step": step},
                  status=400 if form.errors else 200)


@require_http_methods(["GET", "POST"])
@hr_required
def network_settings_page(request: OrgRequest, org_slug: str) -> HttpResponse:
    settings = selectors.network_settings(request.org)
    form = NetworkSettingsForm(request.POST or None, initial=NetworkSettingsForm.initial_for(settings))
    if request.method == "POST" and form.is_valid():
        try:
            services.network_settings_save(by=request.member, data=form.cleaned_data)
        except ApplicationError as error:
            apply_application_error(form, error)
        else:
            messages.success(request, "The alumni network's settings are saved; alumni see the change now.")
            return redirect("alumni:network", org_slug=org_slug)
    return render(request, "alumni/network.html", {
        "form": form, "settings": settings, "can_edit": rights.can_manage_network(request.member),
        "figures": selectors.network_figures(request.member),
    }, status=400 if form.errors else 200)
