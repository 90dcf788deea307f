"""Defects 1 and 5: the NPS webhook reads nothing it has not bounded; one bad record costs only itself."""

from __future__ import annotations

import io
import json
from datetime import UTC, datetime

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client, override_settings

from feedback.models import FeedbackItem, UsageMetric
from integrations.models import RejectedRecord
from integrations.nps.mapping import signature_for
from productops.bulk import copy_escape, copy_json, copy_value
from productops.roles import Role

pytestmark = pytest.mark.django_db
SECRET = "whsec-test"
NOW = datetime(2026, 3, 2, 12, tzinfo=UTC)
TS = str(int(NOW.timestamp()))
URL = "/api/v1/ingest/nps/"


class ExplodingStream(io.RawIOBase):
    """A request body that fails the test if anything reads it."""

    def readable(self) -> bool:
        return True

    def readinto(self, buffer) -> int:  # type: ignore[no-untyped-def]
        raise AssertionError("the body was read")


def _signed(body: bytes) -> dict[str, str]:
    return {"HTTP_X_TIMESTAMP": TS, "HTTP_X_SIGNATURE": signature_for(SECRET, TS, body)}


def _post(body: bytes):
    return Client().post(URL, data=body, content_type="application/json", **_signed(body))


def _response(**overrides):
    payload = {"id": 77, "person": {"email": "dana@acme.example"}, "score": 3, "comment": "Reports are slow",
               "created_at": 1772450000, "person_properties": {}}  # fmt: skip
    payload.update(overrides)
    return payload


@override_settings(NPS_WEBHOOK_SECRET=SECRET, NPS_WEBHOOK_MAX_BYTES=4096)
@time_machine.travel(NOW, tick=False)
@pytest.mark.parametrize(
    ("headers", "status"),
    [
        (
            {
                "CONTENT_LENGTH": str(1024**3),
                "HTTP_X_TIMESTAMP": TS,
                "HTTP_X_SIGNATURE": "sha256=" + "0" * 64,
            },
            413,
        ),
        ({"CONTENT_LENGTH": str(1024**3)}, 401),  # anonymous, unsigned: refused on its headers
        ({"CONTENT_LENGTH": str(1024**3), "HTTP_X_TIMESTAMP": "1", "HTTP_X_SIGNATURE": "sha256=0"}, 401),
        ({"HTTP_X_TIMESTAMP": TS, "HTTP_X_SIGNATURE": "sha256=0"}, 411),  # no Content-Length
    ],
)
def test_an_oversized_or_unsigned_body_is_refused_before_it_is_read(headers, status):
    environ = {
        "REQUEST_METHOD": "POST",
        "PATH_INFO": URL,
        "CONTENT_TYPE": "application/json",
        "wsgi.input": ExplodingStream(),
        **headers,
    }
    if "CONTENT_LENGTH" not in headers:
        environ["CONTENT_LENGTH"] = ""
    from django.test.client import RequestFactory

    request = RequestFactory().generic("POST", URL)
    request.META.update(environ)
    request._stream = ExplodingStream()  # what Django would read the body from
    from django.urls import resolve

    from productops.urls import urlpatterns  # noqa: F401  (URLconf loaded)

    response = resolve(URL).func(request)
    assert response.status_code == status


@override_settings(NPS_WEBHOOK_SECRET=SECRET, NPS_WEBHOOK_MAX_BYTES=4096)
@time_machine.travel(NOW, tick=False)
def test_a_signed_body_over_the_limit_is_413_and_one_within_is_stored(acme):
    big = json.dumps([_response(id=i, comment="x" * 500) for i in range(10)]).encode()
    assert _post(big).status_code == 413
    assert not FeedbackItem.objects.exists()
    assert _post(json.dumps(_response()).encode()).status_code == 200


@override_settings(NPS_WEBHOOK_SECRET=SECRET)
@time_machine.travel(NOW, tick=False)
def test_each_hostile_record_becomes_a_kept_reject_and_the_rest_are_stored(acme):
    deep: object = {"x": 1}
    for _ in range(200):
        deep = {"nested": deep}
    batch = [
        _response(id=1, comment="nul \x00 inside"),  # stored, NUL dropped
        _response(id=2, created_at=1e300),
        _response(id=3, created_at=float("nan")),
        ["a", "list", "where an object belongs"],
        _response(id="9" * 200),
        _response(id=6, person_properties=deep),
        _response(id=7, person=["not", "an", "object"]),
        _response(id=8, comment="y" * 131_072),
        _response(id=9, comment="fine"),
    ]
    body = json.dumps(batch).encode()  # json.dumps writes NaN, as careless senders do
    response = _post(body)
    assert response.status_code == 207, response.content
    stored = dict(FeedbackItem.objects.values_list("external_id", "body"))
    assert stored == {"delighted:1": "nul  inside", "delighted:9": "fine"}
    rejects = list(
        RejectedRecord.objects.filter(connection__vendor="nps").values_list("external_id", "reason")
    )
    assert len(rejects) == 7
    reasons = " | ".join(reason for _, reason in rejects)
    for expected in ("created_at is not a date", "must be a JSON object", "longer than", "nested more than"):
        assert expected in reasons
    assert all(len(external_id) <= 128 for external_id, _ in rejects)


@override_settings(NPS_WEBHOOK_SECRET=SECRET)
@time_machine.travel(NOW, tick=False)
def test_json_nested_past_the_parser_is_a_400_not_a_500(acme):
    body = b"[" * 100_000 + b"]" * 100_000
    with override_settings(NPS_WEBHOOK_MAX_BYTES=300_000):
        assert _post(body).status_code == 400


def _upload(client, kind: str, text: str):
    return client.post(
        "/integrations/upload/",
        {"kind": kind, "file": SimpleUploadedFile("x.csv", text.encode(), "text/csv")},
    )


def test_hostile_csv_rows_are_kept_as_rejects_and_the_rest_stored(client_for, acme):
    client = client_for(Role.PRODUCT_OPS)
    text = (
        "account_external_id,respondent_email,score,comment,responded_at\n"
        "001ACME,a@acme.example,9,good \x00 one,2026-02-01T10:00:00Z\n"
        "001ACME,b@acme.example,8,extra,2026-02-01T10:00:00Z,surplus,columns\n"
        f"001ACME,c@acme.example,7,{'z' * 131_072},2026-02-01T10:00:00Z\n"
        "001ACME,d@acme.example,6,far future,9999-12-31T23:59:59+00:00\n"
        "001ACME,e@acme.example,5,last good,2026-02-02T10:00:00Z\n"
    )
    response = _upload(client, "nps", text)
    assert response.status_code in (200, 302), response.content[:500]
    bodies = sorted(FeedbackItem.objects.values_list("body", flat=True))
    assert bodies == ["good  one", "last good"]
    reasons = sorted(RejectedRecord.objects.values_list("reason", flat=True))
    assert len(reasons) == 3
    assert reasons[0].startswith("line 3: 7 fields") and "longer than" in reasons[1]


def test_hostile_usage_rows_are_rejects(client_for, acme):
    client = client_for(Role.PRODUCT_OPS)
    text = (
        "account_external_id,metric,date,value\n"
        "001ACME,active_users,2026-02-02,41\n"
        "001ACME,active_users,2026-02-03,NaN\n"
        "001ACME,active\x00users,2026-02-04,5,extra\n"
    )
    _upload(client, "usage", text)
    assert list(UsageMetric.objects.values_list("value", flat=True)) == [41.0]
    assert RejectedRecord.objects.filter(connection__vendor="usage").count() == 2


def test_copy_helpers_drop_nul_characters():
    assert copy_escape("a\x00b\tc") == "ab\\tc"
    assert "\\u0000" not in copy_value({"k\x00": ["v\x00"]})
    assert "\\u0000" not in copy_json({"comment": "x\x00y"}) and "xy" in copy_json({"comment": "x\x00y"})
