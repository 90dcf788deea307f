"""The one HTTP layer every vendor shares: timeouts, Retry-After, and transient vs permanent errors.

Vendor packages extend it (Salesforce's REQUEST_LIMIT_EXCEEDED 403, zenpy's exceptions) but never re-decide what a
status means: 429 and 5xx are worth retrying, other 4xx are not, and a vendor that does not answer in time is a
transient error, not a run that never ends.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from typing import Any

import httpx
import requests
from django.conf import settings

from integrations.records import PermanentError, TransientError


def timeout_seconds() -> float:
    return float(getattr(settings, "VENDOR_HTTP_TIMEOUT_SECONDS", 30))


def parse_retry_after(value: str | None, *, now: datetime | None = None) -> float | None:
    """Retry-After is either delay-seconds or an HTTP-date (RFC 9110 §10.2.3); anything else is ignored."""
    if value is None or not str(value).strip():
        return None
    text = str(value).strip()
    try:
        return max(0.0, float(text))
    except ValueError:
        pass
    try:
        when = parsedate_to_datetime(text)
    except (TypeError, ValueError, IndexError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max(0.0, (when - (now or datetime.now(UTC))).total_seconds())


def is_transient_status(status: int) -> bool:
    return status == 429 or status >= 500


def error_for_status(
    vendor: str, status: int, detail: str, headers: Mapping[str, str] | None = None
) -> TransientError | PermanentError:
    """The error a vendor answer means. `status` 0 is "no answer at all" (a dropped connection)."""
    message = f"{vendor} {status}: {detail[:300]}"
    if status == 0 or is_transient_status(status):
        retry_after = parse_retry_after((headers or {}).get("Retry-After"))
        return TransientError(message, retry_after=retry_after)
    return PermanentError(message)


def unreachable(vendor: str, exc: BaseException) -> TransientError:
    kind = "timed out" if isinstance(exc, httpx.TimeoutException | requests.Timeout) else "unreachable"
    return TransientError(f"{vendor} {kind}: {exc}")


def raise_for_status(vendor: str, response: httpx.Response) -> None:
    """For the vendors spoken to with plain httpx (Gong, Delighted, Pendo)."""
    if response.status_code < 300:
        return
    try:
        payload = response.json()
        detail = (
            "; ".join(str(e) for e in payload.get("errors") or [])
            if isinstance(payload, dict) and payload.get("errors")
            else response.text
        )
    except ValueError:
        detail = response.text
    raise error_for_status(vendor, response.status_code, detail, response.headers)


def httpx_client(*, base_url: str, **kwargs: Any) -> httpx.Client:
    """An httpx client with the shared timeout (connect, read, write and pool)."""
    return httpx.Client(base_url=base_url, timeout=timeout_seconds(), **kwargs)


class TimeoutSession(requests.Session):
    """A requests session whose every request has a timeout, for client libraries that set none themselves
    (simple-salesforce passes no timeout: a vendor that accepts the connection and never answers would hold the
    worker until its hard time limit)."""

    def __init__(self, timeout: float | None = None) -> None:
        super().__init__()
        self.timeout = timeout if timeout is not None else timeout_seconds()

    def request(self, method: str | bytes, url: str | bytes, *args: Any, **kwargs: Any) -> requests.Response:  # type: ignore[override]
        kwargs.setdefault("timeout", self.timeout)
        if kwargs["timeout"] is None:
            kwargs["timeout"] = self.timeout
        return super().request(method, url, *args, **kwargs)
