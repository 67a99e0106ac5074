"""The app's URLs, and views that fail, for tests/alliance/test_errors.py."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.urls import path

from alliance.urls import handler400, handler403, handler404, handler500
from alliance.urls import urlpatterns as app_urlpatterns

__all__ = ["handler400", "handler403", "handler404", "handler500", "urlpatterns"]


def crash(request):
    raise RuntimeError("a bug")


def refuse(request):
    raise PermissionDenied("Not for you.")


urlpatterns = [
    path("crash/", crash),
    path("api/v1/crash/", crash),
    path("api/v1/refuse/", refuse),
    *app_urlpatterns,
]
