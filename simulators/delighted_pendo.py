"""Fake Delighted (survey responses, page/per_page/updated_since) and fake Pendo (aggregation by account and day)."""

from __future__ import annotations

from typing import Any

from simulators.server import FakeServer, Request, Response


class FakeDelighted(FakeServer):
    def __init__(self) -> None:
        super().__init__()
        self.responses: list[dict[str, Any]] = []
        self.route("GET", "/v1/survey_responses.json", self._list)

    def add(self, response_id: int, score: Any, email: str, updated_at: int, **extra: Any) -> None:
        self.responses.append({"id": response_id, "person": {"id": f"p{response_id}", "email": email}, "score": score,
                               "comment": extra.pop("comment", ""), "created_at": updated_at - 60, "updated_at": updated_at,
                               "person_properties": extra.pop("person_properties", {}), "tags": [], **extra})  # fmt: skip

    def _list(self, request: Request) -> Response:
        if "Authorization" not in request.headers:
            return Response(401, {"status": 401, "message": "Unauthorized"})
        since = int(request.query.get("updated_since", ["0"])[0])
        per_page = int(request.query.get("per_page", ["20"])[0])
        page = int(request.query.get("page", ["1"])[0])
        rows = sorted(
            (r for r in self.responses if r["updated_at"] >= since), key=lambda r: (r["updated_at"], r["id"])
        )
        return Response(200, rows[(page - 1) * per_page : page * per_page])


class FakePendo(FakeServer):
    def __init__(self) -> None:
        super().__init__()
        self.rows: list[dict[str, Any]] = []  # {"accountId", "day" (epoch ms), "numEvents", "numMinutes"}
        self.route("POST", "/api/v1/aggregation", self._aggregate)

    def _aggregate(self, request: Request) -> Response:
        if not request.headers.get("X-Pendo-Integration-Key"):
            return Response(403, {"error": "missing integration key"})
        series = request.json()["request"]["pipeline"][0]["source"]["timeSeries"]
        low, high = series["first"], series["first"] + series["count"] * 86_400_000
        return Response(200, {"results": [r for r in self.rows if low <= r["day"] < high]})
