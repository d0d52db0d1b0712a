"""Python 3 (Debian's python3): byte-compiled first so a syntax error is a compile error."""

from worker.languages.base import Language

LANGUAGE = Language(
    id="python3",
    name="Python 3",
    extensions=(".py",),
    source_name="main.py",
    compile=("/usr/bin/python3", "-I", "-m", "py_compile", "{src}"),
    run=("/usr/bin/python3", "-I", "{build}/{src}"),
    memory_markers=(b"MemoryError",),
)
