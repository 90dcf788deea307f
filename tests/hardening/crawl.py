"""Find every HTML page and form a role can reach, so the fuzz tests cover pages added after they were written.

Pages are found two ways: every route in the URL conf without parameters, and every same-site link followed from
those pages (which reaches routes with ids, e.g. /feedback/accounts/12/). Forms are read from the HTML as a
browser would submit them.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from html.parser import HTMLParser
from urllib.parse import parse_qsl, urljoin, urlsplit

from django.db import DatabaseError, transaction
from django.urls import URLPattern, URLResolver, get_resolver, resolve
from django.urls.exceptions import Resolver404

# Not pages a person browses: the API has its own fuzz (schemathesis), the admin is Django's, static is files.
SKIP_PREFIXES = ("/api/", "/admin/", "/static/", "/healthz", "/accounts/logout/", "/accounts/login/")


@dataclass
class Field:
    name: str
    kind: str  # input type, "select", "select-multiple", "textarea" or "button"
    value: str = ""
    options: list[str] = field(default_factory=list)
    checked: bool = False


@dataclass
class Form:
    page: str
    action: str
    method: str
    fields: list[Field] = field(default_factory=list)

    def defaults(self) -> dict[str, list[str]]:
        """What a browser sends when the form is submitted untouched (plus a plausible value in empty text boxes)."""
        data: dict[str, list[str]] = {}
        buttons_seen: set[str] = set()
        for f in self.fields:
            if f.kind in ("checkbox", "radio") and not f.checked:
                continue
            if f.kind == "button":
                if f.name in buttons_seen:
                    continue
                buttons_seen.add(f.name)
            if f.kind == "file":
                continue
            value = f.value
            if f.kind in ("select", "select-multiple") and not value and f.options:
                value = f.options[0]
            if not value and f.kind in ("text", "textarea", "search"):
                value = "" if self.method == "get" else "fuzz"
            data.setdefault(f.name, []).append(value)
        return data

    @property
    def key(self) -> tuple[str, str, tuple[str, ...]]:
        return (self.method, route_of(self.action), tuple(sorted({f.name for f in self.fields})))


class _FormParser(HTMLParser):
    def __init__(self, page: str) -> None:
        super().__init__(convert_charrefs=True)
        self.page = page
        self.forms: list[Form] = []
        self.links: list[str] = []
        self._form: Form | None = None
        self._select: Field | None = None
        self._textarea: Field | None = None
        self._option: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        if tag == "a" and a.get("href"):
            self.links.append(a["href"])
        elif tag == "form":
            action = urljoin(self.page, a.get("action") or self.page)
            self._form = Form(self.page, action, (a.get("method") or "get").lower())
            self.forms.append(self._form)
        elif self._form is None or not a.get("name"):
            return
        elif tag == "input":
            kind = (a.get("type") or "text").lower()
            if kind in ("submit", "image", "reset"):
                if a.get("name"):
                    self._form.fields.append(Field(a["name"], "button", a.get("value", "")))
                return
            self._form.fields.append(Field(a["name"], kind, a.get("value", ""), checked="checked" in a))
        elif tag == "button":
            self._form.fields.append(Field(a["name"], "button", a.get("value", "")))
        elif tag == "select":
            self._select = Field(a["name"], "select-multiple" if "multiple" in a else "select")
            self._form.fields.append(self._select)
        elif tag == "textarea":
            self._textarea = Field(a["name"], "textarea")
            self._form.fields.append(self._textarea)

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.handle_starttag(tag, attrs)

    def handle_data(self, data: str) -> None:
        if self._textarea is not None:
            self._textarea.value += data

    def handle_endtag(self, tag: str) -> None:
        if tag == "form":
            self._form = None
        elif tag == "select":
            self._select = None
        elif tag == "textarea":
            self._textarea = None


class _OptionAwareParser(_FormParser):
    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "option" and self._select is not None:
            a = {k: v or "" for k, v in attrs}
            value = a.get("value", "")
            self._select.options.append(value)
            if "selected" in a and not self._select.value:
                self._select.value = value
            return
        super().handle_starttag(tag, attrs)


def parse(page: str, html: str) -> tuple[list[Form], list[str]]:
    parser = _OptionAwareParser(page)
    parser.feed(html)
    return parser.forms, parser.links


def route_of(url: str) -> str:
    """The URL conf route a path resolves to ("feedback/accounts/<int:pk>/"), or the path when it resolves to none."""
    path = urlsplit(url).path
    try:
        match = resolve(path)
    except Resolver404:
        return path
    return match.route


def static_routes() -> Iterator[str]:
    """Every route in the URL conf that takes no parameters, as a path."""

    def walk(patterns: list, prefix: str) -> Iterator[str]:
        for pattern in patterns:
            text = prefix + str(pattern.pattern)
            if isinstance(pattern, URLResolver):
                yield from walk(pattern.url_patterns, text)
            elif isinstance(pattern, URLPattern) and "<" not in text and not text.startswith("^"):
                yield "/" + text.lstrip("^").rstrip("$")

    yield from walk(get_resolver().url_patterns, "")


def same_site_path(href: str, page: str) -> str | None:
    url = urlsplit(urljoin(page, href))
    if url.scheme not in ("", "http") or (url.netloc and url.netloc != "testserver"):
        return None
    path = url.path + (f"?{url.query}" if url.query else "")
    return None if url.path.startswith(SKIP_PREFIXES) else path


def finish(response):  # type: ignore[no-untyped-def]
    """Read a streamed response to its end inside the request's savepoint, as a WSGI server does before the request
    ends. Left unread, its generator (a CSV export's server-side cursor) would close at whatever moment the garbage
    collector picks, inside some later request's savepoint, where the cursor no longer exists: that aborts the test's
    transaction and blames an innocent page."""
    if getattr(response, "streaming", False):
        response.streaming_content = [b"".join(response.streaming_content)]
    return response


def crawl(client, *, max_per_route: int = 2, max_pages: int = 80) -> tuple[list[str], list[Form]]:
    """Pages the client's user can open (GET 200), and the distinct forms on them."""
    queue = [p for p in static_routes() if not p.startswith(SKIP_PREFIXES)]
    seen_paths: set[str] = set()
    per_route: dict[str, int] = {}
    pages: list[str] = []
    forms: dict[tuple, Form] = {}
    broken: list[str] = []
    while queue and len(pages) < max_pages:
        path = queue.pop(0)
        if path in seen_paths:
            continue
        seen_paths.add(path)
        route_key = route_of(path) + "?" + ",".join(sorted(k for k, _ in parse_qsl(urlsplit(path).query)))
        if per_route.get(route_key, 0) >= max_per_route:
            continue
        per_route[route_key] = per_route.get(route_key, 0) + 1
        try:
            with transaction.atomic():  # a view that swallows a database error must not poison later requests
                response = finish(client.get(path))
        except DatabaseError as exc:
            broken.append(f"broken transaction GET {path}: {str(exc).splitlines()[0]}")
            continue
        if response.status_code != 200 or "text/html" not in response.get("Content-Type", ""):
            continue
        pages.append(path)
        found_forms, links = parse(path, response.content.decode())
        for form in found_forms:
            if urlsplit(form.action).path.startswith(SKIP_PREFIXES):
                continue
            forms.setdefault(form.key, form)
        for href in links:
            target = same_site_path(href, path)
            if target and target not in seen_paths:
                queue.append(target)
    assert not broken, "\n".join(broken)
    return pages, list(forms.values())
