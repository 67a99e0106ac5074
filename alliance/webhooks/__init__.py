"""Webhooks: an organization's events pushed to the endpoints its administrators register.

* ``outbound`` — safe outbound requests (https, public addresses resolved when sending, no redirects,
  a timeout), shared by everything that posts to a URL a person typed;
* ``events`` — ``webhook_event_emit``: apps call it from their services; one delivery row per endpoint, in
  the change's transaction (the outbox);
* ``delivery`` — the worker's side: signing (Standard Webhooks), order per resource, retries with backoff,
  disabling an endpoint that keeps failing, pruning;
* ``services`` / ``selectors`` — what administrators do and see; ``views`` —
  the settings pages (the API is ``alliance.webhook_apis``, beside the core's other APIs); ``schema`` — the
  event catalog in the OpenAPI schema.

The core knows no app: apps register their event types (``alliance.registry.register_webhook_event``).
"""


def register() -> None:
    """The core's part (AllianceConfig.ready): navigation, beat entries and the hand-offs of the services."""
    from alliance import registry
    from alliance.rights import can_administer
    registry.register_nav_item("webhooks", label="Webhooks", url_name="webhook_endpoints", order=88,
                               group="organization", visible=can_administer,
                               active=("webhook_endpoints", "webhook_endpoint"))
    registry.register_beat_entry("dispatch-webhooks", task="alliance.tasks.dispatch_webhooks", schedule=60.0)
    registry.register_beat_entry("prune-webhook-deliveries", task="alliance.tasks.prune_webhook_deliveries",
                                 schedule=3600.0)
