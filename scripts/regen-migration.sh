#!/usr/bin/env bash
# Until the first release the schema is one migration: regenerate it from the models.
set -euo pipefail
cd "$(dirname "$0")/.."
tmp=$(mktemp -d)
rm -f migrations/versions/0001_initial_schema.py
DATABASE_URL="sqlite:///$tmp/empty.sqlite3" FLASK_APP=app .venv/bin/flask db migrate -m "initial schema" --rev-id 0001 >/dev/null 2>&1
mv migrations/versions/0001_initial_schema*.py migrations/versions/0001_initial_schema.py 2>/dev/null || true
rm -rf "$tmp"
echo "regenerated migrations/versions/0001_initial_schema.py"
