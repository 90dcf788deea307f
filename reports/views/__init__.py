"""Report pages, one module per report."""

from __future__ import annotations

from reports.views.volume import reports

__all__ = ["reports"]
