"""Python 3 (Debian's python3): syntax-checked first so a syntax error is a compile error."""

from worker.languages.base import Language

# compile() in a bare interpreter (-S: no site) costs a third of `-m py_compile`, which imports
# importlib and traceback and writes a .pyc nothing runs. Its messages are py_compile's, byte for
# byte: a plain SyntaxError as the interpreter prints it (no traceback), anything else (its
# subclasses too) as "Sorry: <type>: <message>". No braces: the argv is filled by str.format.
SYNTAX_CHECK = """import sys
path = sys.argv[1]
try:
    with open(path, "rb") as source:
        compile(source.read(), path, "exec", dont_inherit=True)
except Exception as error:
    if type(error) is SyntaxError:
        sys.__excepthook__(SyntaxError, error.with_traceback(None), None)
    else:
        sys.stderr.write("Sorry: %s: %s" % (type(error).__name__, error))
    sys.exit(1)
"""

LANGUAGE = Language(
    id="python3",
    name="Python 3",
    extensions=(".py",),
    source_name="main.py",
    compile=("/usr/bin/python3", "-I", "-S", "-c", SYNTAX_CHECK, "{src}"),
    run=("/usr/bin/python3", "-I", "{build}/{src}"),
    # Several files (a folder program, include/): the build dir on sys.path, as `python3
    # main.py` would have it without -I, and the main file run as __main__.
    run_with_files=(
        "/usr/bin/python3",
        "-I",
        "-c",
        "import runpy, sys; sys.path.insert(0, sys.argv[1]); sys.argv = sys.argv[2:]; "
        "runpy.run_path(sys.argv[0], run_name='__main__')",
        "{build}",
        "{build}/{src}",
    ),
    compile_checks_only=True,
    memory_markers=(b"MemoryError",),
    version="CPython 3.11",
    version_command=("/usr/bin/python3", "--version"),
    editor_mode="python",
    order=0,  # the classroom language comes first
    entry_names=("main.py", "__main__.py"),
    aliases=("py3",),  # not "python": in old packages that is Python 2,
)
