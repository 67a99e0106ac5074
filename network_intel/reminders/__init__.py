"""Reminders of network intelligence and the networking fund, through the reminder ledger.

Topics: ``digests`` (the weekly digest of new notes on what a member follows) and
``report_backs`` (an approved expense whose intel note is still missing). Each module
registers its kind (``network_intel.apps``) and offers the sweep its beat task runs.
"""

from __future__ import annotations

from network_intel.reminders.digests import DIGEST
from network_intel.reminders.report_backs import REPORT_BACK

__all__ = ["DIGEST", "REPORT_BACK"]
