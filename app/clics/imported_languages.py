"""The languages of an imported contest package, kept on the round and served as its own
(app/clics/objects.py `languages`): the package's, then for each language a submission names
beside them the judge's language, else a bare one, so that every submission's language_id
names a served language. A submission stores the judge's id of its language (an alias is the
judge's, a long id is cut to the column's 16 characters); `objects.language_id` maps it back.
"""

from __future__ import annotations

from typing import Any

from app.clics import objects
from app.clics.package_reader import ContestPackage
from app.judging import languages as registry


def languages(package: ContestPackage, warnings: list[str]) -> list[dict[str, Any]]:
    """The package's languages as served, then for each language id a submission names beside
    them the judge's language, else a bare one; none when the package lists none and the
    judge knows every one named (the judge's are served)."""
    given = package.of("languages")
    named = {str(s.get("language_id") or "unknown") for s in package.of("submissions").values()}
    unlisted = sorted(n for n in named if n not in given)
    if not given and all(registry.is_known(registry.from_code(n)) for n in unlisted):
        return []
    if given and unlisted:
        warnings.append(f"languages: {unlisted} are named by submissions but not listed")
    found = {str(item["id"]): language(item) for item in given.values()}
    judge = {item["id"]: item for item in objects.judge_languages(registry.ids())}
    if not given:
        found.update(judge)
    for name in unlisted:
        item = judge.get(registry.from_code(name)) or language({"id": name})
        found.setdefault(item["id"], item)
    return list(found.values())


def language(item: dict[str, Any]) -> dict[str, Any]:
    """Of a package's language, what codedev serves again."""
    found: dict[str, Any] = {"id": str(item["id"]), "name": str(item.get("name") or item["id"]),
                             "entry_point_required": bool(item.get("entry_point_required")),
                             "extensions": list(dict.fromkeys(item.get("extensions") or []))}  # fmt: skip
    if found["entry_point_required"]:
        found["entry_point_name"] = str(item.get("entry_point_name") or "Main file")
    return found
