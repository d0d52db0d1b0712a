"""Browser helpers for the solve page: log in, type into the editor, read the result panel."""

from __future__ import annotations

from typing import Any

from tests.conftest import PASSWORD

# The marks that are filled in, recorded by the page itself every time the panel changes.
RECORD_MARKS = """() => {
  window.__filled = [];
  window.__sameDocument = true;
  const marks = document.getElementById('marks');
  new MutationObserver(() => {
    window.__filled.push(marks.querySelectorAll('.mark:not(.pending)').length);
  }).observe(marks, {childList: true});
}"""


def log_in(page: Any, base: str, email: str) -> None:
    page.goto(base + "/auth/login")
    page.fill("input[name=email]", email)
    page.fill("input[name=password]", PASSWORD)
    page.click("form button[type=submit]")
    page.wait_for_url(lambda url: "/auth/login" not in url)


def type_code(page: Any, source: str) -> None:
    """Replace the editor's text by typing, as a student does (auto-indent and brackets on)."""
    editor = page.locator(".cm-content")
    editor.click()
    page.keyboard.press("Control+A")
    page.keyboard.press("Delete")
    for line in source.rstrip("\n").split("\n"):
        page.keyboard.type(line.lstrip())
        page.keyboard.press("Enter")
        # Auto-indent may carry indentation over; lines here are written flat on purpose.
        page.keyboard.press("Shift+Tab") if line.startswith(" ") else None


def editor_text(page: Any) -> str:
    return str(page.locator(".cm-content").inner_text())


def final_verdict(page: Any) -> str:
    """Wait for the verdict of the current run and return its code."""
    verdict = page.locator("[data-testid=verdict][data-verdict]")
    verdict.wait_for(timeout=90_000)
    return str(verdict.get_attribute("data-verdict"))
