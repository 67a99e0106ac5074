"""alliance.uploads: files recognized by their bytes, re-encoded images, private storage, guarded serving."""

from __future__ import annotations

import io

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
    checked = uploads.check_upload(SimpleUploadedFile("a.png", image_bytes("PNG")))
    name = uploads.store(checked, folder="tests")
    assert name.startswith("tests/") and name.endswith(".png") and "a.png" not in name
    response = uploads.file_response(name, filename="a.png", content_type="image/png")
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
