"""Pure parsing of the 2025-09 format's own files: problem.yaml, test_group.yaml, constants.

Unknown keys are warnings (as problemtools treats them), wrongly typed known keys refuse the
package with the file, the key and what was expected. What codedev does not judge by but an
export must write back (credits, source, extra limits, constants, ...) lands in `meta`.
"""

from __future__ import annotations

import re
from typing import Any

from app.errors import ValidationError
from app.judging.group_dependencies import canonical
from app.packages import config as cfg

VERSION = "2025-09"
KINDS = ("pass-fail", "scoring", "multi-pass", "interactive", "submit-answer")
# Submit-answer has no program to run.
UNSUPPORTED_KINDS = ("submit-answer",)
INCOMPATIBLE = {("pass-fail", "scoring"), ("multi-pass", "submit-answer")}
LICENSES = ("unknown", "public domain", "cc0", "cc by", "cc by-sa", "educational", "permission")
PROBLEM_KEYS = (
    "problem_format_version", "type", "name", "uuid", "version", "credits", "source",
    "license", "rights_owner", "embargo_until", "limits", "keywords", "languages",
    "allow_file_writing", "constants",
)  # fmt: skip
# Integer limits in the spec's units; codedev keeps them for the export (memory and output
# also set the challenge's limits).
INT_LIMITS = (
    "memory", "output", "code", "compilation_time", "compilation_memory", "validation_time",
    "validation_memory", "validation_output", "validation_passes",
)  # fmt: skip
LIMIT_KEYS = ("time_multipliers", "time_limit", "time_resolution", *INT_LIMITS)
GROUP_KEYS = (
    "max_score", "score_aggregation", "static_validation_score", "require_pass", "args",
    "input_validator_args", "static_validator_args", "output_validator_args",
    "input_visualizer_args", "output_visualizer_args", "full_feedback",
)  # fmt: skip
AGGREGATIONS = ("pass-fail", "sum", "min")
CASE_KEYS = (
    "args", "input_validator_args", "output_validator_args", "input_visualizer_args",
    "output_visualizer_args", "full_feedback", "hint", "description",
)  # fmt: skip
CONSTANT_NAME = re.compile(r"^[a-zA-Z_][a-zA-Z0-9_]*$")
CONSTANT_USE = re.compile(
    r"\{\{([a-zA-Z_][a-zA-Z0-9_]*)(?:\.([a-zA-Z0-9_]+))?\}\}"
    r"|\\constant\{([a-zA-Z_][a-zA-Z0-9_]*)(?:\.([a-zA-Z0-9_]+))?\}"
)


def _unknown(raw: dict[str, Any], known: tuple[str, ...], where: str, warnings: list[str]) -> None:
    for key in raw:
        if key not in known:
            warnings.append(f"{where}: unknown key {key!r} ignored")


def _int(value: Any, where: str, key: str, *, minimum: int = 1) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < minimum:
        raise ValidationError(f"{where}: {key} must be an integer >= {minimum}, not {value!r}")
    return value


def _strings(value: Any, where: str, key: str) -> list[str]:
    if isinstance(value, list) and all(isinstance(item, str) for item in value):
        return list(value)
    raise ValidationError(f"{where}: {key} must be a sequence of strings, not {value!r}")


def parse_problem_yaml(raw: dict[str, Any], where: str, warnings: list[str]) -> cfg.ProblemConfig:
    """problem.yaml of format 2025-09 (the mapping already loaded)."""
    config = cfg.ProblemConfig(version=VERSION)
    _unknown(raw, PROBLEM_KEYS, where, warnings)
    kinds = raw.get("type", "pass-fail")
    if isinstance(kinds, str):
        kinds = kinds.split()  # the spec's own examples write "pass-fail interactive"
    if not isinstance(kinds, list) or not kinds or not all(isinstance(k, str) for k in kinds):
        raise ValidationError(f"{where}: type must be a string or a non-empty list of strings")
    for kind in kinds:
        if kind not in KINDS:
            raise ValidationError(f"{where}: type {kind!r} is not one of {', '.join(KINDS)}")
        if kinds.count(kind) > 1:
            raise ValidationError(f"{where}: type lists {kind!r} twice")
    for first, second in INCOMPATIBLE:
        if first in kinds and second in kinds:
            raise ValidationError(f"{where}: type cannot be both {first} and {second}")
    for kind in kinds:
        if kind in UNSUPPORTED_KINDS:
            raise ValidationError(f"{where}: {kind} problems are not supported by codedev")
    config.scoring = "scoring" in kinds
    config.meta["type"] = list(kinds)

    name = raw.get("name")
    if isinstance(name, str):
        config.names = {"en": name.strip()}
    elif isinstance(name, dict) and name and all(isinstance(v, str) for v in name.values()):
        config.names = {str(lang): value.strip() for lang, value in name.items()}
    else:
        raise ValidationError(f"{where}: name is required: a string or a map of language to name")
    uuid = raw.get("uuid")
    if not isinstance(uuid, str) or not uuid.strip():
        raise ValidationError(f"{where}: uuid is required and must be a string")
    config.meta["uuid"] = uuid
    for key in ("version", "rights_owner"):
        if key in raw:
            if not isinstance(raw[key], str):
                raise ValidationError(f"{where}: {key} must be a string")
            config.meta[key] = raw[key]
    if "credits" in raw:
        if not isinstance(raw["credits"], str | dict):
            raise ValidationError(f"{where}: credits must be a string or a map")
        config.meta["credits"] = raw["credits"]
    if "source" in raw:
        if not isinstance(raw["source"], str | list | dict):
            raise ValidationError(f"{where}: source must be a string, a list or a map")
        config.meta["source"] = raw["source"]
    if "license" in raw:
        if raw["license"] not in LICENSES:
            raise ValidationError(f"{where}: license must be one of {', '.join(LICENSES)}")
        config.meta["license"] = raw["license"]
    if "embargo_until" in raw:
        config.meta["embargo_until"] = str(raw["embargo_until"])
    if "allow_file_writing" in raw:
        if not isinstance(raw["allow_file_writing"], bool):
            raise ValidationError(f"{where}: allow_file_writing must be true or false")
        config.meta["allow_file_writing"] = raw["allow_file_writing"]
    _limits(config, raw.get("limits", {}), where, warnings)
    if "keywords" in raw:
        config.keywords = _strings(raw["keywords"], where, "keywords")
    languages = raw.get("languages", "all")
    if languages != "all":
        if isinstance(languages, str):
            languages = [languages]
        config.languages = _strings(languages, where, "languages")
    if "constants" in raw:
        config.meta["constants"] = parse_constants(raw["constants"], where)
    return config


def _limits(config: cfg.ProblemConfig, limits: Any, where: str, warnings: list[str]) -> None:
    if not isinstance(limits, dict):
        raise ValidationError(f"{where}: limits must be a map")
    _unknown(limits, LIMIT_KEYS, f"{where}: limits", warnings)
    # The timing keys are the 2023-07 ones; that parser checks them.
    cfg._parse_limits(config, {k: v for k, v in limits.items() if k not in INT_LIMITS}, where)
    extra: dict[str, int] = {}
    for key in INT_LIMITS:
        if key in limits:
            minimum = 2 if key == "validation_passes" else 1
            extra[key] = _int(limits[key], where, f"limits.{key}", minimum=minimum)
    if "memory" in extra:
        config.memory_mb = extra["memory"]
    if "output" in extra:
        config.output_mb = extra["output"]
    if config.time_limit_s is not None:
        steps = config.time_limit_s / config.time_resolution
        if abs(steps - round(steps)) > 1e-9:
            raise ValidationError(
                f"{where}: limits.time_limit must be a multiple of time_resolution "
                f"({config.time_resolution:g})"
            )
    # Time and size limits live in the challenge's columns; the others only in the export.
    if "validation_passes" in extra and "multi-pass" not in config.meta.get("type", ()):
        warnings.append(f"{where}: limits.validation_passes is only used by multi-pass problems")
    others = {k: v for k, v in extra.items() if k not in ("memory", "output")}
    if others:
        config.meta["limits"] = others


def parse_constants(value: Any, where: str) -> dict[str, dict[str, Any]]:
    """constants: {name: scalar or {value, variants...}} as {name: {"value": ..., ...}}."""
    if not isinstance(value, dict):
        raise ValidationError(f"{where}: constants must be a map of names to values")
    constants: dict[str, dict[str, Any]] = {}
    for name, entry in value.items():
        if not isinstance(name, str) or not CONSTANT_NAME.match(name):
            raise ValidationError(f"{where}: constants: {name!r} is not a valid constant name")
        if not isinstance(entry, dict):
            entry = {"value": entry}
        if "value" not in entry:
            raise ValidationError(f"{where}: constants.{name} needs a value")
        for variant, item in entry.items():
            if isinstance(item, bool) or not isinstance(item, int | float | str):
                raise ValidationError(
                    f"{where}: constants.{name}.{variant} must be an integer, float or string"
                )
        constants[name] = dict(entry)
    return constants


def substitute(text: str, constants: dict[str, dict[str, Any]]) -> str:
    """{{name}}, {{name.variant}} and LaTeX's \\constant{name} replaced; unknown ones kept."""
    if not constants:
        return text

    def replace(match: re.Match[str]) -> str:
        entry = constants.get(match.group(1) or match.group(3))
        variant = match.group(2) or match.group(4) or "value"
        if entry is None or variant not in entry:
            return match.group(0)
        return str(entry[variant])

    return CONSTANT_USE.sub(replace, text)


def substitute_bytes(data: bytes, constants: dict[str, dict[str, Any]]) -> bytes:
    """substitute() on a file's bytes when they are UTF-8 text; anything else (an image, a
    compiled helper in include/) is returned untouched, byte for byte."""
    if not constants:
        return data
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        return data
    return substitute(text, constants).encode("utf-8")


def parse_group_yaml(
    raw: dict[str, Any], where: str, warnings: list[str], *, folder: str
) -> cfg.GroupSettings:
    """A 2025-09 test_group.yaml; folder is data, data/sample, data/secret or a group."""
    _unknown(raw, GROUP_KEYS, where, warnings)
    settings = cfg.GroupSettings(aggregation="sum" if folder == "data/secret" else "pass-fail")
    if folder in ("data", "data/sample"):
        for key in ("max_score", "score_aggregation", "require_pass"):
            if key in raw and folder == "data/sample":
                raise ValidationError(f"{where}: {key} is not permitted in sample")
    if "max_score" in raw and raw["max_score"] != "unbounded":
        score = raw["max_score"]
        if isinstance(score, bool) or not isinstance(score, int | float) or score < 0:
            raise ValidationError(f"{where}: max_score must be an integer >= 0 or unbounded")
        if not float(score).is_integer():
            warnings.append(f"{where}: max_score {score} is not an integer (kept as given)")
        settings.points = float(score)
    elif folder == "data/secret":
        settings.points = 100.0
    if "score_aggregation" in raw:
        if raw["score_aggregation"] not in AGGREGATIONS:
            raise ValidationError(
                f"{where}: score_aggregation must be one of {', '.join(AGGREGATIONS)}"
            )
        settings.aggregation = raw["score_aggregation"]
    for key in ("args", "output_validator_args", "static_validator_args"):
        if key in raw:
            _strings(raw[key], where, key)
    if "output_validator_args" in raw:
        settings.output_validator_flags = list(raw["output_validator_args"])
    args = raw.get("input_validator_args")
    if args is not None and not isinstance(args, list | dict):
        raise ValidationError(f"{where}: input_validator_args must be a sequence or a map")
    if "full_feedback" in raw and not isinstance(raw["full_feedback"], bool):
        raise ValidationError(f"{where}: full_feedback must be true or false")
    if "require_pass" in raw:
        settings.requires = _requires(raw["require_pass"], where)
    return settings


def _requires(value: Any, where: str) -> list[str]:
    """require_pass as canonical names (group_dependencies.canonical); malformed: refused."""
    names = [value] if isinstance(value, str) else value
    found = [canonical(name) for name in names] if isinstance(names, list) else [None]
    if any(name is None for name in found):
        raise ValidationError(
            f"{where}: require_pass must be sample, a group of data/secret, or a sequence of them"
        )
    return [name for name in found if name is not None]


def parse_test_case_yaml(raw: dict[str, Any], where: str, warnings: list[str]) -> dict[str, Any]:
    """A test case's <name>.yaml (the spec's "Test case configuration"), checked; kept whole."""
    _unknown(raw, CASE_KEYS, where, warnings)
    for key in ("args", "output_validator_args", "input_visualizer_args", "output_visualizer_args"):
        if key in raw:
            _strings(raw[key], where, key)
    args = raw.get("input_validator_args")
    if args is not None and not isinstance(args, list | dict):
        raise ValidationError(f"{where}: input_validator_args must be a sequence or a map")
    if "full_feedback" in raw and not isinstance(raw["full_feedback"], bool):
        raise ValidationError(f"{where}: full_feedback must be true or false")
    for key in ("hint", "description"):
        if key in raw and not isinstance(raw[key], str):
            raise ValidationError(f"{where}: {key} must be a string")
    return raw
