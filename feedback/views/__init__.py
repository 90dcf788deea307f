"""Feedback pages, one module per page: dashboard (+ CSV, tagging), themes, account 360."""

from __future__ import annotations

from feedback.views.accounts import account_detail
from feedback.views.dashboard import bulk_tag, dashboard, export_csv
from feedback.views.manual import log_feedback
from feedback.views.themes import theme_detail, theme_list, theme_merge, theme_move_items

__all__ = [
    "account_detail",
    "bulk_tag",
    "dashboard",
    "export_csv",
    "log_feedback",
    "theme_detail",
    "theme_list",
    "theme_merge",
    "theme_move_items",
]
