"""C++ with G++ in the GNU C++20 dialect, as Kattis, DOMjudge and the ICPC WF build C++."""

from worker.languages.base import Language

LANGUAGE = Language(
    id="cpp",
    name="C++ (G++, gnu++20)",
    # .C (capital) is C++ and .c is C, as in the Kattis table.
    extensions=(".cpp", ".cc", ".cxx", ".c++", ".C"),
    helper_extensions=(".h", ".hpp", ".hh", ".hxx"),
    source_name="main.cpp",
    compile=(
        "/usr/bin/g++",
        "-std=gnu++20",
        "-O2",
        "-pipe",
        "-fmax-errors=20",
        "-o",
        "main",
        "{src}",
    ),  # fmt: skip
    run=("{build}/main",),
    version="G++ 12.2",
    version_command=("/usr/bin/g++", "--version"),
    editor_mode="cpp",
    aliases=("c++",),
)
