"""2025-09 `require_pass` ("Group dependencies"): a group earns nothing unless every group it
requires (or `sample`) had all its tests accepted. Pure: the judge's score and the IOI boards'
subtasks both apply it, so they agree."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence

SAMPLE = "sample"  # how require_pass names the samples; their tests carry the group ""


def unpassed(tests: Iterable[tuple[str, str]], sizes: Mapping[str, int]) -> set[str]:
    """Groups (`sample` for the samples) not passed: a test of theirs was not accepted, or
    fewer of their tests ran than they hold. tests: (group, verdict); sizes: tests per group."""
    failed: set[str] = set()
    accepted: dict[str, int] = {}
    for group, verdict in tests:
        if verdict == "AC":
            accepted[group] = accepted.get(group, 0) + 1
        else:
            failed.add(group)
    failed |= {group for group, size in sizes.items() if accepted.get(group, 0) < size}
    return {SAMPLE if group == "" else group for group in failed}


def blocked(requires: Sequence[str], not_passed: set[str]) -> bool:
    """Whether a group requiring these groups gets no score (the spec: its score is 0)."""
    return any(name in not_passed for name in requires)


def canonical(name: object) -> str | None:
    """A require_pass entry as codedev names groups: `sample`, or a data/secret group's name
    (written `secret/<name>`, relative to data/, or as the bare name); None if malformed."""
    if not isinstance(name, str) or not name.strip("/"):
        return None
    name = name.strip("/")
    if name.startswith("secret/"):
        name = name[len("secret/") :]
    return None if "/" in name or name == "secret" else name
