"""Real programs in the real sandbox: one row per program, with the outcome it must get."""

from __future__ import annotations

import pytest

from worker.sandbox import Limits
from worker.sandbox.api import (
    MEMORY_LIMIT,
    NONZERO,
    OK,
    OUTPUT_LIMIT,
    SIGNALED,
    TIME_LIMIT,
)

pytestmark = pytest.mark.docker

FAST = Limits(time_ms=1000, memory_mb=64, output_kb=1024, wall_ms=3000)

# (language, program file, stdin, expected status, expected stdout or None)
CASES = [
    ("python3", "echo.py", b"hello\n", OK, b"HELLO\n"),
    ("c", "echo.c", b"hello\n", OK, b"HELLO\n"),
    ("cpp", "echo.cpp", b"hello\n", OK, b"HELLO\n"),
    ("java", "Echo.java", b"hello\n", OK, b"HELLO\n"),
    ("javascript", "echo.js", b"hello\n", OK, b"HELLO\n"),
    ("c", "busy.c", b"", TIME_LIMIT, None),
    ("python3", "busy.py", b"", TIME_LIMIT, None),
    ("java", "Busy.java", b"", TIME_LIMIT, None),
    ("python3", "sleep.py", b"", TIME_LIMIT, None),
    ("c", "sleep.c", b"", TIME_LIMIT, None),
    ("python3", "membomb.py", b"", MEMORY_LIMIT, None),
    ("c", "membomb.c", b"", MEMORY_LIMIT, None),
    ("java", "MemBomb.java", b"", MEMORY_LIMIT, None),
    ("javascript", "membomb.js", b"", MEMORY_LIMIT, None),
    ("python3", "exit3.py", b"", NONZERO, b""),
    ("c", "segv.c", b"", SIGNALED, b""),
    ("c", "stack.c", b"", SIGNALED, b""),
    ("python3", "recursion.py", b"", NONZERO, b""),
    ("c", "flood_stdout.c", b"", OUTPUT_LIMIT, None),
    ("c", "flood_stderr.c", b"", OUTPUT_LIMIT, None),
    ("c", "forkmem.c", b"", MEMORY_LIMIT, None),
    ("python3", "fake_protocol.py", b"", OK, None),
    ("python3", "binary.py", b"", OK, b"\xff\xfe\x00abc\x00\xc3\x28\n"),
]
NORMAL = {
    "python3": "echo.py",
    "c": "echo.c",
    "cpp": "echo.cpp",
    "java": "Echo.java",
    "javascript": "echo.js",
}


@pytest.mark.parametrize(
    ("language", "program", "stdin", "status", "stdout"),
    CASES,
    ids=[f"{case[0]}-{case[1]}" for case in CASES],
)
def test_program_outcome(open_box, language, program, stdin, status, stdout) -> None:
    """The program gets its outcome, and a normal program then runs normally in a new box."""
    box = open_box(language, program)
    result = box.run(stdin, FAST)
    assert result.status == status, (result.status, result.message, result.stderr[-500:])
    if stdout is not None:
        assert result.stdout == stdout
    assert len(result.stdout) <= FAST.output_kb * 1024
    assert len(result.stderr) <= 64 * 1024
    again = box.run(stdin, FAST)  # the same box survives whatever the program did
    assert again.status == status, again.message
    normal = open_box(language, NORMAL[language]).run(b"next\n", FAST)
    assert (normal.status, normal.stdout) == (OK, b"NEXT\n")


def test_report_fields(open_box) -> None:
    """A normal run reports exit code, CPU and wall time and a peak memory."""
    box = open_box("c", "echo.c")
    result = box.run(b"abc\n", FAST)
    assert (result.status, result.exit_code, result.signal) == (OK, 0, None)
    assert 0 < result.memory_kb < 64 * 1024
    # One thread: its CPU time can't pass the wall time around it.
    assert 0 <= result.time_ms <= result.wall_ms < FAST.effective_wall_ms
    again = box.run(b"", FAST)  # same binary, fine again
    assert (again.status, again.stdout) == (OK, b"\n")


def test_time_is_the_programs_cpu_and_wall_time_includes_sleep(open_box) -> None:
    """A program that spins for 300 ms of its own CPU clock, then sleeps 200 ms: the report
    counts the spin as CPU time and both as wall time, however loaded the machine is."""
    box = open_box("c", "spin_then_sleep.c")
    result = box.run(b"", Limits(time_ms=1000, memory_mb=64, output_kb=64, wall_ms=60_000))
    assert result.status == OK, result.message
    # The lower bound is the program's own clock; the upper one allows start-up, not sleep.
    assert 300 <= result.time_ms < 450, result.time_ms
    assert result.wall_ms >= result.time_ms + 200, (result.time_ms, result.wall_ms)


def test_peak_memory_is_the_programs_own(open_box) -> None:
    """A small C program's peak is its own few MB, not the Python runner's memory (about 12 MB)
    that a fork or a spawn from the runner would count; a larger one's grows with it."""
    box = open_box("c")
    small = "#include <stdio.h>\nint main(void) { puts(\"hi\"); return 0; }\n"
    assert box.compile(small).ok
    tiny = box.run(b"", FAST)
    assert tiny.status == OK and 0 < tiny.memory_kb < 4 * 1024, tiny.memory_kb
    big = open_box("c")
    touch = (  # volatile: the optimiser may not drop the writes
        "#include <stdlib.h>\n"
        "int main(void) { volatile char *p = malloc(32 << 20);\n"
        "  for (long i = 0; i < (32 << 20); i += 4096) p[i] = 1;\n  return p[4096] - 1; }\n"
    )
    assert big.compile(touch).ok
    grown = big.run(b"", FAST)
    assert grown.status == OK and 32 * 1024 <= grown.memory_kb < 40 * 1024, grown.memory_kb


def test_memory_limit_reports_peak(open_box) -> None:
    """A memory bomb's report says what it reached."""
    result = open_box("c", "membomb.c").run(b"", FAST)
    assert result.status == MEMORY_LIMIT
    assert result.memory_kb >= 60 * 1024
