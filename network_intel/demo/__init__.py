"""Demo data for seed_demo: network intelligence (``intel``: companies, contacts, notes, follows,
an introduction) and the networking fund (``fund``: policies, rates, expenses with receipts).
Each loader is registered in ``network_intel.apps``; the names are re-exported here."""

from __future__ import annotations

from network_intel.demo.fund import seed_networking_fund
from network_intel.demo.intel import COMPANIES, DEMO_ORGANIZATIONS, seed_network_intel

__all__ = ["COMPANIES", "DEMO_ORGANIZATIONS", "seed_network_intel", "seed_networking_fund"]
