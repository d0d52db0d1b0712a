"""What the package readers produce: the checked, decoded parts of a package (pure data)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from app.packages import config as cfg


@dataclass
class Program:
    """An input validator (or another package program) as codedev runs it."""

    name: str
    language: str
    source: str
    files: tuple[str, ...] = ()  # the names of its program folder's files


@dataclass
class ParsedTest:
    """One test case: data/<sample|secret>/[group/]name.{in,ans}."""

    name: str
    is_sample: bool
    group: str | None
    input: bytes
    answer: bytes


@dataclass
class ParsedSolution:
    """One example submission with the verdict its folder promises."""

    name: str
    language: str
    source: str
    expected_verdict: str
    # A folder program's files ({package path: bytes}); its source is the entry file's.
    files: dict[str, bytes] = field(default_factory=dict)


@dataclass
class ParsedPackage:
    """Everything the importer stores, checked and decoded."""

    config: cfg.ProblemConfig
    title: str
    statement_md: str
    tests: list[ParsedTest]
    groups: dict[str, float]  # name -> points, in order
    checker: str
    checker_options: dict[str, Any]
    checker_language: str | None
    checker_source: str | None
    solutions: list[ParsedSolution]
    files: dict[str, bytes]  # kept as ChallengeFile rows
    extension: dict[str, Any]
    meta: dict[str, Any]
    warnings: list[str] = field(default_factory=list)
    input_validators: list[Program] = field(default_factory=list)
