"""Prints what the program started with: ids, session, fds, limits, OOM score, signals."""

import json
import os
import resource


def open_fds() -> list[int]:
    found = []
    for fd in range(3, 1024):
        try:
            os.fstat(fd)
        except OSError:
            continue
        found.append(fd)
    return found


with open("/proc/self/status") as handle:
    status = dict(line.split(":", 1) for line in handle.read().splitlines())
with open("/proc/self/oom_score_adj") as handle:
    oom_score_adj = handle.read().strip()
print(
    json.dumps(
        {
            "uid": os.getresuid(),
            "gid": os.getresgid(),
            "groups": os.getgroups(),
            "session_leader": os.getsid(0) == os.getpid(),
            "cwd": os.getcwd(),
            "fds": open_fds(),
            "cpu": resource.getrlimit(resource.RLIMIT_CPU),
            "fsize": resource.getrlimit(resource.RLIMIT_FSIZE),
            "stack": resource.getrlimit(resource.RLIMIT_STACK),
            "core": resource.getrlimit(resource.RLIMIT_CORE),
            "oom_score_adj": oom_score_adj,
            **{key: status[key].strip() for key in ("SigBlk", "CapPrm", "CapEff", "NoNewPrivs")},
        }
    )
)
