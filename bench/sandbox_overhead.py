"""Per-test sandbox overhead: the same C program run bare on the host and in the sandbox.

Usage: .venv/bin/python bench/sandbox_overhead.py [RUNS]   (needs Docker and the c image)
"""

from __future__ import annotations

import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from worker.sandbox import Limits, acquire, ensure_images, replenish  # noqa: E402

SOURCE = (
    '#include <stdio.h>\nint main(void){long a,b; if(scanf("%ld %ld",&a,&b)==2)'
    ' printf("%ld\\n",a+b); return 0;}\n'
)


def ms(seconds: float) -> str:
    return f"{seconds * 1000:7.2f} ms"


def main() -> None:
    """Print acquire/compile/close times and the per-test median, bare and sandboxed."""
    runs = int(sys.argv[1]) if len(sys.argv) > 1 else 200
    ensure_images(["c"])
    replenish("c")
    time.sleep(1)  # let the warm containers start
    with tempfile.TemporaryDirectory() as work:
        binary = Path(work) / "main"
        subprocess.run(["gcc", "-O2", "-o", str(binary), "-x", "c", "-"], input=SOURCE.encode(),
                       check=True)  # fmt: skip
        bare = []
        for _ in range(runs):
            start = time.perf_counter()
            subprocess.run([str(binary)], input=b"1 2\n", capture_output=True, check=True)
            bare.append(time.perf_counter() - start)
    start = time.perf_counter()
    box = acquire("c")
    acquired = time.perf_counter() - start
    start = time.perf_counter()
    assert box.compile(SOURCE).ok
    compiled = time.perf_counter() - start
    boxed = []
    limits = Limits(time_ms=1000, memory_mb=256)
    for _ in range(runs):
        start = time.perf_counter()
        result = box.run(b"1 2\n", limits)
        boxed.append(time.perf_counter() - start)
        assert result.stdout == b"3\n", result
    start = time.perf_counter()
    box.close()
    closed = time.perf_counter() - start
    print(f"acquire (warm) {ms(acquired)}   compile {ms(compiled)}   close {ms(closed)}")
    print(f"per test, bare      median {ms(statistics.median(bare))}  (subprocess.run on the host)")
    print(f"per test, sandboxed median {ms(statistics.median(boxed))}")
    print(f"overhead per test          {ms(statistics.median(boxed) - statistics.median(bare))}")


if __name__ == "__main__":
    main()
