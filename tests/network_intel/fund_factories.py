"""Networking-fund test data: real receipt files (made with Pillow and pypdf) and expenses through the services."""

from __future__ import annotations

import io
from datetime import timedelta
from decimal import Decimal

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from PIL import Image

from alliance import tenancy
from network_intel import services


def png_bytes(size=(40, 30), *, gps: bool = False) -> bytes:
    image = Image.new("RGB", size, (200, 120, 40))
    out = io.BytesIO()
    if gps:
        exif = Image.Exif()
        exif[0x010F] = "PhoneMaker"  # Make
        exif[0x8825] = {1: "N", 2: (48.0, 51.0, 24.0), 3: "E", 4: (2.0, 21.0, 3.0)}  # GPSInfo
        image.save(out, format="JPEG", exif=exif)
    else:
        image.save(out, format="PNG")
    return out.getvalue()


def pdf_bytes() -> bytes:
    from pypdf import PdfWriter

    writer = PdfWriter()
    writer.add_blank_page(width=200, height=300)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def upload(name: str, content: bytes) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content)


def png(name: str = "receipt.png") -> SimpleUploadedFile:
    return upload(name, png_bytes())


def pdf(name: str = "receipt.pdf") -> SimpleUploadedFile:
    return upload(name, pdf_bytes())


def policy(hr, **data):
    data = {"amount": Decimal("100.00"), "period": "quarter", "cap_mode": "hard",
            "receipt_required_above": Decimal("25.00"), **data}
    with tenancy.tenant_context(hr.organization_id):
        return services.fund_policy_save(by=hr, data=data)


def joined_long_ago(*members) -> None:
    for member in members:
        with tenancy.tenant_context(member.organization_id):
            member.employment_started_on = timezone.localdate() - timedelta(days=400)
            member.save(update_fields=["employment_started_on"])


def expense(member, *, amount="20.00", currency=None, submit=False, receipts=None, days_ago=1, **extra):
    with tenancy.tenant_context(member.organization_id):
        return services.expense_create(
            by=member, spent_on=timezone.localdate() - timedelta(days=days_ago), kind=extra.pop("kind", "coffee"),
            merchant=extra.pop("merchant", "Blue Bottle"), amount=Decimal(amount),
            currency=currency or member.organization.currency, purpose=extra.pop("purpose", "Met a founder"),
            receipts=receipts, submit=submit, **extra)
