"""GET /api/v1/integrations/runs/: recent sync runs for Product Ops, newest first, paginated."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from integrations.models import Connection, RunStatus, SyncRun
from productops.roles import Role

pytestmark = pytest.mark.django_db


def _run(conn: Connection, minutes_ago: int, **fields) -> SyncRun:
    run = SyncRun.objects.create(connection=conn, **fields)
    SyncRun.objects.filter(pk=run.pk).update(started_at=timezone.now() - timedelta(minutes=minutes_ago))
    return run


def test_runs_newest_first_with_counts_and_errors(client_for, django_assert_max_num_queries):
    zendesk = Connection.objects.create(vendor="zendesk", stream="tickets")
    gong = Connection.objects.create(vendor="gong", stream="calls")
    _run(zendesk, 30, status=RunStatus.SUCCEEDED, fetched=10, created=7, updated=2, rejected=1,
         finished_at=timezone.now())  # fmt: skip
    _run(gong, 5, status=RunStatus.FAILED, error="401 Unauthorized: check GONG_ACCESS_KEY")
    for n in range(5):
        _run(zendesk, 100 + n, status=RunStatus.SUCCEEDED)
    api = client_for(Role.PRODUCT_OPS)
    with django_assert_max_num_queries(6):  # session, user, roles, count, one page with its connections
        body = api.get("/api/v1/integrations/runs/?limit=2").json()
    assert body["count"] == 7
    newest, second = body["results"]
    assert (newest["vendor"], newest["stream"], newest["status"]) == ("gong", "calls", "failed")
    assert newest["error_message"] == "401 Unauthorized: check GONG_ACCESS_KEY"
    assert newest["finished"] is None
    assert (second["vendor"], second["fetched"], second["stored"], second["rejected"]) == (
        "zendesk",
        10,
        9,
        1,
    )
    assert second["started"] and second["finished"]
    assert body["next"]


@pytest.mark.parametrize("role", [Role.PM, Role.CSM, Role.SALES, Role.CPO])
def test_runs_are_for_product_ops_only(client_for, role):
    assert client_for(role).get("/api/v1/integrations/runs/").status_code == 403


def test_runs_need_login(client):
    assert client.get("/api/v1/integrations/runs/").status_code in (401, 403)
