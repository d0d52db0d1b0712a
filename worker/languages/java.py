"""Java 17 (OpenJDK): the source is named after its main class, as Kattis does."""

from __future__ import annotations

import re
from dataclasses import dataclass

from worker.languages.base import Language

# Comments and literals are blanked before looking for classes so `"class X"` doesn't count.
_NOISE = re.compile(r'//[^\n]*|/\*.*?\*/|"(?:\\.|[^"\\\n])*"|\'(?:\\.|[^\'\\\n])*\'', re.S)
_PACKAGE = re.compile(r"^\s*package\s+([\w.]+)\s*;", re.M)
_CLASS = re.compile(
    r"\b((?:public|final|abstract|static|strictfp|\s)*)\b(?:class|enum|record)\s+(\w+)"
)
_MAIN = re.compile(r"\bstatic\s+(?:final\s+)?void\s+main\s*\(")


def main_class(source: str) -> tuple[str | None, str]:
    """(package, class) of the program: the class with `main`, preferring a public one."""
    code = _NOISE.sub(" ", source)
    package = _PACKAGE.search(code)
    found = list(_CLASS.finditer(code))
    with_main = []
    for index, match in enumerate(found):
        end = found[index + 1].start() if index + 1 < len(found) else len(code)
        if _MAIN.search(code, match.end(), end):
            with_main.append(match)
    public = [m for m in with_main if "public" in m.group(1)]
    chosen = public or with_main or [m for m in found if "public" in m.group(1)] or found
    name = chosen[0].group(2) if chosen else "Main"
    return (package.group(1) if package else None), name


@dataclass(frozen=True)
class JavaLanguage(Language):
    """Java needs the class name for both the file name and the run command."""

    def source_file(self, source: str) -> str:
        return main_class(source)[1] + ".java"

    def main_name(self, source: str) -> str:
        package, name = main_class(source)
        return f"{package}.{name}" if package else name


LANGUAGE = JavaLanguage(
    id="java",
    name="Java 17 (OpenJDK)",
    extensions=(".java",),
    source_name="Main.java",
    compile=(
        "/usr/bin/javac",
        "-encoding",
        "UTF-8",
        "-J-XX:+UseSerialGC",
        "-J-Xss64m",
        "-J-XX:TieredStopAtLevel=1",
        "-J-XX:-UsePerfData",
        "-d",
        ".",
        "{src}",
    ),  # fmt: skip
    # -Xmx is the program's limit; the JVM's own memory (metaspace, JIT) is the extra below.
    run=(
        "/usr/bin/java",
        "-XX:+UseSerialGC",
        "-Xss64m",
        "-Xmx{memory_mb}m",
        "-XX:-UsePerfData",
        "-Dfile.encoding=UTF-8",
        "-cp",
        "{build}",
        "{main}",
    ),  # fmt: skip
    memory_extra_mb=128,
    min_processes=64,
    memory_markers=(b"java.lang.OutOfMemoryError",),
    version="OpenJDK 17",
    version_command=("/usr/bin/javac", "-version"),
    editor_mode="java",
)
