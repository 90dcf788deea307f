"""The API contract, fuzzed: schemathesis drives every operation of the OpenAPI schema against the live test server.

As each role (token auth), a bounded number of generated requests per operation (SCHEMATHESIS_MAX_EXAMPLES, default
6): no 5xx, status codes, content types and bodies as the schema documents them. Without credentials every
operation but the signed webhook answers 401 or 403. The schema is read from the app, so new endpoints are covered.
"""

from __future__ import annotations

import os
from io import StringIO

import pytest
import requests
import schemathesis
from django.contrib.auth import get_user_model
from django.core.management import call_command
from drf_spectacular.generators import SchemaGenerator
from hypothesis import HealthCheck, Phase, given
from hypothesis import settings as hypothesis_settings
from rest_framework.authtoken.models import Token
from schemathesis.checks import (
    content_type_conformance,
    not_a_server_error,
    response_schema_conformance,
    status_code_conformance,
)

from productops.roles import Role

pytestmark = pytest.mark.django_db(transaction=True)
MAX_EXAMPLES = int(os.environ.get("SCHEMATHESIS_MAX_EXAMPLES", "6"))
CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance]
DEMO_USER = {
    Role.PM: "pm",
    Role.CSM: "csm",
    Role.SALES: "sales",
    Role.CPO: "cpo",
    Role.PRODUCT_OPS: "productops",
}
PUBLIC = {("POST", "/api/v1/ingest/nps/")}  # authenticated by its HMAC signature, not a user


def openapi_schema() -> dict:
    return SchemaGenerator().get_schema(request=None, public=True)


@pytest.fixture
def demo(live_server):
    call_command("seed_demo", "--accounts", "30", "--items", "200", "--no-progress", stdout=StringIO())


def _session(token: str | None) -> requests.Session:
    session = requests.Session()
    session.trust_env = False  # no proxies or CA bundles from the machine between us and the test server
    if token:
        session.headers["Authorization"] = f"Token {token}"
    return session


def _operations():
    schema = schemathesis.openapi.from_dict(openapi_schema())
    for result in schema.get_all_operations():
        yield result.ok()


def test_the_schema_describes_every_endpoint():
    schema = openapi_schema()
    paths = schema["paths"]
    for path in ("/api/v1/feedback/items/", "/api/v1/releases/{id}/readiness/", "/api/v1/ingest/nps/",
                 "/api/v1/feedback/themes/{id}/merge/", "/api/v1/me/"):  # fmt: skip
        assert path in paths, path
    for path_item in paths.values():
        for operation in path_item.values():
            assert {"400", "401", "403", "404"} <= operation["responses"].keys()
    # Every API view in the URL conf is in the schema: drf-spectacular silently drops a view it cannot describe.
    from drf_spectacular.generators import EndpointEnumerator

    missing = [
        (method, path)
        for path, _regex, method, view in EndpointEnumerator().get_api_endpoints()
        if path.startswith("/api/v1/")
        and method.lower() not in paths.get(path.replace("{pk}", "{id}"), paths.get(path, {}))
    ]
    assert not missing, missing


@pytest.mark.parametrize("role", list(DEMO_USER), ids=[r.name.lower() for r in DEMO_USER])
def test_every_operation_as_each_role_answers_as_documented(demo, live_server, role):
    user = get_user_model().objects.get(username=DEMO_USER[role])
    session = _session(Token.objects.get_or_create(user=user)[0].key)
    failures: list[str] = []
    for operation in _operations():

        @given(case=operation.as_strategy())
        @hypothesis_settings(
            max_examples=MAX_EXAMPLES,
            deadline=None,
            database=None,
            derandomize=True,  # the same requests every run
            phases=[Phase.explicit, Phase.generate],
            suppress_health_check=list(HealthCheck),
        )
        def exercise(case) -> None:
            response = case.call(base_url=live_server.url, session=session, timeout=30)
            try:
                case.validate_response(response, checks=CHECKS)
            except (
                AssertionError,
                BaseExceptionGroup,
            ) as exc:  # schemathesis raises a group of failed checks
                details = "; ".join(str(e)[:400] for e in getattr(exc, "exceptions", [exc]))
                failures.append(f"{case.method} {case.formatted_path} → {response.status_code}: {details}")

        exercise()
    assert not failures, "\n\n".join(sorted(set(failures))[:15])


def test_every_operation_refuses_anonymous_calls(live_server):
    session = _session(None)
    for operation in _operations():
        if (operation.method.upper(), operation.path) in PUBLIC:
            continue
        path = operation.path.replace("{id}", "1")
        response = session.request(operation.method.upper(), live_server.url + path, json={}, timeout=30)
        assert response.status_code in (401, 403), (operation.method, path, response.status_code)
