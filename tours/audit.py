"""The tours' part of the audit trail (alliance/history): a tour's history is its own events, its amendments'
and its revisions' (the tour history kept before the trail, copied in when it began, and kept since)."""

from __future__ import annotations

from alliance import registry

TOUR_LABEL_SQL = "r.title"


def describe_revision(data: dict, previous: dict | None) -> tuple[str, list[tuple[str, str, str]]]:
    """A revision says what was done and which terms changed, with the values shown at the time."""
    from tours.models import TourRevision

    action = str(TourRevision.Action(data["action"]).label) if data.get("action") in TourRevision.Action.values \
        else str(data.get("action", ""))
    changes = [(str(change.get("label") or name), str(change.get("from") or ""), str(change.get("to") or ""))
               for name, change in (data.get("changes") or {}).items() if isinstance(change, dict)]
    if data.get("comment"):
        changes.append(("Comment", "", str(data["comment"])))
    return action, changes


def register() -> None:
    registry.register_audited_model(
        "tour", label="Tour", model="tours.Tour", event_model="tours.TourEvent", label_sql=TOUR_LABEL_SQL,
        owner_column="employee_id", url_name="tours:detail", order=20)
    registry.register_audit_source("tours.TourAmendmentEvent", record="tour", record_column="tour_id")
    registry.register_audit_source("tours.TourRevisionEvent", record="tour", record_column="tour_id",
                                   describe=describe_revision)
