"""Pure parsing of package settings: problem.yaml, test-group yaml, validator flags, time limit."""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

import yaml

from app.challenges.validation.timing import DRAFT, LEGACY, TimingRule
from app.errors import ValidationError
from app.judging import languages as judge_languages

# Submission folders we judge, and the verdict each one expects.
VERDICT_FOLDERS = {
    "accepted": "AC",
    "wrong_answer": "WA",
    "time_limit_exceeded": "TLE",
    "run_time_error": "RE",
}
# The expected verdict of an example submission whose folder has no one verdict (2025-09's
# rejected, brute_force or an author's own): verify checks it by its submissions.yaml rules.
BY_RULES = "RULES"
FOLDER_FOR_VERDICT = {verdict: folder for folder, verdict in VERDICT_FOLDERS.items()}
UNSUPPORTED_TYPES = ("multi-pass", "submit-answer")


@dataclass
class ProblemConfig(TimingRule):
    """What codedev uses from problem.yaml (its timing rule: TimingRule's fields)."""

    names: dict[str, str] = field(default_factory=dict)
    scoring: bool = False
    custom_validation: bool = False  # legacy `validation: custom`
    validator_flags: list[str] = field(default_factory=list)
    time_limit_s: float | None = None
    memory_mb: int | None = None
    output_mb: int | None = None
    keywords: list[str] = field(default_factory=list)
    languages: list[str] | None = None
    meta: dict[str, Any] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)


def load_yaml(data: bytes, where: str) -> dict[str, Any]:
    """A YAML mapping (empty file = {}); ValidationError naming the file otherwise."""
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise ValidationError(f"{where}: not UTF-8 ({error})") from error
    try:
        value = yaml.safe_load(text)
    except yaml.YAMLError as error:
        raise ValidationError(f"{where}: malformed YAML ({error})") from error
    if value is None:
        return {}
    if not isinstance(value, dict):
        raise ValidationError(f"{where}: expected a mapping at the top level")
    return value


def _number(value: Any, where: str, key: str, *, minimum: float = 0.0) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise ValidationError(f"{where}: {key} must be a number, not {value!r}")
    if not math.isfinite(value) or value <= minimum:
        raise ValidationError(f"{where}: {key} must be greater than {minimum:g}")
    return float(value)


def _words(value: Any, where: str, key: str) -> list[str]:
    """A space-separated string or a list of strings, as a list."""
    if value is None:
        return []
    if isinstance(value, str):
        return value.split()
    if isinstance(value, int | float) and not isinstance(value, bool):
        return [str(value)]  # `validator_flags: 7`: YAML reads the one word as a number
    if isinstance(value, list) and all(isinstance(item, str | int | float) for item in value):
        return [str(item) for item in value]
    raise ValidationError(f"{where}: {key} must be a string or a list of strings")


def parse_problem_yaml(data: bytes, where: str = "problem.yaml") -> ProblemConfig:
    """Parse problem.yaml of either the legacy or the 2023-07-draft format."""
    return parse_older_problem_yaml(load_yaml(data, where), where)


def problem_format(raw: dict[str, Any]) -> str:
    """The problem_format_version a loaded problem.yaml declares (legacy when it has none)."""
    return str(raw.get("problem_format_version", LEGACY))


def parse_older_problem_yaml(raw: dict[str, Any], where: str) -> ProblemConfig:
    """problem.yaml of the legacy or the 2023-07-draft format (the mapping already loaded)."""
    config = ProblemConfig()
    version = problem_format(raw)
    if version not in (LEGACY, "legacy-icpc", DRAFT, "2023-07", "draft"):
        raise ValidationError(f"{where}: unsupported problem_format_version {version!r}")
    config.version = LEGACY if version.startswith(LEGACY) else DRAFT

    name = raw.get("name")
    if isinstance(name, str):
        config.names = {"en": name.strip()}
    elif isinstance(name, dict) and all(isinstance(v, str) for v in name.values()):
        config.names = {str(lang): value.strip() for lang, value in name.items()}
    elif name is not None:
        raise ValidationError(f"{where}: name must be a string or a map of language to string")

    kinds = _words(raw.get("type", "pass-fail"), where, "type")
    for kind in kinds:
        if kind == "interactive" and config.version == LEGACY:
            raise ValidationError(
                f"{where}: type must be pass-fail or scoring; a legacy interactive problem "
                "says `validation: custom interactive`"
            )
        if kind in UNSUPPORTED_TYPES:
            hint = " in this format (it is in 2025-09)" if kind == "multi-pass" else ""
            raise ValidationError(f"{where}: {kind} problems are not supported by codedev{hint}")
        if kind not in ("pass-fail", "scoring", "interactive"):
            raise ValidationError(f"{where}: unknown problem type {kind!r}")
    config.scoring = "scoring" in kinds

    validation = _words(raw.get("validation", "default"), where, "validation")
    if validation and validation[0] not in ("default", "custom"):
        raise ValidationError(f"{where}: validation must start with default or custom")
    if "interactive" in validation and validation[0] != "custom":
        raise ValidationError(f"{where}: validation: interactive needs custom (custom interactive)")
    config.custom_validation = bool(validation) and validation[0] == "custom"
    if "score" in validation:
        config.scoring = True
    if "interactive" in kinds:  # 2023-07-draft: the type as written, for the export
        config.meta["type"] = list(kinds)
    elif "interactive" in validation:
        # Legacy: the output validator is the interactor (worker/interactive.py), as a
        # 2025-09 `type: [pass-fail, interactive]` problem's is.
        config.meta["type"] = ["scoring" if config.scoring else "pass-fail", "interactive"]
    config.validator_flags = _words(raw.get("validator_flags"), where, "validator_flags")

    limits = raw.get("limits") or {}
    if not isinstance(limits, dict):
        raise ValidationError(f"{where}: limits must be a map")
    _parse_limits(config, limits, where)

    config.keywords = _words(raw.get("keywords"), where, "keywords")
    languages = raw.get("languages")
    if languages is not None and languages != "all":
        config.languages = _words(languages, where, "languages")
    for key in ("uuid", "version", "credits", "source", "license", "rights_owner"):
        if key in raw:
            config.meta[key] = raw[key]
    # Legacy spellings, stored the 2023-07-draft way so an export reads back the same.
    if "author" in raw and "credits" not in raw:
        config.meta["credits"] = raw["author"]
    if "source_url" in raw and isinstance(raw.get("source"), str):
        config.meta["source"] = {"name": raw["source"], "url": raw["source_url"]}
    return config


def _parse_limits(config: ProblemConfig, limits: dict[str, Any], where: str) -> None:
    """Fill the time and size limits of config from the `limits` map."""
    if "time_limit" in limits:
        config.time_limit_s = _number(limits["time_limit"], where, "limits.time_limit")
    if "time_multiplier" in limits:
        config.time_multiplier = _number(limits["time_multiplier"], where, "time_multiplier")
    if "time_safety_margin" in limits:
        config.time_safety_margin = _number(
            limits["time_safety_margin"], where, "time_safety_margin"
        )
    multipliers = limits.get("time_multipliers") or {}
    if not isinstance(multipliers, dict):
        raise ValidationError(f"{where}: limits.time_multipliers must be a map")
    if "ac_to_time_limit" in multipliers:
        config.ac_to_time_limit = _number(
            multipliers["ac_to_time_limit"], where, "ac_to_time_limit", minimum=0.999
        )
    if "time_limit_to_tle" in multipliers:
        config.time_limit_to_tle = _number(
            multipliers["time_limit_to_tle"], where, "time_limit_to_tle", minimum=0.999
        )
    if "time_resolution" in limits:
        config.time_resolution = _number(limits["time_resolution"], where, "time_resolution")
    if "memory" in limits:
        config.memory_mb = math.ceil(_number(limits["memory"], where, "limits.memory"))
    if "output" in limits:
        config.output_mb = math.ceil(_number(limits["output"], where, "limits.output"))


def checker_options(flags: list[str], where: str, *, custom: bool) -> dict[str, Any]:
    """Validator flags as codedev checker options (custom checkers get them as `args`)."""
    if custom:
        return {"args": list(flags)} if flags else {}
    options: dict[str, Any] = {}
    words = iter(flags)
    for word in words:
        if word in ("case_sensitive", "space_change_sensitive"):
            options[word] = True
        elif word in ("float_tolerance", "float_absolute_tolerance", "float_relative_tolerance"):
            value = next(words, None)
            try:
                number = float(value) if value is not None else math.nan
            except ValueError:
                number = math.nan
            if not math.isfinite(number) or number < 0:
                raise ValidationError(f"{where}: {word} needs a non-negative number")
            options[word] = number
        else:
            raise ValidationError(f"{where}: unknown default-validator flag {word!r}")
    return options


def validator_flags(options: dict[str, Any], *, custom: bool) -> list[str]:
    """The inverse of checker_options: flags for the package."""
    if custom:
        return [str(arg) for arg in options.get("args", [])]
    flags: list[str] = []
    for key in ("case_sensitive", "space_change_sensitive"):
        if options.get(key):
            flags.append(key)
    for key in ("float_tolerance", "float_absolute_tolerance", "float_relative_tolerance"):
        if key in options:
            flags += [key, repr(float(options[key]))]
    return flags


@dataclass
class GroupSettings:
    """What codedev uses from testdata.yaml / test_group.yaml."""

    points: float | None = None
    accept_score: float | None = None
    aggregation: str = "sum"
    output_validator_flags: list[str] | None = None
    requires: list[str] = field(default_factory=list)  # 2025-09 require_pass, canonical names


def parse_group_yaml(data: bytes, where: str) -> GroupSettings:
    """Points and flags of a test group (legacy, older and newer 2023-07-draft keys)."""
    raw = load_yaml(data, where)
    settings = GroupSettings()
    for key in ("scoring", "grading"):
        block = raw.get(key)
        if isinstance(block, dict):
            score = block.get("score", block.get("max_score"))
            if score is not None and score != "unbounded":
                settings.points = _number(score, where, f"{key}.score", minimum=-1e-9)
            settings.aggregation = str(block.get("aggregation", settings.aggregation))
        elif block is not None and not isinstance(block, str):
            raise ValidationError(f"{where}: {key} must be a map or a string")
    if "points" in raw:
        settings.points = _number(raw["points"], where, "points", minimum=-1e-9)
    if "accept_score" in raw:
        settings.accept_score = _number(raw["accept_score"], where, "accept_score", minimum=-1e-9)
        if "min" in _words(raw.get("grader_flags"), where, "grader_flags"):
            settings.aggregation = "min"
    for key in ("output_validator_flags", "output_validator_args"):
        if key in raw:
            value = raw[key]
            if isinstance(value, dict):  # legacy {name, flags}
                value = value.get("flags", "")
            settings.output_validator_flags = _words(value, where, key)
    return settings


def language_for_path(name: str) -> str | None:
    """The language of a source file by its extension (the registry's Kattis table), or None."""
    return judge_languages.language_for_path(name)
