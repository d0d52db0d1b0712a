"""problem.yaml and test-group settings of an export, in the format the package came in.

A challenge imported from a package keeps that package's format (package_meta["format"]);
one authored in codedev is written as 2025-09. Each writer is the inverse of its parser, so
an import of the export stores the same challenge.
"""

from __future__ import annotations

import uuid
from typing import Any

from app.challenges.validation.timing import DRAFT, LEGACY
from app.models import Challenge
from app.packages.config import validator_flags
from app.packages.format2025 import VERSION as V2025

DEFAULT_FORMAT = V2025


def export_format(challenge: Challenge) -> str:
    """The format an export of this challenge is written in."""
    version = str((challenge.package_meta or {}).get("format") or DEFAULT_FORMAT)
    return version if version in (LEGACY, DRAFT, V2025) else DEFAULT_FORMAT


def _names(challenge: Challenge) -> str | dict[str, str]:
    meta = challenge.package_meta or {}
    names = dict(meta.get("names") or {})
    names[meta.get("statement_language", "en")] = challenge.title
    return challenge.title if list(names) == ["en"] else names


def _uuid(challenge: Challenge) -> str:
    meta = challenge.package_meta or {}
    return str(meta.get("uuid") or uuid.uuid5(uuid.NAMESPACE_URL, f"codedev:{challenge.slug}"))


def _scoring(challenge: Challenge) -> bool:
    return any(group.points for group in challenge.groups)


def flags(challenge: Challenge) -> list[str]:
    """The output validator flags of the challenge's checker."""
    if challenge.checker == "exact":
        return ["case_sensitive", "space_change_sensitive"]
    custom = challenge.checker == "custom"
    return validator_flags(challenge.checker_options or {}, custom=custom)


def _size_limits(challenge: Challenge) -> dict[str, Any]:
    return {
        "memory": challenge.memory_limit_mb,
        "output": max(1, -(-challenge.output_limit_kb // 1024)),
    }


def _common(challenge: Challenge, doc: dict[str, Any], keys: tuple[str, ...]) -> None:
    meta = challenge.package_meta or {}
    for key in keys:
        if key in meta:
            doc[key] = meta[key]


def problem_yaml(challenge: Challenge) -> dict[str, Any]:
    """problem.yaml of the export, in export_format(challenge)."""
    version = export_format(challenge)
    if version == LEGACY:
        return _legacy(challenge)
    if version == DRAFT:
        return _draft(challenge)
    return _v2025(challenge)


def _legacy(challenge: Challenge) -> dict[str, Any]:
    meta = challenge.package_meta or {}
    doc: dict[str, Any] = {}
    if _scoring(challenge) or "scoring" in (meta.get("type") or ()):
        doc["type"] = "scoring"
    doc["name"] = _names(challenge)
    doc["uuid"] = _uuid(challenge)
    _common(challenge, doc, ("version",))
    if isinstance(meta.get("credits"), str):
        doc["author"] = meta["credits"]
    source = meta.get("source")
    if isinstance(source, dict):
        doc["source"] = source.get("name")
        if source.get("url"):
            doc["source_url"] = source["url"]
    elif source is not None:
        doc["source"] = source
    _common(challenge, doc, ("license", "rights_owner"))
    if challenge.checker == "custom":
        doc["validation"] = "custom interactive" if challenge.is_interactive() else "custom"
    if flags(challenge):
        doc["validator_flags"] = " ".join(flags(challenge))
    timing = meta.get("time_multipliers") or {}
    limits = {
        key: timing[key] for key in ("time_multiplier", "time_safety_margin") if key in timing
    }
    doc["limits"] = {**limits, **_size_limits(challenge)}
    if challenge.tags:
        doc["keywords"] = list(challenge.tags)
    if challenge.languages is not None:
        doc["languages"] = list(challenge.languages)
    return doc


def _time_limits(challenge: Challenge) -> dict[str, Any]:
    meta = challenge.package_meta or {}
    limits: dict[str, Any] = {}
    timing = meta.get("time_multipliers") or {}
    if "ac_to_time_limit" in timing:
        limits["time_multipliers"] = {
            "ac_to_time_limit": timing["ac_to_time_limit"],
            "time_limit_to_tle": timing["time_limit_to_tle"],
        }
        limits["time_resolution"] = timing["time_resolution"]
    if not meta.get("time_limit_pending"):
        limits["time_limit"] = challenge.time_limit_ms / 1000
        resolution = float(limits.get("time_resolution", 1.0))
        if challenge.time_limit_ms % round(resolution * 1000):
            # An authored limit in milliseconds: 2025-09 wants a multiple of the resolution.
            limits["time_resolution"] = 0.001
    return limits


def _draft(challenge: Challenge) -> dict[str, Any]:
    doc: dict[str, Any] = {"problem_format_version": DRAFT}
    kinds = list((challenge.package_meta or {}).get("type") or ())
    if kinds:  # an interactive problem's, as its package wrote it
        doc["type"] = kinds[0] if len(kinds) == 1 else kinds
    elif _scoring(challenge):
        doc["type"] = "scoring"
    doc["name"] = _names(challenge)
    doc["uuid"] = _uuid(challenge)
    _common(challenge, doc, ("version", "credits", "source", "license", "rights_owner"))
    doc["limits"] = {**_time_limits(challenge), **_size_limits(challenge)}
    if challenge.tags:
        doc["keywords"] = list(challenge.tags)
    if challenge.languages is not None:
        doc["languages"] = list(challenge.languages)
    return doc


def _v2025(challenge: Challenge) -> dict[str, Any]:
    meta = challenge.package_meta or {}
    doc: dict[str, Any] = {"problem_format_version": V2025}
    kinds = list(meta.get("type") or ["scoring" if _scoring(challenge) else "pass-fail"])
    doc["type"] = kinds[0] if len(kinds) == 1 else kinds
    doc["name"] = _names(challenge)
    doc["uuid"] = _uuid(challenge)
    _common(
        challenge,
        doc,
        ("version", "credits", "source", "license", "rights_owner", "embargo_until"),
    )
    doc["limits"] = {
        **_time_limits(challenge),
        **_size_limits(challenge),
        **(meta.get("limits") or {}),
    }
    if challenge.tags:
        doc["keywords"] = list(challenge.tags)
    if challenge.languages is not None:
        doc["languages"] = list(challenge.languages)
    _common(challenge, doc, ("allow_file_writing", "constants"))
    return doc


def group_files(challenge: Challenge) -> dict[str, dict[str, Any]]:
    """{path of a test_group.yaml / testdata.yaml: its settings} for the export's data/."""
    version = export_format(challenge)
    meta = challenge.package_meta or {}
    out: dict[str, dict[str, Any]] = {}
    if version == LEGACY:
        for group in challenge.groups:
            out[f"data/secret/{group.name}/testdata.yaml"] = {
                "grading": "default",
                "grader_flags": "min",
                "accept_score": _number(group.points),
            }
        return out
    if version == DRAFT:
        for group in challenge.groups:
            out[f"data/secret/{group.name}/test_group.yaml"] = {
                "scoring": {"score": group.points, "aggregation": "min"}
            }
        if flags(challenge):
            out["data/test_group.yaml"] = {"output_validator_args": flags(challenge)}
        return out
    kept: dict[str, dict[str, Any]] = meta.get("test_groups") or {}
    aggregation = meta.get("group_aggregation") or {}
    root = dict(kept.get("data", {}))
    if flags(challenge):
        root["output_validator_args"] = flags(challenge)
    if root or "data" in kept:
        out["data/test_group.yaml"] = root
    for folder in ("data/sample", "data/secret"):
        if folder in kept:
            out[f"{folder}/test_group.yaml"] = dict(kept[folder])
    # A pass-fail problem's groups carry no points, and the spec forbids it scoring keys.
    scoring = "scoring" in (meta.get("type") or ["scoring" if _scoring(challenge) else ""])
    total = sum(group.points for group in challenge.groups)
    if scoring and challenge.groups and meta.get("format") != V2025 and total != 100:
        # Authored points need not add up to the spec's default max_score of 100.
        out["data/secret/test_group.yaml"] = {"max_score": _number(total)}
    for group in challenge.groups:
        folder = f"data/secret/{group.name}"
        points = {
            "max_score": _number(group.points),
            "score_aggregation": aggregation.get(group.name, "pass-fail"),
        }
        out[f"{folder}/test_group.yaml"] = {**(points if scoring else {}), **kept.get(folder, {})}
    return out


def _number(value: float) -> int | float:
    return int(value) if float(value).is_integer() else value
