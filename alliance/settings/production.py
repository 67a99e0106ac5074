"""Production settings: everything from the environment, secure by default.

`DJANGO_SETTINGS_MODULE=alliance.settings.production manage.py check --deploy`
passes without warnings.
"""

from __future__ import annotations

from .base import *  # noqa: F403
from .base import CONTENT_SECURITY_POLICY, PRIVATE_STORAGE, env

DEBUG = False
# Webhooks reach public https addresses only (alliance.webhooks.outbound).
WEBHOOKS_ALLOW_HTTP_LOCALHOST = False
WEBHOOKS_ALLOW_PRIVATE_HOSTS = False
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
    "private": PRIVATE_STORAGE,
}
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=True)
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=60 * 60 * 24 * 365)
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = True
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
# The Content-Security-Policy of base.py, and browsers fetch nothing over plain HTTP.
CONTENT_SECURITY_POLICY = {
    **CONTENT_SECURITY_POLICY,
    "DIRECTIVES": {**CONTENT_SECURITY_POLICY["DIRECTIVES"], "upgrade-insecure-requests": True},
}
