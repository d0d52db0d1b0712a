"""submissions/submissions.yaml (format 2025-09): what each example submission must get.

Pure functions: parse the rules (with the spec's default folder rules), match submissions and
test cases by the spec's globs, check one judged run against every rule that applies, and
give the time-limit bounds the spec infers from them ("Timelimit inference").
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

import yaml

from app.errors import ValidationError

SPEC_VERDICTS = ("AC", "WA", "TLE", "RTE")
# codedev's verdicts in the spec's four (memory and output limits are run-time errors there).
TO_SPEC = {"AC": "AC", "WA": "WA", "TLE": "TLE", "RE": "RTE", "MLE": "RTE", "OLE": "RTE"}
SUBMISSION_KEYS = (
    "language", "entrypoint", "authors", "model_solution", "permitted", "required", "score",
    "message", "use_for_time_limit",
)  # fmt: skip
DEFAULTS: dict[str, dict[str, Any]] = {
    "accepted": {"permitted": ["AC"]},
    "rejected": {"required": ["RTE", "TLE", "WA"]},
    "wrong_answer": {"permitted": ["AC", "WA"], "required": ["WA"]},
    "time_limit_exceeded": {"permitted": ["AC", "TLE"], "required": ["TLE"]},
    "run_time_error": {"permitted": ["AC", "RTE"], "required": ["RTE"]},
    "brute_force": {
        "permitted": ["AC", "RTE", "TLE"],
        "required": ["RTE", "TLE"],
        "use_for_time_limit": False,
    },
}


@dataclass(frozen=True)
class Rule:
    """One requirement: submissions matching `submissions`, on tests matching `tests`."""

    submissions: str
    tests: str | None  # None: every test case
    permitted: tuple[str, ...] | None = None
    required: tuple[str, ...] | None = None
    score: tuple[float, float] | None = None
    message: str | None = None
    use_for_time_limit: bool | str | None = None

    @property
    def where(self) -> str:
        return self.submissions + (f" on {self.tests}" if self.tests else "")


@dataclass
class JudgedRun:
    """A submission's run as the rules see it: spec verdicts per test path (under data/)."""

    path: str  # under submissions/, e.g. accepted/sol.py
    verdicts: dict[str, str]  # test path -> codedev verdict, tests that ran only
    times_ms: dict[str, int]
    score: float | None = None  # in the package's points (secret's max_score)
    messages: list[str] = field(default_factory=list)
    compiled: bool = True
    # Aggregated score per test data group path (secret, secret/<group>), in package points.
    group_scores: dict[str, float] = field(default_factory=dict)


def _expand(pattern: str) -> list[str]:
    """Brace expansion: a{b,c}d -> [abd, acd] (nested braces too)."""
    match = re.search(r"\{([^{}]*)\}", pattern)
    if match is None:
        return [pattern]
    head, tail = pattern[: match.start()], pattern[match.end() :]
    return [out for part in match.group(1).split(",") for out in _expand(head + part + tail)]


def _regex(pattern: str) -> re.Pattern[str]:
    return re.compile(
        "".join("[^/]*" if c == "*" else re.escape(c) for c in pattern.strip("/")) + r"\Z"
    )


def matches(pattern: str, path: str) -> bool:
    """Whether path (or a folder above it) matches the glob: `*` stays within a name."""
    parts = path.split("/")
    prefixes = ["/".join(parts[:n]) for n in range(1, len(parts) + 1)]
    return any(names(pattern, prefix) for prefix in prefixes)


def names(pattern: str, path: str) -> bool:
    """Whether the glob matches path itself (a group's `score` is its own, not its parent's)."""
    return any(_regex(p).match(path) for p in _expand(pattern))


def _verdicts(value: Any, where: str, key: str) -> tuple[str, ...]:
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list) or not all(v in SPEC_VERDICTS for v in value):
        raise ValidationError(f"{where}: {key} must be a list of {', '.join(SPEC_VERDICTS)}")
    return tuple(value)


def _rule(submissions: str, tests: str | None, raw: dict[str, Any], where: str) -> Rule | None:
    permitted = _verdicts(raw["permitted"], where, "permitted") if "permitted" in raw else None
    required = _verdicts(raw["required"], where, "required") if "required" in raw else None
    score = None
    if "score" in raw:
        value = raw["score"]
        if isinstance(value, int | float) and not isinstance(value, bool):
            score = (float(value), float(value))
        elif (
            isinstance(value, list)
            and len(value) == 2
            and all(isinstance(v, int | float) and not isinstance(v, bool) for v in value)
        ):
            score = (float(value[0]), float(value[1]))
        else:
            raise ValidationError(f"{where}: score must be a number or a list of two numbers")
    message = raw.get("message")
    if message is not None and not isinstance(message, str):
        raise ValidationError(f"{where}: message must be a string")
    use = raw.get("use_for_time_limit")
    if use is not None and use not in (True, False, "lower", "upper"):
        raise ValidationError(f"{where}: use_for_time_limit must be true, false, lower or upper")
    if permitted is None and required is None and score is None and not message and use is None:
        return None
    return Rule(submissions, tests, permitted, required, score, message, use)


def parse_rules(text: str | None, where: str = "submissions/submissions.yaml") -> list[Rule]:
    """The default folder rules (as overridden by the file) and the file's own rules."""
    raw: Any = {}
    if text:
        try:
            raw = yaml.safe_load(text) or {}
        except yaml.YAMLError as error:
            raise ValidationError(f"{where}: malformed YAML ({error})") from error
    if not isinstance(raw, dict):
        raise ValidationError(f"{where}: expected a map of submission globs")
    rules: list[Rule] = []
    for folder, default in DEFAULTS.items():
        override = raw.get(folder)
        if not isinstance(override, dict):
            override = {}
        merged = {**default, **{k: v for k, v in override.items() if k in SUBMISSION_KEYS}}
        rule = _rule(folder, None, merged, f"{where}: {folder}")
        if rule is not None:
            rules.append(rule)
    for glob, block in raw.items():
        if not isinstance(glob, str) or not isinstance(block, dict):
            raise ValidationError(f"{where}: {glob!r} must map to a map of requirements")
        if glob not in DEFAULTS:
            rule = _rule(glob, None, block, f"{where}: {glob}")
            if rule is not None:
                rules.append(rule)
        for key, sub in block.items():
            if key in SUBMISSION_KEYS:
                continue
            if not isinstance(sub, dict):
                raise ValidationError(f"{where}: {glob}: {key} must map to requirements")
            rule = _rule(glob, str(key), sub, f"{where}: {glob}: {key}")
            if rule is not None:
                rules.append(rule)
    return rules


def rules_for(rules: Iterable[Rule], path: str) -> list[Rule]:
    """The rules a submission (path under submissions/) must satisfy."""
    return [rule for rule in rules if matches(rule.submissions, path)]


def _tests(rule: Rule, run: JudgedRun) -> dict[str, str]:
    return {
        test: verdict
        for test, verdict in run.verdicts.items()
        if rule.tests is None or matches(rule.tests, test)
    }


def check(rules: Iterable[Rule], run: JudgedRun) -> list[str]:
    """Every rule the run breaks, each naming the rule ([] when the run satisfies them all)."""
    if not run.compiled:
        return [f"{run.path}: does not compile"]
    errors: list[str] = []
    for rule in rules_for(rules, run.path):
        tests = {test: TO_SPEC.get(verdict, verdict) for test, verdict in _tests(rule, run).items()}
        if rule.permitted is not None:
            bad = sorted(t for t, v in tests.items() if v not in rule.permitted)
            if bad:
                errors.append(
                    f"{rule.where}: permitted {list(rule.permitted)}, but "
                    + ", ".join(f"{t} got {tests[t]}" for t in bad[:5])
                )
        if rule.required is not None and not any(v in rule.required for v in tests.values()):
            errors.append(f"{rule.where}: required one of {list(rule.required)} on some test")
        if rule.score is not None:
            errors += _score_errors(rule, rule.score, run)
        if rule.message and not any(rule.message in message for message in run.messages):
            errors.append(f"{rule.where}: no judge message contains {rule.message!r}")
    return errors


def _score_errors(rule: Rule, score: tuple[float, float], run: JudgedRun) -> list[str]:
    """The run's score, or under a test glob each group's it names (the spec: "the aggregated
    score of a given test data group"), out of range; a glob naming no scored group is an
    error too, never a rule silently skipped."""
    low, high = score
    if rule.tests is None:
        found = {"": run.score}
    else:
        found = {g: s for g, s in run.group_scores.items() if names(rule.tests, g)}
        if not found:
            scored = ", ".join(sorted(run.group_scores)) or "none"
            return [
                f"{rule.where}: score is for test data groups with a score, and "
                f"{rule.tests} names none of them ({scored})"
            ]
    return [
        f"{rule.where}: score must be in [{low:g}, {high:g}], got {got}"
        + (f" on {group}" if group != rule.tests and group else "")
        for group, got in found.items()
        if got is None or not low - 1e-6 <= got <= high + 1e-6
    ]


def time_role(rules: Iterable[Rule], path: str) -> tuple[bool, bool]:
    """(bounds the limit from below, bounds it from above) for a submission, by the spec."""
    lower = upper = False
    for rule in rules_for(rules, path):
        if rule.use_for_time_limit is False:
            continue
        if rule.use_for_time_limit == "lower" or (
            rule.permitted is not None and "TLE" not in rule.permitted
        ):
            lower = True
        if rule.use_for_time_limit == "upper" or rule.required == ("TLE",):
            upper = True
    return lower, upper


def slowest_ms(rules: Iterable[Rule], run: JudgedRun) -> int:
    """The slowest test time over the tests the run's time-limit rules apply to."""
    times = [
        run.times_ms[test]
        for rule in rules_for(rules, run.path)
        if rule.use_for_time_limit is not False
        for test in _tests(rule, run)
        if test in run.times_ms
    ]
    return max(times, default=0)
