"""Demo networking fund for seed_demo: a policy per demo organization, a rate table, and expenses
in every state across two currencies, with real receipts (PNG images and PDFs drawn with
Pillow at seed time, checked and stored like any upload) — some approved ones still wait
for their report-back. Idempotent: an organization with a policy is left as it is.
"""

from __future__ import annotations

import io
import random
from datetime import timedelta
from decimal import Decimal

from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.utils import timezone
from PIL import Image, ImageDraw

from alliance import tenancy, uploads
from alliance.models import Membership, Organization
from network_intel.models import (
    ExchangeRate,
    Expense,
    ExpenseKind,
    ExpenseState,
    FundPolicy,
    IntelNote,
    Receipt,
    Visibility,
)
from network_intel.services._common import convert
from network_intel.services.receipts import RECEIPT_FOLDER
from network_intel.services.search import notes_reindex
from network_intel.text import render_markdown

DEMO_ORGANIZATIONS = ("acme", "globex")
OTHER_CURRENCY = {"USD": ("EUR", Decimal("1.08")), "EUR": ("GBP", Decimal("1.17"))}
MERCHANTS = [("coffee", "Blue Bottle Coffee", "12.40"), ("meal", "Chez Panisse", "86.00"),
             ("coffee", "Café Central", "9.80"), ("meal", "Nopa", "64.50"), ("event", "RoboBusiness meetup", "45.00"),
             ("meal", "Zuni Café", "72.30"), ("coffee", "Ritual Roasters", "7.60"), ("other", "Co-working day pass",
                                                                                     "30.00")]
STATES = [ExpenseState.DRAFT, ExpenseState.SUBMITTED, ExpenseState.SUBMITTED, ExpenseState.APPROVED,
          ExpenseState.APPROVED, ExpenseState.REIMBURSED, ExpenseState.REFUSED, ExpenseState.WITHDRAWN]


def receipt_image(merchant: str, amount: str, currency: str, day) -> Image.Image:
    image = Image.new("RGB", (360, 480), "white")
    draw = ImageDraw.Draw(image)
    lines = [merchant, "", f"Date  {day:%Y-%m-%d}", "", "Lunch for two" if "Caf" not in merchant else "2 coffees",
             "", f"TOTAL  {amount} {currency}", "", "Thank you!"]
    for row, line in enumerate(lines):
        draw.text((30, 40 + 36 * row), line, fill="black")
    draw.rectangle((10, 10, 349, 469), outline="black")
    return image


def receipt_files(merchant: str, amount: str, currency: str, day, *, as_pdf: bool) -> SimpleUploadedFile:
    out = io.BytesIO()
    receipt_image(merchant, amount, currency, day).save(out, format="PDF" if as_pdf else "PNG")
    name = f"receipt-{day:%Y%m%d}.{'pdf' if as_pdf else 'png'}"
    return SimpleUploadedFile(name, out.getvalue())


def seed_networking_fund(*, stdout=None) -> None:
    for slug in DEMO_ORGANIZATIONS:
        organization = Organization.objects.filter(slug=slug).first()
        if organization is None:
            continue
        with transaction.atomic(), tenancy.tenant_context(organization.pk):
            if FundPolicy.objects.for_org(organization).exists():
                if stdout is not None:
                    stdout.write(f"Demo fund: {organization.name} has a policy already, left as it is.")
                continue
            count = seed_organization(organization)
        if stdout is not None:
            stdout.write(f"Demo fund: a policy and {count} expenses for {organization.name}.")


def seed_organization(organization: Organization, *, seed: int = 11) -> int:
    rng = random.Random(seed + organization.pk)
    org = organization.pk
    FundPolicy.objects.create(organization_id=org, period=FundPolicy.Period.QUARTER, amount=Decimal("600.00"),
                              per_expense_max=Decimal("250.00"), receipt_required_above=Decimal("25.00"),
                              cap_mode=FundPolicy.CapMode.HARD)
    other, rate = OTHER_CURRENCY.get(organization.currency, ("EUR", Decimal("1.10")))
    today = timezone.localdate()
    ExchangeRate.objects.create(organization_id=org, currency=other, rate=rate, valid_on=today - timedelta(days=120))
    people = list(Membership.objects.for_org(org).filter(status=Membership.Status.ACTIVE, manager__isnull=False)
                  .select_related("user", "manager").order_by("id"))
    hr = Membership.objects.for_org(org).filter(role=Membership.Role.HR, status=Membership.Status.ACTIVE).first()
    count = 0
    stored: list[str] = []
    try:
        for person in people[:6]:
            for index, state in enumerate(STATES):
                kind, merchant, amount = MERCHANTS[(index + person.pk) % len(MERCHANTS)]
                currency = other if index % 3 == 2 else organization.currency
                factor = Decimal(1) if currency == organization.currency else rate
                day = today - timedelta(days=2 + index * 5 + rng.randint(0, 3))
                expense = Expense(
                    organization_id=org, member=person, spent_on=day, kind=ExpenseKind(kind), merchant=merchant,
                    amount=Decimal(amount), currency=currency, exchange_rate=factor, rate_on=day,
                    amount_org=convert(Decimal(amount), factor), org_currency=organization.currency,
                    purpose=f"Met a product lead over {kind} to hear how they run field trials.",
                    met_names="Dana Lee, Initech" if index % 2 else "", state=state,
                    submitted_at=None if state == ExpenseState.DRAFT else timezone.now() - timedelta(days=index),
                )
                decided = state in (ExpenseState.APPROVED, ExpenseState.REIMBURSED, ExpenseState.REFUSED)
                if decided:
                    expense.decided_by, expense.decided_at = person.manager, timezone.now() - timedelta(days=1)
                if state == ExpenseState.REFUSED:
                    expense.refusal_reason = "This was a team lunch, not a networking meal."
                if state == ExpenseState.REIMBURSED or (state == ExpenseState.APPROVED and index % 2):
                    body = f"Over {kind} at {merchant} I learned how they run field trials with two customers."
                    expense.note = IntelNote.objects.create(
                        organization_id=org, author=person, title=f"What I learned at {merchant}", body=body,
                        body_html=render_markdown(body), learned_on=day, visibility=Visibility.TEAM)
                if state == ExpenseState.REIMBURSED:
                    expense.reimbursed_by, expense.reimbursed_at = hr, timezone.now()
                expense.save()
                upload = receipt_files(merchant, amount, currency, day, as_pdf=index % 2 == 1)
                checked = uploads.check_upload(upload)
                name = uploads.store(checked, folder=f"{RECEIPT_FOLDER}/{org}")
                stored.append(name)
                Receipt.objects.create(organization_id=org, expense=expense, file=name,
                                       original_name=checked.original_name, content_type=checked.content_type,
                                       size=checked.size, sha256=checked.sha256, uploaded_by=person)
                count += 1
    except BaseException:
        uploads.delete_stored(stored)
        raise
    notes_reindex(organization_id=org, note_ids=list(
        Expense.objects.for_org(org).filter(note__isnull=False).values_list("note_id", flat=True)))
    return count
