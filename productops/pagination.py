"""API pages have a ceiling: ?limit= above API_MAX_PAGE_SIZE, or anything not a whole number, is a 400 naming it."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from rest_framework.exceptions import ValidationError
from rest_framework.pagination import LimitOffsetPagination
from rest_framework.request import Request

# PostgreSQL's OFFSET is a bigint; far below that, an offset past every row is simply an empty page.
MAX_OFFSET = 2**31 - 1


def _whole_number(request: Request, name: str, *, minimum: int, maximum: int) -> int | None:
    raw = request.query_params.get(name)
    if raw is None or raw == "":
        return None
    text = raw.strip()
    if not text.isascii() or not text.isdigit() or len(text) > 12:
        raise ValidationError({name: [f"Must be a whole number from {minimum} to {maximum}."]})
    value = int(text)
    if not minimum <= value <= maximum:
        raise ValidationError({name: [f"Must be a whole number from {minimum} to {maximum}."]})
    return value


class BoundedLimitOffsetPagination(LimitOffsetPagination):
    @property
    def max_limit(self) -> int:  # type: ignore[override]
        return settings.API_MAX_PAGE_SIZE

    def get_limit(self, request: Request) -> int:
        value = _whole_number(request, self.limit_query_param, minimum=1, maximum=self.max_limit)
        return self.default_limit if value is None else value

    def get_offset(self, request: Request) -> int:
        value = _whole_number(request, self.offset_query_param, minimum=0, maximum=MAX_OFFSET)
        return value or 0

    def get_schema_operation_parameters(self, view: Any) -> list[dict[str, Any]]:
        parameters = super().get_schema_operation_parameters(view)
        bounds = {
            self.limit_query_param: {"minimum": 1, "maximum": self.max_limit},
            self.offset_query_param: {"minimum": 0, "maximum": MAX_OFFSET},
        }
        for parameter in parameters:
            parameter["schema"].update(bounds.get(parameter["name"], {}))
        return parameters
