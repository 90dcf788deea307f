"""Every write the integrations make to the store goes through this package.

feedback.py  feedback items: COPY for new rows, fingerprint compare for changed ones, deletions
crm.py       accounts and deals from the CRM, and the deals' "blocked by feature" links to themes
usage.py     usage metrics (the one UsageMetric upsert: syncs and CSV imports alike)
accounts.py  which stored Account a vendor's account reference means (read side of every write above)

A later consumer of the write path (a fact table, a cache) hooks into `store_batch`, the one function the engine
calls per page.
"""

from __future__ import annotations

from integrations.store.accounts import resolve_accounts
from integrations.store.batch import store_batch
from integrations.store.crm import link_blockers, upsert_accounts, upsert_opportunities
from integrations.store.feedback import (
    PreparedFeedback,
    RunCache,
    delete_items,
    prepare_feedback,
    upsert_feedback,
    write_feedback,
)
from integrations.store.usage import upsert_usage

__all__ = [
    "PreparedFeedback",
    "RunCache",
    "delete_items",
    "link_blockers",
    "prepare_feedback",
    "resolve_accounts",
    "store_batch",
    "upsert_accounts",
    "upsert_feedback",
    "upsert_opportunities",
    "upsert_usage",
    "write_feedback",
]
