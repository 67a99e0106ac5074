"""Referrals (optionally for an opening and with a CV) and customer leads, their lifecycle and bonuses."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.db import transaction
from django.utils import timezone

from alliance import uploads
from alliance.errors import ApplicationError, field_error
from alliance.models import Membership
from alliance.money import clean_currency_field
from alliance.reminders import notify
from alliance.services import (
    full_clean_or_raise,
)
from alliance.webhooks.events import webhook_event_emit
from alumni import handoffs, rights
from alumni.models import BonusFor, BonusState, CustomerLead, Opening, Referral
from alumni.services._common import _settings, _with_stored
from alumni.services.openings import _open_opening

# Notification kinds of the network (registered in alumni/reminders.py, each with its builder).
REFERRAL_STATUS = "alumni_referral_status"
LEAD_STATUS = "alumni_lead_status"


def _bonus_applies(policy_for: str, *, alumnus: bool) -> bool:
    return policy_for == BonusFor.EVERYONE or policy_for == (BonusFor.ALUMNI if alumnus else BonusFor.EMPLOYEES)


def _clean_text(data: dict[str, Any], names: tuple[str, ...]) -> dict[str, Any]:
    return {name: (data.get(name) or "").strip() for name in names}


@transaction.atomic
def referral_create(*, by: Membership, candidate_name: str, candidate_email: str, role: str,
                    why: str) -> Referral:
    """An employee or an alumnus recommends someone for a job; HR is told on its board."""
    referral = _referral_write(by=by, candidate_name=candidate_name, candidate_email=candidate_email, role=role,
                               why=why)
    webhook_event_emit("referral.created", referral)
    return referral


def _referral_write(*, by: Membership, candidate_name: str, candidate_email: str, role: str, why: str) -> Referral:
    rights.require_referrer(by, _settings(by.organization_id))
    text = _clean_text({"candidate_name": candidate_name, "candidate_email": candidate_email, "role": role,
                        "why": why}, ("candidate_name", "candidate_email", "role", "why"))
    text["candidate_email"] = text["candidate_email"].lower()
    if text["candidate_email"] and text["candidate_email"] == by.user.email.lower():
        raise field_error("candidate_email", "Refer someone else: you cannot refer yourself.")
    if text["candidate_email"] and Referral.objects.for_org(by.organization_id).filter(
            candidate_email=text["candidate_email"],
            status__in=(Referral.Status.SUBMITTED, Referral.Status.IN_PROCESS)).exists():
        raise field_error("candidate_email", "This person is already referred and being considered.")
    referral = Referral(organization_id=by.organization_id, referrer=by, referrer_was_alumnus=rights.is_alumnus(by),
                        **text)
    full_clean_or_raise(referral, exclude=["organization", "referrer"])
    referral.save()
    handoffs.contribution(what="referral", by=by, headline=f"{referral.candidate_name}"
                          + (f" for {referral.role}" if referral.role else ""), body=referral.why[:1000])
    return referral


def _move_along(obj: Referral | CustomerLead, *, by: Membership, status: str, note: str, success: str,
                bonus_for: str, bonus_amount: Decimal, alumnus: bool) -> None:
    """Move a referral or lead along its lifecycle (``NEXT``) under a row lock. Reaching ``success``
    (hired, won) starts the bonus the policy gives — amount and currency as they stand that day."""
    model = type(obj)
    locked = model.objects.for_org(obj.organization_id).select_for_update().get(pk=obj.pk)
    if status not in model.Status.values:
        raise field_error("status", "Choose one of the statuses.")
    following = model.NEXT[model.Status(locked.status)]
    if status not in following:
        name, current = model._meta.verbose_name, locked.get_status_display().lower()
        allowed = ", ".join(model.Status(next_status).label.lower() for next_status in following)
        raise field_error("status", f"A {name} that is {current} can move to: {allowed}." if allowed
                           else f"This {name} is {current}: it is closed.")
    obj.status, obj.status_note, obj.status_changed_by = status, (note or "").strip(), by
    fields = ["status", "status_note", "status_changed_by", "updated_at"]
    if status == success and _bonus_applies(bonus_for, alumnus=alumnus):
        obj.bonus_amount, obj.bonus_currency = bonus_amount, _settings(by.organization_id).bonus_currency
        obj.bonus_state = BonusState.PENDING
        fields += ["bonus_amount", "bonus_currency", "bonus_state"]
    obj.save(update_fields=fields)


@transaction.atomic
def referral_set_status(*, referral: Referral, by: Membership, status: str, note: str = "") -> Referral:
    """HR moves a referral along; a hire starts the bonus the policy gives; the referrer is told."""
    rights.require_network_runner(by)
    policy = _settings(by.organization_id)
    _move_along(referral, by=by, status=status, note=note, success=Referral.Status.HIRED,
                bonus_for=policy.referral_bonus_for, bonus_amount=policy.referral_bonus_amount,
                alumnus=referral.referrer_was_alumnus)
    notify(kind=REFERRAL_STATUS, subject_id=referral.pk, recipient=referral.referrer, window=status)
    if status == Referral.Status.HIRED:
        webhook_event_emit("referral.hired", referral)
    return referral


def _mark_paid(obj, *, by: Membership) -> None:
    rights.require_network_runner(by)
    claimed = type(obj).objects.for_org(obj.organization_id).filter(
        pk=obj.pk, bonus_state=BonusState.PENDING).update(
        bonus_state=BonusState.PAID, bonus_paid_at=timezone.now(), updated_at=timezone.now())
    if claimed != 1:
        raise ApplicationError("Only a pending bonus can be marked paid.")
    obj.refresh_from_db()


@transaction.atomic
def referral_bonus_paid(*, referral: Referral, by: Membership) -> Referral:
    _mark_paid(referral, by=by)
    handoffs.bonus_paid(referral.referrer, by=by, kind=REFERRAL_STATUS,
                        what=f"your referral of {referral.candidate_name}", obj=referral,
                        url_name="alumni:alumni_referrals")
    return referral


@transaction.atomic
def lead_create(*, by: Membership, company: str, contact_name: str, contact_email: str = "", need: str,
                estimated_value: Decimal | None = None, currency: str = "") -> CustomerLead:
    """An employee or an alumnus brings a possible customer."""
    rights.require_referrer(by, _settings(by.organization_id))
    text = _clean_text({"company": company, "contact_name": contact_name, "contact_email": contact_email,
                        "need": need}, ("company", "contact_name", "contact_email", "need"))
    currency = clean_currency_field(currency) if (currency or "").strip() else by.organization.currency
    lead = CustomerLead(organization_id=by.organization_id, submitter=by, submitter_was_alumnus=rights.is_alumnus(by),
                        estimated_value=estimated_value, currency=currency, **text)
    full_clean_or_raise(lead, exclude=["organization", "submitter"])
    lead.save()
    handoffs.contribution(what="customer lead", by=by, headline=f"{lead.company} ({lead.contact_name})",
                          body=lead.need[:1000])
    webhook_event_emit("lead.created", lead)
    return lead


@transaction.atomic
def lead_set_status(*, lead: CustomerLead, by: Membership, status: str, note: str = "") -> CustomerLead:
    """HR or the lead's owner moves it along; a won lead starts the thank-you bonus the policy gives."""
    rights.require_lead_updater(by, lead)
    policy = _settings(by.organization_id)
    _move_along(lead, by=by, status=status, note=note, success=CustomerLead.Status.WON,
                bonus_for=policy.lead_bonus_for, bonus_amount=policy.lead_bonus_amount,
                alumnus=lead.submitter_was_alumnus)
    if lead.submitter_id != by.pk:
        notify(kind=LEAD_STATUS, subject_id=lead.pk, recipient=lead.submitter, window=status)
    return lead


@transaction.atomic
def lead_assign(*, lead: CustomerLead, by: Membership, owner: Membership | None) -> CustomerLead:
    """HR names who follows the lead up: an active member of the organization."""
    rights.require_network_runner(by)
    if owner is not None and (owner.organization_id != by.organization_id or not owner.is_active):
        raise field_error("owner", "Choose an active member of this organization.")
    handed_over = owner is not None and owner.pk != lead.owner_id
    lead.owner = owner
    lead.save(update_fields=["owner", "updated_at"])
    if handed_over:
        handoffs.lead_assigned(lead, by=by)
    return lead


@transaction.atomic
def lead_bonus_paid(*, lead: CustomerLead, by: Membership) -> CustomerLead:
    _mark_paid(lead, by=by)
    handoffs.bonus_paid(lead.submitter, by=by, kind=LEAD_STATUS, what=f"the lead you brought ({lead.company})",
                        obj=lead, url_name="alumni:alumni_leads")
    return lead


CV_FOLDER = "cvs"


def _check_cv(cv) -> uploads.CheckedFile | None:
    return uploads.check_upload(cv, kinds=uploads.CV_TYPES, field="cv") if cv else None


def _attach_cv(referral: Referral, checked: uploads.CheckedFile, stored: list[str]) -> None:
    name = uploads.store(checked, folder=f"{CV_FOLDER}/{referral.organization_id}")
    stored.append(name)
    referral.cv, referral.cv_name = name, checked.original_name
    referral.cv_content_type, referral.cv_size = checked.content_type, checked.size
    referral.save(update_fields=["cv", "cv_name", "cv_content_type", "cv_size", "updated_at"])


@transaction.atomic
def referral_submit(*, by: Membership, candidate_name: str, candidate_email: str, why: str, role: str = "",
                    opening: Opening | None = None, cv=None) -> Referral:
    """Refer someone, optionally for an opening (it must be open; the job is its title) and with their
    CV (a PDF, DOCX or ODT, checked by its bytes). Every refusal — a closed opening, a file that is not
    a document, a rule of ``alumni.services.referral_create`` — saves nothing, no file either."""
    settings = _settings(by.organization_id)
    if opening is not None:
        if not rights.can_refer_from_opening(by, settings) or opening.organization_id != by.organization_id:
            raise field_error("opening", "No such opening.")
        opening = _open_opening(by, opening)
        role = opening.title
    checked = _check_cv(cv)

    def write(stored: list[str]) -> Referral:
        referral = _referral_write(by=by, candidate_name=candidate_name, candidate_email=candidate_email,
                                   role=role, why=why)
        if opening is not None:
            referral.opening = opening
            referral.save(update_fields=["opening", "updated_at"])
        if checked is not None:
            _attach_cv(referral, checked, stored)
        webhook_event_emit("referral.created", referral)
        return referral

    return _with_stored(write)
