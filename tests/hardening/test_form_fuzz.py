"""Every HTML form and every page filter, as each role, with hostile and out-of-range values: never a 500.

Forms and pages are discovered (tests/hardening/crawl.py), so new pages are covered without editing this file.
The values are a fixed table (deterministic, bounded): each field gets each value once, the others their defaults.
"""

from __future__ import annotations

from io import StringIO
from urllib.parse import urlencode, urlsplit

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.db import DatabaseError, transaction
from django.test import Client

from productops.roles import Role
from tests.hardening.crawl import Form, crawl, finish, route_of

HOSTILE = [
    "",
    "abc",
    "-1",
    "0",
    "9" * 25,
    "1e300",
    "NaN",
    "10000-01-01",
    "0001-01-01",
    "9999-12-31",
    "2026-02-30",
    "a\x00b",
    "<script>alert(1)</script>",
    "' OR 1=1 --",
    "x" * 5000,
    "\U0001d54f\U0001f642",  # astral-plane characters
]
# Each distinct form is fuzzed with the whole table once (by the first role that reaches it); other roles that
# reach it again send its defaults and a few values, which is where a role could make a difference.
FEW = ["", "abc", "9" * 25, "a\x00b"]
# Values by the kind of field: a choice gets what no choice list holds; a date gets dates past either end.
BY_KIND = {
    "choice": [*FEW, "-1", "0", "1e300", "x" * 5000, "<script>alert(1)</script>"],
    "date": [*FEW, "10000-01-01", "0001-01-01", "9999-12-31", "2026-02-30", "-1"],
    "number": [*FEW, "-1", "0", "1e300", "NaN", "9999999999"],
}
KIND_OF = {"select": "choice", "select-multiple": "choice", "checkbox": "choice", "radio": "choice",
           "hidden": "choice", "button": "choice", "date": "date", "number": "number"}  # fmt: skip
_FUZZED: set[tuple] = set()
HOSTILE_FILES = [
    b"",
    b"\x00\xff\xfe garbage",
    b"account_external_id,respondent_email,score,comment,responded_at\n001,a@b.c,9,"
    + b"z" * 140_000
    + b",2026-01-01\n",
    b"account_external_id,metric,date,value\n" + b"001,m,9999-99-99,NaN,extra\n" * 3,
]
ROLES = [Role.PM, Role.CSM, Role.SALES, Role.CPO, Role.PRODUCT_OPS]
DEMO_USER = {
    Role.PM: "pm",
    Role.CSM: "csm",
    Role.SALES: "sales",
    Role.CPO: "cpo",
    Role.PRODUCT_OPS: "productops",
}


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker):
    """A small seeded demo, shared by this module's tests and rolled back after them."""
    with django_db_blocker.unblock():
        atomic = transaction.atomic()
        atomic.__enter__()
        try:
            call_command(
                "seed_demo", "--accounts", "40", "--items", "400", "--no-progress", stdout=StringIO()
            )
            yield
        finally:
            transaction.set_rollback(True)
            atomic.__exit__(None, None, None)


def _client(role: Role) -> Client:
    from django.contrib.auth import get_user_model

    client = Client(raise_request_exception=False)
    client.force_login(get_user_model().objects.get(username=DEMO_USER[role]))
    return client


class BrokenTransaction(Exception):
    """A view swallowed a database error: PostgreSQL refuses every later query of the request's transaction."""


def _isolated(call):  # type: ignore[no-untyped-def]
    """Run one request in a savepoint, so a view that catches a database error without one is caught here (its
    savepoint cannot be released) instead of breaking every later request of the test."""
    try:
        with transaction.atomic():
            return finish(call())
    except DatabaseError as exc:
        raise BrokenTransaction(str(exc).splitlines()[0]) from exc


def _submit(client: Client, form: Form, data: dict[str, list[str]], files: dict | None = None):
    return _isolated(lambda: _submit_now(client, form, data, files))


def _submit_now(client: Client, form: Form, data: dict[str, list[str]], files: dict | None = None):
    action = urlsplit(form.action)
    path = action.path
    if form.method == "get":
        return client.get(path, data={k: v for k, v in data.items()})
    query = f"?{action.query}" if action.query else ""
    payload: dict = {k: v for k, v in data.items()}
    payload.update(files or {})
    return client.post(path + query, payload)


def _fuzz_form(client: Client, form: Form) -> list[str]:
    problems = []
    defaults = form.defaults()
    again = form.key in _FUZZED
    _FUZZED.add(form.key)
    fields = list({f.name: f for f in form.fields}.values())  # a group of checkboxes is one field

    def check(response, what: str) -> None:
        if response.status_code >= 500:
            problems.append(f"{response.status_code} {form.method.upper()} {form.action} {what}")

    try:
        check(_submit(client, form, defaults), "defaults")
        for f in fields:
            values = FEW if again else BY_KIND.get(KIND_OF.get(f.kind, ""), HOSTILE)
            if f.kind == "file":
                for content in HOSTILE_FILES:
                    upload = SimpleUploadedFile("x.csv", content, "text/csv")
                    check(
                        _submit(client, form, defaults, {f.name: upload}), f"{f.name}=<{len(content)} bytes>"
                    )
                continue
            for value in values:
                data = {**defaults, f.name: [value]}
                check(_submit(client, form, data), f"{f.name}={value[:30]!r}")
    except BrokenTransaction as exc:
        problems.append(f"broken transaction {form.method.upper()} {form.action}: {exc}")
    except Exception as exc:  # the test client re-raises view errors: that is a 500 too
        problems.append(f"500 {form.method.upper()} {form.action}: {type(exc).__name__}: {exc}"[:300])
    return problems


def _fuzz_path_ids(client: Client, pages: list[str]) -> list[str]:
    """Routes with ids, given ids that cannot exist: 404, never 500."""
    problems = []
    done: set[str] = set()
    for page in pages:
        route = route_of(page)
        if "<int:" not in route or route in done:
            continue
        done.add(route)
        for bad in ("0", "9" * 25):
            path = "/" + route
            while "<int:" in path:
                start = path.index("<int:")
                path = path[:start] + bad + path[path.index(">", start) + 1 :]
            response = _isolated(lambda path=path: client.get(path))
            if response.status_code >= 500:
                problems.append(f"{response.status_code} GET {path}")
    return problems


def _fuzz_page_filters(client: Client, pages: list[str]) -> list[str]:
    """Query strings the pages' links carry (filters, page numbers), each given each hostile value."""
    problems = []
    for page in pages:
        url = urlsplit(page)
        if not url.query:
            continue
        keys = {part.split("=", 1)[0] for part in url.query.split("&") if part}
        for key in keys:
            seen = (url.path, key) in _FUZZED
            _FUZZED.add((url.path, key))
            for value in FEW if seen else HOSTILE:
                target = url.path + "?" + urlencode({key: value})
                try:
                    response = _isolated(lambda target=target: client.get(target))
                except BrokenTransaction as exc:
                    problems.append(f"broken transaction GET {target[:80]}: {exc}")
                    continue
                if response.status_code >= 500:
                    problems.append(f"{response.status_code} GET {url.path}?{key}={value[:30]!r}")
    return problems


@pytest.mark.django_db
@pytest.mark.parametrize("role", ROLES, ids=[r.name.lower() for r in ROLES])
def test_no_form_or_filter_answers_500(demo, role):
    import time

    client = _client(role)
    started = time.perf_counter()
    pages, forms = crawl(client)
    print(f"{role}: crawled {len(pages)} pages, {len(forms)} forms in {time.perf_counter() - started:.1f}s")
    assert pages, f"{role} reaches no page"
    problems = _fuzz_path_ids(client, pages) + _fuzz_page_filters(client, pages)
    for form in forms:
        started = time.perf_counter()
        problems += _fuzz_form(client, form)
        print(f"  {form.method} {form.action} {len(form.fields)} fields {time.perf_counter() - started:.1f}s")
    assert not problems, "\n".join(problems[:40])
