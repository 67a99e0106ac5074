"""alliance.uploads: files recognized by their bytes, re-encoded images, private storage, guarded serving."""

from __future__ import annotations

import io
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from alliance import uploads
from alliance.errors import ApplicationError


def image_bytes(fmt: str, **options) -> bytes:
    if fmt == "HEIF":
        from pillow_heif import register_heif_opener

        register_heif_opener()
    out = io.BytesIO()
    Image.new("RGB", (64, 48), (10, 200, 30)).save(out, format=fmt, **options)
    return out.getvalue()


def gps_jpeg() -> bytes:
    exif = Image.Exif()
    exif[0x8825] = {1: "N", 2: (48.0, 51.0, 24.0), 3: "E", 4: (2.0, 21.0, 3.0)}
    return image_bytes("JPEG", exif=exif)


@pytest.mark.parametrize(("name", "content", "content_type"), [
    ("photo.heic", image_bytes("HEIF"), "image/jpeg"),  # HEIC becomes a JPEG browsers can show
    ("scan.webp", image_bytes("WEBP"), "image/webp"),
    ("misnamed.pdf", image_bytes("PNG"), "image/png"),  # the bytes decide, not the name
    ("camera.jpg", gps_jpeg(), "image/jpeg"),
])
def test_images_are_recognized_and_reencoded(name, content, content_type):
    checked = uploads.check_upload(SimpleUploadedFile(name, content))
    assert checked.content_type == content_type and checked.original_name == name
    with Image.open(io.BytesIO(checked.content)) as image:
        assert image.size == (64, 48)
        assert 0x8825 not in image.getexif()


@pytest.mark.parametrize("content", [
    b"", b"GIF89a" + b"\x00" * 40, b"PK\x03\x04" + b"\x00" * 40, b"\x7fELF" + b"\x00" * 60,
])
def test_other_content_is_refused(content):
    with pytest.raises(ApplicationError) as caught:
        uploads.check_upload(SimpleUploadedFile("receipt.pdf", content), field="receipts")
    assert "receipts" in caught.value.field_errors


def test_a_decompression_bomb_is_refused():
    huge = image_bytes("PNG")
    big = io.BytesIO()
    Image.new("1", (9000, 9000)).save(big, format="PNG")  # small file, 81 million pixels
    with pytest.raises(ApplicationError, match="too many pixels"):
        uploads.check_upload(SimpleUploadedFile("bomb.png", big.getvalue()))
    assert uploads.check_upload(SimpleUploadedFile("ok.png", huge)).content_type == "image/png"


def test_the_size_limit_is_read_not_trusted():
    content = image_bytes("PNG") + b"\x00" * 2048
    upload = SimpleUploadedFile("a.png", content)
    upload.size = 10  # a client's claim
    with pytest.raises(ApplicationError, match="larger than"):
        uploads.check_upload(upload, max_bytes=1024)


def test_store_serve_and_delete():
    checked = uploads.check_upload(SimpleUploadedFile("holiday-photo.png", image_bytes("PNG")))
    name = uploads.store(checked, folder="tests")
    # The stored name is ours (a random hex stem), never the client's file name.
    assert re.fullmatch(r"tests/[0-9a-f]{32}\.png", name) and "holiday" not in name
    response = uploads.file_response(name, filename="holiday-photo.png", content_type="image/png")
    assert response["X-Content-Type-Options"] == "nosniff" and "sandbox" in response["Content-Security-Policy"]
    assert b"".join(response.streaming_content) == checked.content
    response.file_to_stream.close()
    other = uploads.file_response(name, filename="a.bin", content_type="application/octet-stream")
    assert other["Content-Disposition"].startswith("attachment")
    other.file_to_stream.close()
    uploads.delete_stored([name])
    assert not uploads.private_storage().exists(name)


def test_a_file_gone_from_storage_is_a_404():
    from django.http import Http404

    with pytest.raises(Http404):
        uploads.file_response("tests/never-stored.png", filename="x.png", content_type="image/png")


def _zip(entries: dict[str, bytes], *, first: str | None = None) -> bytes:
    import zipfile

    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        if first is not None:
            archive.writestr(zipfile.ZipInfo(first), entries.pop(first))
        for name, data in entries.items():
            archive.writestr(name, data)
    return out.getvalue()


DOCX_PARTS = {"[Content_Types].xml": b"<Types/>", "_rels/.rels": b"<Relationships/>",
              "word/document.xml": b'<?xml version="1.0"?><w:document xmlns:w="urn:x"><w:body/></w:document>'}


def test_word_and_opendocument_texts_are_proven_by_their_parts():
    docx = uploads.check_upload(SimpleUploadedFile("cv.docx", _zip(dict(DOCX_PARTS))), kinds=uploads.CV_TYPES)
    assert docx.content_type == uploads.DOCX and docx.extension == ".docx"
    odt = _zip({"mimetype": uploads.ODT.encode(), "content.xml": b"<office:document-content/>"}, first="mimetype")
    assert uploads.check_upload(SimpleUploadedFile("cv.odt", odt), kinds=uploads.CV_TYPES).content_type == uploads.ODT
    # Receipts do not take them: only the kinds a caller names.
    with pytest.raises(ApplicationError, match="is not a"):
        uploads.check_upload(SimpleUploadedFile("cv.docx", _zip(dict(DOCX_PARTS))))


@pytest.mark.parametrize("content", [
    _zip({"[Content_Types].xml": b"<Types/>", "word/other.xml": b"<x/>"}),  # no document part
    _zip({**DOCX_PARTS, "word/document.xml": b"#!/bin/sh\nnot xml"}),  # a part that is not the document
    _zip({"mimetype": b"application/vnd.oasis.opendocument.spreadsheet", "content.xml": b"<office:document-content/>"},
         first="mimetype"),  # another OpenDocument kind
])
def test_an_archive_that_is_not_a_text_document_is_refused(content):
    with pytest.raises(ApplicationError) as caught:
        uploads.check_upload(SimpleUploadedFile("cv.docx", content), kinds=uploads.CV_TYPES, field="cv")
    assert "cv" in caught.value.field_errors


def test_an_archive_that_unpacks_to_too_much_is_refused_unread():
    bomb = _zip({**DOCX_PARTS, "word/media/zeros.bin": b"\x00" * (uploads.MAX_ARCHIVE_UNPACKED + 1)})
    assert len(bomb) < uploads.MAX_UPLOAD_BYTES
    with pytest.raises(ApplicationError, match="unpacks to too much"):
        uploads.check_upload(SimpleUploadedFile("cv.docx", bomb), kinds=uploads.CV_TYPES)


def palette_png(width: int, height: int) -> bytes:
    out = io.BytesIO()
    Image.new("P", (width, height)).save(out, format="PNG")
    return out.getvalue()


def test_an_image_is_bounded_by_the_memory_its_decoding_takes_not_only_its_pixels():
    # Under the pixel bound, but a palette becomes RGBA bitmaps: ~360 MB to re-encode.
    small_file = palette_png(6000, 6000)
    assert len(small_file) < 200_000 and 6000 * 6000 < uploads.MAX_IMAGE_PIXELS
    assert uploads.decode_bytes("P", (6000, 6000)) > uploads.MAX_DECODE_BYTES
    with pytest.raises(ApplicationError, match="too large an image to process"):
        uploads.check_upload(SimpleUploadedFile("palette.png", small_file))
    # A phone's 12-megapixel photo is still taken.
    assert uploads.decode_bytes("RGB", (4032, 3024)) <= uploads.MAX_DECODE_BYTES


def test_re_encoding_the_largest_accepted_image_stays_within_the_memory_bound():
    """Measured in a fresh process: its peak resident memory grows by less than the bound while the
    largest palette image the check accepts is re-encoded."""
    import subprocess
    import sys

    side = int((uploads.MAX_DECODE_BYTES / uploads.decode_bytes("P", (1, 1))) ** 0.5) - 8
    script = f"""
import resource, io
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image
from alliance import uploads
out = io.BytesIO()
Image.new("P", ({side}, {side})).save(out, format="PNG")
upload = SimpleUploadedFile("p.png", out.getvalue())
before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
uploads.check_upload(upload)
print(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before)
"""
    grown_kb = int(subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                                  check=True).stdout.strip())
    assert grown_kb * 1024 < uploads.MAX_DECODE_BYTES, grown_kb


def _pdf(*, script: str | None = None, launch: bool = False, compressed: bool = False) -> bytes:
    from pypdf import PdfWriter
    from pypdf.generic import DictionaryObject, NameObject, TextStringObject

    writer = PdfWriter()
    writer.add_blank_page(width=200, height=200)
    if script:
        action = DictionaryObject({NameObject("/S"): NameObject("/JavaScript"),
                                   NameObject("/JS"): TextStringObject(script)})
        writer.root_object[NameObject("/OpenAction")] = writer._add_object(action)
    if launch:
        action = DictionaryObject({NameObject("/S"): NameObject("/Launch"),
                                   NameObject("/F"): TextStringObject("calc.exe")})
        writer.root_object[NameObject("/OpenAction")] = writer._add_object(action)
    if compressed:
        writer.compress_identical_objects()
        for page in writer.pages:
            page.compress_content_streams()
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


@pytest.mark.parametrize("content", [
    _pdf(script="app.alert('hello')"),
    _pdf(script="app.alert('hello')", compressed=True),
    _pdf(launch=True),
], ids=["javascript", "javascript-compressed-streams", "launch-action"])
def test_a_pdf_with_active_content_is_refused(content):
    with pytest.raises(ApplicationError, match="active content") as caught:
        uploads.check_upload(SimpleUploadedFile("cv.pdf", content), kinds=uploads.CV_TYPES, field="cv")
    assert "cv" in caught.value.field_errors


def test_a_pdf_names_escaped_with_hex_codes_are_still_read():
    content = _pdf(launch=True).replace(b"/Launch", b"/L#61unch")
    with pytest.raises(ApplicationError, match="active content"):
        uploads.check_upload(SimpleUploadedFile("cv.pdf", content), kinds=uploads.CV_TYPES)


def test_a_plain_pdf_is_taken():
    assert uploads.check_upload(SimpleUploadedFile("cv.pdf", _pdf()), kinds=uploads.CV_TYPES).content_type == (
        "application/pdf")
