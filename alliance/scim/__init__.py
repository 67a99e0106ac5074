"""SCIM 2.0 provisioning at ``/scim/v2/`` (RFC 7643/7644): the resources and discovery documents
(``resources``), members as SCIM Users and filters as queries (``mapping``), the endpoints (``views``, ``urls``)
and the settings page's SCIM tokens (``pages``). The writes are ``alliance.services.scim``."""
