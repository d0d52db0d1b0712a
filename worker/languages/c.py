"""C17 with GCC."""

from worker.languages.base import Language

LANGUAGE = Language(
    id="c",
    name="C (GCC, C17)",
    extensions=(".c",),
    source_name="main.c",
    compile=(
        "/usr/bin/gcc",
        "-std=c17",
        "-O2",
        "-pipe",
        "-fmax-errors=20",
        "-o",
        "main",
        "{src}",
        "-lm",
    ),  # fmt: skip
    run=("{build}/main",),
)
