"""The audit trail: who changed what and when, read from the event tables that PostgreSQL triggers write.

* ``alliance.models.history`` — the event models' base and ``audit_history`` (how an app audits a model);
* ``context`` — who and where (``pghistory.context``) for requests, API calls, tasks and imports;
* ``operations`` — the migration operations that start a model's history;
* ``selectors`` — the organization's log and one record's history, as the viewer may see them;
* ``views`` / ``apis`` — the pages, the CSV export and ``GET /api/v1/history/``.

Apps say which records are audited and how one is named and linked with
``alliance.registry.register_audited_record`` and ``register_audit_source``.
"""
