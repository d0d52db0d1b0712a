"""The CLICS part of the OpenAPI document: the paths only; the objects are the CLICS JSON
Schemas (2023-06), linked rather than copied."""

from __future__ import annotations

from typing import Any

from app.clics.service import COLLECTIONS

SPEC = "https://ccs-specs.icpc.io/2023-06/contest_api"
_ERROR = {"$ref": "#/components/responses/Error"}
_CONTEST = {"name": "contest_id", "in": "path", "required": True, "schema": {"type": "string"}}


def _get(
    summary: str, *, extra: list[dict[str, Any]] | None = None, mime: str = "application/json"
) -> dict[str, Any]:
    return {"get": {"tags": ["CLICS"], "summary": summary, "parameters": [_CONTEST, *(extra or [])],
                    "externalDocs": {"url": SPEC},
                    "responses": {"200": {"description": "As the CLICS Contest API 2023-06 says, for the "
                                          "client's role (jury, team or public).",
                                          "content": {mime: {}}},
                                  "404": _ERROR}}}  # fmt: skip


def clics_paths() -> dict[str, Any]:
    """The CLICS Contest API's paths under /api/v1 (security: none, bearer, session or basic)."""
    paths: dict[str, Any] = {
        "/": {"get": {"tags": ["CLICS"], "summary": "CLICS API information",
                      "responses": {"200": {"description": "version and provider"}}}},
        "/contests": {"get": {"tags": ["CLICS"], "summary": "The contests (rounds) this client may see",
                              "responses": {"200": {"description": "CLICS contest objects"}}}},
        "/contests/{contest_id}": _get("One contest"),
        "/contests/{contest_id}/access": _get("What this client is served and may do"),
        "/contests/{contest_id}/state": _get("The contest state"),
        "/contests/{contest_id}/scoreboard": _get("The scoreboard this role sees", extra=[
            {"name": "group_id", "in": "query", "required": False, "schema": {"type": "string"}}]),
        "/contests/{contest_id}/event-feed": _get("The NDJSON event feed", mime="application/x-ndjson", extra=[
            {"name": "since_token", "in": "query", "required": False, "schema": {"type": "string"}},
            {"name": "stream", "in": "query", "required": False, "schema": {"type": "boolean"}}]),
        "/contests/{contest_id}/submissions/{id}/files": _get("A submission's source as a zip",
                                                              mime="application/zip"),
    }  # fmt: skip
    item = {"name": "id", "in": "path", "required": True, "schema": {"type": "string"}}
    for endpoint in COLLECTIONS:
        paths[f"/contests/{{contest_id}}/{endpoint}"] = _get(
            f"The {endpoint} (ID properties filter)"
        )
        paths[f"/contests/{{contest_id}}/{endpoint}/{{id}}"] = _get(
            f"One of the {endpoint}", extra=[item]
        )
    write = {"tags": ["CLICS"], "externalDocs": {"url": SPEC},
             "requestBody": {"required": True, "content": {"application/json": {}}},
             "responses": {"201": {"description": "Created; Location names it"}, "400": _ERROR,
                           "401": _ERROR, "403": _ERROR, "409": _ERROR}}  # fmt: skip
    paths["/contests/{contest_id}/submissions"]["post"] = dict(write, summary="Submit (team or jury)",
                                                               parameters=[_CONTEST])  # fmt: skip
    paths["/contests/{contest_id}/submissions/{id}"]["put"] = dict(write, summary="The jury's submission by id",
                                                                   parameters=[_CONTEST, item])  # fmt: skip
    paths["/contests/{contest_id}/clarifications"]["post"] = dict(write, summary="Ask, answer or announce",
                                                                  parameters=[_CONTEST])  # fmt: skip
    paths["/contests/{contest_id}"]["patch"] = dict(
        write, summary="Set or clear the start time, or thaw the board (the jury)",
        parameters=[_CONTEST],
        responses={"200": {"description": "Thawed now: the contest"},
                   "204": {"description": "Changed as asked"}, "400": _ERROR, "401": _ERROR,
                   "403": _ERROR})  # fmt: skip
    return paths
