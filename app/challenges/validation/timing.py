"""The time limit a package's rule derives from measured runs (problem.yaml `limits`).

Validation measures the accepted reference solutions and sets the limit by the rule of the
package the challenge came from; packages/config.py parses that rule from problem.yaml.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from app.errors import ValidationError
from app.models import Challenge

DRAFT = "2023-07-draft"
LEGACY = "legacy"


@dataclass
class TimingRule:
    """The problem.yaml settings that turn measured run times into a time limit."""

    version: str = LEGACY
    time_multiplier: float = 5.0  # legacy
    time_safety_margin: float = 2.0  # legacy
    ac_to_time_limit: float = 2.0  # 2023-07-draft
    time_limit_to_tle: float = 1.5  # 2023-07-draft
    time_resolution: float = 1.0  # 2023-07-draft


def rule_for(challenge: Challenge) -> TimingRule:
    """The timing rule of the package the challenge came from (draft rule by default)."""
    meta = challenge.package_meta or {}
    rule = TimingRule(version=str(meta.get("format", DRAFT)))
    for key, value in (meta.get("time_multipliers") or {}).items():
        if hasattr(rule, key):
            setattr(rule, key, float(value))
    return rule


def derived_time_limit_ms(
    rule: TimingRule, slowest_ac_ms: int, fastest_tle_ms: int | None = None
) -> int:
    """The time limit the spec derives from the slowest accepted run (and fastest TLE run).

    Legacy (problemtools): max(1, round(T_ac * time_multiplier)) whole seconds.
    2023-07-draft: the smallest multiple of time_resolution with
    T_ac * ac_to_time_limit <= limit and limit * time_limit_to_tle <= T_tle.
    """
    slowest = max(slowest_ac_ms, 0) / 1000
    if rule.version == LEGACY:
        return 1000 * max(1, int(0.5 + slowest * rule.time_multiplier))
    resolution = rule.time_resolution
    # A small epsilon keeps 0.5 * 2.0 from rounding up to the next step through float error.
    steps = max(1, math.ceil(slowest * rule.ac_to_time_limit / resolution - 1e-9))
    limit = steps * resolution
    if fastest_tle_ms is not None and limit * rule.time_limit_to_tle > fastest_tle_ms / 1000:
        raise ValidationError(
            f"problem.yaml: no time limit fits: accepted runs need {limit:g} s but the fastest "
            f"time_limit_exceeded run took {fastest_tle_ms / 1000:g} s"
        )
    return round(limit * 1000)
