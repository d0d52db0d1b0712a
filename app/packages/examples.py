"""Example submissions of a package (submissions/): one program per file or folder."""

from __future__ import annotations

from app.errors import ValidationError
from app.packages import config as cfg
from app.packages.parsed import ParsedSolution
from app.packages.programs import folder_program, program_source


def example_submissions(
    files: dict[str, bytes], warnings: list[str], *, modern: bool = False
) -> list[ParsedSolution]:
    """Example submissions: the verdict folders, or (2025-09) every folder by its rules."""
    programs: dict[str, dict[str, bytes]] = {}
    folders: set[str] = set()
    for path, data in files.items():
        parts = path.split("/")
        if parts[0] != "submissions" or len(parts) < 3:
            continue
        if parts[1] not in cfg.VERDICT_FOLDERS and not modern:
            if parts[1] != "submissions.yaml":
                warnings.append(f"submissions/{parts[1]}: folder not judged by codedev, skipped")
            continue
        program = "/".join(parts[1:3])
        programs.setdefault(program, {})["/".join(parts[3:]) or parts[2]] = data
        if len(parts) > 3:
            folders.add(program)
    rules = _entrypoints(files)
    if "submissions/submissions.yaml" in files and not modern:
        warnings.append("submissions/submissions.yaml: per-submission rules are not applied")
    solutions: list[ParsedSolution] = []
    for program in sorted(programs):
        where = f"submissions/{program}"
        kept: dict[str, bytes] = {}
        try:
            language, source = program_source(programs[program], where)
        except ValidationError as error:
            if program not in folders or "multi-file" not in error.message:
                warnings.append(f"{error.message}; skipped")
                continue
            try:  # a folder of several sources: one program, its files kept beside it
                language, _, source = folder_program(programs[program], where, rules.get(program))
            except ValidationError as folder_error:
                warnings.append(f"{folder_error.message}; skipped")
                continue
            kept = {f"{where}/{name}": data for name, data in programs[program].items()}
        # Other 2025-09 folders are judged by their submissions.yaml rules alone.
        verdict = cfg.VERDICT_FOLDERS.get(program.split("/")[0], cfg.BY_RULES)
        solutions.append(ParsedSolution(program, language, source, verdict, kept))
    if not any(s.expected_verdict == "AC" for s in solutions):
        raise ValidationError("submissions/accepted: the package needs an accepted submission")
    return solutions


def _entrypoints(files: dict[str, bytes]) -> dict[str, str]:
    """submissions.yaml's `entrypoint` per program (exact keys only, not globs)."""
    path = "submissions/submissions.yaml"
    if path not in files:
        return {}
    try:
        raw = cfg.load_yaml(files[path], path)
    except ValidationError:
        return {}  # verify reports a malformed file
    return {
        str(key): str(value["entrypoint"])
        for key, value in raw.items()
        if isinstance(value, dict) and isinstance(value.get("entrypoint"), str)
    }
