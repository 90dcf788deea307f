"""Product Ops text (intro, notes) as Markdown: parsed by markdown-it-py, then sanitised by nh3.

Raw HTML in the source is not passed through (markdown-it's html=False shows it as text), and nh3 keeps only the
tags below and http(s)/mailto links, so neither a <script> nor a javascript: link reaches a reader or an inbox.
"""

from __future__ import annotations

import re

import nh3
from markdown_it import MarkdownIt

_PARSER = MarkdownIt("commonmark", {"html": False, "breaks": True}).enable(["table", "strikethrough"])
ALLOWED_TAGS = {
    "p", "br", "strong", "em", "del", "a", "ul", "ol", "li", "code", "pre", "blockquote", "hr",
    "h3", "h4", "table", "thead", "tbody", "tr", "th", "td",
}  # fmt: skip
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}, "ol": {"start"}}
URL_SCHEMES = {"http", "https", "mailto"}
_UNSAFE = re.compile(r"<\s*/?\s*[a-z][^>]*>|\]\(\s*(?!https?:|mailto:|#|/)[a-z][a-z0-9+.-]*:", re.IGNORECASE)


def render_markdown(text: str) -> str:
    html = _PARSER.render(text or "")
    return nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes=URL_SCHEMES,
        link_rel="noopener noreferrer",
    )


def has_unsafe_markup(text: str) -> bool:
    """Raw HTML tags or links with another scheme than http(s)/mailto: the editor says they will not render."""
    return bool(_UNSAFE.search(text or ""))
