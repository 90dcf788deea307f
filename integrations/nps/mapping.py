"""NPS responses: Delighted-style payloads (webhook) and the CSV import, mapped to feedback records."""

from __future__ import annotations

import csv
import hashlib
import hmac
import io
from collections.abc import Mapping
from datetime import datetime
from typing import Any

from feedback.models import ItemKind, Source
from integrations.records import AccountRef, FeedbackRecord, Rejected, parse_timestamp, require

NPS_CSV_COLUMNS = ("account_external_id", "respondent_email", "score", "comment", "responded_at")
LINE = "_line"  # read_csv's note of a row's line number, for the reasons of rejects
BAD_ROW = "_unreadable"  # read_csv's note that a row could not be read, and why
CSV_FIELD_LIMIT = 65_536  # a longer field makes its row a reject


def _score(value: Any) -> int:
    try:
        score = int(str(value).strip())
    except (TypeError, ValueError) as exc:
        raise Rejected(f"score must be a whole number from 0 to 10, got {value!r}") from exc
    if not 0 <= score <= 10:
        raise Rejected(f"score must be from 0 to 10, got {score}")
    return score


def _domain(email: str) -> str:
    return email.rsplit("@", 1)[1].lower() if "@" in email else ""


def delighted_id(raw: Mapping[str, Any]) -> str:
    """The response's id as Delighted sends it (webhook and API alike)."""
    return str(raw.get("id") or "") if isinstance(raw, Mapping) else ""


def map_delighted(raw: Mapping[str, Any]) -> FeedbackRecord:
    """{id, person {email, ...}, score, comment, created_at (unix), person_properties {account_external_id?}}."""
    response_id = require(raw, "id")
    person = raw.get("person") or {}
    email = str(person.get("email") or "")
    properties = raw.get("person_properties") or {}
    score = _score(raw.get("score"))
    return FeedbackRecord(
        source=Source.NPS,
        external_id=f"delighted:{response_id}",
        kind=ItemKind.NPS_RESPONSE,
        occurred_at=parse_timestamp(raw.get("created_at"), field_name="created_at"),
        title=f"NPS {score}",
        body=str(raw.get("comment") or ""),
        author=email,
        account=AccountRef(
            salesforce_id=str(properties.get("account_external_id") or ""), domain=_domain(email)
        ),
        nps_score=score,
        raw=raw,
        modified_at=_updated(raw),
    )


def _updated(raw: Mapping[str, Any]) -> datetime | None:
    try:
        return parse_timestamp(raw.get("updated_at"), field_name="updated_at")
    except Rejected:
        return None


def csv_key(row: Mapping[str, Any]) -> str:
    """A CSV row has no id of its own: who answered and when identifies it, so a re-upload updates, not duplicates.
    Raises Rejected when the row does not say when."""
    email = str(row.get("respondent_email") or "").strip()
    account = str(row.get("account_external_id") or "").strip()
    responded = parse_timestamp(row.get("responded_at"), field_name="responded_at")
    return (
        "csv:" + hashlib.sha1(f"{account}|{email.lower()}|{responded.isoformat()}".encode()).hexdigest()[:24]
    )


def map_csv_row(row: Mapping[str, Any]) -> FeedbackRecord:
    email = str(row.get("respondent_email") or "").strip()
    responded = parse_timestamp(row.get("responded_at"), field_name="responded_at")
    score = _score(row.get("score"))
    account = str(row.get("account_external_id") or "").strip()
    if not account and not email:
        raise Rejected("account_external_id or respondent_email is needed to know who answered")
    return FeedbackRecord(
        source=Source.NPS,
        external_id=csv_key(row),
        kind=ItemKind.NPS_RESPONSE,
        occurred_at=responded,
        title=f"NPS {score}",
        body=str(row.get("comment") or ""),
        author=email,
        account=AccountRef(salesforce_id=account, domain=_domain(email)),
        nps_score=score,
        raw={k: v for k, v in row.items() if k != LINE},
    )


def read_csv(data: bytes, columns: tuple[str, ...]) -> list[dict[str, Any]]:
    """Rows, each with its line number under LINE (the header is line 1). A missing column is an error for the whole
    file."""
    try:
        text = data.decode("utf-8-sig").replace("\x00", "")  # PostgreSQL text cannot hold NUL
    except UnicodeDecodeError as exc:
        raise ValueError("The file is not UTF-8 text.") from exc
    reader = csv.reader(io.StringIO(text))
    try:
        header = [name.strip() for name in next(reader)]
    except (StopIteration, csv.Error) as exc:
        raise ValueError(f"The file has no readable header row. Expected: {', '.join(columns)}.") from exc
    missing = [c for c in columns if c not in header]
    if missing:
        raise ValueError(f"Missing column(s): {', '.join(missing)}. Expected: {', '.join(columns)}.")
    # One malformed row (more fields than the header, a field past csv's limit or ours) is that row's reject,
    # marked under BAD_ROW for the mapper, never the whole file's failure.
    rows: list[dict[str, Any]] = []
    previous = reader.line_num
    while True:
        try:
            fields = next(reader)
        except StopIteration:
            break
        except csv.Error as exc:
            rows.append({LINE: previous + 1, BAD_ROW: f"cannot be read as CSV ({exc})"})
            previous = reader.line_num
            continue
        number, previous = previous + 1, reader.line_num
        if not fields:
            continue
        if len(fields) > len(header):
            rows.append({LINE: number, BAD_ROW: f"{len(fields)} fields where the header has {len(header)}"})
        elif any(len(value) > CSV_FIELD_LIMIT for value in fields):
            rows.append({LINE: number, BAD_ROW: f"a field is longer than {CSV_FIELD_LIMIT} characters"})
        else:
            rows.append(
                {**dict(zip(header, fields + [""] * (len(header) - len(fields)), strict=True)), LINE: number}
            )
    return rows


def check_row(row: Mapping[str, Any]) -> None:
    """Raise the reject read_csv noted for a malformed row."""
    if BAD_ROW in row:
        raise Rejected(str(row[BAD_ROW]))


def on_line(row: Mapping[str, Any], exc: Rejected) -> Rejected:
    """A CSV row's reject names its line, so Product Ops can find it in the file."""
    return Rejected(f"line {row[LINE]}: {exc}") if LINE in row else exc


def signature_for(secret: str, timestamp: str, body: bytes) -> str:
    digest = hmac.new(secret.encode(), timestamp.encode() + b"." + body, hashlib.sha256).hexdigest()
    return f"sha256={digest}"


def verify_signature(
    *, secret: str, timestamp: str, signature: str, body: bytes, now: datetime, max_age: int
) -> str | None:
    """None if the request is authentic and fresh, else why not. The timestamp is signed, so a replay cannot renew it."""
    if not secret:
        return "the webhook has no secret configured (NPS_WEBHOOK_SECRET)"
    if not signature or not timestamp:
        return "missing X-Signature or X-Timestamp header"
    if not hmac.compare_digest(signature_for(secret, timestamp, body), signature):
        return "bad signature"
    try:
        age = now.timestamp() - int(timestamp)
    except ValueError:
        return "X-Timestamp must be unix seconds"
    if abs(age) > max_age:
        return f"stale request ({int(age)} s old): replays are refused"
    return None
