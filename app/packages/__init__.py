"""Kattis problem packages: import (folder or .zip), export, their pages and `flask problems`."""

from flask import Blueprint

from app.packages.exporter import export_package
from app.packages.importer import ImportResult, import_package, import_zip_bytes

__all__ = ["ImportResult", "bp", "export_package", "import_package", "import_zip_bytes"]

# The package pages sit beside the challenge pages they belong to: /challenges/import, ...
bp = Blueprint("packages", __name__, url_prefix="/challenges")

from app.packages import views  # noqa: E402,F401
