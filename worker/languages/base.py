"""What a language is to the judge: file names, image, compile and run commands."""

from __future__ import annotations

import shlex
from dataclasses import dataclass, field

# Where the runner keeps the build (source, binaries) and the program's working dir.
BUILD_DIR = "/box/build"
RUN_DIR = "/box/run"


@dataclass(frozen=True)
class Language:
    """One language; commands are argv lists with {placeholders} filled per submission."""

    id: str
    name: str
    extensions: tuple[str, ...]  # the first is the one a source is saved and exported under
    source_name: str  # file name of the source in the build dir
    run: tuple[str, ...]  # {build} {main} {memory_mb} are filled in
    compile: tuple[str, ...] | None = None  # None: nothing to compile or check
    # The compile step only checks the source with the runtime itself (Python, Node.js): it runs
    # within a default run's limits, so the box needs no limit change between compile and run.
    compile_checks_only: bool = False
    # Memory the runtime needs beyond the program's limit (JVM, V8): added to the cgroup only.
    memory_extra_mb: int = 0
    # Threads count as processes in the pids cgroup; runtimes with many threads need more.
    min_processes: int = 1
    # stderr fragments that mean the runtime refused to allocate past its limit (-> MLE).
    memory_markers: tuple[bytes, ...] = field(default=())
    # Listing order (forms, the solve page's picker, whose first entry the editor opens in);
    # ties go by id.
    order: int = 100
    # What students read on the languages page; version_command prints it inside the image.
    version: str = ""
    version_command: tuple[str, ...] = ()
    # The CodeMirror mode of the browser editor (assets/editor.js MODES); "" is plain text.
    editor_mode: str = ""
    # Other names packages and contest systems use for it (Kattis, DOMjudge, problem.yaml).
    aliases: tuple[str, ...] = ()
    # A program may be several files (a folder, the editor's tabs); False: one source file.
    several_files: bool = True
    # Files such a program holds beside its sources (headers): the editor's file picker.
    helper_extensions: tuple[str, ...] = ()
    # The files a program of several starts from, first found wins (the Kattis languages
    # table's default entry point); empty: the source name's stem with each extension.
    entry_names: tuple[str, ...] = ()

    def main_file_names(self) -> tuple[str, ...]:
        """The names that make a file the entry point of a program of several."""
        if self.entry_names:
            return self.entry_names
        stem = self.source_name.rsplit(".", 1)[0]
        return tuple(stem + extension for extension in self.extensions)

    def image(self, prefix: str) -> str:
        """Name of this language's sandbox image."""
        return f"{prefix}-{self.id}"

    def source_file(self, source: str) -> str:
        """File name the source is saved under (Java derives it from the class)."""
        return self.source_name

    def main_name(self, source: str) -> str:
        """What the run command starts: the file stem, or Java's main class."""
        return self.source_file(source).rsplit(".", 1)[0]

    # A program of several files: the run command when the source's folder must be importable
    # (Python's -I leaves it off sys.path); None: the plain run command does.
    run_with_files: tuple[str, ...] | None = None

    def compile_command(self, source: str, others: tuple[str, ...] = ()) -> list[str] | None:
        """The compile (or syntax check) argv, run in the build dir; the program's other
        source files (by this language's extensions) are compiled with the main one."""
        if self.compile is None:
            return None
        argv = [self._fill(part, source, 0) for part in self.compile]
        sources = [name for name in others if name.endswith(self.extensions)]
        if sources and not self.compile_checks_only and self.source_file(source) in argv:
            at = argv.index(self.source_file(source)) + 1
            argv[at:at] = sources
        return argv

    def run_command(self, source: str, memory_mb: int, with_files: bool = False) -> list[str]:
        """The argv that runs the program with the given memory limit."""
        parts = self.run_with_files if with_files and self.run_with_files else self.run
        return [self._fill(part, source, memory_mb) for part in parts]

    def shown_command(self, parts: tuple[str, ...] | None) -> str:
        """A command as a shell line for people: N is the memory limit, inline programs are …"""
        if parts is None:
            return ""
        return " ".join(
            "…" if "\n" in part else shlex.quote(self._fill(part, "", "N")) for part in parts
        )

    def _fill(self, part: str, source: str, memory_mb: int | str) -> str:
        return part.format(
            build=BUILD_DIR,
            src=self.source_file(source),
            main=self.main_name(source),
            memory_mb=memory_mb,
        )
