"""C with GCC in the GNU C17 dialect, as Kattis, DOMjudge and the ICPC World Finals build C.

Strict -std=c17 hides POSIX names (pid_t, getline, strdup, M_PI), so a correct contest program
would get CE here and AC there.
"""

from worker.languages.base import Language

LANGUAGE = Language(
    id="c",
    name="C (GCC, gnu17)",
    extensions=(".c",),
    helper_extensions=(".h",),
    source_name="main.c",
    compile=(
        "/usr/bin/gcc",
        "-std=gnu17",
        "-O2",
        "-pipe",
        "-fmax-errors=20",
        "-o",
        "main",
        "{src}",
        "-lm",
    ),  # fmt: skip
    run=("{build}/main",),
    version="GCC 12.2",
    version_command=("/usr/bin/gcc", "--version"),
    editor_mode="cpp",
)
