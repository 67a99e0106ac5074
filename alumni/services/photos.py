"""The directory photo: checked by its bytes, re-encoded and made small."""

from __future__ import annotations

import hashlib
import io

from django.db import transaction
from PIL import Image, ImageOps

from alliance import uploads
from alliance.errors import NotAllowed, field_error
from alliance.models import Membership
from alumni import rights
from alumni.models import AlumniProfile
from alumni.services._common import _delete_after_commit, _settings, _with_stored

PHOTO_FOLDER = "alumni-photos"
PHOTO_SIZE = (512, 512)
MAX_PHOTO_BYTES = 10 * 1024 * 1024


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
    rights.require_portal(by, _settings(by.organization_id))
    if profile.member_id != by.pk or not rights.is_alumnus(by):
        raise NotAllowed("Only the alumnus changes their directory photo.")
    if not photo:
        raise field_error("photo", "Choose a photo.")
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
    rights.require_portal(by, _settings(by.organization_id))
    if profile.member_id != by.pk or not rights.is_alumnus(by):
        raise NotAllowed("Only the alumnus changes their directory photo.")
    previous = profile.photo
    if previous:
        profile.photo = ""
        profile.save(update_fields=["photo", "updated_at"])
        _delete_after_commit([previous])
    return profile
