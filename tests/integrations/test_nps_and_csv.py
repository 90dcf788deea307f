from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.test import Client, override_settings

from feedback.models import FeedbackItem, UsageMetric
from integrations.models import RejectedRecord
from integrations.nps.mapping import signature_for
from productops.roles import Role

pytestmark = pytest.mark.django_db
SECRET = "whsec-test"
NOW = datetime(2026, 3, 2, 12, tzinfo=UTC)


def _post(body: bytes, *, timestamp: str | None = None, signature: str | None = None):
    ts = timestamp if timestamp is not None else str(int(NOW.timestamp()))
    headers = {
        "HTTP_X_TIMESTAMP": ts,
        "HTTP_X_SIGNATURE": signature if signature is not None else signature_for(SECRET, ts, body),
    }
    return Client().post("/api/v1/ingest/nps/", data=body, content_type="application/json", **headers)


def _response(**overrides):
    payload = {"id": 77, "person": {"email": "dana@acme.example"}, "score": 3, "comment": "Reports are too slow",
               "created_at": 1772450000, "person_properties": {}}  # fmt: skip
    payload.update(overrides)
    return payload


@override_settings(NPS_WEBHOOK_SECRET=SECRET)
@time_machine.travel(NOW, tick=False)
def test_a_signed_response_is_stored_and_matched_by_email_domain(accounts):
    response = _post(json.dumps(_response()).encode())
    assert response.status_code == 200, response.json()
    item = FeedbackItem.objects.get(source="nps")
    assert (item.nps_score, item.account, item.body) == (3, accounts["acme"], "Reports are too slow")
    assert (
        _post(json.dumps(_response()).encode()).json()["created"] == 0
    )  # a retry by the sender duplicates nothing


@override_settings(NPS_WEBHOOK_SECRET=SECRET)
@time_machine.travel(NOW, tick=False)
@pytest.mark.parametrize(
    ("kwargs", "reason"),
    [
        ({"signature": "sha256=" + "0" * 64}, "bad signature"),
        ({"signature": ""}, "missing"),
        ({"timestamp": str(int((NOW - timedelta(minutes=10)).timestamp()))}, "stale"),
    ],
)
def test_bad_missing_and_replayed_signatures_get_401_and_store_nothing(accounts, kwargs, reason):
    body = json.dumps(_response()).encode()
    if "timestamp" in kwargs:  # a replay: correctly signed, but ten minutes ago
        kwargs["signature"] = signature_for(SECRET, kwargs["timestamp"], body)
    response = _post(body, **kwargs)
    assert response.status_code == 401 and reason in response.json()["detail"]
    assert not FeedbackItem.objects.exists()


@override_settings(NPS_WEBHOOK_SECRET=SECRET)
@time_machine.travel(NOW, tick=False)
def test_a_bad_response_in_a_batch_is_kept_and_the_rest_stored(accounts):
    body = json.dumps([_response(id=1), _response(id=2, score=11), _response(id=3, created_at=None)]).encode()
    response = _post(body)
    assert response.status_code == 207
    reasons = {r["external_id"]: r["reason"] for r in response.json()["rejected"]}
    assert "score must be from 0 to 10" in reasons["2"] and "created_at is missing" in reasons["3"]
    assert FeedbackItem.objects.filter(source="nps").count() == 1
    assert RejectedRecord.objects.filter(connection__vendor="nps").count() == 2
    assert _post(b"not json").status_code == 400


def test_the_webhook_refuses_everything_without_a_configured_secret(accounts):
    assert _post(json.dumps(_response()).encode()).status_code == 401


def _upload(client, kind: str, text: str):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return client.post(
        "/integrations/upload/",
        {"kind": kind, "file": SimpleUploadedFile("x.csv", text.encode(), "text/csv")},
    )


def test_nps_csv_keeps_good_rows_and_names_the_bad_lines(client_for, accounts):
    client = client_for(Role.PRODUCT_OPS)
    csv_text = (
        "account_external_id,respondent_email,score,comment,responded_at\n"
        "001ACME,a@acme.example,9,Love the reports,2026-02-01T10:00:00Z\n"
        "001ACME,b@acme.example,eleven,??,2026-02-01T10:00:00Z\n"
        ",c@globex.example,2,Too slow,2026-02-02\n"
        "001ACME,d@acme.example,7,,yesterday\n"
    )
    response = _upload(client, "nps", csv_text)
    assert response.status_code == 302
    assert FeedbackItem.objects.filter(source="nps").count() == 2
    reasons = sorted(RejectedRecord.objects.values_list("reason", flat=True))
    assert reasons[0].startswith("line 3: score must be a whole number") and reasons[1].startswith(
        "line 5: responded_at"
    )
    _upload(client, "nps", csv_text)
    assert (
        FeedbackItem.objects.filter(source="nps").count() == 2
    )  # re-uploading the same file duplicates nothing


def test_usage_csv_and_a_file_with_missing_columns(client_for, accounts):
    client = client_for(Role.PRODUCT_OPS)
    _upload(
        client,
        "usage",
        "account_external_id,metric,date,value\n001ACME,active_users,2026-02-02,41\nnope,active_users,2026-02-02,3\n001ACME,logins,02/03/2026,5\n",
    )
    assert list(UsageMetric.objects.values_list("metric", "value")) == [("active_users", 41.0)]
    assert RejectedRecord.objects.filter(connection__vendor="usage").count() == 2
    bad = _upload(client, "usage", "account,metric\n1,2\n")
    assert bad.status_code == 400 and "Missing column(s): account_external_id" in bad.content.decode()
