"""JavaScript on Debian's Node.js; `node --check` turns a syntax error into a compile error."""

from worker.languages.base import Language

LANGUAGE = Language(
    id="javascript",
    name="JavaScript (Node.js)",
    extensions=(".js",),
    source_name="main.js",
    compile=("/usr/bin/node", "--check", "{src}"),
    # V8's own heap limit makes a memory bomb die with a clear message instead of the OOM killer.
    run=(
        "/usr/bin/node",
        "--max-old-space-size={memory_mb}",
        "--stack-size=65500",
        "{build}/{src}",
    ),  # fmt: skip
    memory_extra_mb=64,
    min_processes=32,
    compile_checks_only=True,
    memory_markers=(b"JavaScript heap out of memory", b"Allocation failed"),
    version="Node.js 18",
    version_command=("/usr/bin/node", "--version"),
    editor_mode="javascript",
    aliases=("js", "nodejs"),
)
