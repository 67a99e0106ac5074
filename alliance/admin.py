"""Model admin for the operators' site (see alliance.admin_site)."""

from __future__ import annotations

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin

from alliance.models import ApiToken, Invitation, Membership, Organization, SystemEmail, User
from alliance.outbox import system_emails_retry
from alliance.services.sorting import person_sort_name_refresh


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    ordering = ["email"]
    list_display = ["email", "full_name", "is_staff", "is_active", "date_joined"]
    search_fields = ["email", "full_name"]
    list_filter = ["is_staff", "is_active"]
    fieldsets = (
        (None, {"fields": ("email", "password")}),
        ("Profile", {"fields": ("full_name", "time_zone")}),
        ("Access", {"fields": ("is_active", "is_staff", "is_superuser", "groups", "user_permissions")}),
        ("Dates", {"fields": ("last_login", "date_joined")}),
    )
    add_fieldsets = ((None, {"classes": ("wide",), "fields": ("email", "full_name", "password1", "password2")}),)

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        person_sort_name_refresh(users=[obj])  # lists sort people by a stored key (alliance.services.sorting)


class MembershipInline(admin.TabularInline):
    model = Membership
    fields = ["user", "role", "status", "title", "team", "manager"]
    raw_id_fields = ["user", "manager"]
    extra = 0


@admin.register(Organization)
class OrganizationAdmin(admin.ModelAdmin):
    list_display = ["name", "slug", "time_zone", "currency", "created_at"]
    search_fields = ["name", "slug"]
    prepopulated_fields = {"slug": ("name",)}


@admin.register(Membership)
class MembershipAdmin(admin.ModelAdmin):
    list_display = ["user", "organization", "role", "status", "team", "manager"]
    list_filter = ["organization", "role", "status"]
    search_fields = ["user__email", "user__full_name", "team"]
    raw_id_fields = ["user", "manager"]
    list_select_related = ["user", "organization", "manager__user"]

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        person_sort_name_refresh(users=[obj.user])  # a membership made here gets its person's sort key


@admin.register(Invitation)
class InvitationAdmin(admin.ModelAdmin):
    list_display = ["email", "organization", "role", "expires_at", "accepted_at", "revoked_at"]
    list_filter = ["organization", "role"]
    search_fields = ["email"]
    exclude = ["token_hash"]
    raw_id_fields = ["manager", "invited_by", "accepted_by"]


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    list_display = ["name", "prefix", "organization", "membership", "last_used_at", "revoked_at"]
    list_filter = ["organization"]
    readonly_fields = ["prefix", "last_used_at"]
    exclude = ["token_hash"]
    raw_id_fields = ["membership"]


@admin.register(SystemEmail)
class SystemEmailAdmin(admin.ModelAdmin):
    """E-mail outside any organization (password resets): operators see what failed and send it again.
    The body (a reset link) is never shown."""

    list_display = ["subject", "recipients", "status", "attempts", "last_error", "created_at", "sent_at"]
    list_filter = ["status"]
    search_fields = ["to"]
    fields = ["kind", "to", "subject", "status", "attempts", "next_attempt_at", "give_up_at", "last_error",
              "created_at", "sent_at"]
    readonly_fields = fields
    actions = ["send_again"]

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    @admin.action(description="Send the selected failed e-mails again")
    def send_again(self, request, queryset) -> None:
        count = system_emails_retry(queryset)
        self.message_user(request, f"{count} e-mail(s) will be sent again.")
