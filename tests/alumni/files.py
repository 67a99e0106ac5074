"""Real files for the upload tests: a PDF (pypdf), Word and OpenDocument texts (zip archives as the
office suites write them), an image (Pillow) and things that only pretend to be documents."""

from __future__ import annotations

import io
import zipfile

from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image
from pypdf import PdfWriter

from alliance import uploads


def pdf(name: str = "cv.pdf") -> SimpleUploadedFile:
    writer = PdfWriter()
    writer.add_blank_page(width=595, height=842)
    out = io.BytesIO()
    writer.write(out)
    return SimpleUploadedFile(name, out.getvalue(), content_type="application/pdf")


def docx(name: str = "cv.docx", *, document: bool = True) -> SimpleUploadedFile:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", '<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org'
                                                '/package/2006/content-types"/>')
        archive.writestr("_rels/.rels", '<?xml version="1.0"?><Relationships/>')
        if document:
            archive.writestr("word/document.xml", '<?xml version="1.0"?><w:document xmlns:w="http://schemas.'
                                                  'openxmlformats.org/wordprocessingml/2006/main"><w:body/></w:document>')
        else:
            archive.writestr("word/other.xml", "<x/>")
    return SimpleUploadedFile(name, out.getvalue(), content_type="application/octet-stream")


def odt(name: str = "cv.odt") -> SimpleUploadedFile:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr(zipfile.ZipInfo("mimetype"), uploads.ODT)
        archive.writestr("content.xml", '<?xml version="1.0"?><office:document-content xmlns:office="urn:oasis:names:'
                                        'tc:opendocument:xmlns:office:1.0"/>')
    return SimpleUploadedFile(name, out.getvalue(), content_type="application/vnd.oasis.opendocument.text")


def png(name: str = "me.png", size: tuple[int, int] = (1200, 900)) -> SimpleUploadedFile:
    out = io.BytesIO()
    Image.new("RGB", size, (200, 40, 40)).save(out, format="PNG")
    return SimpleUploadedFile(name, out.getvalue(), content_type="image/png")


def fake_pdf(name: str = "cv.pdf") -> SimpleUploadedFile:
    """A script named like a PDF, sent as a PDF: the bytes say otherwise."""
    return SimpleUploadedFile(name, b"#!/bin/sh\necho not a cv\n", content_type="application/pdf")


def stored_names(folder: str) -> list[str]:
    storage = uploads.private_storage()
    names: list[str] = []

    def walk(path: str) -> None:
        try:
            dirs, files = storage.listdir(path)
        except FileNotFoundError:
            return
        names.extend(f"{path}/{name}" for name in files)
        for directory in dirs:
            walk(f"{path}/{directory}")

    walk(folder)
    return names
