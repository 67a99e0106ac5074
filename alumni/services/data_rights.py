"""Data rights: download my data, erase me, and the retention sweep."""

from __future__ import annotations

import io
import json
import logging
import zipfile
from datetime import datetime, timedelta
from typing import Any

from django.db import transaction
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone

from alliance import tenancy, uploads
from alliance.errors import ApplicationError
from alliance.models import Membership, Notification, NotificationPreference, Reminder, User
from alliance.outbox import outbound_emails_forget
from alliance.registry import data_exports
from alliance.services import person_sort_name_refresh
from alumni import rights
from alumni.models import (
    AlumniProfile,
    AlumniSettings,
    BonusState,
    Boomerang,
    CustomerLead,
    ErasureRecord,
    ExitInterview,
    ExitProcess,
    ExitQuestion,
    LeaverStep,
    Referral,
)
from alumni.services._common import _delete_after_commit
from alumni.services.directory import CARD_FIELDS
from alumni.services.events import event_answers_erase, my_event_answers
from alumni.services.leaver import STEP_FIELDS
from network_intel import services as intel_services
from tours import selectors as tour_selectors
from tours import services as tour_services

log = logging.getLogger(__name__)


ERASED_NAME = "Erased person"


def _iso(value) -> str | None:
    return value.isoformat() if value is not None else None


def my_data(*, member: Membership) -> dict[str, Any]:
    """Everything the organization holds about this person, as they may take it away. Other people's
    data is left out: HR's confidential notes, the names and addresses of candidates and customer
    contacts they gave, their managers' names."""
    user = member.user
    organization_id = member.organization_id
    exits = []
    for process in ExitProcess.objects.for_org(organization_id).filter(member=member).order_by("created_at"):
        step = LeaverStep.objects.for_org(organization_id).filter(process=process).first()
        interview = ExitInterview.objects.for_org(organization_id).filter(process=process).first()
        questions = dict(ExitQuestion.objects.for_org(organization_id).filter(
            question_set_id=interview.question_set_id).values_list("pk", "text")) if interview else {}
        exits.append({
            "kind": process.kind, "last_working_day": _iso(process.last_working_day), "state": process.state,
            "initiated_by": process.initiated_by, "completed_at": _iso(process.completed_at),
            "your_step": {name: getattr(step, name) for name in STEP_FIELDS} | {
                "consent_text_version": step.consent_text_version, "consented_at": _iso(step.consented_at)}
            if step else None,
            "your_interview_answers": {questions.get(int(key), key): answer
                                       for key, answer in (interview.answers if interview else {}).items()},
        })
    card = AlumniProfile.objects.for_org(organization_id).filter(member=member).first()
    return {
        "organization": member.organization.name,
        "exported_at": timezone.now().isoformat(),
        "you": {"email": user.email, "full_name": user.full_name, "time_zone": user.time_zone,
                "other_addresses": list(user.email_aliases.values_list("email", flat=True))},
        "membership": {"role": member.role, "status": member.status, "title": member.title, "team": member.team,
                       "employment_started_on": _iso(member.employment_started_on), "aspirations": member.aspirations,
                       "values": member.values},
        "tours": [{"title": tour.title, "kind": tour.kind, "status": tour.status, "start_date": _iso(tour.start_date),
                   "end_date": _iso(tour.end_date), "mission": tour.mission,
                   "company_objectives": tour.company_objectives, "employee_benefits": tour.employee_benefits,
                   "success_company": tour.success_company, "success_employee": tour.success_employee}
                  for tour in tour_selectors.career_ledger(member=member, subject=member)],
        "exits": exits,
        "directory_card": {name: getattr(card, name) for name in CARD_FIELDS} | {
            "joined_on": _iso(card.joined_on), "left_on": _iso(card.left_on), "teams": card.teams,
            "tour_titles": card.tour_titles,
            "photo": "files/directory-photo.jpg" if card.photo else None} if card else None,
        "referrals": [{"role": r.role, "opening": r.opening_id, "why": r.why, "status": r.status,
                       "bonus_amount": str(r.bonus_amount or ""),
                       "bonus_currency": r.bonus_currency, "bonus_state": r.bonus_state,
                       "created_at": _iso(r.created_at)}
                      for r in Referral.objects.for_org(organization_id).filter(referrer=member)],
        "customer_leads": [{"company": lead.company, "need": lead.need, "status": lead.status,
                            "estimated_value": str(lead.estimated_value or ""), "currency": lead.currency,
                            "bonus_state": lead.bonus_state, "created_at": _iso(lead.created_at)}
                           for lead in CustomerLead.objects.for_org(organization_id).filter(submitter=member)],
        "come_back_requests": [{"state": b.state, "message": b.message, "requested_at": _iso(b.requested_at)}
                               for b in Boomerang.objects.for_org(organization_id).filter(member=member)],
        "notifications": [{"title": n.title, "body": n.body, "created_at": _iso(n.created_at)}
                          for n in Notification.objects.for_org(organization_id).filter(recipient=member)],
        "event_answers": my_event_answers(member=member),
        # What the other apps hold about (or by) the person: checkpoints and their own private notes,
        # expenses and receipts, intel notes and contacts (alliance.registry.register_data_export).
        **{section.key: section.data(member) for section in data_exports()},
    }


def my_data_zip(*, member: Membership) -> bytes:
    """The export as a zip archive: ``my-data.json`` and the person's own files (``files/``)."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("my-data.json", json.dumps(my_data(member=member), indent=2, ensure_ascii=False,
                                                    default=str))
        for arcname, stored in export_files(member):
            try:
                with uploads.private_storage().open(stored, "rb") as stream:
                    archive.writestr(f"files/{arcname}", stream.read())
            except FileNotFoundError:
                log.warning("export of membership %s: %s is no longer in storage", member.pk, stored)
    return buffer.getvalue()


def _belongs_elsewhere(member: Membership) -> bool:
    with tenancy.cross_tenant(reason="erasure: is the person a member of another organization?"):
        return Membership.objects.filter(user_id=member.user_id).exclude(
            organization_id=member.organization_id).filter(
            status__in=(Membership.Status.ACTIVE, Membership.Status.ALUMNUS)).exists()


@transaction.atomic
def alumnus_erase(*, member: Membership, by: Membership) -> ErasureRecord:
    """An alumnus's right to be erased. Their account, profile, contact details, consents, card, open
    referrals and leads, requests, notifications and private notes go or are anonymized; what the
    organization must keep stays without their name (tour history, referral and lead bonuses paid), and
    the erasure is recorded. Their account is global: someone still in another organization on this
    site is refused (erasing them would erase them there too)."""
    rights.require_self_erasure(by, member)
    if _belongs_elsewhere(member):
        raise ApplicationError("You belong to another organization here too: erasing your account would erase it "
                               "there as well. Leave that organization first, or ask its HR.")
    return _erase(member, reason="asked")


def _erase(member: Membership, *, reason: str) -> ErasureRecord:
    user = User.objects.select_for_update().get(pk=member.user_id)
    organization_id, now = member.organization_id, timezone.now()
    names = [text for text in {user.full_name, user.email, *user.email_aliases.values_list("email", flat=True),
                               *LeaverStep.objects.for_org(organization_id).filter(process__member=member)
                               .exclude(personal_email="").values_list("personal_email", flat=True)} if text]
    removed = _erase_files_and_listing(member)  # their photo and CVs (gone once committed), their who-knows listing
    steps = LeaverStep.objects.for_org(organization_id).filter(process__member=member)
    steps.update(personal_email="", personal_email_verified_at=None, verification_token_hash="", phone="", city="",
                 linkedin_url="", note="", consent_directory=False, consent_news=False, consent_jobs=False,
                 consent_events=False, consent_feedback=False, consent_text_version="", consented_at=None,
                 access_token_hash="", access_expires_at=None, updated_at=now)
    ExitInterview.objects.for_org(organization_id).filter(process__member=member).update(answers={}, updated_at=now)
    ExitProcess.objects.for_org(organization_id).filter(member=member).update(
        hr_note="", rehire_reason="", alumni_despite_note="", updated_at=now)
    AlumniProfile.objects.for_org(organization_id).filter(member=member).delete()
    Boomerang.objects.for_org(organization_id).filter(member=member).delete()
    event_answers_erase(member=member)
    kept = {}
    for model, owner in ((Referral, "referrer"), (CustomerLead, "submitter")):
        rows = model.objects.for_org(organization_id).filter(**{owner: member})
        rows.exclude(bonus_state=BonusState.PAID).delete()
        kept[model._meta.model_name + "s_with_paid_bonus"] = rows.count()
    Referral.objects.for_org(organization_id).filter(referrer=member).update(why="", updated_at=now)
    CustomerLead.objects.for_org(organization_id).filter(submitter=member).update(need="", updated_at=now)
    # Notifications to them, and anyone's that names them (e.g. HR's "… would like to come back").
    notifications = Notification.objects.for_org(organization_id)
    mentions = Q(recipient=member)
    for text in names:
        mentions |= Q(title__icontains=text) | Q(body__icontains=text)
    notifications.filter(mentions).delete()
    outbound_emails_forget(organization_id=organization_id, mentions=names)  # the e-mails to or about them
    Reminder.objects.for_org(organization_id).filter(recipient=member).delete()
    NotificationPreference.objects.for_org(organization_id).filter(membership=member).delete()
    tour_services.private_notes_erase(member=member)
    kept["tours"] = len(tour_selectors.career_ledger(member=member, subject=member))
    member.status, member.title, member.aspirations, member.values = Membership.Status.FORMER, "", "", ""
    member.save(update_fields=["status", "title", "aspirations", "values", "updated_at"])
    user.email_aliases.all().delete()
    user.full_name, user.email, user.is_active = ERASED_NAME, f"erased-{user.pk}@erased.invalid", False
    user.set_unusable_password()
    user.save(update_fields=["full_name", "email", "is_active", "password"])
    person_sort_name_refresh(users=[user])
    return ErasureRecord.objects.create(organization_id=organization_id, member=member, erased_at=now,
                                        kept={"reason": reason, **kept, **removed})


def retention_due(*, now: datetime | None = None) -> list[tuple[int, int]]:
    """(organization id, membership id) of alumni past their organization's retention period: left more
    than that long ago, not signed in since, and no consent (never given, or withdrawn). Cross-tenant,
    one query per organization that set a period."""
    now = now or timezone.now()
    due: list[tuple[int, int]] = []
    with tenancy.cross_tenant(reason="retention sweep: alumni without consents past the retention period"):
        for organization_id, days in AlumniSettings.objects.filter(retention_days__isnull=False).values_list(
                "organization_id", "retention_days"):
            cutoff = now - timedelta(days=days)
            exits = ExitProcess.objects.filter(organization_id=organization_id, member_id=OuterRef("pk"),
                                               state=ExitProcess.State.COMPLETED)
            consenting = LeaverStep.objects.filter(organization_id=organization_id,
                                                   process__member_id=OuterRef("pk")).filter(
                Q(consent_directory=True) | Q(consent_news=True) | Q(consent_jobs=True) | Q(consent_events=True)
                | Q(consent_feedback=True))
            due += list(Membership.objects.filter(organization_id=organization_id, status=Membership.Status.ALUMNUS)
                        .filter(Exists(exits.filter(completed_at__lt=cutoff)))
                        .exclude(Exists(exits.filter(completed_at__gte=cutoff)))
                        .exclude(Exists(consenting))
                        .filter(Q(user__last_login__isnull=True) | Q(user__last_login__lt=cutoff))
                        .values_list("organization_id", "pk"))
    return due


def retention_sweep(*, now: datetime | None = None) -> int:
    """Beat: anonymize the alumni ``retention_due`` finds, each in its own transaction; returns how many.
    Someone who is still in another organization here is left alone (their account is shared)."""
    erased = 0
    for organization_id, member_id in retention_due(now=now):
        with tenancy.tenant_context(organization_id), transaction.atomic():
            member = (Membership.objects.for_org(organization_id).select_related("user", "organization")
                      .filter(pk=member_id, status=Membership.Status.ALUMNUS).first())
            if member is None or _belongs_elsewhere(member):
                continue
            _erase(member, reason="retention")
            erased += 1
    return erased


def export_files(member: Membership) -> list[tuple[str, str]]:
    """(name in the zip, storage name) of the person's own files: their directory photo, their receipts
    (the apps' registered exports). CVs they
    attached to referrals are the candidates' data, not theirs, and stay out."""
    profile = AlumniProfile.objects.for_org(member.organization_id).filter(member=member).first()
    files = [("directory-photo.jpg", profile.photo)] if profile is not None and profile.photo else []
    for section in data_exports():
        if section.files is not None:
            files += section.files(member)
    return files


def _erase_files_and_listing(member: Membership) -> dict[str, int]:
    """For ``_erase``: remove the person's files (photo, the CVs of their referrals,
    kept or not), their who-knows listing; the files go once the erasure is committed."""
    organization_id = member.organization_id
    names = list(AlumniProfile.objects.for_org(organization_id).filter(member=member).exclude(photo="")
                 .values_list("photo", flat=True))
    referrals = Referral.objects.for_org(organization_id).filter(referrer=member).exclude(cv="")
    names += list(referrals.values_list("cv", flat=True))
    referrals.update(cv="", cv_name="", cv_content_type="", cv_size=None, updated_at=timezone.now())
    AlumniProfile.objects.for_org(organization_id).filter(member=member).update(photo="")
    intel_services.alumnus_listing_set(member=member, listed=False)
    _delete_after_commit(names)
    return {"files_removed": len(names)}
