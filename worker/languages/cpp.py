"""C++20 with G++."""

from worker.languages.base import Language

LANGUAGE = Language(
    id="cpp",
    name="C++ (G++, C++20)",
    extensions=(".cc", ".cpp", ".cxx"),
    source_name="main.cpp",
    compile=(
        "/usr/bin/g++",
        "-std=c++20",
        "-O2",
        "-pipe",
        "-fmax-errors=20",
        "-o",
        "main",
        "{src}",
    ),  # fmt: skip
    run=("{build}/main",),
)
