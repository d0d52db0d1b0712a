"""Kattis problem packages: import (folder or .zip), export, and the `flask problems` CLI."""

from app.packages.exporter import export_package
from app.packages.importer import ImportResult, import_package, import_zip_bytes

__all__ = ["ImportResult", "export_package", "import_package", "import_zip_bytes"]
