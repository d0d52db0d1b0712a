"""The files of a package codedev leaves out, so the import can say so: one warning per
kind, naming its files (pure)."""

from __future__ import annotations

from collections.abc import Callable, Iterable

SHOWN = 5  # files named per warning; the rest are counted
TEST_FOLDERS = ("data/sample/", "data/secret/")
ILLUSTRATIONS = (".png", ".jpg", ".jpeg", ".svg")


def _in_tests(suffix: str) -> Callable[[str], bool]:
    return lambda path: path.startswith(TEST_FOLDERS) and path.endswith(suffix)


def _under(folder: str) -> Callable[[str], bool]:
    return lambda path: path.startswith(folder)


# (kind, why it is left out, which paths are of the kind), in the order the warnings come.
KINDS: tuple[tuple[str, str, Callable[[str], bool]], ...] = (
    (".in.statement files", "the statement shows the .in", _in_tests(".in.statement")),
    (".ans.statement files", "the statement shows the .ans", _in_tests(".ans.statement")),
    (".out files", "the statement shows the .ans", _in_tests(".out")),
    (".in.download files", "test data is not offered for download", _in_tests(".in.download")),
    (".ans.download files", "test data is not offered for download", _in_tests(".ans.download")),
    (
        "test case illustrations",
        "they are not shown",
        lambda path: path.startswith(TEST_FOLDERS) and path.lower().endswith(ILLUSTRATIONS),
    ),
    (
        "data/invalid_output/",
        "the output validator is not checked against it",
        _under("data/invalid_output/"),
    ),
    (
        "data/valid_output/",
        "the output validator is not checked against it",
        _under("data/valid_output/"),
    ),
    ("input_visualizer/", "visualizers are not run", _under("input_visualizer/")),
    ("output_visualizer/", "visualizers are not run", _under("output_visualizer/")),
    ("static_validator/", "static validation is not supported", _under("static_validator/")),
)
# Read by the 2025-09 reader only; an older package's are left out.
OLDER_ONLY: tuple[tuple[str, str, Callable[[str], bool]], ...] = (
    (
        "data/invalid_input/",
        "input validators run in format 2025-09 only",
        _under("data/invalid_input/"),
    ),
)


def dropped_files(paths: Iterable[str], *, modern: bool) -> list[str]:
    """A warning per kind of file the import leaves out, naming the files of that kind."""
    paths = list(paths)
    kinds = KINDS if modern else KINDS + OLDER_ONLY
    warnings = []
    for kind, why, matches in kinds:
        found = sorted(path for path in paths if matches(path))
        if found:
            named = ", ".join(found[:SHOWN])
            if len(found) > SHOWN:
                named += f" and {len(found) - SHOWN} more"
            warnings.append(f"{kind}: left out ({why}): {named}")
    return warnings
