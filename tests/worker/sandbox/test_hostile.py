"""Hostile programs: escapes, leftovers and resource abuse must fail safely, and the box goes on."""

from __future__ import annotations

import json
import os
import resource

import pytest

from tests.worker.sandbox.conftest import PROGRAMS
from worker.sandbox import Limits
from worker.sandbox.api import OK, OUTPUT_LIMIT, SANDBOX_ERROR, TIME_LIMIT
from worker.sandbox.docker_sandbox import CHECK_LIMITS, FILE_MB, _wire_limits

pytestmark = pytest.mark.docker

COMPILE_UID, RUN_UID = 10000, 10001  # the box users (sandbox_images/base/setup.sh)
FAST = Limits(time_ms=1000, memory_mb=64, output_kb=1024, wall_ms=3000)
SLOW_COMPILE = Limits(time_ms=3000, memory_mb=512, output_kb=64, wall_ms=5000)


def run_source(box, name: str, stdin: bytes = b"", limits: Limits = FAST):
    """Compile a program file in this (fresh) box and run it once."""
    compiled = box.compile((PROGRAMS / name).read_text())
    assert compiled.ok, compiled.output
    return box.run(stdin, limits)


def test_survivors_are_killed(open_box) -> None:
    """A setsid double-forked child does not outlive its run."""
    box = open_box("python3")
    result = run_source(box, "survivor.py")
    assert (result.status, result.stdout) == (OK, b"parent done\n")
    assert result.wall_ms < 2000  # the run ended with the main process, not the survivor
    box2 = open_box("python3", "processes.py")
    assert box2.run(b"", FAST).stdout == b"[1]\n"  # only the runner is there
    box.close()


def test_survivor_gone_in_the_same_box(open_box) -> None:
    """After a survivor, the next run of the same box sees only the runner."""
    box = open_box("python3")
    box.compile((PROGRAMS / "survivor.py").read_text())
    box.run(b"", FAST)
    box._source = (PROGRAMS / "processes.py").read_text()
    box.write_file("unused", b"")
    check = box.compile(box._source)
    assert check.ok
    assert box.run(b"", FAST).stdout == b"[1]\n"


def test_fork_bomb_hits_the_pids_limit(open_box) -> None:
    """A fork bomb ends (time or pids), never a sandbox error, and the box runs again."""
    box = open_box("c", "forkbomb.c")
    result = box.run(b"", Limits(time_ms=1000, memory_mb=64, wall_ms=3000, processes=16))
    assert result.status not in (OK, SANDBOX_ERROR)
    again = box.run(b"", Limits(time_ms=1000, memory_mb=64, wall_ms=3000, processes=16))
    assert again.status != SANDBOX_ERROR


def test_stopping_the_parent_is_denied(open_box) -> None:
    """kill(getppid(), SIGSTOP) cannot stop the runner."""
    box = open_box("python3", "stop_parent.py")
    assert box.run(b"", FAST).stdout == b"denied\n"
    assert box.run(b"", FAST).status == OK


def test_filling_the_work_dir(open_box) -> None:
    """Filling the box ends in ENOSPC/EFBIG for the program; the next run starts empty."""
    box = open_box("python3")
    result = run_source(box, "fill.py", limits=Limits(time_ms=5000, memory_mb=64, wall_ms=10000))
    assert result.status == OK, result.message
    assert result.stdout.strip() in (b"ENOSPC", b"EFBIG")
    listing = open_box("python3", "listdir.py")
    assert listing.run(b"", FAST).stdout == b"[]\n"


def test_leftover_files_are_cleared_between_runs(open_box) -> None:
    """Files a run wrote are gone at the next run; files the judge wrote stay."""
    box = open_box("python3")
    run_source(box, "fill.py", limits=Limits(time_ms=5000, memory_mb=64, wall_ms=10000))
    box.write_file("judge.txt", b"data")
    box._source = (PROGRAMS / "listdir.py").read_text()
    box.compile(box._source)
    assert box.run(b"", FAST).stdout == b"['judge.txt']\n"


def test_network_is_loopback_only(open_box) -> None:
    """Only lo exists, and the host's Redis/PostgreSQL ports are not reachable."""
    result = open_box("python3", "network.py").run(b"", FAST)
    lines = result.stdout.decode().splitlines()
    assert lines[0] == "interfaces ['lo']"
    assert all("connected" not in line for line in lines[1:]), lines


def test_no_secrets_no_escape(open_box, monkeypatch) -> None:
    """No host environment, no /proc/1 access, no shadow, no Docker socket, no setuid files."""
    secret = "codedev-test-secret-4f9a"
    monkeypatch.setenv("CODEDEV_TEST_SECRET", secret)
    box = open_box("python3", "snoop.py")
    result = box.run(b"", Limits(time_ms=10000, memory_mb=128, wall_ms=20000))
    text = result.stdout.decode()
    assert secret not in text and secret.encode() not in result.stderr
    assert "cwd ok" in text
    assert "root1 PermissionError" in text
    assert "environ1 PermissionError" in text
    assert "shadow PermissionError" in text
    assert "ENV ['HOME', 'LANG', 'PATH', 'TMPDIR']" in text
    assert "sockets []" in text
    assert "setuid []" in text


def test_planted_symlinks_are_not_followed(open_box) -> None:
    """The judge's writes replace a planted link; reads refuse links."""
    box = open_box("python3")
    assert run_source(box, "plant.py").stdout == b"planted\n"
    assert box.read_file("peek") is None
    box.write_file("planted", b"judge data")
    box._source = (PROGRAMS / "check_plant.py").read_text()
    box.compile(box._source)  # the source moves to main.py again
    result = box.run(b"", FAST)
    assert result.stdout == b'judge data\nprint(open("planted"\n'


def test_output_flood_keeps_worker_memory_flat(open_box) -> None:
    """1 GB to stdout is cut at the limit; the worker never holds more than the cap."""
    box = open_box("c", "flood_stdout.c")
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    for _ in range(3):
        result = box.run(b"", Limits(time_ms=5000, memory_mb=64, output_kb=8192, wall_ms=10000))
        assert result.status == OUTPUT_LIMIT
        assert len(result.stdout) == 8192 * 1024
    grown_mb = (resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before) / 1024
    assert grown_mb < 100


@pytest.mark.parametrize("program", ["random_include.c", "shadow_include.c"])
def test_hostile_includes_are_compile_errors(open_box, program) -> None:
    """Including /dev/random or /etc/shadow fails within the compile limit."""
    result = open_box("c").compile((PROGRAMS / program).read_text(), SLOW_COMPILE)
    assert not result.ok
    if program == "shadow_include.c":
        assert "Permission denied" in result.output


def test_template_bomb_hits_the_compile_limit(open_box) -> None:
    """A template explosion is stopped by the compile time (or memory) limit."""
    result = open_box("cpp").compile((PROGRAMS / "template_bomb.cpp").read_text(), SLOW_COMPILE)
    assert not result.ok


def test_syntax_error_is_a_compile_error(open_box) -> None:
    """Python is byte-compiled first: a syntax error is CE with the message."""
    result = open_box("python3").compile((PROGRAMS / "syntax_error.py").read_text())
    assert not result.ok and "SyntaxError" in result.output


def test_a_source_that_overwhelms_the_python_compiler_is_a_compile_error(open_box) -> None:
    """The check runs in a child of the runner: a source the compiler chokes on is CE there,
    and the same box then runs a program as usual."""
    box = open_box("python3")
    nested = box.compile("x = " + "-" * 200_000 + "1\n")
    assert not nested.ok and "Sorry: " in nested.output  # MemoryError: the parser's stack
    assert box.compile("print(input()[::-1])\n").ok
    result = box.run(b"abc\n", FAST)
    assert (result.status, result.stdout) == (OK, b"cba\n")


def test_the_python_check_runs_as_the_compile_uid(open_box) -> None:
    """The inline check drops to the compile uid like any compiler: it cannot touch /box/run."""
    box = open_box("python3")
    probe = box.compile("x = 1\n")
    assert probe.ok
    # The check's own code is the judge's; a source it compiles is never run. What it could
    # reach is what the compile uid can: a write into the run dir is refused.
    reply, blobs = box._call(
        {"op": "compile", "source_name": "main.py",
         "argv": ["/usr/bin/python3", "-I", "-S", "-c",
                  "import os; print(os.getuid()); open('/box/run/x', 'w')", "main.py"],
         "limits": _wire_limits(CHECK_LIMITS, keep_stderr=65536)},
        (b"x = 1\n",), timeout=30,
    )  # fmt: skip
    assert reply["status"] == "nonzero"
    assert b"10000\n" in blobs[0] and b"PermissionError" in blobs[0]
    assert b"execute.py" not in blobs[0]  # the traceback is the check's, as in its own process


def _started_clean(state: dict, uid: int, cwd: str, limits: Limits) -> None:
    """What every program and compiler starts with (see launcher/launch.c)."""
    assert state["uid"] == state["gid"] == [uid, uid, uid]
    assert state["groups"] == [] and state["session_leader"] and state["cwd"] == cwd
    assert state["fds"] == []  # only its standard streams
    cpu = -(-limits.time_ms // 1000) + 1
    assert state["cpu"] == [cpu, cpu + 1]
    assert state["fsize"] == [FILE_MB << 20] * 2
    assert state["stack"] == [limits.memory_mb << 20] * 2
    assert state["core"] == [0, 0]
    assert state["oom_score_adj"] == "1000"
    assert state["SigBlk"] == state["CapPrm"] == state["CapEff"] == "0" * 16
    assert state["NoNewPrivs"] == "1"


def test_a_program_starts_unprivileged_and_clean(open_box) -> None:
    """Through the launcher: run uid, own session, no other fds, its limits, no capabilities."""
    result = open_box("python3", "process_state.py").run(b"", FAST)
    assert result.status == OK, (result.message, result.stderr)
    _started_clean(json.loads(result.stdout), RUN_UID, "/box/run", FAST)


def test_the_inline_python_check_starts_the_same(open_box) -> None:
    """The check runs in a fork of the runner, not through the launcher: the same start."""
    box = open_box("python3")
    reply, blobs = box._call(
        {"op": "compile", "source_name": "main.py",
         "argv": ["/usr/bin/python3", "-I", "-S", "-c",
                  (PROGRAMS / "process_state.py").read_text(), "main.py"],
         "limits": _wire_limits(CHECK_LIMITS, keep_stderr=65536)},
        (b"x = 1\n",), timeout=30,
    )  # fmt: skip
    assert reply["status"] == "ok", blobs[0]
    _started_clean(json.loads(blobs[0]), COMPILE_UID, "/box/build", CHECK_LIMITS)


def test_a_program_that_cannot_start_is_a_sandbox_error(open_box) -> None:
    """The launcher says why an exec failed; the box goes on."""
    box = open_box("python3", "echo.py")
    reply, _ = box._call(
        {"op": "run", "argv": ["/box/run/missing"], "limits": _wire_limits(FAST, keep_stderr=0)},
        (b"",), timeout=30,
    )  # fmt: skip
    assert reply["status"] == SANDBOX_ERROR
    assert reply["message"] == "could not start the program: exec: No such file or directory"
    reply, _ = box._call(
        {"op": "run", "argv": ["/bin/echo", "a\x00b"], "limits": _wire_limits(FAST, keep_stderr=0)},
        (b"",), timeout=30,
    )  # fmt: skip
    assert reply["status"] == SANDBOX_ERROR and "null" in reply["message"]
    assert box.run(b"hi\n", FAST).stdout == b"HI\n"


def test_a_program_starts_with_default_signal_handling(open_box) -> None:
    """Nothing the runner ignores or blocks (SIGPIPE, SIGXFSZ, SIGCHLD) reaches the program."""
    box = open_box("python3", "echo.py")
    reply, blobs = box._call(
        {"op": "run", "argv": ["/usr/bin/grep", "-E", "^Sig(Ign|Blk)", "/proc/self/status"],
         "limits": _wire_limits(FAST, keep_stderr=0)},
        (b"",), timeout=30,
    )  # fmt: skip
    assert reply["status"] == OK, reply
    state = dict(line.split(":\t") for line in blobs[0].decode().splitlines())
    assert int(state["SigBlk"], 16) == 0
    # Only the C library's two internal signals (32, 33) may stay ignored: no handler can be set.
    assert int(state["SigIgn"], 16) & ~(0b11 << 31) == 0


def test_wall_limit_on_a_sleeper_reports_wall_time(open_box) -> None:
    """Sleeping forever is a time limit by wall clock, with little CPU time."""
    result = open_box("python3", "sleep.py").run(b"", FAST)
    assert result.status == TIME_LIMIT
    assert result.time_ms < FAST.time_ms
    assert "wall" in result.message


def test_environment_of_the_worker_is_not_needed() -> None:
    """The container gets an empty environment whatever the worker has."""
    from worker.languages import get_language
    from worker.sandbox.pool import container_settings

    os.environ["CODEDEV_TEST_SECRET"] = "x"
    try:
        settings = container_settings(get_language("c"), "image", "name", "warm")
    finally:
        del os.environ["CODEDEV_TEST_SECRET"]
    assert settings["environment"] == {}
    assert settings["network_mode"] == "none" and settings["read_only"]
    assert settings["cap_drop"] == ["ALL"]
    assert "no-new-privileges" in settings["security_opt"]
