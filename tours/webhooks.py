"""The tours' events for webhooks (alliance.webhooks): registered at start, sent by tours.services."""

from __future__ import annotations


def register() -> None:
    from alliance.registry import register_webhook_event as event
    from tours.apis.checkpoints import CheckpointOutputSerializer
    from tours.apis.tours import TourOutputSerializer

    tour = {"serializer": TourOutputSerializer, "resource": "tour"}
    event("tour.proposed", description="A manager proposed a tour of duty to an employee.", order=10, **tour)
    event("tour.accepted", description="The employee accepted the tour: it is active.", order=11, **tour)
    event("tour.amended", description="The employee accepted an amendment: the tour's terms changed.", order=12,
          **tour)
    event("tour.ended", description="The tour is over: completed, ended early or cancelled (see `status`).",
          order=13, **tour)
    # The checkpoint's private note is its author's alone: never in an event.
    checkpoint = {"serializer": CheckpointOutputSerializer, "resource": "checkpoint", "exclude": ("private_note",)}
    event("checkpoint.scheduled", description="A manager scheduled a checkpoint conversation.", order=20,
          **checkpoint)
    event("checkpoint.moved", description="A checkpoint moved to another time (the calendar event's next "
          "SEQUENCE).", order=21, **checkpoint)
    event("checkpoint.held", description="A checkpoint's outcome was recorded: the conversation was held.",
          order=22, **checkpoint)
    event("first_conversation.opened", description="The employee exercised the right of first conversation "
          "(the tour as it stands).", order=30, **tour)
    event("next_tour.planned", description="The manager recorded the plan for the employee's next tour.",
          order=31, **tour)
