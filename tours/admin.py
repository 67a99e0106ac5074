"""Operators' admin (cross-tenant, see alliance.admin_site). Private notes are not registered."""

from __future__ import annotations

from django.contrib import admin

from tours.models import Checkpoint, Cohort, FirstConversation, RotationalProgram, Tour, TourRevision


class TourRevisionInline(admin.TabularInline):
    model = TourRevision
    fields = ["created_at", "by", "action", "changes", "comment"]
    readonly_fields = fields
    extra = 0
    can_delete = False


@admin.register(Tour)
class TourAdmin(admin.ModelAdmin):
    list_display = ["title", "organization", "employee", "manager", "kind", "status", "start_date", "end_date"]
    list_filter = ["organization", "kind", "status"]
    search_fields = ["title", "employee__user__email", "employee__user__full_name"]
    raw_id_fields = ["employee", "manager", "previous_tour", "program", "cohort", "created_by"]
    list_select_related = ["organization", "employee__user", "manager__user"]
    inlines = [TourRevisionInline]


@admin.register(Checkpoint)
class CheckpointAdmin(admin.ModelAdmin):
    list_display = ["tour", "organization", "scheduled_at", "status", "confirmed", "sequence", "progress"]
    list_filter = ["organization", "status", "progress"]
    raw_id_fields = ["tour"]
    # Shared notes are the participants' business; operators see the schedule only.
    exclude = ["manager_notes", "employee_notes", "course_corrections"]
    list_select_related = ["tour", "organization"]


@admin.register(RotationalProgram)
class RotationalProgramAdmin(admin.ModelAdmin):
    list_display = ["name", "organization", "duration_months", "cadence_months", "is_active"]
    list_filter = ["organization", "is_active"]
    raw_id_fields = ["created_by"]


@admin.register(Cohort)
class CohortAdmin(admin.ModelAdmin):
    list_display = ["name", "organization", "program", "start_date"]
    raw_id_fields = ["program", "started_by"]


@admin.register(FirstConversation)
class FirstConversationAdmin(admin.ModelAdmin):
    list_display = ["tour", "organization", "exercised_at", "outcome", "outcome_recorded_at"]
    list_filter = ["organization", "outcome"]
    raw_id_fields = ["tour", "outcome_recorded_by"]
