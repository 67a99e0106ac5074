"""Operators' admin (cross-tenant, see alliance.admin_site). Notes and contacts' personal
details are the organization's and its people's: they are not registered here."""

from __future__ import annotations

from django.contrib import admin

from network_intel.models import Company, Tag


@admin.register(Company)
class CompanyAdmin(admin.ModelAdmin):
    list_display = ["name", "organization", "domain", "industry", "created_at"]
    list_filter = ["organization"]
    search_fields = ["name", "domain"]
    readonly_fields = ["name_key", "name_trigrams"]
    raw_id_fields = ["created_by"]
    list_select_related = ["organization"]


@admin.register(Tag)
class TagAdmin(admin.ModelAdmin):
    list_display = ["name", "organization", "is_official"]
    list_filter = ["organization", "is_official"]
    search_fields = ["name"]
    readonly_fields = ["key"]
