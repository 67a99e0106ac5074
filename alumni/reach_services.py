"""Writes of job openings, CVs on referrals, directory photos and alumni intelligence.

Each service checks the caller's rights itself (``alumni.reach_rights``) and refuses with
``NotAllowed`` (403), ``ApplicationError`` (400, with field errors) or a 404 for what the
investment level does not offer — changing nothing, files included: a file is checked by
its bytes before anything is written, and one stored by a write that then fails is removed.
"""

from __future__ import annotations

import hashlib
import io
from collections.abc import Callable
from datetime import date
from typing import Any

from django.db import transaction
from django.http import Http404
from django.utils import timezone
from PIL import Image, ImageOps

from alliance import uploads
from alliance.errors import ApplicationError, NotAllowed
from alliance.models import Membership
from alliance.services import full_clean_or_raise, model_update
from alumni import reach_rights, rights, services
from alumni.models import (
    CONSENT_TEXT_VERSION,
    AlumniNoteReach,
    AlumniProfile,
    Boomerang,
    InvestmentLevel,
    LeaverStep,
    Opening,
    Referral,
)

CV_FOLDER = "cvs"
PHOTO_FOLDER = "alumni-photos"
PHOTO_SIZE = (512, 512)
MAX_PHOTO_BYTES = 10 * 1024 * 1024
FEEDBACK_TAG = "alumni feedback"
INVEST = InvestmentLevel.INVEST


def _field_error(field: str, message: str) -> ApplicationError:
    return ApplicationError(message, field_errors={field: [message]})


def _with_stored(write: Callable[[list[str]], Any]) -> Any:
    """Run ``write`` in a savepoint; the files it stored (their names appended to the list it gets)
    are removed if it fails, so a refused write leaves no file behind."""
    stored: list[str] = []
    try:
        with transaction.atomic():
            return write(stored)
    except BaseException:
        uploads.delete_stored(stored)
        raise


def _delete_after_commit(names: list[str]) -> None:
    names = [name for name in names if name]
    if names:
        transaction.on_commit(lambda: uploads.delete_stored(names))


# --- Job openings -----------------------------------------------------------------------------------

def _opening_text(data: dict[str, Any]) -> dict[str, str]:
    return {name: (data.get(name) or "").strip() for name in Opening.EDITABLE if name in data}


@transaction.atomic
def opening_create(*, by: Membership, title: str, description: str, team: str = "",
                   location: str = "") -> Opening:
    """HR posts a job opening; alumni and employees see it on the board at once."""
    reach_rights.require_opening_manager(by, services._settings(by.organization_id))
    opening = Opening(organization_id=by.organization_id, created_by=by, **_opening_text(
        {"title": title, "description": description, "team": team, "location": location}))
    full_clean_or_raise(opening, exclude=["organization", "created_by"])
    opening.save()
    return opening


@transaction.atomic
def opening_update(*, by: Membership, opening: Opening, data: dict[str, Any]) -> Opening:
    reach_rights.require_opening_manager(by, services._settings(by.organization_id))
    unknown = set(data) - set(Opening.EDITABLE)
    if unknown:
        raise ApplicationError(f"“{sorted(unknown)[0]}” cannot be changed here.")
    model_update(opening, data=_opening_text(data), fields=Opening.EDITABLE)
    return opening


@transaction.atomic
def opening_close(*, by: Membership, opening: Opening) -> Opening:
    """HR closes an opening: it leaves the board, and referrals for it are refused from now on."""
    reach_rights.require_opening_manager(by, services._settings(by.organization_id))
    now = timezone.now()
    claimed = Opening.objects.for_org(by.organization_id).filter(pk=opening.pk, state=Opening.State.OPEN).update(
        state=Opening.State.CLOSED, closed_at=now, updated_at=now)
    if claimed != 1:
        raise ApplicationError("This opening is closed already.")
    opening.refresh_from_db()
    return opening


def _open_opening(by: Membership, opening: Opening) -> Opening:
    """The opening, locked until the transaction ends, while it is open (a concurrent close waits)."""
    locked = Opening.objects.for_org(by.organization_id).select_for_update().filter(pk=opening.pk).first()
    if locked is None or not locked.is_open:
        raise _field_error("opening", f"“{opening.title}” is closed: it takes no more referrals or applications.")
    return locked


# --- Referrals, with an opening and a CV ------------------------------------------------------------

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
    settings = services._settings(by.organization_id)
    if opening is not None:
        if not reach_rights.can_refer_from_opening(by, settings) or opening.organization_id != by.organization_id:
            raise _field_error("opening", "No such opening.")
        opening = _open_opening(by, opening)
        role = opening.title
    checked = _check_cv(cv)

    def write(stored: list[str]) -> Referral:
        referral = services.referral_create(by=by, candidate_name=candidate_name, candidate_email=candidate_email,
                                            role=role, why=why)
        if opening is not None:
            referral.opening = opening
            referral.save(update_fields=["opening", "updated_at"])
        if checked is not None:
            _attach_cv(referral, checked, stored)
        return referral

    return _with_stored(write)


# --- Applying to come back from an opening ----------------------------------------------------------

@transaction.atomic
def opening_apply(*, by: Membership, opening: Opening, message: str) -> Boomerang:
    """An alumnus applies for an opening: a request to come back (the boomerang service), linked to it.
    Refused, with the reason, when their rehire eligibility recorded at their exit does not allow it."""
    settings = services._settings(by.organization_id)
    if not reach_rights.can_apply_from_opening(by, settings) or opening.organization_id != by.organization_id:
        raise _field_error("opening", "No such opening.")
    opening = _open_opening(by, opening)
    refusal = services.rehire_refusal(by)
    if refusal:
        raise ApplicationError("Your exit's record does not allow a rehire, so you cannot apply to come back. "
                               "HR can tell you more.")
    message = (message or "").strip()
    if not message:
        raise _field_error("message", "Say why you would like this job.")
    boomerang = services.boomerang_request(by=by, message=f"Applies for “{opening.title}”: {message}"[:5000])
    boomerang.opening = opening
    boomerang.save(update_fields=["opening", "updated_at"])
    return boomerang


# --- The directory photo ----------------------------------------------------------------------------

def _photo_jpeg(checked: uploads.CheckedFile) -> uploads.CheckedFile:
    """The checked (already re-encoded) image, fitted into ``PHOTO_SIZE`` as a JPEG."""
    with Image.open(io.BytesIO(checked.content)) as image:
        image = ImageOps.exif_transpose(image)
        image.thumbnail(PHOTO_SIZE)
        if image.mode not in ("RGB", "L"):
            flat = Image.new("RGB", image.size, "white")
            flat.paste(image, mask=image.getchannel("A") if "A" in image.getbands() else None)
            image = flat
        out = io.BytesIO()
        image.save(out, format="JPEG", quality=85, optimize=True)
    content = out.getvalue()
    return uploads.CheckedFile(content=content, content_type=uploads.JPEG, original_name=checked.original_name,
                               sha256=hashlib.sha256(content).hexdigest())


@transaction.atomic
def alumni_photo_set(*, by: Membership, profile: AlumniProfile, photo) -> AlumniProfile:
    """The alumnus puts a photo on their directory card: an image checked by its bytes, re-encoded
    (no EXIF, no GPS) and made small. The previous photo is removed once the change is committed."""
    rights.require_portal(by, services._settings(by.organization_id))
    if profile.member_id != by.pk or not rights.is_alumnus(by):
        raise NotAllowed("Only the alumnus changes their directory photo.")
    if not photo:
        raise _field_error("photo", "Choose a photo.")
    checked = _photo_jpeg(uploads.check_upload(photo, kinds=uploads.IMAGE_TYPES, max_bytes=MAX_PHOTO_BYTES,
                                               field="photo"))
    previous = profile.photo

    def write(stored: list[str]) -> AlumniProfile:
        name = uploads.store(checked, folder=f"{PHOTO_FOLDER}/{profile.organization_id}")
        stored.append(name)
        profile.photo = name
        profile.save(update_fields=["photo", "updated_at"])
        return profile

    result = _with_stored(write)
    _delete_after_commit([previous])
    return result


@transaction.atomic
def alumni_photo_remove(*, by: Membership, profile: AlumniProfile) -> AlumniProfile:
    rights.require_portal(by, services._settings(by.organization_id))
    if profile.member_id != by.pk or not rights.is_alumnus(by):
        raise NotAllowed("Only the alumnus changes their directory photo.")
    previous = profile.photo
    if previous:
        profile.photo = ""
        profile.save(update_fields=["photo", "updated_at"])
        _delete_after_commit([previous])
    return profile


# --- Alumni intelligence ------------------------------------------------------------------------------

def _intel():
    # Network intelligence's public services and selectors (apps talk through declared public modules).
    from network_intel import selectors as intel_selectors
    from network_intel import services as intel_services

    return intel_services, intel_selectors


def note_visibilities(settings) -> tuple[str, ...]:
    """The audiences an alumnus may choose, up to the widest the organization allows."""
    if settings.alumni_note_visibility == AlumniNoteReach.ORGANIZATION:
        return (AlumniNoteReach.LEADERSHIP, AlumniNoteReach.ORGANIZATION)
    return (AlumniNoteReach.LEADERSHIP,)


@transaction.atomic
def alumni_sharing_consent(*, by: Membership, feedback: bool, who_knows: bool | None = None) -> LeaverStep:
    """The alumnus gives or withdraws their consent to share feedback and intelligence, and (``invest``)
    to appear in "who here knows someone at X?". Both take effect at once; the consent is recorded
    with its text version and time on their leaver step, like their other consents."""
    settings = services._settings(by.organization_id)
    if not reach_rights.can_share_feedback(by, settings):
        raise Http404("No such page.")
    step = services._step_of(by)
    if step is None:
        raise ApplicationError("Your exit has no record of consents to change; ask HR.")
    if step.consent_feedback != feedback:
        step.consent_feedback = feedback
        step.consent_text_version, step.consented_at = CONSENT_TEXT_VERSION, timezone.now()
        step.save(update_fields=["consent_feedback", "consent_text_version", "consented_at", "updated_at"])
    if who_knows is not None:
        if who_knows and not reach_rights.can_share_intel(by, settings):
            raise Http404("No such page.")
        intel_services, _ = _intel()
        intel_services.alumnus_listing_set(member=by, listed=who_knows)  # withdrawing works at any level
    return step


@transaction.atomic
def alumni_note_share(*, by: Membership, kind: str, title: str, body: str, visibility: str,
                      company: str = "", learned_on: date | None = None):
    """An alumnus shares ``feedback`` (about the organization; ``support``) or an ``intel`` note (about
    the outside world, optionally a company; ``invest``) into network intelligence, marked as from an
    alumnus, for an audience they choose within what the organization allows. Needs their consent."""
    if kind not in ("feedback", "intel"):
        raise _field_error("kind", "Choose feedback or an intel note.")
    settings = services._settings(by.organization_id)
    reach_rights.require_alumni_sharing(by, settings, services._step_of(by), intel=kind == "intel")
    if visibility not in note_visibilities(settings):
        allowed = " or ".join(AlumniNoteReach(v).label.lower() for v in note_visibilities(settings))
        raise _field_error("visibility", f"Choose who sees it: {allowed}.")
    intel_services, _ = _intel()
    tags = [intel_services.tag_resolve(by=by, name=FEEDBACK_TAG)] if kind == "feedback" else []
    companies = [intel_services.company_resolve(by=by, name=company)] if kind == "intel" and company.strip() else []
    return intel_services.alumni_note_create(by=by, title=title, body=body, visibility=visibility,
                                             companies=companies, tags=tags, learned_on=learned_on)


def level_changed(settings) -> None:
    """The investment level decides whether consenting alumni appear in who-knows (``invest``): told to
    network intelligence when an administrator saves it. Nothing is deleted going down a level."""
    intel_services, _ = _intel()
    intel_services.alumni_who_knows_enable(organization_id=settings.organization_id,
                                           enabled=settings.reaches(INVEST))


# --- Data rights: what the export and the erasure add -------------------------------------------------

def export_files(member: Membership) -> list[tuple[str, str]]:
    """(name in the zip, storage name) of the person's own files: their directory photo. CVs they
    attached to referrals are the candidates' data, not theirs, and stay out."""
    profile = AlumniProfile.objects.for_org(member.organization_id).filter(member=member).first()
    return [("directory-photo.jpg", profile.photo)] if profile is not None and profile.photo else []


def erase_reach(member: Membership) -> dict[str, int]:
    """For ``alumni.services._erase``: remove the person's files (photo, the CVs of their referrals,
    kept or not), their who-knows listing; the files go once the erasure is committed."""
    organization_id = member.organization_id
    names = list(AlumniProfile.objects.for_org(organization_id).filter(member=member).exclude(photo="")
                 .values_list("photo", flat=True))
    referrals = Referral.objects.for_org(organization_id).filter(referrer=member).exclude(cv="")
    names += list(referrals.values_list("cv", flat=True))
    referrals.update(cv="", cv_name="", cv_content_type="", cv_size=None, updated_at=timezone.now())
    AlumniProfile.objects.for_org(organization_id).filter(member=member).update(photo="")
    intel_services, _ = _intel()
    intel_services.alumnus_listing_set(member=member, listed=False)
    _delete_after_commit(names)
    return {"files_removed": len(names)}
