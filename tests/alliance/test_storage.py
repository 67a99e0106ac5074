"""Uploads are complete or absent: a full disk or unwritable storage leaves no file and answers the API's JSON.

A full disk is made real with ``RLIMIT_FSIZE`` (the kernel refuses the write past the limit, EFBIG,
as it refuses one past a full disk with ENOSPC); unwritable storage with a file standing where the
folder must go.
"""

from __future__ import annotations

import contextlib
import io
import os
import resource
import signal
import stat
from datetime import timedelta
from pathlib import Path

import pytest
from django.core.files.base import ContentFile
from django.utils import timezone
from PIL import Image

from alliance import tenancy, uploads
from alliance.storage import AtomicFileSystemStorage
from network_intel.models import Expense
from tests.network_intel.fund_factories import joined_long_ago, policy, upload


@contextlib.contextmanager
def files_limited_to(size: int):
    soft, hard = resource.getrlimit(resource.RLIMIT_FSIZE)
    previous = signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # an error from write(), not a killed process
    resource.setrlimit(resource.RLIMIT_FSIZE, (size, hard))
    try:
        yield
    finally:
        resource.setrlimit(resource.RLIMIT_FSIZE, (soft, hard))
        signal.signal(signal.SIGXFSZ, previous)


def noisy_png(side: int = 300) -> bytes:
    out = io.BytesIO()
    Image.frombytes("RGB", (side, side), os.urandom(side * side * 3)).save(out, format="PNG")
    return out.getvalue()


def stored_files(root: str) -> list[Path]:
    return [path for path in Path(root).rglob("*") if path.is_file()]


def test_a_stored_file_is_private_and_complete(tmp_path):
    storage = AtomicFileSystemStorage(location=tmp_path, file_permissions_mode=0o600, directory_permissions_mode=0o700)
    name = storage.save("receipts/1/a.pdf", ContentFile(b"%PDF-1.4 ..."))
    assert (tmp_path / name).read_bytes() == b"%PDF-1.4 ..."
    assert stat.S_IMODE((tmp_path / name).stat().st_mode) == 0o600
    assert stat.S_IMODE((tmp_path / "receipts").stat().st_mode) == 0o700
    assert storage.save("receipts/1/a.pdf", ContentFile(b"second")) != name  # never replaces a file
    assert [p.name for p in stored_files(tmp_path) if p.name.startswith(".partial-")] == []


def test_a_write_cut_short_leaves_nothing_behind(tmp_path):
    storage = AtomicFileSystemStorage(location=tmp_path, file_permissions_mode=0o600)
    with files_limited_to(64 * 1024), pytest.raises(OSError):
        storage.save("receipts/1/big.png", ContentFile(b"x" * (256 * 1024)))
    assert stored_files(tmp_path) == []


@pytest.fixture
def fund(org, hr, admin, manager, employee):
    joined_long_ago(admin, hr, manager, employee)
    return policy(hr)


def expense_with(receipt) -> dict:
    return {"spent_on": (timezone.localdate() - timedelta(days=1)).isoformat(), "kind": "meal", "merchant": "Nopa",
            "amount": "48.20", "currency": "USD", "purpose": "Lunch", "submit": "true", "receipts": [receipt]}


def test_a_full_disk_answers_507_json_and_keeps_neither_file_nor_expense(fund, api_for, employee, settings):
    root = settings.STORAGES["private"]["OPTIONS"]["location"]
    before = stored_files(root)
    with files_limited_to(64 * 1024):
        answer = api_for(employee).post("/api/v1/expenses/", expense_with(upload("big.png", noisy_png())))
    assert answer.status_code == 507 and answer["Content-Type"] == "application/json"
    assert answer.json()["detail"] == uploads.STORAGE_FULL
    assert stored_files(root) == before
    with tenancy.tenant_context(employee.organization_id):
        assert not Expense.objects.exists()


def test_unwritable_storage_answers_503_json_and_the_page_says_so(fund, api_for, employee, client, settings, tmp_path):
    (tmp_path / "receipts").write_text("not a folder")  # where the receipts' folder must go
    settings.STORAGES = {**settings.STORAGES, "private": {**settings.STORAGES["private"], "OPTIONS": {
        **settings.STORAGES["private"]["OPTIONS"], "location": str(tmp_path)}}}
    answer = api_for(employee).post("/api/v1/expenses/", expense_with(upload("small.png", noisy_png(20))))
    assert answer.status_code == 503 and answer.json()["detail"] == uploads.STORAGE_UNAVAILABLE
    with tenancy.tenant_context(employee.organization_id):
        assert not Expense.objects.exists()
    assert [p.name for p in tmp_path.rglob("*")] == ["receipts"]
