"""The operators' admin site.

Django admin is a cross-tenant tool for platform staff (is_staff); organizations'
own people use the app's pages. Every admin request of a staff user therefore runs
inside the audited ``cross_tenant`` block.
"""

from __future__ import annotations

from functools import wraps

from django.contrib import admin
from django.contrib.admin.apps import AdminConfig

from alliance import tenancy


class CrossTenantAdminSite(admin.AdminSite):
    site_header = "Alliance operations"
    site_title = "Alliance operations"
    index_title = "Platform administration"

    def admin_view(self, view, cacheable=False):
        inner = super().admin_view(view, cacheable)

        @wraps(inner)
        def wrapper(request, *args, **kwargs):
            if request.user.is_active and request.user.is_staff:
                reason = f"admin site: {request.user.email} {request.method} {request.path}"
                with tenancy.cross_tenant(reason=reason):
                    response = inner(request, *args, **kwargs)
                    # Admin pages are TemplateResponses drawn after the view returns;
                    # draw them here, while the cross-tenant block is still open.
                    if hasattr(response, "render") and not response.is_rendered:
                        response.render()
                    return response
            return inner(request, *args, **kwargs)

        return wrapper


class AllianceAdminConfig(AdminConfig):
    default_site = "alliance.admin_site.CrossTenantAdminSite"
