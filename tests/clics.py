"""Validate CLICS output against the spec's JSON Schemas (tests/clics_schema/), strictly."""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path
from typing import Any

from jsonschema import Draft202012Validator
from referencing import Registry, Resource

SCHEMAS = Path(__file__).parent / "clics_schema"
ANCHOR = "ANCHOR_TO_INSERT_REQUIRE_STRICT_PROPERTIES"
BASE = "https://github.com/icpc/ccs-specs/raw/2023-06/json-schema/"


def _strict(node: Any) -> Any:
    """The spec's strict variant: no properties beyond those a schema names."""
    if isinstance(node, dict):
        out = {k: _strict(v) for k, v in node.items() if not (k == "$comment" and v == ANCHOR)}
        if node.get("$comment") == ANCHOR:
            out["additionalProperties"] = False
        return out
    if isinstance(node, list):
        return [_strict(v) for v in node]
    return node


@cache
def _validators(strict: bool) -> dict[str, Draft202012Validator]:
    documents = {p.stem: json.loads(p.read_text()) for p in SCHEMAS.glob("*.json")}
    if strict:
        documents = {name: _strict(doc) for name, doc in documents.items()}
    registry: Registry = Registry().with_resources(
        (doc["$id"], Resource.from_contents(doc)) for doc in documents.values()
    )
    return {name: Draft202012Validator(doc, registry=registry) for name, doc in documents.items()}


def check(schema: str, value: Any, *, strict: bool = True) -> None:
    """Raise jsonschema.ValidationError unless value matches the named schema (e.g. "teams")."""
    _validators(strict)[schema].validate(value)


def errors(schema: str, value: Any, *, strict: bool = True) -> list[str]:
    """Every way value fails the schema (empty when it matches)."""
    return [e.message for e in _validators(strict)[schema].iter_errors(value)]
