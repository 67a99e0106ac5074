"""The leaver's step: personal contact details and consents, the address verification and HR's
one-time link."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from alliance import tenancy
from alliance.errors import ApplicationError, NotAllowed, field_error
from alliance.models import Membership, Organization
from alliance.outbox import email_send
from alliance.services import (
    email_in_use,
    model_update,
    user_email_change_keeping_alias,
)
from alliance.tokens import token_make, token_parse
from alumni import rights
from alumni.models import CONSENT_TEXT_VERSION, AlumniProfile, ExitProcess, ExitTask, LeaverStep
from alumni.services._common import _require_open, _site

LEAVER_LINK_KIND = "alx"
VERIFY_LINK_KIND = "alv"
LEAVER_LINK_VALID_DAYS = 14


STEP_FIELDS = ("personal_email", "phone", "city", "linkedin_url", "note", *LeaverStep.CONSENT_FIELDS)


def _send_verification(step: LeaverStep, organization: Organization) -> None:
    token, digest = token_make(kind=VERIFY_LINK_KIND, organization_id=step.organization_id)
    step.verification_token_hash = digest
    step.save(update_fields=["verification_token_hash", "updated_at"])
    link = _site(reverse("alumni_verify_email", args=[token]))
    email = step.personal_email
    context = {"organization": organization, "link": link}
    email_send(kind="alumni_verify_email", to=email, subject=f"Confirm your personal address for {organization.name}",
               text=render_to_string("alumni/email/verify.txt", context))


def _save_step(step: LeaverStep, *, data: dict[str, Any], organization: Organization,
               verified_address: str = "") -> LeaverStep:
    """Save the step; an address is verified when it is the one a link was sent to (and opened)."""
    data = {name: data[name] for name in STEP_FIELDS if name in data}
    for name in ("personal_email", "phone", "city", "linkedin_url", "note"):
        if name in data:
            data[name] = (data[name] or "").strip()
    data["personal_email"] = data.get("personal_email", step.personal_email).lower()
    if not data["personal_email"]:
        raise field_error("personal_email", "Give a personal e-mail address: it is how we stay in touch.")
    process = step.process
    user = process.member.user
    # The work address: the sign-in while they work here; after the last day their sign-in is the
    # personal address, and the work address is kept as an alias of it.
    work = {user.email.lower()} if process.is_open else {
        alias.lower() for alias in user.email_aliases.values_list("email", flat=True)}
    if data["personal_email"] in work and not process.imported:  # imported: it is their sign-in
        raise field_error("personal_email", "Give a personal address, not your work address.")
    if email_in_use(data["personal_email"], except_user=process.member.user):
        raise field_error("personal_email", "This address belongs to another account.")
    address_changed = data["personal_email"] != step.personal_email
    consents_before = step.consents
    model_update(step, data=data, fields=STEP_FIELDS)
    now = timezone.now()
    step.submitted_at = now
    updates = ["submitted_at", "updated_at"]
    if step.consents != consents_before or not step.consented_at:
        step.consent_text_version, step.consented_at = CONSENT_TEXT_VERSION, now
        updates += ["consent_text_version", "consented_at"]
    verified = bool(verified_address) and step.personal_email == verified_address
    if address_changed or (verified and not step.personal_email_verified_at):
        step.personal_email_verified_at = now if verified else None
        updates.append("personal_email_verified_at")
    step.save(update_fields=updates)
    if address_changed and not verified:
        _send_verification(step, organization)
    return step


# The leaver's checklist task about this step ("Fill in your alumni step …") is done once they have
# filled it: matched by these words in a task the leaver owns.
STEP_TASK_WORDS = "alumni step"


def _complete_step_tasks(step: LeaverStep) -> int:
    """The leaver filled their step: their own open task to do so completes itself."""
    process = step.process
    now = timezone.now()
    return ExitTask.objects.for_org(step.organization_id).filter(
        process=process, assignee_id=process.member_id, done_at__isnull=True,
        title__icontains=STEP_TASK_WORDS).update(done_at=now, done_by_id=process.member_id, updated_at=now)


@transaction.atomic
def leaver_step_save(*, step: LeaverStep, by: Membership, data: dict[str, Any]) -> LeaverStep:
    """The leaver fills their step; a new personal address gets a verification link; their task to
    fill it is done."""
    process = step.process
    if not rights.can_fill_leaver_step(by, process):
        raise NotAllowed("Only the person leaving fills this step, while their exit is open.")
    saved = _save_step(step, data=data, organization=by.organization)
    _complete_step_tasks(saved)
    return saved


CONTACT_FIELDS = ("personal_email", "phone", "city", "linkedin_url", *LeaverStep.CONSENT_FIELDS)


@transaction.atomic
def alumni_contact_update(*, by: Membership, data: dict[str, Any]) -> LeaverStep:
    """An alumnus keeps their contact details right and withdraws (or gives) any consent, at every level
    of the network, as easily as they gave it. A new personal address is confirmed by a link sent to it
    (until then it is unconfirmed, and the sign-in address stays); the directory listing follows the
    directory consent at once."""
    if not rights.is_alumnus(by):
        raise NotAllowed("Only an alumnus changes their alumni contact details here.")
    step = (LeaverStep.objects.for_org(by.organization_id).select_for_update(of=("self",))
            .select_related("process__member__user")
            .filter(process__member=by, process__state=ExitProcess.State.COMPLETED)
            .order_by("-process__completed_at").first())
    if step is None:
        raise ApplicationError("Your exit has no record of contact details to change; ask HR.")
    unknown = set(data) - set(CONTACT_FIELDS)
    if unknown:
        raise ApplicationError(f"“{sorted(unknown)[0]}” cannot be changed here.")
    listed_before = step.consent_directory
    _save_step(step, data=data, organization=by.organization)
    if step.consent_directory != listed_before:
        AlumniProfile.objects.for_org(by.organization_id).filter(member=by).update(
            listed=step.consent_directory, updated_at=timezone.now())
    return step


def _step_by_token(token: str, *, kind: str, field: str) -> LeaverStep | None:
    parsed = token_parse(token, kind=kind)
    if parsed is None or not Organization.objects.filter(pk=parsed.organization_id).exists():
        return None
    tenancy.set_tenant(parsed.organization_id)
    return (LeaverStep.objects.for_org(parsed.organization_id)
            .select_related("process__member__user", "organization")
            .filter(**{field: parsed.digest}).first())


@transaction.atomic
def leaver_email_verify(*, token: str) -> LeaverStep:
    step = _step_by_token(token, kind=VERIFY_LINK_KIND, field="verification_token_hash")
    if step is None:
        raise ApplicationError("This confirmation link is not valid any more. Ask for a new one on your exit page.")
    step.personal_email_verified_at = timezone.now()
    step.verification_token_hash = ""
    step.save(update_fields=["personal_email_verified_at", "verification_token_hash", "updated_at"])
    member = step.process.member
    if member.status == Membership.Status.ALUMNUS and step.process.state == ExitProcess.State.COMPLETED:
        # An alumnus signs in with their personal address: a confirmed new one becomes it.
        try:
            with transaction.atomic():
                user_email_change_keeping_alias(user=member.user, new_email=step.personal_email)
        except ApplicationError:
            pass  # taken by another account meanwhile: the confirmed address stays their contact address
    return step


@transaction.atomic
def leaver_verification_resend(*, step: LeaverStep, by: Membership) -> LeaverStep:
    if not rights.can_fill_leaver_step(by, step.process):
        raise NotAllowed("Only the person leaving can ask for this.")
    if not step.personal_email:
        raise field_error("personal_email", "Give your personal address first.")
    if step.is_verified:
        raise ApplicationError("Your personal address is confirmed already.")
    _send_verification(step, by.organization)
    return step


@transaction.atomic
def leaver_link_send(*, process: ExitProcess, by: Membership, email: str) -> str:
    """HR sends the leaver a one-time link to their step, at their personal address."""
    rights.require_exit_runner(by)
    _require_open(process)
    email = (email or "").strip().lower()
    if not email or "@" not in email:
        raise field_error("email", "Give the leaver's personal e-mail address.")
    if email_in_use(email, except_user=process.member.user) or email == process.member.user.email.lower():
        raise field_error("email", "Give a personal address that no other account uses.")
    step = LeaverStep.objects.for_org(process.organization_id).select_for_update().get(process=process)
    return leaver_link_email(step=step, process=process, organization=by.organization, email=email)


def leaver_link_email(*, step: LeaverStep, process: ExitProcess, organization: Organization, email: str,
                      kind: str = "alumni_leaver_link", template: str = "alumni/email/leaver_link.txt") -> str:
    """Mail ``email`` a fresh one-time link to the leaver's step (the caller checked the rights)."""
    token, digest = token_make(kind=LEAVER_LINK_KIND, organization_id=process.organization_id)
    step.access_token_hash, step.access_used_at = digest, None
    step.access_expires_at = timezone.now() + timedelta(days=LEAVER_LINK_VALID_DAYS)
    fields = ["access_token_hash", "access_used_at", "access_expires_at", "updated_at"]
    if step.personal_email != email:  # the link goes to this address: opening it proves it
        step.personal_email, step.personal_email_verified_at = email, None
        fields += ["personal_email", "personal_email_verified_at"]
    step.save(update_fields=fields)
    link = _site(reverse("alumni_leaver_link", args=[token]))
    context = {"organization": organization, "link": link, "name": process.member.user.full_name,
               "days": LEAVER_LINK_VALID_DAYS}
    email_send(kind=kind, to=email, subject=f"Stay in touch with {organization.name}",
               text=render_to_string(template, context))
    return link


def leaver_link_lookup(token: str) -> LeaverStep | None:
    """The step a one-time link opens, while it is unused, unexpired and its exit open."""
    step = _step_by_token(token, kind=LEAVER_LINK_KIND, field="access_token_hash")
    if step is None or step.access_used_at or not step.access_expires_at or step.access_expires_at <= timezone.now():
        return None
    # An imported former employee's exit is over already: their link is their invitation to the network.
    return step if step.process.is_open or step.process.imported else None


@transaction.atomic
def leaver_link_submit(*, token: str, data: dict[str, Any]) -> LeaverStep:
    """Fill the step through the link; the link is used up, and the address it reached is verified."""
    step = leaver_link_lookup(token)
    if step is None:
        raise ApplicationError("This link has expired or was already used. Ask HR for a new one.")
    claimed = LeaverStep.objects.for_org(step.organization_id).filter(
        pk=step.pk, access_used_at__isnull=True, access_token_hash=step.access_token_hash,
    ).update(access_used_at=timezone.now())
    if claimed != 1:
        raise ApplicationError("This link was used a moment ago.")
    saved = _save_step(step, data=data, organization=step.organization, verified_address=step.personal_email)
    _complete_step_tasks(saved)
    if saved.process.imported:  # already an alumnus: the card is listed as they consent, from now on
        AlumniProfile.objects.for_org(saved.organization_id).filter(member_id=saved.process.member_id).update(
            listed=saved.consent_directory, city=saved.city, updated_at=timezone.now())
    return saved
