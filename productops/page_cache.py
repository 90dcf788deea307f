"""Rendered pages kept per user under the versions of every table, so a page seen again before any write is served
without rendering it again.

Rendering, not SQL, is most of what a page costs (README, "Load"): a dashboard renders some 1,200 template nodes.
A page is kept under a key made of its host, path and query, the user, the day, and the write count of every table
of the portal's apps (`feedback_factchange`, appended in the writer's own transaction: by the dashboard's fact
triggers for the store's tables, by the statement triggers installed here for all the others). So any committed
write changes the key of every kept page, and a page is never shown older than the writes committed before the
request read the versions. Versions are read before the page is rendered: a write landing meanwhile is at worst in a
page kept under the older versions, never missing from one kept under the newer.

What differs between two requests of one user for the same page at the same versions is only the CSRF token: pages
are rendered with a placeholder in its place (`csrf_placeholder`, a context processor) and each response gets its
own token. Requests with messages waiting, htmx partials and anything but a plain 200 HTML response are not kept.
The cache is each web process's own memory, so a deploy (new templates, new code) starts empty.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from functools import wraps
from typing import Any

from django.apps import apps
from django.conf import settings
from django.contrib.messages import get_messages
from django.core.cache import caches
from django.db import connections
from django.http import HttpRequest, HttpResponse
from django.middleware.csrf import get_token
from django.utils import timezone

from feedback import facts

CACHE_ALIAS = "pages"
CSRF_PLACEHOLDER = "csrfplaceholder0c1d7e2b9f3a"
_RENDERING_FLAG = "_page_cache_rendering"

# Apps whose tables pages read, and so get a version trigger (their app label is the relation counted).
VERSIONED_APPS = ("audits", "auth", "digest", "feedback", "integrations", "readiness", "reports", "uploads")
# Tables counted by triggers of their own: the fact triggers of feedback/fact_sql.py and readiness's "affected".
COUNTED_ELSEWHERE = frozenset(
    {
        "feedback_feedbackitem",
        "feedback_feedbacktheme",
        "feedback_account",
        "feedback_opportunity",
        "feedback_opportunity_blocking_themes",
        "feedback_theme",
        "readiness_release_affected_accounts",
    }
)
# Written only by those triggers, from the tables above (and the change log itself): nothing to count.
DERIVED_TABLES = frozenset(
    {
        "feedback_itemfact",
        "feedback_accountfact",
        "feedback_classfact",
        "feedback_weekfact",
        "feedback_themeclassfact",
        "feedback_accountthemefact",
        "feedback_themeset",
        "feedback_factchange",
    }
)
TRIGGER_NAME = "page_version_touched"


def _app_tables(app_label: str) -> set[str]:
    return {
        model._meta.db_table
        for model in apps.get_app_config(app_label).get_models(include_auto_created=True)
        if model._meta.managed and not model._meta.proxy
    }


def versioned_tables(app_label: str) -> dict[str, str]:
    """Table → relation counted, for every table of an app in VERSIONED_APPS without a version of its own."""
    if app_label not in VERSIONED_APPS:
        return {}
    return {table: app_label for table in _app_tables(app_label) - (COUNTED_ELSEWHERE | DERIVED_TABLES)}


def install_version_triggers(sender: Any, using: str = "default", **_: Any) -> None:
    """post_migrate, once per app: give each of the app's versioned tables its statement trigger (idempotent, so a
    table added later is counted without anyone remembering to), and take it off a table counted elsewhere or
    derived (one named so after a migration had given it the trigger)."""
    tables = versioned_tables(sender.label)
    if not tables:
        return
    with connections[using].cursor() as cursor:
        cursor.execute("SELECT to_regproc('feedback_fact_touched') IS NOT NULL")
        if not cursor.fetchone()[0]:
            return  # the feedback app's migrations, which create the function, are not applied here
        for table, relation in sorted(tables.items()):
            cursor.execute(
                f"CREATE OR REPLACE TRIGGER {TRIGGER_NAME} AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE "
                f'ON "{table}" FOR EACH STATEMENT EXECUTE FUNCTION feedback_fact_touched(%s)',
                [relation],
            )
        for table in sorted(_app_tables(sender.label) - set(tables)):
            cursor.execute(f'DROP TRIGGER IF EXISTS {TRIGGER_NAME} ON "{table}"')


def enabled() -> bool:
    return settings.PAGE_CACHE_SECONDS > 0


def _key(request: HttpRequest) -> str:
    versions = facts.all_versions()
    stamp = ".".join(f"{relation}{count}" for relation, count in sorted(versions.items()))
    # Hashed: a query string can be kilobytes long.
    digest = hashlib.sha256(f"{request.get_host()}\n{request.get_full_path()}\n{stamp}".encode()).hexdigest()
    return f"page:{request.user.pk}:{timezone.localdate()}:{digest}"


def _keepable(request: HttpRequest) -> bool:
    return (
        enabled()
        and request.method == "GET"
        and not getattr(request, "htmx", False)
        and request.user.is_authenticated
        and not len(get_messages(request))  # a message is shown once: this request must render it
    )


def _with_token(content: bytes, request: HttpRequest) -> bytes:
    if CSRF_PLACEHOLDER.encode() not in content:
        return content
    return content.replace(CSRF_PLACEHOLDER.encode(), get_token(request).encode())


def cached_page(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Serve a GET page from the cache when this user saw it at these table versions today (put it inside
    `role_required`, so who may see the page is decided first)."""

    @wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not _keepable(request):
            return view(request, *args, **kwargs)
        key = _key(request)
        store = caches[CACHE_ALIAS]
        kept = store.get(key)
        if kept is None:
            setattr(request, _RENDERING_FLAG, True)
            try:
                response = view(request, *args, **kwargs)
                if hasattr(response, "render") and not response.is_rendered:
                    response.render()
            finally:
                setattr(request, _RENDERING_FLAG, False)
            if response.streaming:
                return response
            if (
                response.status_code == 200
                and set(response.headers) <= {"Content-Type"}
                and not response.cookies
                and response["Content-Type"].startswith("text/html")
            ):
                store.set(key, (response["Content-Type"], response.content), settings.PAGE_CACHE_SECONDS)
            response.content = _with_token(response.content, request)
            return response
        content_type, content = kept
        return HttpResponse(_with_token(content, request), content_type=content_type)

    return wrapped


def clear_on_setting_change(**_: Any) -> None:
    """Settings are fixed for a process's life, except under a test's override_settings: pages kept before it were
    rendered with other settings."""
    caches[CACHE_ALIAS].clear()


def clear_on_file_change(file_path: Any, **_: Any) -> None:
    """runserver's reloader: a template edited while the server runs does not restart it, so the pages kept from
    the old template go (a changed Python file restarts the process, which empties the cache anyway)."""
    caches[CACHE_ALIAS].clear()


def csrf_placeholder(request: HttpRequest) -> dict[str, str]:
    """Context processor: while a page is rendered to be kept, its CSRF token is the placeholder (after Django's
    own csrf processor, so this one wins)."""
    if getattr(request, _RENDERING_FLAG, False):
        return {"csrf_token": CSRF_PLACEHOLDER}
    return {}
