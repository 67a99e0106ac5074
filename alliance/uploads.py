"""Uploaded files: checked by their bytes, stored privately, served only by a view that checked rights.

Any app uses it (receipts of the networking fund, CVs of alumni):

* ``check_upload(file, kinds=...)`` reads at most ``max_bytes`` (+1, to tell "too big"),
  recognizes the type from the content (``filetype``'s magic numbers; the name and the
  browser's ``Content-Type`` are ignored), then proves it: images are decoded by Pillow
  and **re-encoded** from their pixels, which drops EXIF (GPS position included) and
  anything hidden after the image data; HEIC photos become JPEG (through
  ``pillow-heif``); a PDF must parse (``pypdf``) and have a page; a Word (DOCX) or
  OpenDocument (ODT) text must be a readable archive with its main document part, read
  within bounds (no zip bomb is unpacked). Only kinds a caller names are accepted
  (receipts take ``DOCUMENT_TYPES``, CVs ``CV_TYPES``).
* ``store(checked, folder=...)`` saves it through the ``private`` storage of
  ``settings.STORAGES`` under a random name: the filesystem under ``.data/`` in
  development and tests, a named volume in docker-compose, S3-compatible storage
  through django-storages when ``PRIVATE_STORAGE_BUCKET`` is set. It has no public URL.
* ``file_response(name, ...)`` streams a stored file with ``Content-Disposition``
  (inline only for images and PDFs), ``X-Content-Type-Options: nosniff`` and a
  sandboxing Content-Security-Policy. The caller's view decides who may see it.
"""

from __future__ import annotations

import errno
import hashlib
import io
import logging
import threading
import uuid
import zipfile
from dataclasses import dataclass

import filetype
from django.core.files.base import ContentFile
from django.core.files.storage import storages
from django.http import FileResponse, Http404
from PIL import Image, ImageOps, UnidentifiedImageError

from alliance.errors import ApplicationError

logger = logging.getLogger(__name__)

MAX_UPLOAD_BYTES = 10 * 1024 * 1024
# Decoding a "small" file into a gigantic bitmap is refused, not attempted: by its pixels, and by the memory
# its decoding takes (a 5 KB palette PNG under the pixel bound still became ~900 MB of bitmaps).
MAX_IMAGE_PIXELS = 40_000_000
MAX_DECODE_BYTES = 256 * 1024 * 1024
# Bytes per pixel of Pillow's own storage of a decoded mode (three-band modes take four), and of the
# RGB/RGBA the re-encoding works in.
_MODE_BYTES = {"1": 1, "L": 1, "P": 1, "I;16": 2, "I;16L": 2, "I;16B": 2, "I;16N": 2}
_WORKING_BYTES = 4
# One image decodes at a time in a process: concurrent uploads wait rather than add up their bitmaps.
_DECODING = threading.BoundedSemaphore(1)

PDF = "application/pdf"
JPEG = "image/jpeg"
PNG = "image/png"
HEIC = "image/heic"
WEBP = "image/webp"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
ODT = "application/vnd.oasis.opendocument.text"
DOCUMENT_TYPES = frozenset({PDF, JPEG, PNG, HEIC, WEBP})
IMAGE_TYPES = frozenset({JPEG, PNG, HEIC, WEBP})
CV_TYPES = frozenset({PDF, DOCX, ODT})
INLINE_TYPES = frozenset({PDF, JPEG, PNG, WEBP})
EXTENSIONS = {PDF: ".pdf", JPEG: ".jpg", PNG: ".png", WEBP: ".webp", DOCX: ".docx", ODT: ".odt"}
NAMES = {PDF: "PDF", JPEG: "JPEG", PNG: "PNG", HEIC: "HEIC", WEBP: "WebP", DOCX: "Word (DOCX)",
         ODT: "OpenDocument text (ODT)"}
# An office document is a zip archive: bounds on what it may hold, checked before anything is unpacked.
MAX_ARCHIVE_ENTRIES = 2_000
MAX_ARCHIVE_UNPACKED = 200 * 1024 * 1024
# The main part each office kind must have, and a marker its XML must carry.
OFFICE_PARTS = {DOCX: ("word/document.xml", b"document"), ODT: ("content.xml", b"office:document-content")}
PILLOW_FORMATS = {JPEG: "JPEG", PNG: "PNG", WEBP: "WEBP"}
# Active content of a PDF: scripts, actions that run or send something, embedded files and media. A
# downloaded copy opens outside our sandbox, so a PDF carrying any of these is refused.
PDF_ACTIVE_KEYS = frozenset({"/JS", "/JavaScript", "/AA", "/RichMedia", "/XFA", "/EmbeddedFile",
                             "/EmbeddedFiles"})
PDF_ACTIVE_ACTIONS = frozenset({"/JavaScript", "/Launch", "/SubmitForm", "/ImportData", "/GoToE", "/Rendition",
                                "/RichMediaExecute", "/Sound", "/Movie"})
# The walk over a PDF's objects is bounded: past this many, the file is refused as too complex.
MAX_PDF_OBJECTS = 50_000
STORAGE_ALIAS = "private"


@dataclass(frozen=True)
class CheckedFile:
    """A file whose content was recognized and proven; ``content`` is what gets stored."""

    content: bytes
    content_type: str
    original_name: str
    sha256: str

    @property
    def size(self) -> int:
        return len(self.content)

    @property
    def extension(self) -> str:
        return EXTENSIONS[self.content_type]


def _refuse(message: str, field: str) -> ApplicationError:
    return ApplicationError(message, field_errors={field: [message]})


def _read_limited(uploaded, max_bytes: int, label: str, field: str) -> bytes:
    if getattr(uploaded, "size", None) is not None and uploaded.size > max_bytes:
        raise _refuse(f"“{label}” is larger than {max_bytes // (1024 * 1024)} MB.", field)
    if hasattr(uploaded, "seek"):
        uploaded.seek(0)
    content = uploaded.read(max_bytes + 1)
    if len(content) > max_bytes:
        raise _refuse(f"“{label}” is larger than {max_bytes // (1024 * 1024)} MB.", field)
    if not content:
        raise _refuse(f"“{label}” is empty.", field)
    return content


def _sniff(content: bytes) -> str | None:
    kind = filetype.guess(content[:8192])
    if kind is None:
        return None
    mime = kind.mime
    return HEIC if mime in ("image/heic", "image/heif") else mime


def _reencode_image(content: bytes, content_type: str, label: str, field: str) -> tuple[bytes, str]:
    if content_type == HEIC:
        from pillow_heif import register_heif_opener

        register_heif_opener()
    try:
        with Image.open(io.BytesIO(content)) as probe:
            if probe.width * probe.height > MAX_IMAGE_PIXELS:
                raise _refuse(f"“{label}” has too many pixels for an image.", field)
            if decode_bytes(probe.mode, probe.size) > MAX_DECODE_BYTES:
                raise _refuse(f"“{label}” is too large an image to process; upload a smaller one.", field)
            probe.verify()
        with _DECODING:
            return _reencode_checked(content, content_type)
    except ApplicationError:
        raise
    except (UnidentifiedImageError, OSError, ValueError, SyntaxError, Image.DecompressionBombError) as error:
        raise _refuse(f"“{label}” is not a readable {NAMES[content_type]} image.", field) from error


def decode_bytes(mode: str, size: tuple[int, int]) -> int:
    """The most memory re-encoding an image of ``mode`` and ``size`` holds at once: the decoded bitmap and
    its upright copy, then the working (RGB/RGBA) bitmap and the clean copy the pixels are pasted into."""
    width, height = size
    return width * height * (2 * _MODE_BYTES.get(mode, 4) + 2 * _WORKING_BYTES)


def _reencode_checked(content: bytes, content_type: str) -> tuple[bytes, str]:
    """Re-encode from the pixels alone, letting each bitmap go as soon as the next one exists."""
    target = JPEG if content_type == HEIC else content_type
    with Image.open(io.BytesIO(content)) as image:
        image.load()
        # Keep the photo upright once the orientation tag is gone.
        upright = ImageOps.exif_transpose(image)
    if upright.mode not in ("RGB", "RGBA", "L", "LA"):
        upright = upright.convert("RGBA" if upright.mode in ("P", "PA", "I;16") else "RGB")
    if target == JPEG and upright.mode not in ("RGB", "L"):
        upright = upright.convert("RGB")
    # Only the pixels are copied: EXIF, GPS, XMP and comments stay behind.
    clean = Image.new(upright.mode, upright.size)
    clean.paste(upright)
    del upright
    out = io.BytesIO()
    options = {"quality": 90} if target in (JPEG, WEBP) else {"optimize": True}
    clean.save(out, format=PILLOW_FORMATS[target], **options)
    return out.getvalue(), target


def _check_pdf(content: bytes, label: str, field: str) -> None:
    from pypdf import PdfReader
    from pypdf.errors import PyPdfError

    try:
        reader = PdfReader(io.BytesIO(content), strict=False)
        if reader.is_encrypted:
            raise _refuse(f"“{label}” is a password-protected PDF; upload it without the password.", field)
        if len(reader.pages) < 1:
            raise _refuse(f"“{label}” is a PDF without pages.", field)
        active = pdf_active_content(reader)
        if active:
            raise _refuse(f"“{label}” contains active content ({active.lstrip('/')}): print or export it "
                          "again as a plain PDF and upload that.", field)
    except ApplicationError:
        raise
    except (PyPdfError, ValueError, KeyError, TypeError, OSError) as error:
        raise _refuse(f"“{label}” is not a readable PDF.", field) from error


def pdf_active_content(reader) -> str | None:
    """The first kind of active content found in a PDF (a name such as ``/JavaScript``), or None.

    Walks every object reachable from the trailer — compressed object streams included, since pypdf
    resolves them, and names written with ``#xx`` escapes, since pypdf decodes them — without reading
    page content streams. Too many objects to walk is itself a reason to refuse."""
    from pypdf.generic import ArrayObject, DictionaryObject, IndirectObject

    pending: list = [reader.trailer]
    seen: set[tuple[int, int]] = set()
    walked = 0
    while pending:
        item = pending.pop()
        if isinstance(item, IndirectObject):
            key = (item.idnum, item.generation)
            if key in seen:
                continue
            seen.add(key)
            item = item.get_object()
        walked += 1
        if walked > MAX_PDF_OBJECTS:
            return "/TooManyObjects"
        if isinstance(item, DictionaryObject):
            for name in item:
                if name in PDF_ACTIVE_KEYS:
                    return name
            if item.get("/S") in PDF_ACTIVE_ACTIONS:
                return str(item["/S"])
            pending.extend(value for name, value in item.items() if name != "/Parent")
        elif isinstance(item, ArrayObject):
            pending.extend(item)
    return None


def _check_office(content: bytes, content_type: str, label: str, field: str) -> None:
    """A DOCX or ODT is a zip archive holding its main document part (and, for ODT, the ``mimetype``
    entry naming it). Sizes come from the archive's directory first, so a zip bomb is refused unread."""
    part, marker = OFFICE_PARTS[content_type]
    unreadable = _refuse(f"“{label}” is not a readable {NAMES[content_type]} document.", field)
    try:
        with zipfile.ZipFile(io.BytesIO(content)) as archive:
            entries = archive.infolist()
            if len(entries) > MAX_ARCHIVE_ENTRIES or sum(e.file_size for e in entries) > MAX_ARCHIVE_UNPACKED:
                raise _refuse(f"“{label}” unpacks to too much to be a document.", field)
            if content_type == ODT and archive.read("mimetype").strip() != ODT.encode():
                raise unreadable
            with archive.open(part) as stream:
                head = stream.read(4096)
    except ApplicationError:
        raise
    except (zipfile.BadZipFile, KeyError, OSError, ValueError, EOFError, NotImplementedError) as error:
        raise unreadable from error
    if not head.lstrip().startswith(b"<") or marker not in head:
        raise unreadable


def check_upload(uploaded, *, kinds: frozenset[str] = DOCUMENT_TYPES, max_bytes: int = MAX_UPLOAD_BYTES,
                 field: str = "file") -> CheckedFile:
    """Recognize and prove an uploaded file by its bytes, or raise ApplicationError (on ``field``)."""
    name = (getattr(uploaded, "name", "") or "file").replace("\\", "/").rsplit("/", 1)[-1][:200] or "file"
    content = _read_limited(uploaded, max_bytes, name, field)
    content_type = _sniff(content)
    allowed = ", ".join(NAMES[k] for k in sorted(kinds, key=list(NAMES).index))
    if content_type not in kinds:
        raise _refuse(f"“{name}” is not a {allowed} file (whatever its name says).", field)
    if content_type == PDF:
        _check_pdf(content, name, field)
    elif content_type in OFFICE_PARTS:
        _check_office(content, content_type, name, field)
    else:
        content, content_type = _reencode_image(content, content_type, name, field)
        if len(content) > max_bytes:
            raise _refuse(f"“{name}” is larger than {max_bytes // (1024 * 1024)} MB.", field)
    return CheckedFile(content=content, content_type=content_type, original_name=name,
                       sha256=hashlib.sha256(content).hexdigest())


def private_storage():
    return storages[STORAGE_ALIAS]


# Storage that is full answers 507 (Insufficient Storage); storage that cannot be written for another
# reason (read-only, gone, refused) 503. Either way nothing was kept and the request may be retried.
FULL_ERRNOS = frozenset({errno.ENOSPC, errno.EDQUOT, errno.EFBIG})
STORAGE_FULL = "The file could not be stored: the storage is full. Nothing was saved; try again later."
STORAGE_UNAVAILABLE = "The file could not be stored right now. Nothing was saved; try again later."


class StorageError(ApplicationError):
    """Storing a file failed for a reason of the server's (not the file's): 503, or 507 when full."""

    status_code = 503


def store(checked: CheckedFile, *, folder: str) -> str:
    """Save a checked file under a random name in ``folder``; return its storage name.

    The file is complete or absent (``alliance.storage.AtomicFileSystemStorage``); a failure of the
    storage raises ``StorageError``, which the API answers as JSON and a page as a message."""
    try:
        return private_storage().save(f"{folder}/{uuid.uuid4().hex}{checked.extension}",
                                      ContentFile(checked.content))
    except OSError as error:
        logger.error("Storing a file in %s failed: %s", folder, error)
        full = error.errno in FULL_ERRNOS
        refusal = StorageError(STORAGE_FULL if full else STORAGE_UNAVAILABLE)
        refusal.status_code = 507 if full else 503
        raise refusal from error


def delete_stored(names: list[str]) -> None:
    """Remove stored files (a failed write leaves none behind); a missing one is no error."""
    storage = private_storage()
    for name in names:
        storage.delete(name)


def file_response(name: str, *, filename: str, content_type: str) -> FileResponse:
    """Stream a stored file; images and PDFs inline, anything else as an attachment."""
    inline = content_type in INLINE_TYPES
    try:
        stream = private_storage().open(name, "rb")
    except FileNotFoundError as error:
        raise Http404("The file is no longer in storage.") from error
    response = FileResponse(stream, as_attachment=not inline, filename=filename, content_type=content_type)
    response["X-Content-Type-Options"] = "nosniff"
    # A PDF or image opened on its own runs no script and reaches nothing of ours.
    response["Content-Security-Policy"] = "sandbox; default-src 'none'; img-src 'self'; style-src 'unsafe-inline'"
    response["Cache-Control"] = "private, no-store"
    return response
