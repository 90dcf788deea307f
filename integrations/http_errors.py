"""Vendor HTTP answers → our two kinds of error, for the connectors that speak plain HTTP (httpx)."""

from __future__ import annotations

import httpx

from integrations.records import PermanentError, TransientError


def raise_for_status(vendor: str, response: httpx.Response) -> None:
    status = response.status_code
    if status < 300:
        return
    try:
        payload = response.json()
        detail = (
            "; ".join(payload.get("errors") or [])
            if isinstance(payload, dict) and payload.get("errors")
            else response.text
        )
    except ValueError:
        detail = response.text
    detail = detail[:300]
    if status == 429 or status >= 500:
        retry_after = response.headers.get("Retry-After")
        raise TransientError(
            f"{vendor} {status}: {detail}", retry_after=float(retry_after) if retry_after else None
        )
    raise PermanentError(f"{vendor} {status}: {detail}")
