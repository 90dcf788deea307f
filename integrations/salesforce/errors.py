"""Salesforce's errors in the shared HTTP layer's terms (integrations.http).

simple-salesforce raises one exception class per status; the API limit is a 403 whose errorCode is
REQUEST_LIMIT_EXCEEDED (transient), unlike a permission 403 (permanent).
"""

from __future__ import annotations

from typing import Any

import requests
from simple_salesforce.exceptions import SalesforceError, SalesforceRefusedRequest

from integrations.http import error_for_status, unreachable
from integrations.records import PermanentError, TransientError

VENDOR = "Salesforce"


def classify(exc: BaseException) -> TransientError | PermanentError | None:
    """The error a simple-salesforce / requests exception means, or None if it is not a vendor error."""
    if isinstance(exc, SalesforceRefusedRequest):
        code = error_code(exc.content)
        if code == "REQUEST_LIMIT_EXCEEDED":
            return TransientError(f"{VENDOR} API limit reached ({message(exc.content)})")
        return PermanentError(f"{VENDOR} refused the request: {code}: {message(exc.content)}")
    if isinstance(exc, SalesforceError):
        return error_for_status(VENDOR, exc.status, message(exc.content))
    if isinstance(exc, requests.ConnectionError | requests.Timeout):
        return unreachable(VENDOR, exc)
    return None


def error_code(content: Any) -> str:
    if isinstance(content, list) and content and isinstance(content[0], dict):
        return str(content[0].get("errorCode") or "")
    return ""


def message(content: Any) -> str:
    if isinstance(content, list) and content and isinstance(content[0], dict):
        return f"{content[0].get('errorCode', '')}: {content[0].get('message', '')}"
    return str(content)[:300]
